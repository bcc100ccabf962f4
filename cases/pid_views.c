// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pid_views - one task's numbers from inside its pid namespace and from outside.
 *
 * Tasks: top (namespace outer) spawns init, the first process of a new
 * namespace inner; init calls setsid() and then spawns member.  top also
 * spawns unsharer (outer), which calls unshare(CLONE_NEWPID) itself and then
 * forks fresh into the namespace that made (named unshared).
 *
 * Every pid below is printed as the name of the task it denotes in the
 * namespace of whoever observed it ("0" when the kernel said 0).  The golden
 * lines, in order, and the kernel code that produces them:
 *
 *   top: setsid()=top
 *     kernel/sys.c: ksys_setsid(); top makes a session of its own first, so
 *     that init's inherited group and session are top's whoever ran the case.
 *   inner raw numbers: init=1 member=2
 *     kernel/pid.c: alloc_pid() allocates per level with idr_alloc_cyclic(),
 *     starting at 1 in a namespace that has none yet; init is its first task.
 *   init before setsid: getpid=init gettid=init getppid=0 getpgid=0 getsid=0
 *     kernel/sys.c: getpid = task_tgid_vnr(), gettid = task_pid_vnr(),
 *     getppid = task_tgid_vnr(real_parent), do_getpgid() = pid_vnr(task_pgrp()),
 *     do_getsid() = pid_vnr(task_session()).  All are pid_nr_ns() in the
 *     caller's active namespace (kernel/pid.c), which is 0 when the struct pid
 *     has no number there: init's parent (top), its process group and its
 *     session all live in outer.
 *   init before setsid, through outer's /proc: NSpid init = init init,
 *   NSpgid init = top 0, NSsid init = top 0
 *     fs/proc/array.c: task_state() prints NSpid, NSpgid and NSsid with one
 *     word per level of the *task's own* pid (from the proc mount's level
 *     down): task_pid_nr_ns(), task_pgrp_nr_ns() and task_session_nr_ns()
 *     in the namespace of each level of the task's struct pid.  init's group
 *     and session are still top's, which has no number in inner: 0 there,
 *     as getpgid/getsid said.  (The lines read later, after setsid(), show
 *     the group and session as init at both levels.)
 *   init setsid()=init, after: getpgid=init getsid=init
 *     kernel/sys.c: ksys_setsid() makes the caller's own struct pid the
 *     session and group and returns its pid_vnr().
 *   member: getpid=member getppid=init getpgid=init getsid=init
 *     member was forked by init after setsid(): all of it is inside inner.
 *   top: fork() returned init; getpgid(init)=init getsid(init)=init
 *     kernel/fork.c: kernel_clone() returns pid_vnr() of the child's pid,
 *     i.e. its number in the parent's namespace; getpgid/getsid with a pid
 *     look the target up with find_task_by_vpid() and translate with pid_vnr().
 *   outer /proc read by top: NSpid init = init init; NSpid member = member
 *   member; NSpgid and NSsid init init for both
 *     fs/proc/array.c: task_state() prints NSpid from the level of the proc
 *     mount's namespace (proc_pid_ns() of the superblock) down to the task's
 *     own level: first its number in outer, then in inner.
 *   inner /proc read by init: /proc/self -> init; NSpid init = init
 *     fs/proc/root.c: a new proc mount takes task_active_pid_ns(current);
 *     fs/proc/self.c: proc_self_get_link() uses task_tgid_nr_ns(current, the
 *     mount's namespace): 1; NSpid from inner's level has one number.
 *   outer /proc read by init: /proc/self -> init; NSpid init = init init
 *     The same code with the old mount (opened before the new one went on
 *     top): the number is the one in the mount's namespace, outer, not the
 *     reader's.  Relative to the proc mount, never to the reader.
 *   unsharer lines: unshare(CLONE_NEWPID)=0 and getpid() unchanged; a second
 *     unshare(CLONE_NEWPID) before forking = EINVAL; the first child forked
 *     afterwards has getpid=1 (printed raw) and getppid=0; the unsharer's own
 *     getpid is still unchanged.
 *     kernel/nsproxy.c: unshare_nsproxy_namespaces() -> create_new_namespaces()
 *     -> kernel/pid_namespace.c: copy_pid_ns(): only pid_ns_for_children
 *     changes, and a second request while pid_ns_for_children is no longer
 *     task_active_pid_ns(current) returns -EINVAL.  The active namespace of a
 *     task never changes (task_active_pid_ns() reads its struct pid).
 */
#include "nsx.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The number /proc/self names in the proc mount behind pfd, or -errno. */
static long proc_self(int pfd)
{
	char buf[32];
	ssize_t n = readlinkat(pfd, "self", buf, sizeof(buf) - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return atol(buf);
}

/* The three per-level lines of /proc/<pid>/status. */
static const char *const fields[] = {"NSpid", "NSpgid", "NSsid"};

/* The three lines of pid's status through the proc mount pfd, into v: for
 * each its count, then its words; returns how many values that is. */
static int nslists(int pfd, const char *pid, long *v)
{
	int len = 0;
	for (int f = 0; f < 3; f++, len += (int)v[len] + 1) {
		v[len] = nsx_read_status_list(pfd, pid, fields[f], v + len + 1, 4);
		if (v[len] < 0)
			nsx_fail("%s of %s unreadable", fields[f], pid);
	}
	return len;
}

/* Send what /proc/self names through the proc mount pfd, then its lines. */
static void send_view(const char *key, int pfd)
{
	long v[NSX_MSG_VALS] = {proc_self(pfd)};
	nsx_send_v(key, v, 1 + nslists(pfd, "self", v + 1));
}

static int member_fn(void *arg NSX_UNUSED)
{
	NSX_SEND("ids", syscall(SYS_getpid), getppid(), getpgid(0), getsid(0));
	nsx_park();
}

static int init_fn(void *arg NSX_UNUSED)
{
	NSX_SEND("before", syscall(SYS_getpid), syscall(SYS_gettid), getppid(), getpgid(0),
	         getsid(0));
	send_view("before-ns", nsx_procfd());
	long sid = setsid();
	NSX_SEND("after", sid < 0 ? -errno : sid, getpgid(0), getsid(0));

	/* Outer /proc first, then a proc of our own over /proc. */
	send_view("outer", nsx_procfd());
	send_view("inner", nsx_own_proc());

	nsx_spawn("member", NULL, member_fn, NULL);
	NSX_SEND("ready", 1);
	nsx_park();
}

static int fresh_fn(void *arg NSX_UNUSED)
{
	NSX_SEND("ids", syscall(SYS_getpid), getppid());
	return 0;
}

static int unsharer_fn(void *arg NSX_UNUSED)
{
	long before = syscall(SYS_getpid);
	long r1 = unshare(CLONE_NEWPID) ? -errno : 0;
	long after = syscall(SYS_getpid);
	long r2 = unshare(CLONE_NEWPID) ? -errno : 0;
	NSX_SEND("unshare", before, r1, after, r2);
	if (r2 == 0) /* a kernel that nests a second one: fork into neither */
		return 0;
	/* Forks into the namespace unshare() made: lib sees it pending. */
	nsx_spawn("fresh", "unshared", fresh_fn, NULL);
	NSX_SEND("after-fork", syscall(SYS_getpid));
	return 0;
}

/* The three lines nslists() put in v: their words named at the levels from
 * the proc mount's (level) down, on task's chain of namespaces. */
static void print_lists(const long *v, const char *what, int task, int level)
{
	for (int f = 0; f < 3; f++, v += v[0] + 1)
		printf("  %s %s = %s\n", fields[f], what,
		       nsx_nslist_names(task, level, v + 1, (int)v[0]));
}

/* What init sent under key: /proc/self and its lines, through a proc of ns. */
static void print_view(const char *title, int init, const char *key, int ns)
{
	const long *v = nsx_recv(init, key)->v;
	printf("%s:\n  /proc/self -> %s\n", title,
	       v[0] < 0 ? nsx_res(v[0]) : nsx_name_ns(ns, v[0]));
	print_lists(v + 1, "init", init, nsx_ns_level(ns));
}

/* The three lines of task's status read by the top through its /proc. */
static void print_read(const char *what, int task, int level)
{
	long v[NSX_MSG_VALS];
	nslists(nsx_procfd(), nsx_fmt("%d", (int)nsx_pid(task)), v);
	print_lists(v, what, task, level);
}

NSX_CASE(.family = "A task's own numbers and /proc", .rows = "3.3 3.4 3.5 6.7 6.8 6.9 28.3");

int main(void)
{
	nsx_init("top", "outer");
	int top = 0;
	/* A session of our own first: init's inherited group and session are
	 * then top's, whoever started the case. */
	long top_sid = setsid();
	int init = nsx_spawn("init", "inner", init_fn, NULL);
	int inner = nsx_ns_of(init), outer = nsx_ns_of(top), lvl_outer = nsx_ns_level(outer);
	nsx_recv(init, "ready");
	int member = nsx_find("member");

	printf("# pid_views: a task's numbers inside its pid namespace and from outside\n");
	printf("top: setsid()=%s\n", top_sid < 0 ? nsx_errname(errno) : nsx_name(top, top_sid));
	printf("inner raw numbers: init=%d member=%d\n", nsx_nr_in(init, inner),
	       nsx_nr_in(member, inner));

	const struct nsx_msg *m = nsx_recv(init, "before");
	printf("init before setsid: getpid=%s gettid=%s getppid=%s getpgid=%s getsid=%s\n",
	       nsx_name(init, m->v[0]), nsx_name(init, m->v[1]), nsx_name(init, m->v[2]),
	       nsx_name(init, m->v[3]), nsx_name(init, m->v[4]));
	print_lists(nsx_recv(init, "before-ns")->v + 1, "init", init, lvl_outer);
	m = nsx_recv(init, "after");
	printf("init setsid()=%s, after: getpgid=%s getsid=%s\n",
	       m->v[0] < 0 ? nsx_errname((int)-m->v[0]) : nsx_name(init, m->v[0]),
	       nsx_name(init, m->v[1]), nsx_name(init, m->v[2]));
	m = nsx_recv(member, "ids");
	printf("member: getpid=%s getppid=%s getpgid=%s getsid=%s\n", nsx_name(member, m->v[0]),
	       nsx_name(member, m->v[1]), nsx_name(member, m->v[2]), nsx_name(member, m->v[3]));

	pid_t ip = nsx_pid(init);
	printf("top: fork() returned %s; getpgid(init)=%s getsid(init)=%s\n",
	       nsx_name(top, nsx_forked(init)), nsx_name(top, getpgid(ip)),
	       nsx_name(top, getsid(ip)));

	printf("outer /proc read by top:\n");
	print_read("init", init, lvl_outer);
	print_read("member", member, lvl_outer);

	print_view("inner /proc read by init", init, "inner", inner);
	print_view("outer /proc read by init", init, "outer", outer);

	int unsharer = nsx_spawn("unsharer", NULL, unsharer_fn, NULL);
	m = nsx_recv(unsharer, "unshare");
	printf("unsharer: getpid=%s; unshare(CLONE_NEWPID)=%s; getpid=%s\n",
	       nsx_name(unsharer, m->v[0]), nsx_res(m->v[1]), nsx_name(unsharer, m->v[2]));
	printf("unsharer: unshare(CLONE_NEWPID) again before forking = %s\n", nsx_res(m->v[3]));
	if (m->v[3] == 0)
		nsx_exit(); /* the unsharer forked nothing: see unsharer_fn() */
	const struct nsx_msg *after = nsx_recv(unsharer, "after-fork"); /* fresh exists now */
	int fresh = nsx_find("fresh");
	m = nsx_recv(fresh, "ids");
	printf("unsharer forked fresh: fresh getpid=%ld (%s) getppid=%s\n", m->v[0],
	       nsx_name(fresh, m->v[0]), nsx_name(fresh, m->v[1]));
	printf("unsharer after the fork: getpid=%s\n", nsx_name(unsharer, after->v[0]));
	nsx_exit();
}
