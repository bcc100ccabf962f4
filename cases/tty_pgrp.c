// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tty_pgrp - a terminal's session and foreground process group across pid
 * namespaces: TIOCGPGRP/TIOCGSID (tcgetpgrp/tcgetsid) and /proc/<pid>/stat
 * tpgid read from several namespaces, and the SIGHUP/SIGCONT the kernel
 * sends the foreground group on the session leader's behalf.
 *
 * Tasks: top (namespace outer) has, in a mount namespace of its own, a
 * devpts instance of its own (lib nsx_own_devpts()) and opens a pty master; it spawns L, the init
 * of namespace T, and x, the init of the sibling namespace sib.  L calls setsid(), opens the slave
 * (its controlling terminal) and spawns J (T), which makes its own process group; J spawns K, the
 * init of namespace Kns (K stays in J's process group); L puts J's group in the foreground.  J and
 * K block SIGHUP and SIGCONT.  Then L gives up its terminal (TIOCNOTTY).  Numbers print as the task
 * they denote in the reader's (or receiver's) namespace; a group as its leader.
 *
 * The golden lines and the kernel code behind them:
 *
 *   L's tcsetpgrp() (TIOCSPGRP) with J's number in outer: ESRCH; with J's
 *   number in T: 0 (J's group in the foreground)
 *     drivers/tty/tty_jobctrl.c: tiocspgrp(): find_vpid(pgrp_nr), the
 *     caller's namespace, -ESRCH when there is no such number there, then
 *     -EPERM unless the group is in the caller's session.
 *   TIOCGPGRP on the master: top J, x 0; TIOCGSID: top L, x 0; L's
 *   tcgetpgrp()/tcgetsid() on the slave: J, L
 *     drivers/tty/tty_jobctrl.c: tiocgpgrp() returns pid_vnr() of the
 *     tty's foreground group and tiocgsid() pid_vnr() of its session (the
 *     master answers for its slave): the caller's namespace, 0 when the
 *     struct pid has no number there.
 *   J's /proc/<pid>/stat through outer's proc, read by top: pgrp J, session
 *   L, tpgid J
 *     fs/proc/array.c: do_task_stat() numbers pgrp, session and the tty's
 *     foreground group (tpgid) with the proc mount's namespace.
 *   L's TIOCNOTTY: J gets SIGHUP and SIGCONT si_code=SI_USER si_pid=L
 *   si_uid=0; K, in J's group but a namespace below, gets both with si_pid=0
 *     drivers/tty/tty_jobctrl.c: no_tty() -> disassociate_ctty(0) sends the
 *     foreground group SIGHUP and SIGCONT with kill_pgrp(pgrp, sig, 0), i.e.
 *     SEND_SIG_NOINFO from the leader: kernel/signal.c:
 *     __send_signal_locked() makes SI_USER with si_pid =
 *     task_tgid_nr_ns(current, task_active_pid_ns(t)), the leader numbered
 *     for each receiver, 0 where it has none.  A process group spans pid
 *     namespaces: K is in it although J's group id means nothing in K.
 */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static int master = -1;
static int slave = -1; /* in L */

static void do_ids(NSX_UNUSED const long *arg)
{
	/* the master's ioctls (top, x), or the slave's (L) */
	int pg = 0, sid = 0;
	int fd = slave >= 0 ? slave : master;
	long r1 = nsx_rc(ioctl(fd, TIOCGPGRP, &pg)), r2 = nsx_rc(ioctl(fd, TIOCGSID, &sid));
	NSX_REPLY(r1, pg, r2, sid);
}

static void do_notty(NSX_UNUSED const long *arg)
{
	NSX_REPLY(nsx_rc(ioctl(slave, TIOCNOTTY)));
}

/* J (arg non-NULL: it leads a group of its own and spawns K) and K: block
 * the signals, report both when they come. */
static int jk_fn(void *arg)
{
	nsx_block(SIGHUP);
	nsx_block(SIGCONT);
	if (arg) {
		NSX_TRY(setpgid(0, 0));
		nsx_spawn("K", "Kns", jk_fn, NULL);
	}
	NSX_SEND("ready", 1);
	nsx_send_siginfo("sighup", SIGHUP);
	nsx_send_siginfo("sigcont", SIGCONT);
	nsx_park();
}

static int l_fn(void *arg)
{
	NSX_TRY(setsid());
	slave = nsx_pty_slave(*(int *)arg, 0); /* no O_NOCTTY: our controlling terminal */
	nsx_spawn("J", NULL, jk_fn, "J");
	NSX_SEND("up", 1);
	nsx_step(); /* J and K are ready: J's group to the foreground */
	int J = nsx_find("J");
	/* First with J's number in outer: no such group in T. */
	long r_outer = nsx_rc(tcsetpgrp(slave, (pid_t)nsx_nr_in(J, nsx_ns_of(0))));
	long r = nsx_rc(tcsetpgrp(slave, (pid_t)nsx_pid(J)));
	NSX_SEND("fg", r_outer, r);
	nsx_serve();
}

static void show_ids(const char *who, int reader, const long *v)
{
	printf("%-30s TIOCGPGRP=%s %s TIOCGSID=%s %s\n", who, nsx_res(v[0]), nsx_name(reader, v[1]),
	       nsx_res(v[2]), nsx_name(reader, v[3]));
}

NSX_CASE(.family = "Terminals", .rows = "1.1 6.11 6.12 6.13 22.1 22.2 28.15");

int main(void)
{
	static int ptyno;
	nsx_init("top", "outer");
	nsx_block(SIGHUP);
	nsx_own_devpts();
	master = nsx_pty_master(&ptyno);
	int L = nsx_spawn("L", "T", l_fn, &ptyno);
	int x = nsx_spawn_agent("x", "sib");
	nsx_recv(L, "up");
	nsx_recv(-1, "ready");
	nsx_recv(-1, "ready");
	int J = nsx_find("J"), K = nsx_find("K");
	nsx_go(L);
	const long *fg = nsx_recv(L, "fg")->v;
	long r_outer = fg[0], r_fg = fg[1];

	printf("# tty_pgrp: a pty whose session (L) and foreground group (J) live in namespace "
	       "T\n");
	printf("L tcsetpgrp(%s) = %s; tcsetpgrp(J) = %s\n", nsx_name(L, nsx_nr_in(J, nsx_ns_of(0))),
	       nsx_res(r_outer), nsx_res(r_fg));
	if (r_fg) { /* the rest needs J's group in the foreground: stop at the diff */
		printf("J's group is not in the foreground: nothing more to observe\n");
		nsx_exit();
	}
	show_ids("top, on the master:", 0, nsx_by(0, do_ids, 0, 0, 0)->v);
	show_ids("x (sib), on the master:", x, nsx_do(x, do_ids, 0, 0, 0)->v);
	show_ids("L, on its slave:", L, nsx_do(L, do_ids, 0, 0, 0)->v);

	char path[64], buf[1024];
	snprintf(path, sizeof(path), "%d/stat", (int)nsx_pid(J));
	nsx_read_text(nsx_procfd(), path, buf, sizeof(buf));
	long ppid = 0, pgrp = 0, session = 0, tty = 0, tpgid = 0;
	char *p = strrchr(buf, ')');
	if (!p ||
	    sscanf(p + 2, "%*c %ld %ld %ld %ld %ld", &ppid, &pgrp, &session, &tty, &tpgid) != 5)
		nsx_fail("parsing %s", path);
	printf("J's /proc/<pid>/stat (outer's proc), top: pgrp=%s session=%s tpgid=%s\n",
	       nsx_name(0, pgrp), nsx_name(0, session), nsx_name(0, tpgid));

	printf("L TIOCNOTTY = %s\n", nsx_res(nsx_do(L, do_notty, 0, 0, 0)->v[0]));
	printf("  J gets %s\n", nsx_siginfo_str(J, nsx_recv(J, "sighup")));
	printf("  J gets %s\n", nsx_siginfo_str(J, nsx_recv(J, "sigcont")));
	printf("  K gets %s\n", nsx_siginfo_str(K, nsx_recv(K, "sighup")));
	printf("  K gets %s\n", nsx_siginfo_str(K, nsx_recv(K, "sigcont")));
	nsx_exit();
}
