// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mq_notify_si_pid - the si_pid of a POSIX message-queue notification when
 * the sender and the registered receiver are in different pid namespaces.
 *
 * Tasks: top (namespace outer) spawns child, the init of namespace inner;
 * child spawns member (inner).  top also spawns s1 and s2, the inits of two
 * sibling namespaces n1 and n2.  The case runs in a private IPC namespace of
 * its own.  For each pair a fresh, empty queue: the receiver registers with
 * mq_notify(SIGEV_SIGNAL, SIGUSR1, sigev_value 7), the sender mq_send()s one
 * message, the receiver takes SIGUSR1 with the rt_sigtimedwait syscall.
 *
 * The golden lines and the kernel code behind them (ipc/mqueue.c):
 *
 *   top -> child: SI_MESGQ si_pid=0; child -> top: SI_MESGQ si_pid=child;
 *   s2 -> s1: si_pid=0; member -> child: si_pid=member (control)
 *     do_mq_notify() keeps the registrant's struct pid as notify_owner.  On
 *     the empty -> non-empty transition __do_notify() builds the siginfo
 *     itself: SI_MESGQ, si_value = sigev_value, si_pid =
 *     task_tgid_nr_ns(current, ns_of_pid(info->notify_owner)) - the sender's
 *     number in the *registrant's* namespace, 0 when the sender is not
 *     visible there (parent -> child, sibling -> sibling) - and si_uid =
 *     from_kuid_munged(notify_user_ns, current_uid()).  It is sent with
 *     do_send_sig_info(), bypassing check_kill_permission(); si_code stays
 *     SI_MESGQ even when si_pid is 0.  LTP's pidns30/pidns31 check the first
 *     two directions.
 */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>

static const char *const qname[] = {"/nsx-parent-child", "/nsx-child-parent", "/nsx-sibling",
                                    "/nsx-same-ns"};
enum { Q_DOWN, Q_UP, Q_SIDE, Q_SAME, NQ };

static mqd_t open_q(int q)
{
	struct mq_attr a = {.mq_maxmsg = 1, .mq_msgsize = 8};
	return (mqd_t)NSX_TRY(mq_open(qname[q], O_RDWR | O_CREAT, 0600, &a));
}

/* Register for SIGUSR1 on queue q; the notification is taken later. */
static void register_on(int q)
{
	struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL,
	                      .sigev_signo = SIGUSR1,
	                      .sigev_value = {.sival_int = 7}};
	NSX_TRY(mq_notify(open_q(q), &ev));
}

static long send_on(int q)
{
	return mq_send(open_q(q), "m", 1, 0) ? -errno : 0;
}

/* A receiver registers, says so, then reports the signal; a sender waits
 * for its turn and sends.  arg: "r<q>" or "s<q>", or both for child. */
static int actor_fn(void *arg)
{
	const char *plan = arg;
	nsx_block(SIGUSR1);
	for (const char *p = plan; *p; p += 2)
		if (*p == 'r')
			register_on(p[1] - '0');
	NSX_SEND("ready", 1);
	for (const char *p = plan; *p; p += 2) {
		if (*p == 's') {
			nsx_step();
			NSX_SEND("sent", send_on(p[1] - '0'));
		} else {
			nsx_send_siginfo("got", SIGUSR1);
		}
	}
	nsx_park();
}

static int child_fn(void *arg)
{
	nsx_spawn("member", NULL, actor_fn, "s3");
	return actor_fn(arg);
}

static void show(const char *what, int sender, int receiver, int top_receives)
{
	long r;
	if (sender == 0) {
		r = send_on(Q_DOWN);
	} else {
		nsx_go(sender);
		r = nsx_recv(sender, "sent")->v[0];
	}
	if (top_receives)
		nsx_send_siginfo("got", SIGUSR1); /* to ourselves, then read back */
	printf("%-34s mq_send=%s: %s\n", what, nsx_res(r),
	       nsx_siginfo_str(receiver, nsx_recv(receiver, "got")));
}

NSX_CASE(.family = "SysV IPC and POSIX message queues", .rows = "1.11",
         .kconfig = "CONFIG_POSIX_MQUEUE");

int main(void)
{
	nsx_init("top", "outer");
	nsx_private_ipc();
	nsx_block(SIGUSR1);
	for (int q = 0; q < NQ; q++)
		mq_close(open_q(q));
	register_on(Q_UP);
	int child = nsx_spawn("child", "inner", child_fn, "r0s1r3");
	int s1 = nsx_spawn("s1", "n1", actor_fn, "r2");
	int s2 = nsx_spawn("s2", "n2", actor_fn, "s2");
	for (int i = 0; i < 4; i++)
		nsx_recv(-1, "ready"); /* child, member, s1, s2: all registered */
	int member = nsx_find("member");

	printf("# mq_notify_si_pid: SIGEV_SIGNAL notification si_pid across pid namespaces\n");
	show("top -> child (parent -> child):", 0, child, 0);
	show("child -> top (child -> parent):", child, 0, 1);
	show("s2 -> s1 (sibling -> sibling):", s2, s1, 0);
	show("member -> child (same namespace):", member, child, 0);
	for (int q = 0; q < NQ; q++)
		mq_unlink(qname[q]);
	nsx_exit();
}
