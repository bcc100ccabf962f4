// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nsbench - what nested pid namespaces cost: the measurement promised in the
 * 2007 review of the pid namespace patches and never made.
 *
 * For each depth d the program (the "top", in its own pid namespace, level
 * L) forks a chain of d nested pid namespaces (unshare(CLONE_NEWPID), fork,
 * as nsx_chain does) and the task at the bottom, M, at level L+d, measures:
 *
 *   fork_wait      fork() of a child that _exit()s, waitpid()
 *   vfork_exec     vfork() + execl() of a tiny static binary, waitpid()
 *   clone3_newpid  clone3(CLONE_NEWPID): a new namespace, its init, reaped
 *                  (impossible at level 32: the 33rd level does not exist)
 *   getpid3        getpid() + gettid() + getppid(), raw syscalls
 *   kill_rt_peer   kill() -> sigwaitinfo() -> kill() -> sigwaitinfo(), M and
 *                  its child B at the same depth
 *   kill_rt_top    the top kill()s M, M takes it with sigwaitinfo() and
 *                  answers on a pipe (si_pid translated across every level);
 *                  timed by the top
 *   waitid         waitid(P_PID, WEXITED) on a child already a zombie
 *   scm_creds_rt   M sends a byte with SCM_CREDENTIALS attached to the top
 *                  (SO_PASSCRED), the top answers with a byte
 *   pidfd_signal   pidfd_open(B) + pidfd_send_signal(fd, 0) + close()
 *   ps_100         what ps does in the top's /proc: readdir(/proc) and read
 *                  /proc/<pid>/status of M's 100 children (their NSpid lines
 *                  have d+1 words)
 *
 * Method: everything runs on one CPU (the first one allowed), so a round trip
 * is two context switches rather than two cross-CPU wake-ups, whose latency
 * under a hypervisor varies by an order of magnitude and would hide the
 * namespace cost.  Each op is run in batches sized to take about 4 ms; after
 * one warm-up batch, 3 batches give 3 values of ns/op.  Twelve rounds go over
 * every depth in turn (a new chain each time), so that the 36 samples of a
 * point spread over the whole run and its interquartile range shows the
 * machine's drift too (with 5 rounds of 7, two runs agreed on 58-65 of the
 * 69 points, with 12 of 3 on 66-69); the median and the quartiles are
 * printed as "depth op median q1 q3 samples" lines.  The address-space
 * layout is fixed (personality ADDR_NO_RANDOMIZE, a re-exec at start): with
 * it randomized, fork+wait and waitid moved 3-4% between whole runs, all
 * depths together, more than any run's own spread (two runs agreed on 57-66
 * of 69 points, whatever the number of rounds); with it fixed, on 68-69.
 * --aslr keeps the randomized layout, to see that.
 *
 * Usage: nsbench [--smoke] [--depths 0,1,2,...] [--rounds N] [--samples N]
 *                [--tiny PATH] [--aslr]
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NCHILD 100

static int samples = 3; /* a round */
static int rounds = 12;
static long long batch_ns = 4000000; /* about 4 ms a batch */
static const char *tiny = "bench/tiny";
static int cmd_pipe[2], ack_pipe[2], ans_pipe[2], sock[2];

#define NOPS    10
#define MAXD    40
#define MAXSAMP 128
static const char *const opname[NOPS] = {
        "fork_wait",   "vfork_exec", "clone3_newpid", "getpid3",      "kill_rt_peer",
        "kill_rt_top", "waitid",     "scm_creds_rt",  "pidfd_signal", "ps_100"};

struct shared {
	double vals[MAXD][NOPS][MAXSAMP]; /* every sample, by depth index and op */
	int count[MAXD][NOPS];
	int failed[MAXD][NOPS];
	int k;              /* the depth index M measures for */
	pid_t m_top;        /* M's number in the top's namespace */
	pid_t kids[NCHILD]; /* M's children, in the top's namespace */
	volatile int nkids;
	double top_vals[256]; /* the top's samples for kill_rt_top */
};
static struct shared *sh;

static long long now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Keep n samples of op for the depth M measures for (n 0: it failed). */
static void report(int depth, const char *op, double *v, int n)
{
	int o = 0;
	(void)depth;
	while (o < NOPS && strcmp(opname[o], op))
		o++;
	if (n <= 0)
		sh->failed[sh->k][o] = 1;
	for (int i = 0; i < n && sh->count[sh->k][o] < MAXSAMP; i++)
		sh->vals[sh->k][o][sh->count[sh->k][o]++] = v[i];
}

/* The summary lines: median and quartiles of every op at every depth. */
static void summary(const int *depths, int nd)
{
	printf("# depth op median_ns q1_ns q3_ns samples\n");
	for (int k = 0; k < nd; k++)
		for (int o = 0; o < NOPS; o++) {
			double *v = sh->vals[k][o];
			int n = sh->count[k][o];
			if (n <= 0 || sh->failed[k][o]) {
				printf("%d %s nan nan nan 0\n", depths[k], opname[o]);
				continue;
			}
			qsort(v, (size_t)n, sizeof(*v), cmp_d);
			printf("%d %s %.0f %.0f %.0f %d\n", depths[k], opname[o], v[n / 2],
			       v[n / 4], v[(3 * n) / 4], n);
		}
}

/* Time op(arg) in batches; fill v with ns per op; return the count (0 if op
 * fails). */
static int measure(int (*op)(void *), void *arg, double *v)
{
	long long t0 = now_ns();
	long iters = 0;
	while (now_ns() - t0 < batch_ns / 4) { /* calibrate */
		if (op(arg))
			return 0;
		iters++;
	}
	long batch = iters * 4 > 1 ? iters * 4 : 1;
	for (long i = 0; i < batch; i++) /* warm-up */
		if (op(arg))
			return 0;
	for (int s = 0; s < samples; s++) {
		long long a = now_ns();
		for (long i = 0; i < batch; i++)
			if (op(arg))
				return 0;
		v[s] = (double)(now_ns() - a) / (double)batch;
	}
	return samples;
}

/* ---- the ops, in M ---- */

static int op_fork_wait(void *a)
{
	(void)a;
	pid_t p = fork();
	if (p == 0)
		_exit(0);
	return p < 0 || waitpid(p, NULL, 0) != p;
}

static int op_vfork_exec(void *a)
{
	(void)a;
	pid_t p = vfork();
	if (p == 0) {
		execl(tiny, "tiny", (char *)NULL);
		_exit(127);
	}
	int st;
	return p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st);
}

static int op_clone3_newpid(void *a)
{
	(void)a;
	struct clone_args ca = {.flags = CLONE_NEWPID, .exit_signal = SIGCHLD};
	long p = syscall(SYS_clone3, &ca, sizeof(ca));
	if (p == 0)
		_exit(0);
	return p < 0 || waitpid((pid_t)p, NULL, 0) != p;
}

static int op_getpid3(void *a)
{
	(void)a;
	syscall(SYS_getpid);
	syscall(SYS_gettid);
	syscall(SYS_getppid);
	return 0;
}

static sigset_t usr1, top_sigs;

static int op_kill_rt_peer(void *a)
{
	pid_t b = *(pid_t *)a;
	siginfo_t si;
	if (kill(b, SIGUSR1))
		return 1;
	return sigwaitinfo(&usr1, &si) != SIGUSR1;
}

static int op_waitid(void *a)
{
	(void)a;
	siginfo_t si;
	pid_t p = fork();
	if (p == 0)
		_exit(0);
	if (p < 0 || waitid(P_PID, (id_t)p, &si, WEXITED | WNOWAIT)) /* a zombie now */
		return 1;
	return waitid(P_PID, (id_t)p, &si, WEXITED) != 0;
}

static int op_scm(void *a)
{
	(void)a;
	char c = 'x';
	return write(sock[1], &c, 1) != 1 || read(sock[1], &c, 1) != 1;
}

static int op_pidfd(void *a)
{
	pid_t b = *(pid_t *)a;
	int fd = (int)syscall(SYS_pidfd_open, b, 0);
	if (fd < 0)
		return 1;
	int r = (int)syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0);
	close(fd);
	return r != 0;
}

static int op_ps(void *a)
{
	(void)a;
	char path[64], buf[4096];
	DIR *d = opendir("/proc");
	if (!d)
		return 1;
	while (readdir(d))
		;
	closedir(d);
	for (int i = 0; i < sh->nkids; i++) {
		snprintf(path, sizeof(path), "/proc/%d/status", (int)sh->kids[i]);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || read(fd, buf, sizeof(buf)) <= 0)
			return 1;
		close(fd);
	}
	return 0;
}

/* Our number in the namespace of the /proc we see (the top's). */
static pid_t top_number(void)
{
	char buf[4096];
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	char *p = strstr(buf, "\nNSpid:");
	return p ? (pid_t)atoi(p + 7) : -1;
}

/* Ask the top to do something; wait for it to be done. */
static void ask(char c, int n)
{
	char msg[2] = {c, (char)n};
	if (write(cmd_pipe[1], msg, 2) != 2 || read(ack_pipe[0], msg, 1) != 1)
		exit(3);
}

static void run_m(int depth)
{
	double v[256];
	int n;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigemptyset(&top_sigs);
	sigaddset(&top_sigs, SIGUSR2);
	sigaddset(&top_sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	sigprocmask(SIG_BLOCK, &top_sigs, NULL);
	sh->m_top = top_number();

	/* B: a peer at the same depth that answers every SIGUSR1. */
	pid_t me = getpid();
	pid_t b = fork();
	if (b == 0) {
		siginfo_t si;
		for (;;) {
			if (sigwaitinfo(&usr1, &si) != SIGUSR1)
				_exit(0);
			kill(me, SIGUSR1);
		}
	}

	n = measure(op_fork_wait, NULL, v);
	report(depth, "fork_wait", v, n);
	n = measure(op_vfork_exec, NULL, v);
	report(depth, "vfork_exec", v, n);
	n = measure(op_clone3_newpid, NULL, v);
	report(depth, "clone3_newpid", v, n);
	n = measure(op_getpid3, NULL, v);
	report(depth, "getpid3", v, n);
	n = measure(op_kill_rt_peer, &b, v);
	report(depth, "kill_rt_peer", v, n);
	/* The top measures: it kill()s M with SIGUSR2, M answers on a pipe,
	 * until the top's SIGTERM says it is done. */
	char k[2] = {'K', (char)samples};
	if (write(cmd_pipe[1], k, 2) != 2)
		exit(3);
	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&top_sigs, &si);
		if (sig == SIGTERM)
			break;
		if (sig != SIGUSR2 || write(ans_pipe[1], "a", 1) != 1)
			exit(3);
	}
	if (read(ack_pipe[0], k, 1) != 1)
		exit(3);
	report(depth, "kill_rt_top", sh->top_vals, samples);
	n = measure(op_waitid, NULL, v);
	report(depth, "waitid", v, n);
	ask('S', 0); /* the top serves the echo until told */
	n = measure(op_scm, NULL, v);
	char q = 'q';
	if (write(sock[1], &q, 1) != 1 || read(ack_pipe[0], &q, 1) != 1)
		exit(3);
	report(depth, "scm_creds_rt", v, n);
	n = measure(op_pidfd, &b, v);
	report(depth, "pidfd_signal", v, n);

	pid_t kids[NCHILD];
	for (int i = 0; i < NCHILD; i++) {
		kids[i] = fork();
		if (kids[i] == 0) {
			sh->kids[i] = top_number();
			__atomic_add_fetch(&sh->nkids, 1, __ATOMIC_SEQ_CST);
			for (;;)
				pause();
		}
	}
	while (__atomic_load_n(&sh->nkids, __ATOMIC_SEQ_CST) < NCHILD)
		sched_yield();
	n = measure(op_ps, NULL, v);
	report(depth, "ps_100", v, n);
	for (int i = 0; i < NCHILD; i++)
		kill(kids[i], SIGKILL);
	kill(b, SIGKILL);
	while (wait(NULL) > 0)
		;
	ask('Q', 0);
}

/* The chain: level k forks level k+1 in a new namespace; the bottom is M. */
static int chain(int left, int depth)
{
	if (left > 0) {
		if (unshare(CLONE_NEWPID)) {
			perror("nsbench: unshare(CLONE_NEWPID)");
			return 1;
		}
		pid_t p = fork();
		if (p == 0)
			_exit(chain(left - 1, depth));
		int st = 1;
		if (p < 0 || waitpid(p, &st, 0) != p)
			return 1;
		return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
	}
	run_m(depth);
	return 0;
}

/* The top's side: the commands M sends. */
static void serve(void)
{
	char msg[2], c;
	for (;;) {
		if (read(cmd_pipe[0], msg, 2) != 2)
			return;
		if (msg[0] == 'Q') {
			c = 'a';
			if (write(ack_pipe[1], &c, 1) != 1)
				return;
			return;
		}
		if (msg[0] == 'K') { /* kill M, wait for its answer on the pipe */
			int n = msg[1];
			pid_t m = sh->m_top;
			/* a warm-up, then samples of 64 round trips each */
			for (int s = -1; s < n; s++) {
				long long a = now_ns();
				for (int i = 0; i < 64; i++) {
					if (kill(m, SIGUSR2) || read(ans_pipe[0], &c, 1) != 1)
						return;
				}
				if (s >= 0)
					sh->top_vals[s] = (double)(now_ns() - a) / 64.0;
			}
			c = 'a';
			if (kill(m, SIGTERM) || write(ack_pipe[1], &c, 1) != 1)
				return;
		}
		if (msg[0] == 'S') { /* echo on the socket until 'q' */
			c = 'a';
			if (write(ack_pipe[1], &c, 1) != 1)
				return;
			for (;;) {
				char b, cbuf[CMSG_SPACE(sizeof(struct ucred))];
				struct iovec io = {&b, 1};
				struct msghdr mh = {.msg_iov = &io,
				                    .msg_iovlen = 1,
				                    .msg_control = cbuf,
				                    .msg_controllen = sizeof(cbuf)};
				if (recvmsg(sock[0], &mh, 0) != 1)
					return;
				if (b == 'q')
					break;
				if (write(sock[0], &b, 1) != 1)
					return;
			}
			if (write(ack_pipe[1], &c, 1) != 1)
				return;
		}
	}
}

/* The same address-space layout in every run: re-exec with ADDR_NO_RANDOMIZE
 * (as setarch -R), unless --aslr. */
static void fixed_layout(char **argv)
{
	int p = personality(0xffffffff);
	if (p < 0 || (p & ADDR_NO_RANDOMIZE))
		return;
	if (personality((unsigned long)p | ADDR_NO_RANDOMIZE) < 0)
		return;
	execv("/proc/self/exe", argv);
	/* No re-exec (no /proc?): measure with the layout there is. */
}

int main(int argc, char **argv)
{
	int depths[40], nd = 0, aslr = 0;
	for (int i = 1; i < argc; i++)
		aslr |= !strcmp(argv[i], "--aslr");
	if (!aslr)
		fixed_layout(argv);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--aslr")) {
			continue;
		} else if (!strcmp(argv[i], "--smoke")) {
			samples = 3;
			rounds = 1;
			batch_ns = 200000;
		} else if (!strcmp(argv[i], "--depths") && i + 1 < argc) {
			for (char *t = strtok(argv[++i], ","); t && nd < 40; t = strtok(NULL, ","))
				depths[nd++] = atoi(t);
		} else if (!strcmp(argv[i], "--tiny") && i + 1 < argc) {
			tiny = argv[++i];
		} else if (!strcmp(argv[i], "--rounds") && i + 1 < argc) {
			rounds = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--samples") && i + 1 < argc) {
			samples = atoi(argv[++i]);
		} else {
			fprintf(stderr, "usage: nsbench [--smoke] [--depths 0,1,2] [--rounds N] "
			                "[--samples N] [--tiny PATH] [--aslr]\n");
			return 2;
		}
	}
	if (nd > MAXD)
		nd = MAXD;
	if (!nd) {
		int all[] = {0, 1, 2, 4, 8, 16, 32};
		for (nd = 0; nd < 7; nd++)
			depths[nd] = all[nd];
	}
	if (geteuid() != 0) { /* unprivileged: root of a user namespace of our own */
		char map[64];
		uid_t u = geteuid();
		gid_t g = getegid();
		int fd;
		if (unshare(CLONE_NEWUSER)) {
			perror("nsbench: unshare(CLONE_NEWUSER)");
			return 2;
		}
		snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)u);
		if ((fd = open("/proc/self/uid_map", O_WRONLY)) < 0 ||
		    write(fd, map, strlen(map)) < 0)
			return 2;
		close(fd);
		if ((fd = open("/proc/self/setgroups", O_WRONLY)) >= 0) {
			if (write(fd, "deny", 4) < 0)
				return 2;
			close(fd);
		}
		snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)g);
		if ((fd = open("/proc/self/gid_map", O_WRONLY)) < 0 ||
		    write(fd, map, strlen(map)) < 0)
			return 2;
		close(fd);
	}
	cpu_set_t cpus;
	if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0) {
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &cpus)) {
				CPU_ZERO(&cpus);
				CPU_SET(c, &cpus);
				sched_setaffinity(0, sizeof(cpus), &cpus);
				break;
			}
	}
	if (access(tiny, X_OK)) {
		fprintf(stderr, "nsbench: no tiny binary %s\n", tiny);
		return 2;
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 2;
	for (int r = 0; r < rounds; r++)
		for (int k = 0; k < nd; k++) {
			int one = 1;
			sh->k = k;
			sh->nkids = 0;
			if (pipe(cmd_pipe) || pipe(ack_pipe) || pipe(ans_pipe) ||
			    socketpair(AF_UNIX, SOCK_DGRAM, 0, sock) ||
			    setsockopt(sock[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)))
				return 2;
			pid_t p = fork();
			if (p == 0)
				_exit(chain(depths[k], depths[k]));
			serve();
			int st = 1;
			waitpid(p, &st, 0);
			close(cmd_pipe[0]);
			close(cmd_pipe[1]);
			close(ack_pipe[0]);
			close(ack_pipe[1]);
			close(ans_pipe[0]);
			close(ans_pipe[1]);
			close(sock[0]);
			close(sock[1]);
			if (!WIFEXITED(st) || WEXITSTATUS(st)) {
				fprintf(stderr, "nsbench: depth %d failed (status %#x)\n",
				        depths[k], st);
				return 1;
			}
		}
	summary(depths, nd);
	return 0;
}
