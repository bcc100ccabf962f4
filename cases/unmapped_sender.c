// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * unmapped_sender - the question the 2007 patch set left open: what does a
 * receiver see when the sender has no number in its namespace, and can it
 * tell that from a signal the kernel itself generated?  Plus si_uid when
 * sender and receiver are in different user namespaces.
 *
 * Tasks: top (namespace outer) spawns init, the first process of namespace
 * inner.  Then mapped and unmapped, each the first process of a pid namespace
 * of its own (um, uu) that also unshares a user namespace: mapped writes the
 * uid_map "100 0 1" (its uid 100 is top's uid 0), unmapped writes none.  All
 * receivers block the signals and take them with the rt_sigtimedwait syscall.
 *
 * The golden lines and the kernel code behind them:
 *
 *   top -> init kill(): SI_USER si_pid=0; sigqueue(): SI_QUEUE si_pid=0;
 *   tkill(): SI_TKILL si_pid=0
 *     kernel/signal.c: prepare_kill_siginfo() (SI_USER, or SI_TKILL for
 *     PIDTYPE_PID), do_rt_sigqueueinfo() (the caller's SI_QUEUE); then
 *     send_signal_locked(): task_pid_nr_ns(current, task_active_pid_ns(t))
 *     is 0, so si_pid = 0 and si_code stays.  The 2007 proposal (pid 0 with
 *     SI_KERNEL) was not taken: the code says who asked, 0 says "not
 *     visible".
 *   kernel -> init SIGIO after top wrote to init's O_ASYNC pipe: SI_KERNEL
 *   si_pid=0 si_uid=0
 *     fs/fcntl.c: F_SETOWN keeps init's struct pid (f_setown() ->
 *     find_vpid()); pipe_write() -> kill_fasync() -> send_sigio() ->
 *     send_sigio_to_task() with no F_SETSIG: do_send_sig_info(SIGIO,
 *     SEND_SIG_PRIV, ...) -> SI_KERNEL, no pid, no uid.  The writer's
 *     identity (top's) is not in it at all.
 *   kernel -> init with F_SETSIG SIGRTMIN+4: si_code=POLL_IN si_fd=<the pipe>
 *   si_band=0x41
 *     send_sigio_to_task(): a chosen signal carries the POLL_* reason, the fd
 *     and the band (POLLIN|POLLRDNORM) and no pid (SIL_POLL layout).
 *   kernel -> init SIGXCPU at its CPU-time limit: SI_KERNEL si_pid=0
 *     kernel/time/posix-cpu-timers.c: check_rlimit() ->
 *     send_signal_locked(signo, SEND_SIG_PRIV, current, PIDTYPE_TGID).  As
 *     root the case uses RLIMIT_RTTIME (microseconds, for a SCHED_FIFO task;
 *     check_thread_timers()) so it takes milliseconds; where SCHED_FIFO is
 *     not allowed it falls back to RLIMIT_CPU (one second of CPU,
 *     check_process_timers()).  Both go through check_rlimit(): same line.
 *   init -> init kill(): SI_USER si_pid=init
 *     The same namespace: si_pid is the sender's number, never 0 (pid 0 is
 *     the idle task, never a sender), so si_pid=0 with SI_USER, SI_QUEUE or
 *     SI_TKILL means exactly "a user process you cannot see".
 *   top -> mapped kill(): si_pid=0 si_uid=100; top -> unmapped kill():
 *   si_pid=0 si_uid=65534
 *     send_signal_locked(): when current_user_ns() differs from the target's,
 *     si_uid is make_kuid() in the sender's namespace, then
 *     from_kuid_munged() into the target's: 0 -> 100 through the map, and
 *     unmapped -> overflowuid (65534, /proc/sys/kernel/overflowuid).
 *   mapped -> mapped kill(): si_uid=100; unmapped -> unmapped: si_uid=65534
 *     prepare_kill_siginfo(): si_uid = from_kuid_munged(current_user_ns(),
 *     current_uid()): a task whose own uid is unmapped in its own user
 *     namespace sends, and sees, 65534.
 */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define SIG_POLL (SIGRTMIN + 4)

static int io_pipe[2], rt_pipe[2];

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Burn CPU until the kernel sends SIGXCPU: RLIMIT_RTTIME as a SCHED_FIFO
 * task where allowed (milliseconds), else RLIMIT_CPU (one second). */
static void earn_sigxcpu(void)
{
	struct sched_param sp = {.sched_priority = 1};
	struct rlimit rl = {RLIM_INFINITY, RLIM_INFINITY};
	int rt = sched_setscheduler(0, SCHED_FIFO, &sp) == 0;
	if (rt) {
		rl.rlim_cur = 2000; /* microseconds of RT CPU without blocking */
		NSX_TRY(setrlimit(RLIMIT_RTTIME, &rl));
	} else {
		rl.rlim_cur = 1; /* seconds */
		NSX_TRY(setrlimit(RLIMIT_CPU, &rl));
	}
	long long deadline = now_ms() + nsx_timeout_ms();
	while (!nsx_pending(SIGXCPU) && now_ms() < deadline)
		;
	if (rt) {
		sp.sched_priority = 0;
		sched_setscheduler(0, SCHED_OTHER, &sp);
	}
}

static int init_fn(NSX_UNUSED void *arg)
{
	int sigs[] = {SIGUSR1, SIGUSR2, SIGRTMIN, SIGIO, SIG_POLL, SIGXCPU};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		nsx_block(sigs[i]);
	/* The read ends signal us: F_SETOWN takes our own number here. */
	NSX_TRY(fcntl(io_pipe[0], F_SETOWN, getpid()));
	NSX_TRY(fcntl(rt_pipe[0], F_SETOWN, getpid()));
	NSX_TRY(fcntl(rt_pipe[0], F_SETSIG, SIG_POLL));
	NSX_TRY(fcntl(io_pipe[0], F_SETFL, O_ASYNC | O_NONBLOCK));
	NSX_TRY(fcntl(rt_pipe[0], F_SETFL, O_ASYNC | O_NONBLOCK));
	NSX_SEND("ready", 1);
	nsx_send_siginfo("kill", SIGUSR1);
	nsx_send_siginfo("sigqueue", SIGRTMIN);
	nsx_send_siginfo("tkill", SIGUSR2);
	nsx_send_siginfo("sigio", SIGIO);
	siginfo_t si;
	if (nsx_sigwait(SIG_POLL, &si))
		NSX_SEND("poll", -1);
	else
		NSX_SEND("poll", si.si_signo, si.si_code, si.si_fd == rt_pipe[0], si.si_band);
	nsx_step();
	earn_sigxcpu();
	nsx_send_siginfo("sigxcpu", SIGXCPU);
	NSX_SEND("self-rc", nsx_rc(kill(getpid(), SIGUSR1)));
	nsx_send_siginfo("self", SIGUSR1);
	nsx_park();
}

/* mapped (arg non-NULL) or unmapped: a user namespace of its own. */
static int userns_fn(void *arg)
{
	nsx_block(SIGUSR1);
	NSX_TRY_ERR(-nsx_new_userns(arg ? "100 0 1\n" : NULL, NULL));
	NSX_SEND("ready", (long)getuid());
	nsx_send_siginfo("from-top", SIGUSR1);
	NSX_SEND("self-rc", nsx_rc(kill(getpid(), SIGUSR1)));
	nsx_send_siginfo("self", SIGUSR1);
	nsx_park();
}

NSX_CASE(.family = "Signals from one namespace to another", .rows = "1.2 U.1",
         .kconfig = "CONFIG_USER_NS", .variants = "si-pid-not-zeroed");

int main(void)
{
	nsx_init("top", "outer");
	NSX_TRY(pipe2(io_pipe, O_CLOEXEC));
	NSX_TRY(pipe2(rt_pipe, O_CLOEXEC));
	int init = nsx_spawn("init", "inner", init_fn, NULL);
	nsx_recv(init, "ready");
	pid_t ip = nsx_pid(init);

	printf("# unmapped_sender: user signals from a sender init cannot see, and signals the "
	       "kernel makes\n");
	/* Each send happens before its report is awaited: nsx_sig_row() receives
	 * once its arguments, the send among them, are evaluated. */
	union sigval v = {.sival_int = 1};
	nsx_sig_row(44, "top -> init kill(SIGUSR1)", nsx_rc(kill(ip, SIGUSR1)), init, "kill");
	nsx_sig_row(44, "top -> init sigqueue(SIGRTMIN)", nsx_rc(sigqueue(ip, SIGRTMIN, v)), init,
	            "sigqueue");
	nsx_sig_row(44, "top -> init tkill(SIGUSR2)", nsx_rc(syscall(SYS_tkill, ip, SIGUSR2)), init,
	            "tkill");
	nsx_sig_row(44, "top writes init's O_ASYNC pipe", nsx_rc(write(io_pipe[1], "x", 1)), init,
	            "sigio");
	long w = nsx_rc(write(rt_pipe[1], "x", 1));
	const struct nsx_msg *m = nsx_recv(init, "poll");
	const char *poll = m->v[0] < 0 ? "no signal (timed out)"
	                               : nsx_fmt("%s si_code=%s si_fd=%s si_band=%#lx",
	                                         nsx_signame((int)m->v[0]),
	                                         nsx_sicode((int)m->v[0], (int)m->v[1]),
	                                         m->v[2] ? "the pipe" : "another fd", m->v[3]);
	nsx_row(44, "top writes init's F_SETSIG pipe", w, poll);
	nsx_go(init);
	nsx_sig_row(44, "init reaches its CPU-time limit", 0, init, "sigxcpu");
	nsx_sig_row(44, "init -> init kill(SIGUSR1)", nsx_recv(init, "self-rc")->v[0], init,
	            "self");

	printf("# si_uid across user namespaces: top is uid 0\n");
	for (int k = 0; k < 2; k++) {
		int t = k ? nsx_spawn("unmapped", "uu", userns_fn, NULL)
		          : nsx_spawn("mapped", "um", userns_fn, "map");
		printf("%s: getuid()=%ld in its own user namespace (%s)\n", nsx_task_name(t),
		       nsx_recv(t, "ready")->v[0], k ? "no uid_map" : "uid_map \"100 0 1\"");
		const char *who = nsx_task_name(t);
		nsx_sig_row(44, nsx_fmt("top -> %s kill(SIGUSR1)", who),
		            nsx_rc(kill(nsx_pid(t), SIGUSR1)), t, "from-top");
		nsx_sig_row(44, nsx_fmt("%s -> %s kill(SIGUSR1)", who, who),
		            nsx_recv(t, "self-rc")->v[0], t, "self");
	}
	nsx_exit();
}
