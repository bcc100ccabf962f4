// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sysv_shm_pids - shm_cpid and shm_lpid of a SysV shared memory segment as
 * read by tasks in different pid namespaces, by shmctl(IPC_STAT) and through
 * /proc/sysvipc/shm.
 *
 * Tree (cases/sysv.h): top in outer; a (init) and m in A; d (init) in D
 * below A; s (init) in S beside A.  m creates the segment; then a attaches
 * it; then s attaches and detaches it.  After each step every reader prints
 * the two pids as the tasks they denote in its namespace, by IPC_STAT and by
 * the cpid and lpid columns of /proc/sysvipc/shm read through a proc of its
 * own namespace; then d reads that file twice more: opened by itself
 * through the case's proc (mounted in outer), and as the file the top
 * opened at the start (inherited).
 *
 * The golden lines and the kernel code behind them (ipc/shm.c):
 *
 *   after m's shmget(): cpid=m lpid=0 for top, a, m; cpid=0 for d and s
 *     newseg(): shp->shm_cprid = get_pid(task_tgid(current)), shm_lprid
 *     NULL; shmctl_stat() -> tbuf->shm_cpid = pid_vnr(shp->shm_cprid), the
 *     reader's number for the creator, 0 where it is not visible (d is below
 *     A, s beside it) - and 0 for "nobody yet".
 *   after a's shmat(): lpid=a (0 for d and s)
 *     shm_open() (on attach) -> ipc_update_pid(&shp->shm_lprid,
 *     task_tgid(current)).
 *   after s's shmat() and shmdt(): lpid=s for top and s, 0 for a, m, d
 *     shm_close() (on detach) updates shm_lprid the same way; s is visible
 *     only from outer and from S.
 *   /proc/sysvipc/shm through each reader's own proc: the same answers
 *     sysvipc_shm_proc_show() prints pid_nr_ns(shp->shm_cprid, pid_ns) and
 *     pid_nr_ns(shp->shm_lprid, pid_ns) with pid_ns = ipc_seq_pid_ns(), the
 *     pid namespace sysvipc_proc_open() (ipc/util.c) took from the *opener*
 *     (task_active_pid_ns(current)) - not the proc mount's, not the reader's.
 *   d, opening it through top's proc: cpid=0 lpid=0 - d's own numbering
 *     although the proc was mounted in outer;
 *   d, reading the file top opened: top's numbers (named in outer: cpid=m,
 *     lpid=a, then s) although d sees neither m nor s.
 */
#include "sysv.h"

#include <sys/shm.h>

static void do_create(NSX_UNUSED const long *arg)
{
	long id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
	NSX_REPLY(id < 0 ? -errno : id);
}

/* shmat(), and shmdt() if arg[1] (else it stays attached) */
static void do_attach(const long *arg)
{
	void *p = shmat((int)arg[0], NULL, 0);
	NSX_REPLY(p == (void *)-1 ? -errno : arg[1] && shmdt(p) ? -errno : 0);
}

static void do_stat(const long *arg)
{
	struct shmid_ds ds;
	if (shmctl((int)arg[0], IPC_STAT, &ds))
		NSX_REPLY(-errno, -errno);
	else
		NSX_REPLY(ds.shm_cpid, ds.shm_lpid);
}

/* key shmid perms size cpid lpid ...: columns 4 and 5 */
static void readers(long id)
{
	sysv_readers(id, do_stat, 4, "cpid", "lpid");
}

NSX_CASE(.family = "SysV IPC and POSIX message queues", .rows = "7.4 12.2",
         .kconfig = "CONFIG_SYSVIPC");

int main(void)
{
	sysv_setup("shm");
	printf("# sysv_shm_pids: shm_cpid and shm_lpid as each reader sees them\n");
	printf("# outer: top | A: a m | D (in A): d | S: s\n");
	long id = NSX_TRY_NEG(sysv_ask(V_M, do_create, 0, 0, 0)->v[0]);
	printf("m shmget(IPC_CREAT)\n");
	readers(id);
	printf("a shmat()=%s\n", nsx_res(sysv_ask(V_A, do_attach, id, 0, 0)->v[0]));
	readers(id);
	printf("s shmat() and shmdt()=%s\n", nsx_res(sysv_ask(V_S, do_attach, id, 1, 0)->v[0]));
	readers(id);
	shmctl((int)id, IPC_RMID, NULL);
	nsx_exit();
}
