// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * user_ns_ids - uid and gid across user namespaces, next to the pid across
 * pid namespaces: SCM_CREDENTIALS, SO_PEERCRED and si_uid in one place.
 *
 * Tasks: top (namespace outer, uid 0, gid 0).  mapped is the first process
 * of pid namespace pm and unshares a user namespace whose uid_map is
 * "100 0 1" and gid_map "200 0 1" (its uid 100 is top's 0, its gid 200 is
 * top's 0).  unmapped is the first process of pid namespace pu and unshares
 * a user namespace with no maps at all.  top makes every socket before
 * spawning them: datagram socketpairs with SO_PASSCRED on the receiving end,
 * a stream socketpair, and a listening socket (autobound abstract address).
 * pids print as the task they denote in the receiver's pid namespace, ids
 * raw.
 *
 * The golden lines and the kernel code behind them:
 *
 *   mapped: getuid()=100 getgid()=200; unmapped: getuid()=65534
 *   getgid()=65534
 *     kernel/sys.c: getuid() = from_kuid_munged(current_user_ns(), uid):
 *     unmapped ids read as overflowuid/overflowgid (65534).
 *   SCM_CREDENTIALS top -> mapped: pid=0 uid=100 gid=200; top -> unmapped:
 *   pid=0 uid=65534 gid=65534
 *     include/net/scm.h: scm_recv() converts with from_kuid_munged() /
 *     from_kgid_munged() into the *receiver's* user namespace, as
 *     scm_set_cred() does the pid with pid_vnr() in its pid namespace.
 *   SCM_CREDENTIALS mapped -> top, attached or explicit {own pid, 100, 200}:
 *   pid=mapped uid=0 gid=0
 *     net/core/scm.c: __scm_send() -> scm_check_creds() turns an explicit
 *     uid/gid into kuid/kgid with make_kuid(cred->user_ns, ...), the
 *     *sender's* namespace: 100 -> kuid 0; top reads 0.
 *   SCM_CREDENTIALS unmapped -> top attached: pid=unmapped uid=0 gid=0;
 *   explicit {own pid, 65534, 65534}: EINVAL
 *     Attached credentials are the sender's kuid (0), fine for top.  An
 *     explicit ucred has to be written in the sender's own numbering, and
 *     in a namespace without maps no uid is valid: scm_check_creds() returns
 *     -EINVAL for !uid_valid(make_kuid(...)).  A task in an unmapped user
 *     namespace cannot send SCM_CREDENTIALS explicitly at all.
 *   SO_PEERCRED on the end of top's socketpair: mapped sees pid=0 uid=100
 *   gid=200, unmapped pid=0 uid=65534 gid=65534
 *     net/core/sock.c: cred_to_ucred(): pid_vnr() and from_kuid_munged(
 *     current_user_ns(), euid) at getsockopt() time, in the caller's
 *     namespaces; the peer of both ends is top, who made the pair.
 *   SO_PEERCRED top, on the socket accepted from mapped: pid=mapped uid=0
 *   gid=0
 *     The same, read by top.
 *   kill() top -> mapped: si_pid=0 si_uid=100; top -> unmapped: si_pid=0
 *   si_uid=65534
 *     kernel/signal.c: send_signal_locked(): si_pid is zeroed because top
 *     has no number in the receiver's pid namespace; si_uid is remapped
 *     with make_kuid() in the sender's and from_kuid_munged() in the
 *     receiver's user namespace because they differ.
 */
#include "nsx.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

enum { DOWN_M, DOWN_U, UP_M, UP_U, NPAIR };
static int dg[NPAIR][2]; /* [0] sends, [1] receives (SO_PASSCRED) */
static int pair_sv[2], lsn;

static void do_recv(const long *arg)
{
	/* arg: pair */
	long out[4];
	nsx_recv_cred(dg[arg[0]][1], out);
	NSX_REPLY(out[0], out[1], out[2], out[3]);
}

static void do_send(const long *arg)
{
	/* arg: pair, explicit? */
	struct ucred uc = {getpid(), getuid(), getgid()};
	NSX_REPLY(nsx_send_cred(dg[arg[0]][0], arg[1] ? &uc : NULL));
}

static void do_peer(NSX_UNUSED const long *arg)
{
	long out[4];
	nsx_peercred(pair_sv[1], out);
	NSX_REPLY(1, out[0], out[1], out[2]); /* as nsx_cred_str() reads it */
}

static void do_connect(NSX_UNUSED const long *arg)
{
	int fd = nsx_connect_name(nsx_sock_name(lsn));
	NSX_REPLY(fd < 0 ? fd : 0);
}

static void do_sig(NSX_UNUSED const long *arg)
{
	nsx_send_siginfo("reply", SIGUSR1);
}

static int userns_fn(void *arg)
{
	NSX_TRY_ERR(-nsx_new_userns(arg ? "100 0 1\n" : NULL, arg ? "200 0 1\n" : NULL));
	nsx_block(SIGUSR1);
	NSX_SEND("ids", (long)getuid(), (long)getgid());
	nsx_serve();
}

static void row(const char *what, const char *result)
{
	printf("%-60s %s\n", what, result);
}

NSX_CASE(.family = "Credentials over sockets", .rows = "8.1 U.1 U.5 U.6 U.10",
         .kconfig = "CONFIG_USER_NS", .variants = "si-pid-not-zeroed");

int main(void)
{
	const char *line;
	int one = 1;

	nsx_init("top", "outer");
	for (int p = 0; p < NPAIR; p++) {
		NSX_TRY(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, dg[p]));
		NSX_TRY(setsockopt(dg[p][1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)));
	}
	lsn = nsx_listen_auto();
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair_sv) || lsn < 0)
		nsx_fail("sockets: %s", nsx_errname(lsn < 0 ? -lsn : errno));
	int who[2]; /* mapped, unmapped: their pairs are DOWN_M + k and UP_M + k */
	who[0] = nsx_spawn("mapped", "pm", userns_fn, "map");
	const struct nsx_msg *idm = nsx_recv(who[0], "ids");
	who[1] = nsx_spawn("unmapped", "pu", userns_fn, NULL);
	const struct nsx_msg *idu = nsx_recv(who[1], "ids");
	int mapped = who[0];

	printf("# user_ns_ids: uid/gid across user namespaces, pid across pid namespaces\n");
	printf("mapped: uid_map \"100 0 1\", gid_map \"200 0 1\": getuid()=%ld getgid()=%ld\n",
	       idm->v[0], idm->v[1]);
	printf("unmapped: no maps: getuid()=%ld getgid()=%ld\n", idu->v[0], idu->v[1]);

	printf("# SCM_CREDENTIALS (top is uid 0, gid 0)\n");
	for (int k = 0; k < 2; k++) {
		long r = nsx_send_cred(dg[DOWN_M + k][0], NULL);
		line = nsx_fmt("top -> %s (attached):", nsx_task_name(who[k]));
		row(line, nsx_cred_str(who[k], r ? (long[4]){r}
		                                 : nsx_do(who[k], do_recv, DOWN_M + k, 0, 0)->v));
	}
	for (int explicit = 0; explicit < 2; explicit ++)
		for (int k = 0; k < 2; k++) {
			line = nsx_fmt("%s -> top (%s):", nsx_task_name(who[k]),
			               explicit ? "explicit {own pid, getuid(), getgid()}"
			                        : "attached");
			long r = nsx_do(who[k], do_send, UP_M + k, explicit, 0)->v[0];
			row(line, nsx_cred_str(0, r ? (long[4]){r}
			                            : nsx_by(0, do_recv, UP_M + k, 0, 0)->v));
		}

	printf("# SO_PEERCRED\n");
	for (int k = 0; k < 2; k++) {
		line = nsx_fmt("%s, on its end of top's socketpair:", nsx_task_name(who[k]));
		row(line, nsx_cred_str(who[k], nsx_do(who[k], do_peer, 0, 0, 0)->v));
	}
	long r = nsx_do(mapped, do_connect, 0, 0, 0)->v[0];
	int acc = r ? -1 : accept4(lsn, NULL, NULL, SOCK_CLOEXEC);
	if (acc < 0)
		nsx_fail("connect/accept: %s", nsx_errname(r ? (int)-r : errno));
	long pt[4] = {1};
	nsx_peercred(acc, &pt[1]);
	row("top, on the socket it accepted from mapped:", nsx_cred_str(0, pt));

	printf("# si_uid\n");
	for (int k = 0; k < 2; k++) {
		r = nsx_rc(kill(nsx_pid(who[k]), SIGUSR1));
		line = nsx_fmt("top -> %s kill(SIGUSR1)=%s:", nsx_task_name(who[k]), nsx_res(r));
		row(line, nsx_siginfo_str(who[k], nsx_do(who[k], do_sig, 0, 0, 0)));
	}
	nsx_exit();
}
