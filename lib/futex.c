// SPDX-License-Identifier: GPL-2.0-or-later
/* futex.c - PI futex calls on shared words, and futex words printed by name. */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

long nsx_futex_lock_pi(uint32_t *word, int timeout_ms)
{
	/* FUTEX_LOCK_PI takes an absolute CLOCK_REALTIME deadline. */
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return syscall(SYS_futex, word, FUTEX_LOCK_PI, 0, &ts, NULL, 0) ? -errno : 0;
}

long nsx_futex_unlock_pi(uint32_t *word)
{
	return syscall(SYS_futex, word, FUTEX_UNLOCK_PI, 0, NULL, NULL, 0) ? -errno : 0;
}

int nsx_await_bits(uint32_t *word, uint32_t mask)
{
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((__atomic_load_n(word, __ATOMIC_ACQUIRE) & mask) != mask) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		long ms = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (ms > nsx_timeout_ms())
			return -ETIMEDOUT;
		sched_yield(); /* the bit is the kernel's, set in the waiter's syscall */
	}
	return 0;
}

/* The state letter of /proc/<pid>/stat (path relative to the case's proc). */
static char task_state(const char *path)
{
	char buf[512];
	int fd = openat(nsx_procfd(), path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return '?';
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

int nsx_await_syscall(int task, long nr, unsigned long arg0)
{
	char path[64], buf[256];
	struct timespec t0, t;
	/* /proc/<pid>/syscall names the syscall a task is in and its arguments
	 * ("202 0x<uaddr> ...") whenever the task is off the CPU, preempted
	 * included; the first argument tells this wait from others in the same
	 * syscall, such as lib's own barriers.  Only state S in /proc/<pid>/stat
	 * says it is asleep there (for a futex wait: queued, futex_wait_queue()):
	 * under load a task can be preempted inside the syscall before that. */
	char spath[64];
	snprintf(path, sizeof(path), "%d/syscall", (int)nsx_table()->task[task].nr[0]);
	snprintf(spath, sizeof(spath), "%d/stat", (int)nsx_table()->task[task].nr[0]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		int fd = openat(nsx_procfd(), path, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
		if (fd >= 0)
			close(fd);
		if (n > 0) {
			buf[n] = '\0';
			char *end;
			long v = strtol(buf, &end, 10);
			unsigned long a0 = end != buf ? strtoul(end, NULL, 16) : 0;
			if (end != buf && v == nr && a0 == arg0 && task_state(spath) == 'S')
				return 0;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		long ms = (t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (ms > nsx_timeout_ms())
			return -ETIMEDOUT;
		sched_yield();
	}
}

const char *nsx_futex_word(int ns, uint32_t v)
{
	static char buf[8][160];
	static int r;
	char *b = buf[r++ % 8];
	if (v == 0) {
		snprintf(b, 160, "0 (unlocked)");
		return b;
	}
	snprintf(b, 160, "owner=%s%s%s", nsx_name_ns(ns, (long)(v & FUTEX_TID_MASK)),
	         v & FUTEX_WAITERS ? "+WAITERS" : "", v & FUTEX_OWNER_DIED ? "+OWNER_DIED" : "");
	return b;
}
