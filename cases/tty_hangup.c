// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tty_hangup - the signals a terminal hangup sends, with no sender of its
 * own, to a session whose tasks live in other pid namespaces: the last close
 * of a pty master, and the exit of the session leader.
 *
 * Tasks: top (namespace outer) has a devpts instance of its own (lib
 * nsx_own_devpts()).  L is the init of namespace T and a session leader; S (T)
 * leads a second session.  Only after spawning them does top open pty masters,
 * so that no other task holds one.  L takes pty 0's slave as its controlling
 * terminal and spawns J (T), its own process group and the terminal's
 * foreground group, and J spawns K, the init of namespace Kns, in J's group.
 * S does the same with pty 1: F (T) leads the foreground group and G, the init
 * of Gns, is in it.  Every one of them blocks SIGHUP and SIGCONT; a pending
 * set is read from /proc/<pid>/status (SigPnd and ShdPnd) of the case's proc
 * right after the event, before anyone takes a signal.
 *
 * The golden lines and the kernel code behind them:
 *
 *   top closes pty 0's master: L has SIGHUP SIGCONT pending, J and K none;
 *   L then takes SIGHUP and SIGCONT with si_code=SI_KERNEL si_pid=0 si_uid=0
 *     drivers/tty/pty.c: pty_close() of the master hangs its slave up with
 *     tty_vhangup() -> __tty_hangup(tty, 0) (drivers/tty/tty_io.c), which
 *     calls tty_signal_session_leader() (drivers/tty/tty_jobctrl.c): the
 *     session's leader alone gets send_signal_locked(SIGHUP / SIGCONT,
 *     SEND_SIG_PRIV); with exit_session 0 the foreground group gets nothing.
 *     kernel/signal.c: __send_signal_locked() fills SEND_SIG_PRIV as
 *     SI_KERNEL with si_pid 0 and si_uid 0 in every namespace: the closer's
 *     number is never looked up.  The hangup is synchronous: it is done when
 *     close() returns (tty_vhangup()).
 *   S exits: L reaps it (CLD_EXITED 0); F and G have SIGHUP pending, no
 *   SIGCONT; each takes SIGHUP si_code=SI_KERNEL si_pid=0 si_uid=0
 *     kernel/exit.c: do_exit() of a thread group calls disassociate_ctty(1);
 *     for a pty (drivers/tty/tty_jobctrl.c) that is kill_pgrp(tty_pgrp,
 *     SIGHUP, 1), and SIGCONT only when not exiting.  kill_pgrp()'s priv 1
 *     is SEND_SIG_PRIV (kernel/signal.c: __si_special()): SI_KERNEL, si_pid 0,
 *     to the group's members in every namespace (G is one in Gns).  The
 *     group F leads is orphaned by S's exit, but kill_orphaned_pgrp() sends
 *     nothing to a group with no stopped member.
 *
 * Compare tty_pgrp: the SIGHUP/SIGCONT of TIOCNOTTY are SEND_SIG_NOINFO and
 * carry the leader's number (SI_USER) as each receiver sees it.
 */
#include "nsx.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static const char *const names_l[] = {"J", "K", "Kns"};
static const char *const names_s[] = {"F", "G", "Gns"};
static const char *const *names; /* the session leader's names */

static void block_both(void)
{
	nsx_block(SIGHUP);
	nsx_block(SIGCONT);
}

/* The foreground group's leader (names[0]), which spawns the init below
 * (names[1]) into its group, and that init, which says it is ready: both
 * wait until told, then report SIGHUP (phase B, arg non-NULL) or nothing
 * (phase A: they are killed at the end). */
static int fg_fn(void *arg)
{
	block_both();
	if (!strcmp(nsx_task_name(nsx_self()), names[0])) {
		NSX_TRY(setpgid(0, 0));
		nsx_spawn(names[1], names[2], fg_fn, arg);
	} else {
		NSX_SEND("ready", 1);
	}
	if (arg) {
		nsx_step();
		nsx_send_siginfo("sighup", SIGHUP);
	}
	nsx_park();
}

static void do_session(const long *arg)
{
	/* arg: the pty; arg[1]: phase B */
	int slave = nsx_pty_slave((int)arg[0], 0); /* our controlling terminal */
	int fg = nsx_spawn(names[0], NULL, fg_fn, arg[1] ? (void *)1 : NULL);
	pid_t p = nsx_pid(fg);
	NSX_TRY(setpgid(p, p));
	NSX_TRY(tcsetpgrp(slave, p));
	NSX_REPLY(0);
}

static void do_take(NSX_UNUSED const long *arg)
{
	nsx_send_siginfo("sighup", SIGHUP);
	nsx_send_siginfo("sigcont", SIGCONT);
	NSX_REPLY(0);
}

static void act_exit(NSX_UNUSED const long *arg)
{
	NSX_REPLY(0);
	fflush(NULL);
	_exit(0);
}

static void do_reap(const long *arg)
{
	long v[6], r = nsx_waitid((pid_t)arg[0], WEXITED, v);
	NSX_REPLY(r, v[1], v[5]);
}

static int s_fn(NSX_UNUSED void *arg)
{
	names = names_s;
	NSX_TRY(setsid());
	block_both();
	nsx_serve();
}

static int l_fn(NSX_UNUSED void *arg)
{
	names = names_l;
	NSX_TRY(setsid());
	block_both();
	nsx_spawn("S", NULL, s_fn, NULL);
	NSX_SEND("up", 1);
	nsx_serve();
}

static void pending(const char *who)
{
	printf("  %s pending: %s\n", who, nsx_pending_of(nsx_find(who)));
}

static void took(const char *who, const char *key)
{
	int t = nsx_find(who);
	printf("  %s takes %s\n", who, nsx_siginfo_str(t, nsx_recv(t, key)));
}

NSX_CASE(.family = "Terminals", .rows = "1.12 28.15");

int main(void)
{
	int pty0, pty1;
	nsx_init("top", "outer");
	nsx_own_devpts();
	int L = nsx_spawn("L", "T", l_fn, NULL);
	nsx_recv(L, "up");
	int S = nsx_find("S");

	printf("# tty_hangup: what a hangup sends a session whose tasks live in namespace T and "
	       "below\n");
	int m0 = nsx_pty_master(&pty0);
	nsx_do(L, do_session, pty0, 0, 0);
	nsx_recv(-1, "ready"); /* from K: J and K exist */
	printf("top closes pty 0's master (L's terminal, foreground group J, K in it): %s\n",
	       nsx_res(nsx_rc(close(m0))));
	pending("L");
	pending("J");
	pending("K");
	nsx_do(L, do_take, 0, 0, 0);
	took("L", "sighup");
	took("L", "sigcont");

	int m1 = nsx_pty_master(&pty1);
	nsx_do(S, do_session, pty1, 1, 0);
	nsx_recv(-1, "ready"); /* from G */
	nsx_do(S, act_exit, 0, 0, 0);
	const long *w = nsx_do(L, do_reap, nsx_nr_in(S, nsx_ns_of(L)), 0, 0)->v;
	printf("S exits (pty 1's session, foreground group F, G in it): L reaps it: waitid %s, %s, "
	       "status %ld\n",
	       nsx_res(w[0]), nsx_sicode(SIGCHLD, (int)w[1]), w[2]);
	pending("F");
	pending("G");
	nsx_go(nsx_find("F"));
	nsx_go(nsx_find("G"));
	took("F", "sighup");
	took("G", "sighup");
	close(m1);
	nsx_exit();
}
