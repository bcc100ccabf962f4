// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cgroup_debug_pids - the debug controller's cgroup_css_links file (cgroup
 * v1), which lists the tasks of each css_set linked to a cgroup: numbered in
 * the reader's pid namespace, a task the reader cannot see as "task 0"
 * (where the same hierarchy's cgroup.procs leaves it out).  Guest only, as
 * cgroup_v1_pids (a new v1 hierarchy is seen machine-wide); skips without
 * the debug controller (CONFIG_CGROUP_DEBUG: not in Debian's kernels; make
 * vm's own kernels, vm/config, have it) or where it is bound elsewhere.
 *
 * Tasks: top (namespace outer) mounts a v1 hierarchy with the debug
 * controller and makes cgroup g; c, the init of namespace inner, c2 (inner)
 * with a second thread c2t, and o (outer) are moved into g (top writes
 * their numbers in outer to g/cgroup.procs).  c and top read
 * g/debug.cgroup_css_links; only its "task N" lines are printed (the
 * css_set lines carry kernel pointers and reference counts).
 *
 * The golden lines and the kernel code behind them (kernel/cgroup/debug.c,
 * 6.1.192 and 6.12.117):
 *
 *   top: task c, c2, c2t, o; c: task c, c2, c2t, 0
 *     cgroup_css_links_read(): for each css_set linked to the cgroup, each
 *     task on its tasks and mg_tasks lists, "task %d" of task_pid_vnr(task):
 *     the reader's namespace, 0 where it has no number (no filtering, unlike
 *     pidlist_array_load()); in the order the tasks joined the css_set.
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

#define MNT "/tmp/nsxlate-cgdebug"

enum { OP_READ = 1 };

/* The task lines of MNT/g/debug.cgroup_css_links: up to 8 numbers into
 * v[1..], their count into v[0] (-errno if unreadable). */
static void read_list(const char *file, long *v)
{
	char line[256];
	(void)file;
	FILE *f = fopen(MNT "/g/debug.cgroup_css_links", "re");
	v[0] = 0;
	if (!f) {
		v[0] = -errno;
		return;
	}
	long x;
	while (v[0] < 8 && fgets(line, sizeof(line), f))
		if (sscanf(line, "  task %ld", &x) == 1)
			v[1 + v[0]++] = x;
	fclose(f);
}

static void handler(int op, const long *arg)
{
	long v[9] = {0};
	(void)op;
	(void)arg;
	read_list(NULL, v);
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
	FILE *cg = fopen("/proc/cgroups", "re");
	char l[128];
	int have = 0;
	while (cg && fgets(l, sizeof(l), cg))
		have |= !strncmp(l, "debug\t", 6);
	if (cg)
		fclose(cg);
	if (!have)
		nsx_skip("no debug controller in /proc/cgroups (CONFIG_CGROUP_DEBUG)");
	nsx_need_init_root("a cgroup v1 mount wants CAP_SYS_ADMIN there");
	if (unshare(CLONE_NEWNS) || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL))
		nsx_fail("a mount namespace: %s", nsx_errname(errno));
	if (mkdir(MNT, 0755) && errno != EEXIST)
		nsx_fail("mkdir " MNT ": %s", nsx_errname(errno));
	if (mount("nsxlate", MNT, "cgroup", 0, "debug")) {
		int e = errno;
		rmdir(MNT);
		if (e == EBUSY)
			nsx_skip(
			        "mount -t cgroup -o debug: EBUSY: the debug controller is bound to "
			        "another hierarchy");
		nsx_fail("mount -t cgroup -o debug: %s", nsx_errname(e));
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
	printf("# cgroup_debug_pids: debug.cgroup_css_links numbers tasks for the reader, 0 "
	       "for those it cannot see\n");
	long v[9];
	read_list(NULL, v);
	show(0, "debug.cgroup_css_links", v);
	show(c, "debug.cgroup_css_links", nsx_call(c, OP_READ, 0, 0, 0)->v);
	clean();
	mounted = 0;
	nsx_exit();
}
