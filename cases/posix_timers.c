// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * posix_timers - POSIX timers across pid namespaces: the thread id a
 * SIGEV_THREAD_ID timer takes (a number in the caller's namespace), the
 * signal it sends, and /proc/<pid>/timers read through two proc mounts.
 *
 * Tasks: top (namespace outer) spawns i, the init of namespace inner, which
 * mounts a proc of inner and spawns w (inner); w starts a thread wt.  w
 * creates timer_create(SIGEV_THREAD_ID) timers aimed at wt, first with wt's
 * number in outer, then with its number in inner, and a SIGEV_SIGNAL timer;
 * it arms the thread timer to fire at once.  top reads w's
 * /proc/<pid>/timers through outer's proc, i through inner's and then
 * through outer's (the proc the case began with).  Numbers print
 * as the task they denote in the namespace of the caller or of the proc
 * mount.
 *
 * The golden lines and the kernel code behind them:
 *
 *   timer_create(SIGEV_THREAD_ID, wt's outer number) by w: EINVAL; with its
 *   inner number: timer 1; the SIGEV_SIGNAL timer: 2
 *     kernel/time/posix-timers.c: good_sigevent() looks the thread up with
 *     find_vpid(sigev_notify_thread_id): in the *caller's* namespace, and
 *     insists on a thread of the caller's own group.  do_timer_create()
 *     takes the id from the process's counter (posix_timer_add()) before it
 *     asks good_sigevent(), so the refused timer used up id 0.
 *   the timer fires: wt takes SIGUSR1 si_code=SI_TIMER si_timerid=1
 *   si_overrun=0 si_value=7
 *     posix_timer_event() -> send_sigqueue(): the timer's preallocated
 *     siginfo carries the timer id, the overrun count and sigev_value, and
 *     no pid (the union's _timer member).
 *   /proc/<w>/timers through outer's proc: ID 2 notify signal/pid.w, ID 1
 *   notify signal/tid.wt (newest first); through inner's proc: the same
 *   names; i through outer's proc: the same names in outer's numbering
 *     fs/proc/base.c: show_timer() prints pid_nr_ns(timer->it_pid, tp->ns)
 *     with tp->ns = proc_pid_ns() of the mount the file was opened through
 *     (timers_open()): the numbers follow the mount, not the reader (i,
 *     in inner, is shown outer's numbers).
 */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

static int inner_proc = -1; /* in i */

static int wt_fn(NSX_UNUSED void *arg)
{
	siginfo_t si;
	if (nsx_sigwait(SIGUSR1, &si))
		NSX_SEND("fired", -1);
	else
		NSX_SEND("fired", si.si_signo, si.si_code, si.si_timerid, si.si_overrun,
		         si.si_value.sival_int);
	nsx_park();
}

/* timer_create(SIGEV_THREAD_ID aimed at tid): the id, or -errno.  The raw
 * syscall writes the kernel's timer id, an int (glibc's timer_t is not). */
static long thread_timer(long tid, int *t)
{
	struct sigevent ev = {.sigev_notify = SIGEV_THREAD_ID,
	                      .sigev_signo = SIGUSR1,
	                      .sigev_value.sival_int = 7,
	                      .sigev_notify_thread_id = (pid_t)tid};
	return syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, t) ? -errno : (long)*t;
}

static int w_fn(NSX_UNUSED void *arg)
{
	int t1 = -1, t2 = -1, t3 = -1;
	nsx_block(SIGUSR1);
	int wt = nsx_thread("wt", wt_fn, NULL), lvl = nsx_task_level(wt);
	long r1 = thread_timer(nsx_task_nr(wt, lvl - 1), &t1); /* wt's outer number */
	long r2 = thread_timer(nsx_task_nr(wt, lvl), &t2);
	struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2};
	long r3 = nsx_rc(syscall(SYS_timer_create, CLOCK_MONOTONIC, &ev, &t3));
	NSX_SEND("created", r1, r2, r3);
	struct itimerspec its = {.it_value = {0, 1}};
	if (r2 >= 0)
		NSX_TRY(syscall(SYS_timer_settime, (long)t2, 0, &its, NULL));
	nsx_park();
}

/* /proc/<arg[0]>/timers through inner's proc (arg[1] 0) or outer's (1):
 * {n, then id, kind (0 pid, 1 tid), nr of each}. */
static void do_timers(const long *arg)
{
	char buf[4096];
	long v[13] = {0}, id = -1;
	nsx_read_text(arg[1] ? nsx_procfd() : inner_proc, nsx_fmt("%ld/timers", arg[0]), buf,
	              sizeof(buf));
	for (char *l = strtok(buf, "\n"); l && v[0] < 4; l = strtok(NULL, "\n")) {
		char kind[8];
		long nr;
		if (sscanf(l, "ID: %ld", &id) == 1)
			continue;
		if (sscanf(l, "notify: %*[a-z]/%3[a-z].%ld", kind, &nr) == 2) {
			v[1 + 3 * v[0]] = id;
			v[2 + 3 * v[0]] = !strcmp(kind, "tid");
			v[3 + 3 * v[0]] = nr;
			v[0]++;
		}
	}
	nsx_send_v("reply", v, 13);
}

static int i_fn(NSX_UNUSED void *arg)
{
	inner_proc = nsx_own_proc();
	nsx_spawn("w", NULL, w_fn, NULL);
	nsx_serve();
}

static void show(const char *what, int ns, const long *v)
{
	printf("%-34s", what);
	if (!v[0])
		printf(" no timers");
	for (int k = 0; k < v[0] && k < 4; k++)
		printf(" ID %ld notify %s.%s", v[1 + 3 * k], v[2 + 3 * k] ? "tid" : "pid",
		       nsx_name_ns(ns, v[3 + 3 * k]));
	printf("\n");
}

NSX_CASE(.family = "POSIX timers", .rows = "6.18 28.13");

int main(void)
{
	nsx_init("top", "outer");
	int i = nsx_spawn("i", "inner", i_fn, NULL);
	const struct nsx_msg *m = nsx_recv(-1, "created");
	int w = nsx_find("w"), wt = nsx_find("wt"), inner = nsx_ns_of(i), outer = nsx_ns_of(0);
	printf("# posix_timers: SIGEV_THREAD_ID, the timer signal, /proc/<pid>/timers\n");
	printf("w timer_create(SIGEV_THREAD_ID, wt's number in outer) = %s\n", nsx_res(m->v[0]));
	printf("w timer_create(SIGEV_THREAD_ID, wt's number in inner) = %s, timer %ld\n",
	       nsx_res(m->v[1]), m->v[1] < 0 ? -1 : m->v[1]);
	printf("w timer_create(SIGEV_SIGNAL) = %s\n", nsx_res(m->v[2]));
	m = nsx_recv(wt, "fired");
	if (m->v[0] < 0)
		printf("the thread timer fires: wt gets nothing\n");
	else
		printf("the thread timer fires: wt gets %s si_code=%s si_timerid=%ld "
		       "si_overrun=%ld "
		       "si_value=%ld\n",
		       nsx_signame((int)m->v[0]), nsx_sicode((int)m->v[0], (int)m->v[1]), m->v[2],
		       m->v[3], m->v[4]);
	show("w's timers (outer's proc), top:", outer, nsx_by(0, do_timers, nsx_pid(w), 1, 0)->v);
	show("w's timers (inner's proc), i:", inner,
	     nsx_do(i, do_timers, nsx_nr_in(w, inner), 0, 0)->v);
	show("w's timers (outer's proc), i:", outer, nsx_do(i, do_timers, nsx_pid(w), 1, 0)->v);
	nsx_exit();
}
