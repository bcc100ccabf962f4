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
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

static int sv[2] = {-1, -1};
static int own_proc = -1; /* c: its inner proc; top: c's copy */

/* pid_max through the proc at dirfd: the value, or -errno. */
static long read_at(int dirfd)
{
	long v = -EIO, r = nsx_read_numbers(dirfd, "sys/kernel/pid_max", &v, 1);
	return r < 0 ? r : v;
}

static long write_at(int dirfd, long v)
{
	return nsx_write_text(dirfd, "sys/kernel/pid_max", "%ld", v);
}

static long clone_tid(int newpid, long t0, long t1)
{
	pid_t t[2] = {(pid_t)t0, (pid_t)t1};
	struct clone_args ca = {.flags = newpid ? CLONE_NEWPID : 0,
	                        .exit_signal = SIGCHLD,
	                        .set_tid = (uintptr_t)t,
	                        .set_tid_size = t1 ? 2 : 1};
	fflush(NULL);
	long p = syscall(SYS_clone3, &ca, sizeof(ca));
	if (p == 0)
		_exit(0); /* reaped with the case */
	return p < 0 ? -errno : 0;
}

/* c: a proc of its own namespace, and its fd for top */
static void do_proc(const long *arg NSX_UNUSED)
{
	own_proc = nsx_own_proc();
	NSX_REPLY(nsx_send_fds(sv[1], &own_proc, 1));
}

/* pid_max through own_proc (arg[0] 1) or the case's proc: arg[1] written
 * (0 or -errno), or, with arg[1] 0, read (the value, or -errno). */
static void do_pid_max(const long *arg)
{
	int dirfd = arg[0] ? own_proc : nsx_procfd();
	NSX_REPLY(arg[1] ? write_at(dirfd, arg[1]) : read_at(dirfd));
}

static void do_clone(const long *arg)
{
	NSX_REPLY(clone_tid(0, arg[1], 0));
}

static const char *val(long v)
{
	return v < 0 ? nsx_res(v) : nsx_fmt("%ld", v);
}

NSX_CASE(.family = "Namespace files and chosen numbers", .rows = "7.13", .min_kernel = "6.14",
         .own_pidns = "pid_max");

int main(void)
{
	nsx_init("top", "outer");
	NSX_TRY(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
	int c = nsx_spawn_agent("c", "inner");
	NSX_TRY_NEG(nsx_do(c, do_proc, 0, 0, 0)->v[0]);
	NSX_TRY_NEG(nsx_recv_fds(sv[0], &own_proc, 1));
	long was = NSX_TRY_NEG(read_at(nsx_procfd()));
	printf("# pid_max_ns: pid_max per pid namespace\n");
	printf("top writes 1900 through outer's proc: %s\n", nsx_res(write_at(nsx_procfd(), 1900)));
	printf("c writes 400 through inner's proc: %s\n",
	       nsx_res(nsx_do(c, do_pid_max, 1, 400, 0)->v[0]));
	printf("c writes 100: %s\n", nsx_res(nsx_do(c, do_pid_max, 1, 100, 0)->v[0]));
	printf("top reads: through outer's proc %s, through inner's %s\n",
	       val(read_at(nsx_procfd())), val(read_at(own_proc)));
	printf("c reads: through inner's proc %s, through outer's %s\n",
	       val(nsx_do(c, do_pid_max, 1, 0, 0)->v[0]),
	       val(nsx_do(c, do_pid_max, 0, 0, 0)->v[0]));
	/* top's clones pick their number in outer; c's children get theirs
	 * in outer from its counter, so outer's pid_max is put back first. */
	long t1950 = clone_tid(1, 1, 1950), t1850 = clone_tid(1, 1, 1850);
	NSX_TRY_NEG(write_at(nsx_procfd(), was));
	long c350 = nsx_do(c, do_clone, 0, 350, 0)->v[0];
	long c450 = nsx_do(c, do_clone, 0, 450, 0)->v[0];
	printf("c clone3 set_tid {350}: %s; {450}: %s\n", nsx_res(c350), nsx_res(c450));
	printf("top clone3(CLONE_NEWPID) set_tid {1, 1950}: %s; {1, 1850}: %s\n", nsx_res(t1950),
	       nsx_res(t1850));
	nsx_exit();
}
