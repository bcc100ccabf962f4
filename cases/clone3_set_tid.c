// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * clone3_set_tid - choosing a child's number at each level with clone3()'s
 * set_tid array, and the rules the kernel applies.
 *
 * Tasks: top (namespace outer, which nsxrun makes fresh: the numbers chosen
 * here are free in it; by hand the case skips) makes every child with raw
 * clone3(); a child registers and reports getpid().  n1 is made the init of a
 * new namespace N, and makes children of its own in N; u enters a user
 * namespace of its own first; a unshare()s CLONE_NEWPID first.  Chosen
 * numbers print as they are (they are the claim), with the task's name.
 * set_tid[0] is the number in the child's own namespace, set_tid[1] the one
 * in the namespace above, and so on.
 *
 * The golden lines and the kernel code behind them:
 *
 *   the numbers asked for are the numbers given, at each level asked about
 *     kernel/pid.c: alloc_pid() walks from the child's namespace up; for
 *     each level set_tid covers it idr_alloc()s exactly set_tid[level].
 *   a number in use: EEXIST
 *     alloc_pid(): idr_alloc() -ENOSPC becomes -EEXIST.
 *   CLONE_NEWPID with set_tid[0] = 2: EINVAL; a (after unshare(), so its
 *   children go to a namespace with no init yet) asking for 5: EINVAL, for
 *   1: its child is that namespace's 1
 *     alloc_pid(): "tid != 1 && !tmp->child_reaper": a namespace's first
 *     task must be its 1.
 *   set_tid[0] = 0: EINVAL (tid < 1); set_tid_size one more than the child
 *   has levels: EINVAL; 33 entries: EINVAL
 *     alloc_pid(): set_tid_size > ns->level + 1; kernel/fork.c:
 *     copy_clone_args_from_user(): set_tid_size > MAX_PID_NS_LEVEL.
 *   u (its own user namespace): a number in outer: EPERM; CLONE_NEWPID
 *   with {1}: allowed (N2 is owned by u's user namespace); {1, n}: EPERM
 *     alloc_pid(): checkpoint_restore_ns_capable(tmp->user_ns) at every
 *     level set: CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN over the user
 *     namespace that owns that level's pid namespace.
 *
 * setns() into a pid namespace that has no init yet cannot be tried: no file
 * for it can be had (nsfs_pidns: pid_for_children is ENOENT until the init
 * exists).
 */
#include "nsx.h"

#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int level; /* the kernel's level of outer */

/* clone3() a child called name (in namespace ns when it is a new one: made
 * here with CLONE_NEWPID when newpid, or after unshare()) with set_tid
 * tids[0..n-1]; the child registers, reports
 * "born" with its getpid() and parks.  The child's number, or -errno. */

static long spawn3(const char *name, const char *ns, int newpid, const long *tids, int n)
{
	pid_t t[40];
	for (int k = 0; k < n && k < 40; k++)
		t[k] = (pid_t)tids[k];
	struct clone_args ca = {.flags = newpid ? CLONE_NEWPID : 0,
	                        .exit_signal = SIGCHLD,
	                        .set_tid = n ? (uintptr_t)t : 0,
	                        .set_tid_size = (uint64_t)n};
	fflush(NULL);
	long p = syscall(SYS_clone3, &ca, sizeof(ca));
	if (p == 0) {
		nsx_register_child(name, ns);
		NSX_SEND("born", getpid());
		if (!strcmp(name, "n1"))
			nsx_serve(); /* makes children of its own */
		nsx_park();
	}
	return p < 0 ? -errno : p;
}

/* arg: which name | n << 8, then up to two numbers */
static void do_clone(const long *arg)
{
	static const char *const names[] = {"n2", "n3", "u0", "u1", "u2", "a1", "a2"};
	static const char *const nss[] = {NULL, NULL, NULL, "N2", "N3", "Na", "Na"};
	long tids[2] = {arg[1], arg[2]};
	int w = (int)(arg[0] & 0xff);
	NSX_REPLY(spawn3(names[w], nss[w], w == 3 || w == 4, tids, (int)(arg[0] >> 8)));
}

/* u: a user namespace of its own (arg[0] 0); a: unshare(CLONE_NEWPID) (1). */
static void do_unshare(const long *arg)
{
	NSX_REPLY(arg[0] ? nsx_rc(unshare(CLONE_NEWPID)) : nsx_new_userns("0 0 1\n", "0 0 1\n"));
}

static const char *tids_str(const long *tids, int n)
{
	if (n > 2)
		return n == 33 ? "{33 entries}" : "{one entry more than the child has levels}";
	return n == 1 ? nsx_fmt("{%ld}", tids[0]) : nsx_fmt("{%ld, %ld}", tids[0], tids[1]);
}

/* The result of a clone3 and, if it made a child, what the child says. */
static void result(const char *who, const char *flags, const long *tids, int n, long r,
                   const char *name)
{
	printf("%-3s clone3(%s, set_tid %s) = %s", who, flags, tids_str(tids, n),
	       r < 0 ? nsx_res(r) : "");
	if (r >= 0) {
		int c = nsx_await_task(name);
		long self = nsx_recv(c, "born")->v[0];
		int ns = nsx_ns_of(c);
		int top_level = nsx_ns_level(ns);
		printf("%s: getpid()=%ld", name, self);
		for (int l = top_level; l >= 0 && top_level - l < n; l--)
			printf(", %ld in %s", (long)nsx_nr_in(c, nsx_ns_at(c, l)),
			       nsx_ns_name(nsx_ns_at(c, l)));
		for (int l = top_level - n; l >= 0; l--)
			printf("%s%s", l == top_level - n ? "; not chosen in " : ", ",
			       nsx_ns_name(nsx_ns_at(c, l)));
	}
	printf("\n");
}

static void top_clone(const char *name, const char *ns, const long *tids, int n)
{
	long r = spawn3(name, ns, ns != NULL, tids, n);
	result("top", ns ? "CLONE_NEWPID" : "0", tids, n, r, name);
}

static void task_clone(int task, int which, const char *name, const char *flags, const long *tids,
                       int n)
{
	long r = nsx_do(task, do_clone, which | n << 8, tids[0], n > 1 ? tids[1] : 0)->v[0];
	result(nsx_task_name(task), flags, tids, n, r, name);
}

NSX_CASE(.family = "Namespace files and chosen numbers", .rows = "3.11");

int main(void)
{
	nsx_init("top", "outer");
	const char *lv = getenv("NSX_PIDNS_LEVEL");
	if (!lv)
		nsx_skip(
		        "needs nsxrun's fresh pid namespace: the numbers chosen here must be free");
	level = atoi(lv);

	printf("# clone3_set_tid: choosing a child's numbers with set_tid\n");
	top_clone("n1", "N", (long[]){1, 1500}, 2);
	top_clone("t1", NULL, (long[]){1600}, 1);
	top_clone("t2", NULL, (long[]){1600}, 1);
	top_clone("t3", "N9", (long[]){2, 1700}, 2);
	top_clone("t4", NULL, (long[]){0}, 1);
	long many[40];
	for (int k = 0; k < 40; k++)
		many[k] = k ? 1700 + k : 1;
	top_clone("t5", "N9", many, level + 3);
	top_clone("t6", "N9", many, 33);

	int n1 = nsx_find("n1");
	task_clone(n1, 0, "n2", "0", (long[]){7}, 1);
	task_clone(n1, 1, "n3", "0", (long[]){7}, 1);
	task_clone(n1, 1, "n3", "0", (long[]){8, 1800}, 2);

	int u = nsx_spawn_agent("u", NULL);
	printf("u enters a user namespace of its own: %s\n",
	       nsx_res(nsx_do(u, do_unshare, 0, 0, 0)->v[0]));
	task_clone(u, 2, "u0", "0", (long[]){1601}, 1);
	task_clone(u, 3, "u1", "CLONE_NEWPID", (long[]){1}, 1);
	task_clone(u, 4, "u2", "CLONE_NEWPID", (long[]){1, 1602}, 2);

	int a = nsx_spawn_agent("a", NULL);
	printf("a unshare(CLONE_NEWPID): %s\n", nsx_res(nsx_do(a, do_unshare, 1, 0, 0)->v[0]));
	task_clone(a, 5, "a1", "0", (long[]){5, 1900}, 2);
	task_clone(a, 6, "a2", "0", (long[]){1, 1901}, 2);
	nsx_exit();
}
