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

/* Actions: register for SIGUSR1 on queue arg[0] (the notification is
 * taken later); send on it; take SIGUSR1 (its siginfo is the reply); fork
 * member. */
static void do_register(const long *arg)
{
	struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL,
	                      .sigev_signo = SIGUSR1,
	                      .sigev_value = {.sival_int = 7}};
	NSX_TRY(mq_notify(open_q((int)arg[0]), &ev));
	NSX_REPLY(0);
}

static void do_send(const long *arg)
{
	NSX_REPLY(nsx_rc(mq_send(open_q((int)arg[0]), "m", 1, 0)));
}

static void do_take(const long *arg NSX_UNUSED)
{
	nsx_send_siginfo("reply", SIGUSR1);
}

static void do_fork_member(const long *arg NSX_UNUSED)
{
	NSX_REPLY(nsx_spawn_agent("member", NULL));
}

/* sender sends on queue q, on which receiver is registered. */
static void show(const char *what, int sender, int receiver, int q)
{
	long r = nsx_by(sender, do_send, q, 0, 0)->v[0];
	printf("%-34s mq_send=%s: %s\n", what, nsx_res(r),
	       nsx_siginfo_str(receiver, nsx_by(receiver, do_take, 0, 0, 0)));
}

NSX_CASE(.family = "SysV IPC and POSIX message queues", .rows = "1.11",
         .kconfig = "CONFIG_POSIX_MQUEUE");

int main(void)
{
	nsx_init("top", "outer");
	nsx_private_ipc();
	nsx_block(SIGUSR1); /* and in every task: they inherit the mask */
	for (int q = 0; q < NQ; q++)
		mq_close(open_q(q));
	int child = nsx_spawn_agent("child", "inner");
	int member = (int)nsx_do(child, do_fork_member, 0, 0, 0)->v[0];
	int s1 = nsx_spawn_agent("s1", "n1"), s2 = nsx_spawn_agent("s2", "n2");
	const int registrant[NQ] = {child, 0, s1, child};
	for (int q = 0; q < NQ; q++)
		nsx_by(registrant[q], do_register, q, 0, 0);

	printf("# mq_notify_si_pid: SIGEV_SIGNAL notification si_pid across pid namespaces\n");
	show("top -> child (parent -> child):", 0, child, Q_DOWN);
	show("child -> top (child -> parent):", child, 0, Q_UP);
	show("s2 -> s1 (sibling -> sibling):", s2, s1, Q_SIDE);
	show("member -> child (same namespace):", member, child, Q_SAME);
	for (int q = 0; q < NQ; q++)
		mq_unlink(qname[q]);
	nsx_exit();
}
