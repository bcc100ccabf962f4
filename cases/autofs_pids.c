// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * autofs_pids - the pids an autofs mount hands its daemon, and the one it
 * shows: a missing-mount packet numbers the requester in the daemon's pid
 * namespace (the namespace of the daemon's process group), and a requester
 * the daemon cannot see is refused without any packet; /proc/mounts' pgrp=
 * is the reader's number for the daemon's group.  Needs root in the initial
 * user namespace (autofs is not mountable in another): skips otherwise,
 * saying so, and where autofs is not built in (ENODEV: a module in Debian's
 * cloud kernels).  The mount is in the case's own mount namespace.
 *
 * Tasks: top (namespace outer) makes a mount namespace with a tmpfs on /tmp
 * and a pipe; d, the init of namespace dns, leads its own process group (the
 * daemon's: autofs's "oz" group); top mounts autofs (indirect, protocol 5) on
 * /tmp/a with the pipe's write end and pgrp=d.  Requesters chdir() into
 * /tmp/a/<name>: r (dns, its own group), r2 (the init of namespace below,
 * under dns, its own group), c (the init of namespace inner, a sibling of
 * dns) and top.  Top reads each packet from the pipe, names its pid and tgid
 * in dns, and fails the request (AUTOFS_IOC_FAIL), so chdir() is ENOENT.
 *
 * The golden lines and the kernel code behind them (fs/autofs, 6.1.192 and
 * 6.12.117):
 *
 *   /proc/self/mounts pgrp=: top d, d d, c 0
 *     inode.c: autofs_fill_super(): pgrp= is looked up with find_get_pid()
 *     (the mounter's namespace) into sbi->oz_pgrp; autofs_show_options()
 *     prints pid_vnr(sbi->oz_pgrp), the reader's namespace, 0 where the
 *     group is invisible.
 *   r: a packet, type 3 (missing indirect), pid r, tgid r, name r; r2: pid
 *   r2, tgid r2 (dns's numbers: ns_of_pid(oz_pgrp) is dns, where d's struct
 *   pid was made); c and top: ENOENT at once, no packet (the pipe is empty)
 *     waitq.c: autofs_wait(): pid = task_pid_nr_ns(current,
 *     ns_of_pid(sbi->oz_pgrp)), tgid likewise; either 0 -> -ENOENT before any
 *     packet ("we are in an unrelated pid namespace"); autofs_notify_daemon()
 *     writes the v5 packet with them.  root.c: AUTOFS_IOC_FAIL ->
 *     autofs_wait_release(token, -ENOENT).
 */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/auto_fs.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static int pipefd[2] = {-1, -1};

/* pgrp= of the autofs line of /proc/self/mounts, or -1. */
static void do_pgrp(NSX_UNUSED const long *arg)
{
	char line[512];
	long v = -1;
	FILE *f = fopen("/proc/self/mounts", "re");
	while (f && fgets(line, sizeof(line), f)) {
		char *p = strstr(line, " autofs ");
		if (p && (p = strstr(p, "pgrp=")))
			v = strtol(p + 5, NULL, 10);
	}
	if (f)
		fclose(f);
	NSX_REPLY(v);
}

static void do_chdir(NSX_UNUSED const long *arg)
{
	char path[64];
	snprintf(path, sizeof(path), "/tmp/a/%s", nsx_task_name(nsx_self()));
	NSX_REPLY(nsx_rc(chdir(path)));
}

/* A process group of the caller's own. */
static void do_own_group(NSX_UNUSED const long *arg)
{
	NSX_REPLY(nsx_rc(setpgid(0, 0)));
}

static int dns;

/* Is a packet waiting in the pipe?  Reads it into p if so: 1, else 0. */
static int packet(struct autofs_v5_packet *p, int wait)
{
	struct pollfd pf = {.fd = pipefd[0], .events = POLLIN};
	if (!NSX_TRY(poll(&pf, 1, wait ? nsx_timeout_ms() : 0))) {
		if (wait)
			nsx_fail("no autofs packet within %d ms", nsx_timeout_ms());
		return 0;
	}
	if (read(pipefd[0], p, sizeof(*p)) != (ssize_t)sizeof(*p))
		nsx_fail("reading the packet: %s", nsx_errname(errno));
	return 1;
}

static void request(int root, int who, int expect_packet)
{
	const char *wn = nsx_task_name(who);
	struct autofs_v5_packet p;
	if (expect_packet) {
		nsx_ask(who, do_chdir, 0, 0, 0);
		packet(&p, 1);
		printf("%-3s chdir(/tmp/a/%s): packet type %d pid %s tgid %s name %.*s\n", wn, wn,
		       p.hdr.type, nsx_name_ns(dns, p.pid), nsx_name_ns(dns, p.tgid), (int)p.len,
		       p.name);
		NSX_TRY(ioctl(root, AUTOFS_IOC_FAIL, (unsigned long)p.wait_queue_token));
		printf("%-3s chdir: %s\n", wn, nsx_res(nsx_recv(who, "reply")->v[0]));
		return;
	}
	long r = nsx_by(who, do_chdir, 0, 0, 0)->v[0];
	printf("%-3s chdir(/tmp/a/%s): %s; packets waiting: %d\n", wn, wn, nsx_res(r),
	       packet(&p, 0));
}

NSX_CASE(.family = "File system daemons", .rows = "7.11 27.5", .kconfig = "CONFIG_AUTOFS_FS",
         .root = "autofs has no FS_USERNS_MOUNT");

int main(void)
{
	char opts[128];
	nsx_init("top", "outer");
	if (unshare(CLONE_NEWNS) || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("nsxtmp", "/tmp", "tmpfs", 0, "mode=0755") || mkdir("/tmp/a", 0755))
		nsx_fail("a mount namespace with a tmpfs on /tmp: %s", nsx_errname(errno));
	NSX_TRY(pipe2(pipefd, O_CLOEXEC));
	int d = nsx_spawn_agent("d", "dns"), c = nsx_spawn_agent("c", "inner");
	int r = nsx_spawn_agent_by(d, "r", NULL), r2 = nsx_spawn_agent_by(d, "r2", "below");
	for (int k = 0; k < 4; k++)
		NSX_TRY_NEG(nsx_do((int[]){d, r, r2, c}[k], do_own_group, 0, 0, 0)->v[0]);
	dns = nsx_ns_of(d);
	snprintf(opts, sizeof(opts), "fd=%d,pgrp=%d,minproto=5,maxproto=5,indirect", pipefd[1],
	         (int)nsx_pid(d));
	if (mount("nsxauto", "/tmp/a", "autofs", 0, opts)) {
		if (errno == ENODEV)
			nsx_skip("mount -t autofs: ENODEV: autofs is not built in "
			         "(CONFIG_AUTOFS_FS)");
		nsx_fail("mount autofs: %s", nsx_errname(errno));
	}
	int root = NSX_TRY(open("/tmp/a", O_RDONLY | O_DIRECTORY | O_CLOEXEC));

	printf("# autofs_pids: the daemon's packets number requesters in the daemon's "
	       "namespace (dns); names are dns's\n");
	int readers[3] = {0, d, c};
	for (int k = 0; k < 3; k++)
		printf("%-3s /proc/self/mounts pgrp=%s\n", nsx_task_name(readers[k]),
		       nsx_name(readers[k], nsx_by(readers[k], do_pgrp, 0, 0, 0)->v[0]));
	request(root, r, 1);
	request(root, r2, 1);
	request(root, c, 0);
	request(root, 0, 0);
	close(root);
	umount2("/tmp/a", MNT_DETACH);
	nsx_exit();
}
