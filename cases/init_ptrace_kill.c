// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * init_ptrace_kill - PTRACE_KILL of a pid namespace's init: ignored when the
 * tracer is inside the namespace, fatal when it is in an ancestor.
 *
 * Tasks: top (namespace outer) spawns init, the first process of namespace
 * inner, which allows any tracer (prctl(PR_SET_PTRACER_ANY), for Yama) and
 * spawns m (inner).  m seizes init (PTRACE_SEIZE), sends PTRACE_KILL, then
 * init answers a request and top reads its pending signals; m interrupts
 * init (PTRACE_INTERRUPT), takes the stop with waitpid(__WALL) and detaches.
 * Then top, init's parent, seizes it and sends PTRACE_KILL, waits for its
 * pidfd to be readable (bounded by half the helpers' timeout: a kernel that
 * ignored it prints "alive" then, never the golden line) and reaps it with
 * waitid().
 * pids print as the task they denote for the waiter.
 *
 * The golden lines and the kernel code behind them:
 *
 *   m PTRACE_SEIZE=0, PTRACE_KILL=0; init answers, pending: none
 *     kernel/ptrace.c ptrace_request(): PTRACE_KILL is send_sig_info(
 *     SIGKILL, SEND_SIG_NOINFO, child), and 0 whatever became of it.
 *     kernel/signal.c send_signal_locked(): for SEND_SIG_NOINFO, force =
 *     !task_pid_nr_ns(current, task_active_pid_ns(t)): false, m has a
 *     number in init's namespace; prepare_signal() -> sig_ignored(), which
 *     lets a traced task's signals through except SIGKILL, ->
 *     sig_task_ignored(): SIGNAL_UNKILLABLE (a namespace's child_reaper)
 *     with SIGKILL at SIG_DFL and not forced: dropped, silently.
 *   m PTRACE_INTERRUPT=0, waitpid()=init stopped (PTRACE_EVENT_STOP),
 *   PTRACE_DETACH=0
 *     The tracee was alive to stop.
 *   top PTRACE_SEIZE=0, PTRACE_KILL=0; init's pidfd readable: 1; waitid():
 *   CLD_KILLED si_pid=init si_status=SIGKILL
 *     The same call from an ancestor namespace: task_pid_nr_ns() of top in
 *     inner is 0, force is set and SIGKILL passes sig_task_ignored();
 *     kernel/exit.c wait_task_zombie() reports it.
 */
#include "nsx.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PR_SET_PTRACER_ANY
#define PR_SET_PTRACER_ANY ((unsigned long)-1)
#endif

static long pt(int req, pid_t pid, long data)
{
	return ptrace((enum __ptrace_request)req, pid, NULL, (void *)data) ? -errno : 0;
}

/* In init: it answers. */
static void do_alive(NSX_UNUSED const long *arg)
{
	NSX_REPLY(1);
}

/* In m, for the task numbered arg[1]: ptrace request arg[0] (PTRACE_SEIZE,
 * PTRACE_KILL); or interrupt it, take the stop and detach. */
static void do_pt(const long *arg)
{
	NSX_REPLY(pt((int)arg[0], (pid_t)arg[1], 0));
}

static void do_detach(const long *arg)
{
	pid_t pid = (pid_t)arg[0];
	int st = 0;
	long r1 = pt(PTRACE_INTERRUPT, pid, 0);
	pid_t w = r1 ? -1 : waitpid(pid, &st, __WALL);
	long r2 = w == pid ? pt(PTRACE_DETACH, pid, 0) : -ECHILD;
	NSX_REPLY(r1, w == pid ? w : -errno, WIFSTOPPED(st) ? st >> 16 : -1, r2);
}

static int init_fn(NSX_UNUSED void *arg)
{
	prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0); /* EINVAL without Yama */
	nsx_serve();
}

NSX_CASE(.family = "Signals from one namespace to another", .rows = "1.2");

int main(void)
{
	nsx_init("top", "outer");
	int init = nsx_spawn("init", "inner", init_fn, NULL);
	int m = nsx_spawn_agent_by(init, "m", NULL);
	pid_t in_inner = nsx_nr_in(init, nsx_ns_of(init));
	printf("# init_ptrace_kill: PTRACE_KILL of a namespace's init, from inside and from "
	       "outside\n");
	printf("# outer: top | inner: init m\n");
	long s = nsx_do(m, do_pt, PTRACE_SEIZE, in_inner, 0)->v[0];
	long k = nsx_do(m, do_pt, PTRACE_KILL, in_inner, 0)->v[0];
	long a = nsx_do(init, do_alive, 0, 0, 0)->v[0];
	printf("m PTRACE_SEIZE(init)=%s, PTRACE_KILL=%s: init answers=%ld, pending: %s\n",
	       nsx_res(s), nsx_res(k), a, nsx_pending_of(init));
	const struct nsx_msg *d = nsx_do(m, do_detach, in_inner, 0, 0);
	printf("m PTRACE_INTERRUPT=%s, waitpid()=%s stopped (event %s), PTRACE_DETACH=%s\n",
	       nsx_res(d->v[0]), d->v[1] < 0 ? nsx_errname((int)-d->v[1]) : nsx_name(m, d->v[1]),
	       d->v[2] == PTRACE_EVENT_STOP ? "PTRACE_EVENT_STOP"
	       : d->v[2] < 0                ? "none"
	                                    : "other",
	       nsx_res(d->v[3]));

	pid_t pid = nsx_pid(init);
	int pfd = (int)NSX_TRY(syscall(SYS_pidfd_open, pid, 0));
	s = pt(PTRACE_SEIZE, pid, 0);
	k = pt(PTRACE_KILL, pid, 0);
	struct pollfd p = {.fd = pfd, .events = POLLIN};
	/* Half the helpers' timeout: a kernel that dropped the SIGKILL prints
	 * "alive" before m, waiting for its next request, gives up. */
	int ready = poll(&p, 1, nsx_timeout_ms() / 2);
	long v[6], w = ready == 1 ? nsx_waitid(pid, WEXITED, v) : -ETIMEDOUT;
	printf("top PTRACE_SEIZE(init)=%s, PTRACE_KILL=%s: init's pidfd readable=%d, waitid()=%s: "
	       "%s\n",
	       nsx_res(s), nsx_res(k), ready, nsx_res(w), w ? "alive" : nsx_siginfo_v(0, v));
	nsx_forget(init);
	nsx_forget(m);
	nsx_exit();
}
