// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nesting_limit - how deep pid namespaces nest, and how the deepest task's
 * identity reaches the top.
 *
 * top (namespace outer) makes a chain of nested pid namespaces below its own until
 * unshare(CLONE_NEWPID) refuses (lib: nsx_chain(); each level's init makes the
 * next).  Levels are counted from the initial pid namespace (0): nsxrun tells
 * the case the level of its own namespace (NSX_PIDNS_LEVEL), because no task
 * can see above its own namespace.  How many levels the case itself makes
 * depends on where it runs, so no line prints that count; they print
 * absolute levels and checks.  Before the chain top opens a pidfd for
 * itself (inherited by every level) and registers for a POSIX message-queue
 * notification.
 *
 * The golden lines and the kernel code behind them:
 *
 *   the deepest task is at level 32; making level 33: ENOSPC
 *     kernel/pid_namespace.c: create_pid_namespace() refuses a level above
 *     MAX_PID_NS_LEVEL (32) with -ENOSPC (before 4.13: -EINVAL, the limit
 *     then being checked elsewhere).  The refusal comes from
 *     unshare(CLONE_NEWPID) itself (copy_pid_ns()), not from the fork after.
 *   NSpid of the deepest, read through the case's /proc: its last word is
 *   for level 32 and is 1; every word names the deepest task at its level
 *     fs/proc/array.c: task_state() prints task_pid_nr_ns() for
 *     pid->numbers[g] from the proc mount's level to the task's level: one
 *     word per level (the last level is the case's base level plus the
 *     number of words, less one), each the task's number there.  Each word
 *     is named in the namespace of its level; runs of the same name print
 *     once, the deepest task's own as "deepest", so a word from the wrong
 *     level would show up by name.
 *   the deepest -> top pidfd_send_signal(): EINVAL
 *     kernel/signal.c: access_pidfd_pidns() accepts only targets in the
 *     caller's namespace or below.  A pidfd of an ancestor, in hand,
 *     does not let a task signal it: no signal ever goes up.
 *   the deepest -> top through mq_notify(): SI_MESGQ si_pid=the deepest task
 *   si_uid=0 si_value=0 (top registered a struct sigevent with sigev_value 0)
 *     ipc/mqueue.c: __do_notify() numbers the sender in the registrant's
 *     namespace, task_tgid_nr_ns(current, ns_of_pid(notify_owner)): top sees
 *     the deepest task's number in the case's namespace, 31 levels up.
 */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define QNAME "/nsx-nesting"

static int self_pidfd;

static int deepest_fn(void *arg NSX_UNUSED)
{
	NSX_SEND("pidfd", nsx_rc(syscall(SYS_pidfd_send_signal, self_pidfd, SIGUSR1, NULL, 0)));
	mqd_t q = mq_open(QNAME, O_WRONLY);
	long s = q == (mqd_t)-1 || mq_send(q, "m", 1, 0) ? -errno : 0;
	NSX_SEND("mq", s);
	nsx_park();
}

NSX_CASE(.family = "Nesting", .rows = "1.6 1.11 6.7", .kconfig = "CONFIG_POSIX_MQUEUE");

int main(void)
{
	int err;
	long nr[NSX_MAX_LEVEL];

	nsx_init("top", "outer");
	nsx_private_ipc();
	nsx_block(SIGUSR1);
	self_pidfd = (int)NSX_TRY(syscall(SYS_pidfd_open, getpid(), 0));
	struct mq_attr a = {.mq_maxmsg = 1, .mq_msgsize = 8};
	mqd_t q = (mqd_t)NSX_TRY(mq_open(QNAME, O_RDWR | O_CREAT, 0600, &a));
	struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
	NSX_TRY(mq_notify(q, &ev));

	int base = nsx_base_level();
	int made = nsx_chain("l", "L", NSX_MAX_LEVEL, deepest_fn, NULL, &err);
	int deepest = nsx_find("l1") + made - 1;
	printf("# nesting_limit: pid namespaces nest to level 32; the deepest task and the top\n");
	printf("the deepest task is at level %d; making level %d: unshare(CLONE_NEWPID) = %s\n",
	       base + made, base + made + 1, nsx_errname(err));

	int n = nsx_read_nspid(nsx_procfd(), nsx_fmt("%d", (int)nsx_pid(deepest)), nr,
	                       NSX_MAX_LEVEL);
	if (n <= 0)
		nsx_fail("NSpid of the deepest unreadable");
	/* Each word named at its level; runs of one name once. */
	char names[1024] = "", prev[128] = "";
	const char *me = nsx_task_name(deepest);
	for (int i = 0; i < n; i++) {
		int ns = nsx_ns_at(deepest, nsx_task_level(0) + i);
		const char *one = ns < 0 ? nsx_fmt("%ld?", nr[i]) : nsx_name_ns(ns, nr[i]);
		if (!strcmp(one, me))
			one = "deepest";
		if (strcmp(one, prev)) {
			size_t len = strlen(names);
			snprintf(names + len, sizeof(names) - len, "%s%s", len ? " " : "", one);
			snprintf(prev, sizeof(prev), "%s", one);
		}
	}
	printf("NSpid of the deepest, read through the case's /proc: last word for level %d = %ld; "
	       "the words name: %s\n",
	       base + n - 1, nr[n - 1], names);

	printf("the deepest -> top pidfd_send_signal(SIGUSR1) = %s\n",
	       nsx_res(nsx_recv(deepest, "pidfd")->v[0]));
	const struct nsx_msg *m = nsx_recv(deepest, "mq");
	siginfo_t si;
	if (m->v[0] < 0 || nsx_sigwait(SIGUSR1, &si)) {
		printf("the deepest -> top mq_send() = %s: no notification\n",
		       nsx_errname((int)-m->v[0]));
	} else {
		const char *who =
		        si.si_pid == nsx_pid(deepest) ? "the deepest task" : nsx_name(0, si.si_pid);
		printf("the deepest -> top mq_send() = 0: top's notification %s si_code=%s "
		       "si_pid=%s si_uid=%d si_value=%d\n",
		       nsx_signame(si.si_signo), nsx_sicode(si.si_signo, si.si_code), who,
		       (int)si.si_uid, si.si_value.sival_int);
	}
	mq_unlink(QNAME);
	nsx_exit();
}
