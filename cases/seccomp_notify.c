// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * seccomp_notify - seccomp user notification across pid namespaces: the pid
 * a supervisor reads in struct seccomp_notif, with the supervisor in the
 * target's parent namespace, in a sibling and in the target's own; and
 * SECCOMP_IOCTL_NOTIF_ID_VALID once the target has died.
 *
 * Tasks: top (namespace outer); t, the init of namespace inner, and s (inner);
 * x, the init of the sibling namespace sib.  t sets no_new_privs and installs
 * a filter that sends ioprio_get() to a listener (SECCOMP_FILTER_FLAG_NEW_LISTENER),
 * and hands the listener to each supervisor in turn over SCM_RIGHTS.  For
 * each, t calls ioprio_get(); the supervisor receives the notification,
 * checks its id and answers with a value of its own (40 + its turn), which
 * t's call returns.  Last, top receives one more notification, SIGKILLs t,
 * and once t is dead (waitid WNOWAIT) asks about the id again.  A pid prints
 * as the task it denotes in the supervisor's namespace.
 *
 * The golden lines and the kernel code behind them:
 *
 *   top reads pid=t, s reads pid=t, x reads pid=0; syscall ioprio_get; ID_VALID 0;
 *   t's call returns the value the supervisor sent
 *     kernel/seccomp.c: seccomp_notify_recv() fills unotif.pid =
 *     task_pid_vnr(knotif->task): the target numbered in the namespace of
 *     whoever calls SECCOMP_IOCTL_NOTIF_RECV, 0 where it has no number;
 *     seccomp_notify_send() completes the waiting seccomp_do_user_notification(),
 *     which returns resp.val as the syscall's result.
 *   TSYNC: t's thread tt has a filter of its own; t's
 *   SECCOMP_FILTER_FLAG_TSYNC then fails and returns tt, in t's numbering
 *     kernel/seccomp.c: seccomp_can_sync_threads() returns
 *     task_pid_vnr(thread) of the first thread whose filters are not an
 *     ancestor of the caller's.
 *   after t's death: ID_VALID ENOENT, NOTIF_SEND ENOENT
 *     seccomp_do_user_notification(): the killed target's
 *     wait_for_completion_killable() ends and it list_del()s its
 *     notification; seccomp_notify_id_valid() and seccomp_notify_send()
 *     find_notification() nothing: -ENOENT.
 */
#include "nsx.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int sv[2] = {-1, -1}; /* t -> supervisors, for the listener */
static int listener = -1;

static const struct sock_filter allow[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};

/* tt: a filter of its own (this thread only), so that the others' filters
 * differ from its. */
static int tt_fn(NSX_UNUSED void *arg)
{
	struct sock_fprog prog = {1, (struct sock_filter *)allow};
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
	NSX_SEND("tt-filter", r < 0 ? -errno : r);
	nsx_park();
}

/* t: a filter that sends ioprio_get() to a new listener; 0 or -errno. */
static void do_listen(NSX_UNUSED const long *arg)
{
	struct sock_filter f[] = {
	        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_ioprio_get, 0, 1),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {sizeof(f) / sizeof(f[0]), f};
	if (!prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		listener = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		                        SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	NSX_REPLY(listener < 0 ? -errno : 0);
}

static void do_give(NSX_UNUSED const long *arg)
{
	NSX_REPLY(nsx_send_fds(sv[1], &listener, 1));
}

static void do_take(NSX_UNUSED const long *arg)
{
	if (listener >= 0)
		close(listener);
	NSX_REPLY(nsx_recv_fds(sv[0], &listener, 1));
}

static void do_tsync(NSX_UNUSED const long *arg)
{
	/* t: a filter for all threads, which tt's blocks */
	struct sock_fprog prog = {1, (struct sock_filter *)allow};
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog);
	NSX_REPLY(r < 0 ? -errno : r);
}

static void do_call(NSX_UNUSED const long *arg)
{
	long r = syscall(SYS_ioprio_get, 1, 0);
	NSX_REPLY(r < 0 ? -errno : r);
}

/* Receive one notification, check its id, answer arg[0] (none if < 0):
 * {recv result, pid, syscall nr, ID_VALID result, SEND result, id}. */
static void do_supervise(const long *arg)
{
	struct seccomp_notif n = {0};
	struct seccomp_notif_resp r = {0};
	long rr = nsx_rc(ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &n)), rv = 0, rs = 0;
	if (!rr)
		rv = nsx_rc(ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &n.id));
	r.id = n.id;
	r.val = arg[0];
	if (!rr && arg[0] >= 0)
		rs = nsx_rc(ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &r));
	NSX_REPLY(rr, n.pid, n.data.nr, rv, rs, (long)n.id);
}

static int t_fn(NSX_UNUSED void *arg)
{
	nsx_spawn_agent("s", NULL);
	nsx_thread("tt", tt_fn, NULL);
	NSX_SEND("up", 1);
	nsx_serve();
}

static void show(int sup, const long *o, long ret)
{
	printf("%-3s (%s) NOTIF_RECV %s: pid=%s syscall=%s; ID_VALID %s; NOTIF_SEND %s; t's "
	       "ioprio_get() returns %ld\n",
	       nsx_task_name(sup), nsx_ns_name(nsx_ns_of(sup)), nsx_res(o[0]), nsx_name(sup, o[1]),
	       o[2] == SYS_ioprio_get ? "ioprio_get" : "another", nsx_res(o[3]), nsx_res(o[4]),
	       ret);
}

NSX_CASE(.family = "seccomp user notification", .rows = "16.1 16.2");

int main(void)
{
	nsx_init("top", "outer");
	NSX_TRY(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
	int t = nsx_spawn("t", "inner", t_fn, NULL);
	int x = nsx_spawn_agent("x", "sib");
	nsx_recv(t, "up");
	int s = nsx_find("s"), top = nsx_find("top");
	long ttf = nsx_recv(nsx_find("tt"), "tt-filter")->v[0];
	long r = nsx_do(t, do_listen, 0, 0, 0)->v[0];
	if (r == -EINVAL || r == -ENOSYS)
		nsx_skip("SECCOMP_FILTER_FLAG_NEW_LISTENER: %s: needs Linux 5.0",
		         nsx_errname((int)-r));
	if (r)
		nsx_fail("t's filter: %s", nsx_errname((int)-r));

	printf("# seccomp_notify: seccomp_notif.pid of t (inner) for supervisors in outer, sib "
	       "and inner\n");
	long ts = nsx_do(t, do_tsync, 0, 0, 0)->v[0];
	printf("t's thread tt installs a filter of its own: %s; t's SECCOMP_FILTER_FLAG_TSYNC: "
	       "%s\n",
	       nsx_res(ttf), ts > 0 ? nsx_name(t, ts) : nsx_res(ts));
	int sups[3] = {top, x, s};
	for (int k = 0; k < 3; k++) {
		NSX_TRY_NEG(nsx_do(t, do_give, 0, 0, 0)->v[0]);
		NSX_TRY_NEG(nsx_by(sups[k], do_take, 0, 0, 0)->v[0]);
		nsx_ask(t, do_call, 0, 0, 0);
		const long *o = nsx_by(sups[k], do_supervise, 40 + k, 0, 0)->v;
		show(sups[k], o, nsx_recv(t, "reply")->v[0]);
	}

	nsx_ask(t, do_call, 0, 0, 0);
	const long *o = nsx_by(top, do_supervise, -1, 0, 0)->v;
	printf("top receives one more: %s, pid=%s, ID_VALID %s\n", nsx_res(o[0]),
	       nsx_name(top, o[1]), nsx_res(o[3]));
	long w[6], k = nsx_rc(kill(nsx_pid(t), SIGKILL));
	long wr = nsx_waitid(nsx_pid(t), WEXITED | WNOWAIT, w);
	printf("top kills t: %s; waitid: %s %s %s\n", nsx_res(k), nsx_res(wr),
	       nsx_sicode(SIGCHLD, (int)w[1]), nsx_signame((int)w[5]));
	__u64 id = (__u64)o[5];
	struct seccomp_notif_resp resp = {.id = id};
	printf("  then ID_VALID %s, NOTIF_SEND %s\n",
	       nsx_res(nsx_rc(ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id))),
	       nsx_res(nsx_rc(ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp))));
	nsx_exit();
}
