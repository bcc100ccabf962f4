// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pgrp_kill - kill(-pgrp) to a process group with members in two pid
 * namespaces: each member's siginfo numbers the sender for that member, 0
 * where the sender has no number.
 *
 * Tasks: top (namespace outer); g (outer) makes itself a process group
 * leader; m, the init of namespace inner, is g's child, so a member of g's
 * group.  Both block SIGUSR1 and report the siginfo they take.
 *
 * The golden lines and the kernel code behind them (kernel/signal.c):
 *
 *   top kill(-g, SIGUSR1): 0; g takes SI_USER si_pid top; m takes SI_USER
 *   si_pid 0
 *     kill_something_info() -> __kill_pgrp_info(): one kernel_siginfo
 *     (prepare_kill_siginfo(): SI_USER, si_pid = task_tgid_vnr(current)) for
 *     every task of the group, in the order of the pgrp's task list (the
 *     newest member, m, first); send_signal_locked() sets si_pid 0 for a
 *     receiver in whose namespace the sender has no number, and si_uid for
 *     the receiver's user namespace, in a copy ("rewritten"), so the next
 *     member still gets the sender's number.  The copy came with "signal:
 *     avoid shared siginfo namespace rewrites" (Bradley Morgan, -mm June 2026,
 *     Fixes: 7a0cf094944e, Cc: stable), in stable 6.1.188 and 6.12.109 and in
 *     the 7.2.13 and 7.3-rc7 trees.  A kernel without it (6.18.44 was
 *     observed so) rewrites the one
 *     siginfo in place: m zeroes si_pid and g then takes si_pid 0 too, from
 *     a sender in its own namespace.  That output is the known-bad variant
 *     expected/pgrp_kill.shared-siginfo.out, which expected/VARIANTS expects
 *     on the kernels without the fix: an XFAIL there, a failure elsewhere.
 */
#include "nsx.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

static int m_fn(void *arg)
{
	(void)arg;
	NSX_SEND("ready", 0);
	nsx_send_siginfo("sig", SIGUSR1);
	nsx_park();
}

static int g_fn(void *arg)
{
	(void)arg;
	if (setpgid(0, 0))
		nsx_fail("setpgid: %s", nsx_errname(errno));
	nsx_spawn("m", "inner", m_fn, NULL);
	NSX_SEND("ready", 0);
	nsx_send_siginfo("sig", SIGUSR1);
	nsx_park();
}

int main(void)
{
	nsx_init("top", "outer");
	nsx_block(SIGUSR1);
	int g = nsx_spawn("g", NULL, g_fn, NULL);
	nsx_recv(g, "ready");
	int m = nsx_find("m");
	nsx_recv(m, "ready");
	printf("# pgrp_kill: kill(-pgrp) to a group with members in outer and inner; si_pid "
	       "per member\n");
	printf("top kill(-g, SIGUSR1): %s\n", nsx_res(nsx_rc(kill(-(pid_t)nsx_pid(g), SIGUSR1))));
	printf("g   took %s\n", nsx_siginfo_str(g, nsx_recv(g, "sig")));
	printf("m   took %s\n", nsx_siginfo_str(m, nsx_recv(m, "sig")));
	nsx_exit();
}
