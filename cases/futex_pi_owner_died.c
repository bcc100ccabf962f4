// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * futex_pi_owner_died - a PI futex whose owner exits holding it: the waiter
 * that gets the lock rewrites the owner TID in the word itself, with its own
 * number in its own pid namespace, not the namespace of the owner or of
 * anyone else sharing the word.
 *
 * Tasks (numbers are deterministic: both namespaces are the case's own): top
 * (namespace outer) makes W, whose init w1 spawns wz (W 2) and b1 (W 3), the init of B, nested in
 * W. b1 sets B's ns_last_pid to 49, w1 sets W's to 49, then b1 spawns bo, which so gets number 50
 * in both.  The word lives in a MAP_SHARED page every task inherits; the calls are the shared
 * FUTEX_LOCK_PI, each with a timeout.  A word prints as "owner=<the task its TID names>" read in a
 * namespace, plus FUTEX_WAITERS and FUTEX_OWNER_DIED.
 *
 * The golden lines and the kernel code behind them (kernel/futex, 6.1.192
 * and 6.12.117):
 *
 *   bo locks: the word holds 50, bo in B and in W alike; wz (in W) waits on
 *   it and blocks (its lookup of 50 in W finds bo)
 *     pi.c: futex_lock_pi_atomic(): the uncontended lock writes
 *     task_pid_vnr(current); a waiter's attach_to_pi_owner() looks the TID
 *     up with find_get_task_by_vpid(), its own namespace.
 *   bo exits holding it: wz's FUTEX_LOCK_PI returns 0, and the word now holds
 *   2 with FUTEX_WAITERS and FUTEX_OWNER_DIED: wz read in W, a number of
 *   another namespace read in B
 *     core.c: do_exit() -> exit_pi_state_list(): pi_state->owner = NULL,
 *     rt_mutex_futex_unlock() hands the rt_mutex to the top waiter;
 *     futex_lock_pi() -> fixup_pi_owner() -> __fixup_pi_state_owner(uaddr,
 *     q, current): newtid = task_pid_vnr(newowner) | FUTEX_WAITERS, with
 *     FUTEX_OWNER_DIED because pi_state->owner is NULL: the new owner's
 *     number as the new owner itself sees it (the waiter's namespace).
 */
#include "nsx.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

static uint32_t *word;

static void do_lock(NSX_UNUSED const long *arg)
{
	NSX_REPLY(nsx_futex_lock_pi(word, nsx_timeout_ms()));
}

/* bo: exit, holding the lock. */
static void do_exit(NSX_UNUSED const long *arg)
{
	_exit(0);
}

/* b1 and w1: a proc of their namespace's own, and its next number after 49. */
static void do_last(NSX_UNUSED const long *arg)
{
	NSX_TRY_NEG(nsx_mount_proc());
	NSX_REPLY(nsx_write_text(AT_FDCWD, "/proc/sys/kernel/ns_last_pid", "49"));
}

NSX_CASE(.family = "Futexes and thread ids in user memory", .rows = "14.5");

int main(void)
{
	word = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (word == MAP_FAILED)
		return NSX_EXIT_ERROR;
	nsx_init("top", "outer");
	int w1 = nsx_spawn_agent("w1", "W");
	int wz = nsx_spawn_agent_by(w1, "wz", NULL), b1 = nsx_spawn_agent_by(w1, "b1", "B");
	int W = nsx_find_ns("W"), B = nsx_find_ns("B");
	NSX_TRY_NEG(nsx_do(b1, do_last, 0, 0, 0)->v[0]);
	NSX_TRY_NEG(nsx_do(w1, do_last, 0, 0, 0)->v[0]);
	int bo = nsx_spawn_agent_by(b1, "bo", NULL);
	long r = nsx_do(bo, do_lock, 0, 0, 0)->v[0];

	printf("# futex_pi_owner_died: the waiter that inherits a dead owner's PI futex writes "
	       "its own number in its own namespace\n");
	printf("numbers: bo B %d W %d; wz W %d\n", nsx_nr_in(bo, B), nsx_nr_in(bo, W),
	       nsx_nr_in(wz, W));
	printf("bo FUTEX_LOCK_PI=%s: word read in B %s, in W %s\n", nsx_res(r),
	       nsx_futex_word(B, *word), nsx_futex_word(W, *word));
	nsx_ask(wz, do_lock, 0, 0, 0);
	NSX_TRY_NEG(nsx_await_bits(word, FUTEX_WAITERS)); /* wz blocks */
	printf("wz (in W) FUTEX_LOCK_PI blocks: word read in W %s\n", nsx_futex_word(W, *word));
	nsx_ask(bo, do_exit, 0, 0, 0); /* bo exits holding the lock */
	r = nsx_recv(wz, "reply")->v[0];
	printf("bo exits holding it: wz's FUTEX_LOCK_PI=%s; word read in W %s, in B %s\n",
	       nsx_res(r), nsx_futex_word(W, *word), nsx_futex_word(B, *word));
	nsx_exit();
}
