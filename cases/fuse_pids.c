// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuse_pids - the pid in a FUSE request's header, as the file system's daemon
 * reads it from /dev/fuse: the requesting thread numbered in the pid namespace
 * of whoever mounted the file system, not the daemon's and not the
 * requester's; 0 for a requester that namespace cannot see.  Skips where
 * /dev/fuse cannot be opened (CONFIG_FUSE_FS, a module in Debian's 6.1 cloud
 * kernel; mode 0600 in make vm's devtmpfs, so the unprivileged pass skips).
 *
 * Tasks: top (namespace outer) makes a mount namespace with a tmpfs on /tmp
 * and opens /dev/fuse.  d, the init of namespace mid, is the daemon: it
 * answers FUSE_INIT and then each request with ENOENT, returning the header
 * it read.  c, the init of namespace inner (below mid, made by d), mounts the
 * file system on /tmp/f with top's /dev/fuse descriptor (fuse mounts need
 * CAP_SYS_ADMIN only over the mount namespace's user namespace: the runner's
 * own when it runs unprivileged); c2 (inner) and o (mid, d's child) are
 * requesters too.  Each requester stat()s a name of its own in the file
 * system, one at a time, so each makes exactly one FUSE_LOOKUP.
 *
 * The golden lines and the kernel code behind them:
 *
 *   c's mount(): 0 (fs/fuse/inode.c: fuse_fs_type has FS_USERNS_MOUNT; the
 *   mount wants CAP_SYS_ADMIN over the mount namespace's user namespace);
 *   each answer d writes to /dev/fuse: 0 (accepted whole).
 *   FUSE_INIT (sent by c's mount): pid 0, uid 0
 *     fs/fuse/inode.c: fuse_send_init() sets args.force and args.nocreds:
 *     fs/fuse/dev.c fuse_simple_background() sends it without credentials.
 *     7.2 and 7.3-rc7: pid c (the variant fuse-init-pid, expected/VARIANTS):
 *     fuse_new_init() still sets force and nocreds, but every request now
 *     passes fs/fuse/req.c fuse_fill_creds(), which sets args->pid =
 *     pid_nr_ns(task_pid(current), fc->pid_ns) before it returns for a
 *     nocreds request (uid and gid stay 0), and dev.c fuse_args_to_req()
 *     copies it into in.h.pid: the mounter's own number.
 *   FUSE_LOOKUP from c: pid c, from c2: c2 (inner's numbers, the mounter's
 *   namespace); from o (mid) and from top (outer): 0 (neither has a number in
 *   inner);
 *   uid 0 (the user namespace's) for all; each stat() ENOENT
 *     fs/fuse/inode.c: fuse_conn_init(), run by the mount, keeps fc->pid_ns =
 *     task_active_pid_ns(current), the mounter's;
 *     fs/fuse/dev.c: fuse_get_req(): in.h.pid = pid_nr_ns(task_pid(current),
 *     fc->pid_ns) (the thread's number there, 0 if it has none), in.h.uid =
 *     from_kuid(fc->user_ns, current_fsuid()).  The daemon in mid reads the
 *     inner numbers as they are: nothing translates them for the reader.
 *     Read on 6.1.192 and 6.12.117.
 *
 * Not driven: FUSE_SETLK/GETLK (the lock owner pid goes through fc->pid_ns
 * both ways, fs/fuse/file.c fuse_setlk() and convert_fuse_file_lock(); only
 * with FUSE_POSIX_LOCKS negotiated).
 */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static int fuse_fd = -1;
static char rbuf[FUSE_MIN_READ_BUFFER + 65536];

/* Read one request and answer it: FUSE_INIT with an init reply, anything else
 * with ENOENT; reply {result, opcode, pid, uid}. */
static void do_serve(NSX_UNUSED const long *arg)
{
	ssize_t n = read(fuse_fd, rbuf, sizeof(rbuf));
	struct fuse_in_header *in = (struct fuse_in_header *)rbuf;
	if (n < (ssize_t)sizeof(*in)) {
		NSX_REPLY(n < 0 ? -errno : -EIO, 0, 0, 0);
		return;
	}
	struct {
		struct fuse_out_header h;
		struct fuse_init_out init;
	} out = {.h = {.unique = in->unique, .len = sizeof(out.h)}};
	if (in->opcode == FUSE_INIT) {
		const struct fuse_init_in *ii = (const void *)(in + 1);
		out.init.major = FUSE_KERNEL_VERSION;
		out.init.minor = ii->minor < FUSE_KERNEL_MINOR_VERSION ? ii->minor
		                                                       : FUSE_KERNEL_MINOR_VERSION;
		out.init.max_write = 4096;
		out.init.max_background = 4;
		out.init.congestion_threshold = 3;
		out.h.len = sizeof(out);
	} else {
		out.h.error = -ENOENT;
	}
	long r = write(fuse_fd, &out, out.h.len) == (ssize_t)out.h.len ? 0 : -errno;
	NSX_REPLY(r, in->opcode, in->pid, in->uid);
}

static void do_mount(NSX_UNUSED const long *arg)
{
	const char *opts = nsx_fmt("fd=%d,rootmode=40000,user_id=0,group_id=0", fuse_fd);
	NSX_REPLY(nsx_rc(mount("nsxfuse", "/tmp/f", "fuse", MS_NOSUID | MS_NODEV, opts)));
}

static void do_stat(const long *arg)
{
	struct stat st;
	NSX_REPLY(nsx_rc(stat(nsx_fmt("/tmp/f/n%ld", arg[0]), &st)));
}

static int d, inner;

/* Have the daemon take one request while who (0: top) stat()s name k. */
static void request(const char *label, int who, int k)
{
	nsx_ask(d, do_serve, 0, 0, 0);
	long r = nsx_by(who, do_stat, k, 0, 0)->v[0];
	const long *v = nsx_recv(d, "reply")->v;
	printf("%-4s stat(/tmp/f/n%d): %s; d read opcode %ld (%s) pid %s uid %ld\n", label, k,
	       nsx_res(r), v[1], v[1] == FUSE_LOOKUP ? "FUSE_LOOKUP" : "another",
	       nsx_name_ns(inner, v[2]), v[3]);
	if (v[0])
		nsx_fail("d's answer: %s", nsx_errname((int)-v[0]));
}

NSX_CASE(.family = "File system daemons", .rows = "9.4", .kconfig = "CONFIG_FUSE_FS",
         .variants = "fuse-init-pid",
         .finding =
                 "A FUSE request's pid is numbered in the namespace of whoever *mounted* the file "
                 "system (`fc->pid_ns`), not the daemon's that reads it: `fuse_pids`. An autofs "
                 "packet numbers the requester in the namespace of the daemon's process group, and "
                 "a requester that namespace cannot see gets ENOENT with no packet at all: "
                 "`autofs_pids`.");

int main(void)
{
	nsx_init("top", "outer");
	if (unshare(CLONE_NEWNS) || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("nsxtmp", "/tmp", "tmpfs", 0, "mode=0755") || mkdir("/tmp/f", 0755))
		nsx_fail("a mount namespace with a tmpfs on /tmp: %s", nsx_errname(errno));
	fuse_fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fuse_fd < 0 && (errno == EACCES || errno == EPERM))
		nsx_skip("/dev/fuse: %s: not open to this user (a devtmpfs without udev makes it "
		         "0600)",
		         nsx_errname(errno));
	if (fuse_fd < 0)
		nsx_skip("/dev/fuse: %s (CONFIG_FUSE_FS)", nsx_errname(errno));
	d = nsx_spawn_agent("d", "mid");
	int o = nsx_spawn_agent_by(d, "o", NULL), c = nsx_spawn_agent_by(d, "c", "inner");
	int c2 = nsx_spawn_agent_by(c, "c2", NULL);
	inner = nsx_ns_of(c);

	printf("# fuse_pids: a FUSE request's pid is the requester's number in the mounter's "
	       "namespace (c mounts, in inner; d in mid reads it); names are inner's\n");
	long r = nsx_do(c, do_mount, 0, 0, 0)->v[0];
	if (r == -ENODEV)
		nsx_skip("mount -t fuse: ENODEV (CONFIG_FUSE_FS)");
	printf("c    mount(fuse, /tmp/f): %s\n", nsx_res(r));
	NSX_TRY_NEG(r);
	const long *v = nsx_do(d, do_serve, 0, 0, 0)->v;
	printf("d    read opcode %ld (%s) pid %s uid %ld: answered %s\n", v[1],
	       v[1] == FUSE_INIT ? "FUSE_INIT" : "another", nsx_name_ns(inner, v[2]), v[3],
	       nsx_res(v[0]));
	request("c", c, 1);
	request("c2", c2, 2);
	request("o", o, 3);
	request("top", 0, 4);
	nsx_exit();
}
