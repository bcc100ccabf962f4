/* SPDX-License-Identifier: GPL-2.0-or-later */
/* world.h - a world's tasks as processes that act on command (world.c). */
#ifndef NSX_FUZZ_WORLD_H
#define NSX_FUZZ_WORLD_H

#include "fuzz.h"

#include <sys/types.h>

enum fz_cmd {
	CMD_SPAWN = 1, /* fork task arg0 (arg1: newns | newuser << 1 | pg << 2 | uidv << 4);
	                  r0: its number or -errno */
	CMD_GETPPID,   /* r0: getppid() */
	CMD_GETPGID,   /* r0: getpgid(arg0) or -errno */
	CMD_GETSID,    /* r0: getsid(0) */
	CMD_KILL,      /* r0: kill(arg0, SIGUSR1): 0 or -errno */
	CMD_PIDFD,     /* r0: pidfd_send_signal(pidfd_open(arg0), SIGUSR1) */
	CMD_TAKE,      /* a pending SIGUSR1: r0 taken, r1 si_code, r2 si_pid, r3 si_uid */
	CMD_SCM_SEND,  /* SCM_CREDENTIALS with its own pid, uid, gid */
	CMD_SCM_RECV,  /* r0 0 or -errno, r1 the pid, r2 the uid received */
	CMD_LISTEN,    /* listen on the abstract name arg1 */
	CMD_PEER,      /* connect to name arg1: r1 SO_PEERCRED's pid, r2 its uid */
	CMD_UNLISTEN,  /* close the listening socket */
	CMD_NSPID,     /* /proc/<arg0>/status: r0 0 or -errno, r1 count, r2... NSpid */
};

struct fz_slot {
	uint32_t go, done, ready, mapped; /* futex words */
	int cmd, err, lfd;
	long arg[2];
	long r[FZ_MAXLV + 2];
	int nlv;           /* how many numbers nr holds */
	long nr[FZ_MAXLV]; /* the task's numbers, the first proc's level first */
};

struct fz_shm {
	pid_t controller;
	struct fz_slot slot[FZ_MAXT];
};

extern struct fz_shm *fz_shm;

/* Shared memory, the proc every task reads its numbers from, the socket
 * pair for SCM_CREDENTIALS, SIGUSR1 blocked (inherited by every task). */
int fz_world_init(void);
/* Make the world: task 0 forked here, every other by its parent.  *top is
 * task 0 (for fz_teardown()).  0, or -errno of the first step that failed. */
int fz_build(const struct fz_world *w, pid_t *top);
void fz_teardown(pid_t top);
/* Task i runs a command; its results. */
long *fz_call(int i, int cmd, long a0, long a1);

#endif
