// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tkill_tgkill - thread-directed signals and caller-made siginfo across a pid
 * namespace boundary.
 *
 * Tasks: top (namespace outer) spawns init, the first process of namespace
 * inner; init starts a second thread, worker (a task of its own here: its tid
 * at each level comes from /proc/thread-self/status), and spawns member
 * (inner).  Receivers block the signals and take them with sigtimedwait() in
 * the receiving thread.  si_pid prints as the task it denotes in the
 * receiver's namespace; si_uid prints raw.
 *
 * The golden lines and the kernel code behind them (kernel/signal.c):
 *
 *   top -> worker tkill(), tgkill(): SI_TKILL si_pid=0
 *     do_tkill() -> prepare_kill_siginfo(sig, &info, PIDTYPE_PID) fills
 *     SI_TKILL (since 6.9; do_tkill() filled it itself before), si_pid =
 *     task_tgid_vnr(current) (the sender's tgid in its own namespace), and
 *     calls do_send_specific(), which
 *     looks the tid up with find_task_by_vpid() in the *caller's* namespace
 *     and checks task_tgid_vnr(p) == tgid there; send_signal_locked() then
 *     zeroes si_pid because top has no number in inner, keeping SI_TKILL.
 *   member -> worker tkill(), tgkill(): si_pid=member; init's main thread ->
 *   worker tgkill(): si_pid=init
 *     Same namespace: nothing is rewritten; si_pid is the sender's tgid, so
 *     a thread of init signs as init.
 *   member: tgkill(<init's outer number>, worker) = ESRCH; tgkill(init,
 *   <worker's outer number>) = ESRCH; tkill(<worker's outer number>) = ESRCH
 *     do_send_specific(): both numbers are read in the caller's namespace;
 *     the outer numbers (far above inner's under the runner) name nobody in
 *     inner.
 *   member -> init rt_sigqueueinfo(SI_QUEUE, forged si_pid=1, si_uid=4242):
 *   arrives as forged (si_pid=init, si_uid=4242)
 *     do_rt_sigqueueinfo() only refuses si_code >= 0 and SI_TKILL for another
 *     task; SI_QUEUE goes to kill_proc_info() as the caller wrote it, and
 *     send_signal_locked() has nothing to translate inside one namespace.
 *     si_uid is remapped only between user namespaces, so a forged uid
 *     passes too.
 *   top -> init the same: si_pid=0, si_uid=4242
 *     From an ancestor, send_signal_locked() zeroes si_pid for any layout that
 *     carries one (has_si_pid_and_uid(): SIL_RT here) but leaves si_uid: the
 *     user namespace is the same.
 *   member -> worker, top -> worker rt_tgsigqueueinfo(): the same two answers
 *     do_rt_tgsigqueueinfo() applies the same si_code rule, then
 *     do_send_specific().
 *   rt_sigqueueinfo() to another task with si_code SI_USER, SI_KERNEL or
 *   SI_TKILL: EPERM, from inside and from outside
 *     "Not even root can pretend to send signals from the kernel. Nor can
 *     they impersonate a kill()/tgkill()": si_code >= 0 || SI_TKILL, and
 *     task_pid_vnr(current) != pid.
 *   init -> itself rt_sigqueueinfo(SI_USER, forged si_pid=3): 0, arrives
 *   as SI_USER with si_pid=member (member is 3 in inner: init 1, worker 2)
 *     The same test lets a task forge anything to itself (pid == its own
 *     task_pid_vnr()), so a receiver cannot trust si_code or si_pid of a
 *     signal it may have sent itself.
 *   init -> itself rt_tgsigqueueinfo(tgid 1, tid 1, SI_USER, si_pid=3): the
 *   same
 *     do_rt_tgsigqueueinfo() compares the tid with task_pid_vnr(current):
 *     init's own number in inner, 1.
 *   the same tkill() taken with glibc's sigtimedwait(): si_code=SI_USER
 *     Not the kernel: glibc's sysdeps/unix/sysv/linux/sigtimedwait.c folds
 *     SI_TKILL into SI_USER after the syscall ("tkill is transparently used
 *     in raise()"), so a glibc program cannot tell tkill() from kill() that
 *     way.  Every other line here takes signals with the raw
 *     rt_sigtimedwait syscall (lib: nsx_sigwait()) and shows the kernel's code.
 *
 * The receiver's view of thread numbers: worker's tid in inner is 2, and
 * its outer tid is what top passes to tkill(); lib names both "worker".
 */
#include "nsx.h"

#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define SIG_Q    (SIGRTMIN + 1) /* rt_sigqueueinfo to init */
#define SIG_TQ   (SIGRTMIN + 2) /* rt_tgsigqueueinfo to worker */
#define SIG_SELF (SIGRTMIN + 3)

/* A caller-made siginfo: code, a forged si_pid and si_uid 4242, value 5. */
static siginfo_t forge(int sig, int code, pid_t pid)
{
	siginfo_t si = {.si_signo = sig, .si_code = code};
	si.si_pid = pid;
	si.si_uid = 4242;
	si.si_value.sival_int = 5;
	return si;
}

static long queueinfo(pid_t pid, int sig, int code, pid_t fake_pid)
{
	siginfo_t si = forge(sig, code, fake_pid);
	return nsx_rc(syscall(SYS_rt_sigqueueinfo, pid, sig, &si));
}

static long tgqueueinfo(pid_t tgid, pid_t tid, int sig, int code, pid_t fake_pid)
{
	siginfo_t si = forge(sig, code, fake_pid);
	return nsx_rc(syscall(SYS_rt_tgsigqueueinfo, tgid, tid, sig, &si));
}

/* What worker takes, in order, and the key it reports each under. */
static const char *const worker_keys[] = {"top-tkill",     "top-tgkill",  "member-tkill",
                                          "member-tgkill", "init-tgkill", "member-tgq",
                                          "top-tgq"};

static int worker_fn(NSX_UNUSED void *arg)
{
	for (size_t i = 0; i < sizeof(worker_keys) / sizeof(worker_keys[0]); i++)
		nsx_send_siginfo(worker_keys[i], (int[]){SIGUSR1, SIGUSR2, SIGUSR1, SIGUSR2,
		                                         SIGRTMIN, SIG_TQ, SIG_TQ}[i]);
	/* The same once more through glibc's wrapper instead of the syscall. */
	sigset_t s;
	siginfo_t si = {0};
	struct timespec ts = {nsx_timeout_ms() / 1000, (nsx_timeout_ms() % 1000) * 1000000L};
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	int got = sigtimedwait(&s, &si, &ts);
	NSX_SEND("glibc-tkill", got, si.si_code, si.si_pid, si.si_uid);
	return 0;
}

/* Actions of member (and of top, nsx_by()): numbers as the caller sees
 * them; queued ones forge si_pid 1. */
static void act_tkill(const long *a)
{
	NSX_REPLY(nsx_rc(syscall(SYS_tkill, a[0], a[1])));
}

static void act_tgkill(const long *a)
{
	NSX_REPLY(nsx_rc(syscall(SYS_tgkill, a[0], a[1], a[2])));
}

/* rt_sigqueueinfo(a[0], a[1], code a[2]) */
static void act_queue(const long *a)
{
	NSX_REPLY(queueinfo((pid_t)a[0], (int)a[1], (int)a[2], 1));
}

/* rt_tgsigqueueinfo(a[0], a[1], SIG_TQ, SI_QUEUE) */
static void act_tgqueue(const long *a)
{
	NSX_REPLY(tgqueueinfo((pid_t)a[0], (pid_t)a[1], SIG_TQ, SI_QUEUE, 1));
}

static int init_fn(NSX_UNUSED void *arg)
{
	int sigs[] = {SIGUSR1, SIGUSR2, SIGRTMIN, SIG_Q, SIG_TQ, SIG_SELF};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		nsx_block(sigs[i]); /* before the thread: it inherits the mask */
	nsx_thread("worker", worker_fn, NULL);
	nsx_spawn_agent("member", NULL);
	NSX_SEND("ready", 1);

	nsx_step();
	NSX_SEND("tgkill", nsx_rc(syscall(SYS_tgkill, 1, nsx_pid(nsx_find("worker")), SIGRTMIN)));
	nsx_send_siginfo("member-q", SIG_Q);
	nsx_send_siginfo("top-q", SIG_Q);
	nsx_step();
	long r = queueinfo(1, SIG_SELF, SI_USER, 3);
	NSX_SEND("self", r);
	if (!r) /* a refused one never comes: not waited for */
		nsx_send_siginfo("self-q", SIG_SELF);
	r = tgqueueinfo(1, 1, SIG_SELF, SI_USER, 3);
	NSX_SEND("tgself", r);
	if (!r)
		nsx_send_siginfo("tgself-q", SIG_SELF);
	nsx_park();
}

NSX_CASE(.family = "Signals from one namespace to another", .rows = "1.4 1.5 6.7 28.1",
         .variants = "si-pid-not-zeroed");

int main(void)
{
	nsx_init("top", "outer");
	int init = nsx_spawn("init", "inner", init_fn, NULL);
	nsx_recv(init, "ready");
	int worker = nsx_find("worker"), member = nsx_find("member");
	pid_t ip = nsx_pid(init), wp = nsx_pid(worker);

	int inner = nsx_ns_of(init);
	pid_t wi = nsx_nr_in(worker, inner); /* as member sees it */

	printf("# tkill_tgkill: thread-directed signals and caller-made siginfo across "
	       "namespaces\n");
	nsx_sig_row(52, "top -> worker tkill(SIGUSR1)", nsx_by(0, act_tkill, wp, SIGUSR1, 0)->v[0],
	            worker, "top-tkill");
	nsx_sig_row(52, "top -> worker tgkill(init, worker, SIGUSR2)",
	            nsx_by(0, act_tgkill, ip, wp, SIGUSR2)->v[0], worker, "top-tgkill");
	nsx_sig_row(52, "member -> worker tkill(SIGUSR1)",
	            nsx_do(member, act_tkill, wi, SIGUSR1, 0)->v[0], worker, "member-tkill");
	nsx_sig_row(52, "member -> worker tgkill(init, worker, SIGUSR2)",
	            nsx_do(member, act_tgkill, 1, wi, SIGUSR2)->v[0], worker, "member-tgkill");
	nsx_go(init);
	nsx_sig_row(52, "init -> worker tgkill(init, worker, SIGRTMIN)",
	            nsx_recv(init, "tgkill")->v[0], worker, "init-tgkill");

	printf("# numbers from the wrong namespace, used inside inner\n");
	printf("member: tgkill(<init's outer number>, worker) = %s\n",
	       nsx_res(nsx_do(member, act_tgkill, ip, wi, SIGUSR1)->v[0]));
	printf("member: tgkill(init, <worker's outer number>) = %s\n",
	       nsx_res(nsx_do(member, act_tgkill, 1, wp, SIGUSR1)->v[0]));
	printf("member: tkill(<worker's outer number>) = %s\n",
	       nsx_res(nsx_do(member, act_tkill, wp, SIGUSR1, 0)->v[0]));

	printf("# caller-made siginfo: SI_QUEUE with a forged si_pid (1) and si_uid (4242)\n");
	nsx_sig_row(52, "member -> init rt_sigqueueinfo",
	            nsx_do(member, act_queue, 1, SIG_Q, SI_QUEUE)->v[0], init, "member-q");
	nsx_sig_row(52, "top -> init rt_sigqueueinfo", queueinfo(ip, SIG_Q, SI_QUEUE, 1), init,
	            "top-q");
	nsx_sig_row(52, "member -> worker rt_tgsigqueueinfo",
	            nsx_do(member, act_tgqueue, 1, wi, 0)->v[0], worker, "member-tgq");
	nsx_sig_row(52, "top -> worker rt_tgsigqueueinfo", tgqueueinfo(ip, wp, SIG_TQ, SI_QUEUE, 1),
	            worker, "top-tgq");

	printf("# caller-made si_code that only the kernel may use, aimed at another task\n");
	for (int k = 0; k < 2; k++) {
		int by = k ? 0 : member; /* then top */
		pid_t to = nsx_nr_in(init, nsx_ns_of(by));
		printf("%s -> init rt_sigqueueinfo(SI_USER)=%s (SI_KERNEL)=%s (SI_TKILL)=%s\n",
		       nsx_task_name(by), nsx_res(nsx_by(by, act_queue, to, SIG_Q, SI_USER)->v[0]),
		       nsx_res(nsx_by(by, act_queue, to, SIG_Q, SI_KERNEL)->v[0]),
		       nsx_res(nsx_by(by, act_queue, to, SIG_Q, SI_TKILL)->v[0]));
	}
	nsx_go(init);
	long r = nsx_recv(init, "self")->v[0];
	nsx_row(52, "init -> init rt_sigqueueinfo(SI_USER, si_pid=3)", r,
	        r ? "(none sent)" : nsx_siginfo_str(init, nsx_recv(init, "self-q")));
	r = nsx_recv(init, "tgself")->v[0];
	nsx_row(52, "init -> init rt_tgsigqueueinfo(SI_USER, si_pid=3)", r,
	        r ? "(none sent)" : nsx_siginfo_str(init, nsx_recv(init, "tgself-q")));

	printf("# the same tkill() taken with glibc's sigtimedwait() instead of the syscall\n");
	r = nsx_by(0, act_tkill, wp, SIGUSR1, 0)->v[0];
	printf("top -> worker tkill(SIGUSR1)=%s: sigtimedwait()=%s\n", nsx_res(r),
	       nsx_siginfo_str(worker, nsx_recv(worker, "glibc-tkill")));
	nsx_exit();
}
