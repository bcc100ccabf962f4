// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * exec.c - run cases in parallel, each with a timeout, and leave nothing behind.
 *
 * Each case runs under a small reaper (the "stub"), forked by the runner as
 * the init of a fresh pid namespace, in its own mount and IPC namespaces with
 * a fresh /proc, and in a directory of its own, <out>/<case>.tmp (also its
 * TMPDIR), with a tmpfs of its own mounted on it.  The stub forks and execs the case, waits for it,
 * sends its wait status back over a pipe, then kill(-1, SIGKILL)s everything left in the namespace
 * and reaps it.  On a timeout the runner SIGKILLs the stub: the death of a pid namespace's init
 * kills every process in it and in the namespaces nested below (kernel/pid_namespace.c:
 * zap_pid_ns_processes), and the mount and IPC namespaces, with whatever a case left in them, go
 * too.
 *
 * The stub dies with the runner, whatever kills the runner: it asks for
 * SIGKILL at its parent's death (PR_SET_PDEATHSIG) and then checks, through
 * a pidfd of the runner taken before the fork, that the runner had not died
 * already (so no window is left).  Its death empties the case's namespace.
 * On SIGINT, SIGTERM and SIGHUP the runner kills the running stubs itself
 * and reports what it has (run_catch_signals()).  Each case runs within the
 * limits of limits.c.
 *
 * Without the privilege to make a pid namespace the stub is a plain child
 * subreaper instead: it kills what it can find, and cases skip because they
 * cannot make pid namespaces either.
 */
#include "runner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t run_interrupted;

static void on_signal(int sig)
{
	run_interrupted = sig;
}

void run_catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: poll() returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, text, strlen(text));
	int e = errno;
	close(fd);
	errno = e;
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

int enter_userns(char *why, size_t len)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();

	if (uid == 0)
		return 0;
	if (unshare(CLONE_NEWUSER)) {
		snprintf(why, len, "unshare(CLONE_NEWUSER) as uid %u: %s", (unsigned)uid,
		         strerror(errno));
		return -1;
	}
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	if (write_file("/proc/self/uid_map", map)) {
		snprintf(why, len, "writing uid_map: %s", strerror(errno));
		return -1;
	}
	if (write_file("/proc/self/setgroups", "deny") && errno != ENOENT) {
		snprintf(why, len, "writing setgroups: %s", strerror(errno));
		return -1;
	}
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	if (write_file("/proc/self/gid_map", map)) {
		snprintf(why, len, "writing gid_map: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Kill and reap every child of the calling process, repeatedly, until none
 * is left (orphans come back to a subreaper). */
static void sweep_children(void)
{
	char path[64], buf[8192];
	for (;;) {
		snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)getpid());
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			ssize_t r = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			buf[r > 0 ? r : 0] = '\0';
			for (char *t = strtok(buf, " \n"); t; t = strtok(NULL, " \n"))
				kill((pid_t)atoi(t), SIGKILL);
		}
		if (waitpid(-1, NULL, __WALL) < 0 && errno == ECHILD)
			return;
	}
}

/* Our own pid namespace level, as far as our /proc shows (0 = its root). */
static int own_level(void)
{
	char buf[4096];
	int n = 0;
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return 0;
	while (fgets(buf, sizeof(buf), f))
		if (!strncmp(buf, "NSpid:", 6))
			for (char *t = strtok(buf + 6, " \t\n"); t; t = strtok(NULL, " \t\n"))
				n++;
	fclose(f);
	return n > 0 ? n - 1 : 0;
}

/* What the case is told: its pid namespace's level (cases cannot see above
 * it) and, where the runner made that namespace, its inode (lib:
 * nsx_need_own_pidns(): a case writes namespace-wide state, pid_max or
 * process accounting, only there; never one inherited). */
static void stub_environment(int level, int isolated)
{
	char lv[16];
	snprintf(lv, sizeof(lv), "%d", level + isolated);
	setenv("NSX_PIDNS_LEVEL", lv, 1);
	unsetenv("NSX_OWN_PIDNS");
	struct stat ns;
	if (isolated && stat("/proc/self/ns/pid", &ns) == 0) {
		char ino[32];
		snprintf(ino, sizeof(ino), "%llu", (unsigned long long)ns.st_ino);
		setenv("NSX_OWN_PIDNS", ino, 1);
	}
}

/* The init of the case's pid namespace: its own mount and IPC namespaces,
 * a fresh /proc, a tmpfs on its directory, its first number. */
static void stub_isolate(const struct job *j)
{
	/* A fresh /proc shows the case's own pid namespace; mounts and IPC
	 * objects a case makes die with these namespaces. */
	if (unshare(CLONE_NEWNS | CLONE_NEWIPC) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		fprintf(stderr, "nsxrun: cannot give the case its own /proc: %s\n",
		        strerror(errno));
	/* Its working directory and TMPDIR, <out>/<case>.tmp, is a tmpfs of its
	 * own: what a case makes there (mount points, accounting files, a core
	 * dumped by a pattern without a path) goes with its mount namespace,
	 * however the case ends. */
	if (mount("nsxtmp", j->tmp, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777"))
		fprintf(stderr, "nsxrun: cannot mount a tmpfs on %s: %s\n", j->tmp,
		        strerror(errno));
	/* Its numbers where no number of the machine is (numbers.c). */
	numbers_enter(numbers_setup(), j->first);
}

/* In the stub's child: exec the case (under strace with --strace). */
static _Noreturn void stub_exec(const struct job *j)
{
	char *argv[12];
	int n = 0;
	if (j->trace[0]) {
		argv[n++] = "strace";
		argv[n++] = "-f";
		argv[n++] = "--decode-pids=pidns";
		argv[n++] = "-o";
		argv[n++] = (char *)j->trace;
		argv[n++] = "--";
	}
	argv[n++] = (char *)j->path;
	if (j->argv1[0])
		argv[n++] = (char *)j->argv1;
	argv[n] = NULL;
	execvp(argv[0], argv);
	fprintf(stderr, "nsxrun: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

static _Noreturn void stub_main(const struct job *j, int status_wr, int level, int runner_pidfd)
{
	int isolated = getpid() == 1;
	sigset_t none;

	/* Die with the runner: the parent-death signal, then a look at the
	 * runner's pidfd in case it died before the prctl(). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	struct pollfd rp = {runner_pidfd, POLLIN, 0};
	if (runner_pidfd < 0 || poll(&rp, 1, 0) != 0)
		_exit(1);
	close(runner_pidfd);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	stub_environment(level, isolated);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	/* A session and process group of its own: kill(0) or kill(-pgrp) from a
	 * case reaches group members in any namespace, the runner among them. */
	setsid();
	if (isolated)
		stub_isolate(j);
	else
		prctl(PR_SET_CHILD_SUBREAPER, 1);
	if (chdir(j->tmp))
		fprintf(stderr, "nsxrun: chdir %s: %s\n", j->tmp, strerror(errno));
	setenv("TMPDIR", j->tmp, 1);
	limits_enter(j);
	pid_t c = fork();
	if (c == 0) {
		close(status_wr);
		stub_exec(j);
	}
	int st[2] = {0, -1}; /* the case's wait status; its namespace's last number */
	if (c < 0) {
		fprintf(stderr, "nsxrun: fork: %s\n", strerror(errno));
		st[0] = 127 << 8;
	} else {
		while (waitpid(c, &st[0], 0) < 0 && errno == EINTR)
			;
	}
	if (isolated) {
		/* From a namespace's init, kill(-1) reaches every other process in it
		 * and in the namespaces below (kernel/signal.c: kill_something_info). */
		kill(-1, SIGKILL);
		while (waitpid(-1, NULL, __WALL) > 0 || errno == EINTR)
			;
		st[1] = numbers_machine_last(); /* this namespace's: no task is left to take one */
	} else {
		sweep_children();
	}
	if (write(status_wr, st, sizeof(st)) != (ssize_t)sizeof(st))
		_exit(1);
	_exit(0);
}

/* Fork the stub, as the init of a new pid namespace when we may.  A raw
 * clone(CLONE_NEWPID), not unshare()+fork()+setns(): in a user namespace of
 * our own we may make pid namespaces but not setns() back into the one we
 * started in (kernel/pid_namespace.c: pidns_install() wants CAP_SYS_ADMIN
 * over its owner).  The stub only forks, execs and waits, so glibc's cached
 * thread id being the runner's does not matter to it. */
static void close_all(const int *fds, int n)
{
	for (int i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* The case's tmp directory, its stdin (/dev/null), stdout and stderr files
 * and its limits: 0 with fds[0..2] open, or -1 (errno set; j->start_error
 * says why when it is ours to say) with none. */
static int prepare_io(struct job *j, int k, int fds[3])
{
	j->start_error[0] = '\0';
	j->cg_dir[0] = '\0';
	j->cg_procs = -1;
	if (mkdir(j->tmp, 0755) && errno != EEXIST)
		snprintf(j->start_error, sizeof(j->start_error), "cannot make %.100s: %s", j->tmp,
		         strerror(errno));
	fds[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	fds[1] = open_out(j->out);
	if (fds[1] < 0)
		snprintf(j->start_error, sizeof(j->start_error), "cannot write %.100s: %s", j->out,
		         strerror(errno));
	fds[2] = open_out(j->err);
	if (fds[2] < 0 && !j->start_error[0])
		snprintf(j->start_error, sizeof(j->start_error), "cannot write %.100s: %s", j->err,
		         strerror(errno));
	if (!j->start_error[0] && limits_prepare(j, k))
		snprintf(j->start_error, sizeof(j->start_error), "cannot limit it (%.90s): %s",
		         j->cg_dir, strerror(errno));
	if (fds[0] < 0 || fds[1] < 0 || fds[2] < 0 || j->start_error[0]) {
		int e = errno;
		limits_release(j);
		close_all(fds, 3);
		errno = e;
		return -1;
	}
	return 0;
}

static int start(struct job *j, double timeout, int k)
{
	int fds[3], st[2];
	static int runner_pidfd = -1, level = -1;

	if (runner_pidfd < 0)
		runner_pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (prepare_io(j, k, fds))
		return -1;
	if (pipe2(st, O_CLOEXEC)) {
		int e = errno;
		limits_release(j);
		close_all(fds, 3);
		errno = e;
		return -1;
	}
	if (level < 0)
		level = own_level();
	const struct numbers *nb = numbers_setup();
	j->machine_start = numbers_machine_last();
	j->first = numbers_first(nb, j->machine_start, getpid());
	j->unjudged[0] = '\0';
	fflush(NULL);
	int newpid = 1;
	pid_t p = (pid_t)syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, NULL, NULL, NULL, NULL);
	if (p < 0 && (errno == EPERM || errno == EINVAL || errno == ENOSPC)) {
		newpid = 0;
		p = fork();
	}
	if (p == 0) {
		for (int i = 0; i < 3; i++)
			dup2(fds[i], i);
		close(st[0]);
		stub_main(j, st[1], level, runner_pidfd);
	}
	int e = errno;
	close_all(fds, 3);
	close(st[1]);
	if (p < 0) {
		close(st[0]);
		limits_release(j);
		errno = e;
		return -1;
	}
	if (j->cg_procs >= 0) { /* the stub has its own copy */
		close(j->cg_procs);
		j->cg_procs = -1;
	}
	j->stub = p;
	j->isolated = newpid;
	j->status_rd = st[0];
	j->pidfd = (int)syscall(SYS_pidfd_open, p, 0);
	j->start_ms = now_ms();
	j->deadline_ms = j->start_ms + (long long)(timeout * 1000);
	j->timed_out = 0;
	j->have_status = 0;
	if (j->pidfd < 0) {
		kill(p, SIGKILL);
		return -1;
	}
	return 0;
}

/* The stub has exited (or is about to): collect it and the case's status. */
static void finish(struct job *j)
{
	int st;
	while (waitpid(j->stub, &st, 0) < 0 && errno == EINTR)
		;
	j->secs = (double)(now_ms() - j->start_ms) / 1000.0;
	int got[2];
	j->have_status = read(j->status_rd, got, sizeof(got)) == (ssize_t)sizeof(got);
	j->status = got[0];
	j->case_last = j->have_status ? got[1] : -1;
	close(j->status_rd);
	/* Could a number of the machine have equalled one of the case's? */
	const struct numbers *nb = numbers_setup();
	j->machine_end = numbers_machine_last();
	if (j->isolated && j->case_last > 0)
		numbers_reached_at(nb, j->first, j->machine_start, j->machine_end, j->case_last,
		                   j->unjudged, sizeof(j->unjudged));
	close(j->pidfd);
	j->stub = 0;
	rmdir(j->tmp); /* the tmpfs went with the case's mount namespace */
	limits_release(j);
}

/* The cases running, for run_stream(). */
struct stream {
	const struct job_source *src;
	int parallel, nlive, started;
	double timeout;
	struct pollfd *pfd;
	struct job **live;
};

/* Kill what runs (its namespaces go with it) and report it interrupted. */
static void interrupt_all(struct stream *s)
{
	for (int i = 0; i < s->nlive; i++) {
		struct job *j = s->live[i];
		kill(j->isolated ? j->stub : -j->stub, SIGKILL);
		finish(j);
		j->interrupted = 1;
		s->src->done(j, s->src->ctx);
	}
	s->nlive = 0;
}

/* Start jobs until parallel run: whether more may come later. */
static int fill(struct stream *s)
{
	while (s->nlive < s->parallel && !run_interrupted) {
		struct job *j = s->src->next(s->src->ctx);
		if (!j) {
			/* None left, or none until the report catches up (a
			 * running case is the earliest it waits for). */
			return s->src->more(s->src->ctx);
		}
		if (j->start_error[0]) { /* find_cases(): it cannot run */
			j->have_status = 0;
			s->src->done(j, s->src->ctx);
			continue;
		}
		if (start(j, s->timeout, ++s->started)) {
			/* Record it as an error rather than stop the suite. */
			j->have_status = 0;
			j->timed_out = 0;
			if (!j->start_error[0])
				snprintf(j->start_error, sizeof(j->start_error), "%s",
				         strerror(errno));
			fprintf(stderr, "nsxrun: cannot start %s: %s\n", j->name, j->start_error);
			s->src->done(j, s->src->ctx);
			continue;
		}
		s->live[s->nlive++] = j;
	}
	return 1;
}

/* Wait for a running case to end or reach its deadline (then killed), and
 * report each that did: 0, or -1 if poll() failed. */
static int reap_some(struct stream *s)
{
	long long now = now_ms(), wait = -1;
	for (int i = 0; i < s->nlive; i++) {
		s->pfd[i] = (struct pollfd){s->live[i]->pidfd, POLLIN, 0};
		long long left = s->live[i]->deadline_ms - now;
		if (wait < 0 || left < wait)
			wait = left < 0 ? 0 : left;
	}
	int r = poll(s->pfd, (nfds_t)s->nlive, (int)wait);
	if (r < 0 && errno != EINTR)
		return -1;
	now = now_ms();
	for (int i = 0; i < s->nlive; i++) {
		struct job *j = s->live[i];
		int exited = r > 0 && (s->pfd[i].revents & (POLLIN | POLLHUP));
		if (!exited && now >= j->deadline_ms) {
			/* SIGKILL from the parent namespace reaches its init
			 * (kernel/signal.c: sig_task_ignored lets it through). */
			j->timed_out = 1;
			kill(j->isolated ? j->stub : -j->stub, SIGKILL);
			exited = 1;
		}
		if (!exited)
			continue;
		finish(j);
		s->live[i] = s->live[--s->nlive];
		s->pfd[i] = s->pfd[s->nlive];
		i--;
		s->src->done(j, s->src->ctx);
	}
	return 0;
}

int run_stream(const struct job_source *src, int parallel, double timeout)
{
	size_t n = (size_t)(parallel > 0 ? parallel : 1);
	struct stream s = {.src = src,
	                   .parallel = parallel,
	                   .timeout = timeout,
	                   .pfd = calloc(n, sizeof(*s.pfd)),
	                   .live = calloc(n, sizeof(*s.live))};
	int ret = 0, more = 1;

	if (!s.pfd || !s.live) {
		free(s.pfd);
		free(s.live);
		return -1;
	}
	limits_setup();
	while (more || s.nlive > 0) {
		if (run_interrupted) {
			interrupt_all(&s);
			ret = 1;
			break;
		}
		more = fill(&s);
		if (s.nlive > 0 && reap_some(&s)) {
			ret = -1;
			break;
		}
	}
	free(s.pfd);
	free(s.live);
	return ret;
}

/* run_jobs(): the jobs of an array, in order. */
struct array_source {
	struct job *jobs;
	int n, next;
	void (*done)(struct job *, void *);
	void *ctx;
};

static struct job *array_next(void *ctx)
{
	struct array_source *a = ctx;
	return a->next < a->n ? &a->jobs[a->next++] : NULL;
}

static int array_more(void *ctx)
{
	struct array_source *a = ctx;
	return a->next < a->n;
}

static void array_done(struct job *j, void *ctx)
{
	struct array_source *a = ctx;
	if (!j->interrupted)
		a->done(j, a->ctx);
}

int run_jobs(struct job *jobs, int n, int parallel, double timeout,
             void (*done)(struct job *, void *), void *ctx)
{
	struct array_source a = {jobs, n, 0, done, ctx};
	struct job_source src = {array_next, array_more, array_done, &a};
	return run_stream(&src, parallel, timeout);
}
