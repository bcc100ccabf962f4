// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * peer_credentials - SO_PEERCRED across pid namespaces: whose identity a
 * socket remembers, when it is taken, and in whose numbering it is shown.
 *
 * Tasks: top (namespace outer) spawns c, the init of namespace inner; c
 * spawns m (inner).  Before spawning, top makes a listening socket L1
 * (autobound abstract address, listen() by top), a stream socketpair P (c keeps one
 * end) and two datagram socketpairs to pass descriptors around.  Every pid
 * prints as the task it denotes in the namespace of the task that called
 * getsockopt().
 *
 * The golden lines and the kernel code behind them:
 *
 *   c connects to L1, top accepts: top's SO_PEERCRED on the accepted socket
 *   = c; c's on its connected socket = 0; the accepted socket passed to m
 *   (inner) and asked there = c
 *     net/unix/af_unix.c: unix_stream_connect() gives the server-side socket
 *     the connecting task's struct pid and cred (init_nsx_peercred(newsk)) and
 *     the client socket the listener's (copy_nsx_peercred(sk, other)), both
 *     taken at connect() time.  net/core/sock.c: sk_getsockopt(SO_PEERCRED)
 *     -> cred_to_ucred(): pid = pid_vnr(sk_peer_pid), computed at each
 *     getsockopt() in the *caller's* namespace: the same socket shows c's
 *     outer number to top and c's own 1 to m; top has no number in inner.
 *     uid/gid = from_kuid_munged(current_user_ns(), euid/egid): 0 here.
 *   m listens on L2 and hands the listening socket to top; c connects, top
 *   accepts: c's SO_PEERCRED = m, not top; top's on the accepted one = c
 *     unix_listen() -> init_nsx_peercred(sk) records whoever called listen();
 *     copy_nsx_peercred() hands that to the connecting side.  Who accept()s does
 *     not matter.
 *   socketpair P made by top, one end held by c: c's SO_PEERCRED = 0, top's
 *   on its own end = top (itself)
 *     unix_socketpair() -> init_nsx_peercred() on *both* ends with the creator:
 *     a socketpair's peer is whoever made it, not whoever holds the other end.
 */
#include "nsx.h"

#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>

static int l1, pair_sv[2], to_m[2], to_top[2];
static int l2 = -1;
/* The sockets each task asks about: in c, 1 and 2 its connected sockets, 3
 * its end of P; in top, 1 and 2 the sockets it accepted, 3 its end of P; in
 * m, 4 the socket top passed. */
static int fds[5] = {-1, -1, -1, -1, -1};

static void do_connect(const long *arg)
{
	/* arg: which (1, 2), the listener's name */
	fds[arg[0]] = (int)NSX_TRY_NEG(nsx_connect_name(arg[1]));
	NSX_REPLY(0);
}

static void do_peercred(const long *arg)
{
	long pc[3];
	nsx_peercred(fds[arg[0]], pc);
	NSX_REPLY(pc[0], pc[1], pc[2]);
}

static void do_listen(const long *arg NSX_UNUSED)
{
	/* m: listen on L2 and give the socket to top */
	l2 = (int)NSX_TRY_NEG(nsx_listen_auto());
	NSX_REPLY(nsx_send_fds(to_top[0], &l2, 1));
}

static void do_take_fd(const long *arg NSX_UNUSED)
{
	NSX_REPLY(nsx_recv_fds(to_m[1], &fds[4], 1));
}

/* c: take its end of P, fork m */
static void do_setup(const long *arg NSX_UNUSED)
{
	fds[3] = pair_sv[1];
	NSX_REPLY(nsx_spawn_agent("m", NULL));
}

/* SO_PEERCRED of task's socket which, as task sees it. */
static void show(const char *what, int task, int which)
{
	const long *pc = nsx_by(task, do_peercred, which, 0, 0)->v;
	if (pc[0] < 0)
		printf("%-58s %s\n", what, nsx_errname((int)-pc[0]));
	else
		printf("%-58s pid=%s uid=%ld gid=%ld\n", what, nsx_name(task, pc[0]), pc[1], pc[2]);
}

NSX_CASE(.family = "Credentials over sockets", .rows = "8.1", .kconfig = "CONFIG_NET CONFIG_UNIX");

int main(void)
{
	nsx_init("top", "outer");
	l1 = (int)NSX_TRY_NEG(nsx_listen_auto());
	NSX_TRY(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair_sv));
	NSX_TRY(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, to_m));
	NSX_TRY(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, to_top));
	int c = nsx_spawn_agent("c", "inner");
	int m = (int)nsx_do(c, do_setup, 0, 0, 0)->v[0];

	printf("# peer_credentials: SO_PEERCRED pid as the caller of getsockopt() sees it\n");
	printf("# L1: c connects, top listen()ed and accepts\n");
	nsx_do(c, do_connect, 1, nsx_sock_name(l1), 0);
	fds[1] = (int)NSX_TRY(accept4(l1, NULL, NULL, SOCK_CLOEXEC));
	show("top, on the accepted socket:", 0, 1);
	show("c, on its connected socket:", c, 1);
	NSX_TRY_NEG(nsx_send_fds(to_m[0], &fds[1], 1));
	NSX_TRY_NEG(nsx_do(m, do_take_fd, 0, 0, 0)->v[0]);
	show("m (inner), on top's accepted socket:", m, 4);

	printf("# L2: m listen()s and hands the socket to top; c connects, top accepts\n");
	NSX_TRY_NEG(nsx_do(m, do_listen, 0, 0, 0)->v[0]);
	NSX_TRY_NEG(nsx_recv_fds(to_top[1], &l2, 1));
	nsx_do(c, do_connect, 2, nsx_sock_name(l2), 0);
	fds[2] = (int)NSX_TRY(accept4(l2, NULL, NULL, SOCK_CLOEXEC));
	show("c, on its connected socket:", c, 2);
	show("top, on the socket it accepted:", 0, 2);

	printf("# socketpair P made by top; c holds the other end\n");
	show("c, on its end:", c, 3);
	fds[3] = pair_sv[0];
	show("top, on its end:", 0, 3);
	nsx_exit();
}
