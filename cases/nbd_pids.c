// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nbd_pids - the network block device's /sys/block/nbd0/pid names the task
 * serving the device (the one in NBD_DO_IT) by its global thread id, to a
 * reader in any pid namespace.  Guest only: nbd0 is a machine-wide device
 * (NSX_CASE .guest); needs root in the initial user namespace (the nbd
 * ioctls check capable(CAP_SYS_ADMIN)); skips where there is no /dev/nbd0
 * (CONFIG_BLK_DEV_NBD: make vm's own kernels have it built in, vm/config;
 * Debian's cloud kernels have it as a module, which the guest loads,
 * vm/modules).
 *
 * Tasks: top (namespace outer) holds the server's end of an AF_UNIX socket
 * pair and never answers; c, the init of namespace inner, gives the other end
 * to nbd0 (NBD_SET_SOCK, NBD_SET_SIZE) and sits in NBD_DO_IT; c2 (inner)
 * reads for c meanwhile.  top reads the
 * pid file once c is asleep in that ioctl (per /proc/<c>/syscall and state S:
 * nbd_start_device() sets the pid before the interruptible wait, and its
 * other sleeps are uninterruptible), then closes its end, which ends
 * NBD_DO_IT.  "unknown" is a number no task in the case's namespaces has: a
 * number of the initial namespace, which the case's outer is below.
 *
 * The golden lines and the kernel code behind them (drivers/block/nbd.c,
 * 6.1.192):
 *
 *   c: NBD_SET_SOCK and NBD_SET_SIZE succeed
 *     __nbd_ioctl() -> nbd_add_socket() (an AF_UNIX stream socket has a
 *     shutdown op, which nbd_get_socket() requires), nbd_set_size().
 *   top and c2 read nbd0's pid: unknown, unknown (the same global number)
 *     nbd_start_device(): nbd->pid = task_pid_nr(current), the global
 *     number of the task in NBD_DO_IT; pid_show() prints it with "%d",
 *     untranslated, whoever reads (sysfs has no pid namespace).
 *   c: NBD_DO_IT returns 0 once top closed its end
 *     recv_work() ends on the socket's EOF, the last receive thread wakes
 *     nbd_start_device_ioctl()'s wait_event_interruptible() with 0, and
 *     neither NBD_RT_TIMEDOUT nor an error replaces it.
 *   c closes nbd0; top reads the pid file: ENOENT
 *     nbd_release() -> nbd_config_put(): the last reference to the
 *     configuration gone, device_remove_file(pid_attr), nbd->pid = 0.
 */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nbd.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DEV  "/dev/nbd0"
#define PIDF "/sys/block/nbd0/pid"

static int sv[2] = {-1, -1};
static int nbd = -1;

static void do_setup(const long *arg NSX_UNUSED)
{
	nbd = open(DEV, O_RDWR | O_CLOEXEC);
	long r = nbd < 0 ? -errno : nsx_rc(ioctl(nbd, NBD_SET_SOCK, sv[0]));
	NSX_REPLY(r ? r : nsx_rc(ioctl(nbd, NBD_SET_SIZE, 1UL << 20)), nbd);
}

static void do_doit(const long *arg NSX_UNUSED)
{
	NSX_REPLY(ioctl(nbd, NBD_DO_IT) < 0 ? -errno : 0);
}

/* The pid file: {result, number}. */
static void do_read(const long *arg NSX_UNUSED)
{
	long v = 0, r = nsx_read_long(PIDF, &v);
	NSX_REPLY(r, v);
}

static void do_close(const long *arg NSX_UNUSED)
{
	NSX_REPLY(close(nbd) ? -errno : 0);
}

static int c_fn(void *arg NSX_UNUSED)
{
	close(sv[1]);
	nsx_spawn_agent("c2", NULL);
	NSX_SEND("up", 1);
	nsx_serve();
}

/* The pid file as observer reads it. */
static void show(int observer)
{
	const long *o = nsx_by(observer, do_read, 0, 0, 0)->v;
	printf("%-3s reads nbd0's pid: %s\n", nsx_task_name(observer),
	       o[0] < 0 ? nsx_res(o[0]) : nsx_name(observer, o[1]));
}

NSX_CASE(.family = "Device drivers", .rows = "27.13", .kconfig = "CONFIG_BLK_DEV_NBD",
         .guest = "uses /dev/nbd0, a machine-wide device", .root = "the nbd ioctls");

int main(void)
{
	nsx_init("top", "outer");
	if (access(DEV, F_OK))
		nsx_skip("no " DEV ": %s (CONFIG_BLK_DEV_NBD)", nsx_errname(errno));
	NSX_TRY(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	int c = nsx_spawn("c", "inner", c_fn, NULL);
	nsx_recv(c, "up");
	close(sv[0]);
	printf("# nbd_pids: /sys/block/nbd0/pid is the global number of the task in "
	       "NBD_DO_IT\n");
	const struct nsx_msg *m = nsx_do(c, do_setup, 0, 0, 0);
	printf("c   NBD_SET_SOCK, NBD_SET_SIZE: %s\n", nsx_res(m->v[0]));
	if (m->v[0] < 0)
		nsx_exit();
	long fd = m->v[1];
	nsx_ask(c, do_doit, 0, 0, 0);
	NSX_TRY_NEG(nsx_await_syscall(c, SYS_ioctl, (unsigned long)fd)); /* in NBD_DO_IT */
	show(0);
	show(nsx_find("c2"));
	close(sv[1]);
	printf("c   NBD_DO_IT returns once top closed its end: %s\n",
	       nsx_res(nsx_recv(c, "reply")->v[0]));
	printf("c   closes nbd0: %s\n", nsx_res(nsx_do(c, do_close, 0, 0, 0)->v[0]));
	show(0);
	nsx_exit();
}
