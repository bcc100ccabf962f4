// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * settid_views - the thread ids the kernel writes into user memory at
 * clone() and at exit, for a child in a new pid namespace: the parent's view
 * against the child's view of the same thread.
 *
 * Tasks: top (namespace outer) clones child with a raw clone(CLONE_NEWPID |
 * CLONE_PARENT_SETTID | CLONE_CHILD_SETTID), both tid pointers into a
 * MAP_SHARED page; then peer (outer, an ordinary nsx task); then cleared1
 * and cleared2, cloned with CLONE_NEWPID | CLONE_CHILD_SETTID |
 * CLONE_CHILD_CLEARTID (cleared2 also with CLONE_VM, on a stack of its own),
 * and cleared3, like cleared1 but starting a second thread of its own before
 * its first thread exits; peer waits on their child_tid words with
 * FUTEX_WAIT.  The raw children call
 * no libc function that relies on glibc's cached thread id (which is still
 * the parent's in them).  Values print as the task they denote in the
 * namespace named.
 *
 * The golden lines and the kernel code behind them:
 *
 *   clone() returned child; parent_tid word = child read in outer; child_tid
 *   word = 1, child read in inner (child@inner read in outer)
 *     kernel/fork.c: kernel_clone() computes nr = pid_vnr(pid) in the
 *     *parent* and stores it with put_user(nr, args->parent_tid) for
 *     CLONE_PARENT_SETTID; copy_process() only records set_child_tid, and
 *     the *child* stores task_pid_vnr(current) itself in schedule_tail()
 *     (kernel/sched/core.c), i.e. its own number, 1.  One thread, two
 *     numbers, written by two different tasks.
 *   child: gettid() = 1; set_tid_address() = 1 (child); peer:
 *   set_tid_address() = peer (its number in outer)
 *     kernel/fork.c: set_tid_address() stores the pointer as
 *     clear_child_tid and returns task_pid_vnr(current).
 *   cleared1 (its own memory): child_tid word = 1 (cleared1 in n1); it
 *   exits and is reaped: the word is still 1, and top's FUTEX_WAKE on it
 *   then wakes 1 waiter: peer, whom the exit did not wake (its FUTEX_WAIT
 *   returns 0, woken by top);
 *   cleared2 (CLONE_VM, top's memory): word 1 (cleared2 in n2); it exits:
 *   peer's FUTEX_WAIT = 0 (woken), word = 0;
 *   cleared3 (its own memory, plus a thread of its own): its first thread
 *   exits: peer's FUTEX_WAIT = 0, word = 0
 *     kernel/fork.c: mm_release() at a thread's exit clears its
 *     clear_child_tid with put_user(0, ...) and wakes it (futex_wake(),
 *     shared, so across processes and namespaces alike) only "if
 *     (atomic_read(&mm->mm_users) > 1)": whether anyone else still uses the
 *     exiting thread's mm, not whether the mm was shared at clone().  The
 *     last thread of a process with its own mm (cleared1) neither clears
 *     nor wakes, even in MAP_SHARED memory; with CLONE_VM (cleared2: top
 *     still uses the mm) or a sibling thread alive (cleared3) the word is
 *     cleared and the waiter in the parent namespace woken.  peer is seen
 *     asleep in the futex syscall on that very word (/proc/<pid>/syscall,
 *     state S in /proc/<pid>/stat)
 *     before each child is let go; the wake count top's own FUTEX_WAKE
 *     returns is what says the exit woke nobody (no timeout is waited for).
 *     mm_users also counts passing references: get_task_mm() by a reader of
 *     the exiting process's /proc/<pid>/status, stat or statm
 *     (fs/proc/array.c proc_pid_status(), do_task_stat(), proc_pid_statm())
 *     holds the mm while it reads, and cleared1 exiting in that moment would
 *     clear and wake.  The case reads no /proc file of an exiting child; a
 *     reader elsewhere on the machine (ps, top) can still meet one, which
 *     no case can prevent: such a cleared1 line is that race, not a change
 *     of the rule.
 */
#include "nsx.h"

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct words {
	uint32_t ptid, ctid;
	uint32_t cleared[3]; /* child_tid words of cleared1, cleared2, cleared3 */
	uint32_t go;         /* cleared2 exits when this turns 1 */
};
static struct words *w;

/* fork() with clone flags: stdio flushed first, so no buffered line is
 * written twice. */
static long raw_clone(unsigned long flags, uint32_t *ptid, uint32_t *ctid)
{
	fflush(NULL);
	/* x86-64 and most ports: clone(flags, stack, parent_tid, child_tid, tls) */
	return syscall(SYS_clone, flags | SIGCHLD, NULL, ptid, ctid, 0);
}

static void do_settid(NSX_UNUSED const long *arg)
{
	static uint32_t dummy;
	NSX_REPLY(syscall(SYS_set_tid_address, &dummy));
}

static void do_wait(const long *arg)
{
	/* FUTEX_WAIT on cleared[arg[0]] for its value 1, arg[1] ms */
	uint32_t *word = &w->cleared[arg[0]];
	struct timespec ts = {arg[1] / 1000, (arg[1] % 1000) * 1000000L};
	long r = syscall(SYS_futex, word, FUTEX_WAIT, 1, &ts, NULL, 0) ? -errno : 0;
	NSX_REPLY(r, __atomic_load_n(word, __ATOMIC_ACQUIRE));
}

/* cleared2 shares top's memory (CLONE_VM): raw syscalls only, no lib. */
static int cleared2_fn(NSX_UNUSED void *arg)
{
	while (__atomic_load_n(&w->go, __ATOMIC_ACQUIRE) == 0)
		syscall(SYS_futex, &w->go, FUTEX_WAIT, 0, NULL, NULL, 0);
	return 0; /* glibc's clone() then calls exit */
}

/* cleared3's second thread: keeps the mm in use until the case ends. */
static void *keeper(NSX_UNUSED void *arg)
{
	nsx_park();
}

NSX_CASE(.family = "Futexes and thread ids in user memory", .rows = "3.8 3.9 3.10",
         .kconfig = "CONFIG_FUTEX");

int main(void)
{
	w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (w == MAP_FAILED)
		return NSX_EXIT_ERROR;
	nsx_init("top", "outer");

	long c = raw_clone(CLONE_NEWPID | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID, &w->ptid,
	                   &w->ctid);
	if (c == 0) {
		nsx_register_child("child", "inner");
		static uint32_t dummy;
		long st = syscall(SYS_set_tid_address, &dummy);
		NSX_SEND("ids", syscall(SYS_gettid), st);
		nsx_park();
	}
	if (c < 0) {
		if (errno == EPERM)
			nsx_skip("clone(CLONE_NEWPID): EPERM: needs CAP_SYS_ADMIN");
		nsx_fail("clone: %s", nsx_errname(errno));
	}
	const struct nsx_msg *m = nsx_recv(-1, "ids");
	int child = nsx_find("child");
	int outer = nsx_ns_of(0), inner = nsx_ns_of(child);

	printf("# settid_views: thread ids the kernel writes for a child in a new pid namespace\n");
	printf("clone(CLONE_NEWPID|CLONE_PARENT_SETTID|CLONE_CHILD_SETTID) returned %s\n",
	       nsx_name(0, c));
	printf("parent_tid word (written by the parent's kernel_clone()): %s read in outer\n",
	       nsx_name_ns(outer, w->ptid));
	printf("child_tid word (written by the child in schedule_tail()): %u: %s read in inner, "
	       "%s read in outer\n",
	       w->ctid, nsx_name_ns(inner, w->ctid), nsx_name_ns(outer, w->ctid));
	printf("child: gettid()=%ld set_tid_address()=%ld (%s)\n", m->v[0], m->v[1],
	       nsx_name(child, m->v[1]));

	int peer = nsx_spawn_agent("peer", NULL);
	long st = nsx_do(peer, do_settid, 0, 0, 0)->v[0];
	printf("peer: set_tid_address()=%s\n", nsx_name(peer, st));

	printf("# CLONE_CHILD_CLEARTID: peer (outer) waits on the word while the child exits\n");
	long c2 = NSX_TRY(raw_clone(CLONE_NEWPID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID, NULL,
	                            &w->cleared[0]));
	if (c2 == 0) {
		nsx_register_child("cleared1", "n1");
		NSX_SEND("up", 1);
		nsx_step();
		_exit(0);
	}
	nsx_recv(-1, "up");
	int cleared1 = nsx_find("cleared1");
	printf("cleared1 (own memory): child_tid word %s read in n1\n",
	       nsx_name_ns(nsx_ns_of(cleared1), w->cleared[0]));
	nsx_ask(peer, do_wait, 0, nsx_timeout_ms(), 0);
	NSX_TRY_ERR(-nsx_await_syscall(peer, SYS_futex, (unsigned long)&w->cleared[0]));
	nsx_go(cleared1); /* it exits */
	NSX_TRY(waitpid((pid_t)c2, NULL, 0));
	uint32_t after = __atomic_load_n(&w->cleared[0], __ATOMIC_ACQUIRE);
	/* Had the exit woken peer, nobody would be left waiting on the word. */
	long woken = syscall(SYS_futex, &w->cleared[0], FUTEX_WAKE, 1, NULL, NULL, 0);
	if (woken < 0)
		woken = -errno;
	m = nsx_recv(peer, "reply");
	printf("cleared1 exits (reaped by top): word = %u; top's FUTEX_WAKE(word) then wakes %s; "
	       "peer's FUTEX_WAIT(word, 1) = %s\n",
	       after,
	       woken < 0 ? nsx_res(woken)
	       : woken   ? "1"
	                 : "0",
	       nsx_res(m->v[0]));

	static char stack[64 * 1024] __attribute__((aligned(16)));
	fflush(NULL);
	int c3 = NSX_TRY(
	        clone(cleared2_fn, stack + sizeof(stack),
	              CLONE_VM | CLONE_NEWPID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD,
	              NULL, NULL, NULL, &w->cleared[1]));
	int cleared2 = nsx_adopt("cleared2", "n2", c3);
	NSX_TRY_ERR(-nsx_await_bits(&w->cleared[1], 1)); /* cleared2 wrote its child_tid */
	printf("cleared2 (CLONE_VM, shares top's memory): child_tid word %s read in n2\n",
	       nsx_name_ns(nsx_ns_of(cleared2), w->cleared[1]));
	nsx_ask(peer, do_wait, 1, nsx_timeout_ms(), 0);
	NSX_TRY_ERR(-nsx_await_syscall(peer, SYS_futex, (unsigned long)&w->cleared[1]));
	__atomic_store_n(&w->go, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, &w->go, FUTEX_WAKE, 1, NULL, NULL, 0);
	m = nsx_recv(peer, "reply");
	printf("cleared2 exits; peer's FUTEX_WAIT(word, 1) = %s; word = %ld\n", nsx_res(m->v[0]),
	       m->v[1]);

	long c4 = NSX_TRY(raw_clone(CLONE_NEWPID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID, NULL,
	                            &w->cleared[2]));
	if (c4 == 0) {
		pthread_t th;
		nsx_register_child("cleared3", "n3");
		NSX_TRY_ERR(pthread_create(&th, NULL, keeper, NULL));
		NSX_SEND("up", 1);
		nsx_step();
		syscall(SYS_exit, 0); /* this thread only: keeper still uses the mm */
	}
	nsx_recv(-1, "up");
	int cleared3 = nsx_find("cleared3");
	printf("cleared3 (own memory, a second thread of its own): child_tid word %s read in n3\n",
	       nsx_name_ns(nsx_ns_of(cleared3), w->cleared[2]));
	nsx_ask(peer, do_wait, 2, nsx_timeout_ms(), 0);
	NSX_TRY_ERR(-nsx_await_syscall(peer, SYS_futex, (unsigned long)&w->cleared[2]));
	nsx_go(cleared3); /* its first thread exits */
	m = nsx_recv(peer, "reply");
	printf("cleared3's first thread exits; peer's FUTEX_WAIT(word, 1) = %s; word = %ld\n",
	       nsx_res(m->v[0]), m->v[1]);
	nsx_exit();
}
