// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bsd_acct - BSD process accounting (acct(2)) across pid namespaces: each
 * namespace has its own accounting file, an exit is written to the file of
 * its namespace and of every ancestor that has one, and each record numbers
 * the process and its parent in the namespace of the file it is written to.
 * Needs root in the initial user namespace (acct() checks
 * capable(CAP_SYS_PACCT)): skips otherwise, saying so; skips on a kernel
 * without CONFIG_BSD_PROCESS_ACCT (ENOSYS).  Nothing outside the case's own
 * namespaces is accounted: the files are turned on in outer and inner, and
 * only where outer is the pid namespace nsxrun made for the case (NSX_CASE
 * .own_pidns: run by hand it skips), so accounting ends with the
 * case's namespaces on every path, a failed one too.
 *
 * Tasks: top (namespace outer) turns accounting on into file O; c, the init
 * of namespace inner, into file I.  Then c2 (inner, c's child) exits with 3,
 * c reaps it; o (outer, top's child) exits with 5, top reaps it.  Both files
 * were unlinked once turned on; top reads them through its own descriptors.
 *
 * The golden lines and the kernel code behind them:
 *
 *   acct() from top and from c: 0; c reaps c2 with status 0x300, top o with
 *   0x500 (exit codes 3 and 5).
 *     kernel/acct.c: sys_acct() -> acct_on(): a regular file, opened
 *     O_WRONLY|O_APPEND, becomes ns->bacct of the caller's namespace.
 *   Each record: version 3 (fill_ac(): ac_version = ACCT_VERSION |
 *   ACCT_BYTEORDER, printed without the byte-order bit: version-3 records,
 *   CONFIG_BSD_PROCESS_ACCT_V3), comm bsd_acct (current->comm: the tasks are
 *   forks of the case, none execs).
 *   I holds one record, c2's: ac_pid c2, ac_ppid c (inner's numbers);
 *   O holds two, c2's (ac_pid c2, ac_ppid c: outer's numbers for the same
 *   exit) and o's (o, top), in exit order; ac_exitcode the wait status
 *   (0x300, 0x500), ac_uid/ac_gid 0.
 *     kernel/exit.c: do_exit() -> acct_process() when the group is dead,
 *     before exit_notify(), so a record is in place before the parent can
 *     reap; kernel/acct.c: acct_process() -> slow_acct_process() walks
 *     ns->parent from task_active_pid_ns(current) and writes to each
 *     namespace with ns->bacct (acct_on() set it for
 *     task_active_pid_ns(current), the caller's); fill_ac(): ac_pid =
 *     task_tgid_nr_ns(current, acct->ns), ac_ppid =
 *     task_tgid_nr_ns(current->real_parent, acct->ns), ac_uid/ac_gid through
 *     the file opener's user namespace (from_kuid_munged(file->f_cred->user_ns)),
 *     ac_exitcode the do_exit() code (acct_collect()).  Read on 6.1.192 and
 *     6.12.117; the same on 6.18.44.
 */
#include "nsx.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/acct.h>
#include <sys/wait.h>
#include <unistd.h>

static char file_o[PATH_MAX], file_i[PATH_MAX];

/* c2 and o: exit with the status arg. */
static int exit_fn(void *arg)
{
	return (int)(long)arg;
}

static void do_acct(NSX_UNUSED const long *arg)
{
	NSX_REPLY(nsx_rc(acct(file_i)));
}

static void do_run_c2(NSX_UNUSED const long *arg)
{
	int st = 0;
	int t = nsx_spawn("c2", NULL, exit_fn, (void *)3L);
	pid_t p = nsx_nr_in(t, nsx_ns_of(nsx_self()));
	NSX_REPLY(waitpid(p, &st, 0) == p ? st : -errno);
}

/* Print the records of one file, numbers named in namespace ns. */
static void records(const char *what, int fd, int ns)
{
	struct acct_v3 r;
	int n = 0;
	for (off_t off = 0; pread(fd, &r, sizeof(r), off) == (ssize_t)sizeof(r); off += sizeof(r)) {
		char comm[sizeof(r.ac_comm) + 1];
		memcpy(comm, r.ac_comm, sizeof(r.ac_comm));
		comm[sizeof(r.ac_comm)] = 0;
		printf("%s record %d: version %d comm %s ac_pid=%s ac_ppid=%s ac_exitcode=%#x "
		       "ac_uid=%u ac_gid=%u\n",
		       what, ++n, r.ac_version & 0x7f, comm, nsx_name_ns(ns, r.ac_pid),
		       nsx_name_ns(ns, r.ac_ppid), (unsigned)r.ac_exitcode, r.ac_uid, r.ac_gid);
	}
	printf("%s: %d record%s\n", what, n, n == 1 ? "" : "s");
}

NSX_CASE(.family = "Core dumps and accounting records", .rows = "20.4",
         .kconfig = "CONFIG_BSD_PROCESS_ACCT CONFIG_BSD_PROCESS_ACCT_V3",
         .root = "acct() checks CAP_SYS_PACCT there", .own_pidns = "process accounting",
         .finding = "BSD accounting writes one record per accounting namespace, each numbering the "
                    "process for that file (`fill_ac()`: `acct->ns`): `bsd_acct`.");

int main(void)
{
	nsx_init("top", "outer");
	snprintf(file_o, sizeof(file_o), "%s/nsx-acct-o-XXXXXX", nsx_tmpdir());
	snprintf(file_i, sizeof(file_i), "%s/nsx-acct-i-XXXXXX", nsx_tmpdir());
	int fo = (int)NSX_TRY(mkstemp(file_o)), fi = (int)NSX_TRY(mkstemp(file_i));
	long r = nsx_rc(acct(file_o));
	int c = nsx_spawn_agent("c", "inner");
	long ri = r == -ENOSYS ? r : nsx_do(c, do_acct, 0, 0, 0)->v[0];
	unlink(file_o); /* the records go on to the open files */
	unlink(file_i);
	if (r == -ENOSYS)
		nsx_skip("no BSD process accounting: acct() is ENOSYS (CONFIG_BSD_PROCESS_ACCT)");
	printf("# bsd_acct: an exit is written to the accounting file of its namespace and of "
	       "each ancestor's, numbered for that file's namespace\n");
	printf("top acct(O): %s; c acct(I): %s\n", nsx_res(r), nsx_res(ri));
	if (r || ri)
		nsx_fail("acct() refused");

	long st = nsx_do(c, do_run_c2, 0, 0, 0)->v[0];
	printf("c reaped c2: status %#lx\n", st);
	int o = nsx_spawn("o", NULL, exit_fn, (void *)5L), s = 0;
	NSX_TRY(waitpid(nsx_pid(o), &s, 0));
	printf("top reaped o: status %#x\n", s);

	records("I (inner's file)", fi, nsx_ns_of(c));
	records("O (outer's file)", fo, nsx_ns_of(0));
	acct(NULL);
	nsx_forget(o); /* reaped: their numbers are free now */
	nsx_forget(nsx_find("c2"));
	close(fo);
	close(fi);
	nsx_exit();
}
