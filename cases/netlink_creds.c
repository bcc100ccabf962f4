// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netlink_creds - SCM_CREDENTIALS on a netlink socket between tasks in
 * different pid namespaces, and the port id a netlink socket autobinds to,
 * next to SCM_CREDENTIALS on an AF_UNIX socket between the same tasks.
 *
 * Tasks: top (namespace outer) and s, the init of namespace inner, share one
 * network namespace, top's own (made first, so that no other socket can
 * hold the port ids autobind tries).  Each opens a NETLINK_USERSOCK socket, binds it with
 * port id 0 (autobind) and sets SO_PASSCRED; top also makes an AF_UNIX
 * datagram socketpair with SO_PASSCRED on both ends before spawning s.  Each
 * sends the other one byte both ways, with no control message (the kernel
 * attaches the credentials).  Values print as the task they denote in the
 * namespace of whoever read them ("s@inner": s's number in inner, read in
 * outer -- the translation that did not happen).
 *
 * The golden lines and the kernel code behind them:
 *
 *   autobound port ids: top's = top, s's = s (each in its own namespace)
 *     net/netlink/af_netlink.c: netlink_autobind() tries
 *     task_tgid_vnr(current) first: the binder's number in its *own*
 *     namespace (a negative port id only on a collision).  A port id is an
 *     address, not a pid, but it looks like one to a peer elsewhere.
 *   netlink s -> top: pid=s@inner; top -> s: pid=top@outer
 *     netlink_sendmsg() calls scm_send(sock, msg, &scm, true), which fills
 *     scm.creds.pid = pid_vnr(task_tgid(current)) in the *sender*
 *     (include/net/scm.h: scm_set_cred()), stores it in NETLINK_CB(skb).creds;
 *     netlink_recvmsg() copies it back verbatim (scm.creds =
 *     *NETLINK_CREDS(skb)) and scm_recv() hands it out: the number is the
 *     sender's own, never translated for the receiver.  (The uid and gid
 *     are mapped at receive time.)  An inconsistency with AF_UNIX:
 *   AF_UNIX s -> top: pid=s; top -> s: pid=0
 *     af_unix keeps the sender's struct pid (UNIXCB(skb).pid) and the
 *     receiver's scm_set_cred() numbers it with pid_vnr() in the receiver.
 *   top -> s, SCM_CREDENTIALS pid=s (top's number for s): netlink=0
 *   pid=s@outer; AF_UNIX=0 pid=s
 *     top names s explicitly, by its own number for s, on a second netlink
 *     socket connected to s's port and on the AF_UNIX pair.
 *     net/core/scm.c scm_check_creds() allows a pid not the sender's own
 *     with CAP_SYS_ADMIN over the sender's pid namespace (top has it, also
 *     as root of the runner's user namespace); __scm_send() looks the pid up
 *     (find_get_pid()) and stores the number: 6.1.192 as written
 *     (p->creds.pid = creds.pid), 7.2.13 through scm_replace_pid()
 *     (creds.pid = pid_vnr(pid), the same number, in the sender).  Netlink
 *     hands that number to s verbatim: top's number for s, not s's own; the
 *     AF_UNIX receiver numbers the struct pid for itself.
 */
#include "nsx.h"

#include <errno.h>
#include <sched.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef NETLINK_USERSOCK
#define NETLINK_USERSOCK 2
#endif

static int nl = -1, up[2];

/* A NETLINK_USERSOCK socket, autobound, passing credentials: fd and port. */
static int nl_socket(long *port)
{
	int one = 1;
	struct sockaddr_nl a = {.nl_family = AF_NETLINK};
	socklen_t len = sizeof(a);
	int fd = (int)NSX_TRY(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_USERSOCK));
	NSX_TRY(bind(fd, (struct sockaddr *)&a, sizeof(a)));
	NSX_TRY(getsockname(fd, (struct sockaddr *)&a, &len));
	NSX_TRY(setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)));
	*port = (long)(int32_t)a.nl_pid;
	return fd;
}

/* Send one byte on netlink to port, no control message. */
static long nl_send(long port)
{
	struct sockaddr_nl to = {.nl_family = AF_NETLINK, .nl_pid = (uint32_t)port};
	return sendto(nl, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)) == 1 ? 0 : -errno;
}

static void do_send(const long *arg)
{
	/* arg: top's port */
	NSX_TRY_NEG(nl_send(arg[0]));
	NSX_TRY_NEG(nsx_send_cred(up[1], NULL));
	NSX_REPLY(0);
}

/* Receive the netlink byte, then the unix one. */
static void do_recv(const long *arg NSX_UNUSED)
{
	long out[4], u[4];
	nsx_recv_cred(nl, out);
	nsx_recv_cred(up[1], u);
	NSX_REPLY(out[0], out[1], out[2], u[0], u[1]);
}

static int s_fn(void *arg NSX_UNUSED)
{
	long port;
	nl = nl_socket(&port);
	NSX_SEND("port", port);
	nsx_serve();
}

static const char *cred(int reader, long got, long pid)
{
	if (got <= 0)
		return got ? nsx_errname((int)-got) : "no credentials";
	return nsx_fmt("pid=%s", nsx_name(reader, pid));
}

NSX_CASE(.family = "Credentials over sockets", .rows = "8.3 8.4 8.5", .kconfig = "CONFIG_NET_NS",
         .finding =
                 "Netlink SCM_CREDENTIALS carry the sender's pid as the sender numbers it "
                 "(`netlink_sendmsg()` -> `scm_send(..., true)` fills `scm.creds.pid` in the "
                 "sender; `netlink_recvmsg()` copies it back verbatim), where AF_UNIX numbers the "
                 "sender for the receiver: a receiver in an ancestor namespace gets the sender's "
                 "inner number, one in a child namespace the sender's outer number. The uid and "
                 "gid are mapped at receive time; the pid is not: `netlink_creds`.");

int main(void)
{
	long top_port, n[4], u[4];
	int one = 1;
	nsx_init("top", "outer");
	/* A network namespace of our own: port ids are per network namespace,
	 * and an autobind colliding with anyone else's would pick another. */
	NSX_TRY(unshare(CLONE_NEWNET));
	NSX_TRY(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, up));
	NSX_TRY(setsockopt(up[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)));
	NSX_TRY(setsockopt(up[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)));
	nl = nl_socket(&top_port);
	int s = nsx_spawn("s", "inner", s_fn, NULL);
	long s_port = nsx_recv(s, "port")->v[0];

	printf("# netlink_creds: SCM_CREDENTIALS over netlink and over AF_UNIX, top (outer) "
	       "and s (inner)\n");
	printf("autobound port ids: top's = %s, s's = %s (each named in its own namespace)\n",
	       nsx_name(0, top_port), nsx_name(s, s_port));
	nsx_do(s, do_send, top_port, 0, 0);
	nsx_recv_cred(nl, n);
	nsx_recv_cred(up[0], u);
	printf("s -> top: netlink %s; AF_UNIX %s\n", cred(0, n[0], n[1]), cred(0, u[0], u[1]));
	NSX_TRY_NEG(nl_send(s_port));
	NSX_TRY_NEG(nsx_send_cred(up[0], NULL));
	const struct nsx_msg *m = nsx_do(s, do_recv, 0, 0, 0);
	printf("top -> s: netlink %s; AF_UNIX %s\n", cred(s, m->v[0], m->v[1]),
	       cred(s, m->v[3], m->v[4]));
	/* Explicit credentials naming s by top's number for it (CAP_SYS_ADMIN
	 * over top's pid namespace allows naming another task), on a second
	 * netlink socket connected to s's port. */
	struct sockaddr_nl to = {.nl_family = AF_NETLINK, .nl_pid = (uint32_t)s_port};
	int nl2 = NSX_TRY(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_USERSOCK));
	NSX_TRY(connect(nl2, (struct sockaddr *)&to, sizeof(to)));
	struct ucred uc = {(pid_t)nsx_pid(s), getuid(), getgid()};
	long r1 = nsx_send_cred(nl2, &uc), r2 = nsx_send_cred(up[0], &uc);
	m = nsx_do(s, do_recv, 0, 0, 0);
	printf("top -> s, SCM_CREDENTIALS pid=%s (top's number for s): netlink=%s %s; AF_UNIX=%s "
	       "%s\n",
	       nsx_name(0, uc.pid), nsx_res(r1), cred(s, m->v[0], m->v[1]), nsx_res(r2),
	       cred(s, m->v[3], m->v[4]));
	nsx_exit();
}
