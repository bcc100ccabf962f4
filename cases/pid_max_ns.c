// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pid_max_ns - the per-namespace pid_max (Linux 6.14 on): whose value
 * /proc/sys/kernel/pid_max reads and writes, and which level's limit bounds
 * the number chosen at each level.  Before 6.14 pid_max is one machine-wide
 * value, which a case must not write: the case skips, saying so.  It writes
 * outer's pid_max only where outer is the pid namespace nsxrun made for it
 * (NSX_CASE .own_pidns): run by hand it skips, and the caller's
 * namespace keeps its pid_max.
 *
 * Tasks: top (namespace outer); c, the init of namespace inner, which mounts
 * a proc of its own and hands it to top over SCM_RIGHTS.  top sets outer's
 * pid_max to 1900, c sets inner's to 400.  Values print as read.
 *
 * The golden lines and the kernel code behind them (kernel/pid.c, read at
 * upstream 006568ab, 6.18-era):
 *
 *   each reads back its own namespace's value, through its own proc and
 *   through the other's: top 1900 through inner's proc too, c 400 through
 *   outer's
 *     register_pidns_sysctls() gives each pid namespace its own "pid_max"
 *     in a ctl_table_set; pid_table_root_lookup() picks the set of
 *     task_active_pid_ns(current): the reader's namespace, whatever proc
 *     instance the file is read through (like ns_last_pid: last_pid_views).
 *   clone3 set_tid: c asks 350 (0) and 450 (EINVAL: >= inner's 400); top
 *   asks {1, 1950} with CLONE_NEWPID: EINVAL (>= outer's 1900), {1, 1850}: 0
 *     alloc_pid() checks each level's number against that level's
 *     READ_ONCE(tmp->pid_max).  top's two clones come first, then top puts
 *     outer's pid_max back to what nsxrun set: a child of c gets a number
 *     in outer too, from outer's counter, which under 1900 would wrap to
 *     300 (idr_alloc_cyclic()), among numbers the machine gives out, and
 *     the run would not be judged (runner/numbers.c).
 *   c writing 100: EINVAL (below the minimum)
 *     proc_dointvec_minmax() with extra1 = pid_max_min (at least 301).
 */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

static int sv[2] = {-1, -1};
static int own_proc = -1; /* c: its inner proc; top: c's copy */

static long read_at(int dirfd)
{
	char buf[32];
	int f = openat(dirfd, "sys/kernel/pid_max", O_RDONLY | O_CLOEXEC);
	ssize_t n = f < 0 ? -1 : read(f, buf, sizeof(buf) - 1);
	long r = n > 0 ? (buf[n] = '\0', strtol(buf, NULL, 10)) : -errno;
	if (f >= 0)
		close(f);
	return r;
}

static long write_at(int dirfd, long v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%ld", v);
	int f = openat(dirfd, "sys/kernel/pid_max", O_WRONLY | O_CLOEXEC);
	long r = f < 0 ? -errno : write(f, buf, (size_t)n) == n ? 0 : -errno;
	if (f >= 0)
		close(f);
	return r;
}

static long clone_tid(int newpid, long t0, long t1)
{
	pid_t t[2] = {(pid_t)t0, (pid_t)t1};
	struct clone_args ca;
	memset(&ca, 0, sizeof(ca));
	ca.flags = newpid ? CLONE_NEWPID : 0;
	ca.exit_signal = SIGCHLD;
	ca.set_tid = (uintptr_t)t;
	ca.set_tid_size = t1 ? 2 : 1;
	fflush(NULL);
	long p = syscall(SYS_clone3, &ca, sizeof(ca));
	if (p == 0)
		_exit(0); /* reaped with the case */
	return p < 0 ? -errno : 0;
}

static void do_proc(const long *arg)
{
	(void)arg;
	NSX_REPLY(nsx_send_fds(sv[1], &own_proc, 1));
}

static void do_read(const long *arg)
{
	int dirfd = arg[0] ? own_proc : nsx_procfd();
	NSX_REPLY(read_at(dirfd));
}

static void do_write(const long *arg)
{
	int dirfd = arg[0] ? own_proc : nsx_procfd();
	NSX_REPLY(write_at(dirfd, arg[1]));
}

static void do_clone(const long *arg)
{
	NSX_REPLY(clone_tid(0, arg[1], 0));
}

static int c_fn(void *arg)
{
	(void)arg;
	own_proc = nsx_own_proc();
	nsx_serve();
}

static const char *val(long v)
{
	static char b[4][32];
	static int r;
	char *s = b[r++ % 4];
	if (v < 0)
		return nsx_res(v);
	snprintf(s, 32, "%ld", v);
	return s;
}

NSX_CASE(.family = "Namespace files and chosen numbers", .rows = "7.13", .min_kernel = "6.14",
         .own_pidns = "pid_max");

int main(void)
{
	nsx_init("top", "outer");
	NSX_TRY(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
	int c = nsx_spawn("c", "inner", c_fn, NULL);
	if (nsx_do(c, do_proc, 0, 0, 0)->v[0] || nsx_recv_fds(sv[0], &own_proc, 1))
		nsx_fail("c's proc: %s", nsx_errname(errno));

	long was = read_at(nsx_procfd());
	if (was < 0)
		nsx_fail("outer's pid_max: %s", nsx_errname((int)-was));
	printf("# pid_max_ns: pid_max per pid namespace\n");
	printf("top writes 1900 through outer's proc: %s\n", nsx_res(write_at(nsx_procfd(), 1900)));
	printf("c writes 400 through inner's proc: %s\n",
	       nsx_res(nsx_do(c, do_write, 1, 400, 0)->v[0]));
	printf("c writes 100: %s\n", nsx_res(nsx_do(c, do_write, 1, 100, 0)->v[0]));
	printf("top reads: through outer's proc %s, through inner's %s\n",
	       val(read_at(nsx_procfd())), val(read_at(own_proc)));
	printf("c reads: through inner's proc %s, through outer's %s\n",
	       val(nsx_do(c, do_read, 1, 0, 0)->v[0]), val(nsx_do(c, do_read, 0, 0, 0)->v[0]));
	/* top's clones pick their number in outer; c's children get theirs
	 * in outer from its counter, so outer's pid_max is put back first. */
	long t1950 = clone_tid(1, 1, 1950), t1850 = clone_tid(1, 1, 1850);
	long r = write_at(nsx_procfd(), was);
	if (r)
		nsx_fail("putting outer's pid_max back to %ld: %s", was, nsx_errname((int)-r));
	long c350 = nsx_do(c, do_clone, 0, 350, 0)->v[0];
	long c450 = nsx_do(c, do_clone, 0, 450, 0)->v[0];
	printf("c clone3 set_tid {350}: %s; {450}: %s\n", nsx_res(c350), nsx_res(c450));
	printf("top clone3(CLONE_NEWPID) set_tid {1, 1950}: %s; {1, 1850}: %s\n", nsx_res(t1950),
	       nsx_res(t1850));
	nsx_exit();
}
