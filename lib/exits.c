// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * exits.c - how a case ends: skip, fail (in the top or sent from a task),
 * and nsx_exit(), which collects errors tasks sent, then kills and reaps
 * everything the case started.
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
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

__attribute__((format(printf, 2, 0))) static void vreport(const char *what, const char *fmt,
                                                          va_list ap)
{
	char msg[160];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (nsx_is_top() || nsx_me < 0 || nsx_rep_wr < 0) {
		fflush(stdout);
		fprintf(stderr, "nsx: %s: %s\n", what, msg);
		return;
	}
	struct nsx_msg m = {.task = nsx_me, .kind = NSX_MSG_ERR};
	snprintf(m.key, sizeof(m.key), "%s", what);
	snprintf(m.text, sizeof(m.text), "%s", msg);
	if (write(nsx_rep_wr, &m, sizeof(m)) != (ssize_t)sizeof(m))
		fprintf(stderr, "nsx: %s: %s: %s\n", nsx_T->task[nsx_me].name, what, msg);
}

void nsx_skip(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("skip", fmt, ap);
	va_end(ap);
	if (nsx_is_top()) {
		nsx_reap_all();
		exit(NSX_EXIT_SKIP);
	}
	_exit(NSX_EXIT_SKIP);
}

void nsx_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport("error", fmt, ap);
	va_end(ap);
	/* A task that fails before it is registered tells its spawner at once. */
	if (nsx_T && nsx_me > 0 && !nsx_is_top() &&
	    __atomic_load_n(&nsx_T->task[nsx_me].ready, __ATOMIC_ACQUIRE) == 0) {
		__atomic_store_n(&nsx_T->task[nsx_me].ready, 2, __ATOMIC_RELEASE);
		nsx_wake(&nsx_T->task[nsx_me].ready);
	}
	if (nsx_is_top()) {
		nsx_reap_all();
		exit(NSX_EXIT_ERROR);
	}
	_exit(NSX_EXIT_ERROR);
}

/* Kill a child given by its number in nsx_proc_dir's namespace, through a pidfd-like
 * /proc/<n> directory fd so the number cannot be reused under us. */
static void kill_proc_entry(const char *nr)
{
	int fd = openat(nsx_proc_dir, nr, O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
	close(fd);
}

static int kill_children(void)
{
	char path[300], buf[4096];
	int n = 0;
	DIR *d;
	struct dirent *e;

	int tfd = openat(nsx_proc_dir, "self/task", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (tfd < 0 || !(d = fdopendir(tfd))) {
		if (tfd >= 0)
			close(tfd);
		return -1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "self/task/%s/children", e->d_name);
		int fd = openat(nsx_proc_dir, path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t r = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (r <= 0)
			continue;
		buf[r] = '\0';
		for (char *tok = strtok(buf, " \n"); tok; tok = strtok(NULL, " \n")) {
			kill_proc_entry(tok);
			n++;
		}
	}
	closedir(d);
	return n;
}

void nsx_reap_all(void)
{
	/* As a child subreaper (set in nsx_init) orphans come back to us: kill
	 * what is listed, reap one, repeat until there is nothing left.  Killing
	 * a namespace init kills its whole namespace (zap_pid_ns_processes). */
	for (;;) {
		if (nsx_proc_dir >= 0)
			kill_children();
		int reaped = 0;
		if (nsx_T)
			for (int i = 1; i < nsx_T->ntasks; i++)
				if (nsx_T->task[i].spawner == nsx_me && nsx_T->task[i].ready) {
					pid_t p = nsx_pid(i);
					int st;
					pid_t w = p > 0 ? waitpid(p, &st, WNOHANG) : -1;
					if (w == 0)
						kill(p, SIGKILL);
					reaped |= w == p;
				}
		/* A task reaped just now gave us its children (we are a subreaper)
		 * after the scan above: scan again before waiting, or a child
		 * that never changes state would keep us waiting forever. */
		if (reaped)
			continue;
		pid_t p = waitpid(-1, NULL, __WALL);
		if (p < 0 && errno == ECHILD)
			break;
	}
}

void nsx_exit_for(const struct nsx_msg *m)
{
	const char *who = m->task >= 0 && m->task < nsx_T->ntasks ? nsx_T->task[m->task].name : "?";
	fflush(stdout);
	fprintf(stderr, "nsx: %s: task %s: %s\n", m->key, who, m->text);
	nsx_reap_all();
	exit(strcmp(m->key, "skip") ? NSX_EXIT_ERROR : NSX_EXIT_SKIP);
}

void nsx_drain_errors(void)
{
	struct nsx_msg m;
	int fl = fcntl(nsx_rep_rd, F_GETFL);
	fcntl(nsx_rep_rd, F_SETFL, fl | O_NONBLOCK);
	while (read(nsx_rep_rd, &m, sizeof(m)) == (ssize_t)sizeof(m)) {
		if (m.kind == NSX_MSG_ERR)
			nsx_exit_for(&m);
	}
	fcntl(nsx_rep_rd, F_SETFL, fl);
}

void nsx_exit(void)
{
	if (!nsx_is_top())
		_exit(0);
	/* Output that could not be written (a full disk) is an error, not a
	 * shorter golden comparison. */
	int werr = fflush(stdout) || ferror(stdout) ? errno : 0;
	nsx_reap_all();
	nsx_drain_errors();
	if (werr)
		nsx_fail("writing stdout: %s", nsx_errname(werr ? werr : EIO));
	exit(0);
}

/* "expr: ERRNAME (file:line)", the expression cut to what the message holds. */
_Noreturn static void try_failed(int e, const char *expr, const char *file, int line)
{
	nsx_fail("%.100s: %s (%s:%d)", expr, nsx_errname(e), file, line);
}

long nsx_try_(long r, const char *expr, const char *file, int line)
{
	if (r == -1)
		try_failed(errno, expr, file, line);
	return r;
}

void nsx_try_err_(int e, const char *expr, const char *file, int line)
{
	if (e)
		try_failed(e, expr, file, line);
}

long nsx_try_neg_(long r, const char *expr, const char *file, int line)
{
	if (r < 0)
		try_failed((int)-r, expr, file, line);
	return r;
}

void *nsx_try_ptr_(void *p, const char *expr, const char *file, int line)
{
	if (!p)
		try_failed(errno, expr, file, line);
	return p;
}
