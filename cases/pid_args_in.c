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

enum {
	P_SETSCHED,
	P_GETSCHED,
	P_AFFINITY,
	P_PRLIMIT,
	P_PRIORITY,
	P_IOPRIO,
	P_VM_READV,
	P_ROBUST,
	P_CAPGET,
	P_KCMP,
	P_CPUCLOCK,
	P_SETPGID,
	P_N,
	P_PRIO_USER = P_N, /* no pid argument: asked by c and x alone */
	P_IOPRIO_USER,
	P_ALL
};
static const char *const probe_names[P_ALL] = {"sched_setscheduler(SCHED_BATCH)",
                                               "sched_getscheduler",
                                               "sched_getaffinity",
                                               "prlimit64(RLIMIT_NOFILE)",
                                               "getpriority",
                                               "ioprio_get",
                                               "process_vm_readv",
                                               "get_robust_list",
                                               "capget",
                                               "kcmp(KCMP_VM) with c2",
                                               "clock_gettime(CPU clock of pid)",
                                               "setpgid(pid, pid)",
                                               "getpriority(PRIO_USER, getuid())",
                                               "ioprio_get(IOPRIO_WHO_USER, getuid())"};

#define IOPRIO_CLASS_BE    2
#define IOPRIO_WHO_PROCESS 1
#define IOPRIO_WHO_USER    3
#define CAP_BASE           26 /* identity id drops capability CAP_BASE+id from its effective set */

static struct robust_list_head robust_heads[8];
static char ident[NSX_NAME_LEN];

static void caps(int pid, struct __user_cap_data_struct d[2], int set)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, pid};
	if (syscall(set ? SYS_capset : SYS_capget, &h, d))
		nsx_fail("%s: %s", set ? "capset" : "capget", nsx_errname(errno));
}

/* Give the calling task identity id. */
static void mark(int id, const char *name)
{
	struct rlimit r;
	struct __user_cap_data_struct d[2];
	snprintf(ident, sizeof(ident), "%s", name);
	if (getrlimit(RLIMIT_NOFILE, &r))
		nsx_fail("getrlimit: %s", nsx_errname(errno));
	r.rlim_cur = 100 + (rlim_t)id;
	robust_heads[id].list.next = &robust_heads[id].list;
	caps(0, d, 0);
	d[0].effective &= ~(1u << (CAP_BASE + id));
	caps(0, d, 1);
	if (setrlimit(RLIMIT_NOFILE, &r) || setpriority(PRIO_PROCESS, 0, id) ||
	    syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, (IOPRIO_CLASS_BE << 13) | id) ||
	    syscall(SYS_set_robust_list, &robust_heads[id], sizeof(robust_heads[id])))
		nsx_fail("marking %s: %s", name, nsx_errname(errno));
}

/* Probe p with number n (and c2's number in the caller's namespace, for
 * kcmp): {result (0 or -errno), identity read or -1}. */
static void probe(int p, long n, long n_c2, long out[2])
{
	struct rlimit r;
	struct iovec lo, re;
	char buf[NSX_NAME_LEN] = "";
	struct robust_list_head *head = NULL;
	size_t len = 0;
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, (int)n};
	struct __user_cap_data_struct d[2];
	struct sched_param sp = {0};
	cpu_set_t set;
	long r0 = 0, id = -1;

	switch (p) {
	case P_SETSCHED:
		r0 = nsx_rc(sched_setscheduler((pid_t)n, SCHED_BATCH, &sp));
		break;
	case P_GETSCHED:
		r0 = sched_getscheduler((pid_t)n);
		id = r0 >= 0 ? r0 : -1;
		r0 = r0 >= 0 ? 0 : -errno;
		break;
	case P_AFFINITY:
		r0 = syscall(SYS_sched_getaffinity, (pid_t)n, sizeof(set), &set);
		r0 = r0 > 0 ? 0 : -errno;
		break;
	case P_PRLIMIT:
		r0 = nsx_rc(prlimit((pid_t)n, RLIMIT_NOFILE, NULL, &r));
		id = r0 ? -1 : (long)r.rlim_cur - 100;
		break;
	case P_PRIORITY:
		errno = 0;
		id = getpriority(PRIO_PROCESS, (id_t)n);
		r0 = errno ? -errno : 0;
		break;
	case P_IOPRIO:
		r0 = syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS, (int)n);
		id = r0 >= 0 ? (r0 & 0xff) : -1;
		r0 = r0 >= 0 ? 0 : -errno;
		break;
	case P_VM_READV:
		lo = (struct iovec){buf, sizeof(buf) - 1};
		re = (struct iovec){ident, sizeof(buf) - 1};
		r0 = process_vm_readv((pid_t)n, &lo, 1, &re, 1, 0) < 0 ? -errno : 0;
		if (!r0) {
			int t = -1;
			for (int i = 0; i < nsx_ntasks(); i++)
				if (!strcmp(nsx_task_name(i), buf))
					t = i;
			id = t < 0 ? 99 : 1000 + t; /* a task index, told apart below */
		}
		break;
	case P_ROBUST:
		r0 = syscall(SYS_get_robust_list, (int)n, &head, &len) ? -errno : 0;
		id = r0 ? -1 : (long)(head - robust_heads);
		break;
	case P_CAPGET:
		r0 = syscall(SYS_capget, &h, d) ? -errno : 0;
		if (!r0)
			for (int i = 1; i < 6; i++)
				if (!(d[0].effective & (1u << (CAP_BASE + i))))
					id = i;
		break;
	case P_CPUCLOCK: { /* the raw syscall: glibc turns EINVAL into ESRCH */
		struct timespec ts;
		clockid_t ck =
		        (clockid_t)((~(unsigned)n) << 3 | 2); /* MAKE_PROCESS_CPUCLOCK(n, SCHED) */
		r0 = nsx_rc(syscall(SYS_clock_gettime, ck, &ts));
		break;
	}
	case P_SETPGID:
		r0 = nsx_rc(setpgid((pid_t)n, (pid_t)n));
		break;
	case P_PRIO_USER: /* glibc returns the lowest nice of them */
		errno = 0;
		id = getpriority(PRIO_USER, getuid());
		r0 = errno ? -errno : 0;
		break;
	case P_IOPRIO_USER: /* the best of them; the level of a best-effort one */
		r0 = syscall(SYS_ioprio_get, IOPRIO_WHO_USER, (int)getuid());
		id = r0 >= 0 && (r0 >> 13) == IOPRIO_CLASS_BE ? (r0 & 0xff) : 0;
		r0 = r0 >= 0 ? 0 : -errno;
		break;
	case P_KCMP:
		r0 = syscall(SYS_kcmp, (pid_t)n, (pid_t)n_c2, KCMP_VM, 0, 0);
		id = r0 >= 0 ? (r0 == 0 ? 0 : 1) : -1;
		r0 = r0 >= 0 ? 0 : -errno;
		break;
	}
	out[0] = r0;
	out[1] = id;
}

static void do_probe(const long *arg)
{
	long out[2];
	probe((int)arg[0], arg[1], arg[2], out);
	NSX_REPLY(out[0], out[1]);
}

static int c2_fn(void *arg)
{
	(void)arg;
	mark(3, "c2");
	NSX_SEND("marked", 1);
	nsx_park();
}

static int c_fn(void *arg)
{
	(void)arg;
	mark(2, "c");
	nsx_spawn("c2", NULL, c2_fn, NULL);
	nsx_serve();
}

static int x_fn(void *arg)
{
	(void)arg;
	mark(4, "x");
	nsx_serve();
}

/* Whose identity a probe read, as the task's name. */
static const char *whose(int p, long id)
{
	static const char *const by_id[] = {"?", "top", "c", "c2", "x"};
	static char bufs[4][64];
	static int r;
	char *b = bufs[r++ % 4];
	if (id < 0)
		return "";
	if (p == P_GETSCHED)
		snprintf(b, 64, " %s",
		         id == SCHED_BATCH   ? "SCHED_BATCH"
		         : id == SCHED_OTHER ? "SCHED_OTHER"
		                             : "another policy");
	else if (p == P_KCMP)
		snprintf(b, 64, " %s", id ? "different" : "same");
	else if (p == P_VM_READV)
		snprintf(b, 64, " %s",
		         id >= 1000 ? nsx_task_name(id - 1000) : "another task's memory");
	else
		snprintf(b, 64, " %s", id >= 1 && id <= 4 ? by_id[id] : "another task");
	return b;
}

NSX_CASE(.family = "pid arguments", .rows = "28.4 28.5 28.6 28.7 28.8 28.9 28.10 28.11 28.12 28.22",
         .kconfig = "CONFIG_BLOCK CONFIG_CROSS_MEMORY_ATTACH");

int main(void)
{
	nsx_init("top", "outer");
	mark(1, "top");
	int c = nsx_spawn("c", "inner", c_fn, NULL);
	int x = nsx_spawn("x", "sib", x_fn, NULL);
	nsx_recv(-1, "marked"); /* from c2 */
	int c2 = nsx_find("c2"), top = nsx_find("top");
	int inner = nsx_ns_of(c);
	long c2_in = nsx_nr_in(c2, inner), c2_out = nsx_pid(c2), top_out = nsx_pid(top);
	struct {
		int caller;
		long n, n_c2;
	} col[4] = {{c, c2_in, c2_in}, {c, top_out, c2_in}, {x, c2_in, c2_in}, {0, c2_out, c2_out}};

	printf("# pid_args_in: a pid argument is looked up in the caller's namespace\n");
	printf("# columns: the caller with the number (named for the caller): the result and "
	       "whose identity it read\n");
	printf("%-32s c with %s | c with %s | x with %s | top with %s\n", "call",
	       nsx_name(c, c2_in), nsx_name(c, top_out), nsx_name(x, c2_in), nsx_name(0, c2_out));
	for (int p = 0; p < P_N; p++) {
		char line[512];
		int len = snprintf(line, sizeof(line), "%-32s", probe_names[p]);
		for (int k = 0; k < 4; k++) {
			long out[2];
			if (col[k].caller)
				memcpy(out,
				       nsx_do(col[k].caller, do_probe, p, col[k].n, col[k].n_c2)->v,
				       sizeof(out));
			else
				probe(p, col[k].n, col[k].n_c2, out);
			len += snprintf(line + len, sizeof(line) - (size_t)len, "%s%s%s",
			                k ? " | " : " ", nsx_res(out[0]), whose(p, out[1]));
		}
		printf("%s\n", line);
	}
	printf("# every task of the caller's uid, asked by c (inner) and x (sib); top, outside "
	       "both, has the lowest nice and level\n");
	for (int p = P_PRIO_USER; p < P_ALL; p++) {
		long oc[2], ox[2];
		memcpy(oc, nsx_do(c, do_probe, p, 0, 0)->v, sizeof(oc));
		memcpy(ox, nsx_do(x, do_probe, p, 0, 0)->v, sizeof(ox));
		printf("%-38s c: %s%s | x: %s%s\n", probe_names[p], nsx_res(oc[0]), whose(p, oc[1]),
		       nsx_res(ox[0]), whose(p, ox[1]));
	}
	nsx_exit();
}
