// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * yama_ptracer - prctl(PR_SET_PTRACER, pid) names the task that may trace the
 * caller under Yama's ptrace_scope 1; the pid is looked up in the caller's pid
 * namespace.  Skips on a kernel without Yama (no /proc/sys/kernel/yama:
 * CONFIG_SECURITY_YAMA; prctl() would be EINVAL for every number, found or
 * not).  Changes no machine setting: ptrace_scope is only read by the kernel.
 *
 * Tasks: top (namespace outer); c, the init of namespace inner, and c2 (inner);
 * x, the init of the sibling namespace sib.  The call runs four times:
 *
 *   c  with c2's number in inner               -> 0
 *   c  with top's number in outer              -> EINVAL: no such task in inner
 *   x  with c2's number in inner               -> EINVAL: no such task in sib
 *   top with c2's number in outer              -> 0
 *
 * and then each caller clears its exception (PR_SET_PTRACER 0: 0).
 *
 * The kernel code behind them: security/yama/yama_lsm.c yama_task_prctl():
 * PR_SET_PTRACER with a pid other than 0 and PR_SET_PTRACER_ANY ->
 * find_get_task_by_vpid(arg2) (the caller's namespace, kernel/pid.c), -EINVAL
 * when there is no task, else yama_ptracer_add(tracer, the caller's group
 * leader).  Read on 6.1.192 and 6.12.117.
 */
#include "nsx.h"

#include <errno.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

/* By c, x or top (nsx_by()). */
static void do_set(const long *arg)
{
	NSX_REPLY(nsx_rc(prctl(PR_SET_PTRACER, (unsigned long)arg[0], 0, 0, 0)));
}

NSX_CASE(.family = "pid arguments", .rows = "28.23", .kconfig = "CONFIG_SECURITY_YAMA");

int main(void)
{
	nsx_init("top", "outer");
	if (access("/proc/sys/kernel/yama", F_OK))
		nsx_skip("no Yama: /proc/sys/kernel/yama: %s (CONFIG_SECURITY_YAMA)",
		         nsx_errname(errno));
	struct nsx_scene sc = nsx_scene(NSX_SCENE_PARKED | NSX_SCENE_X);
	long c2_in = nsx_nr_in(sc.c2, sc.inner), c2_out = nsx_pid(sc.c2), top_out = nsx_pid(0);
	struct {
		int caller;
		long n;
	} col[4] = {{sc.c, c2_in}, {sc.c, top_out}, {sc.x, c2_in}, {sc.top, c2_out}};

	printf("# yama_ptracer: PR_SET_PTRACER's pid is looked up in the caller's namespace\n");
	for (int k = 0; k < 4; k++) {
		int w = col[k].caller;
		long r = nsx_by(w, do_set, col[k].n, 0, 0)->v[0];
		long r0 = nsx_by(w, do_set, 0, 0, 0)->v[0];
		printf("%-3s PR_SET_PTRACER %s: %s; PR_SET_PTRACER 0: %s\n", nsx_task_name(w),
		       nsx_name(w, col[k].n), nsx_res(r), nsx_res(r0));
	}
	nsx_exit();
}
