// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cgroup_v1_pids - a cgroup v1 hierarchy's cgroup.procs and tasks read from
 * two pid namespaces: numbers in the reader's namespace, sorted, and members
 * the reader cannot see left out (cgroup v2 prints a 0 line for them:
 * cgroup_procs).  Guest only: mounting a new v1 hierarchy (a named one, no
 * controllers) adds a line to every process's /proc/<pid>/cgroup on the
 * machine while it exists (NSX_CASE .guest; skips in the guest's
 * unprivileged pass too: a v1 mount needs CAP_SYS_ADMIN in the initial user
 * namespace).  The hierarchy is gone when the case ends: its cgroup is
 * emptied and removed, the mount detached, in a mount namespace of its own.
 *
 * Tasks: top (namespace outer) mounts the hierarchy name=nsxlate and makes
 * cgroup g; c, the init of namespace inner, c2 (inner) with a second thread
 * c2t, and o (outer).  Top writes c's, c2's and o's numbers in outer to
 * g/cgroup.procs; c and top read g/cgroup.procs and g/tasks.
 *
 * The golden lines and the kernel code behind them (kernel/cgroup/cgroup-v1.c,
 * 6.1.192 and 6.12.117):
 *
 *   top: cgroup.procs c c2 o, tasks c c2 c2t o; c: cgroup.procs c c2, tasks
 *   c c2 c2t (o left out, no 0 line)
 *     cgroup_pidlist_start() -> pidlist_array_load(): task_tgid_vnr() for
 *     cgroup.procs, task_pid_vnr() for tasks, in the reader's namespace
 *     (current, at the first read of the open file); "if (pid > 0)" drops
 *     the tasks it cannot see; the array is sorted (cmppid) and made unique;
 *     cgroup_pidlist_find_create() keys the cached list by that namespace.
 *   writes: cgroup1_procs_write() -> __cgroup1_procs_write() ->
 *     cgroup_procs_write_start(): find_task_by_vpid(), the writer's.
 */
#include "cgroup1.h"

#define MNT "/tmp/nsxlate-cgv1"

/* File 0: g/cgroup.procs, 1: g/tasks. */
static void cg1_read(int file, long *v)
{
	v[0] = nsx_read_numbers(AT_FDCWD, file ? MNT "/g/tasks" : MNT "/g/cgroup.procs", v + 1, 8);
}

NSX_CASE(.family = "cgroup member lists", .rows = "23.2",
         .guest = "mounts a cgroup v1 hierarchy, which every process on the machine sees",
         .root = "a cgroup v1 mount wants CAP_SYS_ADMIN there");

int main(void)
{
	nsx_init("top", "outer");
	int c = cg1_setup(MNT, "none,name=nsxlate");
	if (c < 0)
		nsx_fail("mount -t cgroup -o none,name=nsxlate: %s", nsx_errname(-c));
	printf("# cgroup_v1_pids: a v1 hierarchy's lists are the reader's numbers, sorted; "
	       "members it cannot see are left out\n");
	cg1_both(c, 0, "cgroup.procs");
	cg1_both(c, 1, "tasks");
	cg1_clean();
	nsx_exit();
}
