// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * signals.c - blocking, waiting for and describing signals: the raw
 * rt_sigtimedwait (glibc rewrites SI_TKILL), siginfo as names.
 */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

void nsx_block(int sig)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	if (sigprocmask(SIG_BLOCK, &s, NULL))
		nsx_fail("sigprocmask: %s", nsx_errname(errno));
}

int nsx_pending(int sig)
{
	sigset_t s;
	sigpending(&s);
	return sigismember(&s, sig) == 1;
}

const char *nsx_pending_of(int task)
{
	char path[64], buf[4096], *b = nsx_strbuf();
	unsigned long long set = 0, v;
	snprintf(path, sizeof(path), "%d/status", (int)nsx_pid(task));
	int fd = openat(nsx_procfd(), path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		nsx_fail("read %s: %s", path, nsx_errname(errno));
	buf[n] = '\0';
	static const char *const keys[] = {"\nSigPnd:", "\nShdPnd:"};
	for (int k = 0; k < 2; k++) {
		char *p = strstr(buf, keys[k]);
		if (!p || sscanf(p + strlen(keys[k]), "%llx", &v) != 1)
			nsx_fail("no %s in %s", keys[k] + 1, path);
		set |= v;
	}
	int len = 0;
	b[0] = '\0';
	for (int sig = 1; sig <= 64 && len < 200; sig++)
		if (set & (1ULL << (sig - 1)))
			len += snprintf(b + len, 256 - (size_t)len, "%s%s", len ? " " : "",
			                nsx_signame(sig));
	return len ? b : "none";
}

int nsx_sigwait(int sig, siginfo_t *si)
{
	sigset_t s;
	long long deadline = nsx_now_ms() + nsx_timeout_ms();
	sigemptyset(&s);
	sigaddset(&s, sig);
	for (;;) {
		long long left = deadline - nsx_now_ms();
		if (left <= 0)
			return -1;
		struct timespec ts = {left / 1000, (left % 1000) * 1000000};
		memset(si, 0, sizeof(*si));
		/* The raw syscall: glibc's sigtimedwait() rewrites SI_TKILL to SI_USER. */
		if (syscall(SYS_rt_sigtimedwait, &s, si, &ts, (size_t)(_NSIG / 8)) == sig)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

static void siginfo_vals(const siginfo_t *si, long v[6])
{
	v[0] = si->si_signo;
	v[1] = si->si_code;
	v[2] = si->si_pid;
	v[3] = si->si_uid;
	v[4] = si->si_value.sival_int;
	v[5] = si->si_status;
}

void nsx_sigwait_v(int sig, long v[6])
{
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	int r = nsx_sigwait(sig, &si);
	siginfo_vals(&si, v);
	if (r)
		v[0] = -1;
}

long nsx_waitid(pid_t pid, int options, long v[6])
{
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	long r = waitid(P_PID, (id_t)pid, &si, options) ? -errno : 0;
	siginfo_vals(&si, v);
	v[4] = 0; /* a SIGCHLD's siginfo carries no value */
	if (r)
		v[0] = -1;
	return r;
}

void nsx_sig_row(int width, const char *what, long r, int task, const char *key)
{
	nsx_row(width, what, r, nsx_siginfo_str(task, nsx_recv(task, key)));
}

void nsx_send_siginfo(const char *key, int sig)
{
	siginfo_t si;
	if (nsx_sigwait(sig, &si))
		NSX_SEND(key, -1);
	else
		NSX_SEND(key, si.si_signo, si.si_code, si.si_pid, si.si_uid, si.si_value.sival_int,
		         si.si_status);
}

const char *nsx_siginfo_str(int observer, const struct nsx_msg *m)
{
	return nsx_siginfo_v(observer, m->v);
}

const char *nsx_siginfo_v(int observer, const long *v)
{
	char *b = nsx_strbuf();
	int sig = (int)v[0], code = (int)v[1];
	if (sig < 0) {
		snprintf(b, 256, "no signal (timed out)");
		return b;
	}
	int n = snprintf(b, 256, "%s si_code=%s si_pid=%s si_uid=%ld", nsx_signame(sig),
	                 nsx_sicode(sig, code), nsx_name(observer, v[2]), v[3]);
	if (n > 0 && n < 256 && (code == SI_QUEUE || code == SI_MESGQ))
		snprintf(b + n, 256 - (size_t)n, " si_value=%ld", v[4]);
	else if (n > 0 && n < 256 && sig == SIGCHLD)
		snprintf(b + n, 256 - (size_t)n, " si_status=%s",
		         code == CLD_EXITED ? nsx_itoa(v[5]) : nsx_signame((int)v[5]));
	return b;
}
