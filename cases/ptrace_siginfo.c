// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptrace_siginfo - the siginfo a tracer reads (PTRACE_GETSIGINFO at a stop,
 * PTRACE_PEEKSIGINFO of the queue) and the SIGCHLD it gets, for a tracee in
 * a child pid namespace, with the tracer outside (top) and inside (u); the
 * signal a tracer injects; PTRACE_EVENT_EXIT.
 *
 * Tasks: top (namespace outer) and s (outer, invisible from inner); i, the
 * init of namespace inner; u and t (inner).  t catches SIGUSR1, SIGUSR2 and
 * SIGWINCH with SA_SIGINFO handlers that record what arrives.  Each tracer in
 * turn (top, then u) PTRACE_SEIZEs t; s sends t SIGUSR1 and, while t is
 * stopped for it, i sends t SIGUSR2; the tracer resumes t injecting SIGWINCH
 * in place of SIGUSR1, then SIGUSR2 as it is; then PTRACE_INTERRUPT, and
 * PTRACE_DETACH.  Last, top traces t with PTRACE_O_TRACEEXIT and t exits.
 * Each tracer blocks SIGCHLD and takes it after each stop.  Numbers print as
 * the task they denote for the tracer (or for t, in what t records);
 * t@inner is t's inner number, read by a tracer in outer.
 *
 * The golden lines and the kernel code behind them:
 *
 *   signal-delivery stop for SIGUSR1: GETSIGINFO si_pid 0 from s, whoever
 *   traces; PEEKSIGINFO (shared queue): SIGUSR2 si_pid = i's *inner* number
 *   (top reads it as i@inner... the number means another task in outer)
 *     kernel/signal.c: the siginfo a tracer reads is the one queued for t:
 *     __send_signal_locked() numbered the sender for t's namespace (0 for
 *     s); ptrace_getsiginfo() and ptrace_peek_siginfo() (kernel/ptrace.c)
 *     copy it as it is, never renumbered for the tracer.
 *   the tracer's SIGCHLD at each stop: CLD_TRAPPED, si_pid = t in the
 *   tracer's namespace, si_status = the signal (taken before waitpid():
 *   ptrace_stop() drops the siglock before do_notify_parent_cldstop() reads
 *   tsk->exit_code, which a racing waitpid() has cleared
 *   (wait_task_stopped()): its SIGCHLD then says si_status 0)
 *     do_notify_parent_cldstop(tsk, for_ptracer) numbers t with
 *     task_pid_nr_ns(tsk, task_active_pid_ns(parent)) (the tracer).  At
 *     PTRACE_INTERRUPT's stop it is CLD_STOPPED with si_status 0 (printed
 *     signal0): the status is signal->group_exit_code, and no group stop
 *     is under way.
 *   injected SIGWINCH (PTRACE_CONT with another signal): t gets SI_USER,
 *   si_pid = the tracer in t's namespace: 0 for top, u for u
 *     ptrace_signal(): a changed signal gets si_pid =
 *     task_pid_vnr(current->parent), current being t.
 *   SIGUSR2 resumed as it is: t gets it as i sent it (si_pid i)
 *   PTRACE_INTERRUPT: event stop PTRACE_EVENT_STOP; GETSIGINFO si_pid = t's
 *   own number in t's namespace: u reads t, top reads t@inner
 *     do_jobctl_trap() -> ptrace_do_notify(): si_pid = task_pid_vnr(current),
 *     t numbering itself: a tracer in an ancestor namespace gets a number
 *     from t's namespace, although waitpid() and the SIGCHLD of the same
 *     stop number t for the tracer.  Inconsistency, pinned as it is.
 *   PTRACE_EVENT_EXIT: GETEVENTMSG the exit status (no pid); GETSIGINFO as
 *   for PTRACE_INTERRUPT (ptrace_event() -> ptrace_notify() ->
 *   ptrace_do_notify()): si_pid t@inner for top.
 */
#include "nsx.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PTRACE_PEEKSIGINFO_SHARED
#define PTRACE_PEEKSIGINFO_SHARED 1
struct ptrace_peeksiginfo_args {
	unsigned long long off;
	unsigned int flags;
	int nr;
};
#endif

static const int sigs[3] = {SIGUSR1, SIGUSR2, SIGWINCH};
static volatile long rec[12]; /* t: {signo, code, pid, uid} of each, 0 if none */

/* The tracer's actions (u's, or top's in place): arg[0] is the tracee, by
 * the tracer's number for it. */

/* ptrace(request arg[1], tracee, 0, data arg[2]): 0 or -errno. */
static void do_ptrace(const long *arg)
{
	NSX_REPLY(nsx_rc(ptrace((enum __ptrace_request)arg[1], (pid_t)arg[0], 0, arg[2])));
}

/* The next stop: {waitpid() result, stop signal (-1 none), event, the
 * SIGCHLD's code (-1 none), pid and status}. */
static void do_wait(const long *arg)
{
	/* The SIGCHLD first: waitpid() clears the stop's exit_code
	 * (wait_task_stopped()), and ptrace_stop() fills the SIGCHLD from it
	 * only after dropping the siglock, so a waitpid() that wins that race
	 * leaves si_status 0 (seen once in 60 runs). */
	long c[6];
	int status = 0;
	nsx_sigwait_v(SIGCHLD, c);
	long r = waitpid((pid_t)arg[0], &status, __WALL) < 0 ? -errno : 0;
	NSX_REPLY(r, WIFSTOPPED(status) ? WSTOPSIG(status) : -1, status >> 16, c[0] < 0 ? -1 : c[1],
	          c[2], c[5]);
}

/* PTRACE_GETSIGINFO (arg[1] 0) or PTRACE_PEEKSIGINFO of the shared queue
 * (1): {result, signo, code, pid, uid}. */
static void do_siginfo(const long *arg)
{
	siginfo_t si = {0};
	struct ptrace_peeksiginfo_args pa = {0, PTRACE_PEEKSIGINFO_SHARED, 1};
	long r = nsx_rc(arg[1] ? ptrace(PTRACE_PEEKSIGINFO, (pid_t)arg[0], &pa, &si)
	                       : ptrace(PTRACE_GETSIGINFO, (pid_t)arg[0], 0, &si));
	NSX_REPLY(r, si.si_signo, si.si_code, si.si_pid, si.si_uid);
}

static void do_eventmsg(const long *arg)
{
	unsigned long msg = 0;
	long r = nsx_rc(ptrace(PTRACE_GETEVENTMSG, (pid_t)arg[0], 0, &msg));
	NSX_REPLY(r, (long)msg);
}

static void on_sig(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	for (int k = 0; k < 3; k++)
		if (sigs[k] == sig) {
			rec[4 * k] = si->si_signo;
			rec[4 * k + 1] = si->si_code;
			rec[4 * k + 2] = si->si_pid;
			rec[4 * k + 3] = si->si_uid;
		}
}

static void do_report(NSX_UNUSED const long *arg)
{
	/* in t: what arrived, then forget it */
	long v[12];
	for (int j = 0; j < 12; j++) {
		v[j] = rec[j];
		rec[j] = 0;
	}
	nsx_send_v("reply", v, 12);
}

static void do_exit(const long *arg)
{
	/* in t */
	fflush(NULL);
	_exit((int)arg[0]);
}

static void do_sig(const long *arg)
{
	/* in s or i: send t a signal, by the caller's number for it */
	NSX_REPLY(nsx_rc(kill((pid_t)arg[0], (int)arg[1])));
}

static int t_fn(NSX_UNUSED void *arg)
{
	struct sigaction sa = {.sa_sigaction = on_sig, .sa_flags = SA_SIGINFO | SA_RESTART};
	for (int k = 0; k < 3; k++)
		sigaction(sigs[k], &sa, NULL);
	NSX_SEND("handlers", 1); /* registered is not enough: the handlers first */
	nsx_serve();
}

static int u_fn(NSX_UNUSED void *arg)
{
	nsx_block(SIGCHLD);
	nsx_serve();
}

static int i_fn(NSX_UNUSED void *arg)
{
	nsx_spawn("u", NULL, u_fn, NULL);
	nsx_spawn("t", NULL, t_fn, NULL);
	NSX_SEND("up", 1);
	nsx_serve();
}

static int tracer, t_task; /* the tracer's task (0: top), t */

/* Action fn of the tracer on t, with two arguments more; its reply. */
static const long *by_tracer(nsx_action fn, long a1, long a2)
{
	return nsx_by(tracer, fn, nsx_nr_in(t_task, nsx_ns_of(tracer)), a1, a2)->v;
}

static const char *request(long req, long data)
{
	return nsx_res(by_tracer(do_ptrace, req, data)[0]);
}

static void show_stop(const char *what)
{
	const long *w = by_tracer(do_wait, 0, 0);
	long r = w[0], sig = w[1], ev = w[2], code = w[3], pid = w[4], st = w[5];
	printf("  %s: waitpid %s, stopped by %s%s%s; tracer's SIGCHLD %s si_pid=%s si_status=%s\n",
	       what, nsx_res(r), sig < 0 ? "nothing" : nsx_signame((int)sig), ev ? " event " : "",
	       ev == PTRACE_EVENT_STOP   ? "PTRACE_EVENT_STOP"
	       : ev == PTRACE_EVENT_EXIT ? "PTRACE_EVENT_EXIT"
	       : ev                      ? "other"
	                                 : "",
	       code < 0 ? "none" : nsx_sicode(SIGCHLD, (int)code), nsx_name(tracer, pid),
	       nsx_signame((int)st));
}

static void show_si(const char *how, int peek)
{
	const long *g = by_tracer(do_siginfo, peek, 0);
	if (g[0])
		printf("  %s: %s\n", how, nsx_res(g[0]));
	else
		printf("  %s: %s %s si_pid=%s si_uid=%ld\n", how, nsx_signame((int)g[1]),
		       nsx_sicode((int)g[1], (int)g[2]), nsx_name(tracer, g[3]), g[4]);
}

static void send_sig(int from, int sig)
{
	long n = nsx_nr_in(t_task, nsx_ns_of(from));
	long r = nsx_do(from, do_sig, n, sig, 0)->v[0];
	printf("  %s sends %s: %s\n", nsx_task_name(from), nsx_signame(sig), nsx_res(r));
}

static void round_with(int tr, int s, int i)
{
	tracer = tr;
	printf("tracer %s (%s):\n", nsx_task_name(tr), nsx_ns_name(nsx_ns_of(tr)));
	printf("  PTRACE_SEIZE t: %s\n", request(PTRACE_SEIZE, 0));
	send_sig(s, SIGUSR1);
	show_stop("stop");
	send_sig(i, SIGUSR2);
	show_si("GETSIGINFO", 0);
	show_si("PEEKSIGINFO (shared queue)", 1);
	printf("  PTRACE_CONT with SIGWINCH: %s\n", request(PTRACE_CONT, SIGWINCH));
	show_stop("stop");
	show_si("GETSIGINFO", 0);
	printf("  PTRACE_CONT with SIGUSR2: %s\n", request(PTRACE_CONT, SIGUSR2));
	printf("  PTRACE_INTERRUPT: %s\n", request(PTRACE_INTERRUPT, 0));
	show_stop("stop");
	show_si("GETSIGINFO", 0);
	printf("  PTRACE_DETACH: %s\n", request(PTRACE_DETACH, 0));
	const long *v = nsx_do(t_task, do_report, 0, 0, 0)->v;
	for (int k = 0; k < 3; k++)
		printf("  t's handler got %s\n",
		       v[4 * k] ? nsx_siginfo_v(t_task, (long[]){v[4 * k], v[4 * k + 1],
		                                                 v[4 * k + 2], v[4 * k + 3], 0, 0})
		                : "nothing");
}

NSX_CASE(.family = "ptrace", .rows = "1.8 1.9 1.10 28.17",
         .finding =
                 "The siginfo a tracer reads at a ptrace event stop (PTRACE_INTERRUPT, "
                 "PTRACE_EVENT_EXIT) numbers the tracee in the tracee's own namespace "
                 "(`ptrace_do_notify()`: `task_pid_vnr(current)`, current being the tracee), while "
                 "waitpid() and the SIGCHLD of the same stop number it for the tracer: a tracer in "
                 "an ancestor namespace reads a number that means nothing, or another task, in its "
                 "own: `ptrace_siginfo`.");

int main(void)
{
	nsx_init("top", "outer");
	nsx_block(SIGCHLD);
	int s = nsx_spawn("s", NULL, t_fn, NULL);
	int i = nsx_spawn("i", "inner", i_fn, NULL);
	nsx_recv(i, "up");
	int u = nsx_find("u");
	t_task = nsx_find("t");
	nsx_recv(t_task, "handlers");

	printf("# ptrace_siginfo: what a tracer outside (top) and inside (u) reads of t's "
	       "signals; t in inner\n");
	round_with(0, s, i);
	round_with(u, s, i);

	tracer = 0;
	printf("tracer top, PTRACE_O_TRACEEXIT; t exits with 7:\n");
	printf("  PTRACE_SEIZE t: %s\n", request(PTRACE_SEIZE, PTRACE_O_TRACEEXIT));
	nsx_ask(t_task, do_exit, 7, 0, 0);
	show_stop("stop");
	const long *m = by_tracer(do_eventmsg, 0, 0);
	printf("  GETEVENTMSG: %s, exit status %ld\n", nsx_res(m[0]), (m[1] >> 8) & 0xff);
	show_si("GETSIGINFO", 0);
	printf("  PTRACE_DETACH: %s\n", request(PTRACE_DETACH, 0));
	nsx_exit();
}
