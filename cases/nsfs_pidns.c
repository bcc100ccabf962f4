// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nsfs_pidns - pid namespace files: NS_GET_NSTYPE and NS_GET_PARENT from
 * callers at different levels, /proc/<pid>/ns/pid against
 * pid_for_children across unshare() and setns(), and the numbers a child
 * forked after setns() gets.
 *
 * Tasks: top (namespace outer) spawns c, the init of namespace inner, which
 * spawns d, the init of namespace deep; x, the init of the sibling namespace
 * sib; a and b (outer).  Namespace files are opened through the case's proc
 * (outer's); a namespace prints by the name of the namespace whose file has
 * the same inode (st_ino, the nsfs inode number).
 *
 * The golden lines and the kernel code behind them:
 *
 *   NS_GET_NSTYPE: CLONE_NEWPID
 *     fs/nsfs.c: ns_ioctl() returns ns->ops->type.
 *   NS_GET_PARENT: top on inner -> outer, on deep -> inner, on outer
 *   (its own) EPERM; c on deep -> inner, on inner (its own) EPERM; x on inner
 *   EPERM
 *     kernel/pid_namespace.c: pidns_get_parent() walks up from the parent
 *     and gives it only if the caller's active namespace is on the way: the
 *     parent must be the caller's namespace or below it.
 *   a: before unshare(), ns/pid and pid_for_children are outer; after it,
 *   ns/pid is still outer and pid_for_children is ENOENT (for a, and for b
 *   opening a's); once a has forked a1 (pid 1 of N), it is N
 *     kernel/pid_namespace.c: pidns_for_children_get() gives nothing while
 *     the namespace has no child_reaper: no task can setns() into a pid
 *     namespace before its first process (its init) exists.
 *     7.2 and 7.3-rc7 (the variant pidns-before-init, expected/VARIANTS):
 *     pid_for_children -> another (N, where no task of the case is yet)
 *     and b's setns() into it: 0.  pidns_for_children_get() returns
 *     pid_ns_for_children without the child_reaper check (the 7.2 tree's
 *     selftest pid_namespace/pidns_init_via_setns.c relies on it; pidfs's
 *     PIDFD_GET_PID_FOR_CHILDREN_NAMESPACE, 6.11 on, never had it).  The
 *     first task forked into N is then its pid 1 and child_reaper
 *     (alloc_pid() wants nr 1 while child_reaper is NULL; copy_process()
 *     sets it): here a forks a1 first, so the later lines are the same.
 *   b setns()es into a's pid_for_children (N): 0; its ns/pid stays outer,
 *   pid_for_children is N; its child b1 is N's number 2 (a1 is 1)
 *     pidns_install() only sets pid_ns_for_children; alloc_pid() then
 *     numbers the child at every level from N up.
 *   setns() to inner by x: EINVAL; to outer by c: EINVAL
 *     pidns_install(): the target must be the caller's active namespace or
 *     a descendant of it.
 */
#include "nsx.h"

#include <errno.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const known[] = {"top", "c", "d", "x", "a1"}; /* one task per namespace */
#define NKNOWN ((long)(sizeof(known) / sizeof(known[0])))

/* Which known namespace fd is (an index in known[]), NKNOWN if none. */
static long ns_index(int fd)
{
	struct stat a, b;
	if (fstat(fd, &a))
		return NKNOWN;
	for (long k = 0; k < NKNOWN; k++) {
		int t = nsx_lookup(known[k]);
		if (t < 0)
			continue;
		int f = nsx_open_ns(t, "pid");
		int same = f >= 0 && !fstat(f, &b) && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
		if (f >= 0)
			close(f);
		if (same)
			return k;
	}
	return NKNOWN;
}

/* An index from ns_index(), or -errno, as a name. */
static const char *ns_str(long v)
{
	if (v < 0)
		return nsx_errname((int)-v);
	if (v >= NKNOWN)
		return "another";
	return nsx_ns_name(nsx_ns_of(nsx_find(known[v])));
}

/* NS_GET_PARENT of the pid namespace of task arg[0], by the caller. */
static void do_parent(const long *arg)
{
	int f = NSX_TRY(nsx_open_ns((int)arg[0], "pid"));
	int p = ioctl(f, NS_GET_PARENT);
	NSX_REPLY(p < 0 ? -errno : ns_index(p));
	if (p >= 0)
		close(p);
	close(f);
}

/* Where task's ns/<which> leads: ns_index(), or -errno. */
static long link_of(int task, const char *which)
{
	int f = nsx_open_ns(task, which);
	long v = f < 0 ? -errno : ns_index(f);
	if (f >= 0)
		close(f);
	return v;
}

static int leaf_fn(void *arg NSX_UNUSED)
{
	NSX_SEND("born", getpid());
	nsx_park();
}

static void do_setns(const long *arg)
{
	/* into task arg[0]'s pid (0) or pid_for_children (1) */
	int f = nsx_open_ns((int)arg[0], arg[1] ? "pid_for_children" : "pid");
	long r = f < 0 ? -errno : nsx_rc(setns(f, CLONE_NEWPID));
	if (f >= 0)
		close(f);
	NSX_REPLY(r);
}

static void do_unshare(const long *arg NSX_UNUSED)
{
	NSX_REPLY(nsx_rc(unshare(CLONE_NEWPID)));
}

static void do_fork(const long *arg)
{
	NSX_REPLY(nsx_spawn(arg[0] == 1 ? "a1" : "b1", "N", leaf_fn, NULL));
}

static void do_deep(const long *arg NSX_UNUSED)
{
	NSX_REPLY(nsx_spawn_agent("d", "deep"));
}

static void show_parent(int caller, int of)
{
	long r = nsx_by(caller, do_parent, of, 0, 0)->v[0];
	printf("  %-3s (%s) on %s: %s\n", nsx_task_name(caller), nsx_ns_name(nsx_ns_of(caller)),
	       nsx_ns_name(nsx_ns_of(of)), ns_str(r));
}

static void show_links(const char *when, int task)
{
	printf("  %s: ns/pid -> %s, pid_for_children -> %s\n", when, ns_str(link_of(task, "pid")),
	       ns_str(link_of(task, "pid_for_children")));
}

NSX_CASE(.family = "Namespace files and chosen numbers", .variants = "pidns-before-init");

int main(void)
{
	nsx_init("top", "outer");
	struct nsx_scene s = nsx_scene(NSX_SCENE_X);
	int c = s.c, x = s.x, top = s.top, d = (int)nsx_do(c, do_deep, 0, 0, 0)->v[0];
	int a = nsx_spawn_agent("a", NULL);
	int b = nsx_spawn_agent("b", NULL);

	printf("# nsfs_pidns: pid namespace files, NS_GET_PARENT, pid_for_children\n");
	int type = ioctl((int)NSX_TRY(nsx_open_ns(c, "pid")), NS_GET_NSTYPE);
	printf("NS_GET_NSTYPE on inner: %s\n", type == CLONE_NEWPID ? "CLONE_NEWPID" : "other");
	printf("NS_GET_PARENT:\n");
	const int calls[][2] = {{top, c}, {top, d}, {top, top}, {c, d}, {c, c}, {x, c}};
	for (int i = 0; i < 6; i++)
		show_parent(calls[i][0], calls[i][1]);

	printf("a unshares, then forks a1; b setns()es into a's pid_for_children, then forks "
	       "b1:\n");
	show_links("a before unshare", a);
	printf("  a unshare(CLONE_NEWPID): %s\n", nsx_res(nsx_do(a, do_unshare, 0, 0, 0)->v[0]));
	show_links("a after", a);
	printf("  b setns to a's pid_for_children: %s\n",
	       nsx_res(nsx_do(b, do_setns, a, 1, 0)->v[0]));
	int a1 = (int)nsx_do(a, do_fork, 1, 0, 0)->v[0];
	printf("  a forks a1: getpid in a1 = %ld\n", nsx_recv(a1, "born")->v[0]);
	show_links("a once a1 exists", a);
	printf("  b setns to a's pid_for_children: %s\n",
	       nsx_res(nsx_do(b, do_setns, a, 1, 0)->v[0]));
	show_links("b after", b);
	int b1 = (int)nsx_do(b, do_fork, 2, 0, 0)->v[0];
	printf("  b forks b1: getpid in b1 = %ld (%s)\n", nsx_recv(b1, "born")->v[0],
	       nsx_name(b1, nsx_nr_in(b1, nsx_ns_of(b1))));
	show_links("b1", b1);
	printf("setns(CLONE_NEWPID) outside one's subtree:\n");
	printf("  x (sib) into inner: %s\n", nsx_res(nsx_do(x, do_setns, c, 0, 0)->v[0]));
	printf("  c (inner) into outer: %s\n", nsx_res(nsx_do(c, do_setns, top, 0, 0)->v[0]));
	nsx_exit();
}
