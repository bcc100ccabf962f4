// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * numa_pid_args - migrate_pages(2) and move_pages(2) take a pid and look it
 * up in the caller's pid namespace, as pid_args_in's calls do.  Skips on a
 * kernel without them (ENOSYS: CONFIG_NUMA, CONFIG_MIGRATION).
 *
 * Tasks: top (namespace outer); c, the init of namespace inner, and c2, a
 * process of inner; x, the init of the sibling namespace sib.  Each task maps
 * one page of its own at base + id pages (top 1, c 2, c2 3, x 4) and touches
 * it.  Every call runs four times, one column each:
 *
 *   c  with c2's number in inner (2)            -> reaches c2
 *   c  with top's number in outer                -> ESRCH
 *   x  with c2's number in inner (2)             -> ESRCH
 *   top with c2's number in outer                -> reaches c2
 *
 * The golden lines and the kernel code behind them:
 *
 *   move_pages(pid, 1 page: c2's, nodes NULL): status 0 (the page's node,
 *   node 0 here) where it reached c2's memory; ESRCH otherwise
 *     mm/migrate.c: kernel_move_pages() -> find_mm_struct() ->
 *     find_task_by_vpid() (-ESRCH), then do_pages_stat() on that mm: a page
 *     not mapped there would be -EFAULT in status.
 *   migrate_pages(pid, from node 0 to node 0): 0 (nothing moves) or ESRCH
 *     mm/mempolicy.c: kernel_migrate_pages() -> find_task_by_vpid() (-ESRCH),
 *     ptrace_may_access(), then do_migrate_pages() (empty masks would be
 *     EINVAL after the lookup: nodes_empty(new)).
 *   Read on 6.1.192 and 6.12.117.
 */
#include "nsx.h"

#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static char *base;
static long page;

/* Map and touch the page at base + arg[0] pages. */
static void do_mark(const long *arg)
{
	char *p = mmap(base + arg[0] * page, (size_t)page, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p != base + arg[0] * page)
		nsx_fail("mmap at base + %ld pages: %s", arg[0], nsx_errname(errno));
	*p = 1;
	NSX_REPLY(0);
}

/* arg[0] 0: move_pages on c2's page: {result, status}; 1: migrate_pages. */
static void do_probe(const long *arg)
{
	if (arg[0] == 0) {
		void *pages[1] = {base + 3 * page};
		int status[1] = {-1};
		long r =
		        nsx_rc(syscall(SYS_move_pages, (pid_t)arg[1], 1UL, pages, NULL, status, 0));
		NSX_REPLY(r, status[0]);
	} else {
		unsigned long node0[1] = {1};
		NSX_REPLY(nsx_rc(syscall(SYS_migrate_pages, (pid_t)arg[1], 64UL, node0, node0)), 0);
	}
}

NSX_CASE(.family = "pid arguments", .rows = "28.21", .kconfig = "CONFIG_NUMA CONFIG_MIGRATION");

int main(void)
{
	nsx_init("top", "outer");
	page = sysconf(_SC_PAGESIZE);
	/* Reserve a range no task uses, then give its pages out one per task. */
	base = mmap(NULL, (size_t)(8 * page), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED || munmap(base, (size_t)(8 * page)))
		nsx_fail("mmap: %s", nsx_errname(errno));
	if (nsx_by(0, do_probe, 1, 0, 0)->v[0] == -ENOSYS)
		nsx_skip("migrate_pages: ENOSYS (CONFIG_NUMA, CONFIG_MIGRATION)");
	struct nsx_scene s = nsx_scene(NSX_SCENE_C2 | NSX_SCENE_X);
	int c = s.c, x = s.x, who[4] = {s.top, c, s.c2, x};
	for (int id = 1; id <= 4; id++)
		nsx_by(who[id - 1], do_mark, id, 0, 0);
	long c2_in = nsx_nr_in(s.c2, s.inner), c2_out = nsx_pid(s.c2), top_out = nsx_pid(0);
	struct {
		int caller;
		long n;
	} col[4] = {{c, c2_in}, {c, top_out}, {x, c2_in}, {0, c2_out}};
	static const char *const names[2] = {"move_pages(c2's page)", "migrate_pages(node 0 to 0)"};

	printf("# numa_pid_args: migrate_pages and move_pages look their pid up in the caller's "
	       "namespace\n");
	printf("%-26s c with %s | c with %s | x with %s | top with %s\n", "call",
	       nsx_name(c, c2_in), nsx_name(c, top_out), nsx_name(x, c2_in), nsx_name(0, c2_out));
	for (int p = 0; p < 2; p++) {
		printf("%-26s", names[p]);
		for (int k = 0; k < 4; k++) {
			const long *o = nsx_by(col[k].caller, do_probe, p, col[k].n, 0)->v;
			printf("%s%s", k ? " | " : " ", nsx_res(o[0]));
			if (p == 0 && !o[0] && o[1] >= 0)
				printf(" status node %ld", o[1]);
			else if (p == 0 && !o[0])
				printf(" status %s", nsx_errname((int)-o[1]));
		}
		printf("\n");
	}
	nsx_exit();
}
