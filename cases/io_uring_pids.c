// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * io_uring_pids - the numbers io_uring shows about its kernel threads, seen
 * from pid namespaces: fdinfo's SqThread and the names iou-sqp-N and
 * iou-wrk-N.  All three are global numbers, translated for nobody.
 *
 * Tasks: top (namespace outer); c, the init of namespace inner, mounts a
 * proc of its own, sets up a ring with IORING_SETUP_SQPOLL (its SQ thread is
 * a thread of c) and a second ring on which it submits a read of an empty
 * pipe with IOSQE_ASYNC (an io-wq worker, also a thread of c, takes it and
 * waits).  top reads c's thread list, the threads' names and the SQPOLL
 * ring's fdinfo through outer's proc; c reads its fdinfo through inner's,
 * and through outer's.
 * A number is checked against every number of every thread of the case at
 * every level the case can see (outer and inner); "none" means it belongs
 * to a namespace above the case's own: the initial one.
 *
 * The golden lines and the kernel code behind them:
 *
 *   fdinfo SqThread: none, the same through either proc
 *     io_uring/fdinfo.c: __io_uring_show_fdinfo() prints task_pid_nr()
 *     of the SQ thread (6.1), sq->task_pid = current->pid set by the SQ
 *     thread itself (io_uring/sqpoll.c, 6.12): the global number, whatever
 *     proc instance or reader.  6.1 fills it in only when its
 *     mutex_trylock() of the ring's uring_lock and of sq->lock succeed (-1
 *     otherwise, printed as -1, by any reader), and io_sq_thread() holds
 *     sq->lock while awake: the case reads once the SQ thread sleeps in its
 *     idle wait (state S after a voluntary context switch: it drops the
 *     lock just before its schedule()).  Read without that wait, make
 *     mutants' base run on 6.1.192 once printed "through inner's (c):
 *     another number".  7.2 and 7.3-rc7 (the variant
 *     sqthread-proc-ns, expected/VARIANTS): through outer's proc the SQ
 *     thread's number in outer, through inner's (read by c) another number,
 *     its number in inner: __io_uring_show_fdinfo() prints
 *     task_pid_nr_ns(tsk, proc_pid_ns(file_inode(m->file)->i_sb)), the
 *     namespace of the proc mount read through, whoever reads.
 *   fdinfo SqThread read by c through outer's proc: the same number as
 *   top's
 *     c is in inner and reads through outer's mount: the global number
 *     (6.1, 6.12) and the mount's numbering (7.2 on) both ignore the
 *     reader, so c sees what top saw; a number in the reader's namespace
 *     would be another.
 *   the SQ thread's name iou-sqp-N and the worker's iou-wrk-M: N and M
 *   none, N = M, N != SqThread
 *     io_uring/sqpoll.c: io_sq_thread() names itself "iou-sqp-%d" with
 *     sqd->task_pid, set to current->pid (the creator, c) when the ring was
 *     made (io_sq_offload_create()); io_uring/io-wq.c: the worker is named
 *     "iou-wrk-%d" with wq->task->pid, the submitting task's global number.
 *     Both are c's global number; SqThread is the SQ thread's own.
 */
#include "nsx.h"

#include <errno.h>
#include <linux/io_uring.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int sq_ring = -1, own_proc = -1;

/* A ring without SQPOLL, and a read of an empty pipe punted to io-wq. */
static long async_read(void)
{
	static char buf[8];
	static int pfd[2];
	static struct nsx_ring ring;
	long r = nsx_ring_open(&ring, 0);
	if (r || pipe(pfd))
		return r ? r : -errno;
	struct io_uring_sqe sqe = {.opcode = IORING_OP_READ,
	                           .flags = IOSQE_ASYNC,
	                           .fd = pfd[0],
	                           .addr = (unsigned long)buf,
	                           .len = sizeof(buf)};
	return nsx_ring_submit(&ring, &sqe, 0);
}

static void do_setup(NSX_UNUSED const long *arg)
{
	struct io_uring_params p = {.flags = IORING_SETUP_SQPOLL, .sq_thread_idle = 60000};
	own_proc = nsx_own_proc();
	sq_ring = (int)syscall(SYS_io_uring_setup, 4, &p);
	if (sq_ring < 0)
		NSX_REPLY(-errno);
	else
		NSX_REPLY(async_read(), sq_ring);
}

/* SqThread of task arg[1]'s ring (the caller's: self) through inner's proc
 * (arg[0] 0) or outer's (1): the number, or -ENOENT. */
static void do_sqthread(const long *arg)
{
	const char *path = arg[1] == nsx_self()
	                           ? nsx_fmt("self/fdinfo/%d", sq_ring)
	                           : nsx_fmt("%d/fdinfo/%d", (int)nsx_pid((int)arg[1]), sq_ring);
	const char *s = nsx_read_field(arg[0] ? nsx_procfd() : own_proc, path, "SqThread");
	NSX_REPLY(*s ? strtol(s, NULL, 10) : -ENOENT);
}

/* Has thread tid (in outer) gone to sleep since it began: state S, and a
 * voluntary context switch behind it?  In this case (no SQ_AFF, nothing
 * submitted to the ring, nobody else taking sqd->lock) the SQ thread's first
 * one is its idle wait's schedule(), after it dropped sqd->lock
 * (io_sq_thread()); with sq_thread_idle at 60 s, far longer than the case's
 * waits, it stays there. */
static int asleep(long tid)
{
	char status[4096];
	if (nsx_read_text(nsx_procfd(), nsx_fmt("%ld/status", tid), status, sizeof(status)) < 0)
		return 0;
	return nsx_field(status, "State")[0] == 'S' &&
	       strtol(nsx_field(status, "voluntary_ctxt_switches"), NULL, 10) > 0;
}

/* Whose number v is, at any level the case sees, among c's threads (tids in
 * outer, NSpid read from outer's proc); a negative v as it is (6.1's -1:
 * SqThread not filled in). */
static const char *whose(long v, int n, const long *tid, const char *const *name)
{
	if (v < 0)
		return nsx_fmt("%ld", v);
	for (int i = 0; i < n; i++) {
		long nr[4];
		int k = nsx_read_status_list(nsx_procfd(), nsx_fmt("%ld", tid[i]), "NSpid", nr, 4);
		for (int l = 0; l < k; l++)
			if (nr[l] == v)
				return nsx_fmt("%s's number in %s", name[i], l ? "inner" : "outer");
	}
	return "none";
}

/* A SqThread v read beside top's, ref: a negative v as it is (as whose()),
 * else same or other. */
static const char *beside(long v, long ref, const char *same, const char *other)
{
	return v < 0 ? nsx_fmt("%ld", v) : v == ref ? same : other;
}

NSX_CASE(.family = "Kernel threads, fault handlers and side channels", .rows = "25.1 25.2 25.3",
         .kconfig = "CONFIG_IO_URING", .variants = "sqthread-proc-ns",
         .finding =
                 "io_uring's fdinfo `SqThread:` and the names of its threads (`iou-sqp-N`, "
                 "`iou-wrk-N`) are global numbers in every namespace (`__io_uring_show_fdinfo()`: "
                 "`task_pid_nr()`; `io_sq_offload_create()` and the io-wq worker name with "
                 "`current->pid`): `io_uring_pids`.");

int main(void)
{
	nsx_init("top", "outer");
	int c = nsx_scene(0).c;
	const long *v = nsx_do(c, do_setup, 0, 0, 0)->v;
	if (v[0] == -ENOSYS || v[0] == -EPERM)
		nsx_skip("io_uring_setup: %s: io_uring is not available here",
		         nsx_errname((int)-v[0]));
	if (v[0])
		nsx_fail("io_uring in c: %s", nsx_errname((int)-v[0]));
	sq_ring = (int)v[1];

	/* The worker is made as the read is punted; wait (bounded) for it. */
	long tid[16];
	char name[16][32];
	int n, sqp, wrk;
	time_t end = time(NULL) + nsx_timeout_ms() / 1000 + 1;
	do {
		n = nsx_threads(c, tid, name, 16);
		sqp = wrk = -1;
		for (int i = 0; i < n; i++) {
			if (!strncmp(name[i], "iou-sqp-", 8))
				sqp = i;
			if (!strncmp(name[i], "iou-wrk-", 8))
				wrk = i;
		}
	} while ((sqp < 0 || wrk < 0) && time(NULL) < end && !sched_yield());
	if (sqp < 0 || wrk < 0)
		nsx_fail("no SQ thread or io-wq worker in c (%d threads)", n);
	/* and for the SQ thread to sleep in its idle wait (6.1's SqThread) */
	while (!asleep(tid[sqp]) && time(NULL) < end && !sched_yield())
		;
	if (!asleep(tid[sqp]))
		nsx_fail("the SQ thread never slept");
	long sqt = nsx_by(0, do_sqthread, 1, c, 0)->v[0];
	long sqt_in = nsx_do(c, do_sqthread, 0, c, 0)->v[0];
	long sqt_c = nsx_do(c, do_sqthread, 1, c, 0)->v[0];
	long nq = strtol(name[sqp] + 8, NULL, 10), nw = strtol(name[wrk] + 8, NULL, 10);
	const char *tn[16];
	for (int i = 0; i < n; i++)
		tn[i] = i == sqp ? "the SQ thread" : i == wrk ? "the worker" : "c";

	printf("# io_uring_pids: c (inner) has an SQPOLL ring and an io-wq worker\n");
	printf("fdinfo SqThread through outer's proc: %s; through inner's (c): %s\n",
	       whose(sqt, n, tid, tn), beside(sqt_in, sqt, "the same number", "another number"));
	printf("fdinfo SqThread read by c through outer's proc: %s\n",
	       beside(sqt_c, sqt, "the same number as top's", "another number than top's"));
	printf("the SQ thread's name iou-sqp-N: N is %s; the worker's iou-wrk-M: M is %s\n",
	       whose(nq, n, tid, tn), whose(nw, n, tid, tn));
	printf("N = M: %s; N = SqThread: %s\n", nq == nw ? "yes" : "no", nq == sqt ? "yes" : "no");
	nsx_exit();
}
