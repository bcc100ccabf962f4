// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sysv_sem_pids - sempid (semctl GETPID) of a SysV semaphore as read by tasks
 * in different pid namespaces.
 *
 * Tree (cases/sysv.h): top in outer; a (init) and m in A; d (init) in D
 * below A; s (init) in S beside A.  top creates a set of two semaphores.  m
 * does semop(+1) on semaphore 0; s does semctl(SETVAL) on semaphore 1; d
 * does semop(+1) on semaphore 1 after that.  After each step every reader
 * prints both sempids as the tasks they denote in its namespace.
 * (/proc/sysvipc/sem has no pid column.)
 *
 * The golden lines and the kernel code behind them (ipc/sem.c):
 *
 *   before anything: 0 everywhere (no struct pid yet)
 *   after m's semop: sem 0 = m for top, a, m; 0 for d (m is in A, above D)
 *   and s
 *     do_semtimedop() sets queue.pid = task_tgid(current);
 *     perform_atomic_semop() -> ipc_update_pid(&curr->sempid, q->pid);
 *     semctl_main(GETPID) -> pid_vnr(sma->sems[semnum].sempid): the reader's
 *     number, 0 where not visible.
 *   after s's SETVAL: sem 1 = s for top and s, 0 for a, m, d
 *     semctl_setval() -> ipc_update_pid(&curr->sempid, task_tgid(current)).
 *   after d's semop: sem 1 = d for top, a, m (A is above D) and d; 0 for s
 */
#include "sysv.h"

#include <sys/sem.h>

static void do_semop(const long *arg)
{
	struct sembuf sb = {(unsigned short)arg[1], 1, 0};
	NSX_REPLY(nsx_rc(semop((int)arg[0], &sb, 1)));
}

static void do_setval(const long *arg)
{
	NSX_REPLY(nsx_rc(semctl((int)arg[0], (int)arg[1], SETVAL, 5)));
}

static void do_getpid(const long *arg)
{
	int id = (int)arg[0];
	int p0 = semctl(id, 0, GETPID), e0 = errno;
	int p1 = semctl(id, 1, GETPID), e1 = errno;
	NSX_REPLY(p0 < 0 ? -e0 : p0, p1 < 0 ? -e1 : p1);
}

static void readers(int id)
{
	for (int v = V_TOP; v < V_MTHR; v++) {
		const struct nsx_msg *m = sysv_ask(v, do_getpid, id, 0, 0);
		printf("  read by %-3s GETPID: sem 0 = %-4s sem 1 = %s\n", vname[v],
		       sysv_name(v, m->v[0]), sysv_name(v, m->v[1]));
	}
}

NSX_CASE(.family = "SysV IPC and POSIX message queues", .rows = "12.3",
         .kconfig = "CONFIG_SYSVIPC");

int main(void)
{
	sysv_setup(NULL);
	int id = NSX_TRY(semget(IPC_PRIVATE, 2, IPC_CREAT | 0600));
	printf("# sysv_sem_pids: sempid (semctl GETPID) as each reader sees it\n");
	printf("# outer: top | A: a m | D (in A): d | S: s\n");
	printf("top semget(2 semaphores)\n");
	readers(id);
	printf("m semop(sem 0, +1)=%s\n", nsx_res(sysv_ask(V_M, do_semop, id, 0, 0)->v[0]));
	readers(id);
	printf("s semctl(sem 1, SETVAL)=%s\n", nsx_res(sysv_ask(V_S, do_setval, id, 1, 0)->v[0]));
	readers(id);
	printf("d semop(sem 1, +1)=%s\n", nsx_res(sysv_ask(V_D, do_semop, id, 1, 0)->v[0]));
	readers(id);
	semctl(id, 0, IPC_RMID);
	nsx_exit();
}
