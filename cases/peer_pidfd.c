// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * peer_pidfd - pidfds for socket peers (SO_PEERPIDFD, SCM_PIDFD) across pid
 * namespaces: what their fdinfo says through each side's /proc.  Skips on
 * kernels without SO_PEERPIDFD (6.5).  What PIDFD_GET_INFO (6.13) answers
 * for such pidfds is pidfd_get_info's, so these lines run on 6.5..6.12 too.
 *
 * Tasks: top (namespace outer) spawns c, the init of namespace inner, which
 * mounts a proc of its own namespace and spawns m (inner).  top makes, before
 * spawning, a listening socket (autobound abstract address), datagram
 * socketpairs with SO_PASSPIDFD set on the receiving ends, and a socketpair
 * to pass a pidfd to m with SCM_RIGHTS.  Numbers print as the task they
 * denote in the namespace of the proc mount they were read through: every
 * word of Pid: and NSpid: is printed as read.
 *
 * The golden lines and the kernel code behind them:
 *
 *   SO_PEERPIDFD: top, on the socket it accepted from c: fdinfo through
 *   outer's /proc Pid=c NSpid=c c; c, on its connected socket (peer: top,
 *   who listen()ed): Pid=0 NSpid=0; top's pidfd for c passed to m and read
 *   through inner's /proc: Pid=c NSpid=c
 *     net/core/sock.c: sk_getsockopt(SO_PEERPIDFD) -> pidfd_prepare() on
 *     sk_peer_pid: a pidfd whatever the visibility.  fs/pidfs.c (6.9+;
 *     kernel/fork.c before): pidfd_show_fdinfo() prints Pid: and the first
 *     NSpid: word as pid_nr_ns(pid, ns) with ns the pid namespace of the
 *     *proc mount* the fdinfo file is read through (proc_pid_ns() of its
 *     superblock), then, only when that is not 0, the numbers below that
 *     level; a lone 0 when the task has no number there.  Unlike
 *     SO_PEERCRED, nothing depends on the reader's own namespace.
 *   SCM_PIDFD: c -> top: top's pidfd shows Pid=c NSpid=c c; top -> c: c's
 *   shows Pid=0 NSpid=0
 *     net/unix/af_unix.c attaches the sender's struct pid (as for
 *     SCM_CREDENTIALS); include/net/scm.h: scm_pidfd_recv() turns it into a
 *     pidfd for a receiver with SO_PASSPIDFD.  Same fdinfo rule.
 */
#include "nsx.h"

#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef SO_PASSPIDFD
#define SO_PASSPIDFD 76
#endif
#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif
static int lsn, scm_up[2], scm_down[2], give[2];
static int procfd = -1; /* in c and m: inner's /proc */
static int fds[3];      /* in each task: pidfds it holds, by slot */

static int peer_pidfd(int sock)
{
	int fd;
	socklen_t len = sizeof(fd);
	return getsockopt(sock, SOL_SOCKET, SO_PEERPIDFD, &fd, &len) ? -errno : fd;
}

/* Slots: 0 peer pidfd, 1 taken over SCM_RIGHTS, 2 SCM_PIDFD */
static void do_connect(const long *arg NSX_UNUSED)
{
	/* connect, keep the peer's pidfd in slot 0 */
	fds[0] = peer_pidfd((int)NSX_TRY_NEG(nsx_connect_name(nsx_sock_name(lsn))));
	NSX_REPLY(fds[0] < 0 ? fds[0] : 0);
}

/* fdinfo of the pidfd in slot arg[0] through this task's proc: {0 or
 * -errno, Pid, n, NSpid...}. */
static void do_fdinfo(const long *arg)
{
	const char *path = nsx_fmt("self/fdinfo/%d", fds[arg[0]]);
	long out[8];
	long r = nsx_read_field_numbers(procfd, path, "Pid", &out[1], 1);
	long n = nsx_read_field_numbers(procfd, path, "NSpid", &out[3], 5);
	out[0] = r < 0 ? r : 0;
	out[2] = n < 0 ? 0 : n;
	nsx_send_v("reply", out, 3 + (int)out[2]);
}

static void do_take(const long *arg)
{
	/* arg: slot */
	NSX_REPLY(nsx_recv_fds(give[1], &fds[arg[0]], 1));
}

static void do_sendpid(const long *arg NSX_UNUSED)
{
	NSX_REPLY(write(scm_up[0], "x", 1) == 1 ? 0 : -errno);
}

static void do_recvpid(const long *arg NSX_UNUSED)
{
	fds[2] = nsx_recv_pidfd(scm_down[1]);
	NSX_REPLY(fds[2] < 0 ? fds[2] : 0);
}

/* c: a proc of its own namespace, then fork m (procfd is c's mount there too) */
static void do_setup(const long *arg NSX_UNUSED)
{
	procfd = nsx_own_proc();
	NSX_REPLY(nsx_spawn_agent("m", NULL));
}

/* A row: the fdinfo of the pidfd of task that reader holds in slot, read
 * through reader's proc, of namespace ns: "Pid=x NSpid=a b", the first NSpid
 * word in ns, the others at the levels below it on task's chain. */
static void row(const char *what, int reader, int slot, int task, int ns)
{
	const long *v = nsx_by(reader, do_fdinfo, slot, 0, 0)->v;
	if (v[0] < 0)
		printf("%-44s no fdinfo\n", what);
	else
		printf("%-44s Pid=%s NSpid=%s%s%s\n", what, nsx_name_ns(ns, v[1]),
		       v[2] ? nsx_name_ns(ns, v[3]) : "(none)", v[2] > 1 ? " " : "",
		       v[2] > 1 ? nsx_nslist_names(task, nsx_ns_level(ns) + 1, &v[4], (int)v[2] - 1)
		                : "");
}

NSX_CASE(.family = "pidfds", .rows = "4.1 4.4", .kconfig = "CONFIG_NET CONFIG_UNIX");

int main(void)
{
	int one = 1;
	nsx_init("top", "outer");

	/* What does this kernel have?  Ask about ourselves first. */
	int sp[2];
	NSX_TRY(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp));
	int probe = peer_pidfd(sp[0]);
	if (probe == -ENOPROTOOPT)
		nsx_skip("SO_PEERPIDFD: ENOPROTOOPT: needs Linux 6.5");
	close(sp[0]);
	close(sp[1]);

	lsn = (int)NSX_TRY_NEG(nsx_listen_auto());
	NSX_TRY(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, scm_up));
	NSX_TRY(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, scm_down));
	NSX_TRY(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, give));
	NSX_TRY(setsockopt(scm_up[1], SOL_SOCKET, SO_PASSPIDFD, &one, sizeof(one)));
	NSX_TRY(setsockopt(scm_down[1], SOL_SOCKET, SO_PASSPIDFD, &one, sizeof(one)));
	int c = nsx_spawn_agent("c", "inner");
	int m = (int)nsx_do(c, do_setup, 0, 0, 0)->v[0];
	int outer = nsx_ns_of(0), inner = nsx_ns_of(c);
	procfd = nsx_procfd(); /* top's */

	printf("# peer_pidfd: pidfds of socket peers across pid namespaces\n");
	printf("# SO_PEERPIDFD: c connects to a socket top listen()ed; top accepts\n");
	NSX_TRY_NEG(nsx_do(c, do_connect, 0, 0, 0)->v[0]);
	fds[0] = (int)NSX_TRY_NEG(peer_pidfd((int)NSX_TRY(accept4(lsn, NULL, NULL, SOCK_CLOEXEC))));
	row("top, peer of its accepted socket (outer /proc):", 0, 0, c, outer);
	row("c, peer of its connected socket (inner /proc):", c, 0, 0, inner);
	NSX_TRY_NEG(nsx_send_fds(give[0], &fds[0], 1));
	NSX_TRY_NEG(nsx_do(m, do_take, 1, 0, 0)->v[0]);
	row("m, top's pidfd for c (inner /proc):", m, 1, c, inner);

	printf("# SCM_PIDFD over a datagram socketpair\n");
	NSX_TRY_NEG(nsx_do(c, do_sendpid, 0, 0, 0)->v[0]);
	fds[2] = (int)NSX_TRY_NEG(nsx_recv_pidfd(scm_up[1]));
	row("c -> top, top reads (outer /proc):", 0, 2, c, outer);
	NSX_TRY(write(scm_down[0], "x", 1));
	NSX_TRY_NEG(nsx_do(c, do_recvpid, 0, 0, 0)->v[0]);
	row("top -> c, c reads (inner /proc):", c, 2, 0, inner);

	nsx_exit();
}
