// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * robust_futex - a task in a child pid namespace dies holding robust,
 * process-shared mutexes; what the kernel does to their futex words, and
 * what waiters in the child and in the parent namespace see.
 *
 * Tasks: top (namespace outer) spawns pwait (outer) and cinit, the init of
 * namespace C; cinit spawns ow and cwait (C).  Three glibc mutexes live in a
 * MAP_SHARED page, each PTHREAD_PROCESS_SHARED and PTHREAD_MUTEX_ROBUST: a,
 * b and c.  ow locks all three (glibc writes its cached TID, ow's number in
 * C, into each word and links each on the robust list it registered with
 * set_robust_list() in fork()), then overwrites c's owner TID with its own
 * number in *outer*, as a library with a TID from the wrong namespace would,
 * and exits.  The words print as "owner=<task>" read in the namespace
 * named, plus FUTEX_WAITERS and FUTEX_OWNER_DIED.
 *
 * The golden lines and the kernel code behind them:
 *
 *   before ow exits: a, b = owner=ow read in C, ow@C read in outer (the
 *   number means nothing there); c = owner=ow read in outer
 *     glibc nptl/pthread_mutex_lock.c: a robust mutex stores
 *     THREAD_GETMEM(THREAD_SELF, tid), set by fork() through
 *     CLONE_CHILD_SETTID from the child's own view (kernel/sched/core.c:
 *     schedule_tail(), task_pid_vnr()).
 *   ow exits and cinit reaps it (waitid: CLD_EXITED status 0); then a, b =
 *   OWNER_DIED with the TID cleared; c unchanged
 *     kernel/exit.c: do_exit() -> exit_mm() -> futex_exit_release() ->
 *     kernel/futex/core.c: exit_robust_list() -> handle_futex_death():
 *     "if (owner != task_pid_vnr(curr)) return 0;" then
 *     mval = (uval & FUTEX_WAITERS) | FUTEX_OWNER_DIED.  The comparison is
 *     with the dying task's number in its own namespace: c's word, holding
 *     ow's outer number, is not recognised as ow's and is left locked (the
 *     kernel's own comment: "unless the actual owner has the same TID in
 *     another PID namespace, but we cannot currently distinguish that").
 *   cwait (C) reads a, pwait (outer) reads b: the same word,
 *   OWNER_DIED; pthread_mutex_timedlock() with a deadline already past:
 *   EOWNERDEAD in both (every lock attempt here uses such a deadline, so a
 *   word the kernel failed to mark shows as ETIMEDOUT instead of a hang)
 *     A futex word is shared memory; nothing in it depends on the reader.
 *     glibc takes a word with FUTEX_OWNER_DIED set and returns EOWNERDEAD
 *     without looking the owner up.
 *   pwait pthread_mutex_timedlock(c, expired deadline): ETIMEDOUT
 *     c's word, read once ow is gone, still names ow (no OWNER_DIED): a dead
 *     task that nobody will unlock for.  glibc does not check whether the
 *     owner lives (non-PI robust mutex); the lock attempt with a deadline
 *     already past (the epoch) shows it would wait, without waiting.
 */
#include "nsx.h"

#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

struct shared {
	pthread_mutex_t m[3];
};
static struct shared *sh;

/* The futex word of a glibc mutex (x86-64 and the other glibc ports: the
 * first int of __data, __lock). */
static uint32_t *word(int i)
{
	return (uint32_t *)&sh->m[i].__data.__lock;
}

static void do_reap(const long *arg)
{
	/* cinit: wait for its child ow (arg: ow's number in C) */
	long v[6];
	long r = nsx_waitid((pid_t)arg[0], WEXITED, v);
	NSX_REPLY(r, v[1], v[5]);
}

static void do_timedlock(const long *arg)
{
	pthread_mutex_t *m = &sh->m[arg[0]];
	/* A deadline already past (the epoch): the lock is taken, or refused
	 * with ETIMEDOUT, at once; a kernel that left a word locked cannot hang
	 * the case. */
	static const struct timespec expired = {0, 0};
	uint32_t before = *word((int)arg[0]);
	int r = pthread_mutex_timedlock(m, &expired);
	NSX_REPLY(r, before);
}

static int ow_fn(NSX_UNUSED void *arg)
{
	for (int i = 0; i < 3; i++)
		NSX_TRY_ERR(pthread_mutex_lock(&sh->m[i]));
	/* c: the owner TID as it would read from outer instead. */
	int self = nsx_self(), lvl = nsx_task_level(self);
	uint32_t outer_nr = (uint32_t)nsx_task_nr(self, lvl - 1);
	__atomic_store_n(word(2), (*word(2) & ~FUTEX_TID_MASK) | outer_nr, __ATOMIC_RELEASE);
	NSX_SEND("locked", *word(0), *word(1), *word(2));
	nsx_step();
	return 0; /* dies holding all three */
}

static int cinit_fn(NSX_UNUSED void *arg)
{
	nsx_spawn("ow", NULL, ow_fn, NULL);
	nsx_spawn_agent("cwait", NULL);
	NSX_SEND("up", 1);
	nsx_serve();
}

NSX_CASE(.family = "Futexes and thread ids in user memory", .rows = "14.6",
         .kconfig = "CONFIG_FUTEX");

int main(void)
{
	pthread_mutexattr_t at;
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return NSX_EXIT_ERROR;
	pthread_mutexattr_init(&at);
	pthread_mutexattr_setpshared(&at, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST);
	for (int i = 0; i < 3; i++)
		pthread_mutex_init(&sh->m[i], &at);

	nsx_init("top", "outer");
	int pwait = nsx_spawn_agent("pwait", NULL);
	int cinit = nsx_spawn("cinit", "C", cinit_fn, NULL);
	nsx_recv(cinit, "up");
	int ow = nsx_find("ow"), cwait = nsx_find("cwait");
	int outer = nsx_ns_of(0), C = nsx_ns_of(cinit);

	printf("# robust_futex: a robust mutex owner dies in a child pid namespace\n");
	const struct nsx_msg *m = nsx_recv(ow, "locked");
	for (int i = 0; i < 2; i++)
		printf("ow holds %c: read in C %s, read in outer %s\n", 'a' + i,
		       nsx_futex_word(C, (uint32_t)m->v[i]),
		       nsx_futex_word(outer, (uint32_t)m->v[i]));
	printf("ow holds c, owner TID rewritten to ow's outer number: read in outer %s\n",
	       nsx_futex_word(outer, (uint32_t)m->v[2]));

	nsx_go(ow); /* ow exits; cinit reaps it */
	m = nsx_do(cinit, do_reap, nsx_nr_in(ow, C), 0, 0);
	printf("# ow has exited and cinit reaped it: waitid()=%s %s status %ld; the words now\n",
	       nsx_res(m->v[0]), nsx_sicode(SIGCHLD, (int)m->v[1]), m->v[2]);
	printf("a: %s; b: %s; c read in outer: %s\n", nsx_futex_word(C, *word(0)),
	       nsx_futex_word(C, *word(1)), nsx_futex_word(outer, *word(2)));
	for (int i = 0; i < 3; i++) { /* a by cwait in C, b and c by pwait in outer */
		int by = i ? pwait : cwait, ns = i ? outer : C;
		m = nsx_do(by, do_timedlock, i, 0, 0);
		printf("%s (%s) finds %c %s; pthread_mutex_timedlock(%c, expired deadline) = %s\n",
		       nsx_task_name(by), nsx_ns_name(ns), 'a' + i,
		       nsx_futex_word(ns, (uint32_t)m->v[1]), 'a' + i,
		       m->v[0] ? nsx_errname((int)m->v[0]) : "0");
	}
	nsx_exit();
}
