// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * proc_sched - the pid in /proc/<pid>/sched's first line, read through the
 * outer and the inner proc mount.  The file exists with CONFIG_SCHED_DEBUG
 * (the case skips without it).
 *
 * Tasks: top (namespace outer); c, the init of namespace inner, which mounts
 * a proc of its own, and c2 (inner) with a second thread.  top reads c2's
 * file through outer's proc, c through inner's and through outer's (the
 * case's proc, inherited).  The number prints as the task it denotes in the
 * mount's namespace.
 *
 * The golden lines and the kernel code behind them:
 *
 *   "kid (N, #threads: 2)": N = c2 for every reader, numbered for the mount
 *     fs/proc/base.c: sched_show() passes proc_pid_ns(inode->i_sb) to
 *     kernel/sched/debug.c: proc_sched_show_task(), which prints
 *     task_pid_nr_ns(p, ns): the proc mount decides, not the reader.
 *     (numa_group_id, printed there with CONFIG_NUMA_BALANCING only, is the
 *     global Ngid: proc_fields.)
 */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static int own_proc = -1;

/* {result, the number in the first line, #threads}. */
static void sched_line(int dirfd, long nr, long *o)
{
	char buf[256], comm[32] = "";
	long n = nsx_read_text(dirfd, nsx_fmt("%ld/sched", nr), buf, sizeof(buf));
	o[0] = n < 0 ? n : 0;
	o[1] = o[2] = -1;
	if (!o[0] && sscanf(buf, "%31s (%ld, #threads: %ld)", comm, &o[1], &o[2]) != 3)
		o[0] = -EIO;
	o[3] = !strcmp(comm, "kid");
}

static void do_read(const long *arg)
{
	long o[4];
	sched_line(arg[0] ? own_proc : nsx_procfd(), arg[1], o);
	NSX_REPLY(o[0], o[1], o[2], o[3]);
}

static int c2_fn(NSX_UNUSED void *arg)
{
	prctl(PR_SET_NAME, "kid");
	nsx_thread("c2t", nsx_parked, NULL);
	NSX_SEND("up", 1);
	nsx_park();
}

static int c_fn(NSX_UNUSED void *arg)
{
	own_proc = nsx_own_proc();
	nsx_spawn("c2", NULL, c2_fn, NULL);
	nsx_serve();
}

static void show(const char *how, int reader, int mount_ns, const long *o)
{
	if (o[0])
		printf("%-32s %s\n", how, nsx_res(o[0]));
	else
		printf("%-32s %s (%s, #threads: %ld)\n", how, o[3] ? "kid" : "another comm",
		       nsx_name_ns(mount_ns, o[1]), o[2]);
	(void)reader;
}

NSX_CASE(.family = "A task's own numbers and /proc", .rows = "6.19",
         .kconfig = "CONFIG_DEBUG_KERNEL CONFIG_DEBUG_FS CONFIG_SCHED_DEBUG");

int main(void)
{
	long o[4];
	nsx_init("top", "outer");
	int f = openat(nsx_procfd(), "self/sched", O_RDONLY | O_CLOEXEC);
	if (f < 0)
		nsx_skip("/proc/self/sched: %s: needs CONFIG_SCHED_DEBUG", nsx_errname(errno));
	close(f);
	int c = nsx_spawn("c", "inner", c_fn, NULL);
	nsx_recv(-1, "up");
	int c2 = nsx_find("c2"), inner = nsx_ns_of(c), outer = nsx_ns_of(0);

	printf("# proc_sched: /proc/<pid>/sched's first line for c2 (inner)\n");
	sched_line(nsx_procfd(), nsx_pid(c2), o);
	show("top through outer's proc:", 0, outer, o);
	show("c through inner's proc:", c, inner,
	     nsx_do(c, do_read, 1, nsx_nr_in(c2, inner), 0)->v);
	show("c through outer's proc:", c, outer, nsx_do(c, do_read, 0, nsx_pid(c2), 0)->v);
	nsx_exit();
}
