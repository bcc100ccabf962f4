// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libc_id_cache - what the C library believes a child's pid and tid are,
 * for each way of making the child, against what the kernel says.
 *
 * Built three ways from this file: against glibc (libc_id_cache), against
 * musl with musl-gcc (libc_id_cache-musl.c), and, for
 * the getpid part only, under an LD_PRELOAD shim that re-creates the getpid()
 * cache glibc had before 2.25 (libc_id_cache_shim).  The differences between
 * the golden files are the point.
 *
 * A C library may remember the process id or the thread id instead of
 * asking the kernel. glibc cached getpid() from 2.3.4 to 2.24 and still
 * caches the thread id in its thread descriptor; musl caches the thread id
 * and returns it from gettid(). The cache is filled at start-up and
 * refreshed by the library's own fork(). A child made any other way -
 * vfork(), the clone() wrapper, a raw clone or clone3 syscall - starts with
 * a copy of its parent's cache, so the library believes the child is its
 * parent. Pid namespaces make this worse: a child in a new namespace is 1
 * in its own namespace while the stale value is its parent's number in the
 * namespace above (the 2007 review's warning about a pid changing under a
 * cache).
 *
 * Where the stale thread id shows: the owner a library writes into PI and
 * robust mutexes (so the kernel cannot mark a dead child's robust mutex
 * OWNER_DIED, and the parent finds a mutex "it" owns), errorcheck and
 * recursive mutex ownership, and, in musl, gettid() and raise() (tkill() on
 * the cached id); one line per way of making the child shows which (the
 * columns below). libc_id_cache_shim proves the getpid() detector fires:
 * under a preloaded shim that re-creates the old glibc cache its golden file
 * holds the stale values, and a libc that cached getpid() again would show
 * the same diff in libc_id_cache. make run builds the musl variant when
 * musl-gcc is there (make check as root installs musl-tools); otherwise it
 * skips saying so.
 *
 * Tasks: top (namespace outer) spawns holder, the init of namespace H (only
 * there to be setns()'d into), maker (outer) and execer (outer).  maker makes
 * one subject child per method and runs the probes below in it; the child
 * then exits holding a robust mutex, and maker tries that mutex and looks for
 * the raise()d signal.  A MAP_SHARED page holds the process-shared mutexes.
 * Methods: fork(); vfork(); the clone() wrapper with and without CLONE_VM
 * and CLONE_NEWPID; raw syscall(SYS_clone) and raw clone3, with and without
 * CLONE_NEWPID; unshare(CLONE_NEWPID) then fork(); setns() into H then
 * fork(); and execve() from a thread that is not the thread-group leader
 * (execer's thread; the new image reports through an inherited pipe).
 *
 * Columns, each classified against the kernel's answer:
 *   getpid / gettid: the libc call against the raw syscall: "ok" or "stale"
 *     with the task the stale value denotes ("parent").
 *   internal tid: the thread id the library writes into the futex word of
 *     a freshly locked PTHREAD_PRIO_INHERIT mutex (found as the word that
 *     changed, not by offset): self (right), parent or other.
 *   errorcheck: pthread_mutex_timedlock() with an already-expired deadline
 *     (the epoch) by the child on an error-checking mutex its parent holds:
 *     ETIMEDOUT is right (the lock is taken, the futex wait times out at
 *     once); EDEADLK means the library believes the child owns it.
 *   robust: the child exits holding a robust mutex; once it is reaped the
 *     parent's pthread_mutex_timedlock() with an expired deadline:
 *     EOWNERDEAD is right (the kernel set FUTEX_OWNER_DIED in the word at
 *     the child's exit); ETIMEDOUT means the word still names a live-looking
 *     owner.  No negative here waits for a clock: nothing is slept on.
 *   raise(): which task the child's raise(SIGUSR1) reached.
 *   getattr: pthread_getattr_np(pthread_self()) in the child.
 *
 * Kernel and library code behind the answers:
 *   The kernel: kernel/fork.c: copy_process() sets no libc state; a child
 *   made with CLONE_CHILD_SETTID gets its tid written by schedule_tail().
 *   glibc 2.36: getpid() and gettid() are plain syscalls (the pid cache was
 *   removed in 2.25); the cached tid in struct pthread is set by
 *   set_tid_address() at start-up and refreshed only by glibc's own fork()
 *   (_Fork() -> arch_fork(&THREAD_SELF->tid): CLONE_CHILD_SETTID); the
 *   clone() wrapper, vfork() and raw syscalls leave the parent's.  That
 *   cached tid is what pthread mutexes store and compare (nptl/
 *   pthread_mutex_lock.c: THREAD_GETMEM(THREAD_SELF, tid)), so after vfork,
 *   clone() or a raw clone the child writes its parent's tid into PI and
 *   robust mutexes, and an errorcheck mutex its parent holds looks like its
 *   own.  A raw-clone child also has no robust list registered
 *   (copy_process() clears robust_list; only glibc's fork() re-registers),
 *   so the kernel never marks its mutexes OWNER_DIED (kernel/futex/core.c:
 *   exit_robust_list()).  raise() (nptl/pthread_kill.c, 2.34+) asks the
 *   kernel for the tid of the calling thread, so it reaches the right task.
 *   unshare()+fork() and setns()+fork() go through glibc's fork(): right.
 *   execve() from a non-leader thread: kernel/exec.c: de_thread() gives the
 *   exec'ing thread the leader's pid, so the tid before exec (a tid of its
 *   own, "thread") becomes the process id; the new image starts with fresh
 *   library state: all right.
 *   getattr: glibc's pthread_getattr_np() calls pthread_getaffinity_np(),
 *   i.e. sched_getaffinity(pd->tid) with the cached tid (nptl/
 *   pthread_getaffinity.c): in a CLONE_NEWPID child that number (the
 *   parent's, from the namespace above) names nobody, so ESRCH; without
 *   CLONE_NEWPID it silently reads the parent's affinity and returns 0.
 *   musl 1.2.3 (Debian 12): getpid() is a syscall; gettid() returns the
 *   cached __pthread_self()->tid; its clone() is a raw wrapper and vfork()
 *   keeps the parent's tid, so gettid() and raise() (tkill() on the cached
 *   tid) are stale in those children: raise() reaches the parent, or, in a
 *   CLONE_NEWPID child where the parent's number names nobody, no task at
 *   all.  musl's pthread_getattr_np() does not use the tid (0 everywhere).
 */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef NSX_GETPID_ONLY
#define FULL 0 /* libc_id_cache_shim: the getpid() column only */
#else
#define FULL 1
#endif

struct clone_args_v0 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

/* The ways of making the child: the call, and the flags it is given. */
enum { FORK, VFORK, CLONE, RAW_CLONE, CLONE3, UNSHARE_FORK, SETNS_FORK };
static const struct method {
	const char *name;
	int how, flags;
} methods[] = {
        {"fork()", FORK, 0},
        {"vfork()", VFORK, 0},
        {"clone() wrapper", CLONE, 0},
        {"clone() wrapper CLONE_VM", CLONE, CLONE_VM},
        {"clone() wrapper CLONE_NEWPID", CLONE, CLONE_NEWPID},
        {"clone() wrapper CLONE_VM|CLONE_NEWPID", CLONE, CLONE_VM | CLONE_NEWPID},
        {"syscall(SYS_clone)", RAW_CLONE, 0},
        {"syscall(SYS_clone) CLONE_NEWPID", RAW_CLONE, CLONE_NEWPID},
        {"clone3", CLONE3, 0},
        {"clone3 CLONE_NEWPID", CLONE3, CLONE_NEWPID},
        {"unshare(CLONE_NEWPID)+fork()", UNSHARE_FORK, 0},
        {"setns(H)+fork()", SETNS_FORK, 0},
};

struct shared {
	pthread_mutex_t ec;     /* errorcheck, held by maker while the child probes */
	pthread_mutex_t robust; /* locked by the child, which then exits */
};
static struct shared *sh;
static int exec_pipe[2]; /* the exec'd image reports here */
static char stack[256 * 1024] __attribute__((aligned(16)));

/* Observations, in order: getpid libc, sys; gettid libc, sys; internal tid;
 * errorcheck; raise reached self; getattr; robust lock. */
enum { O_PID, O_SPID, O_TID, O_STID, O_ITID, O_EC, O_RAISE_SELF, O_GETATTR, O_ROBUST, NO };

/* An already-expired deadline (the epoch): a timed lock either takes the
 * mutex at once or fails with ETIMEDOUT without sleeping. */
static const struct timespec expired = {0, 0};

/* The thread id the library writes into a PI mutex it locks: the int of the
 * mutex that changes, masked. */
static long internal_tid(void)
{
	pthread_mutexattr_t at;
	pthread_mutex_t m;
	int before[sizeof(m) / sizeof(int)], now[sizeof(m) / sizeof(int)];
	pthread_mutexattr_init(&at);
	if (pthread_mutexattr_setprotocol(&at, PTHREAD_PRIO_INHERIT))
		return -ENOTSUP;
	pthread_mutex_init(&m, &at);
	memcpy(before, &m, sizeof(before));
	if (pthread_mutex_lock(&m))
		return -EINVAL;
	memcpy(now, &m, sizeof(now));
	pthread_mutex_unlock(&m);
	for (size_t i = 0; i < sizeof(now) / sizeof(int); i++)
		if (now[i] != before[i])
			return now[i] & FUTEX_TID_MASK;
	return -ENOENT;
}

/* Is a SIGUSR1 (blocked) pending for the caller?  Taken, without waiting. */
static long took_sigusr1(void)
{
	sigset_t s;
	siginfo_t si;
	struct timespec zero = {0, 0};
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	return syscall(SYS_rt_sigtimedwait, &s, &si, &zero, (size_t)(_NSIG / 8)) == SIGUSR1;
}

/* The probes, in the child; the robust mutex stays locked. */
static void probe(long *o)
{
	o[O_PID] = getpid();
	o[O_SPID] = syscall(SYS_getpid);
	if (!FULL)
		return;
	o[O_TID] = gettid();
	o[O_STID] = syscall(SYS_gettid);
	o[O_ITID] = internal_tid();
	o[O_EC] = pthread_mutex_timedlock(&sh->ec, &expired);
	if (o[O_EC] == 0)
		pthread_mutex_unlock(&sh->ec);
	raise(SIGUSR1);
	o[O_RAISE_SELF] = took_sigusr1();
	pthread_attr_t at;
	o[O_GETATTR] = pthread_getattr_np(pthread_self(), &at);
	if (o[O_GETATTR] == 0)
		pthread_attr_destroy(&at);
	o[O_ROBUST] = pthread_mutex_lock(&sh->robust);
}

static int probe_and_send(void *arg NSX_UNUSED)
{
	long o[NO] = {0};
	probe(o);
	nsx_send_v("obs", o, NO);
	return 0;
}

/* The shared page: the errorcheck mutex, and a fresh robust one. */
static void init_shared(void)
{
	pthread_mutexattr_t at;
	pthread_mutexattr_init(&at);
	pthread_mutexattr_setpshared(&at, PTHREAD_PROCESS_SHARED);
	if (!sh) {
		sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		          0);
		if (sh == MAP_FAILED)
			exit(NSX_EXIT_ERROR);
		pthread_mutexattr_settype(&at, PTHREAD_MUTEX_ERRORCHECK);
		pthread_mutex_init(&sh->ec, &at);
		pthread_mutexattr_settype(&at, PTHREAD_MUTEX_DEFAULT);
	}
	pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&sh->robust, &at);
}

/* A subject child made the way m says; it probes and exits at once. */
static long make_child(const struct method *m)
{
	long pid;
	switch (m->how) {
	case VFORK:
		pid = vfork();
		break;
	case CLONE:
		return clone(probe_and_send, stack + sizeof(stack), SIGCHLD | m->flags, NULL);
	case RAW_CLONE:
		pid = syscall(SYS_clone, SIGCHLD | m->flags, NULL, NULL, NULL, 0);
		break;
	case CLONE3: {
		struct clone_args_v0 ca = {.flags = (uint64_t)m->flags, .exit_signal = SIGCHLD};
		pid = syscall(SYS_clone3, &ca, sizeof(ca));
		break;
	}
	default:
		pid = fork();
	}
	if (pid == 0)
		_exit(probe_and_send(NULL));
	return pid;
}

/* In maker: make a subject child by method arg[0], let it probe, reap it;
 * reply maker's tid, whether the child's raise() reached maker, and the
 * robust mutex the child died holding. */
static void run_method(const long *arg)
{
	const struct method *m = &methods[arg[0]];
	long got = 0, r = 0;
	int own = -1;
	init_shared();
	if (FULL)
		pthread_mutex_lock(&sh->ec);
	fflush(NULL);
	if (m->how >= UNSHARE_FORK) {
		own = (int)NSX_TRY(nsx_open_ns(nsx_self(), "pid"));
		if (m->how == UNSHARE_FORK)
			NSX_TRY(unshare(CLONE_NEWPID));
		else
			NSX_TRY(setns(NSX_TRY(nsx_open_ns(nsx_find("holder"), "pid")),
			              CLONE_NEWPID));
	}
	long pid = make_child(m);
	if (pid < 0)
		nsx_fail("%s: %s", m->name, nsx_errname(errno));
	if (own >= 0) {
		NSX_TRY(setns(own, CLONE_NEWPID));
		close(own);
	}
	NSX_TRY(waitpid((pid_t)pid, NULL, __WALL));
	if (FULL) {
		pthread_mutex_unlock(&sh->ec);
		got = took_sigusr1();
		r = pthread_mutex_timedlock(&sh->robust, &expired);
		if (r == 0 || r == EOWNERDEAD)
			pthread_mutex_unlock(&sh->robust);
	}
	NSX_REPLY(syscall(SYS_gettid), got, r);
}

/* execer's second thread: exec ourselves, to report from the new image. */
static int exec_thread(void *arg NSX_UNUSED)
{
	NSX_SEND("pre-exec", syscall(SYS_getpid), syscall(SYS_gettid));
	execl("/proc/self/exe", "libc_id_cache", "--exec-report", nsx_fmt("%d", exec_pipe[1]),
	      (char *)NULL);
	nsx_fail("execl: %s", nsx_errname(errno));
}

static int execer_fn(void *arg NSX_UNUSED)
{
	nsx_thread("exec-thread", exec_thread, NULL);
	nsx_park(); /* until the thread's execve() ends it */
}

/* In the image execve() started: probe ourselves, report on the pipe. */
static int exec_report(int fd)
{
	long o[NO] = {0};
	init_shared();
	nsx_block(SIGUSR1); /* for raise() */
	probe(o);
	o[O_EC] = -1; /* no parent holds anything here */
	return write(fd, o, sizeof(o)) == (ssize_t)sizeof(o) ? 0 : 1;
}

#ifdef NSX_SHIM
#include <link.h>

/* Is this object the shim?  (Asked of every object loaded: LD_PRELOAD is
 * silently ignored by a static binary, and a missing .so only warns.) */
static int is_shim(struct dl_phdr_info *info, size_t size NSX_UNUSED, void *data NSX_UNUSED)
{
	return strstr(info->dlpi_name, "/nsx-getpid-cache.so") != NULL;
}

/* Run again with the getpid() cache shim preloaded (once); in the second
 * run, make sure it is loaded: without it every child would print "ok" and
 * the case would fail only by its diff, for the wrong reason. */
static void nsx_shim_reexec(char **argv)
{
	char self[4096], shim[4200];
	if (getenv("NSX_SHIM_ACTIVE")) {
		if (!dl_iterate_phdr(is_shim, NULL))
			nsx_fail("the getpid() cache shim is not loaded (LD_PRELOAD=%s ignored: "
			         "a static build?)",
			         getenv("LD_PRELOAD") ? getenv("LD_PRELOAD") : "");
		return;
	}
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		nsx_fail("cannot find our own executable: %s", nsx_errname(errno));
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	snprintf(shim, sizeof(shim), "%s/../lib/nsx-getpid-cache.so", self);
	if (access(shim, R_OK))
		nsx_fail("the getpid() cache shim %s is missing: %s (make builds it)", shim,
		         nsx_errname(errno));
	setenv("LD_PRELOAD", shim, 1);
	setenv("NSX_SHIM_ACTIVE", "1", 1);
	/* A sanitizer build wants its runtime first; the shim is no sanitizer. */
	setenv("ASAN_OPTIONS", "verify_asan_link_order=0", 0);
	execv("/proc/self/exe", argv);
	nsx_fail("re-exec with the shim: %s", nsx_errname(errno));
}
#endif

/* "ok", or "stale (<who>)" for a value that should equal right. */
static const char *judge_id(long v, long right, long parent, long other)
{
	if (v == right)
		return "ok";
	return nsx_fmt("stale (%s)", v == parent  ? "parent"
	                             : v == other ? "thread before exec"
	                                          : "other");
}

static const char *who(long v, long self, long parent)
{
	return v < 0 ? nsx_errname((int)-v) : v == self ? "self" : v == parent ? "parent" : "other";
}

static const char *err0(long r)
{
	return r < 0 ? "-" : r ? nsx_errname((int)r) : "0";
}

/* A row: the child's observations o, and maker's a = {its tid, whether it
 * took the child's raise(), the robust lock's result (-1: none)}. */
static void print_row(const char *method, const long *o, const long *a, long other)
{
	if (!FULL) {
		printf("%-40s getpid=%s\n", method, judge_id(o[O_PID], o[O_SPID], a[0], -1));
		return;
	}
	printf("%-38s getpid=%-11s gettid=%-11s internal tid=%-6s errorcheck=%-9s robust=%-10s "
	       "raise()->%-6s getattr=%s\n",
	       method, judge_id(o[O_PID], o[O_SPID], a[0], other),
	       judge_id(o[O_TID], o[O_STID], a[0], other), who(o[O_ITID], o[O_STID], a[0]),
	       err0(o[O_EC]), err0(a[2]),
	       o[O_RAISE_SELF] ? "self"
	       : a[1]          ? "parent"
	                       : "nobody",
	       err0(o[O_GETATTR]));
}

NSX_CASE(.family = "C library caches", .rows = "3.9 3.11");

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--exec-report"))
		return exec_report(atoi(argv[2]));
#ifdef NSX_SHIM
	nsx_shim_reexec(argv);
#endif
	nsx_init("top", "outer");
	init_shared();
	nsx_block(SIGUSR1); /* in maker, which the children's raise() may reach */
	NSX_TRY(pipe(exec_pipe));
	NSX_TRY(fcntl(exec_pipe[0], F_SETFD, FD_CLOEXEC));
	nsx_spawn("holder", "H", nsx_parked, NULL);
	int maker = nsx_spawn_agent("maker", NULL);

	printf("# libc_id_cache: the library's idea of a child's ids, by how the child was made\n");
	if (!FULL)
		printf("# getpid() against the syscall, under a getpid() cache (LD_PRELOAD "
		       "shim)\n");
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		const long *a = nsx_do(maker, run_method, (long)i, 0, 0)->v;
		print_row(methods[i].name, nsx_recv(maker, "obs")->v, a, -1);
	}

	/* execve() from a thread that is not the leader */
	nsx_spawn("execer", NULL, execer_fn, NULL);
	const long *pre = nsx_recv(-1, "pre-exec")->v;
	long o[NO] = {0};
	struct pollfd pfd = {exec_pipe[0], POLLIN, 0};
	if (poll(&pfd, 1, nsx_timeout_ms()) != 1 ||
	    read(exec_pipe[0], o, sizeof(o)) != (ssize_t)sizeof(o))
		nsx_fail("no report from the exec'd image");
	printf("execve() from a non-leader thread:");
	if (FULL)
		printf(" its tid before exec was %s, after exec gettid syscall = %s",
		       pre[1] == pre[0] ? "the pid" : "its own",
		       o[O_STID] == pre[0] ? "the pid" : "other");
	printf("\n");
	print_row("  the new image:", o, (const long[]){-2, 0, -1}, pre[1]);
	nsx_exit();
}
