// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * f_owner - the owner of a file's SIGIO and SIGURG (F_SETOWN, F_SETOWN_EX)
 * set in one pid namespace and read (F_GETOWN, F_GETOWN_EX) in others, and
 * the signals the owner then receives.
 *
 * Tasks: top (namespace outer) makes a pipe and an AF_UNIX stream
 * socketpair, then spawns i, the init of namespace inner (i spawns w, in
 * inner, which starts a thread wt and makes itself a process group leader),
 * and s, the init of the sibling namespace sib.  Every task shares the same
 * open file descriptions, so an owner set by one is the owner all see.  w
 * sets, in turn: itself as the pipe's owner (F_SETOWN, its own number), its
 * thread wt (F_SETOWN_EX F_OWNER_TID), its process group (F_SETOWN with the
 * negative group id), and itself as the socket's owner; after each, top, i
 * and s read the owner back.  Then top writes into the O_ASYNC pipe and
 * sends out-of-band data on the socket; w takes the SIGIO and the SIGURG.
 * Owners print as the task they denote in the reader's namespace ("-w": the
 * process group w leads, as F_GETOWN encodes it).  F_GETOWN is the raw
 * syscall: glibc's fcntl(F_GETOWN) quietly asks F_GETOWN_EX instead (found
 * when a kernel mutant of f_getown() went unnoticed).
 *
 * The golden lines and the kernel code behind them (fs/fcntl.c):
 *
 *   F_GETOWN after w's F_SETOWN: top w, i w, s 0; F_GETOWN_EX: {F_OWNER_PID,
 *   w} for top and i, {F_OWNER_PID, 0} for s
 *     f_setown() looks the number up in the *setter's* namespace
 *     (find_vpid()) and keeps the struct pid (f_modown()); f_getown() and
 *     f_getown_ex() number it with pid_vnr() for the *reader*, 0 when it has
 *     no number there (or when no task of that type is left: pid_task()).
 *   after F_SETOWN_EX F_OWNER_TID wt: F_GETOWN wt (a thread id: f_getown()
 *   numbers whatever struct pid it holds), {F_OWNER_TID, wt}; 0 for s;
 *   after F_SETOWN -(w's group): F_GETOWN -w (top, i), 0 (s); F_GETOWN_EX
 *   {F_OWNER_PGRP, w}
 *     The same with PIDTYPE_PID and PIDTYPE_PGID; f_getown() negates a
 *     group.
 *   top writes to the pipe: w gets SIGIO si_code=SI_KERNEL si_pid=0 si_uid=0;
 *   top sends MSG_OOB: w gets SIGURG si_code=SI_KERNEL si_pid=0 si_uid=0
 *     send_sigio_to_task() with no F_SETSIG signal and send_sigurg_to_task()
 *     send with SEND_SIG_PRIV: the kernel's own siginfo, no pid, whoever
 *     caused the event and wherever the owner lives.  The owner was found
 *     from the struct pid, not from a number (kill_fasync() ->
 *     send_sigio()).
 */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static int pipefd[2], sv[2];

/* F_GETOWN as the kernel answers it.  glibc's fcntl(F_GETOWN) asks
 * F_GETOWN_EX instead (a negative group id would look like an error), so
 * the raw syscall; its negative answer for a group comes back from
 * syscall() as -1 with errno set to the group id, which is undone here. */
static long raw_getown(int fd)
{
	long r = syscall(SYS_fcntl, fd, F_GETOWN);
	return r == -1 ? -(long)errno : r;
}

static void do_getown(const long *arg)
{
	/* arg: 0 the pipe, 1 the socket */
	int fd = arg[0] ? sv[0] : pipefd[0];
	struct f_owner_ex ex = {0};
	long own = raw_getown(fd);
	long r = fcntl(fd, F_GETOWN_EX, &ex) ? -errno : 0;
	NSX_REPLY(own, r, ex.type, ex.pid);
}

/* In w: F_SETOWN(arg[1]) of the pipe (arg[0] 0) or the socket (1); with
 * arg[2], F_SETOWN_EX(F_OWNER_TID, arg[1]) instead. */
static void do_setown(const long *arg)
{
	int fd = arg[0] ? sv[0] : pipefd[0];
	struct f_owner_ex ex = {.type = F_OWNER_TID, .pid = (pid_t)arg[1]};
	NSX_REPLY(nsx_rc(arg[2] ? fcntl(fd, F_SETOWN_EX, &ex) : fcntl(fd, F_SETOWN, (int)arg[1])));
}

/* In w: the blocked signal arg[0], taken. */
static void do_take(const long *arg)
{
	nsx_send_siginfo("reply", (int)arg[0]);
}

/* w: a process group leader that blocks SIGIO and SIGURG (before its
 * thread wt starts: wt has the same mask). */
static void do_setup(NSX_UNUSED const long *arg)
{
	nsx_block(SIGIO);
	nsx_block(SIGURG);
	NSX_REPLY(nsx_rc(setpgid(0, 0)));
}

static const char *owner_type(long t)
{
	return t == F_OWNER_TID    ? "F_OWNER_TID"
	       : t == F_OWNER_PID  ? "F_OWNER_PID"
	       : t == F_OWNER_PGRP ? "F_OWNER_PGRP"
	                           : "?";
}

/* F_GETOWN's value: a task, or a group as "-<leader>". */
static const char *own_str(int reader, long v)
{
	return v >= 0 ? nsx_name(reader, v) : nsx_fmt("-%s", nsx_name(reader, -v));
}

/* The owner of the pipe (fd_index 0) or the socket (1), read by top, i and s. */
static void show(const char *after, int fd_index, int i, int s)
{
	int reader[3] = {0, i, s};
	printf("%s:\n", after);
	for (int k = 0; k < 3; k++) {
		const long *v = nsx_by(reader[k], do_getown, fd_index, 0, 0)->v;
		printf("  %-3s F_GETOWN=%-4s F_GETOWN_EX=%s {%s, %s}\n", nsx_task_name(reader[k]),
		       own_str(reader[k], v[0]), nsx_res(v[1]), owner_type(v[2]),
		       nsx_name(reader[k], v[3]));
	}
}

NSX_CASE(.family = "File owners and SIGIO", .rows = "10.1 10.2 28.14");

int main(void)
{
	nsx_init("top", "outer");
	if (pipe2(pipefd, O_CLOEXEC) || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) ||
	    fcntl(pipefd[0], F_SETFL, O_ASYNC | O_NONBLOCK) || fcntl(sv[0], F_SETFL, O_ASYNC))
		nsx_fail("pipe/socketpair: %s", nsx_errname(errno));
	int i = nsx_spawn_agent("i", "inner"), s = nsx_spawn_agent("s", "sib");
	int w = nsx_spawn_agent_by(i, "w", NULL), inner = nsx_ns_of(i);
	NSX_TRY_NEG(nsx_do(w, do_setup, 0, 0, 0)->v[0]);
	int wt = nsx_agent_thread_by(w, "wt");
	long wn = nsx_nr_in(w, inner); /* w leads its process group */
	printf("# f_owner: F_SETOWN by w (inner), F_GETOWN in three namespaces, and the signals\n");
	printf("w F_SETOWN(itself) = %s\n", nsx_res(nsx_do(w, do_setown, 0, wn, 0)->v[0]));
	show("the pipe's owner", 0, i, s);
	printf("w F_SETOWN_EX(F_OWNER_TID, wt) = %s\n",
	       nsx_res(nsx_do(w, do_setown, 0, nsx_nr_in(wt, inner), 1)->v[0]));
	show("the pipe's owner", 0, i, s);
	printf("w F_SETOWN(-its process group) = %s\n",
	       nsx_res(nsx_do(w, do_setown, 0, -wn, 0)->v[0]));
	show("the pipe's owner", 0, i, s);
	long rp = nsx_do(w, do_setown, 0, wn, 0)->v[0], rs = nsx_do(w, do_setown, 1, wn, 0)->v[0];
	printf("w F_SETOWN(itself) on the pipe = %s, on the socket = %s\n", nsx_res(rp),
	       nsx_res(rs));
	show("the socket's owner", 1, i, s);
	long wr = write(pipefd[1], "x", 1) == 1 ? 0 : -errno;
	printf("top writes into the O_ASYNC pipe = %s: w gets %s\n", nsx_res(wr),
	       nsx_siginfo_str(w, nsx_do(w, do_take, SIGIO, 0, 0)));
	long oob = send(sv[1], "!", 1, MSG_OOB) == 1 ? 0 : -errno;
	printf("top sends MSG_OOB on the socket = %s: w gets %s\n", nsx_res(oob),
	       nsx_siginfo_str(w, nsx_do(w, do_take, SIGURG, 0, 0)));
	nsx_exit();
}
