/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core_pattern for the guest-only core dump cases (coredump_pids,
 * coredump_peer): the running program's path, for a pipe helper that is
 * this program again, and the pattern as it was, to put back at the end.
 */
#ifndef NSX_CORE_PATTERN_H
#define NSX_CORE_PATTERN_H

#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CORE_PATTERN "/proc/sys/kernel/core_pattern"

/* The running program's path (/proc/self/exe). */
static inline void self_exe(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	if (n <= 0)
		nsx_fail("readlink /proc/self/exe: %s", nsx_errname(errno));
	buf[n] = '\0';
}

/* core_pattern as it is, into saved; skips where it may not be written
 * (root in the initial user namespace only). */
static inline void core_pattern_save(char *saved, size_t len)
{
	int f = open(CORE_PATTERN, O_RDWR | O_CLOEXEC);
	if (f < 0 && (errno == EACCES || errno == EPERM))
		nsx_skip("core_pattern: %s: needs root in the initial user namespace",
		         nsx_errname(errno));
	if (f < 0)
		nsx_fail("core_pattern: %s", nsx_errname(errno));
	ssize_t n = read(f, saved, len - 1);
	saved[n > 0 ? n : 0] = '\0';
	close(f);
}

/* The wait status of process pid, alive or a zombie, as procfd's
 * <pid>/stat says it (field 52, exit_code: fs/proc/array.c do_task_stat(),
 * a dying group's group_exit_code), or -1. */
static inline int dumper_status(int procfd, pid_t pid)
{
	char path[32], buf[1024];
	snprintf(path, sizeof(path), "%d/stat", (int)pid);
	int f = openat(procfd, path, O_RDONLY | O_CLOEXEC);
	ssize_t n = f < 0 ? -1 : read(f, buf, sizeof(buf) - 1);
	if (f >= 0)
		close(f);
	buf[n > 0 ? n : 0] = '\0';
	char *s = strrchr(buf, ')'), *save = NULL;
	long v = -1;
	int field = 2; /* the comm, up to its last ')' */
	for (char *t = s ? strtok_r(s + 1, " \n", &save) : NULL; t;
	     t = strtok_r(NULL, " \n", &save))
		if (++field == 52)
			v = strtol(t, NULL, 10);
	return (int)v;
}

/*
 * The pipe helper's report: what it wrote to the FIFO fd fifo (opened
 * O_RDONLY | O_NONBLOCK before the dump) up to the FIFO's end of file,
 * NUL-terminated in buf; NULL, or why there is none.  The helper opens the
 * FIFO first (O_NONBLOCK: a FIFO nobody reads is an error, not a wait) and
 * writes its report in one write() before it exits, so the end of file is
 * the helper's end, however it ends (fs/pipe.c pipe_poll(): EPOLLHUP once
 * a writer has come and gone).  dumper: the dumping process, its number in
 * the namespace of procfd; not reaped before this returns.
 *   No deadline of its own: each wait ends with an event the kernel
 * guarantees.  The dumper ends, with a core or without (kernel/fork.c
 * pidfd_poll()).  Without, no helper is coming: fs/coredump.c
 * coredump_finish() adds 0x80 to the status only when binfmt->core_dump()
 * succeeded, and into a pipe it cannot start before
 * call_usermodehelper_exec(UMH_WAIT_EXEC) has exec'd the helper.  With
 * it, the helper runs and has the whole core: its end ends the wait.
 */
static inline const char *helper_wait(int fifo, int procfd, pid_t dumper, char *buf, size_t len)
{
	static char why[200];
	size_t got = 0;
	int pfd = (int)syscall(SYS_pidfd_open, dumper, 0);
	why[0] = '\0';
	if (pfd < 0)
		snprintf(why, sizeof(why), "pidfd_open(the dumper): %s", nsx_errname(errno));
	while (!why[0]) {
		struct pollfd pf[2] = {{fifo, POLLIN, 0}, {pfd, POLLIN, 0}};
		if (poll(pf, pfd >= 0 ? 2 : 1, -1) < 0) {
			if (errno != EINTR)
				snprintf(why, sizeof(why), "poll: %s", nsx_errname(errno));
			continue;
		}
		if (pf[0].revents) {
			ssize_t k = got < len - 1 ? read(fifo, buf + got, len - 1 - got) : 0;
			if (k > 0)
				got += (size_t)k;
			if (k == 0) /* every writer gone (or buf full) */
				break;
			if (k < 0 && errno != EAGAIN && errno != EINTR)
				snprintf(why, sizeof(why), "read: %s", nsx_errname(errno));
		}
		if (pfd >= 0 && pf[1].revents) {
			int st = dumper_status(procfd, dumper);
			close(pfd);
			pfd = -1;
			if (st < 0)
				snprintf(why, sizeof(why),
				         "the dumper ended; its status is unreadable");
			else if (!WIFSIGNALED(st))
				snprintf(why, sizeof(why), "the dumper exited with status %d",
				         WEXITSTATUS(st));
			else if (!WCOREDUMP(st))
				snprintf(why, sizeof(why),
				         "the dumper was killed by %s without a core: the kernel "
				         "started no helper (\"Core dump to |... pipe failed\"), "
				         "or the core did not reach it",
				         nsx_signame(WTERMSIG(st)));
		}
	}
	if (pfd >= 0)
		close(pfd);
	buf[got] = '\0';
	if (!why[0] && !got)
		snprintf(why, sizeof(why), "the helper ended without a report");
	return why[0] ? why : NULL;
}

#endif
