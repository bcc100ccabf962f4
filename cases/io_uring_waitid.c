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

#include <errno.h>
#include <linux/io_uring.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define OP_WAITID 50 /* IORING_OP_WAITID (6.7), newer than Debian 12's headers */

static struct nsx_ring ring;
static siginfo_t infos[2];

static long submit(int k, int idtype, long id)
{
	struct io_uring_sqe sqe;
	memset(&sqe, 0, sizeof(sqe));
	memset(&infos[k], 0, sizeof(infos[k]));
	sqe.opcode = OP_WAITID;
	sqe.fd = (int)id;
	sqe.len = (unsigned)idtype;
	sqe.file_index = WEXITED;
	sqe.addr2 = (unsigned long)&infos[k];
	sqe.user_data = (unsigned long)k;
	return nsx_ring_submit(&ring, &sqe, 0);
}

/* The next completion: {0 or -errno, user_data, res, si_code, si_pid, si_status}. */
static void reap(long *o)
{
	struct io_uring_cqe cqe;
	o[0] = nsx_ring_wait(&ring, &cqe);
	if (o[0])
		return;
	const siginfo_t *si = &infos[cqe.user_data & 1];
	o[1] = (long)cqe.user_data;
	o[2] = cqe.res;
	o[3] = si->si_code;
	o[4] = si->si_pid;
	o[5] = si->si_status;
}

static void do_submit(const long *arg)
{
	NSX_REPLY(submit((int)arg[0], (int)arg[1], arg[2]));
}

static void do_reap(const long *arg)
{
	(void)arg;
	long o[6] = {0};
	reap(o);
	NSX_REPLY(o[0], o[1], o[2], o[3], o[4], o[5]);
}

static int exit_fn(void *arg)
{
	nsx_step();
	return (int)(long)arg;
}

static int c_fn(void *arg)
{
	(void)arg;
	if (nsx_ring_open(&ring, 0))
		nsx_fail("io_uring_setup: %s", nsx_errname(errno));
	nsx_spawn("w", NULL, exit_fn, (void *)7L);
	NSX_SEND("up", 1);
	nsx_serve();
}

static void show(const char *who, const char *what, int observer, const long *o)
{
	if (o[0])
		nsx_fail("%s: waiting for a completion: %s", who, nsx_errname((int)-o[0]));
	printf("%-3s WAITID(%s): res %s", who, what, nsx_res(o[2]));
	if (!o[2])
		printf(", %s si_pid=%s si_status=%ld", nsx_sicode(SIGCHLD, (int)o[3]),
		       nsx_name(observer, o[4]), o[5]);
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
	int c = nsx_spawn("c", "inner", c_fn, NULL);
	nsx_recv(c, "up");
	int w = nsx_find("w"), o = nsx_spawn("o", NULL, exit_fn, (void *)9L), inner = nsx_ns_of(c);
	long o1[6];

	printf("# io_uring_waitid: IORING_OP_WAITID looks up and numbers in the submitter's "
	       "namespace\n");
	r = nsx_do(c, do_submit, 1, P_PID, nsx_pid(w))->v[0];
	if (r)
		nsx_fail("c's submission: %s", nsx_errname((int)-r));
	memcpy(o1, nsx_do(c, do_reap, 0, 0, 0)->v, sizeof(o1));
	char what[64];
	snprintf(what, sizeof(what), "P_PID %s, WEXITED", nsx_name(c, nsx_pid(w)));
	show("c", what, c, o1);
	r = nsx_do(c, do_submit, 0, P_PID, nsx_nr_in(w, inner))->v[0];
	if (r || submit(0, P_ALL, 0))
		nsx_fail("submitting: %s", nsx_errname(r ? (int)-r : errno));
	nsx_go(w);
	nsx_go(o);
	memcpy(o1, nsx_do(c, do_reap, 0, 0, 0)->v, sizeof(o1));
	show("c", "P_PID w, WEXITED", c, o1);
	reap(o1);
	show("top", "P_ALL, WEXITED", 0, o1);
	nsx_forget(w);
	nsx_forget(o);
	nsx_exit();
}
