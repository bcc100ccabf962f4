// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pdeathsig - the signal the kernel sends a child, on its behalf, when the
 * child's parent dies (PR_SET_PDEATHSIG): what si_code, si_pid and si_uid it
 * carries when the dead parent is in another pid namespace or in the same.
 *
 * Tasks: top (namespace outer) spawns p1 (outer), which spawns c1, the init
 * of namespace inner; top also spawns n, the init of namespace N, which
 * spawns q (N), which spawns k (N).  c1 and k each call
 * prctl(PR_SET_PDEATHSIG, SIGUSR1) and block SIGUSR1; then p1 and q are let
 * exit.  Values print as the task they denote in the receiver's namespace.
 *
 * The golden lines and the kernel code behind them:
 *
 *   p1 (outer) exits: c1 gets SIGUSR1 si_code=SI_USER si_pid=0 si_uid=0;
 *   afterwards c1's getppid() = 0
 *     kernel/exit.c: exit_notify() -> forget_original_parent() sends each
 *     child's pdeath_signal with group_send_sig_info(sig, SEND_SIG_NOINFO,
 *     t, PIDTYPE_TGID), in the dying parent's context.  kernel/signal.c:
 *     __send_signal_locked() builds the siginfo for SEND_SIG_NOINFO itself:
 *     SI_USER, si_pid = task_tgid_nr_ns(current, task_active_pid_ns(t)) --
 *     the dying parent numbered in the *child's* namespace, 0 when it has no
 *     number there -- and si_uid = from_kuid_munged(task_cred_xxx(t,
 *     user_ns), current_uid()).  c1 is then reparented outside inner
 *     (find_new_reaper()), so getppid() is 0 for it.
 *   q (N) exits: k gets SIGUSR1 si_code=SI_USER si_pid=q si_uid=0;
 *   afterwards k's getppid() = n
 *     The same code with the parent visible: q's number in N.  k is
 *     reparented to N's init (the namespace's child_reaper).
 */
#include "nsx.h"

#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

/* A child of the task that dies: arm the death signal, report it. */
static int orphan_fn(void *arg NSX_UNUSED)
{
	nsx_block(SIGUSR1);
	NSX_TRY(prctl(PR_SET_PDEATHSIG, SIGUSR1));
	NSX_SEND("armed", 1);
	nsx_send_siginfo("pdeath", SIGUSR1);
	NSX_SEND("ppid", getppid());
	nsx_park();
}

/* The parent that dies when told: spawns its child (arg: its namespace). */
static int parent_fn(void *arg)
{
	const char *const *names = arg;
	nsx_spawn(names[0], names[1], orphan_fn, NULL);
	nsx_step();
	return 0;
}

static int n_fn(void *arg NSX_UNUSED)
{
	static const char *const k[] = {"k", NULL};
	nsx_spawn("q", NULL, parent_fn, (void *)k);
	nsx_park();
}

/* Let parent exit; print what its child got. */
static void show(const char *what, const char *parent, const char *child)
{
	int p = nsx_find(parent), c = nsx_find(child);
	nsx_go(p); /* it exits */
	const struct nsx_msg *m = nsx_recv(c, "pdeath");
	printf("%s: %s gets %s; then getppid=%s\n", what, child, nsx_siginfo_str(c, m),
	       nsx_name(c, nsx_recv(c, "ppid")->v[0]));
}

NSX_CASE(.family = "Children, parents and wait", .rows = "1.1");

int main(void)
{
	static const char *const c1[] = {"c1", "inner"};
	nsx_init("top", "outer");
	nsx_spawn("p1", NULL, parent_fn, (void *)c1);
	nsx_spawn("n", "N", n_fn, NULL);
	nsx_recv(-1, "armed"); /* c1 and k, in either order: both exist then */
	nsx_recv(-1, "armed");
	printf("# pdeathsig: PR_SET_PDEATHSIG when the parent dies, across pid namespaces\n");
	show("p1 (outer) exits", "p1", "c1");
	show("q (N) exits", "q", "k");
	nsx_exit();
}
