// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pidfd_exit_info - what pidfs keeps after a task is gone, across pid
 * namespaces: PIDFD_GET_INFO with and without PIDFD_INFO_EXIT on a task
 * alive, exited and reaped, and pidfs file handles (name_to_handle_at() on a
 * pidfd, open_by_handle_at()) decoded inside and outside the task's namespace.
 * Newer than 6.12: the case skips, saying which part is missing (PIDFD_GET_INFO
 * came in 6.13, PIDFD_INFO_EXIT in 6.15; 6.1.192 and 6.12.117 have neither,
 * 6.18.44, 7.2.13 and 7.3-rc7 have both, and pidfs file handles).
 *
 * Tasks: top (namespace outer); c, the init of namespace inner, and its child
 * z (inner), which exits with status 3 when told; x, the init of the sibling
 * namespace sib.  top, c and x hold pidfds of z (x's is a copy of top's).
 * Numbers print as the task they denote for the caller.
 *
 * The golden lines and the kernel code behind them (fs/pidfs.c, read at
 * upstream a4a508df, 6.18-era):
 *
 *   alive, and exited but not reaped (a zombie): PIDFD_INFO_PID, no
 *   PIDFD_INFO_EXIT, pid and ppid for the caller; reaped: without
 *   PIDFD_INFO_EXIT ESRCH, with it only PIDFD_INFO_EXIT (no pid), status 3
 *     pidfd_info(): exit information is stashed by pidfs_exit(), called
 *     from release_task() (the reap, not the exit), with tsk->exit_code;
 *     with no task left (get_pid_task() NULL) only PIDFD_INFO_EXIT is
 *     answered; pid/tgid are task_*_vnr(), the caller's numbering.
 *   x (sib) is refused at every stage, reaped included (EREMOTE on this
 *   6.18; upstream at a4a508df returns ESRCH)
 *     pidfd_info(): pid_in_current_pidns() first, before any exit
 *     information: a pidfd passed sideways tells nothing, not even how the
 *     task died.
 *   handles: name_to_handle_at() gives FILEID_KERNFS, 8 bytes (pid->ino,
 *   never a pid number); open_by_handle_at(): top and c get a pidfd of z,
 *   x ESTALE; c on top's handle ESTALE; after z's reap, ESTALE for all
 *     pidfs_encode_fh() encodes pid->ino; pidfs_fh_to_dentry() ->
 *     pidfs_ino_get_pid() finds the struct pid by inode number and refuses
 *     one with pid_vnr() == 0 (outside the caller's hierarchy, or no number
 *     left: the reap frees the numbers).
 */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PIDFS_IOCTL 0xFF
struct info {
	uint64_t mask, cgroupid;
	uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	int32_t exit_code;
	uint32_t coredump_mask, spare;
};
#define GET_INFO  _IOWR(PIDFS_IOCTL, 11, struct info)
#define INFO_PID  (1ULL << 0)
#define INFO_EXIT (1ULL << 3)
#define KERNFS_FH 0xfe
struct handle { /* a pidfs file handle: the inode number */
	struct file_handle fh;
	uint64_t ino;
};

static int sv[2] = {-1, -1};
static int pfd = -1; /* the pidfd of z this task holds */

/* {result, mask, pid, ppid, exit status} */
static void info(int fd, uint64_t want, long *o)
{
	struct info in = {.mask = want};
	o[0] = ioctl(fd, GET_INFO, &in) ? -errno : 0;
	o[1] = (long)in.mask;
	o[2] = in.pid;
	o[3] = in.ppid;
	o[4] = WIFEXITED(in.exit_code) ? WEXITSTATUS(in.exit_code) : -1;
}

static void do_info(const long *arg)
{
	long o[5];
	info(pfd, (uint64_t)arg[0], o);
	NSX_REPLY(o[0], o[1], o[2], o[3], o[4]);
}

static void do_take(const long *arg NSX_UNUSED)
{
	NSX_REPLY(nsx_recv_fds(sv[1], &pfd, 1));
}

/* open_by_handle_at() of pidfs inode arg[0]: {0 or -errno, and the pid
 * PIDFD_GET_INFO gives the caller for the pidfd it opened}. */
static void do_handle(const long *arg)
{
	struct handle h = {.fh.handle_bytes = 8, .fh.handle_type = KERNFS_FH};
	long o[5] = {0};
	uint64_t ino = (uint64_t)arg[0];
	memcpy(h.fh.f_handle, &ino, 8);
	int self = (int)syscall(SYS_pidfd_open, getpid(), 0);
	int f = open_by_handle_at(self, &h.fh, O_RDONLY);
	long r = nsx_rc(f);
	close(self);
	if (f >= 0) {
		info(f, INFO_PID, o);
		close(f);
	}
	NSX_REPLY(r, o[0] ? o[0] : o[2]);
}

static void do_reap(const long *arg)
{
	siginfo_t si;
	NSX_REPLY(nsx_rc(waitid(P_PID, (id_t)arg[0], &si, WEXITED)));
}

static int z_fn(void *arg NSX_UNUSED)
{
	nsx_step();
	return 3;
}

/* c: fork z, and hold a pidfd of it */
static void do_spawn_z(const long *arg NSX_UNUSED)
{
	int z = nsx_spawn("z", NULL, z_fn, NULL);
	pfd = (int)NSX_TRY(syscall(SYS_pidfd_open, nsx_pid(z), 0));
	NSX_REPLY(z);
}

static const char *mask_str(long m)
{
	return nsx_fmt("%s%s", m & (long)INFO_PID ? "PID" : "-",
	               m & (long)INFO_EXIT ? "+EXIT" : "");
}

static int c, x, z;

static void show_info(int who, uint64_t want)
{
	const long *o = nsx_by(who, do_info, (long)want, 0, 0)->v;
	printf("  %-3s %-14s: ", nsx_task_name(who),
	       want & INFO_EXIT ? "PID|EXIT asked" : "PID asked");
	if (o[0]) {
		printf("%s\n", nsx_res(o[0]));
		return;
	}
	printf("mask %s", mask_str(o[1]));
	if (o[1] & (long)INFO_PID)
		printf(" pid=%s ppid=%s", nsx_name(who, o[2]), nsx_name(who, o[3]));
	if (o[1] & (long)INFO_EXIT)
		printf(" exit status %ld", o[4]);
	printf("\n");
}

static void stage(const char *when)
{
	printf("%s:\n", when);
	for (int k = 0; k < 6; k++)
		show_info((int[]){0, c, x}[k % 3], k < 3 ? INFO_PID : INFO_PID | INFO_EXIT);
}

static uint64_t handle_of(int fd, long *r)
{
	struct handle h = {.fh.handle_bytes = 8};
	int mnt;
	*r = name_to_handle_at(fd, "", &h.fh, &mnt, AT_EMPTY_PATH) ? -errno : 0;
	if (!*r && (h.fh.handle_type != KERNFS_FH || h.fh.handle_bytes != 8))
		*r = -EPROTO;
	uint64_t ino = 0;
	memcpy(&ino, h.fh.f_handle, 8);
	return ino;
}

static void show_decode(const char *what, uint64_t ino)
{
	printf("  open_by_handle_at(%s):", what);
	for (int k = 0; k < 3; k++) {
		int who = (int[]){0, c, x}[k];
		const long *v = nsx_by(who, do_handle, (long)ino, 0, 0)->v;
		printf("%s %s %s", k ? "," : "", nsx_task_name(who),
		       v[0] ? nsx_res(v[0]) : nsx_name(who, v[1]));
	}
	printf("\n");
}

NSX_CASE(.family = "pidfds", .rows = "4.2 4.5",
         .finding =
                 "PIDFD_GET_INFO refuses a caller outside the task's namespace hierarchy even the "
                 "exit status of a reaped task (`pid_in_current_pidns()` comes first), although "
                 "the same caller may pidfd_getfd() the live task's files: `pidfd_exit_info`, "
                 "`pidfd_lifecycle`.");

int main(void)
{
	nsx_init("top", "outer");
	NSX_TRY(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
	int self = (int)syscall(SYS_pidfd_open, getpid(), 0);
	long o[5], hr;
	info(self, INFO_PID, o);
	if (o[0] == -ENOTTY || o[0] == -EINVAL)
		nsx_skip("PIDFD_GET_INFO: %s: needs Linux 6.13", nsx_errname((int)-o[0]));
	uint64_t top_ino = handle_of(self, &hr);
	if (hr == -EOPNOTSUPP)
		nsx_skip(
		        "name_to_handle_at() on a pidfd: EOPNOTSUPP: no pidfs file handles in this "
		        "kernel (6.12 has none, 6.18 has them)");

	c = nsx_spawn_agent("c", "inner");
	x = nsx_spawn_agent("x", "sib");
	z = (int)nsx_do(c, do_spawn_z, 0, 0, 0)->v[0];
	pfd = (int)NSX_TRY(syscall(SYS_pidfd_open, nsx_pid(z), 0));
	NSX_TRY_NEG(nsx_send_fds(sv[0], &pfd, 1));
	NSX_TRY_NEG(nsx_do(x, do_take, 0, 0, 0)->v[0]);
	uint64_t z_ino = handle_of(pfd, &hr);

	printf("# pidfd_exit_info: PIDFD_GET_INFO and pidfs file handles for z (inner), by top "
	       "(outer), c (inner), x (sib)\n");
	printf("name_to_handle_at(pidfd of z): %s, FILEID_KERNFS, 8 bytes\n", nsx_res(hr));
	stage("z alive");
	show_decode("z's handle", z_ino);
	show_decode("top's handle", top_ino);

	nsx_go(z);
	struct pollfd p = {pfd, POLLIN, 0};
	if (poll(&p, 1, nsx_timeout_ms()) != 1)
		nsx_fail("z did not exit");
	stage("z exited with 3, not reaped");
	nsx_do(c, do_reap, nsx_nr_in(z, nsx_ns_of(c)), 0, 0);
	nsx_forget(z);
	info(pfd, INFO_PID | INFO_EXIT, o);
	if (o[0] == -ESRCH)
		nsx_skip("PIDFD_INFO_EXIT: ESRCH for a reaped task: needs Linux 6.15");
	stage("z reaped by c");
	show_decode("z's handle", z_ino);
	nsx_exit();
}
