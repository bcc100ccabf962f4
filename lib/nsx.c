// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nsx.c - tasks, namespaces, the report channel, barriers and exits.
 * See nsx.h for the model.
 */
#include "nsx.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NSX_STASH 256

static struct nsx_table *T;
static _Thread_local int me = -1;        /* index of the calling task (or thread) */
static int proc_me = -1;                 /* index of the calling process's task */
static pid_t top_pid;                    /* the top's getpid(), to tell it apart after fork */
static int procfd = -1;                  /* /proc as it was when the case began */
static int rep_rd = -1;                  /* report pipe, read end (top only) */
static int rep_wr = -1;                  /* report pipe, write end (everyone) */
static _Thread_local uint32_t step_seen; /* nsx_go() calls consumed by nsx_step() */
static struct nsx_msg stash[NSX_STASH];
static int nstash;

static int is_top(void)
{
	/* the syscall, never a libc cache: cases test libcs that may have one */
	return me == 0 && (pid_t)syscall(SYS_getpid) == top_pid;
}

int nsx_timeout_ms(void)
{
	static int ms;
	if (!ms) {
		const char *e = getenv("NSX_TIMEOUT_MS");
		ms = e && atoi(e) > 0 ? atoi(e) : 5000;
	}
	return ms;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct nsx_table *nsx_table(void)
{
	return T;
}

int nsx_self(void)
{
	return me;
}

int nsx_procfd(void)
{
	return procfd;
}

static char *ring(void)
{
	static char buf[16][256];
	static int r;
	return buf[r++ % 16];
}

static const char *nsx_itoa(long v)
{
	char *b = ring();
	snprintf(b, 256, "%ld", v);
	return b;
}

/* --- exits ------------------------------------------------------------- */

__attribute__((format(printf, 2, 0))) static void vreport(const char *what, const char *fmt,
                                                          va_list ap)
{
	char msg[160];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (is_top() || me < 0 || rep_wr < 0) {
		fflush(stdout);
		fprintf(stderr, "nsx: %s: %s\n", what, msg);
		return;
	}
	struct nsx_msg m = {.task = me, .kind = NSX_MSG_ERR};
	snprintf(m.key, sizeof(m.key), "%s", what);
	snprintf(m.text, sizeof(m.text), "%s", msg);
	if (write(rep_wr, &m, sizeof(m)) != (ssize_t)sizeof(m))
		fprintf(stderr, "nsx: %s: %s: %s\n", T->task[me].name, what, msg);
}

void nsx_skip(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("skip", fmt, ap);
	va_end(ap);
	if (is_top()) {
		nsx_reap_all();
		exit(NSX_EXIT_SKIP);
	}
	_exit(NSX_EXIT_SKIP);
}

static void wake(uint32_t *w);

void nsx_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("error", fmt, ap);
	va_end(ap);
	/* A task that fails before it is registered tells its spawner at once. */
	if (T && me > 0 && !is_top() &&
	    __atomic_load_n(&T->task[me].ready, __ATOMIC_ACQUIRE) == 0) {
		__atomic_store_n(&T->task[me].ready, 2, __ATOMIC_RELEASE);
		wake(&T->task[me].ready);
	}
	if (is_top()) {
		nsx_reap_all();
		exit(NSX_EXIT_ERROR);
	}
	_exit(NSX_EXIT_ERROR);
}

/* Kill a child given by its number in procfd's namespace, through a pidfd-like
 * /proc/<n> directory fd so the number cannot be reused under us. */
static void kill_proc_entry(const char *nr)
{
	int fd = openat(procfd, nr, O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
	close(fd);
}

static int kill_children(void)
{
	char path[300], buf[4096];
	int n = 0;
	DIR *d;
	struct dirent *e;

	int tfd = openat(procfd, "self/task", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (tfd < 0 || !(d = fdopendir(tfd))) {
		if (tfd >= 0)
			close(tfd);
		return -1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "self/task/%s/children", e->d_name);
		int fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t r = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (r <= 0)
			continue;
		buf[r] = '\0';
		for (char *tok = strtok(buf, " \n"); tok; tok = strtok(NULL, " \n")) {
			kill_proc_entry(tok);
			n++;
		}
	}
	closedir(d);
	return n;
}

void nsx_reap_all(void)
{
	/* As a child subreaper (set in nsx_init) orphans come back to us: kill
	 * what is listed, reap one, repeat until there is nothing left.  Killing
	 * a namespace init kills its whole namespace (zap_pid_ns_processes). */
	for (;;) {
		if (procfd >= 0)
			kill_children();
		if (T)
			for (int i = 1; i < T->ntasks; i++)
				if (T->task[i].spawner == me && T->task[i].ready) {
					pid_t p = nsx_pid(i);
					int st;
					if (p > 0 && waitpid(p, &st, WNOHANG) == 0)
						kill(p, SIGKILL);
				}
		pid_t p = waitpid(-1, NULL, __WALL);
		if (p < 0 && errno == ECHILD)
			break;
	}
}

static void drain_errors(void)
{
	struct nsx_msg m;
	int fl = fcntl(rep_rd, F_GETFL);
	fcntl(rep_rd, F_SETFL, fl | O_NONBLOCK);
	while (read(rep_rd, &m, sizeof(m)) == (ssize_t)sizeof(m)) {
		if (m.kind == NSX_MSG_ERR) {
			const char *who =
			        m.task >= 0 && m.task < T->ntasks ? T->task[m.task].name : "?";
			fflush(stdout);
			fprintf(stderr, "nsx: %s: task %s: %s\n", m.key, who, m.text);
			nsx_reap_all();
			exit(strcmp(m.key, "skip") ? NSX_EXIT_ERROR : NSX_EXIT_SKIP);
		}
	}
	fcntl(rep_rd, F_SETFL, fl);
}

void nsx_exit(void)
{
	if (!is_top())
		_exit(0);
	fflush(stdout);
	nsx_reap_all();
	drain_errors();
	exit(0);
}

/* --- /proc ------------------------------------------------------------- */

int nsx_read_status_list(int pfd, const char *pid, const char *field, long *nr, int max)
{
	char path[64], buf[4096], key[32];
	snprintf(path, sizeof(path), "%s/status", pid);
	snprintf(key, sizeof(key), "\n%s:", field);
	int fd = openat(pfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t r = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (r <= 0)
		return -1;
	buf[r] = '\0';
	char *p = strstr(buf, key);
	if (!p)
		return -1;
	p += strlen(key);
	int n = 0;
	while (n < max) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		nr[n++] = v;
		p = end;
		if (*p == '\n')
			break;
	}
	return n;
}

int nsx_read_nspid(int pfd, const char *pid, long *nr, int max)
{
	return nsx_read_status_list(pfd, pid, "NSpid", nr, max);
}

void nsx_private_ipc(void)
{
	if (unshare(CLONE_NEWIPC)) {
		int e = errno;
		if (e == EPERM && is_top())
			nsx_skip("unshare(CLONE_NEWIPC): EPERM: needs CAP_SYS_ADMIN");
		nsx_fail("unshare(CLONE_NEWIPC): %s", nsx_errname(e));
	}
}

static int write_text(const char *path, const char *text)
{
	int fd = openat(procfd, path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, text, strlen(text));
	int e = errno;
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -e;
}

int nsx_new_userns(const char *uid_map, const char *gid_map)
{
	if (unshare(CLONE_NEWUSER))
		return -errno;
	int e = uid_map ? write_text("self/uid_map", uid_map) : 0;
	if (!e && gid_map) {
		/* Without CAP_SETGID in the parent namespace a gid_map needs
		 * setgroups denied first (kernel/user_namespace.c). */
		e = write_text("self/setgroups", "deny");
		if (!e)
			e = write_text("self/gid_map", gid_map);
	}
	return e;
}

int nsx_mount_proc(void)
{
	if (unshare(CLONE_NEWNS))
		return -errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -errno;
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		return -errno;
	return 0;
}

/* --- tasks ------------------------------------------------------------- */

static int ns_alloc(const char *name, int parent, int level)
{
	int i = __atomic_fetch_add(&T->nns, 1, __ATOMIC_SEQ_CST);
	if (i >= NSX_MAX_NS)
		nsx_fail("more than %d namespaces", NSX_MAX_NS);
	snprintf(T->ns[i].name, sizeof(T->ns[i].name), "%s", name);
	T->ns[i].parent = parent;
	T->ns[i].level = level;
	return i;
}

static int futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *ts)
{
	return (int)syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

/* Wait until *w != old, bounded by the timeout; 0 on change, -1 on timeout. */
static int wait_change(uint32_t *w, uint32_t old, long long deadline)
{
	while (__atomic_load_n(w, __ATOMIC_ACQUIRE) == old) {
		long long left = deadline - now_ms();
		if (left <= 0)
			return -1;
		struct timespec ts = {left / 1000, (left % 1000) * 1000000};
		futex(w, FUTEX_WAIT, old, &ts);
	}
	return 0;
}

static void wake(uint32_t *w)
{
	futex(w, FUTEX_WAKE, INT32_MAX, NULL);
}

/* Fill in the calling task's numbers from its NSpid. */
/* Fill in task idx's numbers from the NSpid of /proc/<which> (which must end
 * in own, unless own is 0), check its level, and mark it ready. */
static void fill_numbers(int idx, const char *which, long own)
{
	long nr[NSX_MAX_LEVEL];
	struct nsx_task *t = &T->task[idx];
	int n = nsx_read_nspid(procfd, which, nr, NSX_MAX_LEVEL);
	if (n <= 0)
		nsx_fail("cannot read NSpid of task %s", t->name);
	if (own && nr[n - 1] != own)
		nsx_fail("NSpid of %s ends in %ld, the syscall says %ld", t->name, nr[n - 1], own);
	for (int l = 0; l < n; l++)
		t->nr[l] = (int32_t)nr[l];
	t->level = n - 1;
	if (t->level != T->ns[t->ns].level)
		nsx_fail("%s is at level %d, expected %d (a new_ns name missing?)", t->name,
		         t->level, T->ns[t->ns].level);
	__atomic_store_n(&t->ready, 1, __ATOMIC_RELEASE);
	wake(&t->ready);
}

/* The calling process's own numbers, for task idx. */
static void register_self(int idx)
{
	fill_numbers(idx, "self", syscall(SYS_getpid));
}

void nsx_init(const char *top_name, const char *ns_name)
{
	long nr[NSX_MAX_LEVEL];
	int p[2];

	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	T = mmap(NULL, sizeof(*T), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (T == MAP_FAILED) {
		fprintf(stderr, "nsx: error: mmap: %s\n", strerror(errno));
		exit(NSX_EXIT_ERROR);
	}
	me = proc_me = 0;
	top_pid = (pid_t)syscall(SYS_getpid);
	procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		nsx_fail("open /proc: %s", strerror(errno));
	if (pipe2(p, O_CLOEXEC))
		nsx_fail("pipe: %s", strerror(errno));
	rep_rd = p[0];
	rep_wr = p[1];
	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		nsx_fail("PR_SET_CHILD_SUBREAPER: %s", strerror(errno));

	/* Namespaces above the top are named by distance: above1 is its parent. */
	int n = nsx_read_nspid(procfd, "self", nr, NSX_MAX_LEVEL);
	if (n <= 0)
		nsx_fail("cannot read NSpid from /proc/self/status");
	int parent = -1;
	for (int l = 0; l < n - 1; l++) {
		char name[NSX_NAME_LEN];
		snprintf(name, sizeof(name), "above%d", n - 1 - l);
		parent = ns_alloc(name, parent, l);
	}
	struct nsx_task *t = &T->task[0];
	T->ntasks = 1;
	snprintf(t->name, sizeof(t->name), "%s", top_name);
	t->ns = ns_alloc(ns_name, parent, n - 1);
	t->level = n - 1;
	t->spawner = -1;
	register_self(0);
}

int nsx_find(const char *name)
{
	for (int i = 0; i < T->ntasks; i++)
		if (!strcmp(T->task[i].name, name))
			return i;
	nsx_fail("no task called %s (yet: wait for a message sent after its spawn)", name);
}

int nsx_find_ns(const char *name)
{
	for (int i = 0; i < T->nns; i++)
		if (!strcmp(T->ns[i].name, name))
			return i;
	return -1;
}

int nsx_base_level(void)
{
	const char *e = getenv("NSX_PIDNS_LEVEL");
	return e && *e ? atoi(e) : T->task[0].level;
}

int nsx_ns_of(int task)
{
	return T->task[task].ns;
}

int nsx_ns_at(int task, int level)
{
	for (int n = T->task[task].ns; n >= 0; n = T->ns[n].parent)
		if (T->ns[n].level == level)
			return n;
	return -1;
}

pid_t nsx_nr_in(int task, int ns)
{
	int n = nsx_ns_at(task, T->ns[ns].level);
	return n == ns ? T->task[task].nr[T->ns[ns].level] : 0;
}

pid_t nsx_pid(int task)
{
	return nsx_nr_in(task, T->task[me].ns);
}

/* Has the caller unshared CLONE_NEWPID without forking into it yet, or is
 * its pid_for_children otherwise not its own namespace? */
static int pending_unshare(void)
{
	struct stat a, b;
	if (fstatat(procfd, "self/ns/pid", &a, 0))
		nsx_fail("stat /proc/self/ns/pid: %s", strerror(errno));
	if (fstatat(procfd, "self/ns/pid_for_children", &b, 0))
		return 1; /* a new namespace with no init yet */
	return a.st_ino != b.st_ino || a.st_dev != b.st_dev;
}

/* A new task slot called name, spawned by spawner, in a new namespace new_ns
 * below the spawner's, or in the spawner's own. */
static int task_alloc(const char *name, int spawner, const char *new_ns)
{
	int idx = __atomic_fetch_add(&T->ntasks, 1, __ATOMIC_SEQ_CST);
	if (idx >= NSX_MAX_TASKS)
		nsx_fail("more than %d tasks", NSX_MAX_TASKS);
	struct nsx_task *t = &T->task[idx];
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->spawner = spawner;
	t->ns = new_ns ? ns_alloc(new_ns, T->task[spawner].ns, T->task[spawner].level + 1)
	               : T->task[spawner].ns;
	return idx;
}

/* In a new child process: become task idx and register its numbers. */
static void become(int idx, int spawner)
{
	me = proc_me = idx;
	step_seen = 0;
	nstash = 0;
	if (rep_rd >= 0)
		close(rep_rd);
	rep_rd = -1;
	/* Direct children of the top die with it; deeper tasks die with their
	 * namespace's init or are reaped by the top (subreaper). */
	if (spawner == 0)
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	register_self(idx);
}

int nsx_spawn(const char *name, const char *new_ns, int (*fn)(void *), void *arg)
{
	int caller = me, selffd = -1;
	int idx = task_alloc(name, caller, new_ns);
	struct nsx_task *t = &T->task[idx];
	if (new_ns) {
		if (!pending_unshare()) {
			selffd = openat(procfd, "self/ns/pid", O_RDONLY | O_CLOEXEC);
			if (selffd < 0)
				nsx_fail("open /proc/self/ns/pid: %s", strerror(errno));
			if (unshare(CLONE_NEWPID)) {
				int e = errno;
				const char *why = getenv("NSX_NOPRIV");
				if (e == EPERM && is_top())
					nsx_skip("unshare(CLONE_NEWPID): EPERM: needs "
					         "CAP_SYS_ADMIN%s%s",
					         why ? "; no user namespace either: " : "",
					         why ? why : "");
				nsx_fail("unshare(CLONE_NEWPID) for %s: %s", name, nsx_errname(e));
			}
		}
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		become(idx, caller);
		int rc = fn(arg);
		fflush(NULL);
		_exit(rc);
	}
	int e = errno;
	if (selffd >= 0) {
		if (setns(selffd, CLONE_NEWPID)) {
			/* pidns_install() wants CAP_SYS_ADMIN over the owner of the
			 * namespace we started in: not ours when run by hand in a
			 * user namespace; nsxrun gives every case one it owns. */
			if (errno == EPERM && is_top())
				nsx_skip("setns() back into its own pid namespace: EPERM: run it "
				         "under nsxrun, or as root");
			nsx_fail("setns back to own pid namespace: %s", nsx_errname(errno));
		}
		close(selffd);
	}
	if (pid < 0)
		nsx_fail("fork for %s: %s", name, nsx_errname(e));
	if (wait_change(&t->ready, 0, now_ms() + nsx_timeout_ms()))
		nsx_fail("task %s did not start", name);
	if (t->ready != 1) {
		if (is_top())
			drain_errors(); /* prints the task's own message and exits */
		nsx_fail("task %s failed to start", name);
	}
	t->forked = pid;
	if (t->nr[T->task[caller].level] != pid)
		nsx_fail("fork() returned %d but %s's NSpid says %d", (int)pid, name,
		         (int)t->nr[T->task[caller].level]);
	return idx;
}

int nsx_adopt(const char *name, const char *new_ns, pid_t pid)
{
	char buf[16];
	if (!is_top())
		nsx_fail("nsx_adopt() outside the top");
	int idx = task_alloc(name, 0, new_ns);
	T->task[idx].forked = pid;
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	fill_numbers(idx, buf, 0);
	return idx;
}

int nsx_register_child(const char *name, const char *new_ns)
{
	int spawner = proc_me;
	int idx = task_alloc(name, spawner, new_ns);
	become(idx, spawner);
	return idx;
}

int nsx_add_thread(const char *name)
{
	int idx = task_alloc(name, proc_me, NULL);
	fill_numbers(idx, "thread-self", syscall(SYS_gettid));
	me = idx;
	step_seen = 0;
	return idx;
}

struct chain_arg {
	const char *prefix, *nsprefix;
	int depth, k;
	int (*fn)(void *);
	void *arg;
};

/* Level k of a chain: make level k+1 below, or run fn at the bottom. */
static int chain_level(void *p)
{
	struct chain_arg *c = p;
	char name[NSX_NAME_LEN], nsname[NSX_NAME_LEN];

	if (c->k == c->depth) {
		NSX_SEND("chain-end", c->k, 0);
		return c->fn(c->arg);
	}
	/* Try the next level ourselves so that a refusal is reported, not fatal;
	 * nsx_spawn() then sees the pending namespace and forks into it. */
	if (unshare(CLONE_NEWPID)) {
		/* The deepest level there can be: it runs fn. */
		NSX_SEND("chain-end", c->k, errno);
		return c->fn(c->arg);
	}
	c->k++;
	snprintf(name, sizeof(name), "%s%d", c->prefix, c->k);
	snprintf(nsname, sizeof(nsname), "%s%d", c->nsprefix, c->k);
	nsx_spawn(name, nsname, chain_level, c);
	nsx_park();
}

int nsx_chain(const char *prefix, const char *nsprefix, int depth, int (*fn)(void *), void *arg,
              int *err)
{
	char name[NSX_NAME_LEN], nsname[NSX_NAME_LEN];
	struct chain_arg c = {prefix, nsprefix, depth, 1, fn, arg};

	if (depth < 1)
		nsx_fail("nsx_chain: depth %d", depth);
	snprintf(name, sizeof(name), "%s1", prefix);
	snprintf(nsname, sizeof(nsname), "%s1", nsprefix);
	nsx_spawn(name, nsname, chain_level, &c);
	const struct nsx_msg *m = nsx_recv(-1, "chain-end");
	int made = (int)m->v[0], e = (int)m->v[1];
	if (e && !err)
		nsx_fail("nsx_chain: level %d: unshare(CLONE_NEWPID): %s", made + 1,
		         nsx_errname(e));
	if (err)
		*err = e;
	return made;
}

/* --- channel and barriers ------------------------------------------------ */

void nsx_send_v(const char *key, const long *v, int n)
{
	struct nsx_msg m = {.task = me, .kind = NSX_MSG_VAL, .n = n};
	if (n > NSX_MSG_VALS)
		nsx_fail("NSX_SEND(%s): %d values, at most %d", key, n, NSX_MSG_VALS);
	snprintf(m.key, sizeof(m.key), "%s", key);
	memcpy(m.v, v, sizeof(long) * (size_t)n);
	/* sizeof(m) < PIPE_BUF: the write is atomic, records never interleave. */
	if (write(rep_wr, &m, sizeof(m)) != (ssize_t)sizeof(m))
		_exit(NSX_EXIT_ERROR);
}

static const struct nsx_msg *take(int task, const char *key)
{
	for (int i = 0; i < nstash; i++) {
		if ((task < 0 || stash[i].task == task) && !strcmp(stash[i].key, key)) {
			/* A ring, so that a few results can be used together. */
			static struct nsx_msg out[16];
			static int r;
			struct nsx_msg *o = &out[r++ % 16];
			*o = stash[i];
			memmove(&stash[i], &stash[i + 1],
			        sizeof(stash[0]) * (size_t)(nstash - i - 1));
			nstash--;
			return o;
		}
	}
	return NULL;
}

const struct nsx_msg *nsx_recv(int task, const char *key)
{
	long long deadline = now_ms() + nsx_timeout_ms();
	const struct nsx_msg *m;

	if (!is_top())
		nsx_fail("nsx_recv() outside the top");
	while (!(m = take(task, key))) {
		struct pollfd pfd = {rep_rd, POLLIN, 0};
		long long left = deadline - now_ms();
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0) {
			if (left > 0 && errno == EINTR)
				continue;
			nsx_fail("timed out waiting for '%s' from %s", key,
			         task < 0 ? "any task" : T->task[task].name);
		}
		struct nsx_msg in;
		if (read(rep_rd, &in, sizeof(in)) != (ssize_t)sizeof(in))
			nsx_fail("short read on the report pipe");
		if (in.kind == NSX_MSG_ERR) {
			const char *who =
			        in.task >= 0 && in.task < T->ntasks ? T->task[in.task].name : "?";
			fflush(stdout);
			fprintf(stderr, "nsx: %s: task %s: %s\n", in.key, who, in.text);
			nsx_reap_all();
			exit(strcmp(in.key, "skip") ? NSX_EXIT_ERROR : NSX_EXIT_SKIP);
		}
		if (nstash == NSX_STASH)
			nsx_fail("more than %d unread reports", NSX_STASH);
		stash[nstash++] = in;
	}
	return m;
}

void nsx_go(int task)
{
	__atomic_add_fetch(&T->task[task].go, 1, __ATOMIC_RELEASE);
	wake(&T->task[task].go);
}

void nsx_step(void)
{
	uint32_t *w = &T->task[me].go;
	long long deadline = now_ms() + nsx_timeout_ms();
	while (__atomic_load_n(w, __ATOMIC_ACQUIRE) == step_seen)
		if (wait_change(w, step_seen, deadline))
			nsx_fail("timed out waiting for nsx_go()");
	step_seen++;
}

void nsx_request(int task, int op, long a0, long a1, long a2)
{
	struct nsx_task *t = &T->task[task];
	t->op = op;
	t->arg[0] = a0;
	t->arg[1] = a1;
	t->arg[2] = a2;
	nsx_go(task); /* the release in nsx_go() publishes op and arg */
}

const struct nsx_msg *nsx_call(int task, int op, long a0, long a1, long a2)
{
	nsx_request(task, op, a0, a1, a2);
	return nsx_recv(task, "reply");
}

void nsx_serve(void (*handler)(int op, const long *arg))
{
	for (;;) {
		nsx_step();
		struct nsx_task *t = &T->task[me];
		long arg[4] = {t->arg[0], t->arg[1], t->arg[2], t->arg[3]};
		handler(t->op, arg);
	}
}

void nsx_park(void)
{
	uint32_t *w = &T->task[me].go;
	/* Nobody calls nsx_go() on a parked task; this only bounds its life. */
	wait_change(w, __atomic_load_n(w, __ATOMIC_ACQUIRE), now_ms() + 4LL * nsx_timeout_ms());
	_exit(0);
}

/* --- signals --------------------------------------------------------------- */

void nsx_block(int sig)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	if (sigprocmask(SIG_BLOCK, &s, NULL))
		nsx_fail("sigprocmask: %s", nsx_errname(errno));
}

int nsx_pending(int sig)
{
	sigset_t s;
	sigpending(&s);
	return sigismember(&s, sig) == 1;
}

int nsx_sigwait(int sig, siginfo_t *si)
{
	sigset_t s;
	long long deadline = now_ms() + nsx_timeout_ms();
	sigemptyset(&s);
	sigaddset(&s, sig);
	for (;;) {
		long long left = deadline - now_ms();
		if (left <= 0)
			return -1;
		struct timespec ts = {left / 1000, (left % 1000) * 1000000};
		memset(si, 0, sizeof(*si));
		/* The raw syscall: glibc's sigtimedwait() rewrites SI_TKILL to SI_USER. */
		if (syscall(SYS_rt_sigtimedwait, &s, si, &ts, (size_t)(_NSIG / 8)) == sig)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

void nsx_send_siginfo(const char *key, int sig)
{
	siginfo_t si;
	if (nsx_sigwait(sig, &si))
		NSX_SEND(key, -1);
	else
		NSX_SEND(key, si.si_signo, si.si_code, si.si_pid, si.si_uid, si.si_value.sival_int,
		         si.si_status);
}

const char *nsx_siginfo_str(int observer, const struct nsx_msg *m)
{
	return nsx_siginfo_v(observer, m->v);
}

const char *nsx_siginfo_v(int observer, const long *v)
{
	char *b = ring();
	int sig = (int)v[0], code = (int)v[1];
	if (sig < 0) {
		snprintf(b, 256, "no signal (timed out)");
		return b;
	}
	int n = snprintf(b, 256, "%s si_code=%s si_pid=%s si_uid=%ld", nsx_signame(sig),
	                 nsx_sicode(sig, code), nsx_name(observer, v[2]), v[3]);
	if (n > 0 && n < 256 && (code == SI_QUEUE || code == SI_MESGQ))
		snprintf(b + n, 256 - (size_t)n, " si_value=%ld", v[4]);
	else if (n > 0 && n < 256 && sig == SIGCHLD)
		snprintf(b + n, 256 - (size_t)n, " si_status=%s",
		         code == CLD_EXITED ? nsx_itoa(v[5]) : nsx_signame((int)v[5]));
	return b;
}

/* --- naming with the live table ---------------------------------------------- */

const char *nsx_name_ns(int ns, long v)
{
	return nsx_name_in(T, ns, v, ring(), 256);
}

const char *nsx_name(int observer, long v)
{
	return nsx_name_ns(T->task[observer].ns, v);
}

const char *nsx_nslist_names(int task, int proc_level, const long *nr, int n)
{
	char *b = ring();
	size_t off = 0;
	b[0] = '\0';
	for (int k = 0; k < n && off < 256; k++) {
		int ns = nsx_ns_at(task, proc_level + k);
		char one[128];
		if (ns < 0)
			snprintf(one, sizeof(one), "%ld?", nr[k]);
		else
			nsx_name_in(T, ns, nr[k], one, sizeof(one));
		int w = snprintf(b + off, 256 - off, "%s%s", k ? " " : "", one);
		if (w < 0)
			break;
		off += (size_t)w;
	}
	return b;
}
