// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pidfd_get_info - what PIDFD_GET_INFO(PIDFD_INFO_PID) answers for a task
 * inside, outside and beside the caller's pid namespace.  Skips on kernels
 * without PIDFD_GET_INFO (6.13); split from peer_pidfd so that the socket
 * pidfd lines (6.5) still run on 6.5..6.12.
 *
 * Tasks: top (namespace outer) spawns c, the init of namespace inner (c
 * spawns m, in inner), and s, the init of the sibling namespace sib.  Pidfds
 * reach the callers by pidfd_open() on a number they can name, or over
 * SCM_RIGHTS (top's own pidfd to c, top's pidfd for c to s).  Numbers print
 * as the task they denote in the caller's namespace.
 *
 * The golden lines and the kernel code behind them:
 *
 *   top on c: pid=c tgid=c ppid=top; top on m: pid=m ppid=c; c on m: pid=m
 *   ppid=c; c on itself: pid=c ppid=0
 *     fs/pidfs.c: pidfd_info() fills pid = task_pid_vnr(task), tgid =
 *     task_tgid_vnr(task) and ppid = task_ppid_nr_ns(task, NULL), all in the
 *     caller's active namespace; c's parent (top) has no number in inner, so
 *     its ppid is 0 and the call still succeeds (6.18).
 *   c on top (a pidfd it was given), s (sibling) on c: EREMOTE
 *     pidfd_info() refuses a task with no number in the caller's namespace.
 *     Versions differ here: the 6.13 fs/pidfs.c returns ESRCH (kinfo.pid ==
 *     0 || kinfo.tgid == 0), and also refuses a non-init task whose parent
 *     is invisible (ppid 0 and pid != 1), which c on itself does not hit
 *     (c is pid 1); the 6.18 stable series (about 6.18.14) answers EREMOTE
 *     for a task outside the caller's namespace, the errno LTP's
 *     ioctl_pidfd06 expects on newer kernels.  The golden file holds 6.18's
 *     answer: on 6.13 .. 6.18.13 these two lines read ESRCH.
 */
#include "nsx.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

/* include/uapi/linux/pidfd.h, first version (64 bytes) */
struct nsx_pidfd_info {
	uint64_t mask, cgroupid;
	uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	uint32_t spare0;
};
#define NSX_PIDFD_GET_INFO _IOWR(0xFF, 11, struct nsx_pidfd_info)
#define NSX_PIDFD_INFO_PID 1ULL

enum { OP_TAKE = 1, OP_INFO };
static int give[2];    /* SCM_RIGHTS: pidfds from top to c and s */
static int taken = -1; /* in c and s: the pidfd received */

/* PIDFD_GET_INFO on fd: out = {0 or -errno, pid, tgid, ppid}. */
static void info(int fd, long out[4])
{
	struct nsx_pidfd_info in = {.mask = NSX_PIDFD_INFO_PID};
	out[0] = ioctl(fd, NSX_PIDFD_GET_INFO, &in) ? -errno : 0;
	out[1] = in.pid;
	out[2] = in.tgid;
	out[3] = in.ppid;
}

static void handler(int op, const long *arg)
{
	long out[4];
	switch (op) {
	case OP_TAKE:
		NSX_REPLY(nsx_recv_fds(give[1], &taken, 1));
		break;
	case OP_INFO: /* arg: a number to pidfd_open(), or 0: the pidfd taken */
		info(arg[0] ? (int)syscall(SYS_pidfd_open, (pid_t)arg[0], 0) : taken, out);
		nsx_send_v("reply", out, 4);
		break;
	}
}

static int m_fn(void *arg)
{
	(void)arg;
	nsx_park();
}

static int init_fn(void *arg)
{
	if (arg)
		nsx_spawn("m", NULL, m_fn, NULL);
	nsx_serve(handler);
}

static void show(const char *what, int observer, const long *v)
{
	if (v[0] < 0)
		printf("%-30s %s\n", what, nsx_errname((int)-v[0]));
	else
		printf("%-30s pid=%s tgid=%s ppid=%s\n", what, nsx_name(observer, v[1]),
		       nsx_name(observer, v[2]), nsx_name(observer, v[3]));
}

/* Hand fd to task over SCM_RIGHTS. */
static void hand(int task, int fd)
{
	if (nsx_send_fds(give[0], &fd, 1) || nsx_call(task, OP_TAKE, 0, 0, 0)->v[0])
		nsx_fail("passing a pidfd to %s", nsx_table()->task[task].name);
}

int main(void)
{
	long v[4];
	nsx_init("top", "outer");

	int self = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (self < 0)
		nsx_fail("pidfd_open: %s", nsx_errname(errno));
	info(self, v);
	if (v[0] == -ENOTTY || v[0] == -EINVAL)
		nsx_skip("PIDFD_GET_INFO: %s: needs Linux 6.13", nsx_errname((int)-v[0]));
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, give))
		nsx_fail("socketpair: %s", nsx_errname(errno));

	int c = nsx_spawn("c", "inner", init_fn, "with m");
	int s = nsx_spawn("s", "sib", init_fn, NULL);
	int m = nsx_find("m"), inner = nsx_ns_of(c);
	int pfd_c = (int)syscall(SYS_pidfd_open, nsx_pid(c), 0);
	int pfd_m = (int)syscall(SYS_pidfd_open, nsx_pid(m), 0);
	if (pfd_c < 0 || pfd_m < 0)
		nsx_fail("pidfd_open: %s", nsx_errname(errno));

	printf("# pidfd_get_info: PIDFD_GET_INFO(PIDFD_INFO_PID), in the caller's namespace\n");
	info(pfd_c, v);
	show("top on c:", 0, v);
	info(pfd_m, v);
	show("top on m:", 0, v);
	show("c on m:", c, nsx_call(c, OP_INFO, nsx_nr_in(m, inner), 0, 0)->v);
	show("c on itself:", c, nsx_call(c, OP_INFO, 1, 0, 0)->v);
	hand(c, self);
	show("c on top (pidfd given):", c, nsx_call(c, OP_INFO, 0, 0, 0)->v);
	hand(s, pfd_c);
	show("s (sibling) on c:", s, nsx_call(s, OP_INFO, 0, 0, 0)->v);
	nsx_exit();
}
