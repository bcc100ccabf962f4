// SPDX-License-Identifier: GPL-2.0-or-later
/* compare.c - golden comparison and the verdict for a finished case. */
#include "runner.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int files_equal(const char *a, const char *b)
{
	FILE *fa = fopen_regular(a, "rb"), *fb = fopen_regular(b, "rb");
	int same = -1;

	if (fa && fb) {
		char ba[8192], bb[8192];
		for (;;) {
			size_t na = fread(ba, 1, sizeof(ba), fa);
			size_t nb = fread(bb, 1, sizeof(bb), fb);
			if (na != nb || memcmp(ba, bb, na)) {
				same = 0;
				break;
			}
			if (na == 0) {
				same = ferror(fa) || ferror(fb) ? -1 : 1;
				break;
			}
		}
	}
	int e = errno;
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	errno = e;
	return same;
}

int write_diff(const char *a, const char *b, const char *out)
{
	if ((strcmp(a, "/dev/null") && !is_regular(a)) || !is_regular(b))
		return -1; /* diff would block on a FIFO */
	pid_t p = fork();
	if (p < 0)
		return -1;
	if (p == 0) {
		int fd = open_out(out);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(127);
		/* Labels without times: the same outputs give the same diff. */
		execlp("diff", "diff", "-u", "--label", a, "--label", b, a, b, (char *)NULL);
		_exit(127);
	}
	int st;
	while (waitpid(p, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	/* diff exits 1 when the files differ, 0 when they do not. */
	return WIFEXITED(st) && WEXITSTATUS(st) <= 1 ? 0 : -1;
}

void skip_reason(const char *err_path, char *buf, size_t len)
{
	FILE *f = fopen_regular(err_path, "r");
	char line[512];
	snprintf(buf, len, "no reason given");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "nsx: skip: ");
		if (p) {
			p += strlen("nsx: skip: ");
			p[strcspn(p, "\n")] = '\0';
			snprintf(buf, len, "%s", p);
		}
	}
	fclose(f);
}

/* The last non-empty line of a file, for an error's reason. */
static void last_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen_regular(path, "r");
	char line[512];
	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0])
			snprintf(buf, len, "%s", line);
	}
	fclose(f);
}

/* A case that did not finish (error, crash, timeout) after printing part of
 * its output: the diff of what it printed against the golden file, so that
 * a regression which breaks the case's own set-up still reads as a diff. */
static void partial_diff(const struct job *j, const char *expected_path, const char *diff_path,
                         struct result *r)
{
	struct stat st;
	if (stat(j->out, &st) || st.st_size == 0 || access(expected_path, R_OK))
		return;
	if (files_equal(expected_path, j->out) == 0 &&
	    write_diff(expected_path, j->out, diff_path) == 0)
		snprintf(r->diff, sizeof(r->diff), "%s", diff_path);
}

long over_cap(const struct job *j)
{
	struct stat st;
	const char *f[] = {j->out, j->err, j->trace};
	for (int i = 0; i < 3; i++)
		if (f[i][0] && !stat(f[i], &st) && st.st_size >= NSXRUN_OUTPUT_CAP)
			return (long)st.st_size;
	return 0;
}

/* r's directive and reason (printf-style). */
__attribute__((format(printf, 3, 4))) static void say(struct result *r, const char *directive,
                                                      const char *fmt, ...)
{
	va_list ap;
	snprintf(r->directive, sizeof(r->directive), "%s", directive);
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}

/* How the run ended, before any golden file: 1 when it ended with status 0
 * and its output is to be compared, else 0 with r filled in. */
static int judge_end(const struct job *j, const char *expected_path, const char *diff_path,
                     struct result *r)
{
	char tail[200];
	if (j->start_error[0]) {
		say(r, "ERROR", "not started: %s", j->start_error);
		r->err[0] = '\0';
		return 0;
	}
	if (over_cap(j) ||
	    (j->have_status && WIFSIGNALED(j->status) && WTERMSIG(j->status) == SIGXFSZ)) {
		/* The first part is kept: RLIMIT_FSIZE stopped the file there. */
		say(r, "ERROR", "output over %d bytes (the first %d kept)", NSXRUN_OUTPUT_CAP,
		    NSXRUN_OUTPUT_CAP);
		return 0;
	}
	if (j->timed_out || !j->have_status) {
		if (j->timed_out)
			say(r, "TIMEOUT", "killed after %.1f s with all it started", j->secs);
		else
			say(r, "ERROR", "no exit status from the case's reaper");
		partial_diff(j, expected_path, diff_path, r);
		return 0;
	}
	if (j->unjudged[0]) {
		say(r, "ERROR",
		    "not judged: %.200s: a number of the machine could pass for a case's task",
		    j->unjudged);
		return 0;
	}
	if (WIFSIGNALED(j->status)) {
		say(r, "ERROR", "killed by signal %d (%s)%s", WTERMSIG(j->status),
		    strsignal(WTERMSIG(j->status)), WCOREDUMP(j->status) ? ", core dumped" : "");
		partial_diff(j, expected_path, diff_path, r);
		return 0;
	}
	int code = WEXITSTATUS(j->status);
	if (code == 4) {
		r->v = V_SKIP;
		r->err[0] = '\0';
		snprintf(r->directive, sizeof(r->directive), "SKIP");
		skip_reason(j->err, r->reason, sizeof(r->reason));
		return 0;
	}
	if (code != 0) {
		last_line(j->err, tail, sizeof(tail));
		say(r, "ERROR", "exit status %d%s%s", code, tail[0] ? ": " : "", tail);
		partial_diff(j, expected_path, diff_path, r);
		return 0;
	}
	return 1;
}

void judge(const struct job *j, const char *expected_path, const char *diff_path, struct result *r)
{
	memset(r, 0, sizeof(*r));
	r->v = V_FAIL;
	snprintf(r->err, sizeof(r->err), "%s", j->err);
	if (!judge_end(j, expected_path, diff_path, r))
		return;
	if (access(expected_path, F_OK) != 0) {
		say(r, "ERROR", "no golden file %s (see --bless)", expected_path);
		return;
	}
	if (!is_regular(expected_path)) {
		say(r, "ERROR", "golden file %s is not a regular file", expected_path);
		return;
	}
	int same = files_equal(expected_path, j->out);
	if (same == 1) {
		r->v = V_PASS;
		r->err[0] = '\0';
		return;
	}
	if (same < 0) {
		say(r, "ERROR", "cannot compare with %s: %s", expected_path, strerror(errno));
		return;
	}
	snprintf(r->reason, sizeof(r->reason), "output differs from %s (actual: %s)", expected_path,
	         j->out);
	if (write_diff(expected_path, j->out, diff_path) == 0)
		snprintf(r->diff, sizeof(r->diff), "%s", diff_path);
}
