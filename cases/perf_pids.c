// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * perf_pids - the pids in perf side-band records (PERF_RECORD_FORK, _COMM,
 * _EXIT) and in sample_id (PERF_SAMPLE_TID), for an event opened outside
 * the watched task's pid namespace and one opened inside; the pid argument
 * of perf_event_open().
 *
 * Tasks: top (namespace outer); c, the init of namespace inner; x, the init
 * of the sibling namespace sib.  top opens a software dummy event on c by its
 * outer number, c one on itself (pid 0), both with task/comm records,
 * inherit, sample_id_all and PERF_SAMPLE_TID.  c then forks k, which names
 * itself "kid" and exits; c reaps it.  Each reader walks its ring buffer and
 * prints, for every record about k, the numbers as the task they denote for
 * the opener.  x opening an event by c's inner number: ESRCH, by c's outer
 * number: ESRCH too (x sees neither).  Needs perf_event_paranoid to allow
 * watching one's own tasks (skips otherwise, saying so).
 *
 * The golden lines and the kernel code behind them (kernel/events/core.c):
 *
 *   FORK and EXIT pid=k ppid=c tid=k ptid=c, COMM pid=k tid=k "kid", and the
 *   sample_id pid/tid, in the opener's numbering: top's records name k by
 *   its outer number, c's by its inner one
 *     perf_event_pid()/perf_event_tid() -> perf_event_pid_type(event, p,
 *     type) = __task_pid_nr_ns(p, type, event->ns), event->ns being the
 *     opener's active pid namespace, taken at perf_event_alloc() (an
 *     inherited event keeps its parent's).
 *   perf_event_open(pid): find_lively_task_by_vpid(), the caller's
 *   namespace: x gets ESRCH for c's outer number.
 */
#include "nsx.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define RING_PAGES 8
#define MAX_CPUS   16
static void *ring[MAX_CPUS];
static int ncpus;
static long pagesz;

/* One event per CPU (an inherited per-task event may be mmap()ed only when
 * bound to a CPU: perf_mmap()), each with its ring. */
static long open_on(pid_t pid)
{
	struct perf_event_attr a = {.size = sizeof(a),
	                            .type = PERF_TYPE_SOFTWARE,
	                            .config = PERF_COUNT_SW_DUMMY,
	                            .sample_type = PERF_SAMPLE_TID,
	                            .sample_id_all = 1,
	                            .task = 1,
	                            .comm = 1,
	                            .inherit = 1,
	                            .exclude_kernel = 1,
	                            .exclude_hv = 1};
	pagesz = sysconf(_SC_PAGESIZE);
	ncpus = (int)sysconf(_SC_NPROCESSORS_CONF);
	if (ncpus > MAX_CPUS)
		ncpus = MAX_CPUS;
	for (int cpu = 0; cpu < ncpus; cpu++) {
		int fd = (int)syscall(SYS_perf_event_open, &a, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
		if (fd < 0)
			return -errno;
		ring[cpu] = mmap(NULL, (size_t)((RING_PAGES + 1) * pagesz), PROT_READ | PROT_WRITE,
		                 MAP_SHARED, fd, 0);
		if (ring[cpu] == MAP_FAILED)
			return -errno;
	}
	return 0;
}

/* The records of one type (FORK, COMM or EXIT) about task number `who` (the
 * opener's numbering), from every CPU's ring: for each its type, pid, ppid,
 * tid, ptid (0 where the record has none), the sample_id pid and tid, and
 * for COMM whether the name is "kid".  v[0] = count. */
static void records(long who, long type, long *v, int max)
{
	v[0] = 0;
	for (int cpu = 0; cpu < ncpus; cpu++) {
		struct perf_event_mmap_page *mp = ring[cpu];
		uint64_t head = __atomic_load_n(&mp->data_head, __ATOMIC_ACQUIRE);
		const char *data = (const char *)ring[cpu] + pagesz;
		uint64_t size = (uint64_t)(RING_PAGES * pagesz), off = mp->data_tail;
		while (off < head && (v[0] + 1) * 8 + 1 <= max) {
			const struct perf_event_header *h = (const void *)(data + off % size);
			off += h->size;
			const uint32_t *u = (const uint32_t *)(h + 1);
			long rec[8] = {h->type, 0, 0, 0, 0, 0, 0, 0};
			size_t idoff = 0;
			if (h->type == PERF_RECORD_FORK || h->type == PERF_RECORD_EXIT) {
				rec[1] = u[0], rec[2] = u[1], rec[3] = u[2], rec[4] = u[3];
				idoff = 4 * 4 + 8; /* pid ppid tid ptid, time */
			} else if (h->type == PERF_RECORD_COMM) {
				rec[1] = u[0], rec[3] = u[1];
				rec[7] = !strcmp((const char *)(u + 2), "kid");
				idoff = 8 + ((strlen((const char *)(u + 2)) + 1 + 7) & ~(size_t)7);
			}
			if (h->type != type || !idoff || rec[1] != who)
				continue;
			const uint32_t *id = (const uint32_t *)((const char *)(h + 1) + idoff);
			rec[5] = id[0], rec[6] = id[1];
			memcpy(v + 1 + 8 * v[0]++, rec, sizeof(rec));
		}
	}
}

static int k_fn(void *arg NSX_UNUSED)
{
	prctl(PR_SET_NAME, "kid");
	return 0;
}

/* c: events on itself (arg[0] 0); x: may it open one on number arg[0]? */
static void do_open(const long *arg)
{
	NSX_REPLY(open_on((pid_t)arg[0]));
}

/* c: spawn k, which names itself and exits; reap it */
static void do_fork(const long *arg NSX_UNUSED)
{
	int k = nsx_spawn("k", NULL, k_fn, NULL);
	NSX_REPLY(nsx_rc(waitpid(nsx_pid(k), NULL, 0)));
}

static void do_read(const long *arg)
{
	long v[NSX_MSG_VALS];
	/* the records of one type (arg[1]) about task number arg[0] */
	records(arg[0], (int)arg[1], v, NSX_MSG_VALS - 1);
	nsx_send_v("reply", v, NSX_MSG_VALS);
}

static void show(int reader, const long *v)
{
	static const char *const types[] = {[PERF_RECORD_EXIT] = "EXIT",
	                                    [PERF_RECORD_FORK] = "FORK",
	                                    [PERF_RECORD_COMM] = "COMM"};
	const char *who = nsx_task_name(reader);
	for (long i = 0; i < v[0]; i++) {
		const long *r = v + 1 + 8 * i;
		if (r[0] == PERF_RECORD_COMM)
			printf("  %s's ring: COMM pid=%s tid=%s comm %s", who,
			       nsx_name(reader, r[1]), nsx_name(reader, r[3]),
			       r[7] ? "kid" : "other");
		else
			printf("  %s's ring: %s pid=%s ppid=%s tid=%s ptid=%s", who, types[r[0]],
			       nsx_name(reader, r[1]), nsx_name(reader, r[2]),
			       nsx_name(reader, r[3]), nsx_name(reader, r[4]));
		printf("; sample_id pid=%s tid=%s\n", nsx_name(reader, r[5]),
		       nsx_name(reader, r[6]));
	}
}

NSX_CASE(.family = "Kernel threads, fault handlers and side channels", .rows = "17.1 28.20",
         .kconfig = "CONFIG_PERF_EVENTS");

int main(void)
{
	nsx_init("top", "outer");
	int c = nsx_spawn_agent("c", "inner");
	int x = nsx_spawn_agent("x", "sib");
	long r = open_on(nsx_pid(c));
	if (r == -EACCES || r == -EPERM) {
		long p;
		const char *par = nsx_read_long("/proc/sys/kernel/perf_event_paranoid", &p)
		                          ? "?"
		                          : nsx_fmt("%ld", p);
		nsx_skip("perf_event_open: %s: perf_event_paranoid=%s refuses watching a task "
		         "without CAP_PERFMON",
		         nsx_errname((int)-r), par);
	}
	if (r == -ENOSYS || r == -ENOENT)
		nsx_skip("perf_event_open: %s: no perf events in this kernel",
		         nsx_errname((int)-r));
	NSX_TRY_NEG(r); /* perf_event_open() on c */
	NSX_TRY_NEG(nsx_do(c, do_open, 0, 0, 0)->v[0]);

	printf("# perf_pids: side-band records about k (forked by c, inner) for openers top "
	       "(outer) and c\n");
	NSX_TRY_NEG(nsx_do(c, do_fork, 0, 0, 0)->v[0]);
	int k = nsx_find("k");
	static const int types[] = {PERF_RECORD_FORK, PERF_RECORD_COMM, PERF_RECORD_EXIT};
	for (int t = 0; t < 6; t++) {
		int reader = t < 3 ? 0 : c;
		show(reader,
		     nsx_by(reader, do_read, nsx_nr_in(k, nsx_ns_of(reader)), types[t % 3], 0)->v);
	}
	printf("x (sib) opens an event on c's outer number: %s\n",
	       nsx_res(nsx_do(x, do_open, nsx_pid(c), 0, 0)->v[0]));
	nsx_exit();
}
