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
#include <unistd.h>

#define CORE_PATTERN "/proc/sys/kernel/core_pattern"

/* The running program's path (/proc/self/exe). */
static void self_exe(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	if (n <= 0)
		nsx_fail("readlink /proc/self/exe: %s", nsx_errname(errno));
	buf[n] = '\0';
}

/* core_pattern as it is, into saved; skips where it may not be written
 * (root in the initial user namespace only). */
static void core_pattern_save(char *saved, size_t len)
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

/* What the pipe helper wrote to the FIFO fd, up to its end of file (bounded
 * by lib's timeout), NUL-terminated in buf. */
static void helper_report(int fifo, char *buf, size_t len)
{
	size_t got = 0;
	for (;;) {
		struct pollfd pf = {fifo, POLLIN, 0};
		int r = poll(&pf, 1, nsx_timeout_ms());
		ssize_t k = r > 0 ? read(fifo, buf + got, len - 1 - got) : 0;
		if (k > 0) {
			got += (size_t)k;
			continue;
		}
		if (r <= 0 || k == 0)
			break;
	}
	buf[got] = '\0';
}

#endif
