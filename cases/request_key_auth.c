// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * request_key_auth - the authorisation key the kernel makes for a
 * request_key() upcall (type .request_key_auth) shows the requester's pid in
 * /proc/keys, numbered for the pid namespace of the proc mount it is read
 * through.  Guest only: the upcall program is /sbin/request-key, one path for
 * the whole machine, which the case installs (a symlink to itself) and
 * removes (NSX_CASE .guest); needs root in the initial user namespace;
 * skips without keys (CONFIG_KEYS) or when an /sbin/request-key exists.
 *
 * Tasks: top (namespace outer); c, the init of namespace inner, calls
 * request_key("user", ...).  The kernel runs /sbin/request-key (this program
 * again, as the upcall) in the initial namespaces; it reads the auth key's
 * line in /proc/keys through the initial proc, then forks once into outer
 * and once into inner (setns() on c's /proc/<pid>/ns/pid and its
 * NS_GET_PARENT), mounts a proc of that namespace in a mount namespace of
 * its own and reads the line again (the child in inner also through the
 * initial proc, opened before the fork), and instantiates the key with the
 * four numbers; c reads them back (KEYCTL_READ).  Each prints as named in the
 * namespace of the proc it was read through ("unknown": the initial one).
 *
 * The golden lines and the kernel code behind them (security/keys/,
 * 6.1.192):
 *
 *   c's request_key: a key, read back: the auth key's pid through the
 *   initial proc unknown, through outer's c, through inner's c
 *     request_key.c construct_key() -> request_key_auth.c
 *     request_key_auth_new(): rka->pid = get_pid(task_pid(current)) (the
 *     requester; an upcall's own request inherits its requester's);
 *     call_sbin_request_key() runs "/sbin/request-key create <key> ..."
 *     with the auth key in the helper's new session keyring (which
 *     KEYCTL_ASSUME_AUTHORITY then finds, so KEYCTL_INSTANTIATE may act);
 *     request_key_auth_describe(): " pid:%d" pid_nr_ns(rka->pid,
 *     proc_pid_ns(file_inode(m->file)->i_sb)), the proc mount's namespace,
 *     whoever reads:
 *   a reader in inner through the initial proc: unknown (c's global number)
 *     The same function: the mount, not the reader's namespace.
 */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HELPER "/sbin/request-key"

/* --- the upcall: /sbin/request-key create <key> <uid> <gid> ... ---------- */

/* The pid on the .request_key_auth line for target (" key:<hex> pid:N") in
 * <procfd>/keys. */
static long auth_pid(int procfd, long target)
{
	char want[40], line[512];
	long v = -ENOENT;
	snprintf(want, sizeof(want), " key:%lx pid:", target);
	int fd = openat(procfd, "keys", O_RDONLY | O_CLOEXEC);
	FILE *f = fd < 0 ? NULL : fdopen(fd, "re");
	if (!f) {
		v = -errno;
		if (fd >= 0)
			close(fd);
		return v;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, want);
		if (p) {
			v = strtol(p + strlen(want), NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/* The same line read by a child in the pid namespace nsfd names: v[0]
 * through a proc of that namespace, v[1] through initial_proc. */
static void auth_pid_in(int nsfd, int initial_proc, long target, long v[2])
{
	int p[2];
	v[0] = v[1] = nsfd < 0 ? -EBADF : -EIO;
	if (nsfd < 0)
		return;
	if (pipe(p)) {
		v[0] = v[1] = -errno;
		return;
	}
	if (setns(nsfd, CLONE_NEWPID)) {
		v[0] = v[1] = -errno;
		close(p[0]);
		close(p[1]);
		return;
	}
	pid_t k = fork();
	if (k == 0) {
		int own = -1;
		if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    mount("proc", "/proc", "proc", 0, NULL) ||
		    (own = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
			v[0] = -errno;
		else
			v[0] = auth_pid(own, target);
		v[1] = auth_pid(initial_proc, target);
		if (write(p[1], v, 2 * sizeof(long)) != 2 * sizeof(long))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	if (k < 0)
		v[0] = v[1] = -errno;
	else if (read(p[0], v, 2 * sizeof(long)) != 2 * sizeof(long))
		v[0] = v[1] = -EIO;
	close(p[0]);
	if (k > 0)
		waitpid(k, NULL, 0);
}

static int upcall(int argc, char **argv)
{
	if (argc < 3 || strcmp(argv[1], "create"))
		return 1;
	long target = strtol(argv[2], NULL, 10);
	int initial_proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	long g = auth_pid(initial_proc, target), o[2] = {-ESRCH, -ESRCH}, i[2] = {-ESRCH, -ESRCH};
	if (g > 0) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%ld/ns/pid", g);
		int inner = open(path, O_RDONLY | O_CLOEXEC);
		int outer = inner < 0 ? -1 : ioctl(inner, NS_GET_PARENT);
		auth_pid_in(outer, initial_proc, target, o);
		auth_pid_in(inner, initial_proc, target, i);
	}
	char payload[96];
	int n = snprintf(payload, sizeof(payload), "%ld %ld %ld %ld", g, o[0], i[0], i[1]);
	if (syscall(SYS_keyctl, KEYCTL_ASSUME_AUTHORITY, target) < 0) /* else the auth key's id */
		return 1;
	return syscall(SYS_keyctl, KEYCTL_INSTANTIATE, target, payload, (size_t)n, 0) ? 1 : 0;
}

/* --- the case -------------------------------------------------------------- */

static void do_request(NSX_UNUSED const long *arg)
{
	char desc[64], buf[96];
	long g = 0, o = 0, i = 0, ii = 0;
	struct timespec ts;
	/* A description no earlier run has left a key for. */
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(desc, sizeof(desc), "nsxlate:request_key_auth:%ld.%ld", (long)ts.tv_sec,
	         ts.tv_nsec);
	long key = syscall(SYS_request_key, "user", desc, "nsxlate", KEY_SPEC_PROCESS_KEYRING);
	if (key < 0) {
		NSX_REPLY(-errno);
		return;
	}
	long n = syscall(SYS_keyctl, KEYCTL_READ, key, buf, sizeof(buf) - 1);
	long r = n < 0 ? -errno : 0;
	if (n >= 0) {
		buf[n < (long)sizeof(buf) ? n : (long)sizeof(buf) - 1] = 0;
		if (sscanf(buf, "%ld %ld %ld %ld", &g, &o, &i, &ii) != 4)
			r = -EBADMSG;
	}
	syscall(SYS_keyctl, KEYCTL_INVALIDATE, key);
	NSX_REPLY(r, g, o, i, ii);
}

static int made_sbin, linked;

static void clean(void)
{
	if (linked)
		unlink(HELPER);
	if (made_sbin)
		rmdir("/sbin");
}

static const char *pidv(int ns, long v)
{
	return v < 0 ? nsx_errname((int)-v) : nsx_name_ns(ns, v);
}

NSX_CASE(.family = "A task's own numbers and /proc", .rows = "7.6", .kconfig = "CONFIG_KEYS",
         .guest = "installs " HELPER ", the machine's one key upcall program",
         .root = "installing " HELPER,
         .finding =
                 "`/proc/keys` shows the requester of a key upcall (the `.request_key_auth` key's "
                 "`pid:`) in the proc mount's namespace, like /proc/<pid> files "
                 "(`request_key_auth_describe()`: `pid_nr_ns(rka->pid, proc_pid_ns(sb))`): "
                 "`request_key_auth` (guest only: it installs /sbin/request-key).");

int main(int argc, char **argv)
{
	if (argc > 0 && !strcmp(argv[0], HELPER))
		return upcall(argc, argv);
	nsx_init("top", "outer");
	if (syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_KEYRING, 0) < 0 &&
	    errno == ENOSYS)
		nsx_skip("no keys: keyctl: ENOSYS (CONFIG_KEYS)");
	struct stat st;
	if (!lstat(HELPER, &st))
		nsx_skip(HELPER " is installed (keyutils?): the case would replace it");
	char self[256];
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len <= 0)
		nsx_fail("readlink /proc/self/exe: %s", nsx_errname(errno));
	self[len] = 0;
	atexit(clean);
	if (!mkdir("/sbin", 0755))
		made_sbin = 1;
	if (symlink(self, HELPER))
		nsx_fail("symlink " HELPER ": %s", nsx_errname(errno));
	linked = 1;
	int c = nsx_spawn_agent("c", "inner");
	int inner = nsx_ns_of(c);
	printf("# request_key_auth: /proc/keys shows an upcall's requester in the proc mount's "
	       "namespace\n");
	const long *v = nsx_do(c, do_request, 0, 0, 0)->v;
	if (v[0] < 0) {
		printf("c   request_key: %s\n", nsx_res(v[0]));
	} else {
		printf("c   request_key: a key; the upcall read the auth key's pid through the "
		       "initial proc: %s, outer's: %s, inner's: %s\n",
		       v[1] < 0 ? nsx_errname((int)-v[1]) : nsx_name(0, v[1]), pidv(0, v[2]),
		       pidv(inner, v[3]));
		printf("    and a reader in inner through the initial proc: %s\n",
		       v[4] < 0 ? nsx_errname((int)-v[4]) : nsx_name(0, v[4]));
	}
	nsx_exit();
}
