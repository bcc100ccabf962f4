// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pgrp_kill - kill(-pgrp) to a process group with members in two pid
 * namespaces and two user namespaces: each member's siginfo numbers the
 * sender for that member (0 where the sender has no number) and gives its
 * uid as that member's user namespace maps it.
 *
 * Tasks: top (namespace outer); g (outer) makes itself a process group
 * leader; m, the init of namespace inner, and u (outer) are g's children, so
 * members of g's group; u, forked last, unshares a user namespace of its own
 * in which uid 100 is the sender's uid 0 (uid_map "100 0 1").  All block
 * SIGUSR1 and report the siginfo they take.
 *
 * The golden lines and the kernel code behind them (kernel/signal.c):
 *
 *   top kill(-g, SIGUSR1): 0; g takes SI_USER si_pid top si_uid 0; m takes
 *   SI_USER si_pid 0 si_uid 0; u takes SI_USER si_pid top si_uid 100
 *     kill_something_info() -> __kill_pgrp_info(): one kernel_siginfo
 *     (prepare_kill_siginfo(): SI_USER, si_pid = task_tgid_vnr(current),
 *     si_uid = from_kuid_munged(current_user_ns(), current_uid())) for every
 *     task of the group, in the order of the pgrp's task list (attach_pid()
 *     adds at the head: the newest member, u, first, then m, then g);
 *     send_signal_locked() sets si_uid for the receiver's user namespace
 *     (make_kuid() in the sender's, from_kuid_munged() in the receiver's:
 *     100 for u) and si_pid 0 for a receiver in whose namespace the sender
 *     has no number (m), in a copy ("rewritten"), so the next member still
 *     gets the sender's numbers.  The copy came with "signal:
 *     avoid shared siginfo namespace rewrites" (Bradley Morgan, -mm June 2026,
 *     Fixes: 7a0cf094944e, Cc: stable), in stable 6.1.188 and 6.12.109 and in
 *     the 7.2.13 and 7.3-rc7 trees.  A kernel without it (6.18.44 was
 *     observed so) rewrites the one
 *     siginfo in place: u sets si_uid 100, which m and g, in the sender's
 *     user namespace, then take as it is; m zeroes si_pid, and g then takes
 *     si_pid 0 too, from a sender in its own namespace.  That output is the known-bad variant
 *     expected/pgrp_kill.shared-siginfo.out, which expected/VARIANTS expects
 *     on the kernels without the fix: an XFAIL there, a failure elsewhere.
 */
#include "nsx.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

/* A member of g's group (arg: its name): g makes the group and forks m, then
 * u, which unshares its user namespace; each reports the SIGUSR1 it takes. */
static int member_fn(void *arg)
{
	if (*(const char *)arg == 'g') {
		NSX_TRY(setpgid(0, 0));
		nsx_spawn("m", "inner", member_fn, "m");
		nsx_spawn("u", NULL, member_fn, "u");
	} else if (*(const char *)arg == 'u') {
		NSX_TRY_ERR(-nsx_new_userns("100 0 1\n", "100 0 1\n"));
	}
	NSX_SEND("ready", 0);
	nsx_send_siginfo("sig", SIGUSR1);
	nsx_park();
}

NSX_CASE(.family = "Signals from one namespace to another", .rows = "1.2",
         .variants = "shared-siginfo",
         .finding =
                 "A group signal (kill(-pgrp) and PIDFD_SIGNAL_PROCESS_GROUP, pinned; kill(-1) "
                 "takes the same path in the code) builds one siginfo for every member; "
                 "`send_signal_locked()` sets si_pid 0 for a member in whose namespace the sender "
                 "has no number, and si_uid as the member's user namespace maps the sender's uid. "
                 "Without \"signal: avoid shared siginfo namespace rewrites\" (Fixes 7a0cf094944e; "
                 "stable 6.1.188 and 6.12.109, the 7.2.13 tree; not 6.18.44) it does both in the "
                 "shared siginfo, so every member visited after one such member, including members "
                 "in the sender's own namespaces, gets that si_pid 0 and that si_uid (100 in "
                 "`pgrp_kill`, after a member whose uid_map is \"100 0 1\") too: `pgrp_kill`, "
                 "`pidfd_pgrp_signal` (known-bad variant `shared-siginfo`, an XFAIL where unfixed; "
                 "mutant `signal-shared-siginfo`).");

int main(void)
{
	nsx_init("top", "outer");
	nsx_block(SIGUSR1);
	int g = nsx_spawn("g", NULL, member_fn, "g");
	nsx_recv(g, "ready"); /* m and u exist */
	int members[3] = {g, nsx_find("m"), nsx_find("u")};
	for (int i = 1; i < 3; i++)
		nsx_recv(members[i], "ready");
	printf("# pgrp_kill: kill(-pgrp) to a group with members in outer and inner, one in a "
	       "user namespace of its own; si_pid and si_uid per member\n");
	printf("top kill(-g, SIGUSR1): %s\n", nsx_res(nsx_rc(kill(-(pid_t)nsx_pid(g), SIGUSR1))));
	for (int i = 0; i < 3; i++)
		printf("%-3s took %s\n", nsx_task_name(members[i]),
		       nsx_siginfo_str(members[i], nsx_recv(members[i], "sig")));
	nsx_exit();
}
