// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * numbers.c - where each case's own pid numbers start, so that a number of
 * the machine (the runner's pid namespace: the initial one unless the runner
 * runs in a container) can never pass for one of a case's tasks.  A case
 * prints a number as the name of the task it denotes in the observer's
 * namespace; a number from the wrong namespace that happens to equal a case
 * task's would print that task's name, and a translation bug would pass.
 *
 * Two ways, chosen once a run (numbers_setup()):
 *
 *  - above (pid_max per pid namespace, Linux 6.14 on; kernel/pid.c:
 *    alloc_pid() bounds each level by that level's own pid_max): each case's
 *    namespace gets pid_max = first + NUMBERS_ABOVE_SPAN, and its numbers
 *    start at first = the machine's pid_max + 100 (at least 2148: cases
 *    choose numbers below 2048 with clone3()'s set_tid, clone3_set_tid and
 *    pid_max_ns).  The machine's numbers are all below its pid_max, so none
 *    can equal a case's.  When there is no room above (a machine pid_max
 *    within NUMBERS_ABOVE_SPAN + 100 of PID_MAX_LIMIT, 4194304, as systemd
 *    sets it), the second way.
 *  - behind (pid_max machine-wide; or no room above): numbers are given out
 *    in a cycle over [300, pid_max) (alloc_pid(): idr_alloc_cyclic() from
 *    the namespace's last number, wrapping to RESERVED_PIDS).  Each case's
 *    numbers start a window's width (1024, or a quarter of the cycle) behind
 *    the machine's last number when the case starts: the numbers the
 *    machine gives out last.
 *
 * Either way, when a case ends the numbers the machine gave out while it ran
 * (its ns_last_pid before and after) are compared with the ones the case's
 * namespace gave out (first to the last, read by its reaper, round to 300
 * if its counter wrapped, as when pid_max_ns lowers its pid_max): if they
 * meet, the case is an ERROR, never judged (numbers_reached_at()).  What
 * this cannot see: a machine counter that went a whole cycle round
 * (pid_max - 300 numbers; 4194004 in the make vm guest, whose init raises
 * pid_max) in one case's time, and numbers a case picks
 * itself below its first with clone3()'s set_tid (clone3_set_tid,
 * pid_max_ns: the cursor does not move).  The runner's own number is never
 * in a case's window.  Numbers of pid namespaces above the runner's, if
 * any, are not watched (a runner in a container cannot read them).
 */
#include "runner.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#define RESERVED_PIDS      300     /* include/linux/pid.h */
#define PID_MAX_LIMIT      4194304 /* include/linux/threads.h, 64-bit */
#define NUMBERS_LOW        2048    /* cases choose numbers below this */
#define NUMBERS_ABOVE_SPAN 65536   /* a case's own numbers, in "above" */

static struct numbers N;

static int read_int(const char *path)
{
	int v = -1;
	FILE *f = fopen(path, "re");
	if (!f || fscanf(f, "%d", &v) != 1)
		v = -1;
	if (f)
		fclose(f);
	return v;
}

/* pid_max is a per-pid-namespace sysctl from 6.14 (kernel/pid.c); before,
 * writing it from a child namespace would change the whole machine. */
static int pid_max_per_ns(void)
{
	struct utsname u;
	int maj = 0, min = 0;
	if (uname(&u) || sscanf(u.release, "%d.%d", &maj, &min) != 2)
		return 0;
	return maj > 6 || (maj == 6 && min >= 14);
}

void numbers_plan(struct numbers *n, int per_ns, int pid_max)
{
	memset(n, 0, sizeof(*n));
	n->pid_max = pid_max;
	if (per_ns && pid_max + 100 + NUMBERS_ABOVE_SPAN <= PID_MAX_LIMIT) {
		n->above = 1;
		n->first = (pid_max > NUMBERS_LOW ? pid_max : NUMBERS_LOW) + 100;
		n->window = NUMBERS_ABOVE_SPAN;
		snprintf(n->desc, sizeof(n->desc),
		         "each case's numbers start at %d, above the machine's (pid_max %d)",
		         n->first, pid_max);
		return;
	}
	n->window = (pid_max - RESERVED_PIDS) / 4 < 1024 ? (pid_max - RESERVED_PIDS) / 4 : 1024;
	n->low = pid_max - NUMBERS_LOW >= 4 * n->window ? NUMBERS_LOW : RESERVED_PIDS;
	snprintf(n->desc, sizeof(n->desc),
	         "each case's numbers start %d behind the machine's last one (pid_max %d), and a "
	         "case they reach is an ERROR",
	         n->window, pid_max);
}

const struct numbers *numbers_setup(void)
{
	if (N.pid_max)
		return &N;
	int max = read_int("/proc/sys/kernel/pid_max");
	numbers_plan(&N, pid_max_per_ns(), max > RESERVED_PIDS ? max : 32768);
	return &N;
}

/* Numbers forward from a to b in the cycle [RESERVED_PIDS, pid_max). */
static long ahead(const struct numbers *n, long a, long b)
{
	long c = n->pid_max - RESERVED_PIDS;
	long d = ((b < RESERVED_PIDS ? RESERVED_PIDS : b) -
	          (a < RESERVED_PIDS ? RESERVED_PIDS : a)) %
	         c;
	return d < 0 ? d + c : d;
}

int numbers_first(const struct numbers *n, int last, int self)
{
	if (n->above)
		return n->first;
	int first = last - n->window;
	for (int tries = 0; tries < 3; tries++) {
		if (first < n->low)
			first = n->pid_max - n->window; /* round to the top */
		if (self < first || self >= first + n->window)
			return first;
		first -= n->window;
	}
	return first;
}

/* Do [a1, b1] and [a2, b2] meet? */
static int meet(long a1, long b1, long a2, long b2)
{
	return a1 <= b1 && a2 <= b2 && a1 <= b2 && a2 <= b1;
}

int numbers_reached_at(const struct numbers *n, int first, int start, int end, int case_last,
                       char *why, size_t len)
{
	/* The machine's numbers given out while the case ran: (start, end],
	 * in its cycle, as one or two ranges. */
	long c = n->pid_max - RESERVED_PIDS, went = ahead(n, start, end);
	long from = start < RESERVED_PIDS ? RESERVED_PIDS - 1 : start;
	long m[2][2] = {{from + 1, from + went}, {1, 0}};
	if (m[0][1] >= n->pid_max) {
		m[1][0] = RESERVED_PIDS;
		m[1][1] = m[0][1] - c;
		m[0][1] = n->pid_max - 1;
	}
	/* The case's: first .. its last; round to 300 if its counter wrapped
	 * (its namespace's pid_max: the machine's, or first + window). */
	long s[2][2] = {{first, case_last}, {1, 0}};
	if (case_last < first) {
		s[0][1] = (n->above ? first + n->window : n->pid_max) - 1;
		s[1][0] = RESERVED_PIDS;
		s[1][1] = case_last;
	}
	for (int i = 0; i < 2; i++)
		for (int k = 0; k < 2; k++)
			if (meet(m[i][0], m[i][1], s[k][0], s[k][1])) {
				snprintf(why, len,
				         "the machine's pid numbers went from %d to %d, the case's "
				         "from %d "
				         "to %d",
				         start, end, first, case_last);
				return 1;
			}
	return 0;
}

int numbers_machine_last(void)
{
	return read_int("/proc/sys/kernel/ns_last_pid");
}

void numbers_enter(const struct numbers *n, int first)
{
	char v[32];
	/* pid_max first: ns_last_pid is checked against it. */
	if (n->above) {
		snprintf(v, sizeof(v), "%d", first + n->window);
		if (write_file("/proc/sys/kernel/pid_max", v))
			fprintf(stderr, "nsxrun: cannot set pid_max: %s\n", strerror(errno));
	}
	snprintf(v, sizeof(v), "%d", first - 1);
	if (write_file("/proc/sys/kernel/ns_last_pid", v))
		fprintf(stderr, "nsxrun: cannot set ns_last_pid: %s\n", strerror(errno));
}
