// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nsfs_translate - the pid translation ioctls on a pid namespace file:
 * NS_GET_PID_FROM_PIDNS and NS_GET_TGID_FROM_PIDNS (a number of the file's
 * namespace, into the caller's), NS_GET_PID_IN_PIDNS and NS_GET_TGID_IN_PIDNS
 * (a number of the caller's namespace, into the file's), checked against the
 * numbers lib reads from NSpid.  Linux 6.1 has none of them (ENOTTY: the
 * case skips); 6.12 has them.
 *
 * Tasks: top (namespace outer); c, the init of namespace inner, and c2
 * (inner) with a second thread c2t; x, the init of the sibling namespace sib.
 * Namespace files are opened through the case's proc.  A number prints as the
 * task it denotes in the namespace it is in (the caller's for FROM, the
 * file's for IN); the number asked about is shown the same way.
 *
 * The golden lines and the kernel code behind them (fs/nsfs.c, ns_ioctl(),
 * 6.12.117):
 *
 *   FROM: find_task_by_pid_ns(arg, file's ns), then task_pid_vnr() or
 *   task_tgid_vnr(): numbered for the caller.  IN: find_task_by_vpid(arg)
 *   in the caller's namespace, then task_pid_nr_ns() or task_tgid_nr_ns()
 *   for the file's.  A number that is not found, or a task with no number on
 *   the other side (0), is ESRCH.  There is no permission check beyond
 *   holding the file: c, holding outer's file, learns c2's outer number.
 *   A file that is not a pid namespace's: EINVAL.
 */
#include "nsx.h"

#include <errno.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#ifndef NS_GET_PID_FROM_PIDNS
#define NSIO                   0xb7
#define NS_GET_PID_FROM_PIDNS  _IOR(NSIO, 0x6, int)
#define NS_GET_TGID_FROM_PIDNS _IOR(NSIO, 0x7, int)
#define NS_GET_PID_IN_PIDNS    _IOR(NSIO, 0x8, int)
#define NS_GET_TGID_IN_PIDNS   _IOR(NSIO, 0x9, int)
#endif

static const unsigned long reqs[4] = {NS_GET_PID_FROM_PIDNS, NS_GET_TGID_FROM_PIDNS,
                                      NS_GET_PID_IN_PIDNS, NS_GET_TGID_IN_PIDNS};
static const char *const req_names[4] = {"NS_GET_PID_FROM_PIDNS", "NS_GET_TGID_FROM_PIDNS",
                                         "NS_GET_PID_IN_PIDNS", "NS_GET_TGID_IN_PIDNS"};

/* ioctl k on the "pid" (or "net" with k + 4) namespace file of task, number n. */
static long ask(int task, int k, long n)
{
	int f = nsx_open_ns(task, k < 4 ? "pid" : "net");
	if (f < 0)
		return -errno;
	long r = nsx_val(ioctl(f, reqs[k % 4], n));
	close(f);
	return r;
}

static void do_ask(const long *arg)
{
	NSX_REPLY(ask((int)arg[0], (int)arg[1], arg[2]));
}

/* caller asks ioctl k on ns_task's namespace file about task t, numbered in
 * the namespace the ioctl reads its argument in. */
static void row(int caller, int k, int ns_task, int t, long n_override)
{
	int file_ns = nsx_ns_of(ns_task), caller_ns = nsx_ns_of(caller);
	int in_ns = k < 2 ? file_ns : caller_ns, out_ns = k < 2 ? caller_ns : file_ns;
	long n = n_override ? n_override : nsx_nr_in(t, in_ns);
	long r = nsx_by(caller, do_ask, ns_task, k, n)->v[0];
	const char *arg = nsx_fmt("%s in %s", nsx_name_ns(in_ns, n), nsx_ns_name(in_ns));
	printf("  %-3s %-22s on %-5s's file, %-16s = %s%s%s\n", nsx_task_name(caller),
	       req_names[k % 4], nsx_ns_name(file_ns), arg,
	       r < 0 ? nsx_res(r) : nsx_name_ns(out_ns, r), r < 0 ? "" : " in ",
	       r < 0 ? "" : nsx_ns_name(out_ns));
}

NSX_CASE(.family = "Namespace files and chosen numbers", .rows = "5.1 5.2 5.3 5.4");

int main(void)
{
	nsx_init("top", "outer");
	struct nsx_scene s = nsx_scene(NSX_SCENE_C2T | NSX_SCENE_X);
	int c = s.c, c2 = s.c2, c2t = s.c2t, x = s.x, top = s.top;
	long probe = ask(c, 0, 1);
	if (probe == -ENOTTY)
		nsx_skip("NS_GET_PID_FROM_PIDNS: ENOTTY: no pid translation ioctls in this kernel "
		         "(6.1 has none, 6.12 has them)");

	printf("# nsfs_translate: pid translation ioctls on pid namespace files\n");
	printf("top (outer), inner's file:\n");
	row(top, 0, c, c2, 0);
	row(top, 0, c, c2t, 0);
	row(top, 1, c, c2t, 0);
	row(top, 2, c, c2, 0);
	row(top, 2, c, c2t, 0);
	row(top, 3, c, c2t, 0);
	row(top, 2, c, top, 0);
	row(top, 0, c, 0, 99);
	printf("c (inner), outer's file:\n");
	row(c, 0, top, c2, 0);
	row(c, 0, top, top, 0);
	row(c, 2, top, c2, 0);
	row(c, 3, top, c2t, 0);
	printf("x (sib), inner's file:\n");
	row(x, 0, c, c2, 0);
	row(x, 2, c, x, 0);
	printf("top, a network namespace's file: %s = %s\n", req_names[0], nsx_res(ask(top, 4, 1)));
	nsx_exit();
}
