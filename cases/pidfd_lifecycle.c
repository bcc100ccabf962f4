// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pidfd_lifecycle - a pidfd across its task's life, held in several pid
 * namespaces: alive, exited (a zombie), reaped, and after its number has been
 * given to another task; waitid(P_PIDFD); pidfd_getfd() where
 * pidfd_send_signal() is refused.
 *
 * Tasks: top (namespace outer); c, the init of namespace inner, with its child
 * z (inner); x, the init of the sibling namespace sib.  top and c open pidfds
 * of z with pidfd_open() (each by its own number for z); x gets a copy of
 * top's over SCM_RIGHTS.  z exits with status 3 when told, c reaps it, then
 * c makes z2 with clone3() set_tid = z's old inner number.  z2 holds a memfd
 * named "z2-mark".  Each line says who does what through which pidfd; fdinfo
 * is read through the case's (outer's) proc.  Numbers print as the task they
 * denote for the reader.
 *
 * The golden lines and the kernel code behind them (kernel/fork.c, 6.1;
 * fs/pidfs.c from 6.9 on):
 *
 *   fdinfo Pid/NSpid: z's numbers while it is alive and while it is a
 *   zombie; -1 once reaped
 *     pidfd_show_fdinfo(): pid_nr_ns(pid, proc mount's ns) while
 *     pid_has_task(pid, PIDTYPE_PID), else -1: a zombie still has its pid,
 *     release_task() (the reap) detaches it.
 *   poll: nothing while alive, POLLIN once exited
 *     pidfd_poll(): thread_group_exited().
 *   pidfd_send_signal(sig 0): top and c 0 while alive and while a zombie,
 *   ESRCH once reaped; x EINVAL always
 *     kernel/signal.c: pidfd_send_signal(): access_pidfd_pidns() refuses a
 *     task outside the caller's namespace subtree (x is in sib) with EINVAL;
 *     kill_pid_info() finds the zombie (pid_task()) and nothing after the reap.
 *   waitid(P_PIDFD): top (not the parent) ECHILD; c WNOWAIT on the zombie:
 *   si_pid z (c's number), CLD_EXITED 3; c's reap the same; then ECHILD
 *     kernel/exit.c: kernel_waitid() P_PIDFD -> pidfd_get_pid(), then an
 *     ordinary wait for that pid among the caller's children: wait_task_zombie()
 *     numbers it with task_pid_vnr() for the waiter.
 *   after z2 takes z's number: c's kill(number, 0) reaches z2 (0), c's old
 *   pidfd still means z: ESRCH; fdinfo -1; a new pidfd_open(number): z2
 *     a pidfd holds the struct pid, not the number: find_vpid() on a reused
 *     number finds the new task, the old struct pid stays dead.
 *   pidfd_getfd(z2's pidfd, memfd) by top and by x: both get "memfd:z2-mark"
 *     kernel/pid.c: pidfd_getfd() -> __pidfd_fget() checks
 *     ptrace_may_access(PTRACE_MODE_ATTACH_REALCREDS), not the pid
 *     namespace: x may take z2's files although it may not signal z2.
 */
#include "nsx.h"

#include <errno.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int sv[2] = {-1, -1}; /* top -> x, for pidfds */
static int pfd = -1;         /* the pidfd this task holds (top, c: of z; x: given) */
static int old_pfd = -1;     /* c: z's, kept after pfd is reopened */

static int z_fn(void *arg NSX_UNUSED)
{
	nsx_step();
	return 3;
}

static long getfd(int fd, long target_fd)
{
	char link[128];
	int g = (int)syscall(SYS_pidfd_getfd, fd, (int)target_fd, 0);
	if (g < 0)
		return -errno;
	ssize_t n = readlinkat(nsx_procfd(), nsx_fmt("self/fd/%d", g), link, sizeof(link) - 1);
	close(g);
	link[n > 0 ? n : 0] = '\0';
	return !strncmp(link, "/memfd:z2-mark", 14) ? 1 : 2;
}

/* c: a pidfd of the task numbered arg[0] (the old one kept) */
static void do_open(const long *arg)
{
	old_pfd = pfd;
	pfd = (int)syscall(SYS_pidfd_open, (pid_t)arg[0], 0);
	NSX_REPLY(nsx_rc(pfd));
}

/* x: the pidfd top passes */
static void do_take(const long *arg NSX_UNUSED)
{
	if (pfd >= 0)
		close(pfd);
	NSX_REPLY(nsx_recv_fds(sv[1], &pfd, 1));
}

/* Actions, run by c or x, or by top itself (nsx_by()). */

/* Signal 0 through the pidfd. */
static void do_signal(const long *arg NSX_UNUSED)
{
	NSX_REPLY(nsx_rc((int)syscall(SYS_pidfd_send_signal, pfd, 0, NULL, 0)));
}

/* waitid(P_PIDFD) with options arg[0] (and WEXITED): the result, si_pid,
 * si_code, si_status. */
static void do_wait(const long *arg)
{
	siginfo_t si = {0};
	long r = nsx_rc(waitid((idtype_t)3 /* P_PIDFD */, (id_t)pfd, &si, WEXITED | (int)arg[0]));
	NSX_REPLY(r, si.si_pid, si.si_code, si.si_status);
}

/* c: z2 with set_tid = arg[0] */
static void do_clone(const long *arg)
{
	pid_t t = (pid_t)arg[0];
	struct clone_args ca = {
	        .exit_signal = SIGCHLD, .set_tid = (uintptr_t)&t, .set_tid_size = 1};
	fflush(NULL);
	long p = syscall(SYS_clone3, &ca, sizeof(ca));
	if (p == 0) { /* z2: a file to be taken with pidfd_getfd() */
		nsx_register_child("z2", NULL);
		NSX_SEND("memfd", memfd_create("z2-mark", MFD_CLOEXEC));
		nsx_park();
	}
	NSX_REPLY(nsx_val(p));
}

static void do_kill(const long *arg)
{
	NSX_REPLY(nsx_rc(kill((pid_t)arg[0], 0)));
}

static void do_getfd(const long *arg)
{
	NSX_REPLY(getfd(pfd, arg[0]));
}

/* fdinfo Pid and NSpid (up to 3 levels) of the old (arg[0] 1) or current
 * pidfd, read through the case's proc: {Pid, count, NSpid...}. */
static void do_fdinfo(const long *arg)
{
	const char *path = nsx_fmt("self/fdinfo/%d", arg[0] ? old_pfd : pfd);
	long v[5] = {0};
	NSX_TRY_NEG(nsx_read_field_numbers(nsx_procfd(), path, "Pid", v, 1));
	v[1] = nsx_read_field_numbers(nsx_procfd(), path, "NSpid", v + 2, 3);
	nsx_send_v("reply", v, 5);
}

/* c: fork z */
static void do_spawn_z(const long *arg NSX_UNUSED)
{
	NSX_REPLY(nsx_spawn("z", NULL, z_fn, NULL));
}

static int c, x, z;

/* Top's pidfd fd, sent to x, which takes it as its own. */
static void give_x(int fd)
{
	NSX_TRY_NEG(nsx_send_fds(sv[0], &fd, 1));
	NSX_TRY_NEG(nsx_do(x, do_take, 0, 0, 0)->v[0]);
}

static const char *fdinfo_str(int reader_ns_task, const long *v)
{
	char *s = nsx_strbuf();
	int len = snprintf(s, 128, "Pid %s NSpid",
	                   v[0] == -1 ? "-1" : nsx_name(reader_ns_task, v[0]));
	for (long k = 0; k < v[1]; k++)
		len += snprintf(s + len, 128 - (size_t)len, " %s",
		                v[2 + k] == -1 ? "-1"
		                               : nsx_name_ns(nsx_ns_at(z, (int)k), v[2 + k]));
	return s;
}

static void state(const char *when)
{
	struct pollfd p = {pfd, POLLIN, 0};
	int pr = poll(&p, 1, 0);
	printf("%s:\n  top's pidfd: fdinfo %s; poll %s\n", when,
	       fdinfo_str(0, nsx_by(0, do_fdinfo, 0, 0, 0)->v),
	       pr > 0 && (p.revents & POLLIN) ? "POLLIN" : "nothing");
	printf("  c's pidfd:   fdinfo %s\n", fdinfo_str(0, nsx_do(c, do_fdinfo, 0, 0, 0)->v));
	printf("  pidfd_send_signal(0): top %s, c %s, x %s\n",
	       nsx_res(nsx_by(0, do_signal, 0, 0, 0)->v[0]),
	       nsx_res(nsx_do(c, do_signal, 0, 0, 0)->v[0]),
	       nsx_res(nsx_do(x, do_signal, 0, 0, 0)->v[0]));
}

static void show_wait(const char *who, int task, int flags, const char *how)
{
	const long *v = nsx_by(task, do_wait, flags, 0, 0)->v; /* result, pid, code, status */
	printf("  %s waitid(P_PIDFD, %s): %s", who, how, nsx_res(v[0]));
	if (!v[0])
		printf(" si_pid=%s %s %ld", nsx_name(task, v[1]), nsx_sicode(SIGCHLD, (int)v[2]),
		       v[3]);
	printf("\n");
}

NSX_CASE(.family = "pidfds", .rows = "4.1 28.2 28.16 28.19");

int main(void)
{
	nsx_init("top", "outer");
	NSX_TRY(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
	c = nsx_spawn_agent("c", "inner");
	x = nsx_spawn_agent("x", "sib");
	z = (int)nsx_do(c, do_spawn_z, 0, 0, 0)->v[0];
	long z_in = nsx_nr_in(z, nsx_ns_of(c)); /* z's number in inner */
	pfd = (int)NSX_TRY(syscall(SYS_pidfd_open, nsx_pid(z), 0));
	NSX_TRY_NEG(nsx_do(c, do_open, z_in, 0, 0)->v[0]);
	give_x(pfd);

	printf("# pidfd_lifecycle: pidfds of z (inner) held by top (outer), c (inner) and x "
	       "(sib)\n");
	state("z alive");
	nsx_go(z);
	struct pollfd p = {pfd, POLLIN, 0};
	if (poll(&p, 1, nsx_timeout_ms()) != 1)
		nsx_fail("z did not exit");
	state("z exited with 3, not reaped");
	show_wait("top", 0, WNOHANG, "WNOHANG");
	show_wait("c  ", c, WNOWAIT, "WNOWAIT");
	show_wait("c  ", c, 0, "reaps");
	nsx_forget(z); /* its number is free now: it names nobody */
	state("z reaped");
	show_wait("c  ", c, WNOHANG, "WNOHANG");

	long r = nsx_do(c, do_clone, z_in, 0, 0)->v[0];
	int z2 = nsx_await_task("z2");
	long memfd = nsx_recv(z2, "memfd")->v[0];
	printf("c clone3(set_tid = z's old number in inner): %s\n",
	       r < 0       ? nsx_res(r)
	       : r == z_in ? "z2, with z's old number"
	                   : nsx_name(c, r));
	printf("  c kill(that number, 0): %s; through c's old pidfd: %s\n",
	       nsx_res(nsx_do(c, do_kill, z_in, 0, 0)->v[0]),
	       nsx_res(nsx_do(c, do_signal, 0, 0, 0)->v[0]));
	printf("  c pidfd_open(that number): %s", nsx_res(nsx_do(c, do_open, z_in, 0, 0)->v[0]));
	printf(", fdinfo %s; the old one: %s\n", fdinfo_str(0, nsx_do(c, do_fdinfo, 0, 0, 0)->v),
	       fdinfo_str(0, nsx_do(c, do_fdinfo, 1, 0, 0)->v));

	pfd = (int)NSX_TRY(syscall(SYS_pidfd_open, nsx_pid(z2), 0));
	give_x(pfd);
	long t = nsx_by(0, do_getfd, memfd, 0, 0)->v[0];
	long xr = nsx_do(x, do_getfd, memfd, 0, 0)->v[0];
	printf("pidfd_getfd(z2's pidfd, its memfd): top %s, x %s; x's pidfd_send_signal(0): %s\n",
	       t == 1 ? "memfd:z2-mark" : nsx_res(t), xr == 1 ? "memfd:z2-mark" : nsx_res(xr),
	       nsx_res(nsx_do(x, do_signal, 0, 0, 0)->v[0]));
	nsx_exit();
}
