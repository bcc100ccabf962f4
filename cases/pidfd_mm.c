// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pidfd_mm - process_madvise(2) and process_mrelease(2) take a pidfd, not a
 * number: a task holding a pidfd reaches the process behind it whatever pid
 * namespace either is in, even a process it has no number for.  Needs root
 * in the initial user namespace (process_madvise() checks
 * capable(CAP_SYS_NICE)): skips otherwise, saying so; skips without
 * pidfd_open() (5.3) or process_madvise() (5.10, CONFIG_ADVISE_SYSCALLS: ENOSYS).
 *
 * Tasks: top (namespace outer) and o (outer), which touches a page of its
 * own; top opens a pidfd of o and spawns c, the init of namespace inner,
 * which inherits it (o has no number in inner).
 *
 * The golden lines and the kernel code behind them:
 *
 *   c, pidfd of o: process_madvise(MADV_COLD, one page) = the page's length
 *   (4096); top, the same: 4096; c, pidfd_open(o's number in outer): ESRCH
 *   (only the pidfd reaches o); c and top, process_mrelease(pidfd of o, a
 *   live process): EINVAL
 *     mm/madvise.c: process_madvise() -> pidfd_get_task() (kernel/pid.c:
 *     the pidfd's struct pid, no namespace check) -> mm_access(task,
 *     PTRACE_MODE_READ_FSCREDS) -> capable(CAP_SYS_NICE) -> the advice on
 *     the target's mm: the bytes advised.  mm/oom_kill.c:
 *     process_mrelease() -> pidfd_get_task(); -EINVAL unless
 *     task_will_free_mem() (the process is dying).  kernel/pid.c:
 *     pidfd_open() -> find_get_pid(), the caller's namespace.  Read on
 *     6.1.192 and 6.12.117.
 */
#include "nsx.h"

#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static char page[4096] __attribute__((aligned(4096)));
static int o_pidfd = -1;

/* {process_madvise, process_mrelease, pidfd_open(n)} results. */
static void probe(long n, long *r)
{
	struct iovec v = {page, sizeof(page)};
	r[0] = nsx_val(syscall(SYS_process_madvise, o_pidfd, &v, 1, MADV_COLD, 0));
	r[1] = nsx_rc(syscall(SYS_process_mrelease, o_pidfd, 0));
	long k = syscall(SYS_pidfd_open, (pid_t)n, 0);
	r[2] = nsx_rc(k);
	if (k >= 0)
		close((int)k);
}

static void do_probe(const long *arg)
{
	long r[3];
	probe(arg[0], r);
	NSX_REPLY(r[0], r[1], r[2]);
}

static int o_fn(void *arg NSX_UNUSED)
{
	page[0] = 1;
	nsx_park();
}

static void show(int observer, long n, const long *r)
{
	printf("%-3s pidfd of o: process_madvise(MADV_COLD, 1 page) = %s; process_mrelease = %s; "
	       "pidfd_open(%s) = %s\n",
	       nsx_task_name(observer), r[0] < 0 ? nsx_res(r[0]) : nsx_fmt("%ld", r[0]),
	       nsx_res(r[1]), nsx_name(observer, n), nsx_res(r[2]));
}

NSX_CASE(.family = "pidfds", .rows = "28.25", .kconfig = "CONFIG_ADVISE_SYSCALLS",
         .root = "process_madvise() checks CAP_SYS_NICE there");

int main(void)
{
	nsx_init("top", "outer");
	int o = nsx_spawn("o", NULL, o_fn, NULL);
	o_pidfd = (int)syscall(SYS_pidfd_open, nsx_pid(o), 0);
	if (o_pidfd < 0)
		nsx_skip("pidfd_open: %s (5.3)", nsx_errname(errno));
	const long *r = nsx_by(0, do_probe, nsx_pid(o), 0, 0)->v;
	if (r[0] == -ENOSYS)
		nsx_skip("process_madvise: ENOSYS (5.10, CONFIG_ADVISE_SYSCALLS)");
	int c = nsx_spawn_agent("c", "inner");
	printf("# pidfd_mm: a pidfd reaches its process's memory from any namespace\n");
	show(c, nsx_pid(o), nsx_do(c, do_probe, nsx_pid(o), 0, 0)->v);
	show(0, nsx_pid(o), r);
	nsx_exit();
}
