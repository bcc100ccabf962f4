// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * futex_pi_owner - the owner TID in a PI futex word when owner and waiters
 * share the word across a pid namespace boundary.
 *
 * Namespaces and tasks (numbers are deterministic: both namespaces are the
 * case's own): top (namespace outer) makes W, whose init w1 spawns wx (W 2) and wy (W 3) and then
 * b1, the init of B, nested in W.  b1 spawns b2 (B 2) and b3 (B 3), then sets B's ns_last_pid to 99
 * and spawns b100 (B 100).  In W: w1 1, wx 2, wy 3, b1 4, b2 5, b3 6, b100 7.  The futex words live
 * in a MAP_SHARED page that every task inherits; all calls are the shared (non-private)
 * FUTEX_LOCK_PI and FUTEX_UNLOCK_PI, every lock with a timeout.  A word prints as "owner=<the task
 * its TID names>" read in a given namespace, plus the FUTEX_WAITERS and FUTEX_OWNER_DIED bits.  top
 * only watches: where a line waits for a waiter to block, top waits until the kernel sets
 * FUTEX_WAITERS in the word (under the hash-bucket lock, before the waiter sleeps).
 *
 * The golden lines and the kernel code behind them (kernel/futex/pi.c):
 *
 *   b2 locks word 0: the word holds 2, b2's number in B; the same 2 read in
 *   W names wx
 *     futex_lock_pi_atomic(): an uncontended lock cmpxchg()s 0 ->
 *     vpid = task_pid_vnr(current), the owner's number in its *own*
 *     namespace.  The word carries no namespace.
 *   b3 (same namespace) waits, b2 unlocks: b3 gets the lock; b2 unlocking
 *   again: EPERM
 *     attach_to_pi_owner() finds the owner with find_get_task_by_vpid() in
 *     the waiter's namespace (here the right task); futex_unlock_pi() ->
 *     wake_futex_pi() writes FUTEX_WAITERS | task_pid_vnr(new_owner), and
 *     refuses (EPERM) an unlocker whose task_pid_vnr() is not the word's TID.
 *   b100 locks word 1 (TID 100); w1 in W waits: ESRCH
 *     find_get_task_by_vpid(100) in W finds nobody: handle_exit_race()
 *     returns -ESRCH as for an owner that exited.
 *   b1 locks word 2 (TID 1); w1, pid 1 of W, waits: EDEADLK
 *     futex_lock_pi_atomic(): (uval & FUTEX_TID_MASK) == vpid of the waiter
 *     -> -EDEADLK: "TID 1" names the waiter itself in its namespace.
 *   b2 locks word 3 (TID 2); wy in W waits: it blocks, on wx;
 *   b2 (the real owner) unlocks: EINVAL; wx (who never locked) unlocks: 0,
 *   and wy gets the lock; the word then holds 3: wy in W, b3 read in B
 *     attach_to_pi_owner() takes the task that TID 2 names in W, wx, as the
 *     owner and builds the pi_state (and PI boost) on it.  futex_unlock_pi():
 *     b2 passes the TID check (2 is its vpid) but pi_state->owner != current
 *     -> -EINVAL ("user space fiddled with the futex value"); wx passes both
 *     and wake_futex_pi() hands the lock to wy, writing wy's number as the
 *     unlocker sees it.  The kernel trusts the number, and the number is
 *     relative: a PI futex cannot be shared across pid namespaces.
 */
#include "nsx.h"

#include <fcntl.h>
#include <linux/futex.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static uint32_t *word; /* MAP_SHARED, before any task exists */

/* FUTEX_LOCK_PI (arg[1] 0) or FUTEX_UNLOCK_PI (1) of word arg[0]. */
static void do_pi(const long *arg)
{
	uint32_t *w = &word[arg[0]];
	NSX_REPLY(arg[1] ? nsx_futex_unlock_pi(w) : nsx_futex_lock_pi(w, nsx_timeout_ms()));
}

/* b1: a proc of B's own, and B's next number after 99. */
static void do_last_pid(NSX_UNUSED const long *arg)
{
	NSX_TRY_NEG(nsx_mount_proc());
	NSX_REPLY(nsx_write_text(AT_FDCWD, "/proc/sys/kernel/ns_last_pid", "99"));
}

static long lock(const char *who, int w)
{
	return nsx_do(nsx_find(who), do_pi, w, 0, 0)->v[0];
}

static long unlock(const char *who, int w)
{
	return nsx_do(nsx_find(who), do_pi, w, 1, 0)->v[0];
}

NSX_CASE(.family = "Futexes and thread ids in user memory", .rows = "14.1 14.2 14.3",
         .kconfig = "CONFIG_FUTEX");

int main(void)
{
	word = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (word == MAP_FAILED)
		return NSX_EXIT_ERROR;
	nsx_init("top", "outer");
	int w1 = nsx_spawn_agent("w1", "W");
	nsx_spawn_agent_by(w1, "wx", NULL);
	nsx_spawn_agent_by(w1, "wy", NULL);
	int b1 = nsx_spawn_agent_by(w1, "b1", "B");
	nsx_spawn_agent_by(b1, "b2", NULL);
	nsx_spawn_agent_by(b1, "b3", NULL);
	NSX_TRY_NEG(nsx_do(b1, do_last_pid, 0, 0, 0)->v[0]);
	nsx_spawn_agent_by(b1, "b100", NULL);
	int W = nsx_find_ns("W"), B = nsx_find_ns("B");
	const char *const order[] = {"w1", "wx", "wy", "b1", "b2", "b3", "b100"};

	printf("# futex_pi_owner: the owner TID in a PI futex word shared across pid namespaces\n");
	printf("numbers in W:");
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		printf(" %s=%d", order[i], nsx_nr_in(nsx_find(order[i]), W));
	printf("; in B:");
	for (size_t i = 3; i < sizeof(order) / sizeof(order[0]); i++)
		printf(" %s=%d", order[i], nsx_nr_in(nsx_find(order[i]), B));
	printf("\n");

	printf("# word 0: owner and waiter in B\n");
	long r = lock("b2", 0);
	printf("b2 FUTEX_LOCK_PI=%s: word read in B %s; the same word read in W %s\n", nsx_res(r),
	       nsx_futex_word(B, word[0]), nsx_futex_word(W, word[0]));
	nsx_ask(nsx_find("b3"), do_pi, 0, 0, 0);
	NSX_TRY_NEG(nsx_await_bits(&word[0], FUTEX_WAITERS)); /* b3 blocks */
	printf("b3 FUTEX_LOCK_PI blocks: word read in B %s\n", nsx_futex_word(B, word[0]));
	r = unlock("b2", 0);
	long r3 = nsx_recv(nsx_find("b3"), "reply")->v[0];
	printf("b2 FUTEX_UNLOCK_PI=%s: b3's FUTEX_LOCK_PI=%s, word read in B owner=%s\n",
	       nsx_res(r), nsx_res(r3), nsx_name_ns(B, word[0] & FUTEX_TID_MASK));
	printf("b2 FUTEX_UNLOCK_PI again=%s\n", nsx_res(unlock("b2", 0)));
	r = unlock("b3", 0);
	printf("b3 FUTEX_UNLOCK_PI=%s: word %s\n", nsx_res(r), nsx_futex_word(B, word[0]));

	printf("# word 1: the owner's TID names nobody in the waiter's namespace\n");
	r = lock("b100", 1);
	printf("b100 FUTEX_LOCK_PI=%s: word read in B %s\n", nsx_res(r),
	       nsx_futex_word(B, word[1]));
	printf("w1 (in W) FUTEX_LOCK_PI=%s\n", nsx_res(lock("w1", 1)));

	printf("# word 2: the owner's TID names the waiter itself\n");
	r = lock("b1", 2);
	printf("b1 FUTEX_LOCK_PI=%s: word read in B %s, read in W %s\n", nsx_res(r),
	       nsx_futex_word(B, word[2]), nsx_futex_word(W, word[2]));
	printf("w1 (in W) FUTEX_LOCK_PI=%s\n", nsx_res(lock("w1", 2)));

	printf("# word 3: the owner's TID names another live task in the waiter's namespace\n");
	r = lock("b2", 3);
	printf("b2 FUTEX_LOCK_PI=%s: word read in B %s, read in W %s\n", nsx_res(r),
	       nsx_futex_word(B, word[3]), nsx_futex_word(W, word[3]));
	nsx_ask(nsx_find("wy"), do_pi, 3, 0, 0);
	NSX_TRY_NEG(nsx_await_bits(&word[3], FUTEX_WAITERS)); /* wy blocks */
	printf("wy (in W) FUTEX_LOCK_PI blocks: word read in W %s\n", nsx_futex_word(W, word[3]));
	printf("b2 FUTEX_UNLOCK_PI=%s\n", nsx_res(unlock("b2", 3)));
	r = unlock("wx", 3);
	long ry = nsx_recv(nsx_find("wy"), "reply")->v[0];
	printf("wx FUTEX_UNLOCK_PI=%s: wy's FUTEX_LOCK_PI=%s; word read in W owner=%s, read in B "
	       "owner=%s\n",
	       nsx_res(r), nsx_res(ry), nsx_name_ns(W, word[3] & FUTEX_TID_MASK),
	       nsx_name_ns(B, word[3] & FUTEX_TID_MASK));
	nsx_exit();
}
