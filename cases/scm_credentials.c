// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scm_credentials - the pid (and uid, gid) in SCM_CREDENTIALS over AF_UNIX
 * when sender and receiver are in different pid namespaces.
 *
 * Namespaces and tasks: top (outer); a1 (init) and m1 in A1; a2 in A2 (below
 * A1); a3 in A3 (below A2); s1 and s2, inits of the sibling namespaces S1
 * and S2.  top makes every socketpair before spawning anyone (so s1 and s2
 * talk through a pair their common ancestor made) and sets SO_PASSCRED on
 * each receiving end.  Each line sends one byte twice: first with an
 * explicit SCM_CREDENTIALS {getpid(), getuid(), getgid()} ("explicit"), then
 * with no control message at all, the kernel attaching the sender's
 * credentials because the receiver asked ("attached").  pid prints as the
 * task it denotes in the receiver's namespace.
 *
 * The golden lines and the kernel code behind them:
 *
 *   a1 -> top, a3 -> top, a3 -> a1: pid = the sender (its number in the
 *   receiver's namespace); top -> a1, top -> a3, s1 -> s2: pid=0; the same
 *   for SOCK_DGRAM and SOCK_STREAM, explicit or attached
 *     net/core/scm.c: __scm_send() checks an explicit ucred with
 *     scm_check_creds(), then find_get_pid(creds.pid) - the number is read in
 *     the *sender's* namespace - and keeps the struct pid; without one,
 *     net/unix/af_unix.c: maybe_add_creds()/unix_scm_to_skb() attach
 *     task_tgid(current).  Either way the skb carries a struct pid.  On
 *     receive, scm_set_cred() (include/net/scm.h) sets creds.pid =
 *     pid_vnr(pid) in the *receiver's* context: its number there, 0 when the
 *     sender is not visible (parent -> child, sibling -> sibling).
 *     uid/gid: from_kuid_munged(current_user_ns()) in scm_recv(): 0 here.
 *   a1 -> top with ucred.pid = m1's number: accepted, top sees m1
 *     scm_check_creds(): a pid other than task_tgid_vnr(current) needs
 *     CAP_SYS_ADMIN in the user namespace owning the sender's pid namespace
 *     (ns_capable(task_active_pid_ns(current)->user_ns, ...)); a1 has it.
 *     The pid names m1 in A1, and top gets m1's number in outer.
 *   a1 -> top with ucred.pid = top's outer number: ESRCH
 *     find_get_pid() looks the number up in A1: there is no such task.
 *   m1 without capabilities -> top with ucred.pid = a1's number: EPERM; with
 *   its own number: accepted, pid=m1
 *     scm_check_creds() without CAP_SYS_ADMIN allows only the caller's own
 *     tgid (uid and gid are its own, so those checks pass).
 */
#include "nsx.h"

#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

enum { TOP, A1, M1, A2, A3, S1, S2, NT };
static const char *const names[NT] = {"top", "a1", "m1", "a2", "a3", "s1", "s2"};
static const char *const nsnames[NT] = {NULL, "A1", NULL, "A2", "A3", "S1", "S2"};

static const struct pair {
	int from, to;
	const char *what;
} pairs[] = {
        {A1, TOP, "child -> parent"},    {TOP, A1, "parent -> child"},
        {S1, S2, "sibling -> sibling"},  {A3, TOP, "three levels up"},
        {A3, A1, "two levels up"},       {TOP, A3, "three levels down"},
        {M1, TOP, "m1 -> parent of A1"},
};
#define NPAIRS ((int)(sizeof(pairs) / sizeof(pairs[0])))
static int sv[NPAIRS][2][2]; /* [pair][0 dgram, 1 stream][end] */
static int idx[NT];

enum { M_ATTACHED, M_EXPLICIT, M_FORGED };

/* arg: pair, socket type (0 dgram, 1 stream), mode | forged pid << 8 */
static void do_send(const long *arg)
{
	int p = (int)arg[0], t = (int)arg[1], mode = (int)(arg[2] & 0xff);
	struct ucred uc = {mode == M_FORGED ? (pid_t)(arg[2] >> 8) : getpid(), getuid(), getgid()};
	NSX_REPLY(nsx_send_cred(sv[p][t][0], mode == M_ATTACHED ? NULL : &uc));
}

static void do_recv(const long *arg)
{
	long out[4];
	nsx_recv_cred(sv[arg[0]][arg[1]][1], out);
	NSX_REPLY(out[0], out[1], out[2], out[3]);
}

static void do_dropcaps(NSX_UNUSED const long *arg)
{
	NSX_REPLY(nsx_drop_caps());
}

static int task_fn(void *arg);

static void start(int k)
{
	nsx_spawn(names[k], nsnames[k], task_fn, (void *)(long)k);
}

/* The task at position arg: a1 starts m1 and a2, a2 starts a3. */
static int task_fn(void *arg)
{
	if (arg == (void *)(long)A1) {
		start(M1);
		start(A2);
	} else if (arg == (void *)(long)A2) {
		start(A3);
	}
	NSX_SEND("up", 1);
	nsx_serve();
}

/* One transfer over pair p, socket type t; returns the cell's text. */
static const char *transfer(int p, int t, int mode, pid_t pid)
{
	int to = idx[pairs[p].to];
	long res = nsx_by(idx[pairs[p].from], do_send, p, t, mode | ((long)pid << 8))->v[0];
	const long *got = res < 0 ? NULL : nsx_by(to, do_recv, p, t, 0)->v;
	if (got && got[0] >= 0)
		return nsx_cred_str(to, got);
	return nsx_fmt("%s=%s", got ? "recvmsg" : "sendmsg",
	               nsx_errname((int)-(got ? got[0] : res)));
}

NSX_CASE(.family = "Credentials over sockets", .rows = "8.2 8.3",
         .kconfig = "CONFIG_NET CONFIG_UNIX");

int main(void)
{
	static const int types[2] = {SOCK_DGRAM, SOCK_STREAM};
	nsx_init("top", "outer");
	for (int p = 0; p < NPAIRS; p++)
		for (int t = 0; t < 2; t++) {
			NSX_TRY(socketpair(AF_UNIX, types[t] | SOCK_CLOEXEC, 0, sv[p][t]));
			NSX_TRY(setsockopt(sv[p][t][1], SOL_SOCKET, SO_PASSCRED, &(int){1},
			                   sizeof(int)));
		}
	start(A1);
	start(S1);
	start(S2);
	for (int n = 1; n < NT; n++)
		nsx_recv(-1, "up");
	for (int k = 0; k < NT; k++)
		idx[k] = nsx_find(names[k]);

	printf("# scm_credentials: SCM_CREDENTIALS pid as the receiver sees it\n");
	printf("# outer: top | A1: a1 m1 | A2 (in A1): a2 | A3 (in A2): a3 | S1: s1 | S2: s2\n");
	for (int p = 0; p < NPAIRS - 1; p++)
		for (int t = 0; t < 2; t++) {
			const char *what =
			        nsx_fmt("%s %s -> %s (%s)", t ? "STREAM" : "DGRAM ",
			                names[pairs[p].from], names[pairs[p].to], pairs[p].what);
			const char *ex = transfer(p, t, M_EXPLICIT, 0);
			printf("%-44s explicit: %-22s attached: %s\n", what, ex,
			       transfer(p, t, M_ATTACHED, 0));
		}

	printf("# a ucred naming another task (DGRAM)\n");
	pid_t m1_in_a1 = nsx_nr_in(idx[M1], nsx_ns_of(idx[A1]));
	printf("a1 -> top, ucred.pid=<m1's number in A1>: %s\n",
	       transfer(0, 0, M_FORGED, m1_in_a1));
	printf("a1 -> top, ucred.pid=<top's number in outer>: %s\n",
	       transfer(0, 0, M_FORGED, nsx_pid(0)));
	printf("m1 drops all capabilities: capset()=%s\n",
	       nsx_res(nsx_do(idx[M1], do_dropcaps, 0, 0, 0)->v[0]));
	printf("m1 -> top, ucred.pid=<a1's number in A1>: %s\n",
	       transfer(NPAIRS - 1, 0, M_FORGED, nsx_nr_in(idx[A1], nsx_ns_of(idx[A1]))));
	printf("m1 -> top, ucred.pid=<its own number>: %s\n",
	       transfer(NPAIRS - 1, 0, M_FORGED, m1_in_a1));
	nsx_exit();
}
