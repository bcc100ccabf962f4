// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * proc.c - /proc and namespaces a task makes for itself: status lines
 * (NSpid, NSpgid, NSsid), a private IPC namespace, user namespaces with
 * maps, a fresh proc mount.
 */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int nsx_read_status_list(int pfd, const char *pid, const char *field, long *nr, int max)
{
	char path[64], buf[4096], key[32];
	snprintf(path, sizeof(path), "%s/status", pid);
	snprintf(key, sizeof(key), "\n%s:", field);
	int fd = openat(pfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t r = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (r <= 0)
		return -1;
	buf[r] = '\0';
	char *p = strstr(buf, key);
	if (!p)
		return -1;
	p += strlen(key);
	int n = 0;
	while (n < max) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		nr[n++] = v;
		p = end;
		if (*p == '\n')
			break;
	}
	return n;
}

int nsx_read_nspid(int pfd, const char *pid, long *nr, int max)
{
	return nsx_read_status_list(pfd, pid, "NSpid", nr, max);
}

const char *nsx_tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	return t && t[0] == '/' ? t : "/tmp";
}

const char *nsx_mount_dir(const char *tag)
{
	char *d = malloc(PATH_MAX);
	if (!d)
		nsx_fail("nsx_mount_dir: out of memory");
	snprintf(d, PATH_MAX, "%s/nsxlate-%s.XXXXXX", nsx_tmpdir(), tag);
	if (!mkdtemp(d))
		nsx_fail("mkdtemp %s: %s", d, nsx_errname(errno));
	return d;
}

static const char *fs_dirs[4];
static pid_t fs_owner;

static void unmount_fs(void)
{
	if (getpid() != fs_owner)
		return;
	for (int i = 3; i >= 0; i--)
		if (fs_dirs[i]) {
			umount2(fs_dirs[i], MNT_DETACH);
			rmdir(fs_dirs[i]);
			fs_dirs[i] = NULL;
		}
}

const char *nsx_mount_fs(const char *fstype, const char *data, const char *option)
{
	int slot = 0;
	while (slot < 4 && fs_dirs[slot])
		slot++;
	if (slot == 4)
		nsx_fail("nsx_mount_fs: more than four mounts");
	if (!fs_owner) {
		if (unshare(CLONE_NEWNS) || mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL))
			nsx_fail("a mount namespace: %s", nsx_errname(errno));
		fs_owner = getpid();
		atexit(unmount_fs);
	}
	const char *dir = nsx_mount_dir(fstype);
	if (mount("nsxlate", dir, fstype, 0, data)) {
		int e = errno;
		rmdir(dir);
		nsx_skip("mount -t %s: %s (%s)", fstype, nsx_errname(e), option);
	}
	fs_dirs[slot] = dir;
	return dir;
}

long nsx_read_long(const char *path, long *v)
{
	FILE *f = fopen(path, "re");
	*v = 0;
	if (!f)
		return -errno;
	long r = fscanf(f, "%li", v) == 1 ? 0 : -EIO;
	fclose(f);
	return r;
}

int nsx_threads(int t, long *tid, char (*name)[32], int max)
{
	char path[64];
	int n = 0;
	snprintf(path, sizeof(path), "%d/task", (int)nsx_pid(t));
	int fd = openat(nsx_procfd(), path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	for (struct dirent *e; d && (e = readdir(d)) && n < max;) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		char p2[128];
		tid[n] = strtol(e->d_name, NULL, 10);
		snprintf(p2, sizeof(p2), "%s/%s/comm", path, e->d_name);
		nsx_read_text(nsx_procfd(), p2, name[n], 32);
		name[n][strcspn(name[n], "\n")] = '\0';
		n++;
	}
	if (d)
		closedir(d);
	else if (fd >= 0)
		close(fd);
	return n;
}

long nsx_read_text(int dirfd, const char *path, char *buf, size_t len)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, len - 1);
	long r = n < 0 ? -errno : n;
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return r;
}

const char *nsx_field(const char *text, const char *name)
{
	char *o = nsx_strbuf();
	size_t n = strlen(name);
	o[0] = '\0';
	for (const char *s = text; s; s = strchr(s, '\n')) {
		s += *s == '\n';
		if (!strncmp(s, name, n) && s[n] == ':') {
			s += n + 1 + strspn(s + n + 1, " \t");
			snprintf(o, 256, "%.*s", (int)strcspn(s, "\n"), s);
			break;
		}
	}
	return o;
}

const char *nsx_read_field(int dirfd, const char *path, const char *name)
{
	char buf[4096];
	nsx_read_text(dirfd, path, buf, sizeof(buf));
	return nsx_field(buf, name);
}

int nsx_open_ns(int task, const char *which)
{
	char path[64];
	snprintf(path, sizeof(path), "%d/ns/%s", (int)nsx_task_nr(task, 0), which);
	return openat(nsx_proc_dir, path, O_RDONLY | O_CLOEXEC);
}

int nsx_numbers(const char *s, long *v, int max)
{
	int n = 0;
	for (char *e; n < max; s = e) {
		long x = strtol(s, &e, 10);
		if (e == s)
			break;
		v[n++] = x;
	}
	return n;
}

long nsx_read_numbers(int dirfd, const char *path, long *v, int max)
{
	char buf[4096];
	long r = nsx_read_text(dirfd, path, buf, sizeof(buf));
	return r < 0 ? r : nsx_numbers(buf, v, max);
}

int nsx_field_numbers(const char *text, const char *field, long *v, int max)
{
	size_t len = strlen(field);
	for (const char *p = text; p; p = strchr(p, '\n')) {
		p += *p == '\n';
		if (!strncmp(p, field, len) && p[len] == ':') {
			char line[512];
			snprintf(line, sizeof(line), "%.*s", (int)strcspn(p + len + 1, "\n"),
			         p + len + 1);
			return nsx_numbers(line, v, max);
		}
	}
	return -ENOENT;
}

long nsx_read_field_numbers(int dirfd, const char *path, const char *field, long *v, int max)
{
	char buf[4096];
	long r = nsx_read_text(dirfd, path, buf, sizeof(buf));
	return r < 0 ? r : nsx_field_numbers(buf, field, v, max);
}

void nsx_private_ipc(void)
{
	if (unshare(CLONE_NEWIPC)) {
		int e = errno;
		if (e == EPERM && nsx_is_top())
			nsx_skip("unshare(CLONE_NEWIPC): EPERM: needs CAP_SYS_ADMIN");
		nsx_fail("unshare(CLONE_NEWIPC): %s", nsx_errname(e));
	}
}

long nsx_write_text(int dirfd, const char *path, const char *fmt, ...)
{
	char text[4096];
	va_list ap;
	va_start(ap, fmt);
	int len = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (len < 0 || len >= (int)sizeof(text))
		return -EOVERFLOW;
	int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, text, (size_t)len);
	long r = n < 0 ? -errno : n == len ? 0 : -EIO;
	close(fd);
	return r;
}

int nsx_new_userns(const char *uid_map, const char *gid_map)
{
	if (unshare(CLONE_NEWUSER))
		return -errno;
	int e = uid_map ? (int)nsx_write_text(nsx_proc_dir, "self/uid_map", "%s", uid_map) : 0;
	if (!e && gid_map) {
		/* Without CAP_SETGID in the parent namespace a gid_map needs
		 * setgroups denied first (kernel/user_namespace.c). */
		e = (int)nsx_write_text(nsx_proc_dir, "self/setgroups", "deny");
		if (!e)
			e = (int)nsx_write_text(nsx_proc_dir, "self/gid_map", "%s", gid_map);
	}
	return e;
}

long nsx_drop_caps(void)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof(d));
	return syscall(SYS_capset, &h, d) ? -errno : 0;
}

int nsx_mount_proc(void)
{
	if (unshare(CLONE_NEWNS))
		return -errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -errno;
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL))
		return -errno;
	return 0;
}

int nsx_own_proc(void)
{
	int e = nsx_mount_proc();
	if (e)
		nsx_fail("mounting a proc of our own: %s", nsx_errname(-e));
	int fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		nsx_fail("opening the new /proc: %s", nsx_errname(errno));
	return fd;
}

const char *nsx_case_cgroup(void)
{
	static char dir[PATH_MAX];
	const char *cg = getenv("NSX_CGROUP");
	if (!cg) {
		const char *why = getenv("NSX_NOCGROUP");
		nsx_skip("no cgroup2 directory to make: %s",
		         why ? why : "run by nsxrun, which offers one in NSX_CGROUP");
	}
	snprintf(dir, sizeof(dir), "%s", cg);
	char *slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST)
			nsx_fail("mkdir %s: %s", dir, nsx_errname(errno));
		*slash = '/';
	}
	if (mkdir(dir, 0755) && errno != EEXIST)
		nsx_fail("mkdir %s: %s", dir, nsx_errname(errno));
	return dir;
}

/* Column col (0-based) of the line for object id in the /proc/sysvipc file
 * open at fd, read from its start; -errno if absent. */
long nsx_sysvipc_field(int fd, long id, int col)
{
	char buf[8192];
	if (lseek(fd, 0, SEEK_SET))
		return -errno;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return n ? -errno : -ENODATA;
	buf[n] = '\0';
	for (char *line = strchr(buf, '\n'); line && *++line; line = strchr(line, '\n')) {
		long v[16];
		int k = 0;
		char *p = line;
		while (k < 16) {
			char *end;
			v[k] = strtol(p, &end, 10);
			if (end == p)
				break;
			k++;
			p = end;
		}
		if (k > col && k > 1 && v[1] == id)
			return v[col];
	}
	return -ENOENT;
}
