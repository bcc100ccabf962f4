// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tasks.c - named tasks and pid namespaces: nsx_init(), nsx_spawn(),
 * chains of nested namespaces, children and threads made without lib, and
 * every task's number at every level (from its NSpid).
 */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
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

static int ns_alloc(const char *name, int parent, int level)
{
	/* A task that setns()es into a namespace the case already knows and
	 * forks names it again: the same one. */
	for (int k = 0; k < nsx_T->nns; k++)
		if (!strcmp(nsx_T->ns[k].name, name) && nsx_T->ns[k].parent == parent &&
		    nsx_T->ns[k].level == level)
			return k;
	int i = __atomic_fetch_add(&nsx_T->nns, 1, __ATOMIC_SEQ_CST);
	if (i >= NSX_MAX_NS)
		nsx_fail("more than %d namespaces", NSX_MAX_NS);
	snprintf(nsx_T->ns[i].name, sizeof(nsx_T->ns[i].name), "%s", name);
	nsx_T->ns[i].parent = parent;
	nsx_T->ns[i].level = level;
	return i;
}

static void fill_numbers(int idx, const char *which, long own)
{
	long nr[NSX_MAX_LEVEL];
	struct nsx_task *t = &nsx_T->task[idx];
	int n = nsx_read_nspid(nsx_proc_dir, which, nr, NSX_MAX_LEVEL);
	if (n <= 0)
		nsx_fail("cannot read NSpid of task %s", t->name);
	if (own && nr[n - 1] != own)
		nsx_fail("NSpid of %s ends in %ld, the syscall says %ld", t->name, nr[n - 1], own);
	for (int l = 0; l < n; l++)
		t->nr[l] = (int32_t)nr[l];
	t->level = n - 1;
	if (t->level != nsx_T->ns[t->ns].level)
		nsx_fail("%s is at level %d, expected %d (a new_ns name missing?)", t->name,
		         t->level, nsx_T->ns[t->ns].level);
	__atomic_store_n(&t->ready, 1, __ATOMIC_RELEASE);
	nsx_wake(&t->ready);
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

	nsx_case_begin();
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	nsx_T = mmap(NULL, sizeof(*nsx_T), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
	             0);
	if (nsx_T == MAP_FAILED) {
		fprintf(stderr, "nsx: error: mmap: %s\n", strerror(errno));
		exit(NSX_EXIT_ERROR);
	}
	nsx_me = nsx_proc_me = 0;
	nsx_top_pid = (pid_t)syscall(SYS_getpid);
	nsx_proc_dir = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (nsx_proc_dir < 0)
		nsx_fail("open /proc: %s", strerror(errno));
	if (pipe2(p, O_CLOEXEC))
		nsx_fail("pipe: %s", strerror(errno));
	nsx_rep_rd = p[0];
	nsx_rep_wr = p[1];
	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		nsx_fail("PR_SET_CHILD_SUBREAPER: %s", strerror(errno));

	/* Namespaces above the top are named by distance: above1 is its parent. */
	int n = nsx_read_nspid(nsx_proc_dir, "self", nr, NSX_MAX_LEVEL);
	if (n <= 0)
		nsx_fail("cannot read NSpid from /proc/self/status");
	int parent = -1;
	for (int l = 0; l < n - 1; l++) {
		char name[NSX_NAME_LEN];
		snprintf(name, sizeof(name), "above%d", n - 1 - l);
		parent = ns_alloc(name, parent, l);
	}
	struct nsx_task *t = &nsx_T->task[0];
	nsx_T->ntasks = 1;
	snprintf(t->name, sizeof(t->name), "%s", top_name);
	t->ns = ns_alloc(ns_name, parent, n - 1);
	t->level = n - 1;
	t->spawner = -1;
	register_self(0);
	nsx_case_needs();
}

int nsx_find(const char *name)
{
	for (int i = 0; i < nsx_T->ntasks; i++)
		if (!strcmp(nsx_T->task[i].name, name)) {
			/* Being spawned: its numbers come once it has registered. */
			if (nsx_wait_change(&nsx_T->task[i].ready, 0,
			                    nsx_now_ms() + nsx_timeout_ms()) ||
			    nsx_T->task[i].ready != 1)
				nsx_fail("task %s never registered", name);
			return i;
		}
	nsx_fail("no task called %s (yet: wait for a message sent after its spawn)", name);
}

int nsx_lookup(const char *name)
{
	for (int i = 0; i < nsx_T->ntasks && i < NSX_MAX_TASKS; i++)
		if (!strcmp(nsx_T->task[i].name, name) &&
		    __atomic_load_n(&nsx_T->task[i].ready, __ATOMIC_ACQUIRE) == 1)
			return i;
	return -1;
}

int nsx_await_task(const char *name)
{
	long long deadline = nsx_now_ms() + nsx_timeout_ms();
	for (;;) {
		uint32_t n = (uint32_t)__atomic_load_n(&nsx_T->ntasks, __ATOMIC_ACQUIRE);
		for (int i = 0; i < (int)n && i < NSX_MAX_TASKS; i++)
			if (!strcmp(nsx_T->task[i].name, name))
				return nsx_find(name);
		if (nsx_now_ms() > deadline)
			nsx_fail("no task called %s came", name);
		/* a slot is taken before its name is written: look again soon */
		struct timespec ts = {0, 1000000};
		nsx_futex_op((uint32_t *)&nsx_T->ntasks, FUTEX_WAIT, n, &ts);
	}
}

void nsx_forget(int task)
{
	struct nsx_task *t = &nsx_T->task[task];
	for (int l = 0; l < NSX_MAX_LEVEL; l++)
		t->nr[l] = 0;
}

int nsx_find_ns(const char *name)
{
	for (int i = 0; i < nsx_T->nns; i++)
		if (!strcmp(nsx_T->ns[i].name, name))
			return i;
	return -1;
}

int nsx_base_level(void)
{
	const char *e = getenv("NSX_PIDNS_LEVEL");
	return e && *e ? atoi(e) : nsx_T->task[0].level;
}

int nsx_ns_of(int task)
{
	return nsx_T->task[task].ns;
}

int nsx_ns_at(int task, int level)
{
	for (int n = nsx_T->task[task].ns; n >= 0; n = nsx_T->ns[n].parent)
		if (nsx_T->ns[n].level == level)
			return n;
	return -1;
}

pid_t nsx_nr_in(int task, int ns)
{
	int n = nsx_ns_at(task, nsx_T->ns[ns].level);
	return n == ns ? nsx_T->task[task].nr[nsx_T->ns[ns].level] : 0;
}

pid_t nsx_pid(int task)
{
	return nsx_nr_in(task, nsx_T->task[nsx_me].ns);
}

/* Has the caller unshared CLONE_NEWPID without forking into it yet, or is
 * its pid_for_children otherwise not its own namespace? */
static int pending_unshare(void)
{
	struct stat a, b;
	if (fstatat(nsx_proc_dir, "self/ns/pid", &a, 0))
		nsx_fail("stat /proc/self/ns/pid: %s", strerror(errno));
	if (fstatat(nsx_proc_dir, "self/ns/pid_for_children", &b, 0))
		return 1; /* a new namespace with no init yet */
	return a.st_ino != b.st_ino || a.st_dev != b.st_dev;
}

/* A new task slot called name, spawned by spawner, in a new namespace new_ns
 * below the spawner's, or in the spawner's own. */
static int task_alloc(const char *name, int spawner, const char *new_ns)
{
	int idx = __atomic_fetch_add(&nsx_T->ntasks, 1, __ATOMIC_SEQ_CST);
	if (idx >= NSX_MAX_TASKS)
		nsx_fail("more than %d tasks", NSX_MAX_TASKS);
	struct nsx_task *t = &nsx_T->task[idx];
	snprintf(t->name, sizeof(t->name), "%s", name);
	nsx_wake((uint32_t *)&nsx_T->ntasks); /* for nsx_await_task() */
	t->spawner = spawner;
	t->ns = new_ns ? ns_alloc(new_ns, nsx_T->task[spawner].ns, nsx_T->task[spawner].level + 1)
	               : nsx_T->task[spawner].ns;
	return idx;
}

/* In a new child process: become task idx and register its numbers. */
static void become(int idx, int spawner)
{
	nsx_me = nsx_proc_me = idx;
	nsx_step_seen = 0;
	nsx_nstash = 0;
	if (nsx_rep_rd >= 0)
		close(nsx_rep_rd);
	nsx_rep_rd = -1;
	/* Direct children of the top die with it; deeper tasks die with their
	 * namespace's init or are reaped by the top (subreaper). */
	if (spawner == 0)
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	register_self(idx);
}

int nsx_spawn(const char *name, const char *new_ns, int (*fn)(void *), void *arg)
{
	int caller = nsx_me, selffd = -1;
	int idx = task_alloc(name, caller, new_ns);
	struct nsx_task *t = &nsx_T->task[idx];
	if (new_ns) {
		if (!pending_unshare()) {
			selffd = openat(nsx_proc_dir, "self/ns/pid", O_RDONLY | O_CLOEXEC);
			if (selffd < 0)
				nsx_fail("open /proc/self/ns/pid: %s", strerror(errno));
			if (unshare(CLONE_NEWPID)) {
				int e = errno;
				const char *why = getenv("NSX_NOPRIV");
				if (e == EPERM && nsx_is_top())
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
			if (errno == EPERM && nsx_is_top())
				nsx_skip("setns() back into its own pid namespace: EPERM: run it "
				         "under nsxrun, or as root");
			nsx_fail("setns back to own pid namespace: %s", nsx_errname(errno));
		}
		close(selffd);
	}
	if (pid < 0)
		nsx_fail("fork for %s: %s", name, nsx_errname(e));
	if (nsx_wait_change(&t->ready, 0, nsx_now_ms() + nsx_timeout_ms()))
		nsx_fail("task %s did not start", name);
	if (t->ready != 1) {
		if (nsx_is_top())
			nsx_drain_errors(); /* prints the task's own message and exits */
		nsx_fail("task %s failed to start", name);
	}
	t->forked = pid;
	if (t->nr[nsx_T->task[caller].level] != pid)
		nsx_fail("fork() returned %d but %s's NSpid says %d", (int)pid, name,
		         (int)t->nr[nsx_T->task[caller].level]);
	return idx;
}

int nsx_adopt(const char *name, const char *new_ns, pid_t pid)
{
	char buf[16];
	if (!nsx_is_top())
		nsx_fail("nsx_adopt() outside the top");
	int idx = task_alloc(name, 0, new_ns);
	nsx_T->task[idx].forked = pid;
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	fill_numbers(idx, buf, 0);
	return idx;
}

int nsx_register_child(const char *name, const char *new_ns)
{
	int spawner = nsx_proc_me;
	int idx = task_alloc(name, spawner, new_ns);
	become(idx, spawner);
	return idx;
}

int nsx_add_thread(const char *name)
{
	int idx = task_alloc(name, nsx_proc_me, NULL);
	fill_numbers(idx, "thread-self", syscall(SYS_gettid));
	nsx_me = idx;
	nsx_step_seen = 0;
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

struct thread_arg {
	const char *name;
	int (*fn)(void *);
	void *arg;
};

static void *thread_main(void *p)
{
	struct thread_arg a = *(struct thread_arg *)p;
	free(p);
	nsx_add_thread(a.name);
	if (!a.fn)
		nsx_serve();
	a.fn(a.arg);
	return NULL;
}

int nsx_thread(const char *name, int (*fn)(void *), void *arg)
{
	pthread_t th;
	struct thread_arg *a = NSX_TRY_PTR(malloc(sizeof(*a)));
	*a = (struct thread_arg){name, fn, arg};
	NSX_TRY_ERR(pthread_create(&th, NULL, thread_main, a));
	return nsx_await_task(name);
}

static int threaded_fn(void *thread)
{
	nsx_thread(thread, nsx_parked, NULL);
	nsx_park();
}

int nsx_spawn_threaded(const char *name, const char *new_ns, const char *thread)
{
	int t = nsx_spawn(name, new_ns, threaded_fn, (void *)thread);
	nsx_await_task(thread);
	return t;
}
