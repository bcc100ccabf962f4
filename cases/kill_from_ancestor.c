// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kill_from_ancestor - kill() and sigqueue() from a parent pid namespace into
 * a child namespace, inside the child namespace, and the init's protection.
 *
 * Tasks: top (namespace outer) spawns init, the first process of namespace
 * inner; init spawns member (inner).  Receivers block the signals and take
 * them with sigtimedwait(), so each siginfo is exactly what was queued.  si_pid
 * prints as the name of the task it denotes in the receiver's namespace.
 *
 * The golden lines and the kernel code behind them (kernel/signal.c unless
 * named otherwise):
 *
 *   top -> init / member, kill(): si_code=SI_USER si_pid=0 si_uid=0
 *   top -> init / member, sigqueue(): si_code=SI_QUEUE si_pid=0 si_value=42
 *     kill() fills the siginfo in prepare_kill_siginfo() with SI_USER and
 *     si_pid = task_tgid_vnr(current), the sender's number in its own
 *     namespace; sigqueue() is rt_sigqueueinfo() -> do_rt_sigqueueinfo() with
 *     the caller's SI_QUEUE siginfo.  Both reach send_signal_locked(), where
 *     has_si_pid_and_uid() holds and task_pid_nr_ns(current,
 *     task_active_pid_ns(t)) is 0 (top has no number in inner): si_pid is set
 *     to 0 and si_code is left as it was.  The 2007 proposal of SI_KERNEL for
 *     this case was not taken.  si_uid is the sender's uid: both are root in
 *     the same user namespace (from_kuid_munged() changes nothing).
 *   init -> init: si_pid=init; init -> member: si_pid=init (kill and sigqueue);
 *   member -> init: si_pid=member
 *     Same namespace: task_tgid_vnr(current) is already the receiver's view
 *     and send_signal_locked() leaves it alone.
 *   init: kill(<top's number in outer>, SIGUSR1) = ESRCH
 *     kill_proc_info() -> kill_pid_info(sig, info, find_vpid(pid)): the
 *     number is looked up in the caller's namespace, where top's outer number
 *     is not allocated (the runner starts outer's numbers far above inner's,
 *     which holds only 1 and 2).  A task inside cannot name a task outside at all.
 *   member -> init: kill(SIGTERM)=0 and kill(SIGKILL)=0; init then reports
 *   (so it runs) neither pending
 *     __send_signal_locked() -> prepare_signal() -> sig_ignored() ->
 *     sig_task_ignored(): an init with SIGNAL_UNKILLABLE (set for a
 *     namespace's child_reaper in kernel/fork.c: copy_process()) ignores a
 *     signal whose handler is SIG_DFL unless it is forced *and* SIGKILL or
 *     SIGSTOP; from its own namespace nothing is forced.  kill() still returns
 *     0: the drop is silent.
 *   member -> init: kill(SIGHUP) while init blocks SIGHUP: pending; after
 *   init unblocks it, init reports again and nothing is pending
 *     sig_ignored() never ignores a blocked signal, so it is queued; when init
 *     unblocks it, get_signal() dequeues it and, for a SIGNAL_UNKILLABLE task
 *     and a signal that is not SIGKILL/SIGSTOP, discards it instead of acting
 *     ("init ignores fatal signals" there).
 *   top -> init: kill(SIGTERM)=0, init reports again, SIGTERM not pending
 *     From the ancestor send_signal_locked() sets force, but sig_task_ignored()
 *     lets a forced signal through only when sig_kernel_only() (SIGKILL,
 *     SIGSTOP): SIGTERM with SIG_DFL is dropped from outside too.
 *   top -> init: kill(SIGKILL): init killed by SIGKILL; member then ESRCH
 *     Forced and kernel-only: delivered.  init's exit runs
 *     kernel/pid_namespace.c: zap_pid_ns_processes(), which SIGKILLs every
 *     task of inner and reaps them before init itself is released, so by the
 *     time top's waitpid() returns, kill(member, 0) finds nothing.
 */
#include "nsx.h"

#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>

static long queue(pid_t pid, int sig, int value)
{
	union sigval v = {.sival_int = value};
	return nsx_rc(sigqueue(pid, sig, v));
}

/* init: block the signals (member inherits the mask), fork member */
static void do_setup(const long *arg NSX_UNUSED)
{
	for (int i = 0; i < 5; i++)
		nsx_block((int[]){SIGUSR1, SIGUSR2, SIGRTMIN, SIGRTMIN + 1, SIGHUP}[i]);
	NSX_REPLY(nsx_spawn_agent("member", NULL));
}

static void do_kill(const long *arg)
{
	NSX_REPLY(nsx_rc(kill((pid_t)arg[0], (int)arg[1])));
}

static void do_queue(const long *arg)
{
	NSX_REPLY(queue((pid_t)arg[0], (int)arg[1], (int)arg[2]));
}

/* Take the blocked signal arg[0]: its siginfo is the reply. */
static void do_take(const long *arg)
{
	nsx_send_siginfo("reply", (int)arg[0]);
}

/* Unblock SIGHUP first if arg[0]; reply what is pending then. */
static void do_pending(const long *arg)
{
	sigset_t hup;
	sigemptyset(&hup);
	sigaddset(&hup, SIGHUP);
	if (arg[0])
		sigprocmask(SIG_UNBLOCK, &hup, NULL);
	NSX_REPLY(nsx_pending(SIGTERM), nsx_pending(SIGKILL), nsx_pending(SIGHUP));
}

/* One row: what was done, its result r, and the siginfo of sig task took. */
static void sig_row(const char *what, long r, int task, int sig)
{
	nsx_row(44, what, r, nsx_siginfo_str(task, nsx_do(task, do_take, sig, 0, 0)));
}

/* What task's kill(pid, sig) returned. */
static long kill_by(int task, long pid, int sig)
{
	return nsx_do(task, do_kill, pid, sig, 0)->v[0];
}

NSX_CASE(.family = "Signals from one namespace to another", .rows = "1.2 1.5 28.1",
         .variants = "si-pid-not-zeroed");

int main(void)
{
	nsx_init("top", "outer");
	int init = nsx_spawn_agent("init", "inner");
	int member = (int)nsx_do(init, do_setup, 0, 0, 0)->v[0];
	pid_t ip = nsx_pid(init), mp = nsx_pid(member), m_in = nsx_nr_in(member, nsx_ns_of(init));
	/* top's own number, as top's getpid() returns it in outer */
	pid_t top_outer = nsx_task_nr(0, nsx_task_level(init) - 1);

	printf("# kill_from_ancestor: signals from outer into inner, inside inner, and init's "
	       "protection\n");
	long k1 = nsx_rc(kill(ip, SIGUSR1)), q1 = queue(ip, SIGRTMIN, 42);
	long k2 = nsx_rc(kill(mp, SIGUSR1)), q2 = queue(mp, SIGRTMIN, 42);
	sig_row("top -> init kill(SIGUSR1)", k1, init, SIGUSR1);
	sig_row("top -> init sigqueue(SIGRTMIN, 42)", q1, init, SIGRTMIN);
	sig_row("top -> member kill(SIGUSR1)", k2, member, SIGUSR1);
	sig_row("top -> member sigqueue(SIGRTMIN, 42)", q2, member, SIGRTMIN);
	sig_row("init -> init kill(SIGUSR2)", kill_by(init, 1, SIGUSR2), init, SIGUSR2);
	long km = kill_by(init, m_in, SIGUSR2);
	long qm = nsx_do(init, do_queue, m_in, SIGRTMIN + 1, 7)->v[0];
	sig_row("init -> member kill(SIGUSR2)", km, member, SIGUSR2);
	sig_row("init -> member sigqueue(SIGRTMIN+1, 7)", qm, member, SIGRTMIN + 1);
	sig_row("member -> init kill(SIGUSR2)", kill_by(member, 1, SIGUSR2), init, SIGUSR2);
	printf("init: kill(<top's number in outer>, SIGUSR1) = %s\n",
	       nsx_res(kill_by(init, top_outer, SIGUSR1)));

	printf("# init protection\n");
	long t = kill_by(member, 1, SIGTERM), k = kill_by(member, 1, SIGKILL);
	printf("member -> init kill(SIGTERM)=%s kill(SIGKILL)=%s kill(SIGHUP, blocked in "
	       "init)=%s\n",
	       nsx_res(t), nsx_res(k), nsx_res(kill_by(member, 1, SIGHUP)));
	const struct nsx_msg *m = nsx_do(init, do_pending, 0, 0, 0);
	printf("init reports: pending SIGTERM=%ld SIGKILL=%ld SIGHUP=%ld\n", m->v[0], m->v[1],
	       m->v[2]);
	printf("init unblocked SIGHUP and reports: SIGHUP pending=%ld\n",
	       nsx_do(init, do_pending, 1, 0, 0)->v[2]);
	long kt = nsx_rc(kill(ip, SIGTERM));
	printf("top -> init kill(SIGTERM)=%s: init reports SIGTERM pending=%ld\n", nsx_res(kt),
	       nsx_do(init, do_pending, 0, 0, 0)->v[0]);
	long kk = nsx_rc(kill(ip, SIGKILL));
	int st;
	pid_t w = waitpid(ip, &st, 0);
	printf("top -> init kill(SIGKILL)=%s: waitpid()=%s, %s by %s\n", nsx_res(kk),
	       nsx_name(0, w), WIFSIGNALED(st) ? "killed" : "exited",
	       WIFSIGNALED(st) ? nsx_signame(WTERMSIG(st)) : "exit");
	printf("after init died: kill(member, 0) = %s\n", nsx_res(nsx_rc(kill(mp, 0))));
	nsx_exit();
}
