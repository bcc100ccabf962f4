// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * group_signal_upward - a namespace's init signals its own process group,
 * whose leader is in the parent namespace: the leader is told the sender's
 * number in the sender's own namespace, a number of the wrong namespace.
 *
 * Tasks: top (namespace outer); g (outer) makes itself a process group
 * leader and forks m, the init of namespace inner, which stays in g's group
 * (a new pid namespace changes no process group).  Both block SIGUSR1 and
 * report the siginfo they take.
 *
 * The golden lines and the kernel code behind them (kernel/signal.c):
 *
 *   m   getpgrp()=0
 *     the group's leader g has no number in inner (kernel/sys.c
 *     do_getpgid(): pid_vnr(task_pgrp(current)) is 0).
 *
 *   m   kill(0, SIGUSR1): 0
 *     kill_something_info(), pid 0: __kill_pgrp_info() over the caller's
 *     own group, task_pgrp(current), every member whatever its namespace;
 *     one siginfo from prepare_kill_siginfo(): SI_USER, si_pid =
 *     task_tgid_vnr(current), the sender's number in its own namespace: 1.
 *
 *   m   took SIGUSR1 si_code=SI_USER si_pid=m si_uid=0
 *     1 in inner is m.
 *
 *   g   took SIGUSR1 si_code=SI_USER si_pid=m@inner si_uid=0
 *     send_signal_locked() corrects si_pid only by zeroing it, for a
 *     receiver in whose namespace the sender has no number
 *     (!task_pid_nr_ns(current, task_active_pid_ns(t))).  m has a number
 *     in outer, so g takes si_pid 1 as m put it: m's number in inner, not
 *     in g's namespace (printed m@inner: a number of another namespace).
 *     A sender reaches a task above its namespace this way because a
 *     process group is not bounded by a namespace, and __kill_pgrp_info()
 *     signals every task on the group's list.  Row 1.3 of the map said prepare_kill_siginfo()'s
 *     number was "correct only because a sender can only reach same-ns or
 *     descendant targets": not for a group.  Seen on 6.18.44.
 */
#include "nsx.h"

#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static void do_kill_group(const long *arg)
{
	(void)arg;
	long pgrp = getpgrp();
	NSX_REPLY(pgrp, nsx_rc(kill(0, SIGUSR1)));
	nsx_send_siginfo("sig", SIGUSR1); /* m is a member too */
}

static int m_fn(void *arg)
{
	(void)arg;
	nsx_block(SIGUSR1);
	nsx_serve();
}

static int g_fn(void *arg)
{
	(void)arg;
	nsx_block(SIGUSR1);
	NSX_TRY(setpgid(0, 0));
	nsx_spawn("m", "inner", m_fn, NULL);
	NSX_SEND("ready", 0);
	nsx_send_siginfo("sig", SIGUSR1);
	nsx_park();
}

NSX_CASE(.family = "Signals from one namespace to another", .rows = "1.3",
         .finding = "A group signal from inside a pid namespace to members above it: kill(0) "
                    "by a namespace's init whose process group's leader is in the "
                    "parent namespace gives the leader si_pid 1, the sender's number in its own "
                    "namespace, not its number in the leader's: "
                    "`prepare_kill_siginfo()` numbers the sender with `task_tgid_vnr()` and "
                    "`send_signal_locked()` only zeroes si_pid where the sender has no number "
                    "(`group_signal_upward`).");

int main(void)
{
	nsx_init("top", "outer");
	int g = nsx_spawn("g", NULL, g_fn, NULL);
	nsx_recv(g, "ready");
	int m = nsx_find("m");
	printf("# group_signal_upward: inner's init signals its own process group, led from "
	       "outer\n");
	const struct nsx_msg *r = nsx_do(m, do_kill_group, 0, 0, 0);
	printf("m   getpgrp()=%s\n", nsx_name(m, r->v[0]));
	printf("m   kill(0, SIGUSR1): %s\n", nsx_res(r->v[1]));
	printf("m   took %s\n", nsx_siginfo_str(m, nsx_recv(m, "sig")));
	printf("g   took %s\n", nsx_siginfo_str(g, nsx_recv(g, "sig")));
	nsx_exit();
}
