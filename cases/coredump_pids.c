// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * coredump_pids - the pids of a core dump taken in a child pid namespace:
 * core_pattern's %p and %i against %P and %I, and the pids in the core's ELF
 * notes.  Guest only: it sets /proc/sys/kernel/core_pattern, which is one for
 * the whole machine (NSX_CASE .guest: it runs under make vm, and skips
 * anywhere else, and in the guest's unprivileged pass, which may not write it).
 *
 * Tasks: top (namespace outer) sets core_pattern to a pipe to this program
 * in helper mode and makes a FIFO in /tmp (which the helper, started by the
 * kernel in the initial namespaces, can open); p is the init of namespace
 * inner and has a second thread pt; pt forks d (inner), so d's parent is the
 * thread pt of the process p.  d calls abort().  The helper opens the FIFO,
 * then writes to it, in one write(), what it got: its arguments, the NSpid
 * of %P read in the initial namespace's proc, and the notes NT_PRSTATUS and
 * NT_PRPSINFO of the core read from its stdin.  core_pattern is put back
 * before the case ends.
 * d writes 0 to its /proc/self/coredump_filter first: the filter decides
 * only which mappings' contents go into the core (fs/coredump.c
 * vma_dump_size()), the notes are written whatever it says, and a core
 * without memory is kilobytes through the pipe instead of megabytes.
 * Numbers print as the task they denote in d's namespace; a global number
 * prints as the task whose NSpid (read by the helper in the initial
 * namespace) ends in d's numbers.
 *
 * Waiting for the helper. A deadline on the helper's report (lib's timeout,
 * NSX_TIMEOUT_MS: half the case's, at most 5 s, from the request that makes
 * d abort) fails under load with "no report from the core_pattern helper":
 * the span is work the case can neither hurry nor watch. fs/coredump.c do_coredump() (6.1, 6.12;
 * vfs_coredump() and coredump_pipe() in 7.2) calls
 * call_usermodehelper_exec(UMH_WAIT_EXEC), which queues the start on
 * system_unbound_wq; kernel/umh.c call_usermodehelper_exec_work() forks the
 * helper with user_mode_thread(), and call_usermodehelper_exec_async() gives
 * it the pipe (umh_coredump_setup()) and kernel_execve()s this program; only
 * then does the binfmt's core_dump, fs/binfmt_elf.c elf_core_dump() (through
 * dump_emit()), write the core into the pipe, and the helper, a dynamically
 * linked program, reads it to its end before it reports. Load stretches all
 * of it and a deadline stays put; and a helper the kernel could not start at
 * all (user_mode_thread() or kernel_execve() failing: do_coredump() logs
 * "Core dump to |%s pipe failed" and dumps nothing) looks the same as a slow
 * one until the deadline. So nothing in it has one: top waits for the FIFO
 * and for d's end together (cases/core_pattern.h: helper_wait). d ends
 * whatever happens (kernel/fork.c pidfd_poll()). Ended without the core
 * flag, no helper is coming, and the case says so at once: coredump_finish()
 * adds 0x80 to the group exit code only when the dump succeeded, which into
 * a pipe it cannot before the helper's exec (top reads the flag in
 * /proc/<d>/stat's exit_code, field 52: fs/proc/array.c do_task_stat(); p
 * never reaps d). With it, the helper runs and has the whole core, and the
 * FIFO's end of file is the helper's end, report or not: it opens the FIFO
 * before anything else (fs/pipe.c pipe_poll(): EPOLLHUP once a writer has
 * come and gone). Load can only make the case slower; the runner's timeout
 * is the one bound left.
 *
 * The golden lines and the kernel code behind them:
 *
 *   %p = d and %i = d, d's numbers in its own namespace; %P and %I = d's
 *   global numbers (the initial namespace's)
 *     fs/coredump.c: format_corename(): %p task_tgid_vnr(current), %i
 *     task_pid_vnr(current) (current is the dumper: its own namespace),
 *     %P task_tgid_nr(current), %I task_pid_nr(current) (global).  The
 *     helper runs in the initial namespace, where %p means nothing, or
 *     another process: %P exists for it.
 *   NT_PRSTATUS and NT_PRPSINFO: pr_pid d, pr_ppid pt (the thread that
 *   forked d, not the process p: d's own getppid() says p), pr_pgrp 0 and
 *   pr_sid 0 (d's process group and session are top's and the runner's,
 *   which have no number in inner)
 *     fs/binfmt_elf.c: fill_prstatus() and fill_psinfo(): task_pid_vnr(p),
 *     task_pid_vnr(rcu_dereference(p->real_parent)) -- the parent *thread's*
 *     id, where getppid() would say p -- task_pgrp_vnr(), task_session_vnr(),
 *     all in the dumper's namespace.
 */
#include "core_pattern.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/procfs.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define HELPER "--core-helper"
#define FIFO   "/tmp/nsxlate-coredump.fifo"

/* --- helper mode: run by the kernel, in the initial namespaces, as root --- */

static size_t read_all(int fd, char *buf, size_t max)
{
	size_t n = 0;
	ssize_t r;
	while (n < max && (r = read(fd, buf + n, max - n)) > 0)
		n += (size_t)r;
	return n;
}

static int helper(int argc, char **argv)
{
	static char core[64 << 20];
	char path[64];
	long pr[4] = {0, 0, 0, 0}, ps[4] = {0, 0, 0, 0};
	if (argc < 7)
		return 1;
	/* The FIFO first: its end of file is then this helper's end, report or
	 * not (cases/core_pattern.h: helper_wait).  Never O_CREAT: a FIFO that is
	 * gone is not replaced by a file in /tmp; never a wait for a reader. */
	int out = open(argv[6], O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (out < 0)
		return 1;
	size_t n = read_all(0, core, sizeof(core));
	snprintf(path, sizeof(path), "/proc/%s/status", argv[4]);
	const char *nspid = nsx_read_field(AT_FDCWD, path, "NSpid");
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)core;
	for (int i = 0; n > sizeof(*eh) && i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph =
		        (const Elf64_Phdr *)(core + eh->e_phoff + (size_t)i * eh->e_phentsize);
		if ((const char *)(ph + 1) > core + n || ph->p_type != PT_NOTE)
			continue;
		for (size_t off = ph->p_offset;
		     off + sizeof(Elf64_Nhdr) <= ph->p_offset + ph->p_filesz &&
		     off + sizeof(Elf64_Nhdr) <= n;) {
			const Elf64_Nhdr *nh = (const Elf64_Nhdr *)(core + off);
			size_t desc = off + sizeof(*nh) + ((nh->n_namesz + 3) & ~3u);
			if (desc + nh->n_descsz > n)
				break;
			if (nh->n_type == NT_PRSTATUS && !pr[0]) {
				const struct elf_prstatus *p = (const void *)(core + desc);
				pr[0] = p->pr_pid, pr[1] = p->pr_ppid, pr[2] = p->pr_pgrp,
				pr[3] = p->pr_sid;
			} else if (nh->n_type == NT_PRPSINFO) {
				const struct elf_prpsinfo *p = (const void *)(core + desc);
				ps[0] = p->pr_pid, ps[1] = p->pr_ppid, ps[2] = p->pr_pgrp,
				ps[3] = p->pr_sid;
			}
			off = desc + ((nh->n_descsz + 3) & ~3u);
		}
	}
	char rep[1024]; /* one write() of less than PIPE_BUF: all of it or nothing */
	int len =
	        snprintf(rep, sizeof(rep), "%s %s %s %s %ld %ld %ld %ld %ld %ld %ld %ld %zu\n%s\n",
	                 argv[2], argv[3], argv[4], argv[5], pr[0], pr[1], pr[2], pr[3], ps[0],
	                 ps[1], ps[2], ps[3], n, nspid);
	return len > 0 && len < (int)sizeof(rep) && write(out, rep, (size_t)len) == len ? 0 : 1;
}

/* --- the case ------------------------------------------------------------ */

static void do_ppid(NSX_UNUSED const long *arg)
{
	NSX_REPLY(getppid());
}

/* d: a core, by abort(). */
static void do_dump(NSX_UNUSED const long *arg)
{
	struct rlimit r = {RLIM_INFINITY, RLIM_INFINITY};
	setrlimit(RLIMIT_CORE, &r);
	/* No memory in the core, only its notes: the pipe carries kilobytes,
	 * not the process's mappings (lib's shared table included). */
	NSX_TRY_NEG(nsx_write_text(AT_FDCWD, "/proc/self/coredump_filter", "0"));
	signal(SIGABRT, SIG_DFL);
	abort();
}

static char saved[512];

static void put_back(void)
{
	nsx_write_text(AT_FDCWD, CORE_PATTERN, "%s", saved); /* failing, the guest goes anyway */
	unlink(FIFO);
}

NSX_CASE(.family = "Core dumps and accounting records", .rows = "24.1 24.3",
         .kconfig = "CONFIG_COREDUMP CONFIG_ELF_CORE",
         .guest = "sets /proc/sys/kernel/core_pattern, which is machine-wide",
         .root = "writing core_pattern",
         .finding = "A core dump's NT_PRSTATUS/NT_PRPSINFO `pr_ppid` is the parent *thread*'s id "
                    "(`fill_prstatus()`: `task_pid_vnr(real_parent)`), where getppid() gives the "
                    "process: `coredump_pids` (guest only).");

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], HELPER))
		return helper(argc, argv);
	nsx_init("top", "outer");
	char self[256], pattern[600];
	self_exe(self, sizeof(self));
	core_pattern_save(saved, sizeof(saved));
	snprintf(pattern, sizeof(pattern), "|%s " HELPER " %%p %%i %%P %%I " FIFO, self);
	long w = nsx_write_text(AT_FDCWD, CORE_PATTERN, "%s", pattern);
	if (w == -EACCES || w == -EPERM)
		nsx_skip("writing core_pattern: %s", nsx_errname((int)-w));
	NSX_TRY_NEG(w); /* unchanged, if it failed */
	atexit(put_back);
	unlink(FIFO);
	NSX_TRY(mkfifo(FIFO, 0600));
	int fifo = (int)NSX_TRY(open(FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC));

	int pt = nsx_agent_thread_by(nsx_spawn_agent("p", "inner"), "pt");
	int d = nsx_spawn_agent_by(pt, "d", NULL); /* forked by p's thread pt */
	long ppid = nsx_do(d, do_ppid, 0, 0, 0)->v[0];
	nsx_ask(d, do_dump, 0, 0, 0);
	char buf[1024];
	const char *why = helper_wait(fifo, nsx_procfd(), nsx_pid(d), buf, sizeof(buf));
	if (why)
		nsx_fail("no report from the core_pattern helper: %s", why);
	long v[13] = {0};
	char nspid[256] = "";
	if (sscanf(buf, "%ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %255[^\n]", &v[0],
	           &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &v[10], &v[11],
	           &v[12], nspid) < 13)
		nsx_fail("no report from the core_pattern helper (got \"%s\")", buf);

	/* The helper's NSpid of %P: its last entries must be d's numbers. */
	long nr[NSX_MAX_LEVEL];
	int levels = nsx_numbers(nspid, nr, NSX_MAX_LEVEL);
	int dl = nsx_task_level(d), ok = levels > dl;
	for (int l = 0; ok && l <= dl; l++)
		ok = nr[levels - 1 - dl + l] == nsx_task_nr(d, l);

	printf("# coredump_pids: d (inner, forked by p's thread pt) dumps core through a "
	       "core_pattern pipe\n");
	printf("%%p=%s %%i=%s (d's namespace)\n", nsx_name(d, v[0]), nsx_name(d, v[1]));
	printf("%%P=%s %%I=%s (the initial namespace; the helper's NSpid of %%P ends in d's "
	       "numbers: %s)\n",
	       ok && v[2] == nr[0] ? "d's global number" : "another number",
	       ok && v[3] == nr[0] ? "d's global number" : "another number", ok ? "yes" : "no");
	printf("NT_PRSTATUS pr_pid=%s pr_ppid=%s pr_pgrp=%s pr_sid=%s\n", nsx_name(d, v[4]),
	       nsx_name(d, v[5]), nsx_name(d, v[6]), nsx_name(d, v[7]));
	printf("NT_PRPSINFO pr_pid=%s pr_ppid=%s pr_pgrp=%s pr_sid=%s\n", nsx_name(d, v[8]),
	       nsx_name(d, v[9]), nsx_name(d, v[10]), nsx_name(d, v[11]));
	printf("d's own getppid() said %s\n", nsx_name(d, ppid));
	nsx_exit();
}
