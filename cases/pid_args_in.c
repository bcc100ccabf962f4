// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pid_args_in - system calls that take a pid argument and look it up in the
 * caller's pid namespace: a number that means a task only in another
 * namespace is ESRCH, never another task; the right number reaches the right
 * task.
 *
 * Tasks: top (namespace outer); c, the init of namespace inner, and c2, a
 * process of inner; x, the init of the sibling namespace sib.  Each task marks
 * itself with an identity of its own (top 1, c 2, c2 3, x 4): RLIMIT_NOFILE's
 * soft limit 100+id, nice id, I/O priority best-effort level id, a robust
 * list head at robust_heads[id], capability 26+id dropped from its effective
 * set, and its name in a global variable.  Every call below runs four times,
 * one column each:
 *
 *   c  with c2's number in inner (2)             -> 0, and it reaches c2
 *   c  with top's number in outer (far above 2)   -> ESRCH: no such number in inner
 *   x  with c2's number in inner (2)              -> ESRCH: no such number in sib
 *   top with c2's number in outer                 -> 0, and it reaches c2
 *
 * and prints the result and whose identity it read.  The golden lines and the
 * kernel code behind them (each looks the number up with find_task_by_vpid()
 * or find_vpid(), i.e. in task_active_pid_ns(current), kernel/pid.c):
 *
 *   sched_setscheduler(SCHED_BATCH), then sched_getscheduler: c2 SCHED_BATCH
 *     kernel/sched/core.c: do_sched_setscheduler() and
 *     sys_sched_getscheduler() -> find_process_by_pid() -> find_task_by_vpid().
 *   sched_getaffinity: ok (the mask's size)
 *     kernel/sched/core.c: sched_getaffinity() -> find_process_by_pid().
 *   prlimit64(RLIMIT_NOFILE): c2's soft limit
 *     kernel/sys.c: prlimit64 -> find_task_by_vpid().
 *   getpriority(PRIO_PROCESS): c2's nice
 *     kernel/sys.c: getpriority() -> find_task_by_vpid().
 *   ioprio_get(IOPRIO_WHO_PROCESS): c2's level
 *     block/ioprio.c: ioprio_get() -> find_task_by_vpid().
 *   process_vm_readv: c2's name, read from its memory
 *     mm/process_vm_access.c: process_vm_rw_core() -> find_get_task_by_vpid().
 *   get_robust_list: c2's head
 *     kernel/futex/syscalls.c: get_robust_list() -> find_task_by_vpid().
 *   capget: c2's effective set
 *     kernel/capability.c: cap_get_target_pid() -> find_task_by_vpid().
 *   kcmp(KCMP_VM) against c2: same
 *     kernel/kcmp.c: kcmp() -> find_task_by_vpid() for both numbers.
 *   clock_gettime() on the process CPU clock of a pid (the raw syscall:
 *   glibc's clock_getcpuclockid() turns EINVAL into ESRCH): 0 | EINVAL |
 *   EINVAL | 0
 *     kernel/time/posix-cpu-timers.c: pid_for_clock() -> find_vpid(); no
 *     task behind the number is EINVAL here, not ESRCH.
 *   getpriority(PRIO_USER, getuid()): c: c, x: x; ioprio_get(
 *   IOPRIO_WHO_USER, getuid()): c: c, x: x (the lowest nice, the best
 *   best-effort level: whose identity that is)
 *     kernel/sys.c getpriority() and block/ioprio.c ioprio_get(): for a uid
 *     they take every thread of that uid with task_pid_vnr(p) != 0, the
 *     tasks the caller can see: c sees c and c2 (nice 2 and 3), x only
 *     itself; top (nice 1, level 1, the same uid) is in neither namespace.
 *   setpgid(pid, pid): c on its child c2: 0; the others ESRCH (top is not
 *   c2's parent: setpgid() moves only the caller or its own children)
 *     kernel/sys.c: setpgid() -> find_task_by_vpid(), then ESRCH unless the
 *     task is the caller or a child of the caller's thread group.
 */
#include "nsx.h"

#include <errno.h>
#include <linux/capability.h>
#include <linux/futex.h>
#include <linux/kcmp.h>
#include <sched.h>
#include <time.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define IOPRIO_CLASS_BE    2
#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_WHO_USER    3
#define CAP_BASE           26 /* identity id drops capability CAP_BASE+id from its effective set */

static const char *const ids[] = {"another task", "top", "c", "c2", "x"};
static struct robust_list_head robust_heads[8];
static char ident[NSX_NAME_LEN];

/* Give the calling task identity arg[0]. */
static void mark(const long *arg)
{
	int id = (int)arg[0];
	struct rlimit r;
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	snprintf(ident, sizeof(ident), "%s", ids[id]);
	NSX_TRY(getrlimit(RLIMIT_NOFILE, &r));
	r.rlim_cur = 100 + (rlim_t)id;
	robust_heads[id].list.next = &robust_heads[id].list;
	NSX_TRY(syscall(SYS_capget, &h, d));
	d[0].effective &= ~(1u << (CAP_BASE + id));
	NSX_TRY(syscall(SYS_capset, &h, d));
	NSX_TRY(setrlimit(RLIMIT_NOFILE, &r));
	NSX_TRY(setpriority(PRIO_PROCESS, 0, id));
	NSX_TRY(syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, (IOPRIO_CLASS_BE << 13) | id));
	NSX_TRY(syscall(SYS_set_robust_list, &robust_heads[id], sizeof(robust_heads[id])));
	NSX_REPLY(0);
}

/* The probes, actions with the number arg[0] (and c2's number in the
 * caller's namespace, arg[1], for kcmp): each replies {0 or -errno, what it
 * read or -1}.  r is nsx_rc() or nsx_val() of the call. */
static void answer(long r, long read)
{
	NSX_REPLY(r < 0 ? r : 0, r < 0 ? -1 : read);
}

static void p_setsched(const long *a)
{
	struct sched_param sp = {0};
	answer(nsx_rc(sched_setscheduler((pid_t)a[0], SCHED_BATCH, &sp)), -1);
}

static void p_getsched(const long *a)
{
	long r = nsx_val(sched_getscheduler((pid_t)a[0]));
	answer(r, r);
}

static void p_affinity(const long *a)
{
	cpu_set_t set;
	answer(nsx_rc(syscall(SYS_sched_getaffinity, (pid_t)a[0], sizeof(set), &set)), -1);
}

static void p_prlimit(const long *a)
{
	struct rlimit r = {0};
	long rc = nsx_rc(prlimit((pid_t)a[0], RLIMIT_NOFILE, NULL, &r));
	answer(rc, (long)r.rlim_cur - 100);
}

static void p_priority(const long *a)
{
	errno = 0;
	long id = getpriority(PRIO_PROCESS, (id_t)a[0]);
	NSX_REPLY(-errno, id);
}

static void p_ioprio(const long *a)
{
	long r = nsx_val(syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, (int)a[0]));
	answer(r, r & 0xff);
}

static void p_vm_readv(const long *a)
{
	char buf[NSX_NAME_LEN] = "";
	struct iovec lo = {buf, sizeof(buf) - 1}, re = {ident, sizeof(buf) - 1};
	long r = nsx_rc(process_vm_readv((pid_t)a[0], &lo, 1, &re, 1, 0)), id = 0;
	for (int i = 1; i < 5; i++)
		if (!strcmp(ids[i], buf))
			id = i;
	answer(r, id);
}

static void p_robust(const long *a)
{
	struct robust_list_head *head = NULL;
	size_t len = 0;
	long r = nsx_rc(syscall(SYS_get_robust_list, (int)a[0], &head, &len));
	answer(r, r ? -1 : (long)(head - robust_heads));
}

static void p_capget(const long *a)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, (int)a[0]};
	struct __user_cap_data_struct d[2];
	long r = nsx_rc(syscall(SYS_capget, &h, d)), id = -1;
	for (int i = 1; !r && i < 6; i++)
		if (!(d[0].effective & (1u << (CAP_BASE + i))))
			id = i;
	answer(r, id);
}

static void p_kcmp(const long *a)
{
	long r = nsx_val(syscall(SYS_kcmp, (pid_t)a[0], (pid_t)a[1], KCMP_VM, 0, 0));
	answer(r, r != 0);
}

static void p_cpuclock(const long *a) /* the raw syscall: glibc turns EINVAL into ESRCH */
{
	struct timespec ts;
	clockid_t ck =
	        (clockid_t)((~(unsigned)a[0]) << 3 | 2); /* MAKE_PROCESS_CPUCLOCK(n, SCHED) */
	answer(nsx_rc(syscall(SYS_clock_gettime, ck, &ts)), -1);
}

static void p_setpgid(const long *a)
{
	answer(nsx_rc(setpgid((pid_t)a[0], (pid_t)a[0])), -1);
}

static void p_prio_user(const long *a NSX_UNUSED) /* glibc returns the lowest nice of them */
{
	errno = 0;
	long id = getpriority(PRIO_USER, getuid());
	NSX_REPLY(-errno, id);
}

/* the best of them; the level of a best-effort one */
static void p_ioprio_user(const long *a NSX_UNUSED)
{
	long r = nsx_val(syscall(SYS_ioprio_get, IOPRIO_WHO_USER, (int)getuid()));
	answer(r, (r >> 13) == IOPRIO_CLASS_BE ? (r & 0xff) : 0);
}

/* What a probe read, shown as: */
enum { NOTHING, IDENTITY, POLICY, SAME };
struct probe {
	const char *name;
	nsx_action fn;
	int shows;
};
static const struct probe probes[] = {
        {"sched_setscheduler(SCHED_BATCH)", p_setsched, NOTHING},
        {"sched_getscheduler", p_getsched, POLICY},
        {"sched_getaffinity", p_affinity, NOTHING},
        {"prlimit64(RLIMIT_NOFILE)", p_prlimit, IDENTITY},
        {"getpriority", p_priority, IDENTITY},
        {"ioprio_get", p_ioprio, IDENTITY},
        {"process_vm_readv", p_vm_readv, IDENTITY},
        {"get_robust_list", p_robust, IDENTITY},
        {"capget", p_capget, IDENTITY},
        {"kcmp(KCMP_VM) with c2", p_kcmp, SAME},
        {"clock_gettime(CPU clock of pid)", p_cpuclock, NOTHING},
        {"setpgid(pid, pid)", p_setpgid, NOTHING},
};
static const struct probe by_uid[] = {
        /* no pid argument: asked by c and x alone */
        {"getpriority(PRIO_USER, getuid())", p_prio_user, IDENTITY},
        {"ioprio_get(IOPRIO_WHO_USER, getuid())", p_ioprio_user, IDENTITY},
};

/* A probe's answer: its result, and what it read, as p shows it. */
static const char *answer_str(const struct probe *p, const long *o)
{
	long id = o[1];
	return nsx_fmt("%s%s%s", nsx_res(o[0]), id < 0 || p->shows == NOTHING ? "" : " ",
	               id < 0 || p->shows == NOTHING ? ""
	               : p->shows == POLICY          ? (id == SCHED_BATCH   ? "SCHED_BATCH"
	                                                : id == SCHED_OTHER ? "SCHED_OTHER"
	                                                                    : "another policy")
	               : p->shows == SAME            ? (id ? "different" : "same")
	                                             : ids[id >= 1 && id <= 4 ? id : 0]);
}

NSX_CASE(.family = "pid arguments", .rows = "28.4 28.5 28.6 28.7 28.8 28.9 28.10 28.11 28.12 28.22",
         .kconfig = "CONFIG_BLOCK CONFIG_CROSS_MEMORY_ATTACH");

int main(void)
{
	nsx_init("top", "outer");
	struct nsx_scene s = nsx_scene(NSX_SCENE_C2 | NSX_SCENE_X);
	int c = s.c, x = s.x, marked[] = {s.top, c, s.c2, x};
	for (int i = 0; i < 4; i++)
		nsx_by(marked[i], mark, i + 1, 0, 0);
	long c2_in = nsx_nr_in(s.c2, s.inner), c2_out = nsx_pid(s.c2), top_out = nsx_pid(s.top);
	const struct {
		int caller;
		long n, n_c2;
	} col[4] = {
	        {c, c2_in, c2_in}, {c, top_out, c2_in}, {x, c2_in, c2_in}, {s.top, c2_out, c2_out}};

	printf("# pid_args_in: a pid argument is looked up in the caller's namespace\n");
	printf("# columns: the caller with the number (named for the caller): the result and "
	       "whose identity it read\n");
	printf("%-32s c with %s | c with %s | x with %s | top with %s\n", "call",
	       nsx_name(c, c2_in), nsx_name(c, top_out), nsx_name(x, c2_in),
	       nsx_name(s.top, c2_out));
	for (size_t p = 0; p < sizeof(probes) / sizeof(probes[0]); p++) {
		printf("%-32s", probes[p].name);
		for (int k = 0; k < 4; k++) {
			const long *o =
			        nsx_by(col[k].caller, probes[p].fn, col[k].n, col[k].n_c2, 0)->v;
			printf("%s%s", k ? " | " : " ", answer_str(&probes[p], o));
		}
		printf("\n");
	}
	printf("# every task of the caller's uid, asked by c (inner) and x (sib); top, outside "
	       "both, has the lowest nice and level\n");
	for (int p = 0; p < 2; p++) {
		const char *by_c = answer_str(&by_uid[p], nsx_do(c, by_uid[p].fn, 0, 0, 0)->v);
		printf("%-38s c: %s | x: %s\n", by_uid[p].name, by_c,
		       answer_str(&by_uid[p], nsx_do(x, by_uid[p].fn, 0, 0, 0)->v));
	}
	nsx_exit();
}
