// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * damon_target_ids - DAMON's debugfs interface (damon/target_ids): the pids
 * written are looked up in the writer's pid namespace, and read back in the
 * reader's.  Guest only: the interface is one monitoring context for the
 * whole machine (NSX_CASE .guest); needs root in the initial user
 * namespace (debugfs); skips where the kernel has no DAMON debugfs interface
 * (CONFIG_DAMON_DBGFS, deprecated from 6.9: make vm's own 6.1 kernel has it,
 * vm/config).  The targets are cleared again before the case ends.
 *
 * Tasks: top (namespace outer) mounts debugfs in a mount namespace of its
 * own; c, the init of namespace inner, and c2 (inner).
 *
 * The golden lines and the kernel code behind them (mm/damon/dbgfs.c,
 * 6.1.192):
 *
 *   c writes c2's number in inner: accepted; read back by top: c2 (outer's
 *   number), by c: c2
 *     dbgfs_target_ids_write() -> str_to_pids(): find_get_pid(), the
 *     writer's namespace, kept as struct pids; sprint_target_ids() prints
 *     pid_vnr(t->pid), the reader's.
 *   c writes top's number in outer: ENOMEM (no such task in inner:
 *   str_to_pids() returns NULL and the write reports -ENOMEM)
 */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char ids[128]; /* its damon/target_ids */

static void do_write(const long *arg)
{
	NSX_REPLY(nsx_write_text(AT_FDCWD, ids, "%ld", arg[0]));
}

/* Up to 4 numbers read back: {count (or -errno), the numbers}. */
static void do_read(NSX_UNUSED const long *arg)
{
	long v[5] = {0};
	v[0] = nsx_read_numbers(AT_FDCWD, ids, v + 1, 4);
	nsx_send_v("reply", v, 5);
}

static void show(int reader)
{
	printf("%-3s reads target_ids:%s\n", nsx_task_name(reader),
	       nsx_name_list(reader, nsx_by(reader, do_read, 0, 0, 0)->v));
}

static int set;

static void clean(void)
{
	if (set)
		nsx_write_text(AT_FDCWD, ids, "%s", "");
	set = 0;
}

NSX_CASE(.family = "Kernel threads, fault handlers and side channels", .rows = "27.12",
         .kconfig = "CONFIG_DAMON_DBGFS",
         .guest = "sets DAMON's one debugfs monitoring context, which is machine-wide",
         .root = "debugfs",
         .finding =
                 "DAMON's debugfs `target_ids` reports a number it cannot find as ENOMEM "
                 "(`str_to_pids()` returns NULL): `damon_target_ids`. Its sysfs interface keeps "
                 "`pid_target` as a bare number and looks it up when the kdamond is turned on, in "
                 "the namespace of whoever writes `on` to `state` (`damon_sysfs_add_target()`: "
                 "`find_get_pid()`); the same number written by one namespace and switched on by "
                 "another monitors a different task, or fails with EINVAL: `damon_sysfs_pids` "
                 "(guest only). Writing `commit` to a running kdamond's `state` looks it up again, "
                 "in the kdamond thread, so in the initial namespace whoever writes it (6.1: "
                 "`damon_sysfs_cmd_request_callback()` -> `damon_sysfs_update_target_pid()`; 6.12: "
                 "`damon_sysfs_commit_input()` -> `damon_sysfs_build_ctx()`; 7.2 the same, called "
                 "through `damon_call()`); not pinned: 6.1 and 6.12 hand the command to the "
                 "kdamond and poll for its end every 100 ms (`damon_sysfs_handle_cmd()`: "
                 "`schedule_timeout_idle()`), and a failed lookup there ends the kdamond later, "
                 "not the write.");

int main(void)
{
	nsx_init("top", "outer");
	const char *dir = nsx_mount_fs("debugfs", NULL, "CONFIG_DEBUG_FS");
	snprintf(ids, sizeof(ids), "%s/damon/target_ids", dir);
	if (access(ids, F_OK))
		nsx_skip("no DAMON debugfs interface: %s (CONFIG_DAMON_DBGFS)", nsx_errname(errno));
	set = 1;
	atexit(clean);
	struct nsx_scene s = nsx_scene(NSX_SCENE_PARKED);
	int c = s.c, c2 = s.c2, inner = s.inner;
	printf("# damon_target_ids: target_ids takes the writer's numbers and shows the "
	       "reader's\n");
	printf("c   writes %s: %s\n", nsx_name(c, nsx_nr_in(c2, inner)),
	       nsx_res(nsx_do(c, do_write, nsx_nr_in(c2, inner), 0, 0)->v[0]));
	show(0);
	show(c);
	printf("c   writes %s: %s\n", nsx_name(c, nsx_pid(0)),
	       nsx_res(nsx_do(c, do_write, nsx_pid(0), 0, 0)->v[0]));
	clean();
	nsx_exit();
}
