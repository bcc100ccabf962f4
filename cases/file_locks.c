// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * file_locks - the pid of a file lock's holder as F_GETLK, F_OFD_GETLK,
 * /proc/locks and a holder's fdinfo show it, with holders and readers in
 * different pid namespaces, and a holder that has exited.
 *
 * Tasks: top (namespace outer) makes a memfd F, then spawns hp and ho
 * (outer), i, the init of namespace inner (i mounts a proc of inner and
 * spawns hi), s, the init of the sibling namespace sib (s spawns hs), and hx
 * (outer).  Each holder opens F anew (its own open file description) and
 * locks: hp POSIX bytes 0-9, hi POSIX 10-19, hs POSIX 20-29 (all F_WRLCK),
 * ho an OFD lock on 30-39; hx takes flock(LOCK_SH) on the whole file, hands
 * its descriptor to top over SCM_RIGHTS and exits (the flock lives on with
 * the open file description).  top, i and s ask F_GETLK and F_OFD_GETLK for
 * each range (a write lock, from a description of their own); top and i
 * read /proc/locks through outer's proc and i through inner's; top reads
 * hp's fdinfo.  Pids print as the task they denote in the namespace of the
 * reader (F_GETLK) or of the proc mount (/proc), "-1" as itself.
 *
 * The golden lines and the kernel code behind them (fs/locks.c):
 *
 *   F_GETLK by top: hp, hi, hs by name; by i: 0, hi, 0; by s: 0, 0, hs; the
 *   OFD lock: -1 for everyone; F_OFD_GETLK gives the same
 *     A POSIX lock records fl_pid = current->tgid, the holder's *global*
 *     number (posix_lock_inode()'s callers, flock_to_posix_lock()); at
 *     F_GETLK posix_lock_to_flock() sets l_pid = locks_translate_pid(fl,
 *     task_active_pid_ns(current)): -1 for an OFD lock, else
 *     pid_nr_ns(find_pid_ns(fl_pid, &init_pid_ns), caller's namespace), 0
 *     when the holder has no number there.
 *   F_GETLK of the whole file while only hx's flock is held: F_UNLCK; top's
 *   flock(LOCK_EX|LOCK_NB): EAGAIN (EWOULDBLOCK: hx's flock is held)
 *     flock() and POSIX locks live on separate lists and never conflict;
 *     the flock belongs to hx's open file description, which top holds.
 *   /proc/locks through outer's proc (read by top or by i): POSIX hp, hi,
 *   hs, OFDLCK -1, and no FLOCK line for hx; through inner's proc: POSIX hi
 *   and OFDLCK -1 only
 *     locks_show() skips a lock whose locks_translate_pid() in the proc
 *     mount's namespace (proc_pid_ns(sb)) is 0: holders the mount cannot
 *     see are hidden, the OFD lock (-1) is shown everywhere, and a flock
 *     whose holder has exited and been reaped (find_pid_ns() finds nothing)
 *     is hidden from every namespace but the initial one, where
 *     locks_translate_pid() returns the stored number as it is (so run by
 *     hand in the initial namespace, outer's view shows a FLOCK line).  The
 *     mount decides, not the reader: i sees through outer's proc what top
 *     sees.
 *   hp's fdinfo, read by top: lock: POSIX WRITE hp
 *     show_fd_locks() -> lock_get_status(), numbered for the proc mount.
 *   after hp exits: F_GETLK by top on hp's range: F_UNLCK
 *     A process's POSIX locks go with it (locks_remove_posix() at close).
 */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define RANGES 4            /* hp, hi, hs (POSIX), ho (OFD) */
static int F = -1;          /* the memfd, inherited */
static int give[2];         /* hx hands its descriptor to top */
static int inner_proc = -1; /* in i */
static unsigned long ino;

/* A description of F of our own (the memfd reopened through /proc). */
static int reopen(void)
{
	return (int)NSX_TRY(openat(nsx_procfd(), nsx_fmt("self/fd/%d", F), O_RDWR | O_CLOEXEC));
}

/* F_GETLK (or F_OFD_GETLK) for a write lock on [start, start+len): the
 * conflicting lock's pid, or a code: -100 unlocked, -200-errno. */
static long getlk(int fd, int cmd, off_t start, off_t len)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
	if (fcntl(fd, cmd, &fl))
		return -200 - errno;
	return fl.l_type == F_UNLCK ? -100 : fl.l_pid;
}

/* /proc/locks lines for F through outer's proc (arg[0] 0) or inner's (1),
 * sorted by start: {n, then per line: kind (0 POSIX, 1 OFDLCK, 2 FLOCK), pid,
 * start}. */
static void do_locks(const long *arg)
{
	char buf[16384], key[32];
	long rows[8][3], v[NSX_MSG_VALS] = {0};
	/* (at most 4 rows are sent; a fifth shows as "...") */
	int n = 0;
	nsx_read_text(arg[0] ? inner_proc : nsx_procfd(), "locks", buf, sizeof(buf));
	snprintf(key, sizeof(key), ":%lu ", ino);
	for (char *line = strtok(buf, "\n"); line && n < 8; line = strtok(NULL, "\n")) {
		char kind[16], mode[16], dev[64], start[32];
		long pid;
		if (!strstr(line, key) || sscanf(line, "%*d: %15s %*s %15s %ld %63s %31s", kind,
		                                 mode, &pid, dev, start) != 5)
			continue;
		rows[n][0] = !strcmp(kind, "POSIX") ? 0 : !strcmp(kind, "OFDLCK") ? 1 : 2;
		rows[n][1] = pid;
		rows[n][2] = atol(start);
		n++;
	}
	for (int a = 0; a < n; a++) /* sort by kind, then start */
		for (int b = a + 1; b < n; b++)
			if (rows[b][0] < rows[a][0] ||
			    (rows[b][0] == rows[a][0] && rows[b][2] < rows[a][2])) {
				long t[3];
				memcpy(t, rows[a], sizeof(t));
				memcpy(rows[a], rows[b], sizeof(t));
				memcpy(rows[b], t, sizeof(t));
			}
	v[0] = n;
	for (int k = 0; k < n && k < 5; k++)
		memcpy(&v[1 + 3 * k], rows[k], sizeof(rows[k]));
	nsx_send_v("reply", v, 16);
}

/* F_GETLK, then F_OFD_GETLK, of every range, on a description of our own. */
static void do_getlk(NSX_UNUSED const long *arg)
{
	long v[2 * RANGES];
	int fd = reopen();
	for (int k = 0; k < RANGES; k++) {
		v[k] = getlk(fd, F_GETLK, 10 * k, 10);
		v[RANGES + k] = getlk(fd, F_OFD_GETLK, 10 * k, 10);
	}
	close(fd);
	nsx_send_v("reply", v, 2 * RANGES);
}

/* A holder: arg = the range's index; 3 is the OFD lock. */
static void do_lock(const long *arg)
{
	int fd = reopen();
	struct flock fl = {
	        .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 10 * arg[0], .l_len = 10};
	NSX_TRY(fcntl(fd, arg[0] == 3 ? F_OFD_SETLK : F_SETLK, &fl));
	NSX_REPLY(fd);
}

static void do_exit(NSX_UNUSED const long *arg)
{
	_exit(0);
}

static int hx_fn(NSX_UNUSED void *arg)
{
	int fd = reopen();
	NSX_TRY(flock(fd, LOCK_SH));
	NSX_TRY_NEG(nsx_send_fds(give[0], &fd, 1));
	return 0; /* exits; its open file description lives on in top */
}

static int i_fn(NSX_UNUSED void *arg)
{
	inner_proc = nsx_own_proc();
	nsx_serve();
}

static const char *pidstr(int observer, long v)
{
	return v == -100   ? "F_UNLCK"
	       : v <= -200 ? nsx_errname((int)(-v - 200))
	       : v == -1   ? "-1"
	                   : nsx_name(observer, v);
}

/* F_GETLK and F_OFD_GETLK of every range, asked by observer. */
static void show_getlk(int observer)
{
	const long *v = nsx_by(observer, do_getlk, 0, 0, 0)->v;
	for (int k = 0; k < 2; k++, v += RANGES)
		printf("%-3s %-12s [0,10) %-6s [10,20) %-6s [20,30) %-6s [30,40) %s\n",
		       nsx_task_name(observer),
		       k ? "F_OFD_GETLK:" : "F_GETLK:", pidstr(observer, v[0]),
		       pidstr(observer, v[1]), pidstr(observer, v[2]), pidstr(observer, v[3]));
}

static void show_locks(const char *what, int ns, const long *v)
{
	static const char *const kind[] = {"POSIX", "OFDLCK", "FLOCK"};
	printf("%-34s", what);
	if (!v[0])
		printf(" none");
	for (int k = 0; k < v[0] && k < 5; k++)
		printf(" %s@%ld:%s", kind[v[1 + 3 * k]], v[3 + 3 * k],
		       v[2 + 3 * k] == -1 ? "-1" : nsx_name_ns(ns, v[2 + 3 * k]));
	printf("%s\n", v[0] > 5 ? " ..." : "");
}

NSX_CASE(.family = "File locks", .rows = "7.1 7.2 9.1 9.2");

int main(void)
{
	struct stat st;
	nsx_init("top", "outer");
	F = memfd_create("nsx-locks", 0);
	if (F < 0 || ftruncate(F, 4096) || fstat(F, &st) ||
	    socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, give))
		nsx_fail("memfd: %s", nsx_errname(errno));
	ino = (unsigned long)st.st_ino;
	int i = nsx_spawn("i", "inner", i_fn, NULL), s = nsx_spawn_agent("s", "sib");
	int hp = nsx_spawn_agent("hp", NULL);
	long hp_fd = nsx_do(hp, do_lock, 0, 0, 0)->v[0];
	nsx_do(nsx_spawn_agent_by(i, "hi", NULL), do_lock, 1, 0, 0);
	nsx_do(nsx_spawn_agent_by(s, "hs", NULL), do_lock, 2, 0, 0);
	nsx_do(nsx_spawn_agent("ho", NULL), do_lock, 3, 0, 0);
	int hx = nsx_spawn("hx", NULL, hx_fn, NULL);
	int xfd;
	NSX_TRY_NEG(nsx_recv_fds(give[1], &xfd, 1));
	NSX_TRY(waitpid(nsx_pid(hx), NULL, 0)); /* hx exited: reap it */
	int outer = nsx_ns_of(0), inner = nsx_ns_of(i);

	printf("# file_locks: lock holders' pids by F_GETLK, /proc/locks and fdinfo\n");
	printf("# POSIX locks: hp (outer) [0,10), hi (inner) [10,20), hs (sib) [20,30); "
	       "OFD: ho [30,40); flock: hx, exited\n");
	show_getlk(0);
	show_getlk(i);
	show_getlk(s);
	int fd = reopen();
	printf("top F_GETLK of [40,EOF) (only hx's flock there): %s\n",
	       pidstr(0, getlk(fd, F_GETLK, 40, 0)));
	printf("top flock(LOCK_EX|LOCK_NB) on a description of its own: %s\n",
	       nsx_res(nsx_rc(flock(fd, LOCK_EX | LOCK_NB))));
	show_locks("/proc/locks (outer's) read by top:", outer, nsx_by(0, do_locks, 0, 0, 0)->v);
	show_locks("/proc/locks (outer's) read by i:", outer, nsx_do(i, do_locks, 0, 0, 0)->v);
	show_locks("/proc/locks (inner's) read by i:", inner, nsx_do(i, do_locks, 1, 0, 0)->v);

	/* hp's fdinfo through outer's proc: its "lock:" line */
	char kind[16], mode[16];
	long pid = -1;
	const char *l = nsx_read_field(nsx_procfd(),
	                               nsx_fmt("%d/fdinfo/%ld", (int)nsx_pid(hp), hp_fd), "lock");
	if (sscanf(l, "%*d: %15s %*s %15s %ld", kind, mode, &pid) != 3)
		printf("hp's fdinfo (outer's proc), read by top: no lock line\n");
	else
		printf("hp's fdinfo (outer's proc), read by top: lock: %s %s %s\n", kind, mode,
		       nsx_name(0, pid));
	nsx_ask(hp, do_exit, 0, 0, 0); /* hp exits, its locks with it */
	NSX_TRY(waitpid(nsx_pid(hp), NULL, 0));
	printf("after hp exits (reaped): top F_GETLK of [0,10): %s\n",
	       pidstr(0, getlk(fd, F_GETLK, 0, 10)));
	close(xfd);
	nsx_exit();
}
