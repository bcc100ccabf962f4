// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pidfd_pgrp_signal - pidfd_send_signal(PIDFD_SIGNAL_PROCESS_GROUP) (6.9+)
 * signals the process group the pidfd's process leads, members in any pid
 * namespace; each member's siginfo numbers the sender for that member, 0 where
 * it has no number; a sender may not use a pidfd of a process outside its own
 * namespace's subtree, even to reach group members inside it.  Skips where
 * the flag is refused (EINVAL: before 6.9).
 *
 * Tasks: top (namespace outer); g (outer) makes itself a process group leader
 * and opens a pidfd of itself; m, the init of namespace inner, is g's child,
 * so a member of g's group, and inherits the pidfd.  Both block SIGUSR1 and
 * report the siginfo they take.
 *
 * The golden lines and the kernel code behind them (kernel/signal.c, read on
 * 6.12.117; 6.18 the same):
 *
 *   top, pidfd of g, PIDFD_SIGNAL_PROCESS_GROUP, SIGUSR1: 0; g takes SI_USER
 *   si_pid top, m takes SI_USER si_pid 0
 *     do_pidfd_send_signal(): type PIDTYPE_PGID -> prepare_kill_siginfo()
 *     (SI_USER, si_pid = task_tgid_vnr(current), the sender's number) ->
 *     kill_pgrp_info() -> __kill_pgrp_info(): every task whose pgrp is the
 *     pidfd's struct pid; send_signal_locked() rewrites si_pid per receiver
 *     (0 when the sender has no number in the receiver's namespace) in a
 *     copy of the siginfo: 6.1.192 and 6.12.117 have the copy, 6.18.44 does
 *     not, and there the member visited first (m, the newest) zeroes si_pid
 *     for g too: the known-bad variant shared-siginfo, see pgrp_kill.
 *   m (inner), the same pidfd of g, signal 0: EINVAL
 *     do_pidfd_send_signal(): access_pidfd_pidns(pid) first: g is not in m's
 *     namespace or below it.
 *   top, a pidfd of m (not a group leader), PIDFD_SIGNAL_PROCESS_GROUP: ESRCH
 *     __kill_pgrp_info(): no task has m's pid as its process group.
 */
#include "nsx.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef PIDFD_SIGNAL_PROCESS_GROUP
#define PIDFD_SIGNAL_PROCESS_GROUP (1U << 2)
#endif

static int g_pidfd = -1;

static long pgrp_signal(int fd, int sig)
{
	return nsx_rc(syscall(SYS_pidfd_send_signal, fd, sig, NULL, PIDFD_SIGNAL_PROCESS_GROUP));
}

/* g (arg non-NULL) makes the group and its pidfd and forks m; m signals the
 * group through it (signal 0).  Each reports the SIGUSR1 it takes. */
static int member_fn(void *arg)
{
	long r = 0;
	if (arg) {
		NSX_TRY(setpgid(0, 0));
		g_pidfd = (int)NSX_TRY(syscall(SYS_pidfd_open, getpid(), 0));
		nsx_spawn("m", "inner", member_fn, NULL);
	} else {
		r = pgrp_signal(g_pidfd, 0);
	}
	NSX_SEND("ready", r);
	nsx_send_siginfo("sig", SIGUSR1);
	nsx_park();
}

NSX_CASE(.family = "Signals from one namespace to another", .rows = "1.2 1.6",
         .variants = "shared-siginfo");

int main(void)
{
	nsx_init("top", "outer");
	int self = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (self < 0)
		nsx_skip("pidfd_open: %s (5.3)", nsx_errname(errno));
	if (pgrp_signal(self, 0) == -EINVAL)
		nsx_skip("pidfd_send_signal(PIDFD_SIGNAL_PROCESS_GROUP): EINVAL (6.9)");
	nsx_block(SIGUSR1);
	int g = nsx_spawn("g", NULL, member_fn, "g");
	nsx_recv(g, "ready");
	int m = nsx_find("m");
	long from_m = nsx_recv(m, "ready")->v[0];
	int gfd = (int)NSX_TRY(syscall(SYS_pidfd_open, nsx_pid(g), 0));
	int mfd = (int)NSX_TRY(syscall(SYS_pidfd_open, nsx_pid(m), 0));

	printf("# pidfd_pgrp_signal: PIDFD_SIGNAL_PROCESS_GROUP reaches the group across "
	       "namespaces; si_pid per member\n");
	printf("m   pidfd of g, PIDFD_SIGNAL_PROCESS_GROUP, signal 0: %s\n", nsx_res(from_m));
	printf("top pidfd of m (no group of its own), PIDFD_SIGNAL_PROCESS_GROUP, SIGUSR1: %s\n",
	       nsx_res(pgrp_signal(mfd, SIGUSR1)));
	printf("top pidfd of g, PIDFD_SIGNAL_PROCESS_GROUP, SIGUSR1: %s\n",
	       nsx_res(pgrp_signal(gfd, SIGUSR1)));
	printf("g   took %s\n", nsx_siginfo_str(g, nsx_recv(g, "sig")));
	printf("m   took %s\n", nsx_siginfo_str(m, nsx_recv(m, "sig")));
	nsx_exit();
}
