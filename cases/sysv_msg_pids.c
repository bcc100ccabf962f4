// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sysv_msg_pids - msg_lspid and msg_lrpid of a SysV message queue as read
 * by tasks in different pid namespaces, by msgctl(IPC_STAT) and through
 * /proc/sysvipc/msg.
 *
 * Tree (cases/sysv.h): top in outer; a (init) and m in A, m with a thread
 * mthr; d (init) in D below A; s (init) in S beside A.  Every task reads
 * /proc/sysvipc/msg through a proc of its own namespace; d also opens it
 * through the case's proc (mounted in outer) and reads the file the top
 * opened at the start (inherited).  Queue 1: m sends,
 * then a receives (the message was waiting).  Queue 2: mthr waits in
 * msgrcv() (seen asleep in it through /proc/<tid>/syscall), then s sends.
 * Each reader prints the two pids as the tasks they denote in its
 * namespace.
 *
 * The golden lines and the kernel code behind them (ipc/msg.c):
 *
 *   queue 1 read by top, a, m: lspid=m lrpid=a; by d, s: 0 0
 *     do_msgsnd() -> ipc_update_pid(&msq->q_lspid, task_tgid(current)) and
 *     do_msgrcv() -> ipc_update_pid(&msq->q_lrpid, task_tgid(current)): since
 *     4.17 the fields are struct pids (ipc/util.h), not numbers.
 *     msgctl_stat() -> p->msg_lspid = pid_vnr(msq->q_lspid): translated for
 *     each reader, 0 where the writer is not visible (d is below A, s beside
 *     it).  Before 4.17 every reader got the writer's own-namespace number.
 *   queue 2: lspid=s (0 inside A and D); lrpid=mthr, the receiving *thread*
 *     A sender that finds a receiver already waiting hands the message over
 *     in pipelined_send(), which records ipc_update_pid(&msq->q_lrpid,
 *     task_pid(msr->r_tsk)): the receiver's thread, not its thread group.
 *     Through the normal path (queue 1) it is task_tgid(current).
 *   /proc/sysvipc/msg columns through each reader's own proc: the same
 *     sysvipc_msg_proc_show() prints pid_nr_ns(msq->q_lspid, pid_ns) with
 *     pid_ns = ipc_seq_pid_ns(), the pid namespace sysvipc_proc_open()
 *     (ipc/util.c) took from the *opener* (task_active_pid_ns(current)) -
 *     not the proc mount's, not the reader's:
 *   d, opening it through top's proc: lspid=0 lrpid=0 - d's own numbering
 *     although the proc was mounted in outer;
 *   d, reading the file top opened: top's numbers (named in outer: m and a,
 *     then s and mthr) although d sees none of them.
 */
#include "sysv.h"

#include <sys/msg.h>
#include <sys/syscall.h>

struct msgb {
	long mtype;
	char mtext[8];
};

static void do_snd(const long *arg)
{
	struct msgb mb = {1, "x"};
	NSX_REPLY(nsx_rc(msgsnd((int)arg[0], &mb, sizeof(mb.mtext), IPC_NOWAIT)));
}

/* msgrcv() with flags arg[1] (IPC_NOWAIT, or 0: wait for a sender) */
static void do_rcv(const long *arg)
{
	struct msgb mb = {1, "x"};
	NSX_REPLY(nsx_rc(msgrcv((int)arg[0], &mb, sizeof(mb.mtext), 0, (int)arg[1])));
}

static void do_stat(const long *arg)
{
	struct msqid_ds ds;
	if (msgctl((int)arg[0], IPC_STAT, &ds))
		NSX_REPLY(-errno, -errno);
	else
		NSX_REPLY(ds.msg_lspid, ds.msg_lrpid);
}

NSX_CASE(.family = "SysV IPC and POSIX message queues", .rows = "7.3 12.1",
         .kconfig = "CONFIG_SYSVIPC");

int main(void)
{
	sysv_setup("msg");
	int q1 = NSX_TRY(msgget(IPC_PRIVATE, IPC_CREAT | 0600));
	int q2 = NSX_TRY(msgget(IPC_PRIVATE, IPC_CREAT | 0600));

	printf("# sysv_msg_pids: msg_lspid and msg_lrpid as each reader sees them\n");
	printf("# outer: top | A: a m (and m's thread mthr) | D (in A): d | S: s\n");
	long r1 = sysv_ask(V_M, do_snd, q1, 0, 0)->v[0];
	long r2 = sysv_ask(V_A, do_rcv, q1, IPC_NOWAIT, 0)->v[0];
	printf("queue 1: m msgsnd()=%s, then a msgrcv()=%s\n", nsx_res(r1), nsx_res(r2));
	sysv_readers(q1, do_stat, 5, "lspid", "lrpid"); /* key msqid perms cbytes qnum lspid */

	nsx_ask(vidx[V_MTHR], do_rcv, q2, 0, 0);
	NSX_TRY_ERR(-nsx_await_syscall(vidx[V_MTHR], SYS_msgrcv, (unsigned long)q2));
	r1 = sysv_ask(V_S, do_snd, q2, 0, 0)->v[0];
	r2 = nsx_recv(vidx[V_MTHR], "reply")->v[0];
	printf("queue 2: mthr waits in msgrcv(), s msgsnd()=%s, mthr's msgrcv()=%s\n", nsx_res(r1),
	       nsx_res(r2));
	sysv_readers(q2, do_stat, 5, "lspid", "lrpid");
	msgctl(q1, IPC_RMID, NULL);
	msgctl(q2, IPC_RMID, NULL);
	nsx_exit();
}
