// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cgroup_v1_pids - a cgroup v1 hierarchy's cgroup.procs and tasks read from
 * two pid namespaces: numbers in the reader's namespace, sorted, and members
 * the reader cannot see left out (cgroup v2 prints a 0 line for them:
 * cgroup_procs).  Guest only: mounting a new v1 hierarchy (a named one, no
 * controllers) adds a line to every process's /proc/<pid>/cgroup on the
 * machine while it exists (lib nsx_guest_only(); skips in the guest's
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
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define MNT "/tmp/nsxlate-cgv1"

enum { OP_READ = 1 };

/* Read MNT/g/<file>: up to 8 numbers into v[1..], their count into v[0]. */
static void read_list(const char *file, long *v)
{
	char path[128];
	snprintf(path, sizeof(path), MNT "/g/%s", file);
	FILE *f = fopen(path, "re");
	v[0] = 0;
	if (!f) {
		v[0] = -errno;
		return;
	}
	long x;
	while (v[0] < 8 && fscanf(f, "%ld", &x) == 1)
		v[1 + v[0]++] = x;
	fclose(f);
}

static void handler(int op, const long *arg)
{
	long v[9] = {0};
	(void)op;
	read_list(arg[0] ? "tasks" : "cgroup.procs", v);
	NSX_SEND("reply", v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
}

static int c_fn(void *arg)
{
	(void)arg;
	nsx_spawn_threaded("c2", NULL, "c2t");
	NSX_SEND("up", 1);
	nsx_serve(handler);
}

static int o_fn(void *arg)
{
	(void)arg;
	nsx_park();
}

static void show(int who, const char *file, const long *v)
{
	printf("%-3s reads g/%s:", nsx_table()->task[who].name, file);
	if (v[0] < 0)
		printf(" %s", nsx_res(v[0]));
	for (long i = 0; i < v[0]; i++)
		printf(" %s", nsx_name(who, v[1 + i]));
	printf("\n");
}

static int write_pid(const char *path, long pid)
{
	char b[32];
	int f = open(path, O_WRONLY | O_CLOEXEC);
	if (f < 0)
		return -errno;
	snprintf(b, sizeof(b), "%ld", pid);
	int r = write(f, b, strlen(b)) < 0 ? -errno : 0;
	close(f);
	return r;
}

static int mounted;

static void clean(void)
{
	if (!mounted)
		return;
	/* Everyone back to the root cgroup, then g and the mount go. */
	for (int i = 0; i < nsx_table()->ntasks; i++)
		if (nsx_table()->task[i].ready == 1)
			write_pid(MNT "/cgroup.procs", nsx_pid(i));
	rmdir(MNT "/g");
	umount2(MNT, MNT_DETACH);
	rmdir(MNT);
}

int main(void)
{
	nsx_init("top", "outer");
	nsx_guest_only("mounts a cgroup v1 hierarchy, which every process on the machine sees");
	nsx_need_init_root("a cgroup v1 mount wants CAP_SYS_ADMIN there");
	if (unshare(CLONE_NEWNS) || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL))
		nsx_fail("a mount namespace: %s", nsx_errname(errno));
	if (mkdir(MNT, 0755) && errno != EEXIST)
		nsx_fail("mkdir " MNT ": %s", nsx_errname(errno));
	if (mount("nsxlate", MNT, "cgroup", 0, "none,name=nsxlate")) {
		int e = errno;
		rmdir(MNT);
		nsx_fail("mount -t cgroup -o none,name=nsxlate: %s", nsx_errname(e));
	}
	mounted = 1;
	atexit(clean);
	if (mkdir(MNT "/g", 0755))
		nsx_fail("mkdir g: %s", nsx_errname(errno));
	int c = nsx_spawn("c", "inner", c_fn, NULL);
	nsx_recv(c, "up");
	int c2 = nsx_find("c2");
	int o = nsx_spawn("o", NULL, o_fn, NULL);
	int who[3] = {c, c2, o};
	for (int i = 0; i < 3; i++) {
		int e = write_pid(MNT "/g/cgroup.procs", nsx_pid(who[i]));
		if (e)
			nsx_fail("moving %s into g: %s", nsx_table()->task[who[i]].name,
			         nsx_errname(-e));
	}
	printf("# cgroup_v1_pids: a v1 hierarchy's lists are the reader's numbers, sorted; "
	       "members it cannot see are left out\n");
	long v[9];
	for (int file = 0; file < 2; file++) {
		const char *fn = file ? "tasks" : "cgroup.procs";
		read_list(fn, v);
		show(0, fn, v);
		show(c, fn, nsx_call(c, OP_READ, file, 0, 0)->v);
	}
	clean();
	mounted = 0;
	nsx_exit();
}
