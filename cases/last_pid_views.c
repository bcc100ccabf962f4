// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * last_pid_views - the last pid a namespace allocated, as /proc/loadavg's
 * last field and /proc/sys/kernel/ns_last_pid show it to readers in
 * different pid namespaces, through different proc mounts.
 *
 * Tasks: top (namespace outer) spawns i, the init of namespace inner; i
 * mounts a proc of inner over /proc (keeping the case's outer proc open) and
 * spawns x (inner): the last task inner allocates.  top then spawns y
 * (outer): the last task outer allocates (y has no number in inner).  Each
 * value prints as the task it denotes in the reader's namespace.
 *
 * The golden lines and the kernel code behind them:
 *
 *   top reads /proc/loadavg: y; i reads it through outer's proc and through
 *   inner's: x both times
 *     fs/proc/loadavg.c: loadavg_proc_show() prints
 *     idr_get_cursor(&task_active_pid_ns(current)->idr) - 1: the *reader's*
 *     namespace, whatever proc mount the file is read through.  The
 *     per-process files (/proc/<pid>/status, stat, ...) follow the mount
 *     (proc_pid_ns(sb), pid_views, proc_fields); this one follows the reader.
 *   top reads ns_last_pid: y; i reads it through either proc: x
 *     kernel/pid_namespace.c: pid_ns_ctl_handler() reads the same cursor of
 *     task_active_pid_ns(current): the reader's namespace too.
 */
#include "nsx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int inner_proc = -1; /* in i: inner's proc mount */

/* The last pid from loadavg (which 0) or ns_last_pid (which 1) read
 * through the proc mount pfd; -1 when unreadable. */
static long last_pid(int pfd, int which)
{
	char buf[256];
	if (nsx_read_text(pfd, which ? "sys/kernel/ns_last_pid" : "loadavg", buf, sizeof(buf)) <= 0)
		return -1;
	if (which)
		return atol(buf);
	char *p = strrchr(buf, ' '); /* "... r/t last\n" */
	return p ? atol(p + 1) : -1;
}

static void do_read(const long *arg NSX_UNUSED)
{
	NSX_REPLY(last_pid(nsx_procfd(), 0), last_pid(inner_proc, 0), last_pid(nsx_procfd(), 1),
	          last_pid(inner_proc, 1));
}

/* i: a proc of its own namespace, then fork x */
static void do_setup(const long *arg NSX_UNUSED)
{
	inner_proc = nsx_own_proc();
	NSX_REPLY(nsx_spawn("x", NULL, nsx_parked, NULL));
}

NSX_CASE(.family = "A task's own numbers and /proc", .rows = "7.7 7.8",
         .finding = "`/proc/loadavg`'s last field and `/proc/sys/kernel/ns_last_pid` follow the "
                    "*reader's* pid namespace (`loadavg_proc_show()`, `pid_ns_ctl_handler()`: "
                    "`task_active_pid_ns(current)`), while the per-process files "
                    "(`/proc/<pid>/status`, `stat`, `task/`, `children`, `timers`, `sched`) follow "
                    "the proc mount (`proc_pid_ns()` of the superblock): `last_pid_views`. Other "
                    "/proc files have their own rules: `/proc/sysvipc/*` the opener's namespace, "
                    "autofs' `pgrp=` and ALSA's `owner_pid` the reader's, `cad_pid` the reader's, "
                    "io_uring's `iou-*` thread names global (the map, `docs/pid-exports.md`, says "
                    "which for each). From 6.14 `/proc/sys/kernel/pid_max` is per namespace and "
                    "likewise the reader's (`pid_table_root_lookup()`): `pid_max_ns`.");

int main(void)
{
	nsx_init("top", "outer");
	int i = nsx_spawn_agent("i", "inner");
	nsx_do(i, do_setup, 0, 0, 0);
	nsx_spawn("y", NULL, nsx_parked, NULL);
	int inner = nsx_ns_of(i);
	printf("# last_pid_views: the last pid allocated, by reader and by proc mount\n");
	const struct nsx_msg *m = nsx_by(0, do_read, 0, 0, 0); /* top has no inner proc */
	printf("top reads outer's proc:  loadavg last=%s ns_last_pid=%s\n", nsx_name(0, m->v[0]),
	       nsx_name(0, m->v[2]));
	m = nsx_do(i, do_read, 0, 0, 0);
	printf("i reads outer's proc:    loadavg last=%s ns_last_pid=%s\n",
	       nsx_name_ns(inner, m->v[0]), nsx_name_ns(inner, m->v[2]));
	printf("i reads inner's proc:    loadavg last=%s ns_last_pid=%s\n",
	       nsx_name_ns(inner, m->v[1]), nsx_name_ns(inner, m->v[3]));
	nsx_exit();
}
