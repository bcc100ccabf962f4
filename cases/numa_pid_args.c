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
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static char *base;
static long page;

static void mark(int id)
{
	char *p = mmap(base + id * page, (size_t)page, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p != base + id * page)
		nsx_fail("mmap at base + %d pages: %s", id, nsx_errname(errno));
	*p = 1;
}

/* p 0: move_pages on c2's page: {result, status}; p 1: migrate_pages. */
static void probe(int p, long n, long *o)
{
	if (p == 0) {
		void *pages[1] = {base + 3 * page};
		int status[1] = {-1};
		o[0] = nsx_rc(syscall(SYS_move_pages, (pid_t)n, 1UL, pages, NULL, status, 0));
		o[1] = status[0];
	} else {
		unsigned long node0[1] = {1};
		o[0] = nsx_rc(syscall(SYS_migrate_pages, (pid_t)n, 64UL, node0, node0));
		o[1] = 0;
	}
}

static void do_probe(const long *arg)
{
	long o[2];
	probe((int)arg[0], arg[1], o);
	NSX_REPLY(o[0], o[1]);
}

static int c2_fn(void *arg)
{
	(void)arg;
	mark(3);
	NSX_SEND("marked", 1);
	nsx_park();
}

static int c_fn(void *arg)
{
	(void)arg;
	mark(2);
	nsx_spawn("c2", NULL, c2_fn, NULL);
	nsx_serve();
}

static int x_fn(void *arg)
{
	(void)arg;
	mark(4);
	nsx_serve();
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
	long o[2];
	probe(1, 0, o);
	if (o[0] == -ENOSYS)
		nsx_skip("migrate_pages: ENOSYS (CONFIG_NUMA, CONFIG_MIGRATION)");
	mark(1);
	int c = nsx_spawn("c", "inner", c_fn, NULL);
	int x = nsx_spawn("x", "sib", x_fn, NULL);
	nsx_recv(-1, "marked");
	int c2 = nsx_find("c2"), inner = nsx_ns_of(c);
	long c2_in = nsx_nr_in(c2, inner), c2_out = nsx_pid(c2), top_out = nsx_pid(0);
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
			if (col[k].caller)
				memcpy(o, nsx_do(col[k].caller, do_probe, p, col[k].n, 0)->v,
				       sizeof(o));
			else
				probe(p, col[k].n, o);
			printf("%s%s", k ? " | " : " ", nsx_res(o[0]));
			if (p == 0 && !o[0]) {
				if (o[1] >= 0)
					printf(" status node %ld", o[1]);
				else
					printf(" status %s", nsx_errname((int)-o[1]));
			}
		}
		printf("\n");
	}
	nsx_exit();
}
