// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptrace_exec - PTRACE_EVENT_EXEC when a thread other than the leader calls
 * execve(): the tracer learns the thread's former id from GETEVENTMSG, in its
 * own namespace, with the tracer outside the tracee's namespace (top) and
 * inside it (u).
 *
 * Tasks: top (namespace outer); i, the init of namespace inner; u, e1 and e2
 * (inner).  A tracer (top for e1, u for e2) PTRACE_SEIZEs its tracee with
 * PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC and lets it make a thread (e1t,
 * e2t; traced from birth); the thread then execs this program again, which
 * only waits to be killed.  The tracer answers every other stop with
 * PTRACE_CONT and ignores the old leader's death, until the exec stop.
 * Numbers print as the task they denote in the tracer's namespace.
 *
 * The golden lines and the kernel code behind them:
 *
 *   clone event: GETEVENTMSG = the new thread
 *     kernel/fork.c: kernel_clone() reports ptrace_event_pid(trace, pid),
 *     which numbers the new thread for the tracer (kernel/ptrace.c
 *     ptrace_event_pid(): pid_nr_ns(pid, task_active_pid_ns(current->parent))).
 *   exec stop: waitpid() returns the leader's number (the thread took it over
 *   in de_thread()), event PTRACE_EVENT_EXEC, GETEVENTMSG = the thread's
 *   former id (e1t for top, e2t for u)
 *     fs/exec.c: exec_binprm() takes old_vpid = task_pid_nr_ns(current,
 *     task_active_pid_ns(current->parent)), the execing thread numbered for
 *     its tracer, before de_thread() changes it, and reports
 *     ptrace_event(PTRACE_EVENT_EXEC, old_vpid).
 */
#include "nsx.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXEC_CHILD "--exec-child"

static int thread_fn(NSX_UNUSED void *arg)
{
	nsx_step(); /* told by the tracer */
	char *const argv[] = {(char *)"ptrace_exec", (char *)EXEC_CHILD, NULL};
	execv("/proc/self/exe", argv);
	nsx_fail("execv: %s", nsx_errname(errno));
}

static int e_fn(void *arg)
{
	nsx_step(); /* traced by now */
	nsx_thread(arg, thread_fn, NULL);
	nsx_park();
}

/* The tracer's action (top's or u's): trace e<arg[0]> (task arg[1]), let it
 * make thread e<n>t, let that thread exec.  Reply: 0, the clone event's
 * message, waitpid()'s pid at the exec stop, its event, its message; or
 * -errno alone. */
static void do_trace(const long *arg)
{
	int status, e = (int)arg[1];
	unsigned long msg = 0;
	long out[5] = {0};
	pid_t ep = nsx_pid(e), w;
	const char *et = nsx_fmt("e%ldt", arg[0]);
	if (ptrace(PTRACE_SEIZE, ep, 0, PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC))
		goto fail;
	nsx_go(e);
	/* the clone event of e, and the new thread's first stop, in any order */
	for (int seen = 0; seen != 3;) {
		if ((w = waitpid(-1, &status, __WALL)) < 0)
			goto fail;
		if (!WIFSTOPPED(status))
			continue;
		if (w == ep && status >> 8 == (SIGTRAP | (PTRACE_EVENT_CLONE << 8))) {
			ptrace(PTRACE_GETEVENTMSG, w, 0, &msg);
			out[1] = (long)msg;
			seen |= 1;
		} else if (w != ep) {
			seen |= 2;
		}
		ptrace(PTRACE_CONT, w, 0, 0);
	}
	nsx_go(nsx_await_task(et));
	for (;;) {
		if ((w = waitpid(-1, &status, __WALL)) < 0)
			goto fail;
		if (!WIFSTOPPED(status))
			continue; /* the old leader's death */
		if (status >> 16 == PTRACE_EVENT_EXEC)
			break;
		ptrace(PTRACE_CONT, w, 0, 0);
	}
	ptrace(PTRACE_GETEVENTMSG, w, 0, &msg);
	out[2] = w;
	out[3] = status >> 16;
	out[4] = (long)msg;
	ptrace(PTRACE_DETACH, w, 0, 0);
	nsx_send_v("reply", out, 5);
	return;
fail:
	NSX_REPLY(-errno);
}

static int inner_fn(NSX_UNUSED void *arg)
{
	nsx_spawn_agent("u", NULL);
	nsx_spawn("e1", NULL, e_fn, (void *)"e1t");
	nsx_spawn("e2", NULL, e_fn, (void *)"e2t");
	NSX_SEND("up", 1);
	nsx_park();
}

static void show(int tracer, const char *e, const char *et, const long *out)
{
	printf("tracer %s (%s), tracee %s (inner) with thread %s:\n", nsx_task_name(tracer),
	       nsx_ns_name(nsx_ns_of(tracer)), e, et);
	if (out[0]) {
		printf("  %s\n", nsx_res(out[0]));
		return;
	}
	printf("  clone event: GETEVENTMSG = %s\n", nsx_name(tracer, out[1]));
	printf("  %s execs: waitpid returns %s, event %s, GETEVENTMSG = %s\n", et,
	       nsx_name(tracer, out[2]),
	       out[3] == PTRACE_EVENT_EXEC ? "PTRACE_EVENT_EXEC" : "other",
	       nsx_name(tracer, out[4]));
}

NSX_CASE(.family = "ptrace", .rows = "15.2 28.17");

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], EXEC_CHILD)) {
		pause(); /* killed with the namespace */
		return 0;
	}
	nsx_init("top", "outer");
	int i = nsx_spawn("i", "inner", inner_fn, NULL);
	nsx_recv(i, "up");
	int u = nsx_find("u"), e1 = nsx_find("e1"), e2 = nsx_find("e2");

	printf("# ptrace_exec: PTRACE_EVENT_EXEC's message when a non-leader thread execs\n");
	show(0, "e1", "e1t", nsx_by(0, do_trace, 1, e1, 0)->v);
	show(u, "e2", "e2t", nsx_do(u, do_trace, 2, e2, 0)->v);
	nsx_exit();
}
