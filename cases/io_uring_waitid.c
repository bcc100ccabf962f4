// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * io_uring_waitid - IORING_OP_WAITID (6.7+), waitid() as an io_uring request:
 * the pid it takes is looked up, and the siginfo it fills numbered, in the
 * submitter's pid namespace.  Skips where the opcode is unknown (before 6.7,
 * IORING_REGISTER_PROBE) or io_uring is unavailable.
 *
 * Tasks: top (namespace outer) with a child o (outer); c, the init of
 * namespace inner, with a child w (inner).  c submits WAITID(P_PID, w's number
 * in inner, WEXITED) and WAITID(P_PID, w's number in outer); top submits
 * WAITID(P_ALL, WEXITED).  Then w and o exit (w with 7, o with 9) and each
 * submitter takes its completions.  Numbers print as the submitter sees them.
 *
 * The golden lines and the kernel code behind them:
 *
 *   c, P_PID w@outer: res ECHILD at once; c, P_PID w: res 0, CLD_EXITED
 *   si_pid w si_status 7; top, P_ALL: res 0, CLD_EXITED si_pid o
 *   si_status 9
 *     io_uring/waitid.c (6.12.117): io_waitid() -> kernel_waitid_prepare()
 *     (kernel/exit.c): find_get_pid(upid) in the submitter's namespace (the
 *     request is issued in its context); no such struct pid: nothing to
 *     wait for, ECHILD from __do_wait().  A child's exit wakes
 *     io_waitid_wait(), which queues io_waitid_cb() as task work of the
 *     submitter; it runs __do_wait() -> wait_task_zombie(): info.pid =
 *     task_pid_vnr(p) with current the submitter, and io_waitid_copy_si()
 *     copies si_code, si_pid, si_uid and si_status out.  Absent from 6.1.
 */
#include "nsx.h"

#include <linux/io_uring.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#define OP_WAITID 50 /* IORING_OP_WAITID (6.7), newer than Debian 12's headers */

static struct nsx_ring ring;
static siginfo_t infos[2];

/* Submit a WAITID for (idtype arg[1], id arg[2]) into infos[arg[0]]. */
static void do_submit(const long *arg)
{
	int k = (int)arg[0];
	struct io_uring_sqe sqe = {.opcode = OP_WAITID,
	                           .fd = (int)arg[2],
	                           .len = (unsigned)arg[1],
	                           .file_index = WEXITED,
	                           .addr2 = (unsigned long)&infos[k],
	                           .user_data = (unsigned long)k};
	memset(&infos[k], 0, sizeof(infos[k]));
	NSX_TRY_NEG(nsx_ring_submit(&ring, &sqe, 0));
	NSX_REPLY(0);
}

/* The next completion: {user_data, res, si_code, si_pid, si_status}. */
static void do_reap(NSX_UNUSED const long *arg)
{
	struct io_uring_cqe cqe;
	NSX_TRY_NEG(nsx_ring_wait(&ring, &cqe));
	const siginfo_t *si = &infos[cqe.user_data & 1];
	NSX_REPLY((long)cqe.user_data, cqe.res, si->si_code, si->si_pid, si->si_status);
}

/* w and o: exit with status arg[0]. */
static void do_exit(const long *arg)
{
	_exit((int)arg[0]);
}

/* In c: a ring of its own. */
static void do_ring(NSX_UNUSED const long *arg)
{
	NSX_REPLY(nsx_ring_open(&ring, 0));
}

/* The completion task who reaps, its pids named as observer sees them. */
static void show(int who, const char *what, int observer)
{
	const long *o = nsx_by(who, do_reap, 0, 0, 0)->v;
	printf("%-3s WAITID(%s): res %s", nsx_task_name(who), what, nsx_res(o[1]));
	if (!o[1])
		printf(", %s si_pid=%s si_status=%ld", nsx_sicode(SIGCHLD, (int)o[2]),
		       nsx_name(observer, o[3]), o[4]);
	printf("\n");
}

NSX_CASE(.family = "Children, parents and wait", .rows = "2.4");

int main(void)
{
	nsx_init("top", "outer");
	long r = nsx_ring_open(&ring, 0);
	if (r)
		nsx_skip("io_uring_setup: %s: io_uring is not available here",
		         nsx_errname((int)-r));
	r = nsx_ring_has_op(&ring, OP_WAITID);
	if (r < 0)
		nsx_skip("IORING_REGISTER_PROBE: %s", nsx_errname((int)-r));
	if (!r)
		nsx_skip("IORING_REGISTER_PROBE: no IORING_OP_WAITID (Linux 6.7)");
	struct nsx_scene s = nsx_scene(0);
	int c = s.c, w = nsx_spawn_agent_by(c, "w", NULL), o = nsx_spawn_agent("o", NULL);
	NSX_TRY_NEG(nsx_do(c, do_ring, 0, 0, 0)->v[0]);

	printf("# io_uring_waitid: IORING_OP_WAITID looks up and numbers in the submitter's "
	       "namespace\n");
	nsx_do(c, do_submit, 1, P_PID, nsx_pid(w));
	show(c, nsx_fmt("P_PID %s, WEXITED", nsx_name(c, nsx_pid(w))), c);
	nsx_do(c, do_submit, 0, P_PID, nsx_nr_in(w, s.inner));
	nsx_by(0, do_submit, 0, P_ALL, 0);
	nsx_ask(w, do_exit, 7, 0, 0);
	nsx_ask(o, do_exit, 9, 0, 0);
	show(c, "P_PID w, WEXITED", c);
	show(0, "P_ALL, WEXITED", 0);
	nsx_forget(w);
	nsx_forget(o);
	nsx_exit();
}
