// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * init_signals - a pid namespace's init: which signals reach it from inside
 * and from an ancestor, whom kill(-1) reaches from inside and from outside,
 * and what is left of the namespace when its init dies.
 *
 * Namespaces and tasks: top (outer) spawns late (outer) and boxinit, the
 * init of namespace box; boxinit spawns outsider (box) and init, the init of
 * namespace inner; init spawns m1 and m2 (inner) and deep, the init of
 * namespace nested; deep spawns d1 (nested).  kill(-1) is only ever sent
 * from inside box, so nothing outside the case can be hit even when the case
 * is run by hand.  Every task blocks SIGUSR1; init also has a handler for
 * SIGUSR2 and leaves SIGTERM at its default action.
 *
 * The golden lines and the kernel code behind them (kernel/signal.c unless
 * named):
 *
 *   m1 -> init SIGTERM (default action), SIGSTOP, SIGKILL: kill() returns 0;
 *   init then answers a request (so it runs), reports nothing pending, and
 *   boxinit's waitid(WSTOPPED|WNOHANG) on it returns no state change
 *   (si_pid=0)
 *     send_signal_locked() -> prepare_signal() -> sig_ignored() ->
 *     sig_task_ignored(): SIGNAL_UNKILLABLE (kernel/fork.c: copy_process()
 *     sets it for a namespace's child_reaper) with handler SIG_DFL is ignored
 *     unless forced and sig_kernel_only(); from init's own namespace nothing
 *     is forced.  The drop is silent: kill() succeeds.
 *   m1 -> init SIGUSR2 (handled): the SA_SIGINFO handler runs once with
 *   si_code=SI_USER si_pid=m1 si_uid=0
 *     A handler is not SIG_DFL: sig_task_ignored() lets it through.
 *     kill_proc_info() -> prepare_kill_siginfo(): SI_USER, si_pid =
 *     task_tgid_vnr(current), si_uid = from_kuid_munged(current_user_ns(),
 *     current_uid()); both tasks share one namespace, so nothing is zeroed.
 *   outsider -> init SIGTERM: dropped too
 *     From an ancestor send_signal_locked() sets force, but only SIGKILL and
 *     SIGSTOP (sig_kernel_only()) pass with it.
 *   outsider -> init SIGSTOP: boxinit's waitid() sees CLD_STOPPED si_pid=init
 *   si_uid=0 si_status=SIGSTOP; SIGCONT: CLD_CONTINUED si_status=SIGCONT
 *     Forced and kernel-only: delivered; do_signal_stop() as for any task.
 *     kernel/exit.c: wait_task_stopped() / wait_task_continued() fill the
 *     waitid siginfo with pid = task_pid_vnr(p) (the waiter's namespace:
 *     boxinit sees its child by name), uid = from_kuid_munged(
 *     current_user_ns(), task_uid(p)) and the stop signal or SIGCONT.
 *   kill(-1, SIGUSR1) from m1 reaches m2, deep, d1; from init reaches m1,
 *   m2, deep, d1; from outsider (in box) reaches init, m1, m2, deep, d1
 *     kill_something_info(): for pid -1, every process with
 *     task_pid_vnr(p) > 1 that is not the caller's thread group: numbers are
 *     read in the caller's namespace, so tasks it cannot see (vnr 0) and its
 *     own namespace's init (vnr 1) are skipped, and nested namespaces, whose
 *     tasks all have numbers above 1 here, are included.  boxinit is 1 for
 *     outsider and is spared; top and late are not visible from box.
 *   the siginfo each receiver takes: SI_USER, si_uid=0, si_pid the sender's
 *   name where the receiver is in the sender's namespace (m2 from m1, m1 and
 *   m2 from init), 0 everywhere below it (deep, d1) and for every receiver
 *   of outsider's
 *     kill_something_info() prepares one siginfo (prepare_kill_siginfo():
 *     the sender's own numbers) and group_send_sig_info() sends it to each;
 *     send_signal_locked() zeroes si_pid per receiver when the sender has no
 *     number in the receiver's namespace (task_pid_nr_ns(current,
 *     task_active_pid_ns(t)) == 0), as for kill() of one task.
 *   outsider -> init SIGKILL: boxinit's waitid() sees CLD_KILLED si_pid=init
 *   si_status=SIGKILL (kernel/exit.c: wait_task_zombie());
 *   afterwards m1, m2, deep and d1 are gone (kill(pid, 0) from top: ESRCH)
 *     kernel/exit.c: do_exit() -> exit_notify() -> forget_original_parent()
 *     -> find_child_reaper() -> kernel/pid_namespace.c:
 *     zap_pid_ns_processes(): disable_pid_allocation(), SIGKILL to every
 *     task of inner (nested namespaces die with their own init, deep), and
 *     init waits until they are all reaped before it is released itself.
 *   late: setns() into inner (through an fd opened while init lived) = 0,
 *   then fork() = ENOMEM
 *     The namespace still exists while the fd holds it, but kernel/pid.c:
 *     alloc_pid() fails with -ENOMEM once PIDNS_ADDING is cleared
 *     (disable_pid_allocation()); the kernel selftest
 *     pid_namespace/regression_enomem checks the same.
 *
 * Under nsxrun --strace this case fails, and that is a finding, not noise:
 * sig_ignored() returns false for a traced task (t->ptrace && sig !=
 * SIGKILL) before sig_task_ignored() is asked, so m1's SIGTERM and SIGSTOP
 * are queued to a traced init; get_signal() then discards SIGTERM
 * (SIGNAL_UNKILLABLE and not sig_kernel_only()) but acts on SIGSTOP, and the
 * init is stopped from inside its own namespace (seen on 6.18).
 */
#include "nsx.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t handled;
static siginfo_t h; /* what the last SIGUSR2 came with */

static void on_usr2(NSX_UNUSED int sig, siginfo_t *si, NSX_UNUSED void *uc)
{
	h = *si;
	handled++;
}

/* Actions, with arg {target task (-1: kill(-1)), signal or wait options}. */
static void do_kill(const long *arg)
{
	NSX_REPLY(nsx_rc(kill(arg[0] < 0 ? -1 : nsx_pid((int)arg[0]), (int)arg[1])));
}

/* Was SIGUSR1 queued for us?  Take it and say what came. */
static void do_check(NSX_UNUSED const long *arg)
{
	siginfo_t si;
	if (nsx_pending(SIGUSR1) && !nsx_sigwait(SIGUSR1, &si))
		NSX_REPLY(si.si_signo, si.si_code, si.si_pid, si.si_uid, 0, 0);
	else
		NSX_REPLY(0);
}

/* We are running: report what is pending, handled. */
static void do_state(NSX_UNUSED const long *arg)
{
	NSX_REPLY(nsx_pending(SIGTERM), nsx_pending(SIGSTOP), nsx_pending(SIGKILL), handled,
	          h.si_signo, h.si_code, h.si_pid, h.si_uid, 0, 0);
}

/* waitid() for the target with options arg[1] (WSTOPPED, WCONTINUED, WEXITED, with WNOHANG). */
static void do_wait(const long *arg)
{
	siginfo_t si = {0};
	long r = nsx_rc(waitid(P_PID, (id_t)nsx_pid((int)arg[0]), &si, (int)arg[1]));
	NSX_REPLY(r, si.si_signo, si.si_code, si.si_pid, si.si_uid, 0, si.si_status);
}

/* The tasks (boxinit, outsider, init, m1, m2, deep, d1), each spawned by its
 * parent (-1: top) in its namespace (NULL: its parent's), all acting on
 * command. */
static const char *const names[] = {"boxinit", "outsider", "init", "m1", "m2", "deep", "d1"};
static const char *const nss[] = {"box", NULL, "inner", NULL, NULL, "nested", NULL};
static const int parent[] = {-1, 0, 0, 2, 2, 2, 5};
#define NNAMES ((int)(sizeof(names) / sizeof(names[0])))

/* Before it spawns anything: block SIGUSR1; init also handles SIGUSR2. */
static void do_prepare(NSX_UNUSED const long *arg)
{
	struct sigaction sa = {.sa_sigaction = on_usr2, .sa_flags = SA_SIGINFO};
	if (!strcmp(nsx_task_name(nsx_self()), "init"))
		sigaction(SIGUSR2, &sa, NULL);
	nsx_block(SIGUSR1);
	NSX_REPLY(0);
}

/* late: hold init's pid namespace by an fd (arg[0] 0); later setns() into it
 * and fork() (1). */
static void do_late(const long *arg)
{
	static int fd = -1;
	if (!arg[0]) {
		fd = nsx_open_ns(nsx_find("init"), "pid");
		NSX_REPLY(fd < 0 ? -errno : 0);
		return;
	}
	long s = nsx_rc(setns(fd, CLONE_NEWPID)), f = 0;
	if (s == 0) {
		pid_t p = fork();
		if (p == 0)
			_exit(0);
		f = p < 0 ? -errno : 0;
		if (p > 0)
			waitpid(p, NULL, 0);
	}
	NSX_REPLY(s, f);
}

static int ids[NNAMES];

/* who's kill(-1, SIGUSR1): which of the tasks got it, and with what siginfo. */
static void reached(int who)
{
	char line[256] = "", si[NNAMES][256];
	size_t off = 0;
	int got[NNAMES];
	nsx_do(who, do_kill, -1, SIGUSR1, 0);
	for (int i = 0; i < NNAMES; i++) {
		const struct nsx_msg *m = nsx_do(ids[i], do_check, 0, 0, 0);
		got[i] = m->v[0] != 0;
		if (got[i]) {
			off += (size_t)snprintf(line + off, sizeof(line) - off, " %s", names[i]);
			snprintf(si[i], sizeof(si[i]), "%s", nsx_siginfo_v(ids[i], m->v));
		}
	}
	printf("%s kill(-1, SIGUSR1) reached:%s\n", nsx_task_name(who), off ? line : " nobody");
	for (int i = 0; i < NNAMES; i++)
		if (got[i])
			printf("  %-5s %s\n", names[i], si[i]);
}

/* from's kill(sig) of init, which init then survives. */
static void state(int from, int sig)
{
	long r = nsx_do(from, do_kill, ids[2], sig, 0)->v[0];
	const struct nsx_msg *m = nsx_do(ids[2], do_state, 0, 0, 0);
	const struct nsx_msg *w = nsx_do(ids[0], do_wait, ids[2], WSTOPPED | WNOHANG, 0);
	printf("%s -> init kill(%s)=%s: init answers, pending SIGTERM=%ld SIGSTOP=%ld SIGKILL=%ld; "
	       "waitid(WSTOPPED|WNOHANG)=%s si_signo=%ld si_pid=%s\n",
	       nsx_task_name(from), nsx_signame(sig), nsx_res(r), m->v[0], m->v[1], m->v[2],
	       nsx_res(w->v[0]), w->v[1], nsx_name(ids[0], w->v[3]));
}

/* outsider's kill(sig) of init, and boxinit's waitid() for it with options. */
static void from_box(int sig, int options)
{
	long r = nsx_do(ids[1], do_kill, ids[2], sig, 0)->v[0];
	const struct nsx_msg *m = nsx_do(ids[0], do_wait, ids[2], options, 0);
	printf("outsider -> init kill(%s)=%s: boxinit's waitid()=%s: %s\n", nsx_signame(sig),
	       nsx_res(r), nsx_res(m->v[0]), nsx_siginfo_v(ids[0], &m->v[1]));
}

NSX_CASE(.family = "Signals from one namespace to another", .rows = "1.2 1.8 2.3 28.1",
         .variants = "si-pid-not-zeroed");

int main(void)
{
	nsx_init("top", "outer");
	int late = nsx_spawn_agent("late", NULL);
	for (int i = 0; i < NNAMES; i++) {
		ids[i] = nsx_spawn_agent_by(parent[i] < 0 ? 0 : ids[parent[i]], names[i], nss[i]);
		nsx_do(ids[i], do_prepare, 0, 0, 0);
	}
	int outsider = ids[1], init = ids[2], m1 = ids[3];
	nsx_do(late, do_late, 0, 0, 0); /* init is up: hold its pid namespace */

	printf("# init_signals: a pid namespace's init, kill(-1), and the end of a namespace\n");
	printf("# box > inner > nested; box: boxinit outsider | inner: init m1 m2 | nested: deep "
	       "d1\n");
	printf("# signals to init from inside inner\n");
	for (int k = 0; k < 3; k++)
		state(m1, (int[]){SIGTERM, SIGSTOP, SIGKILL}[k]);
	long r = nsx_do(m1, do_kill, init, SIGUSR2, 0)->v[0];
	const struct nsx_msg *m = nsx_do(init, do_state, 0, 0, 0);
	printf("m1 -> init kill(SIGUSR2)=%s: init's SA_SIGINFO handler ran %ld time(s): %s\n",
	       nsx_res(r), m->v[3], nsx_siginfo_v(init, &m->v[4]));

	printf("# signals to init from box, its ancestor\n");
	state(outsider, SIGTERM);
	from_box(SIGSTOP, WSTOPPED);
	from_box(SIGCONT, WCONTINUED);

	printf("# kill(-1) from inside and from outside\n");
	reached(m1);
	reached(init);
	reached(outsider);

	printf("# the end of inner\n");
	from_box(SIGKILL, WEXITED);
	for (int i = 3; i < NNAMES; i++)
		printf("then top: kill(%s, 0) = %s\n", names[i],
		       nsx_res(nsx_rc(kill(nsx_pid(ids[i]), 0))));
	m = nsx_do(late, do_late, 1, 0, 0);
	printf("late: setns(<inner>, CLONE_NEWPID) = %s, then fork() = %s\n", nsx_res(m->v[0]),
	       nsx_res(m->v[1]));
	nsx_exit();
}
