// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mqueue_notify_pid - NOTIFY_PID in a POSIX message queue's file of the
 * mqueue filesystem, read by tasks in different pid namespaces: whose
 * numbering it uses.  (The notification's si_pid is mq_notify_si_pid's.)
 *
 * Tasks: top (namespace outer) takes a private IPC namespace and spawns r,
 * the init of namespace inner (r spawns m, in inner), and s, the init of the
 * sibling namespace sib.  m creates a queue and registers for a SIGEV_SIGNAL
 * notification (SIGUSR1).  top, r, m and s each mount the mqueue filesystem
 * of the (shared) IPC namespace in a mount namespace of their own and read
 * the queue's file.  NOTIFY_PID prints as the task it denotes in the
 * reader's namespace.
 *
 * The golden lines and the kernel code behind them:
 *
 *   read by top: NOTIFY_PID=m; by r and by m: m; by s: 0; NOTIFY=0 (the
 *   SIGEV_SIGNAL value) and SIGNO=SIGUSR1 for everyone
 *     ipc/mqueue.c: mqueue_read_file() formats "QSIZE:%-10lu NOTIFY:%-5d
 *     SIGNO:%-5d NOTIFY_PID:%-6d" with pid_vnr(info->notify_owner): the
 *     registrant's struct pid numbered in the *reader's* active namespace
 *     at read() time, 0 where it has no number.  Nothing depends on the
 *     mount or on the namespace of whoever opened the file.
 *   after m has read the file: top reads NOTIFY_PID=0 SIGNO=0
 *     ipc/mqueue.c: mqueue_flush_file() removes the notification when the
 *     registrant closes *any* file of the queue ("task_tgid(current) ==
 *     info->notify_owner"), a file of the mqueue filesystem included: m's
 *     own read() of its queue's file unregistered it (found here; mq_close(3)
 *     says so of the descriptor it was registered through).
 */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#define QNAME "/nsx-notify-pid"

/* Mount the mqueue filesystem on /tmp in a mount namespace of our own
 * (once), read the queue's file: {0 or -errno, notify, signo, pid}. */
static void do_read(const long *arg NSX_UNUSED)
{
	static int mounted;
	static const char *const keys[] = {"NOTIFY:", "SIGNO:", "NOTIFY_PID:"};
	char buf[256] = "", *p;
	long v[4] = {0, -1, -1, -1};
	if (!mounted &&
	    (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	     mount("mqueue", "/tmp", "mqueue", 0, NULL))) {
		v[0] = -errno;
	} else {
		mounted = 1;
		long n = nsx_read_text(AT_FDCWD, "/tmp" QNAME, buf, sizeof(buf));
		v[0] = n < 0 ? n : 0;
	}
	for (int k = 0; k < 3; k++)
		if ((p = strstr(buf, keys[k])))
			v[k + 1] = atol(p + strlen(keys[k]));
	nsx_send_v("reply", v, 4);
}

/* r: fork m */
static void do_fork_m(const long *arg NSX_UNUSED)
{
	NSX_REPLY(nsx_spawn_agent("m", NULL));
}

/* m: make the queue and register for its notification */
static void do_register(const long *arg NSX_UNUSED)
{
	struct mq_attr a = {.mq_maxmsg = 1, .mq_msgsize = 8};
	struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
	nsx_block(SIGUSR1);
	NSX_TRY(mq_notify((mqd_t)NSX_TRY(mq_open(QNAME, O_RDWR | O_CREAT, 0600, &a)), &ev));
	NSX_REPLY(0);
}

/* The queue's file as reader reads it. */
static void show(int reader)
{
	const long *v = nsx_by(reader, do_read, 0, 0, 0)->v;
	const char *who = nsx_task_name(reader);
	if (v[0] < 0)
		printf("read by %-4s %s\n", who, nsx_errname((int)-v[0]));
	else if (v[2] > 0)
		printf("read by %-4s NOTIFY=%ld SIGNO=%s NOTIFY_PID=%s\n", who, v[1],
		       nsx_signame((int)v[2]), nsx_name(reader, v[3]));
	else
		printf("read by %-4s NOTIFY=%ld SIGNO=%ld NOTIFY_PID=%s\n", who, v[1], v[2],
		       nsx_name(reader, v[3]));
}

NSX_CASE(.family = "SysV IPC and POSIX message queues", .rows = "13.1",
         .finding =
                 "A message queue's registrant that merely reads its queue's file in the mqueue "
                 "filesystem loses its notification (`mqueue_flush_file()` removes it on any close "
                 "by the registrant): `mqueue_notify_pid`.");

int main(void)
{
	nsx_init("top", "outer");
	nsx_private_ipc();
	int r = nsx_spawn_agent("r", "inner"), s = nsx_spawn_agent("s", "sib");
	int m = (int)nsx_do(r, do_fork_m, 0, 0, 0)->v[0];
	nsx_do(m, do_register, 0, 0, 0);
	printf("# mqueue_notify_pid: NOTIFY_PID of a queue whose notification m (inner) holds\n");
	for (int i = 0; i < 4; i++)
		show((int[]){0, r, s, m}[i]);
	printf("# m closed the file it read: its registration is gone\n");
	show(0);
	mq_unlink(QNAME);
	nsx_exit();
}
