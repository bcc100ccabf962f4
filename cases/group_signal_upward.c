// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * group_signal_upward - a namespace's init signals its own process group,
 * whose leader is in the parent namespace: what si_pid the leader is told.
 *
 * Tasks: top (namespace outer); g (outer) makes itself a process group
 * leader and forks m, the init of namespace inner, which stays in g's group
 * (a new pid namespace changes no process group).  Both block SIGUSR1 and
 * report the siginfo they take.
 *
 * The golden lines and the kernel code behind them (kernel/signal.c, as
 * the 7.3-rc7 tree has it):
 *
 *   m   getpgrp()=0
 *     the group's leader g has no number in inner (kernel/sys.c
 *     do_getpgid(): pid_vnr(task_pgrp(current)) is 0).
 *
 *   m   kill(0, SIGUSR1): 0
 *     sys_kill() -> kill_something_info(sig, SEND_SIG_NOINFO, 0):
 *     __kill_pgrp_info() over the caller's own group, task_pgrp(current),
 *     every task on the group's list whatever its namespace (a process
 *     group is not bounded by a namespace).
 *
 *   m   took SIGUSR1 si_code=SI_USER si_pid=m si_uid=0
 *   g   took SIGUSR1 si_code=SI_USER si_pid=m si_uid=0
 *     __send_signal_locked(), SEND_SIG_NOINFO: a siginfo for each
 *     receiver, si_pid = task_tgid_nr_ns(current, task_active_pid_ns(t)),
 *     the sender's number in the receiver's namespace: 1 for m, m's number
 *     in outer for g.
 *
 * Before 7.3 (6.18.44, and Debian's 6.1.192, 6.12.117 and 7.2.13 kernels
 * under make vm) kill(2) built one siginfo with prepare_kill_siginfo():
 * si_pid = task_tgid_vnr(current), the sender's number in its own
 * namespace, 1, which send_signal_locked() corrects only by zeroing it for
 * a receiver in whose namespace the sender has no number
 * (!task_pid_nr_ns(current, task_active_pid_ns(t))).  m has a number in
 * outer, so g was told 1, m's number in inner, not in g's namespace
 * (printed m@inner: a number of another namespace): the known-bad variant
 * expected/group_signal_upward.sender-own-ns.out, which expected/VARIANTS
 * expects before 7.3.  Row 1.3 of the map said prepare_kill_siginfo()'s
 * number was "correct only because a sender can only reach same-ns or
 * descendant targets": not for a group.  pidfd_send_signal() still calls
 * prepare_kill_siginfo() in 7.3-rc7, but cannot reach a task above the
 * caller (access_pidfd_pidns()); tkill() and tgkill() name the task by a
 * number in the caller's namespace.
 */
#include "nsx.h"

#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static void do_kill_group(NSX_UNUSED const long *arg)
{
	long pgrp = getpgrp();
	NSX_REPLY(pgrp, nsx_rc(kill(0, SIGUSR1)));
	nsx_send_siginfo("sig", SIGUSR1); /* m is a member too */
}

/* The blocked SIGUSR1, taken. */
static void do_take(NSX_UNUSED const long *arg)
{
	nsx_send_siginfo("reply", SIGUSR1);
}

/* g: a process group leader that blocks SIGUSR1 (m, its child, inherits the mask). */
static int g_fn(NSX_UNUSED void *arg)
{
	nsx_block(SIGUSR1);
	NSX_TRY(setpgid(0, 0));
	nsx_serve();
}

NSX_CASE(.family = "Signals from one namespace to another", .rows = "1.3",
         .variants = "sender-own-ns",
         .finding =
                 "A group signal from inside a pid namespace to members above it: before 7.3, "
                 "kill(0) by a namespace's init whose process group's leader is in the parent "
                 "namespace gives the leader si_pid 1, the sender's number in its own "
                 "namespace, not its number in the leader's: `prepare_kill_siginfo()` numbers "
                 "the sender with `task_tgid_vnr()` and `send_signal_locked()` only zeroes si_pid "
                 "where the sender has no number (6.18.44; Debian's 6.1.192, 6.12.117, 7.2.13). "
                 "7.3-rc7's kill(2) numbers the sender for each receiver "
                 "(`group_signal_upward`, known-bad variant `sender-own-ns`, an XFAIL before "
                 "7.3).");

int main(void)
{
	nsx_init("top", "outer");
	int g = nsx_spawn("g", NULL, g_fn, NULL), m = nsx_spawn_agent_by(g, "m", "inner");
	printf("# group_signal_upward: inner's init signals its own process group, led from "
	       "outer\n");
	const struct nsx_msg *r = nsx_do(m, do_kill_group, 0, 0, 0);
	printf("m   getpgrp()=%s\n", nsx_name(m, r->v[0]));
	printf("m   kill(0, SIGUSR1): %s\n", nsx_res(r->v[1]));
	printf("m   took %s\n", nsx_siginfo_str(m, nsx_recv(m, "sig")));
	printf("g   took %s\n", nsx_siginfo_str(g, nsx_do(g, do_take, 0, 0, 0)));
	nsx_exit();
}
