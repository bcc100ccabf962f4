// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * userns_views - the uids and gids a task in a user namespace is told when
 * the map is not the identity: its own and its child's, in /proc status,
 * stat(), signals, ptrace, SIGCHLD and waitid(), /proc/sysvipc and
 * mq_notify(); and what its explicit SCM_CREDENTIALS and its kill() tell
 * the top outside.
 *
 * Tasks: top (namespace outer, uid 0, gid 0) makes a datagram socketpair
 * (SO_PASSCRED on its end), a SysV message queue, a SysV shared memory
 * segment and a POSIX message queue (in a private IPC namespace), then
 * spawns u in its pid namespace.  u unshares a user namespace with uid_map
 * "100 0 1" and gid_map "200 0 1" (its 100 is top's 0, its 200 top's 0),
 * drops every capability (capset() to nothing) and spawns k, which parks:
 * u and k are uid 100, gid 200 in u's namespace.  Every id top's namespace
 * knows as 0 is 100 or 200 in u's; a translation into the initial user
 * namespace instead would print 0 (the runner's real uid when it runs
 * unprivileged, through its own user namespace).  pids print as the task
 * they denote for the receiver (one pid namespace here), ids raw.
 *
 * The golden lines and the kernel code behind them:
 *
 *   u: getuid()=100 getgid()=200
 *     kernel/sys.c getuid(): from_kuid_munged(current_user_ns(), ...).
 *   u reads /proc/self/status and /proc/<top>/status: Uid 100 x4, Gid 200
 *   x4; top reads u's: Uid 0 x4, Gid 0 x4
 *     fs/proc/array.c task_state(): from_kuid_munged(user_ns, cred->uid,
 *     euid, suid, fsuid) and from_kgid_munged() likewise, user_ns =
 *     seq_user_ns(), the user namespace of the file's opener.
 *   u fstat() of its pipe: st_uid=100 st_gid=200
 *     fs/stat.c cp_new_stat(): from_kuid_munged(current_user_ns(), ...); the
 *     pipe's inode belongs to u's fsuid (kuid 0).
 *   tgkill(), kill() to itself: si_uid=100
 *     kernel/signal.c do_tkill() and prepare_kill_siginfo(): si_uid =
 *     from_kuid_munged(current_user_ns(), current_uid()); sender and
 *     receiver share the user namespace, so send_signal_locked() leaves it.
 *   write() to a pipe without readers: EPIPE and SIGPIPE si_code=SI_USER
 *   si_pid=u si_uid=100
 *     fs/pipe.c pipe_write(): send_sig(SIGPIPE, current, 0), SEND_SIG_NOINFO;
 *     __send_signal_locked() builds the siginfo: si_uid =
 *     from_kuid_munged(task_cred_xxx(t, user_ns), current_uid()), in the
 *     receiver's user namespace.
 *   u seizes k and interrupts it (PTRACE_SEIZE, PTRACE_INTERRUPT): the event
 *   stop's siginfo (PTRACE_GETSIGINFO) SIGTRAP si_code=SIGTRAP|
 *   PTRACE_EVENT_STOP<<8 si_pid=k si_uid=100; u's SIGCHLD CLD_STOPPED
 *   si_pid=k si_uid=100 si_status=0 (printed signal0); PTRACE_DETACH=0
 *     kernel/signal.c do_jobctl_trap() -> ptrace_do_notify(): si_pid =
 *     task_pid_vnr(current), si_uid = from_kuid_munged(current_user_ns(),
 *     current_uid()): the tracee's own view (u shares it); ptrace_stop() ->
 *     do_notify_parent_cldstop(current, true, CLD_STOPPED): si_status is
 *     the group stop's signal, none here (0).
 *   k stopped, continued, killed by u: SIGCHLD and waitid() si_uid=100
 *     do_notify_parent_cldstop() and do_notify_parent(): si_uid =
 *     from_kuid_munged(task_cred_xxx(parent, user_ns), task_uid(tsk));
 *     wait_task_stopped(), wait_task_continued(), wait_task_zombie():
 *     from_kuid_munged(current_user_ns(), ...) (kernel/exit.c).  The
 *     CLD_CONTINUED SIGCHLD is sent by k itself when it runs again
 *     (get_signal()), after waitid(WCONTINUED) has seen the flag
 *     prepare_signal() set.
 *   u reads /proc/sysvipc/msg and /proc/sysvipc/shm: uid=100 gid=200
 *   cuid=100 cgid=200 for the objects top made
 *     ipc/msg.c sysvipc_msg_proc_show(), ipc/shm.c sysvipc_shm_proc_show():
 *     from_kuid_munged(seq_user_ns(s), ...), the opener's user namespace.
 *   mq_notify() by u, mq_send() by u: SIGUSR1 si_code=SI_MESGQ si_pid=u
 *   si_uid=100 si_value=7
 *     ipc/mqueue.c __do_notify(): si_pid = task_tgid_nr_ns(current,
 *     ns_of_pid(info->notify_owner)), si_uid = from_kuid_munged(
 *     info->notify_user_ns, current_uid()): the sender's ids as the
 *     registrant had its namespaces at mq_notify() time.
 *   mq_notify() by u again, mq_send() by top: si_pid=top si_uid=65534, not
 *   100 (a finding: the uid is translated twice)
 *     __do_notify() writes si_uid in u's user namespace (100) as above and
 *     hands the siginfo to do_send_sig_info().  SI_MESGQ carries a pid and
 *     a uid (has_si_pid_and_uid()), and the sender, top, is in another user
 *     namespace than u, so send_signal_locked() maps si_uid once more as if
 *     the sender had written it in its own: make_kuid(top's namespace, 100)
 *     is kuid 100 (invalid when the runner runs unprivileged), which u's
 *     namespace does not map: the overflow uid, 65534.  si_pid is not
 *     touched a second time (send_signal_locked() only zeroes it for a
 *     sender outside the receiver's pid namespace), so it is right.  The
 *     same code is in 6.1.192, 6.12.118 and 7.2.13 (ipc/mqueue.c,
 *     kernel/signal.c); the line was seen on Debian's 6.1.192, 6.12.117,
 *     7.2.13 and 7.3-rc7 kernels (make vm) and on 6.18.44.
 *   explicit SCM_CREDENTIALS {own pid, 100, 200} from u, which has no
 *   capability: accepted; top reads pid=u uid=0 gid=0
 *     net/core/scm.c scm_check_creds(): make_kuid(cred->user_ns, uid) must
 *     equal one of the sender's uids (or the sender needs CAP_SETUID in its
 *     namespace; u has none), likewise the gid with CAP_SETGID; then
 *     __scm_send() stores make_kuid(current_user_ns(), ...) and scm_recv()
 *     gives top from_kuid_munged() in its own namespace.  Read in the
 *     initial namespace the check would compare kuid 100 with u's kuid 0
 *     and refuse with EPERM.
 *   kill(top, SIGUSR1) by u: si_pid=u si_uid=0
 *     prepare_kill_siginfo() writes 100 (u's view); send_signal_locked()
 *     sees different user namespaces and maps it: make_kuid(
 *     current_user_ns(), 100) = kuid 0, from_kuid_munged(top's, ...) = 0.
 */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/msg.h>
#include <sys/ptrace.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MQ_NAME "/nsx-userns-views"

static int dg[2]; /* u sends on [0]; top receives on [1] (SO_PASSCRED) */
static int msq = -1, shmid = -1;
static mqd_t mq = (mqd_t)-1;

/* "Uid" and "Gid" of /proc/<pid>/status through the case's proc, read by
 * the caller (the top too) and sent under key: {n, uid x4, n, gid x4}. */
static void send_status_ids(const char *key, const char *pid)
{
	long v[10] = {0};
	v[0] = nsx_read_status_list(nsx_procfd(), pid, "Uid", &v[1], 4);
	v[5] = nsx_read_status_list(nsx_procfd(), pid, "Gid", &v[6], 4);
	nsx_send_v(key, v, 10);
}

/* waitid() on pid with options, sent as the six siginfo values. */
static void send_waitid(const char *key, pid_t pid, int options)
{
	long v[6];
	nsx_waitid(pid, options, v);
	nsx_send_v(key, v, 6);
}

/* u's signals to itself: tgkill(), kill(), and SIGPIPE from a write(). */
static void own_signals(void)
{
	int p[2];
	struct stat st;
	NSX_TRY(pipe2(p, O_CLOEXEC));
	NSX_TRY(fstat(p[0], &st));
	NSX_SEND("stat", (long)st.st_uid, (long)st.st_gid);
	NSX_SEND("tgkill", nsx_rc(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR2)));
	nsx_send_siginfo("tgkill-si", SIGUSR2);
	NSX_SEND("kill", nsx_rc(kill(getpid(), SIGUSR2)));
	nsx_send_siginfo("kill-si", SIGUSR2);
	close(p[0]);
	NSX_SEND("write", nsx_rc(write(p[1], "x", 1)));
	nsx_send_siginfo("sigpipe", SIGPIPE);
	close(p[1]);
}

/* u seizes k, interrupts it, reads the event stop's siginfo and the SIGCHLD
 * it was sent, and lets k go. */
static void trace_child(pid_t k)
{
	siginfo_t si = {0};
	int st = 0;
	long rs = nsx_rc(ptrace(PTRACE_SEIZE, k, NULL, NULL));
	long ri = rs ? rs : nsx_rc(ptrace(PTRACE_INTERRUPT, k, NULL, NULL));
	pid_t w = ri ? -1 : waitpid(k, &st, __WALL);
	long rg = w != k ? -ECHILD : nsx_rc(ptrace(PTRACE_GETSIGINFO, k, NULL, &si));
	NSX_SEND("ptrace", rs, ri, rg);
	NSX_SEND("ptrace-si", si.si_signo, si.si_code, si.si_pid, si.si_uid, 0, 0);
	nsx_send_siginfo("ptrace-chld", SIGCHLD);
	NSX_SEND("detach", w != k ? -ECHILD : nsx_rc(ptrace(PTRACE_DETACH, k, NULL, NULL)));
}

/* u stops, continues and kills its child k, and waits for each. */
static void child_reports(pid_t k)
{
	NSX_SEND("stop", nsx_rc(kill(k, SIGSTOP)));
	nsx_send_siginfo("stop-chld", SIGCHLD);
	send_waitid("stop-wait", k, WSTOPPED);
	NSX_SEND("cont", nsx_rc(kill(k, SIGCONT)));
	send_waitid("cont-wait", k, WCONTINUED);
	nsx_send_siginfo("cont-chld", SIGCHLD);
	NSX_SEND("kill9", nsx_rc(kill(k, SIGKILL)));
	nsx_send_siginfo("exit-chld", SIGCHLD);
	send_waitid("exit-wait", k, WEXITED);
}

/* Columns uid gid cuid cgid (7..10) of object id in /proc/sysvipc/<file>. */
static void send_ipc_ids(const char *file, long id)
{
	int fd = openat(nsx_procfd(), nsx_fmt("sysvipc/%s", file), O_RDONLY | O_CLOEXEC);
	NSX_SEND(file, nsx_sysvipc_field(fd, id, 7), nsx_sysvipc_field(fd, id, 8),
	         nsx_sysvipc_field(fd, id, 9), nsx_sysvipc_field(fd, id, 10));
	close(fd);
}

static int u_fn(NSX_UNUSED void *arg)
{
	int e = nsx_new_userns("100 0 1\n", "200 0 1\n");
	NSX_SEND("userns", e);
	if (e)
		nsx_park();
	NSX_TRY_NEG(nsx_drop_caps());
	int sigs[] = {SIGUSR1, SIGUSR2, SIGPIPE, SIGCHLD};
	for (int i = 0; i < 4; i++)
		nsx_block(sigs[i]);
	NSX_SEND("ids", (long)getuid(), (long)getgid());
	int k = nsx_spawn("k", NULL, nsx_parked, NULL);
	send_status_ids("status-self", "self");
	send_status_ids("status-top", nsx_fmt("%d", (int)nsx_pid(0)));
	own_signals();
	trace_child(nsx_pid(k));
	child_reports(nsx_pid(k));
	send_ipc_ids("msg", msq);
	send_ipc_ids("shm", shmid);

	struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
	char msg[8];
	ev.sigev_value.sival_int = 7;
	NSX_SEND("mq_notify", nsx_rc(mq_notify(mq, &ev)));
	NSX_SEND("mq_send", nsx_rc(mq_send(mq, "x", 1, 0)));
	nsx_send_siginfo("mq-si-u", SIGUSR1);
	NSX_TRY(mq_receive(mq, msg, sizeof(msg), NULL));
	NSX_SEND("mq_notify2", nsx_rc(mq_notify(mq, &ev)));
	nsx_send_siginfo("mq-si", SIGUSR1);

	struct ucred uc = {getpid(), getuid(), getgid()};
	NSX_SEND("scm", nsx_send_cred(dg[0], &uc));
	NSX_SEND("kill-top", nsx_rc(kill(nsx_pid(0), SIGUSR1)));
	nsx_park();
}

/* A value read, or its errno's name. */
static const char *val(long x)
{
	return x < 0 ? nsx_errname((int)-x) : nsx_fmt("%ld", x);
}

/* {n, uid x4, n, gid x4} as a row. */
static void ids_row(const char *who, const long *v)
{
	if (v[0] != 4 || v[5] != 4)
		printf("%-44s unreadable\n", who);
	else
		printf("%-44s Uid: %ld %ld %ld %ld  Gid: %ld %ld %ld %ld\n", who, v[1], v[2], v[3],
		       v[4], v[6], v[7], v[8], v[9]);
}

/* "<what>=<result u sent under rkey>:", or what alone when rkey is NULL,
 * and the siginfo u sent under sikey. */
static void si_row(int u, const char *what, const char *rkey, const char *sikey)
{
	if (rkey)
		nsx_sig_row(44, what, nsx_recv(u, rkey)->v[0], u, sikey);
	else
		printf("%-44s %s\n", what, nsx_siginfo_str(u, nsx_recv(u, sikey)));
}

static void make_objects(void)
{
	int one = 1;
	struct mq_attr a = {.mq_maxmsg = 1, .mq_msgsize = 8};
	NSX_TRY(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, dg));
	NSX_TRY(setsockopt(dg[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)));
	msq = NSX_TRY(msgget(IPC_PRIVATE, IPC_CREAT | 0600));
	shmid = NSX_TRY(shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600));
	mq = NSX_TRY(mq_open(MQ_NAME, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600, &a));
}

static void remove_objects(void)
{
	msgctl(msq, IPC_RMID, NULL);
	shmctl(shmid, IPC_RMID, NULL);
	mq_unlink(MQ_NAME);
}

static void status_rows(int u)
{
	printf("# /proc/<pid>/status, stat()\n");
	ids_row("u reads /proc/self/status:", nsx_recv(u, "status-self")->v);
	ids_row("u reads /proc/<top>/status:", nsx_recv(u, "status-top")->v);
	send_status_ids("status-u", nsx_fmt("%d", (int)nsx_pid(u)));
	ids_row("top reads /proc/<u>/status:", nsx_recv(0, "status-u")->v);
	const struct nsx_msg *m = nsx_recv(u, "stat");
	printf("%-44s st_uid=%ld st_gid=%ld\n", "u fstat() of its pipe:", m->v[0], m->v[1]);
}

static void child_rows(int u)
{
	printf("# u's child k: ptrace, SIGCHLD and waitid() in u\n");
	int k = nsx_find("k");
	const long *r = nsx_recv(u, "ptrace")->v;
	const char *line =
	        nsx_fmt("PTRACE_SEIZE(k)=%s, PTRACE_INTERRUPT=%s:", nsx_res(r[0]), nsx_res(r[1]));
	if (r[2])
		printf("%-44s PTRACE_GETSIGINFO=%s\n", line, nsx_res(r[2]));
	else
		si_row(u, line, NULL, "ptrace-si");
	si_row(u, "  u's SIGCHLD:", NULL, "ptrace-chld");
	printf("%-44s %s\n", "  PTRACE_DETACH:", nsx_res(nsx_recv(u, "detach")->v[0]));
	si_row(u, "kill(k, SIGSTOP)", "stop", "stop-chld");
	si_row(u, "  then waitid(WSTOPPED):", NULL, "stop-wait");
	line = nsx_fmt("kill(k, SIGCONT)=%s, waitid(WCONTINUED):",
	               nsx_res(nsx_recv(u, "cont")->v[0]));
	si_row(u, line, NULL, "cont-wait");
	si_row(u, "  then SIGCHLD:", NULL, "cont-chld");
	si_row(u, "kill(k, SIGKILL)", "kill9", "exit-chld");
	si_row(u, "  then waitid(WEXITED):", NULL, "exit-wait");
	nsx_forget(k);
}

NSX_CASE(.family = "uids and gids in a user namespace",
         .rows = "1.2 1.11 U.1 U.2 U.3 U.4 U.5 U.7 U.8 U.9 U.10",
         .finding =
                 "An mq_notify() signal from a sender in another user namespace than the "
                 "registrant carries the overflow uid (65534): `__do_notify()` writes si_uid in "
                 "the registrant's user namespace, then `send_signal_locked()` maps it again as if "
                 "the sender had written it in its own (`make_kuid()` in the sender's namespace). "
                 "From a sender in the registrant's namespace it is right: `userns_views` (the "
                 "code read in 6.1.192, 6.12.118 and 7.2.13; the line seen on Debian's 6.1.192, "
                 "6.12.117, 7.2.13 and 7.3-rc7 kernels and on 6.18.44).");

int main(void)
{
	nsx_init("top", "outer");
	nsx_private_ipc();
	make_objects();
	atexit(remove_objects);
	nsx_block(SIGUSR1);
	int u = nsx_spawn("u", NULL, u_fn, NULL);
	long e = nsx_recv(u, "userns")->v[0];
	if (e)
		nsx_skip("unshare(CLONE_NEWUSER) and its maps: %s", nsx_errname((int)-e));
	const struct nsx_msg *m = nsx_recv(u, "ids");
	printf("# userns_views: ids told to u, in a user namespace with uid_map \"100 0 1\" and "
	       "gid_map \"200 0 1\"\n");
	printf("# top: uid 0, gid 0; u (capabilities dropped) and its child k: getuid()=%ld "
	       "getgid()=%ld\n",
	       m->v[0], m->v[1]);
	status_rows(u);

	printf("# signals u sends itself\n");
	si_row(u, "tgkill(u, u, SIGUSR2)", "tgkill", "tgkill-si");
	si_row(u, "kill(u, SIGUSR2)", "kill", "kill-si");
	si_row(u, "write() to a pipe without readers", "write", "sigpipe");
	child_rows(u);

	printf("# objects top made, as u sees them\n");
	for (int f = 0; f < 2; f++) {
		const char *file = f ? "shm" : "msg";
		const long *v = nsx_recv(u, file)->v;
		printf("u reads /proc/sysvipc/%s:                   uid=%s gid=%s cuid=%s "
		       "cgid=%s\n",
		       file, val(v[0]), val(v[1]), val(v[2]), val(v[3]));
	}
	const char *line = nsx_fmt("mq_notify() by u=%s, mq_send() by u",
	                           nsx_res(nsx_recv(u, "mq_notify")->v[0]));
	si_row(u, line, "mq_send", "mq-si-u");
	line = nsx_fmt("mq_notify() by u=%s, mq_send() by top", /* u registered */
	               nsx_res(nsx_recv(u, "mq_notify2")->v[0]));
	nsx_sig_row(44, line, nsx_rc(mq_send(mq, "x", 1, 0)), u, "mq-si");

	printf("# what top is told of u\n");
	long c[4] = {nsx_recv(u, "scm")->v[0]};
	if (!c[0])
		nsx_recv_cred(dg[1], c);
	printf("%-44s %s\n", "u's explicit SCM_CREDENTIALS {u, 100, 200}:", nsx_cred_str(0, c));
	long r = nsx_recv(u, "kill-top")->v[0], v[6];
	nsx_sigwait_v(SIGUSR1, v);
	nsx_row(44, "kill(top, SIGUSR1) by u", r, nsx_siginfo_v(0, v));
	nsx_exit();
}
