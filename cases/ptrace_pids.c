// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ptrace_pids - PTRACE_GETEVENTMSG after fork and clone events, read by a
 * tracer in an ancestor pid namespace and by a tracer inside.
 *
 * Tasks: top (namespace outer) spawns init, the first process of namespace
 * inner; init spawns tracee1, tracer and tracee2 (all inner).  top seizes
 * tracee1, tracer seizes tracee2, both with PTRACE_O_TRACEFORK |
 * PTRACE_O_TRACECLONE.  Each tracee then spawns a child (kid1, kid2: a fork)
 * and starts a thread (thr1, thr2: a clone).  The tracer takes each event
 * stop with waitpid(__WALL), reads PTRACE_GETEVENTMSG, lets the new task go
 * (while the tracee waits in its event stop, the new task's first stop is
 * the only thing waitpid(-1, __WALL) can report; then PTRACE_DETACH) and
 * continues the tracee.  The message is printed, never trusted: a wrong
 * number shows as a wrong name instead of breaking the case.  Messages print as the task they
 * denote in the *tracer's* namespace.
 *
 * The golden lines and the kernel code behind them:
 *
 *   top traces tracee1: FORK message = kid1, CLONE message = thr1 (their
 *   numbers in outer); tracer traces tracee2: kid2, thr2 (numbers in inner)
 *     kernel/fork.c: kernel_clone() reports PTRACE_EVENT_FORK / _CLONE with
 *     ptrace_event_pid() (include/linux/ptrace.h; pid_parent_nr() in later
 *     trees): message = pid_nr_ns(pid, task_active_pid_ns(current->parent)),
 *     and while traced ->parent is the tracer.  So the number is in the
 *     tracer's namespace, whatever the tracee's: the tracer could waitpid()
 *     on it.  The comment there notes a race: a tracer in another
 *     namespace attaching between the computation and ptrace_stop() gets a
 *     number from the wrong namespace; not exercised here.
 *   tracee1's own fork() returned kid1 and tracee2's kid2, in inner
 *     kernel_clone() returns pid_vnr(): the same struct pid, numbered for the
 *     caller (lib checks the value against kid's NSpid).
 *
 * Under nsxrun --strace this case cannot run: strace already traces every
 * task, and a task has one tracer (PTRACE_SEIZE: EPERM).
 */
#include "nsx.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

/* tracee<n>'s action: make kid<n> (fork) and thr<n> (clone). */
static void act_make(const long *arg)
{
	char kid[16], thr[16];
	snprintf(kid, sizeof(kid), "kid%ld", arg[0]);
	snprintf(thr, sizeof(thr), "thr%ld", arg[0]);
	nsx_spawn(kid, NULL, nsx_parked, NULL);
	nsx_thread(thr, nsx_parked, NULL);
	NSX_REPLY(0);
}

/* Wait for tracee's next ptrace event stop and return its message (or
 * -errno); release the new task it announces.  The new task, attached to us,
 * stops before the tracee is let go, so while the tracee waits in its event
 * stop the only thing waitpid(-1) can report is the new task's first stop:
 * it is found without trusting the message. */
static long event(pid_t tracee, int want, long *released)
{
	int st;
	unsigned long msg = 0;
	if (waitpid(tracee, &st, __WALL) != tracee)
		return -errno;
	if (!WIFSTOPPED(st) || st >> 8 != (SIGTRAP | (want << 8)))
		nsx_fail("tracee stopped with status %#x, not event %d", st, want);
	if (ptrace(PTRACE_GETEVENTMSG, tracee, 0, &msg))
		return -errno;
	pid_t nt = waitpid(-1, &st, __WALL);
	*released = nt < 0 ? -errno : ptrace(PTRACE_DETACH, nt, 0, 0) ? -errno : 0;
	if (ptrace(PTRACE_CONT, tracee, 0, 0))
		return -errno;
	return (long)msg;
}

/* The tracer's action (top's or tracer's): trace one fork and one clone
 * of tracee arg[0] (a task index), which acts as tracee<arg[1]>; reply the
 * messages. */
static void do_trace(const long *arg)
{
	pid_t p = nsx_pid((int)arg[0]);
	NSX_TRY(ptrace(PTRACE_SEIZE, p, 0, PTRACE_O_TRACEFORK | PTRACE_O_TRACECLONE));
	nsx_ask((int)arg[0], act_make, arg[1], 0, 0);
	long fork_rel, clone_rel;
	long fork_msg = event(p, PTRACE_EVENT_FORK, &fork_rel);
	long clone_msg = event(p, PTRACE_EVENT_CLONE, &clone_rel);
	NSX_REPLY(fork_msg, fork_rel, clone_msg, clone_rel);
}

static int init_fn(NSX_UNUSED void *arg)
{
	nsx_spawn_agent("tracee1", NULL);
	nsx_spawn_agent("tracer", NULL);
	nsx_spawn_agent("tracee2", NULL);
	NSX_SEND("ready", 1);
	nsx_park();
}

static const char *named(int observer, long v)
{
	return v < 0 ? nsx_errname((int)-v) : nsx_name(observer, v);
}

static void show(int tracer, const char *tracee, const struct nsx_msg *m)
{
	printf("%s traces %s: PTRACE_EVENT_FORK message=%s (waitpid+detach: %s), "
	       "PTRACE_EVENT_CLONE message=%s (waitpid+detach: %s)\n",
	       nsx_task_name(tracer), tracee, named(tracer, m->v[0]),
	       m->v[1] < 0 ? nsx_errname((int)-m->v[1]) : "0", named(tracer, m->v[2]),
	       m->v[3] < 0 ? nsx_errname((int)-m->v[3]) : "0");
}

NSX_CASE(.family = "ptrace", .rows = "15.1");

int main(void)
{
	nsx_init("top", "outer");
	int init = nsx_spawn("init", "inner", init_fn, NULL);
	nsx_recv(init, "ready");
	int tracee1 = nsx_find("tracee1"), tracer = nsx_find("tracer"),
	    tracee2 = nsx_find("tracee2");

	printf("# ptrace_pids: PTRACE_GETEVENTMSG numbers are in the tracer's namespace\n");
	const struct nsx_msg *m = nsx_by(0, do_trace, tracee1, 1, 0);
	nsx_recv(tracee1, "reply"); /* kid1 and thr1 have registered */
	show(0, "tracee1", m);
	m = nsx_do(tracer, do_trace, tracee2, 2, 0);
	nsx_recv(tracee2, "reply");
	show(tracer, "tracee2", m);
	for (int n = 1; n <= 2; n++) {
		int k = nsx_find(nsx_fmt("kid%d", n));
		printf("tracee%d's own fork() returned %s\n", n, nsx_name(k, nsx_forked(k)));
	}
	nsx_exit();
}
