// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * translation_matrix - the reference table: every task signals every task,
 * with pidfd_send_signal() and with kill(), across three nested pid
 * namespaces and a sibling leaf.
 *
 * Namespaces: outer (the case's own) > A1 > A2 > A3, and S1, a sibling of A1
 * under outer.  Tasks: top and p0 in outer; a1 (init) and m1 in A1; a2 and
 * m2 in A2; a3 and m3 in A3; s1 (init) in S1.  Every task blocks SIGUSR1 and
 * takes it with sigtimedwait() when told to.
 *
 * Every sender gets a pidfd for every task: top opens them all with
 * pidfd_open() (it can name everyone) and hands them to each task over
 * SCM_RIGHTS, because a task cannot name, and so cannot pidfd_open(), a task
 * outside its own namespace's subtree.  For each ordered pair (sender,
 * receiver), self included, a cell shows the si_pid the receiver got, named
 * in the receiver's namespace, or the sender's error; a second table for
 * each shows the same deliveries' si_code and si_uid ("USER:0": SI_USER,
 * uid 0), "-" where nothing was sent.
 *
 * The kernel code behind the cells (kernel/signal.c unless named):
 *
 *   pidfd_send_signal() table
 *     EINVAL: access_pidfd_pidns() allows only a target whose pid namespace
 *     is the caller's active namespace or a descendant of it; anything up or
 *     sideways (s1 -> a1, a3 -> a2, a1 -> top) is refused, pidfd in hand or not.
 *     Otherwise (info NULL) prepare_kill_siginfo(sig, &kinfo, PIDTYPE_TGID):
 *     SI_USER, si_uid = from_kuid_munged(current_user_ns(), current_uid())
 *     (0: one user namespace here) and si_pid = task_tgid_vnr(current);
 *     kill_pid_info_type() ->
 *     send_signal_locked() zeroes si_pid when task_pid_nr_ns(current,
 *     task_active_pid_ns(t)) is 0.  So a sender in an ancestor namespace of
 *     the receiver's shows as 0, and a sender in the receiver's own namespace
 *     shows by name.  A pidfd carries a struct pid, not a number: passing it
 *     over SCM_RIGHTS translates nothing (kernel/pid.c: pidfd_create()).
 *   kill() table
 *     "-": the receiver has no number in the sender's namespace, so there is
 *     nothing to pass to kill() (kill_proc_info() -> find_vpid() resolves in
 *     the caller's namespace).  Where it has one, the result is the same as
 *     with a pidfd: si_pid by send_signal_locked(), SI_USER by
 *     prepare_kill_siginfo().
 *   No cell shows a sender's name outside the receiver's own namespace: a
 *   signal can only go down the tree or stay level, never up or sideways, so
 *   si_pid is either the sender's number in the receiver's own namespace or 0.
 */
#include "nsx.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

enum { TOP, P0, A1, M1, A2, M2, A3, M3, S1, NT };
static const char *const names[NT] = {"top", "p0", "a1", "m1", "a2", "m2", "a3", "m3", "s1"};

enum { BY_PIDFD = 1, BY_KILL }; /* how a signal is sent */
static int sv[NT][2];           /* per task: top sends it the pidfds here */
static int idx[NT];             /* position -> task index (filled as they start) */
static int pidfd[NT];           /* in each task: a pidfd for every position */

/* A task's actions (the top's too, nsx_by()): send SIGUSR1 to position
 * arg[0] by arg[1] (BY_*), or take one signal. */
static void do_send(const long *arg)
{
	int t = (int)arg[0];
	if (arg[1] == BY_PIDFD)
		NSX_REPLY(nsx_rc(syscall(SYS_pidfd_send_signal, pidfd[t], SIGUSR1, NULL, 0)));
	else
		NSX_REPLY(nsx_rc(kill(nsx_pid(idx[t]), SIGUSR1)));
}

static void do_take(NSX_UNUSED const long *arg)
{
	nsx_send_siginfo("reply", SIGUSR1);
}

static int task_fn(void *arg);

/* Spawn the task at position k (and what it starts), from its parent. */
static void start(int k)
{
	static const char *const nsname[NT] = {NULL, NULL, "A1", NULL, "A2",
	                                       NULL, "A3", NULL, "S1"};
	nsx_spawn(names[k], nsname[k], task_fn, (void *)(long)k);
}

static int task_fn(void *arg)
{
	int k = (int)(long)arg; /* its position */
	nsx_block(SIGUSR1);
	/* a1 starts m1 and a2; a2 starts m2 and a3; a3 starts m3. */
	if (k == A1 || k == A2 || k == A3) {
		start(k + 1);
		if (k != A3)
			start(k + 2);
	}
	NSX_SEND("up", k);
	/* top sends them once every task is up */
	NSX_TRY_ERR(-nsx_recv_fds(sv[k][1], pidfd, NT));
	for (int j = 0; j < NT; j++)
		idx[j] = nsx_find(names[j]);
	nsx_serve();
}

/* The cells of one table: si_pid (or the sender's error) and si_code:si_uid. */
static char pid_cell[NT][NT][24], code_cell[NT][NT][24];

/* One exchange: sender s, receiver r, by BY_*; fills both cells. */
static void exchange(int s, int r, int by)
{
	char *out = pid_cell[s][r], *code = code_cell[s][r];
	long res;

	snprintf(code, 24, "-");
	if (by == BY_KILL && nsx_nr_in(idx[r], nsx_ns_of(idx[s])) == 0) {
		snprintf(out, 24, "-");
		return;
	}
	res = nsx_by(idx[s], do_send, r, by, 0)->v[0];
	if (res < 0) {
		snprintf(out, 24, "%s", nsx_errname((int)-res));
		return;
	}
	const struct nsx_msg *m = nsx_by(idx[r], do_take, 0, 0, 0); /* signo code pid uid */
	if (m->v[0] != SIGUSR1) {
		snprintf(out, 24, "lost");
		return;
	}
	const char *c = nsx_sicode(SIGUSR1, (int)m->v[1]);
	snprintf(out, 24, "%s", nsx_name(idx[r], m->v[2]));
	snprintf(code, 24, "%s:%ld", strncmp(c, "SI_", 3) ? c : c + 3, m->v[3]);
}

static void print_table(const char *title, const char *what, char cells[NT][NT][24])
{
	printf("# %s: %s\n", title, what);
	printf("%-10s", "from\\to");
	for (int r = 0; r < NT; r++)
		printf(r < NT - 1 ? " %-7s" : " %s\n", names[r]);
	for (int s = 0; s < NT; s++) {
		printf("%-10s", names[s]);
		for (int r = 0; r < NT; r++)
			printf(r < NT - 1 ? " %-7s" : " %s\n", cells[s][r]);
	}
}

static void table(const char *title, int by)
{
	for (int s = 0; s < NT; s++)
		for (int r = 0; r < NT; r++)
			exchange(s, r, by);
	print_table(title, "si_pid as the receiver sees it", pid_cell);
	print_table(title, "si_code:si_uid", code_cell);
}

NSX_CASE(.family = "Signals from one namespace to another", .rows = "1.3 1.6 28.1",
         .kconfig = "CONFIG_NET CONFIG_UNIX", .variants = "si-pid-not-zeroed");

int main(void)
{
	nsx_init("top", "outer");
	nsx_block(SIGUSR1);
	for (int k = 0; k < NT; k++)
		NSX_TRY(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv[k]));
	start(P0);
	start(A1);
	start(S1);
	for (int n = 1; n < NT; n++)
		nsx_recv(-1, "up");
	for (int k = 0; k < NT; k++) {
		idx[k] = k == TOP ? 0 : nsx_find(names[k]);
		pidfd[k] = (int)NSX_TRY(syscall(SYS_pidfd_open, nsx_pid(idx[k]), 0));
	}
	for (int k = 1; k < NT; k++)
		NSX_TRY_ERR(-nsx_send_fds(sv[k][0], pidfd, NT));
	printf("# translation_matrix: outer > A1 > A2 > A3, and S1 beside A1\n");
	printf("# outer: top p0 | A1: a1 m1 | A2: a2 m2 | A3: a3 m3 | S1: s1\n");
	table("pidfd_send_signal(pidfd, SIGUSR1) with pidfds passed by SCM_RIGHTS", BY_PIDFD);
	table("kill(pid, SIGUSR1), \"-\": the sender has no number for the receiver", BY_KILL);
	nsx_exit();
}
