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
 * the cached id). Reading libc_id_cache (and -musl): one line per way of
 * making the child; ok means the library agrees with the kernel, stale
 * (parent) that it still holds the parent's value; internal tid is the id
 * the library writes into a PI mutex it locks (self is right);
 * errorcheck=EDEADLK means the child believes it owns a mutex its parent
 * holds; robust=ETIMEDOUT means a mutex the dead child held was never
 * marked OWNER_DIED; raise()->parent means the child's raise() signalled
 * its parent. libc_id_cache_shim proves the getpid() detector fires: under
 * a preloaded shim that re-creates the old glibc cache its golden file
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
 *     changed, not by offset): self, parent or other.
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

#ifndef CLONE_NEWPID
#define CLONE_NEWPID 0x20000000
#endif

struct clone_args_v0 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

enum {
	M_FORK,
	M_VFORK,
	M_CLONE,
	M_CLONE_VM,
	M_CLONE_NEWPID,
	M_CLONE_VM_NEWPID,
	M_RAW_CLONE,
	M_RAW_CLONE_NEWPID,
	M_CLONE3,
	M_CLONE3_NEWPID,
	M_UNSHARE_FORK,
	M_SETNS_FORK,
	NM
};
static const char *const mname[NM] = {
        "fork()",
        "vfork()",
        "clone() wrapper",
        "clone() wrapper CLONE_VM",
        "clone() wrapper CLONE_NEWPID",
        "clone() wrapper CLONE_VM|CLONE_NEWPID",
        "syscall(SYS_clone)",
        "syscall(SYS_clone) CLONE_NEWPID",
        "clone3",
        "clone3 CLONE_NEWPID",
        "unshare(CLONE_NEWPID)+fork()",
        "setns(H)+fork()",
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
 * mutex at once or fails with ETIMEDOUT without sleeping.  (Some helpers go
 * unused in the getpid-only variant.) */
static const struct timespec expired = {0, 0};

/* The thread id the library writes into a PI mutex it locks: the int of the
 * mutex that changes, masked. */
__attribute__((unused)) static long internal_tid(void)
{
	pthread_mutexattr_t at;
	pthread_mutex_t m;
	int before[sizeof(m) / sizeof(int)];
	pthread_mutexattr_init(&at);
	if (pthread_mutexattr_setprotocol(&at, PTHREAD_PRIO_INHERIT))
		return -ENOTSUP;
	pthread_mutex_init(&m, &at);
	memcpy(before, &m, sizeof(before));
	if (pthread_mutex_lock(&m))
		return -EINVAL;
	long tid = -ENOENT;
	for (size_t i = 0; i < sizeof(before) / sizeof(int); i++) {
		int now;
		memcpy(&now, (char *)&m + i * sizeof(int), sizeof(int));
		if (now != before[i]) {
			tid = now & FUTEX_TID_MASK;
			break;
		}
	}
	pthread_mutex_unlock(&m);
	return tid;
}

/* The probes, in the child; the robust mutex stays locked. */
static void probe(long *o)
{
	o[O_PID] = getpid();
	o[O_SPID] = syscall(SYS_getpid);
#ifndef NSX_GETPID_ONLY
	sigset_t s;
	siginfo_t si;
	struct timespec zero = {0, 0};
	o[O_TID] = gettid();
	o[O_STID] = syscall(SYS_gettid);
	o[O_ITID] = internal_tid();
	o[O_EC] = pthread_mutex_timedlock(&sh->ec, &expired);
	if (o[O_EC] == 0)
		pthread_mutex_unlock(&sh->ec);
	raise(SIGUSR1);
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	o[O_RAISE_SELF] =
	        syscall(SYS_rt_sigtimedwait, &s, &si, &zero, (size_t)(_NSIG / 8)) == SIGUSR1;
	pthread_attr_t at;
	o[O_GETATTR] = pthread_getattr_np(pthread_self(), &at);
	if (o[O_GETATTR] == 0)
		pthread_attr_destroy(&at);
	o[O_ROBUST] = pthread_mutex_lock(&sh->robust);
#endif
}

static void probe_and_send(void)
{
	long o[NO] = {0};
	probe(o);
	nsx_send_v("obs", o, NO);
}

static int clone_fn(void *arg)
{
	(void)arg;
	probe_and_send();
	return 0;
}

static void init_robust(void)
{
	pthread_mutexattr_t at;
	pthread_mutexattr_init(&at);
	pthread_mutexattr_setpshared(&at, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&sh->robust, &at);
}

/* maker: make a subject child by method m, probe, and report. */
static void run_method(int m, int holder_ns, int own_ns)
{
	long pid = -1;
	int r;
	init_robust();
#ifndef NSX_GETPID_ONLY
	pthread_mutex_lock(&sh->ec);
#endif
	fflush(NULL);
	switch (m) {
	case M_FORK:
		pid = fork();
		break;
	case M_VFORK:
		pid = vfork();
		if (pid == 0) {
			probe_and_send();
			_exit(0);
		}
		break;
	case M_CLONE:
	case M_CLONE_VM:
	case M_CLONE_NEWPID:
	case M_CLONE_VM_NEWPID: {
		int f = SIGCHLD | (m == M_CLONE_VM || m == M_CLONE_VM_NEWPID ? CLONE_VM : 0) |
		        (m == M_CLONE_NEWPID || m == M_CLONE_VM_NEWPID ? CLONE_NEWPID : 0);
		pid = clone(clone_fn, stack + sizeof(stack), f, NULL);
		break;
	}
	case M_RAW_CLONE:
	case M_RAW_CLONE_NEWPID:
		pid = syscall(SYS_clone, SIGCHLD | (m == M_RAW_CLONE_NEWPID ? CLONE_NEWPID : 0),
		              NULL, NULL, NULL, 0);
		break;
	case M_CLONE3:
	case M_CLONE3_NEWPID: {
		struct clone_args_v0 ca = {.flags = m == M_CLONE3_NEWPID ? CLONE_NEWPID : 0,
		                           .exit_signal = SIGCHLD};
		pid = syscall(SYS_clone3, &ca, sizeof(ca));
		break;
	}
	case M_UNSHARE_FORK:
		NSX_TRY(unshare(CLONE_NEWPID));
		pid = fork();
		break;
	case M_SETNS_FORK:
		NSX_TRY(setns(holder_ns, CLONE_NEWPID));
		pid = fork();
		break;
	}
	if (pid == 0) { /* fork-like children of fork, raw clone, clone3 */
		probe_and_send();
		_exit(0);
	}
	if (pid < 0)
		nsx_fail("%s: %s", mname[m], nsx_errname(errno));
	if ((m == M_UNSHARE_FORK || m == M_SETNS_FORK) && setns(own_ns, CLONE_NEWPID))
		nsx_fail("setns back: %s", nsx_errname(errno));
	NSX_TRY(waitpid((pid_t)pid, NULL, __WALL));
#ifndef NSX_GETPID_ONLY
	pthread_mutex_unlock(&sh->ec);
	sigset_t s;
	siginfo_t si;
	struct timespec zero = {0, 0};
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	long parent_got =
	        syscall(SYS_rt_sigtimedwait, &s, &si, &zero, (size_t)(_NSIG / 8)) == SIGUSR1;
	r = pthread_mutex_timedlock(&sh->robust, &expired);
	if (r == 0 || r == EOWNERDEAD)
		pthread_mutex_unlock(&sh->robust);
	NSX_SEND("after", syscall(SYS_gettid), parent_got, r);
#else
	(void)r;
	(void)expired;
	NSX_SEND("after", syscall(SYS_gettid), 0, 0);
#endif
}

static int holder_ns = -1, own_ns = -1;

static void do_run_method(const long *arg)
{
	run_method((int)arg[0], holder_ns, own_ns);
}

static int maker_fn(void *arg)
{
	nsx_block(SIGUSR1);
	holder_ns = NSX_TRY(nsx_open_ns(nsx_find("holder"), "pid"));
	own_ns = NSX_TRY(nsx_open_ns(nsx_self(), "pid"));
	(void)arg;
	nsx_serve();
}

/* execer's second thread: exec ourselves, to report from the new image. */
static void *exec_thread(void *arg)
{
	char fd[16];
	(void)arg;
	snprintf(fd, sizeof(fd), "%d", exec_pipe[1]);
	nsx_add_thread("exec-thread");
	NSX_SEND("pre-exec", syscall(SYS_getpid), syscall(SYS_gettid));
	execl("/proc/self/exe", "libc_id_cache", "--exec-report", fd, (char *)NULL);
	nsx_fail("execl: %s", nsx_errname(errno));
}

static int execer_fn(void *arg)
{
	pthread_t th;
	(void)arg;
	nsx_step();
	NSX_TRY_ERR(pthread_create(&th, NULL, exec_thread, NULL));
	pthread_join(th, NULL);
	return 0;
}

/* In the image execve() started: probe ourselves, report on the pipe. */
static int exec_report(int fd)
{
	long o[NO] = {0};
	char line[256];
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 1;
	pthread_mutex_init(&sh->ec, NULL);
	init_robust();
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL); /* for raise() */
	probe(o);
	o[O_EC] = -1; /* no parent holds anything here */
	int n = snprintf(line, sizeof(line), "%ld %ld %ld %ld %ld %ld %ld %ld\n", o[O_PID],
	                 o[O_SPID], o[O_TID], o[O_STID], o[O_ITID], o[O_EC], o[O_RAISE_SELF],
	                 o[O_GETATTR]);
	return write(fd, line, (size_t)n) == n ? 0 : 1;
}

#ifdef NSX_SHIM
/* Is the shim mapped into this process?  (/proc/self/maps: LD_PRELOAD is
 * silently ignored by a static binary, and a missing .so only warns.) */
static int shim_mapped(void)
{
	char line[4352];
	int found = 0;
	FILE *f = fopen("/proc/self/maps", "re");
	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, "/nsx-getpid-cache.so") != NULL;
	if (f)
		fclose(f);
	return found;
}

/* Run again with the getpid() cache shim preloaded (once); in the second
 * run, make sure it is loaded: without it every child would print "ok" and
 * the case would fail only by its diff, for the wrong reason. */
static void nsx_shim_reexec(char **argv)
{
	char self[4096], shim[4200];
	if (getenv("NSX_SHIM_ACTIVE")) {
		if (!shim_mapped())
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
	char *b = nsx_strbuf();
	if (v == right)
		return "ok";
	snprintf(b, 48, "stale (%s)",
	         v == parent  ? "parent"
	         : v == other ? "thread before exec"
	                      : "other");
	return b;
}

__attribute__((unused)) static const char *who(long v, long self, long parent)
{
	return v < 0 ? nsx_errname((int)-v) : v == self ? "self" : v == parent ? "parent" : "other";
}

__attribute__((unused)) static const char *err0(long r)
{
	return r < 0 ? "-" : r ? nsx_errname((int)r) : "0";
}

static void print_row(const char *method, const long *o, long parent_tid, long parent_got,
                      long robust, long other)
{
#ifdef NSX_GETPID_ONLY
	(void)parent_got;
	(void)robust;
	(void)other;
	printf("%-40s getpid=%s\n", method, judge_id(o[O_PID], o[O_SPID], parent_tid, -1));
#else
	const char *raised = o[O_RAISE_SELF] ? "self" : parent_got ? "parent" : "nobody";
	printf("%-38s getpid=%-11s gettid=%-11s internal tid=%-6s errorcheck=%-9s robust=%-10s "
	       "raise()->%-6s getattr=%s\n",
	       method, judge_id(o[O_PID], o[O_SPID], parent_tid, other),
	       judge_id(o[O_TID], o[O_STID], parent_tid, other),
	       who(o[O_ITID], o[O_STID], parent_tid), err0(o[O_EC]),
	       robust < 0 ? "-" : err0(robust), raised, err0(o[O_GETATTR]));
#endif
}

NSX_CASE(.family = "C library caches", .rows = "3.9 3.11");

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--exec-report"))
		return exec_report(atoi(argv[2]));
#ifdef NSX_SHIM
	nsx_shim_reexec(argv);
#endif
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return NSX_EXIT_ERROR;
	pthread_mutexattr_t at;
	pthread_mutexattr_init(&at);
	pthread_mutexattr_setpshared(&at, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_settype(&at, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&sh->ec, &at);

	nsx_init("top", "outer");
	if (pipe(exec_pipe) || fcntl(exec_pipe[0], F_SETFD, FD_CLOEXEC))
		nsx_fail("pipe: %s", nsx_errname(errno));
	nsx_spawn("holder", "H", nsx_parked, NULL);
	int maker = nsx_spawn("maker", NULL, maker_fn, NULL);

	printf("# libc_id_cache: the library's idea of a child's ids, by how the child was made\n");
#ifdef NSX_GETPID_ONLY
	printf("# getpid() against the syscall, under a getpid() cache (LD_PRELOAD shim)\n");
#endif
	for (int m = 0; m < NM; m++) {
		nsx_ask(maker, do_run_method, m, 0, 0);
		const struct nsx_msg *o = nsx_recv(maker, "obs");
		const struct nsx_msg *a = nsx_recv(maker, "after");
		print_row(mname[m], o->v, a->v[0], a->v[1], a->v[2], -1);
	}

	/* execve() from a thread that is not the leader */
	int execer = nsx_spawn("execer", NULL, execer_fn, NULL);
	nsx_go(execer);
	const struct nsx_msg *pre = nsx_recv(-1, "pre-exec");
	long pre_pid = pre->v[0], pre_tid = pre->v[1];
	char line[256] = "";
	struct pollfd pfd = {exec_pipe[0], POLLIN, 0};
	ssize_t n = poll(&pfd, 1, nsx_timeout_ms()) == 1
	                    ? read(exec_pipe[0], line, sizeof(line) - 1)
	                    : -1;
	if (n <= 0)
		nsx_fail("no report from the exec'd image");
	line[n] = '\0';
	long o[NO] = {0};
	nsx_numbers(line, o, O_ROBUST); /* the observations up to O_GETATTR, in order */
#ifdef NSX_GETPID_ONLY
	(void)pre_pid;
	(void)pre_tid;
	printf("execve() from a non-leader thread:\n");
#else
	printf("execve() from a non-leader thread: its tid before exec was %s, after exec gettid "
	       "syscall = %s\n",
	       pre_tid == pre_pid ? "the pid" : "its own",
	       o[O_STID] == pre_pid ? "the pid" : "other");
#endif
	print_row("  the new image:", o, -2, 0, -1, pre_tid);
	nsx_exit();
}
