// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bpf_pids - the pids BPF hands a program and the one bpf(2) takes: the
 * helper bpf_get_current_pid_tgid() gives the initial namespace's numbers
 * whatever namespace the task is in; bpf_get_ns_current_pid_tgid() gives
 * them in a namespace named by its nsfs device and inode, only the task's
 * own; BPF_TASK_FD_QUERY looks its pid up in the caller's namespace.  Needs
 * root in the initial user namespace (bpf_capable(), capable(CAP_SYS_ADMIN)):
 * skips otherwise, saying so; skips on a kernel without CONFIG_BPF_SYSCALL or
 * BPF_PROG_TYPE_SYSCALL (5.14).
 *
 * Tasks: top (namespace outer) loads a program of type BPF_PROG_TYPE_SYSCALL
 * (run by BPF_PROG_TEST_RUN in the caller's own context) that stores
 * bpf_get_current_pid_tgid() and bpf_get_ns_current_pid_tgid() for the
 * namespace its context names; c, the init of namespace inner, and c2 (inner)
 * run it, each naming its own namespace and then outer.  Numbers print as the
 * task they denote for the task that ran the program: the initial
 * namespace's number of c, a number of no namespace the case knows, is
 * "unknown".
 *
 * The golden lines and the kernel code behind them:
 *
 *   bpf_get_current_pid_tgid(): tgid and pid are the initial namespace's
 *     kernel/bpf/helpers.c: bpf_get_current_pid_tgid() returns
 *     task->tgid << 32 | task->pid, the global numbers.
 *   bpf_get_ns_current_pid_tgid(own namespace): 0, the task's numbers there;
 *   (outer, an ancestor): EINVAL, pid and tgid 0
 *     kernel/bpf/helpers.c: bpf_get_ns_current_pid_tgid() requires
 *     ns_match(&task_active_pid_ns(current)->ns, dev, ino) (fs/nsfs.c: the
 *     inode number and nsfs's s_dev), then task_pid_nr_ns()/task_tgid_nr_ns()
 *     there; anything else clears the buffer and returns -EINVAL.
 *   BPF_TASK_FD_QUERY pid (fd 0, not a perf event or raw tracepoint): a
 *   number of the caller's namespace reaches its task (ENOTSUPP, 524: the
 *   fd is not BPF's); another namespace's number: ENOENT
 *     kernel/bpf/syscall.c: bpf_task_fd_query(): get_pid_task(find_vpid(pid))
 *     -> ENOENT; fget_task(task, fd); neither a bpf link nor a perf event ->
 *     -ENOTSUPP.
 *   Read on 6.1.192 (syscall_prog_func_proto() falls back to
 *   tracing_prog_func_proto(), which has both helpers) and 6.12.117.
 */
#include "nsx.h"
#include "bpf.h"

#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define ENOTSUPP 524 /* the kernel's own, not in errno.h */

static unsigned long long outer_dev, outer_ino;

struct ctx {
	__u64 pid_tgid;        /* out: bpf_get_current_pid_tgid() */
	__u64 dev, ino;        /* in: the pid namespace to ask about */
	__s64 ns_ret;          /* out: bpf_get_ns_current_pid_tgid()'s return */
	__u32 ns_pid, ns_tgid; /* out: its struct bpf_pidns_info */
};

/* Load the program: 0, or -errno. */
static long load(void)
{
	const struct bpf_insn insns[] = {
	        INSN(BPF_ALU64 | BPF_MOV | BPF_X, 6, 1, 0, 0), /* r6 = ctx */
	        INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_get_current_pid_tgid),
	        INSN(BPF_STX | BPF_MEM | BPF_DW, 6, 0, 0, 0),  /* ctx->pid_tgid = r0 */
	        INSN(BPF_LDX | BPF_MEM | BPF_DW, 1, 6, 8, 0),  /* r1 = ctx->dev */
	        INSN(BPF_LDX | BPF_MEM | BPF_DW, 2, 6, 16, 0), /* r2 = ctx->ino */
	        INSN(BPF_ALU64 | BPF_MOV | BPF_X, 3, 10, 0, 0),
	        INSN(BPF_ALU64 | BPF_ADD | BPF_K, 3, 0, 0, -8), /* r3 = fp - 8 */
	        INSN(BPF_ALU64 | BPF_MOV | BPF_K, 4, 0, 0, 8),
	        INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_get_ns_current_pid_tgid),
	        INSN(BPF_STX | BPF_MEM | BPF_DW, 6, 0, 24, 0), /* ctx->ns_ret = r0 */
	        INSN(BPF_LDX | BPF_MEM | BPF_DW, 1, 10, -8, 0),
	        INSN(BPF_STX | BPF_MEM | BPF_DW, 6, 1, 32, 0), /* ctx->ns_pid/tgid */
	        INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0),
	        INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	return bpf_load(BPF_PROG_TYPE_SYSCALL, 0, 0, BPF_F_SLEEPABLE, insns,
	                sizeof(insns) / sizeof(insns[0]));
}

static void own_ns(unsigned long long *dev, unsigned long long *ino)
{
	struct stat st;
	NSX_TRY(stat("/proc/self/ns/pid", &st));
	*dev = st.st_dev;
	*ino = st.st_ino;
}

/* BPF_TASK_FD_QUERY of pid arg[0]: {result}. */
static void do_query(const long *arg)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.task_fd_query.pid = (__u32)arg[0];
	a.task_fd_query.fd = 0;
	NSX_REPLY(sys_bpf(BPF_TASK_FD_QUERY, &a) ? -errno : 0);
}

/* Run the program asking about the caller's own namespace (arg[0] 1) or
 * outer: {result, pid_tgid, ns_ret, ns_pid, ns_tgid}. */
static void do_run(const long *arg)
{
	struct ctx x = {.dev = outer_dev, .ino = outer_ino};
	union bpf_attr a;
	if (arg[0])
		own_ns(&x.dev, &x.ino);
	memset(&a, 0, sizeof(a));
	a.test.prog_fd = (__u32)bpf_prog;
	a.test.ctx_in = (unsigned long)&x;
	a.test.ctx_size_in = sizeof(x);
	long r = sys_bpf(BPF_PROG_TEST_RUN, &a) ? -errno : 0;
	NSX_REPLY(r, (long)x.pid_tgid, (long)x.ns_ret, x.ns_pid, x.ns_tgid);
}

static const char *res(long r)
{
	return r == -ENOTSUPP ? "ENOTSUPP" : nsx_res(r);
}

NSX_CASE(.family = "Kernel threads, fault handlers and side channels", .rows = "18.1 18.2 28.24",
         .kconfig = "CONFIG_BPF_SYSCALL", .root = "bpf_capable() and CAP_SYS_ADMIN there");

int main(void)
{
	nsx_init("top", "outer");
	own_ns(&outer_dev, &outer_ino);
	long r = load();
	if (r == -EINVAL && !bpf_log[0])
		nsx_skip("BPF_PROG_TYPE_SYSCALL refused: EINVAL with no verifier log (5.14+)");
	if (r)
		nsx_fail("BPF_PROG_LOAD: %s: %s", nsx_errname((int)-r), bpf_log);
	struct nsx_scene s = nsx_scene(NSX_SCENE_C2);
	int c = s.c, c2 = s.c2, inner = s.inner;
	printf("# bpf_pids: BPF's pid helpers run by tasks of inner, and BPF_TASK_FD_QUERY's pid; "
	       "names as the task that ran it sees them\n");
	int who[2] = {c, c2};
	for (int k = 0; k < 2; k++) {
		int w = who[k];
		const char *wn = nsx_task_name(w);
		for (int own = 1; own >= 0; own--) {
			const long *o = nsx_do(w, do_run, own, 0, 0)->v;
			NSX_TRY_NEG(o[0]); /* BPF_PROG_TEST_RUN */
			if (own)
				printf("%-2s bpf_get_current_pid_tgid(): tgid=%s pid=%s\n", wn,
				       nsx_name(w, (long)((unsigned long)o[1] >> 32)),
				       nsx_name(w, (long)(o[1] & 0xffffffff)));
			printf("%-2s bpf_get_ns_current_pid_tgid(%s): %s pid=%s tgid=%s\n", wn,
			       own ? "its own namespace, inner" : "outer", nsx_res(o[2]),
			       nsx_name(w, o[3]), nsx_name(w, o[4]));
		}
	}
	printf("c  BPF_TASK_FD_QUERY pid %s: %s; pid %s: %s\n", nsx_name(c, nsx_nr_in(c2, inner)),
	       res(nsx_do(c, do_query, nsx_nr_in(c2, inner), 0, 0)->v[0]), nsx_name(c, nsx_pid(0)),
	       res(nsx_do(c, do_query, nsx_pid(0), 0, 0)->v[0]));
	printf("top BPF_TASK_FD_QUERY pid %s: %s\n", nsx_name(0, nsx_pid(c2)),
	       res(nsx_by(0, do_query, nsx_pid(c2), 0, 0)->v[0]));
	nsx_exit();
}
