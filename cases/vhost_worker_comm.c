// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vhost_worker_comm - the worker thread vhost makes for a device's owner is
 * named "vhost-N", N the owner's global thread id: a container reads a number
 * of the initial namespace in its own thread list, as with io_uring's
 * iou-wrk-N (io_uring_pids).  Needs /dev/vhost-net (CONFIG_VHOST_NET: make
 * vm's own kernels have it built in, vm/config; Debian's cloud kernels load
 * it as a module, vm/modules) and access to it (root: devtmpfs makes it
 * 0600); skips otherwise.
 *
 * Tasks: top (namespace outer); c, the init of namespace inner, opens
 * /dev/vhost-net and makes itself its owner (VHOST_SET_OWNER).  top lists
 * c's threads and their names through outer's proc.  N is named as a number
 * read in outer: "unknown" is a number no task of the case has in any of its
 * namespaces, a number of the initial namespace, which outer is below.
 *
 * The golden lines and the kernel code behind them (drivers/vhost/vhost.c):
 *
 *   c opens /dev/vhost-net and calls VHOST_SET_OWNER: 0
 *     vhost_net_open(); vhost_net_ioctl() -> vhost_net_set_owner() ->
 *     vhost_dev_set_owner().
 *   c's threads: c, vhost-N (N is unknown), in the order of the thread list
 *   (proc_task_readdir(): first_tid(), next_tid())
 *     6.12.118 and 7.2.13: vhost_dev_set_owner() -> vhost_worker_create()
 *     names the worker snprintf("vhost-%d", current->pid), the owner's
 *     global number, and (dev->fork_owner, VHOST_FORK_OWNER_TASK by
 *     default) creates it with vhost_task_create() (kernel/vhost_task.c:
 *     copy_process() with CLONE_THREAD): a thread of c, listed in
 *     /proc/<c>/task with that name.
 *   6.1.192 (the variant vhost-kthread, expected/VARIANTS): c's threads: c
 *     vhost_dev_set_owner() makes the worker with kthread_create(...,
 *     "vhost-%d", current->pid): a kernel thread, a child of kthreadd in the
 *     initial namespace, in no thread group of the case.
 */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/vhost.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define DEV "/dev/vhost-net"

static void do_own(NSX_UNUSED const long *arg)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC);
	NSX_REPLY(fd < 0 || ioctl(fd, VHOST_SET_OWNER) < 0 ? -errno : 0);
}

NSX_CASE(.family = "Kernel threads, fault handlers and side channels", .rows = "27.26",
         .kconfig = "CONFIG_VHOST_MENU CONFIG_VHOST_NET", .variants = "vhost-kthread",
         .finding =
                 "So are the name of the worker thread vhost gives a device's owner (`vhost-N`: "
                 "`vhost_worker_create()`, `current->pid`; in 6.12.118 and 7.2.13 a thread in the "
                 "owner's own thread list), an ALSA timer client's `application N` in "
                 "/proc/asound/timers (`snd_timer_user_tselect()`) and the `pid` of a PPPoL2TP "
                 "socket's address (`pppol2tp_session_init()`): `vhost_worker_comm`, "
                 "`sound_timer_owner`, `l2tp_ppp_owner`.");

int main(void)
{
	nsx_init("top", "outer");
	if (access(DEV, F_OK))
		nsx_skip("no " DEV ": %s (CONFIG_VHOST_NET)", nsx_errname(errno));
	if (access(DEV, R_OK | W_OK))
		nsx_skip("no access to " DEV ": %s (root)", nsx_errname(errno));
	int c = nsx_spawn_agent("c", "inner");
	printf("# vhost_worker_comm: c (inner) owns a vhost-net device\n");
	long r = nsx_do(c, do_own, 0, 0, 0)->v[0];
	printf("c opens " DEV " and calls VHOST_SET_OWNER: %s\n", nsx_res(r));
	if (r)
		nsx_exit();

	/* The worker exists once the ioctl has returned: no wait. */
	long tid[8];
	char name[8][32];
	int n = nsx_threads(c, tid, name, 8);
	if (n < 1)
		nsx_fail("c's threads in outer's proc: %s", nsx_errname(errno));
	printf("c's threads:");
	for (int i = 0; i < n; i++) {
		const char *sep = i ? ", " : " ";
		if (tid[i] == nsx_pid(c))
			printf("%sc", sep);
		else if (!strncmp(name[i], "vhost-", 6))
			printf("%svhost-N (N is %s)", sep,
			       nsx_name(0, strtol(name[i] + 6, NULL, 10)));
		else
			printf("%sa thread named %s", sep, name[i]);
	}
	printf("\n");
	nsx_exit();
}
