// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bpf_task_iter - BPF's task iterator walks the pid namespace of whoever
 * creates the iterator (BPF_ITER_CREATE), and a link's tid is a number of
 * that namespace too; but a link made from a pidfd stores the pidfd's task
 * as a number of the *link creator's* namespace: another namespace's
 * iterator over that link visits whichever of its own tasks has that number.
 * Needs root in the initial user namespace (loading a tracing program:
 * bpf_capable() and perfmon_capable()); skips without bpf() or without
 * vmlinux BTF (/sys/kernel/btf/vmlinux: CONFIG_DEBUG_INFO_BTF, which make
 * vm's own kernels leave out; Debian's kernels and 6.18.44 as observed have it).
 *
 * The program (BPF_TRACE_ITER on "bpf_iter_task", written here with the
 * offsets of task_struct's tgid, pid and comm read from vmlinux BTF) writes
 * each visited task's global tgid, tid and comm to the iterator's output.
 * Every task sets its comm to its task name, so the output reads as names.
 *
 * Tasks: top (namespace outer); c, the init of namespace inner, with c2 and
 * c3 (inner); c sets inner's ns_last_pid before it spawns c3 so that c3's
 * number in inner is c2's in outer (the first line says whether it is).  Numbers print as the
 * reader names them (global numbers, of no namespace the case knows, as
 * "unknown").
 *
 * The golden lines and the kernel code behind them (kernel/bpf/task_iter.c,
 * 6.1.192; bpf_iter.c):
 *
 *   top's iterator over all tasks: top c c2 c3; c's: c c2 c3
 *     init_seq_pidns() (at BPF_ITER_CREATE -> prepare_seq_file()):
 *     common->ns = task_active_pid_ns(current); task_seq_get_next() walks
 *     find_ge_pid(*tid, common->ns), i.e. that namespace's tasks in the
 *     order of their numbers there.  The program's tgid and tid are
 *     task->tgid and task->pid, global numbers.
 *   c's link with tid = c2's number in inner: link info tid c2, its
 *   iterator visits c2
 *     bpf_iter_attach_task() stores linfo->task.tid as given;
 *     bpf_iter_fill_link_info() returns it as stored; task_seq_get_next()
 *     (BPF_TASK_ITER_TID) looks it up with find_pid_ns(common->pid,
 *     common->ns).
 *   top's link with pid_fd = a pidfd of c2: link info pid c2 (outer's
 *   number); top's iterator visits c2; c's iterator over the same link
 *   (the link fd passed to it) visits c3
 *     bpf_iter_attach_task(): aux->task.pid = pid_nr_ns(pid,
 *     task_active_pid_ns(current)), the link creator's number;
 *     task_group_seq_get_next() then finds that number in the iterator
 *     creator's namespace.
 */
#include "nsx.h"
#include "bpf.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/btf.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BTF_PATH "/sys/kernel/btf/vmlinux"

static int sv[2] = {-1, -1};

/* --- vmlinux BTF: a FUNC's id and task_struct's member offsets ----------- */

struct btf_info {
	int iter_task_id;                /* FUNC bpf_iter_task */
	int off_tgid, off_pid, off_comm; /* bytes into task_struct */
};

static size_t btf_extra(const struct btf_type *t)
{
	unsigned vlen = BTF_INFO_VLEN(t->info);
	switch (BTF_INFO_KIND(t->info)) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		return 4;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_DATASEC:
	case 19: /* BTF_KIND_ENUM64 (6.0) */
		return vlen * 12;
	case BTF_KIND_ENUM:
	case BTF_KIND_FUNC_PROTO:
		return vlen * 8;
	default:
		return 0;
	}
}

/* 0, or why not (a static string). */
static const char *btf_read(struct btf_info *bi)
{
	static char buf[16 << 20];
	int fd = open(BTF_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return "open";
	size_t n = 0;
	ssize_t r;
	while (n < sizeof(buf) && (r = read(fd, buf + n, sizeof(buf) - n)) > 0)
		n += (size_t)r;
	close(fd);
	const struct btf_header *h = (const void *)buf;
	if (n < sizeof(*h) || h->magic != BTF_MAGIC || n == sizeof(buf))
		return "not BTF, or too large";
	const char *types = buf + h->hdr_len + h->type_off;
	const char *strs = buf + h->hdr_len + h->str_off;
	*bi = (struct btf_info){.off_tgid = -1, .off_pid = -1, .off_comm = -1};
	int id = 1;
	for (const char *p = types; p < types + h->type_len; id++) {
		const struct btf_type *t = (const void *)p;
		const char *name = strs + t->name_off;
		unsigned kind = BTF_INFO_KIND(t->info);
		if (kind == BTF_KIND_FUNC && !strcmp(name, "bpf_iter_task"))
			bi->iter_task_id = id;
		if (kind == BTF_KIND_STRUCT && !strcmp(name, "task_struct") && bi->off_pid < 0) {
			const struct btf_member *m = (const void *)(t + 1);
			for (unsigned i = 0; i < BTF_INFO_VLEN(t->info); i++) {
				const char *mn = strs + m[i].name_off;
				unsigned bits = BTF_INFO_KFLAG(t->info)
				                        ? BTF_MEMBER_BIT_OFFSET(m[i].offset)
				                        : m[i].offset;
				if (!strcmp(mn, "tgid"))
					bi->off_tgid = (int)bits / 8;
				else if (!strcmp(mn, "pid"))
					bi->off_pid = (int)bits / 8;
				else if (!strcmp(mn, "comm"))
					bi->off_comm = (int)bits / 8;
			}
		}
		p += sizeof(*t) + btf_extra(t);
	}
	if (!bi->iter_task_id)
		return "no FUNC bpf_iter_task";
	if (bi->off_tgid < 0 || bi->off_pid < 0 || bi->off_comm < 0)
		return "no task_struct tgid, pid or comm";
	return NULL;
}

/* --- the program, links and iterators ------------------------------------ */

static long load(const struct btf_info *bi)
{
	const struct bpf_insn insns[] = {
	        INSN(BPF_LDX | BPF_MEM | BPF_DW, 6, 1, 0, 0), /* r6 = ctx->meta */
	        INSN(BPF_LDX | BPF_MEM | BPF_DW, 7, 1, 8, 0), /* r7 = ctx->task */
	        INSN(BPF_JMP | BPF_JEQ | BPF_K, 7, 0, 16, 0), /* no task: done */
	        INSN(BPF_LDX | BPF_MEM | BPF_DW, 8, 6, 0, 0), /* r8 = meta->seq */
	        INSN(BPF_LDX | BPF_MEM | BPF_W, 2, 7, (short)bi->off_tgid, 0),
	        INSN(BPF_STX | BPF_MEM | BPF_W, 10, 2, -24, 0), /* fp-24: tgid */
	        INSN(BPF_LDX | BPF_MEM | BPF_W, 2, 7, (short)bi->off_pid, 0),
	        INSN(BPF_STX | BPF_MEM | BPF_W, 10, 2, -20, 0), /* fp-20: tid */
	        INSN(BPF_ALU64 | BPF_MOV | BPF_X, 1, 10, 0, 0),
	        INSN(BPF_ALU64 | BPF_ADD | BPF_K, 1, 0, 0, -16), /* r1 = fp-16 */
	        INSN(BPF_ALU64 | BPF_MOV | BPF_K, 2, 0, 0, 16),
	        INSN(BPF_ALU64 | BPF_MOV | BPF_X, 3, 7, 0, 0),
	        INSN(BPF_ALU64 | BPF_ADD | BPF_K, 3, 0, 0, bi->off_comm), /* r3 = task->comm */
	        INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_probe_read_kernel),
	        INSN(BPF_ALU64 | BPF_MOV | BPF_X, 1, 8, 0, 0),
	        INSN(BPF_ALU64 | BPF_MOV | BPF_X, 2, 10, 0, 0),
	        INSN(BPF_ALU64 | BPF_ADD | BPF_K, 2, 0, 0, -24),
	        INSN(BPF_ALU64 | BPF_MOV | BPF_K, 3, 0, 0, 24),
	        INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_seq_write),
	        INSN(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0),
	        INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	return bpf_load(BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, (unsigned)bi->iter_task_id, 0, insns,
	                sizeof(insns) / sizeof(insns[0]));
}

/* A link for the task iterator: tid, or a pidfd; the link fd or -errno. */
static long make_link(unsigned tid, int pid_fd)
{
	union bpf_iter_link_info li;
	union bpf_attr a;
	memset(&li, 0, sizeof(li));
	memset(&a, 0, sizeof(a));
	li.task.tid = tid;
	li.task.pid_fd = (__u32)(pid_fd < 0 ? 0 : pid_fd);
	a.link_create.prog_fd = (__u32)bpf_prog;
	a.link_create.attach_type = BPF_TRACE_ITER;
	if (tid || pid_fd >= 0) {
		a.link_create.iter_info = (unsigned long)&li;
		a.link_create.iter_info_len = sizeof(li);
	}
	long fd = sys_bpf(BPF_LINK_CREATE, &a);
	return fd < 0 ? -errno : fd;
}

/* The link's info: {result, iter.task.tid, iter.task.pid}. */
static void link_info(int link, long *o)
{
	struct bpf_link_info info;
	char target[32];
	union bpf_attr a;
	memset(&info, 0, sizeof(info));
	memset(&a, 0, sizeof(a));
	info.iter.target_name = (unsigned long)target;
	info.iter.target_name_len = sizeof(target);
	a.info.bpf_fd = (__u32)link;
	a.info.info = (unsigned long)&info;
	a.info.info_len = sizeof(info);
	o[0] = sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a) ? -errno : 0;
	o[1] = info.iter.task.tid;
	o[2] = info.iter.task.pid;
}

struct rec {
	uint32_t tgid, tid;
	char comm[16];
};

/*
 * Create an iterator on link and read it: o[0] = result or number of tasks
 * (up to 5), then per task tgid, tid and its comm as a task index (-1 when
 * it is no task's name).
 */
static void iterate(int link, long *o)
{
	union bpf_attr a;
	struct rec rec[8];
	memset(&a, 0, sizeof(a));
	a.iter_create.link_fd = (__u32)link;
	int fd = (int)sys_bpf(BPF_ITER_CREATE, &a);
	o[0] = 0;
	if (fd < 0) {
		o[0] = -errno;
		return;
	}
	size_t n = 0;
	ssize_t r;
	while (n < sizeof(rec) && (r = read(fd, (char *)rec + n, sizeof(rec) - n)) > 0)
		n += (size_t)r;
	close(fd);
	for (size_t i = 0; i < n / sizeof(rec[0]) && i < 5; i++) {
		rec[i].comm[15] = 0;
		o[1 + 3 * i] = rec[i].tgid;
		o[2 + 3 * i] = rec[i].tid;
		o[3 + 3 * i] = nsx_lookup(rec[i].comm);
		o[0]++;
	}
}

/* Iterate over every task, through a link of the caller's own (arg[0] 0)
 * or the link top passes (1). */
static void do_iter(const long *arg)
{
	long o[16] = {0};
	int l = -1;
	if (arg[0])
		NSX_TRY_NEG(nsx_recv_fds(sv[1], &l, 1));
	else
		l = (int)NSX_TRY_NEG(make_link(0, -1));
	iterate(l, o);
	close(l);
	nsx_send_v("reply", o, 16);
}

/* Through a link for the thread numbered arg[0] in the caller's namespace. */
static void do_link_tid(const long *arg)
{
	long o[16] = {0}, info[3];
	long l = make_link((unsigned)arg[0], -1);
	if (l < 0) {
		NSX_REPLY(l);
		return;
	}
	link_info((int)l, info);
	iterate((int)l, o);
	close((int)l);
	NSX_REPLY(o[0], o[1], o[2], o[3], info[0], info[1], info[2]);
}

/* Set the caller's comm to its task name (the iterator's output reads as names). */
static void do_name(NSX_UNUSED const long *arg)
{
	NSX_REPLY(nsx_rc(prctl(PR_SET_NAME, nsx_task_name(nsx_self()))));
}

/* In c: inner's next number is c2's number in outer (so c3 gets it). */
static void do_last_pid(NSX_UNUSED const long *arg)
{
	long c2_outer = nsx_nr_in(nsx_find("c2"), 0);
	NSX_REPLY(nsx_write_text(AT_FDCWD, "/proc/sys/kernel/ns_last_pid", "%ld", c2_outer - 1));
}

static void show_iter(const char *who, int observer, const char *what, const long *o)
{
	printf("%-3s iterates %s:", who, what);
	if (o[0] < 0)
		printf(" %s", nsx_res(o[0]));
	else if (o[0] == 0)
		printf(" nothing");
	for (long i = 0; i < o[0]; i++) {
		long t = o[3 + 3 * i];
		printf(" %s (tgid %s, tid %s)", t < 0 ? "(not a case task)" : nsx_task_name(t),
		       nsx_name(observer, o[1 + 3 * i]), nsx_name(observer, o[2 + 3 * i]));
	}
	printf("\n");
}

NSX_CASE(.family = "Kernel threads, fault handlers and side channels", .rows = "18.3",
         .kconfig = "CONFIG_DEBUG_INFO_BTF CONFIG_BPF_SYSCALL",
         .root = "loading a BPF tracing program: bpf_capable(), perfmon_capable()",
         .finding =
                 "BPF's task iterator walks the pid namespace of whoever creates the iterator "
                 "(`init_seq_pidns()` at BPF_ITER_CREATE), and a link's `tid` is a number of that "
                 "namespace; but a link made from a `pid_fd` stores the pidfd's task as a number "
                 "of the *link creator's* namespace (`bpf_iter_attach_task()`: `pid_nr_ns(pid, "
                 "task_active_pid_ns(current))`). Handed to a task in a child namespace, the link "
                 "iterates whichever task has that number there: `bpf_task_iter` pins a link made "
                 "for c2 visiting c3.");

int main(void)
{
	nsx_init("top", "outer");
	prctl(PR_SET_NAME, "top");
	struct btf_info bi;
	if (access(BTF_PATH, F_OK))
		nsx_skip("no vmlinux BTF: " BTF_PATH ": %s (CONFIG_DEBUG_INFO_BTF)",
		         nsx_errname(errno));
	const char *why = btf_read(&bi);
	if (why)
		nsx_fail(BTF_PATH ": %s", why);
	long r = load(&bi);
	if (r) {
		fputs(bpf_log, stderr);
		nsx_fail("BPF_PROG_LOAD: %s", nsx_errname((int)-r));
	}
	NSX_TRY(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	int c = nsx_spawn_agent("c", "inner"), c2 = nsx_spawn_agent_by(c, "c2", NULL);
	NSX_TRY_NEG(nsx_do(c, do_last_pid, 0, 0, 0)->v[0]);
	int c3 = nsx_spawn_agent_by(c, "c3", NULL), inner = nsx_ns_of(c);
	for (int k = 0; k < 3; k++)
		NSX_TRY_NEG(nsx_do((int[]){c, c2, c3}[k], do_name, 0, 0, 0)->v[0]);
	printf("# bpf_task_iter: the task iterator walks its creator's namespace; a pidfd "
	       "link's number is its creator's\n");
	printf("c3's number in inner %s c2's in outer\n",
	       nsx_nr_in(c3, inner) == nsx_nr_in(c2, 0) ? "is" : "is not");
	show_iter("top", 0, "all tasks", nsx_by(0, do_iter, 0, 0, 0)->v);
	show_iter("c", c, "all tasks", nsx_do(c, do_iter, 0, 0, 0)->v);

	const long *v = nsx_do(c, do_link_tid, nsx_nr_in(c2, inner), 0, 0)->v;
	printf("c   links tid %s: link info tid %s, pid %ld\n", nsx_name(c, nsx_nr_in(c2, inner)),
	       v[4] < 0 ? nsx_res(v[4]) : nsx_name(c, v[5]), v[6]);
	show_iter("c", c, "its tid link", v);

	long o[16], info[3];
	int pfd = (int)NSX_TRY(syscall(SYS_pidfd_open, nsx_pid(c2), 0));
	int lfd = (int)NSX_TRY_NEG(make_link(0, pfd));
	close(pfd);
	link_info(lfd, info);
	printf("top links pid_fd of c2: link info tid %ld, pid %s\n", info[1],
	       info[0] < 0 ? nsx_res(info[0]) : nsx_name(0, info[2]));
	iterate(lfd, o);
	show_iter("top", 0, "its pid_fd link", o);
	NSX_TRY_NEG(nsx_send_fds(sv[0], &lfd, 1));
	close(lfd);
	show_iter("c", c, "top's pid_fd link", nsx_do(c, do_iter, 1, 0, 0)->v);
	nsx_exit();
}
