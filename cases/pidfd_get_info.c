// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pidfd_get_info - what PIDFD_GET_INFO(PIDFD_INFO_PID) answers for a task
 * inside, outside and beside the caller's pid namespace.  Skips on kernels
 * without PIDFD_GET_INFO (6.13); split from peer_pidfd so that the socket
 * pidfd lines (6.5) still run on 6.5..6.12.
 *
 * Tasks: top (namespace outer) spawns c, the init of namespace inner (c
 * spawns m, in inner), s, the init of the sibling namespace sib, and u and
 * x, in outer, each in a user namespace of its own (u's maps its uid 100 and
 * gid 200 to top's 0; x's maps nothing).  Every task runs as top's uid and
 * gid 0.  Pidfds reach the callers by pidfd_open() on a number they can
 * name, or over SCM_RIGHTS (top's own pidfd to c, top's pidfd for c to s).
 * Numbers print as the task they denote in the caller's namespace.  Each
 * answer prints on two lines: the pids, then the eight ids, the cgroup id
 * compared with the caller's own ("caller's": the same), and the mask of
 * fields the kernel says it filled.
 *
 * The golden lines and the kernel code behind them:
 *
 *   top on c: pid=c tgid=c ppid=top; top on m: pid=m ppid=c; c on m: pid=m
 *   ppid=c; c on itself: pid=c ppid=0
 *     fs/pidfs.c: pidfd_info() fills pid = task_pid_vnr(task), tgid =
 *     task_tgid_vnr(task) and ppid = task_ppid_nr_ns(task, NULL), all in the
 *     caller's active namespace; c's parent (top) has no number in inner, so
 *     its ppid is 0 and the call still succeeds (6.18).
 *   every answer: mask=PID|CREDS|CGROUPID, cgroup=caller's
 *     pidfd_info() fills the credentials and (CONFIG_CGROUPS) the cgroup id
 *     "unconditionally", whatever mask asked for, and says so in the mask
 *     it returns; every task here is in the runner's cgroup.
 *   top on c, m, u and c on m, itself: uid and gid 0 in all eight fields;
 *   u on itself and on c: 100 and 200; x on c: 65534 (overflowuid/gid)
 *     from_kuid_munged(current_user_ns(), cred->uid) and the like: the
 *     target's ids are read in the *caller's* user namespace.  Every task's
 *     kuid is top's 0, which u's namespace maps to 100/200 and x's does not
 *     map at all (munged to the overflow ids).  Like the pids, the ids follow
 *     the caller, not the target.
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
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "pidfd_info.h"

static int give[2];    /* SCM_RIGHTS: pidfds from top to the other tasks */
static int taken = -1; /* in the other tasks: the pidfd received */

/* What one PIDFD_GET_INFO answered, as message values: the result, pid,
 * tgid, ppid, the uids r/e/s/fs, the gids r/e/s/fs, cgroup, mask. */
enum { I_RC, I_PID, I_TGID, I_PPID, I_UID, I_GID = I_UID + 4, I_CGROUP = I_GID + 4, I_MASK, I_N };

static long get_info(int fd, struct nsx_pidfd_info *in)
{
	*in = (struct nsx_pidfd_info){.mask = NSX_PIDFD_INFO_PID};
	return ioctl(fd, NSX_PIDFD_GET_INFO, in) ? -errno : 0;
}

/* PIDFD_GET_INFO on fd; the cgroup id is compared with the caller's own
 * (1: the same, 2: another, 0: none given). */
static void info(int fd, long out[I_N])
{
	struct nsx_pidfd_info in, me;
	int self = (int)syscall(SYS_pidfd_open, getpid(), 0);
	long own = self >= 0 && get_info(self, &me) == 0 ? (long)me.cgroupid : -1;
	if (self >= 0)
		close(self);
	out[I_RC] = get_info(fd, &in);
	long v[] = {in.pid,   in.tgid, in.ppid, in.ruid, in.euid, in.suid,
	            in.fsuid, in.rgid, in.egid, in.sgid, in.fsgid};
	for (int i = 0; i < 11; i++)
		out[I_PID + i] = v[i];
	out[I_CGROUP] = in.cgroupid == 0 ? 0 : (long)in.cgroupid == own ? 1 : 2;
	out[I_MASK] = (long)in.mask;
}

static void do_take(const long *arg NSX_UNUSED)
{
	NSX_REPLY(nsx_recv_fds(give[1], &taken, 1));
}

static void do_info(const long *arg)
{
	long out[I_N];
	/* arg: a number to pidfd_open(), or 0: the pidfd taken */
	info(arg[0] ? (int)syscall(SYS_pidfd_open, (pid_t)arg[0], 0) : taken, out);
	nsx_send_v("reply", out, I_N);
}

/* c forks m; u and x, in outer's pid namespace, each make a user namespace
 * of their own: u's maps its uid 100 and gid 200 to top's 0, x's nothing. */
static void do_setup(const long *arg)
{
	if (arg[0] == 'c')
		nsx_spawn("m", NULL, nsx_parked, NULL);
	else
		NSX_TRY_ERR(-nsx_new_userns(arg[0] == 'u' ? "100 0 1\n" : NULL,
		                            arg[0] == 'u' ? "200 0 1\n" : NULL));
	NSX_REPLY(0);
}

static const char *mask_str(unsigned long m)
{
	static const char *const bit[] = {"PID", "CREDS", "CGROUPID", "EXIT", "COREDUMP"};
	char *b = nsx_strbuf();
	size_t off = 0;
	for (int i = 0; i < 64; i++)
		if (m & (1UL << i))
			off += (size_t)snprintf(b + off, 96 - off, "%s%s", off ? "|" : "",
			                        i < 5 ? bit[i] : "?");
	return off ? b : "0";
}

static void show(const char *what, int observer, const long *v)
{
	if (v[I_RC] < 0) {
		printf("%-26s %s\n", what, nsx_errname((int)-v[I_RC]));
		return;
	}
	static const char *const cg[] = {"none", "caller's", "another"};
	printf("%-26s pid=%s tgid=%s ppid=%s\n", what, nsx_name(observer, v[I_PID]),
	       nsx_name(observer, v[I_TGID]), nsx_name(observer, v[I_PPID]));
	printf("%-26s uid r/e/s/fs=%ld/%ld/%ld/%ld gid r/e/s/fs=%ld/%ld/%ld/%ld cgroup=%s "
	       "mask=%s\n",
	       "", v[I_UID], v[I_UID + 1], v[I_UID + 2], v[I_UID + 3], v[I_GID], v[I_GID + 1],
	       v[I_GID + 2], v[I_GID + 3], cg[v[I_CGROUP]], mask_str((unsigned long)v[I_MASK]));
}

/* Hand fd to task over SCM_RIGHTS. */
static void hand(int task, int fd)
{
	NSX_TRY_NEG(nsx_send_fds(give[0], &fd, 1));
	NSX_TRY_NEG(nsx_do(task, do_take, 0, 0, 0)->v[0]);
}

NSX_CASE(.family = "pidfds", .rows = "4.2 28.2",
         .kconfig = "CONFIG_CGROUPS CONFIG_CGROUP_PIDS CONFIG_MEMCG",
         .finding =
                 "PIDFD_GET_INFO on a task outside the caller's namespace: ESRCH on 6.13, EREMOTE "
                 "from the 6.18 stable series: `pidfd_get_info`.");

int main(void)
{
	long v[I_N];
	nsx_init("top", "outer");

	int self = (int)NSX_TRY(syscall(SYS_pidfd_open, getpid(), 0));
	info(self, v);
	if (v[0] == -ENOTTY || v[0] == -EINVAL)
		nsx_skip("PIDFD_GET_INFO: %s: needs Linux 6.13", nsx_errname((int)-v[0]));
	NSX_TRY(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, give));

	int c = nsx_spawn_agent("c", "inner"), s = nsx_spawn_agent("s", "sib");
	int u = nsx_spawn_agent("u", NULL), x = nsx_spawn_agent("x", NULL);
	for (int i = 0; i < 3; i++)
		nsx_do((int[]){c, u, x}[i], do_setup, "cux"[i], 0, 0);
	int m = nsx_find("m"), inner = nsx_ns_of(c);
	int pfd_c = (int)NSX_TRY(syscall(SYS_pidfd_open, nsx_pid(c), 0));

	printf("# pidfd_get_info: PIDFD_GET_INFO(PIDFD_INFO_PID), in the caller's namespaces\n");
	show("top on c:", 0, nsx_by(0, do_info, nsx_pid(c), 0, 0)->v);
	show("top on m:", 0, nsx_by(0, do_info, nsx_pid(m), 0, 0)->v);
	show("c on m:", c, nsx_do(c, do_info, nsx_nr_in(m, inner), 0, 0)->v);
	show("c on itself:", c, nsx_do(c, do_info, 1, 0, 0)->v);
	hand(c, self);
	show("c on top (pidfd given):", c, nsx_do(c, do_info, 0, 0, 0)->v);
	hand(s, pfd_c);
	show("s (sibling) on c:", s, nsx_do(s, do_info, 0, 0, 0)->v);
	printf("# u (outer): own user namespace, uid 100 gid 200 = top's 0; x (outer): unmapped\n");
	show("top on u:", 0, nsx_by(0, do_info, nsx_pid(u), 0, 0)->v);
	show("u on itself:", u, nsx_do(u, do_info, nsx_pid(u), 0, 0)->v);
	show("u on c:", u, nsx_do(u, do_info, nsx_pid(c), 0, 0)->v);
	show("x on c:", x, nsx_do(x, do_info, nsx_pid(c), 0, 0)->v);
	nsx_exit();
}
