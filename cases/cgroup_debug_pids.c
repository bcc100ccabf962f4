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
#include "cgroup1.h"

#define MNT "/tmp/nsxlate-cgdebug"

/* The "task N" lines of g/debug.cgroup_css_links. */
static void cg1_read(NSX_UNUSED int file, long *v)
{
	char line[256];
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

NSX_CASE(.family = "cgroup member lists", .rows = "23.3", .kconfig = "CONFIG_CGROUP_DEBUG",
         .guest = "mounts a cgroup v1 hierarchy, which every process on the machine sees",
         .root = "a cgroup v1 mount wants CAP_SYS_ADMIN there");

int main(void)
{
	nsx_init("top", "outer");
	char cgroups[4096];
	nsx_read_text(AT_FDCWD, "/proc/cgroups", cgroups, sizeof(cgroups));
	if (!strstr(cgroups, "\ndebug\t")) /* a line of its own, after the header */
		nsx_skip("no debug controller in /proc/cgroups (CONFIG_CGROUP_DEBUG)");
	int c = cg1_setup(MNT, "debug");
	if (c == -EBUSY)
		nsx_skip(
		        "mount -t cgroup -o debug: EBUSY: the debug controller is bound to another "
		        "hierarchy");
	if (c < 0)
		nsx_fail("mount -t cgroup -o debug: %s", nsx_errname(-c));
	printf("# cgroup_debug_pids: debug.cgroup_css_links numbers tasks for the reader, 0 "
	       "for those it cannot see\n");
	cg1_both(c, 0, "debug.cgroup_css_links");
	cg1_clean();
	nsx_exit();
}
