// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ext4_journal_task - /sys/fs/ext4/<dev>/journal_task names the file
 * system's jbd2 journal thread in the reader's pid namespace: a kernel thread
 * lives in the initial namespace, so a reader in any other reads 0.  Needs
 * root in the initial user namespace (loop devices, an ext4 mount); skips
 * without loop devices (/dev/loop-control: CONFIG_BLK_DEV_LOOP, a module in
 * Debian's cloud kernels, which make vm's guest loads, vm/modules; make vm's
 * own kernels leave it and ext4 out), without mkfs.ext4 (e2fsprogs) or
 * without ext4.
 *
 * Tasks: top (namespace outer) makes a 4 MiB ext4 image with a journal in a
 * memfd (mkfs.ext4), attaches it read-only to a free loop device
 * (LOOP_CTL_GET_FREE, LOOP_CONFIGURE with LO_FLAGS_AUTOCLEAR) and mounts it
 * read-only in a mount namespace of its own; c, the init of namespace inner.
 * Both read journal_task; then top unmounts and the loop device goes away
 * with its last fd.
 *   A free number is no reservation: another loop-device user can take it
 * between the two calls.  drivers/block/loop.c: loop_control_get_free()
 * returns the first device in Lo_unbound (or adds one) and marks nothing;
 * loop_configure() then fails with EBUSY when bd_prepare_to_claim() finds
 * the device claimed or lo_state is no longer Lo_unbound; from 6.12 lo_open()
 * refuses (ENXIO) a device in Lo_rundown or Lo_deleting, one the other user
 * has already let go.  top then asks for another free number, as util-linux
 * does (libmount's loop setup: "device stolen...trying again"; losetup's
 * create_loop: EBUSY retried up to 64 times), at most LOOP_TRIES times in
 * all and without waiting: the number taken is no longer free, so each
 * attempt gets another (tools/loop-race-check.sh makes the race happen).
 *
 * The golden lines and the kernel code behind them (6.1.192):
 *
 *   top and c read journal_task: 0, 0
 *     fs/ext4/sysfs.c journal_task_show(): task_pid_vnr(sbi->s_journal->
 *     j_task), the reader's number; fs/jbd2/journal.c
 *     jbd2_journal_start_thread() starts j_task with kthread_run()
 *     ("jbd2/<dev>-8"), a child of kthreadd in the initial namespace (a
 *     read-only mount loads the journal too: ext4_load_journal() ->
 *     jbd2_journal_load() -> journal_reset()), which no child namespace can
 *     see: 0.  Seen from the initial namespace it is the thread's number.
 */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *dir; /* the file system is mounted here */

extern char **environ;

static char task_file[64];
static int loop_fd = -1, mounted;

/* journal_task as the caller reads it: {0 or -errno, the number}. */
static void do_read(NSX_UNUSED const long *arg)
{
	long v = 0, r = nsx_read_long(task_file, &v);
	NSX_REPLY(r, v);
}

static void clean(void)
{
	if (mounted)
		umount2(dir, 0);
	if (dir)
		rmdir(dir);
	if (loop_fd >= 0)
		close(loop_fd);
}

/* Attach img read-only (autoclear) to a free loop device: its number, its fd
 * in loop_fd.  Another user may take the free number first: ask again. */
enum { LOOP_TRIES = 16 };
static int attach(int ctl, int img)
{
	for (int i = 0; i < LOOP_TRIES; i++) {
		char dev[32];
		int n = NSX_TRY(ioctl(ctl, LOOP_CTL_GET_FREE));
		snprintf(dev, sizeof(dev), "/dev/loop%d", n);
		loop_fd = open(dev, O_RDONLY | O_CLOEXEC);
		if (loop_fd < 0 && errno == ENXIO)
			continue; /* released by its taker meanwhile (6.12 on) */
		if (loop_fd < 0)
			nsx_fail("open %s: %s", dev, nsx_errname(errno));
		struct loop_config cfg = {.fd = (unsigned)img,
		                          .info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR};
		if (!ioctl(loop_fd, LOOP_CONFIGURE, &cfg))
			return n;
		int e = errno;
		close(loop_fd);
		loop_fd = -1;
		if (e != EBUSY)
			nsx_fail("LOOP_CONFIGURE %s: %s", dev, nsx_errname(e));
	}
	nsx_fail("LOOP_CONFIGURE: EBUSY %d times: each free loop device was taken before it "
	         "could be configured",
	         LOOP_TRIES);
}

/* mkfs.ext4 on fd: 0, or why not as a skip reason. */
static const char *mkfs(int fd)
{
	char path[32];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	char *argv[] = {"mkfs.ext4", "-q", "-F", "-b",        "1024", "-J", "size=1",
	                "-N",        "16", "-E", "nodiscard", path,   NULL};
	pid_t p;
	int st;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	int e = posix_spawnp(&p, "mkfs.ext4", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (e)
		return "no mkfs.ext4 (e2fsprogs)";
	if (waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st))
		nsx_fail("mkfs.ext4 failed (status %#x)", st);
	return NULL;
}

NSX_CASE(.family = "Kernel threads, fault handlers and side channels", .rows = "27.17",
         .kconfig = "CONFIG_BLK_DEV_LOOP CONFIG_EXT4_FS", .root = "loop devices and an ext4 mount",
         .finding =
                 "Kernel threads are numbered for the reader, so they are 0 in any child "
                 "namespace: ext4's `journal_task` (`task_pid_vnr()` of the jbd2 thread) and a "
                 "threaded NAPI's NETDEV_A_NAPI_PID (`task_pid_nr_ns()`), where nbd's "
                 "`/sys/block/nbdX/pid` (`task_pid_nr()`, the serving task), DAMON's kdamond `pid` "
                 "and tracefs (set_event_pid as input, every record's pid) are global numbers "
                 "whoever reads them: `ext4_journal_task`, `napi_thread_pid`, `nbd_pids`, "
                 "`damon_sysfs_pids`, `ftrace_pids`.");

int main(void)
{
	nsx_init("top", "outer");
	int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		nsx_skip("no /dev/loop-control: %s (CONFIG_BLK_DEV_LOOP)", nsx_errname(errno));
	int img = (int)NSX_TRY(memfd_create("nsxlate-ext4", 0));
	NSX_TRY(ftruncate(img, 4 << 20));
	const char *why = mkfs(img);
	if (why)
		nsx_skip("%s", why);
	NSX_TRY(unshare(CLONE_NEWNS));
	NSX_TRY(mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL));
	atexit(clean);
	int n = attach(ctl, img);
	close(ctl);
	close(img);
	dir = nsx_mount_dir("ext4");
	if (mount(nsx_fmt("/dev/loop%d", n), dir, "ext4", MS_RDONLY, NULL))
		nsx_skip("mount -t ext4: %s (CONFIG_EXT4_FS)", nsx_errname(errno));
	mounted = 1;
	snprintf(task_file, sizeof(task_file), "/sys/fs/ext4/loop%d/journal_task", n);
	int who[2] = {0, nsx_scene(0).c};
	printf("# ext4_journal_task: journal_task names the jbd2 thread in the reader's "
	       "namespace\n");
	for (int k = 0; k < 2; k++) {
		const long *v = nsx_by(who[k], do_read, 0, 0, 0)->v;
		printf("%-3s reads journal_task: %s\n", nsx_task_name(who[k]),
		       v[0] < 0 ? nsx_res(v[0]) : nsx_name(who[k], v[1]));
	}
	nsx_exit();
}
