// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sigchld_si_pid - what a parent learns about a child in a new pid namespace
 * from SIGCHLD and waitid(), and what a namespace's init learns about an
 * orphan it inherits.
 *
 * Tasks: top (namespace outer) spawns exiter (init of namespace a) and child
 * (init of namespace b), and reaper (init of namespace c); reaper spawns mid
 * (c), mid spawns orphan (c).  top and reaper block SIGCHLD and take it with
 * sigtimedwait(), then call waitid() on the same child; every si_pid prints as
 * the task it denotes in the namespace of the task that received it.
 *
 * The golden lines and the kernel code behind them:
 *
 *   exiter exit(7): SIGCHLD si_code=CLD_EXITED si_pid=exiter si_status=7, and
 *   waitid(WEXITED) the same
 *     kernel/signal.c: do_notify_parent() sets si_pid =
 *     task_pid_nr_ns(tsk, task_active_pid_ns(tsk->parent)): the child's
 *     number in the *parent's* namespace, not its own 1.  si_uid goes through
 *     from_kuid_munged() into the parent's user namespace: 0.
 *     kernel/exit.c: wait_task_zombie() reports pid_t pid = task_pid_vnr(p),
 *     the number in the waiter's namespace.
 *   child stopped by top's SIGSTOP: CLD_STOPPED si_pid=child si_status=SIGSTOP,
 *   waitid(WSTOPPED) the same; SIGCONT: CLD_CONTINUED si_status=SIGCONT,
 *   waitid(WCONTINUED) the same; SIGKILL: CLD_KILLED si_status=SIGKILL,
 *   waitid(WEXITED) the same
 *     kernel/signal.c: SIGSTOP and SIGKILL from an ancestor are forced through
 *     init's protection (send_signal_locked(), sig_task_ignored());
 *     do_notify_parent_cldstop() fills si_pid with task_pid_nr_ns(tsk,
 *     task_active_pid_ns(parent)) for both CLD_STOPPED and CLD_CONTINUED
 *     (the latter sent by the child itself from get_signal() once it runs);
 *     kernel/exit.c: wait_task_stopped() and wait_task_continued() use
 *     task_pid_vnr(p), CLD_KILLED comes from do_notify_parent() as above.
 *   mid exit(0), seen by reaper: CLD_EXITED si_pid=mid; waitid the same
 *   orphan after mid's exit: getppid=reaper (1)
 *     kernel/exit.c: forget_original_parent() -> find_new_reaper(): a
 *     subreaper is looked for only among ancestors at the same pid level
 *     (top is a subreaper, but it is in outer), so the orphan goes to
 *     inner's child_reaper, reaper; reparent_leader() sets its exit_signal
 *     to SIGCHLD.
 *   orphan exit(5), seen by reaper: CLD_EXITED si_pid=orphan si_status=5
 *   (orphan's number in c is 3), waitid the same
 *     do_notify_parent() again, with the new parent: reaper's namespace is
 *     the orphan's own, so si_pid is its inner number.
 */
#include "nsx.h"

#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static int exiter_fn(NSX_UNUSED void *arg)
{
	nsx_step();
	return 7;
}

static int orphan_fn(NSX_UNUSED void *arg)
{
	nsx_step();
	NSX_SEND("ppid", getppid());
	return 5;
}

static int mid_fn(NSX_UNUSED void *arg)
{
	nsx_spawn("orphan", NULL, orphan_fn, NULL);
	NSX_SEND("ready", 1);
	nsx_step();
	return 0;
}

/* Take SIGCHLD, then waitid() the same child with options; send under key
 * the SIGCHLD's six values, waitid()'s result and its six values (the top
 * too, to itself). */
static void send_chld(const char *key, pid_t pid, int options)
{
	long v[13];
	nsx_sigwait_v(SIGCHLD, v);
	v[6] = nsx_waitid(pid, options, &v[7]);
	nsx_send_v(key, v, 13);
}

static int reaper_fn(NSX_UNUSED void *arg)
{
	nsx_block(SIGCHLD);
	int mid = nsx_spawn("mid", NULL, mid_fn, NULL);
	NSX_SEND("ready", 1);
	nsx_step(); /* top has let mid exit */
	send_chld("mid", nsx_pid(mid), WEXITED);
	nsx_step(); /* top has let orphan exit */
	send_chld("orphan", nsx_pid(nsx_find("orphan")), WEXITED);
	nsx_park();
}

/* The SIGCHLD line and the waitid line of what observer sent under key. */
static void show(int observer, const char *what, const char *key)
{
	const long *v = nsx_recv(observer, key)->v;
	printf("%-32s SIGCHLD: %s\n", what, nsx_siginfo_v(observer, v));
	printf("%-32s waitid:  %s\n", "",
	       v[6] ? nsx_errname((int)-v[6]) : nsx_siginfo_v(observer, &v[7]));
}

/* In the top: send_chld() and show() at once. */
static void top_event(const char *what, pid_t pid, int options)
{
	send_chld("top", pid, options);
	show(0, what, "top");
}

NSX_CASE(.family = "Children, parents and wait", .rows = "1.7 1.8 2.1 2.2 28.16");

int main(void)
{
	nsx_init("top", "outer");
	nsx_block(SIGCHLD);
	int exiter = nsx_spawn("exiter", "a", exiter_fn, NULL);
	int child = nsx_spawn("child", "b", nsx_parked, NULL);
	int reaper = nsx_spawn("reaper", "c", reaper_fn, NULL);
	nsx_recv(reaper, "ready");
	int mid = nsx_find("mid");
	nsx_recv(mid, "ready");
	int orphan = nsx_find("orphan");

	printf("# sigchld_si_pid: SIGCHLD and waitid() for children that are namespace inits\n");
	nsx_go(exiter);
	top_event("exiter exit(7):", nsx_pid(exiter), WEXITED);
	pid_t cp = nsx_pid(child);
	kill(cp, SIGSTOP);
	top_event("top -> child kill(SIGSTOP):", cp, WSTOPPED);
	kill(cp, SIGCONT);
	top_event("top -> child kill(SIGCONT):", cp, WCONTINUED);
	kill(cp, SIGKILL);
	top_event("top -> child kill(SIGKILL):", cp, WEXITED);

	printf("# an orphan inside namespace c is reaped by c's init\n");
	nsx_go(mid);
	nsx_go(reaper);
	show(reaper, "mid exit(0), seen by reaper:", "mid");
	nsx_go(orphan);
	const struct nsx_msg *m = nsx_recv(orphan, "ppid");
	printf("orphan after mid's exit: getppid=%s (%ld)\n", nsx_name(orphan, m->v[0]), m->v[0]);
	nsx_go(reaper);
	show(reaper, "orphan exit(5), seen by reaper:", "orphan");
	printf("orphan's number in c: %d\n", nsx_nr_in(orphan, nsx_ns_of(reaper)));
	nsx_exit();
}
