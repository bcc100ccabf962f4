// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * coredump_file - a core dump written to a file with kernel.core_uses_pid
 * set: the ".<pid>" suffix is the dumper's number in its own pid namespace.
 * Guest only: it sets /proc/sys/kernel/core_pattern and core_uses_pid, which
 * are one for the whole machine (NSX_CASE .guest; skips in the guest's
 * unprivileged pass, which may not write them).  Both are put back.
 *
 * Tasks: top (namespace outer) sets core_pattern to a file,
 * /tmp/nsxlate-core/core (no %p), and core_uses_pid to 1; d, the init of
 * namespace inner, has two children w and w2 (inner); each raises
 * RLIMIT_CORE and calls abort(), w first, and d reaps it.  (Not d itself: a
 * namespace's init ignores a SIGABRT it sends itself, and glibc's abort()
 * then faults.)  Top lists the directory: each file's suffix prints as the
 * task it denotes in inner.
 *
 * The golden lines and the kernel code behind them:
 *
 *   w and w2 killed by SIGABRT with a core; files core.w and core.w2 (2 and
 *   3 in inner: the dumpers' own numbers, not outer's or the initial
 *   namespace's)
 *     fs/coredump.c: format_corename(): a pattern that is not a pipe and has
 *     no %p gets ".%d" of task_tgid_vnr(current) appended when core_uses_pid
 *     is set (current is the dumper).  Read on 6.1.192 and 6.12.117.
 */
#include "nsx.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define DIR_ "/tmp/nsxlate-core"

static char saved_pattern[512], saved_uses_pid[16];

/* Set kernel.<name> to val, its old value into old first (unless NULL): 0
 * or -errno. */
static int sysctl(const char *name, char *old, size_t oldlen, const char *val)
{
	char path[128];
	snprintf(path, sizeof(path), "/proc/sys/kernel/%s", name);
	long r = old ? nsx_read_text(AT_FDCWD, path, old, oldlen) : 0;
	/* A fresh descriptor: a write at a non-zero offset is ignored. */
	return (int)(r < 0 ? r : nsx_write_text(AT_FDCWD, path, "%s", val));
}

static void put_back(void)
{
	char name[64];
	sysctl("core_pattern", NULL, 0, saved_pattern);
	sysctl("core_uses_pid", NULL, 0, saved_uses_pid);
	DIR *d = opendir(DIR_);
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.') {
			snprintf(name, sizeof(name), DIR_ "/%.40s", e->d_name);
			unlink(name);
		}
	if (d)
		closedir(d);
	rmdir(DIR_);
}

/* w and w2: a core, by abort(). */
static void do_dump(NSX_UNUSED const long *arg)
{
	struct rlimit r = {64 << 20, 64 << 20};
	setrlimit(RLIMIT_CORE, &r);
	signal(SIGABRT, SIG_DFL);
	abort();
}

/* d: reap its child, task arg[0]: the wait status, or -errno. */
static void do_reap(const long *arg)
{
	int st = 0;
	pid_t p = nsx_nr_in((int)arg[0], nsx_ns_of(nsx_self()));
	NSX_REPLY(waitpid(p, &st, 0) == p ? st : -errno);
}

static const char *how(long st)
{
	char *s = nsx_strbuf();
	snprintf(s, 64, "%s%s",
	         st >= 0 && WIFSIGNALED(st) ? nsx_signame(WTERMSIG(st)) : "not killed",
	         st >= 0 && WCOREDUMP(st) ? " with a core" : "");
	return s;
}

NSX_CASE(.family = "Core dumps and accounting records", .rows = "24.2",
         .guest = "sets /proc/sys/kernel/core_pattern and core_uses_pid, which are "
                  "machine-wide",
         .root = "writing core_pattern");

int main(void)
{
	nsx_init("top", "outer");
	if (mkdir(DIR_, 0700) && errno != EEXIST)
		nsx_fail("mkdir " DIR_ ": %s", nsx_errname(errno));
	int e = sysctl("core_pattern", saved_pattern, sizeof(saved_pattern), DIR_ "/core");
	if (!e)
		e = sysctl("core_uses_pid", saved_uses_pid, sizeof(saved_uses_pid), "1");
	if (e) {
		put_back();
		if (e == -EACCES || e == -EPERM)
			nsx_skip("writing core_pattern: %s", nsx_errname(-e));
		nsx_fail("core_pattern, core_uses_pid: %s", nsx_errname(-e));
	}
	atexit(put_back);

	int d = nsx_spawn_agent("d", "inner");
	int w = nsx_spawn_agent_by(d, "w", NULL), w2 = nsx_spawn_agent_by(d, "w2", NULL);
	long st[2];
	for (int i = 0; i < 2; i++) {
		nsx_ask(i ? w2 : w, do_dump, 0, 0, 0);
		st[i] = nsx_do(d, do_reap, i ? w2 : w, 0, 0)->v[0];
	}
	printf("# coredump_file: core_uses_pid's suffix is the dumper's own-namespace number "
	       "(names are inner's)\n");
	printf("w: %s; w2: %s\n", how(st[0]), how(st[1]));
	/* The directory, sorted by name. */
	struct dirent **list;
	int n = scandir(DIR_, &list, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *s = list[i]->d_name;
		if (s[0] == '.')
			continue;
		if (!strncmp(s, "core.", 5))
			printf("file core.%s\n",
			       nsx_name_ns(nsx_ns_of(d), strtol(s + 5, NULL, 10)));
		else
			printf("file %s\n", s);
	}
	nsx_forget(w);
	nsx_forget(w2);
	nsx_exit();
}
