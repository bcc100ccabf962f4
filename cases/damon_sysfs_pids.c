// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * damon_sysfs_pids - DAMON's sysfs interface (/sys/kernel/mm/damon/admin):
 * a target's pid_target is a bare number, kept and shown as written; it is
 * looked up when the kdamond is turned on, in the pid namespace of whoever
 * writes "on"; the kdamond's own pid file is its global number.  (A
 * "commit" to a running kdamond looks it up again in the kdamond thread,
 * the initial namespace: not pinned by this case: docs/findings.md.)
 * Guest only: DAMON's kdamonds are the machine's (NSX_CASE .guest);
 * needs root in the initial user namespace (the files are 0600 root);
 * skips without the interface (CONFIG_DAMON_SYSFS) or virtual address
 * monitoring (CONFIG_DAMON_VADDR: its "vaddr" operations).  Everything it
 * set is set back to 0 before the case ends.  Where DAMON_STAT runs
 * (CONFIG_DAMON_STAT_ENABLED_DEFAULT: Debian's 7.2 and 7.3 kernels),
 * mm/damon/stat.c damon_stat_init() has started an exclusive kdamond at
 * boot, and mm/damon/core.c damon_start() refuses every non-exclusive start
 * while it runs (-EBUSY: `!exclusive && running_exclusive_ctxs`): the case
 * writes N to /sys/module/damon_stat/parameters/enabled first
 * (damon_stat_enabled_store() -> damon_stat_stop() -> damon_stop(), which
 * waits for the kdamond to end) and Y again at its end.
 *
 * Tasks: top (namespace outer); c, the init of namespace inner, and c2
 * (inner), the monitored task.  Numbers print as the reader names them: a
 * number of inner read in outer is "<task>@inner" (the right task seen from
 * the wrong namespace), a global number "unknown".
 *
 * The golden lines and the kernel code behind them (mm/damon/sysfs.c,
 * 6.1.192; the same functions in 6.12.117):
 *
 *   c writes pid_target = c2's number in inner; top and c read it back:
 *   c2@inner, c2 (the same bare number)
 *     pid_target_store(): kstrtoint() into sys_target->pid;
 *     pid_target_show(): sysfs_emit("%d") of it.  No translation either way.
 *   top writes "on": EINVAL; c writes "on": 0
 *     state_store() -> damon_sysfs_turn_damon_on() ->
 *     damon_sysfs_build_ctx() -> damon_sysfs_add_target(): t->pid =
 *     find_get_pid(sys_target->pid), the *writer's* namespace; no such task
 *     there: -EINVAL.
 *   kdamonds/0/pid, read by top and c: unknown, unknown
 *     pid_show(): ctx->kdamond->pid, the kthread's global number, untranslated
 *     (-1 when no kdamond runs).
 *   c writes "off": 0; the pid file then: -1
 */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define ADMIN "/sys/kernel/mm/damon/admin/kdamonds"
#define KD    ADMIN "/0"
#define CTX   KD "/contexts/0"
#define TGT   CTX "/targets/0"

static const char *const files[] = {TGT "/pid_target", KD "/state", KD "/pid"};

/* Write to files[arg[0]]: the number arg[1] (pid_target), or "on" or "off". */
static void do_write(const long *arg)
{
	if (arg[0] == 0)
		NSX_REPLY(nsx_write_text(AT_FDCWD, files[0], "%ld", arg[1]));
	else
		NSX_REPLY(nsx_write_text(AT_FDCWD, files[arg[0]], "%s", arg[1] ? "on" : "off"));
}

/* files[arg[0]] as the caller reads it: {result, the number}. */
static void do_read(const long *arg)
{
	long v = 0, r = nsx_read_long(files[arg[0]], &v);
	NSX_REPLY(r, v);
}

#define STAT "/sys/module/damon_stat/parameters/enabled"

static int set_up, stat_was_on;

static void clean(void)
{
	if (set_up) {
		nsx_write_text(AT_FDCWD, KD "/state", "off");
		nsx_write_text(AT_FDCWD, CTX "/targets/nr_targets", "0");
		nsx_write_text(AT_FDCWD, KD "/contexts/nr_contexts", "0");
		nsx_write_text(AT_FDCWD, ADMIN "/nr_kdamonds", "0");
	}
	if (stat_was_on)
		nsx_write_text(AT_FDCWD, STAT, "Y");
}

/* files[f] (what) as observer reads it. */
static void show(int observer, const char *what, int f)
{
	const long *o = nsx_by(observer, do_read, f, 0, 0)->v;
	printf("%-3s reads %s: %s\n", nsx_task_name(observer), what,
	       o[0] < 0     ? nsx_res(o[0])
	       : o[1] == -1 ? "-1"
	                    : nsx_name(observer, o[1]));
}

NSX_CASE(.family = "Kernel threads, fault handlers and side channels", .rows = "27.21 27.22",
         .kconfig = "CONFIG_DAMON_SYSFS CONFIG_DAMON_VADDR",
         .guest = "starts a DAMON kdamond, which is the machine's", .root = "DAMON's sysfs files");

int main(void)
{
	nsx_init("top", "outer");
	if (access(ADMIN, F_OK))
		nsx_skip("no DAMON sysfs interface: " ADMIN ": %s (CONFIG_DAMON_SYSFS)",
		         nsx_errname(errno));
	/* DAMON_STAT's exclusive kdamond refuses every other start: off for
	 * the case's run, on again at its end (clean()). */
	char st[8];
	atexit(clean);
	if (nsx_read_text(AT_FDCWD, STAT, st, sizeof(st)) > 0 && st[0] == 'Y') {
		stat_was_on = 1;
		NSX_TRY_NEG(nsx_write_text(AT_FDCWD, STAT, "N"));
	}
	long r = nsx_write_text(AT_FDCWD, ADMIN "/nr_kdamonds", "1");
	if (r)
		nsx_skip("nr_kdamonds: %s (another DAMON user?)", nsx_errname((int)-r));
	set_up = 1;
	NSX_TRY_NEG(nsx_write_text(AT_FDCWD, KD "/contexts/nr_contexts", "1"));
	NSX_TRY_NEG(nsx_write_text(AT_FDCWD, CTX "/targets/nr_targets", "1"));
	if ((r = nsx_write_text(AT_FDCWD, CTX "/operations", "vaddr")))
		nsx_skip("no vaddr operations: %s (CONFIG_DAMON_VADDR)", nsx_errname((int)-r));
	struct nsx_scene s = nsx_scene(NSX_SCENE_PARKED);
	int c = s.c, c2 = s.c2, inner = s.inner;
	printf("# damon_sysfs_pids: pid_target is a bare number, looked up by whoever turns "
	       "DAMON on; a kdamond's pid is global\n");
	printf("c   writes pid_target %s: %s\n", nsx_name(c, nsx_nr_in(c2, inner)),
	       nsx_res(nsx_do(c, do_write, 0, nsx_nr_in(c2, inner), 0)->v[0]));
	show(0, "pid_target", 0);
	show(c, "pid_target", 0);
	printf("top writes on: %s\n", nsx_res(nsx_by(0, do_write, 1, 1, 0)->v[0]));
	printf("c   writes on: %s\n", nsx_res(nsx_do(c, do_write, 1, 1, 0)->v[0]));
	show(0, "kdamonds/0/pid", 2);
	show(c, "kdamonds/0/pid", 2);
	printf("c   writes off: %s\n", nsx_res(nsx_do(c, do_write, 1, 0, 0)->v[0]));
	show(0, "kdamonds/0/pid", 2);
	clean();
	set_up = 0;
	nsx_exit();
}
