// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * state.c - what lib shares between its files: the task table, who the
 * calling task is, the report pipe, the message stash, the timeout, rotating
 * name buffers, and the futex words every barrier waits on.
 */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct nsx_table *nsx_T;
_Thread_local int nsx_me = -1;        /* index of the calling task (or thread) */
int nsx_proc_me = -1;                 /* index of the calling process's task */
pid_t nsx_top_pid;                    /* the top's getpid(), to tell it apart after fork */
int nsx_proc_dir = -1;                /* /proc as it was when the case began */
int nsx_rep_rd = -1;                  /* report pipe, read end (top only) */
int nsx_rep_wr = -1;                  /* report pipe, write end (everyone) */
_Thread_local uint32_t nsx_step_seen; /* nsx_go() calls consumed by nsx_step() */
struct nsx_msg nsx_stash[NSX_STASH];
int nsx_nstash;

int nsx_is_top(void)
{
	/* the syscall, never a libc cache: cases test libcs that may have one */
	return nsx_me == 0 && (pid_t)syscall(SYS_getpid) == nsx_top_pid;
}

int nsx_timeout_ms(void)
{
	static int ms;
	if (!ms) {
		const char *e = getenv("NSX_TIMEOUT_MS");
		ms = e && atoi(e) > 0 ? atoi(e) : 5000;
	}
	return ms;
}

long long nsx_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct nsx_table *nsx_table(void)
{
	return nsx_T;
}

const char *nsx_task_name(int i)
{
	return i >= 0 && i < nsx_T->ntasks ? nsx_T->task[i].name : "?";
}

int nsx_task_ready(int i)
{
	return (int)__atomic_load_n(&nsx_T->task[i].ready, __ATOMIC_ACQUIRE);
}

pid_t nsx_forked(int i)
{
	return nsx_T->task[i].forked;
}

int nsx_ntasks(void)
{
	return nsx_T->ntasks;
}

int nsx_task_level(int i)
{
	return nsx_T->task[i].level;
}

pid_t nsx_task_nr(int i, int l)
{
	return l >= 0 && l <= nsx_T->task[i].level ? nsx_T->task[i].nr[l] : 0;
}

const char *nsx_ns_name(int ns)
{
	return nsx_T->ns[ns].name;
}

int nsx_ns_level(int ns)
{
	return nsx_T->ns[ns].level;
}

int nsx_self(void)
{
	return nsx_me;
}

int nsx_procfd(void)
{
	return nsx_proc_dir;
}

char *nsx_strbuf(void)
{
	static char buf[16][256];
	static int r;
	return buf[r++ % 16];
}

const char *nsx_fmt(const char *fmt, ...)
{
	char *b = nsx_strbuf();
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b, 256, fmt, ap);
	va_end(ap);
	return b;
}

const char *nsx_itoa(long v)
{
	char *b = nsx_strbuf();
	snprintf(b, 256, "%ld", v);
	return b;
}

int nsx_futex_op(uint32_t *uaddr, int op, uint32_t val, const struct timespec *ts)
{
	return (int)syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

/* Wait until *w != old, bounded by the timeout; 0 on change, -1 on timeout. */
int nsx_wait_change(uint32_t *w, uint32_t old, long long deadline)
{
	while (__atomic_load_n(w, __ATOMIC_ACQUIRE) == old) {
		long long left = deadline - nsx_now_ms();
		if (left <= 0)
			return -1;
		struct timespec ts = {left / 1000, (left % 1000) * 1000000};
		nsx_futex_op(w, FUTEX_WAIT, old, &ts);
	}
	return 0;
}

void nsx_wake(uint32_t *w)
{
	nsx_futex_op(w, FUTEX_WAKE, INT32_MAX, NULL);
}

/* Fill in the calling task's numbers from its NSpid. */
/* Fill in task idx's numbers from the NSpid of /proc/<which> (which must end
 * in own, unless own is 0), check its level, and mark it ready. */
