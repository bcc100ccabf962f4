// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fanotify_pids - the pid in a fanotify event (metadata.pid), with and
 * without FAN_REPORT_TID, for files opened by tasks in other pid namespaces,
 * read by listeners in different namespaces.  Needs CAP_SYS_ADMIN in the
 * initial user namespace (fanotify_init() of a group that reports pids):
 * NSX_CASE .root.
 *
 * Tasks: top (namespace outer), in a mount namespace of its own with a tmpfs
 * on /tmp, creates /tmp/f and spawns a (outer, with a thread at), i, the
 * init of namespace inner (i spawns b, inner), and c, the init of the
 * sibling namespace sib.  top and i each make two fanotify groups
 * (FAN_CLASS_NOTIF, and the same with FAN_REPORT_TID) marking FAN_OPEN on
 * /tmp/f.  Then, one at a time, at, b and c open the file, and both
 * listeners read the events.  Pids print as the task they denote in the
 * listener's namespace.
 *
 * The golden lines and the kernel code behind them:
 *
 *   at (a's thread) opens: top reads a (tgid group), at (TID group); i reads
 *   0 and 0.  b opens: top b, b; i b, b.  c opens: top c, c; i 0, 0
 *     fs/notify/fanotify/fanotify.c: fanotify_alloc_event() keeps a struct
 *     pid: task_tgid(current), or task_pid(current) with FAN_REPORT_TID;
 *     fs/notify/fanotify/fanotify_user.c: copy_event_to_user() numbers it
 *     with pid_vnr() for the *reader* at read() time, 0 where it has no
 *     number (an unprivileged group would get 0 for anyone but itself, but
 *     such a group cannot ask for pids at all).
 */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/fanotify.h>
#include <sys/mount.h>
#include <unistd.h>

static int grp[2] = {-1, -1}; /* in top and i: plain, FAN_REPORT_TID */

/* Make the two groups (0), or -errno. */
static long groups(void)
{
	unsigned int fl[2] = {FAN_CLASS_NOTIF | FAN_NONBLOCK,
	                      FAN_CLASS_NOTIF | FAN_NONBLOCK | FAN_REPORT_TID};
	for (int k = 0; k < 2; k++) {
		grp[k] = fanotify_init(fl[k], O_RDONLY | O_CLOEXEC);
		if (grp[k] < 0)
			return -errno;
		if (fanotify_mark(grp[k], FAN_MARK_ADD, FAN_OPEN, AT_FDCWD, "/tmp/f"))
			return -errno;
	}
	return 0;
}

/* The pid of the one event waiting in group k (-errno if none). */
static long one_event(int k)
{
	struct fanotify_event_metadata m[4];
	ssize_t n = read(grp[k], m, sizeof(m));
	if (n < (ssize_t)sizeof(m[0]))
		return n < 0 ? -errno : -EIO;
	for (int e = 0; e < (int)(n / (ssize_t)sizeof(m[0])); e++)
		if (m[e].fd >= 0)
			close(m[e].fd);
	return m[0].pid;
}

/* Remove both groups' marks, then close them: the first close waits for one
 * SRCU grace period that frees every mark (fs/notify/group.c:
 * fsnotify_destroy_group() -> fsnotify_wait_marks_destroyed()), the second
 * finds nothing left to wait for.  Closed one by one with their marks, each
 * group would wait for a grace period of its own (20-50 ms under load). */
static void drop_groups(void)
{
	for (int k = 0; k < 2; k++)
		fanotify_mark(grp[k], FAN_MARK_FLUSH, 0, AT_FDCWD, NULL);
	for (int k = 0; k < 2; k++)
		close(grp[k]);
}

/* Open /tmp/f (and close it): 0 or -errno. */
static void do_open(NSX_UNUSED const long *arg)
{
	int fd = open("/tmp/f", O_RDONLY | O_CLOEXEC);
	NSX_REPLY(fd < 0 ? -errno : 0);
	if (fd >= 0)
		close(fd);
}

static void do_read(NSX_UNUSED const long *arg)
{
	NSX_REPLY(one_event(0), one_event(1));
}

static void do_drop(NSX_UNUSED const long *arg)
{
	drop_groups();
	NSX_REPLY(0);
}

static int i_fn(NSX_UNUSED void *arg)
{
	NSX_TRY_NEG(groups());
	nsx_serve();
}

NSX_CASE(.family = "fanotify", .rows = "11.1",
         .root = "fanotify_init() of a group that reports pids: CAP_SYS_ADMIN there");

int main(void)
{
	nsx_init("top", "outer");
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", "/tmp", "tmpfs", 0, "size=64k"))
		nsx_fail("a tmpfs of our own: %s", nsx_errname(errno));
	int f = NSX_TRY(open("/tmp/f", O_RDWR | O_CREAT | O_CLOEXEC, 0644));
	close(f);
	long r = groups();
	if (r == -EPERM)
		nsx_skip("fanotify_init(FAN_CLASS_NOTIF): EPERM");
	if (r)
		nsx_fail("fanotify: %s", nsx_errname((int)-r));
	int i = nsx_spawn("i", "inner", i_fn, NULL);
	int c = nsx_spawn_agent("c", "sib");
	int b = nsx_spawn_agent_by(i, "b", NULL);
	int at = nsx_agent_thread_by(nsx_spawn_agent("a", NULL), "at");
	int actors[3] = {at, b, c};
	printf("# fanotify_pids: FAN_OPEN event pids, plain and FAN_REPORT_TID groups\n");
	for (int k = 0; k < 3; k++) {
		const char *who = nsx_task_name(actors[k]);
		long o = nsx_do(actors[k], do_open, 0, 0, 0)->v[0];
		const long *t = nsx_by(0, do_read, 0, 0, 0)->v, *m = nsx_do(i, do_read, 0, 0, 0)->v;
		printf("%-3s opens /tmp/f = %s: top reads pid=%s tid=%s; i reads pid=%s tid=%s\n",
		       who, nsx_res(o), nsx_name(0, t[0]), nsx_name(0, t[1]), nsx_name(i, m[0]),
		       nsx_name(i, m[1]));
	}
	nsx_ask(i, do_drop, 0, 0, 0); /* both at once */
	drop_groups();
	nsx_recv(i, "reply");
	nsx_exit();
}
