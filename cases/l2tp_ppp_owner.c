// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * l2tp_ppp_owner - getsockname() on a connected PPPoL2TP socket returns
 * sockaddr_pppol2tp's pid, the global thread id of the task that connected
 * it, to that task in whatever pid namespace.  Needs AF_PPPOX with
 * PX_PROTO_OL2TP (CONFIG_PPPOL2TP: make vm's own kernels have it built in,
 * vm/config; Debian's cloud kernels have L2TP but no PPP) and a network
 * namespace of its own (CAP_SYS_ADMIN: the tunnel ids are the network
 * namespace's, so two runs at once never share one); skips otherwise.
 *
 * Tasks: top (namespace outer); c, the init of namespace inner, in a new
 * network namespace, makes a UDP socket and a PPPoL2TP socket and connects
 * the second with tunnel id 1, session ids 0 (the tunnel's management
 * socket), giving the first as the tunnel's socket; then reads its address.
 * The pid is named as a number read in c's namespace: "unknown" is a number
 * no task of the case has in any of its namespaces, a number of the initial
 * namespace, which outer is below.
 *
 * The golden lines and the kernel code behind them (net/l2tp/l2tp_ppp.c,
 * 6.1.192; the same in 7.2.13):
 *
 *   c connects its PPPoL2TP socket (tunnel 1, session 0): 0
 *     pppol2tp_connect() -> pppol2tp_tunnel_get() creates and registers the
 *     tunnel on the UDP socket (session ids 0), l2tp_session_create() the
 *     management session, and pppol2tp_session_init() stores
 *     ps->owner = current->pid, the connecting task's global number.
 *   c reads getsockname()'s pid: unknown; tunnel 1, session 0
 *     pppol2tp_getname() copies sp.pppol2tp.pid = pls->owner (a struct
 *     sockaddr_pppol2tp for an L2TPv2 tunnel over IPv4) untranslated.
 * net/l2tp/l2tp_debugfs.c is another matter: l2tp_dfs_seq_open() finds the
 * opener's network namespace with get_net_ns_by_pid(current->pid), which
 * looks the global number up in the opener's pid namespace
 * (find_task_by_vpid()): from a child pid namespace it finds another task or
 * none (ESRCH).  debugfs is root's, and no case opens it.
 */
#include "nsx.h"

#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
/* after netinet/in.h, which keeps linux/in.h from defining its structs again */
#include <linux/if_pppol2tp.h>
#include <linux/if_pppox.h>

/* How far c got: the step that failed, with its -errno. */
enum { S_NETNS = 1, S_UDP, S_PPPOX, S_CONNECT, S_NAME, S_DONE };

/* In a network namespace of its own, a UDP socket and a PPPoL2TP tunnel
 * management socket on it: {step, 0 or -errno, pid, tunnel, session}. */
static void do_connect(const long *arg NSX_UNUSED)
{
	struct sockaddr_pppol2tp sa, got;
	socklen_t len = sizeof(got);
	int step = S_NETNS, udp = -1, px = -1;
	long r = unshare(CLONE_NEWNET);
	if (!r) {
		step = S_UDP;
		udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		r = udp < 0 ? -1 : 0;
	}
	if (!r) {
		step = S_PPPOX;
		px = socket(AF_PPPOX, SOCK_DGRAM | SOCK_CLOEXEC, PX_PROTO_OL2TP);
		r = px < 0 ? -1 : 0;
	}
	if (!r) {
		step = S_CONNECT;
		memset(&sa, 0, sizeof(sa));
		sa.sa_family = AF_PPPOX;
		sa.sa_protocol = PX_PROTO_OL2TP;
		sa.pppol2tp.fd = udp;
		sa.pppol2tp.addr.sin_family = AF_INET;
		sa.pppol2tp.s_tunnel = 1;
		sa.pppol2tp.d_tunnel = 2;
		r = connect(px, (struct sockaddr *)&sa, sizeof(sa));
	}
	if (!r) {
		step = S_NAME;
		memset(&got, 0, sizeof(got));
		r = getsockname(px, (struct sockaddr *)&got, &len);
	}
	if (r)
		NSX_REPLY(step, -errno);
	else
		NSX_REPLY(S_DONE, 0, got.pppol2tp.pid, got.pppol2tp.s_tunnel,
		          got.pppol2tp.s_session);
}

NSX_CASE(.family = "Kernel threads, fault handlers and side channels", .rows = "8.9",
         .kconfig = "CONFIG_INET CONFIG_NETDEVICES CONFIG_PPP CONFIG_L2TP CONFIG_PPPOL2TP");

int main(void)
{
	nsx_init("top", "outer");
	int c = nsx_scene(0).c;
	const long *v = nsx_do(c, do_connect, 0, 0, 0)->v;
	if (v[0] == S_NETNS)
		nsx_skip("unshare(CLONE_NEWNET): %s (needs CAP_SYS_ADMIN)",
		         nsx_errname((int)-v[1]));
	if (v[0] == S_UDP)
		nsx_skip("a UDP socket: %s (CONFIG_INET)", nsx_errname((int)-v[1]));
	if (v[0] == S_PPPOX)
		nsx_skip("socket(AF_PPPOX, SOCK_DGRAM, PX_PROTO_OL2TP): %s (CONFIG_PPPOL2TP)",
		         nsx_errname((int)-v[1]));
	printf("# l2tp_ppp_owner: c (inner) connects a PPPoL2TP tunnel management socket\n");
	printf("c connects its PPPoL2TP socket (tunnel 1, session 0): %s\n",
	       nsx_res(v[0] == S_CONNECT ? v[1] : 0));
	if (v[0] == S_CONNECT)
		nsx_exit();
	if (v[0] == S_NAME)
		printf("c reads getsockname(): %s\n", nsx_res(v[1]));
	else
		printf("c reads getsockname()'s pid: %s; tunnel %ld, session %ld\n",
		       nsx_name(c, v[2]), v[3], v[4]);
	nsx_exit();
}
