// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * junit.c - nsxrun --junit FILE: the results as JUnit XML, the form CI
 * systems read.  One <testcase> a case: a golden mismatch is a <failure>
 * carrying the diff, a set-up error, crash or timeout an <error> with its
 * reason (and the diff of what was printed, if any), a skip a <skipped>
 * with its reason; every case has its time.
 */
#include "runner.h"

#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Text with XML's five special characters escaped, line ends kept, and
 * every other byte as the KTAP report has it (escape.c: plain ASCII, so the
 * file is well-formed UTF-8 whatever a case printed). */
static void esc_n(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		case '\n':
			fputc('\n', f);
			break;
		default:
			put_text(f, s + i, 1);
		}
	}
}

static void esc(FILE *f, const char *s)
{
	esc_n(f, s, strlen(s));
}

/* A file, at most max lines of it, each cut at JUNIT_LINE bytes. */
#define JUNIT_LINE 4096
static void esc_file(FILE *f, const char *path, int max)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int n = 0;
	FILE *in = path[0] ? fopen_regular(path, "r") : NULL;
	if (!in)
		return;
	while ((len = getline(&line, &cap, in)) >= 0) {
		if (n++ == max) {
			fprintf(f, "... (more in ");
			esc(f, path);
			fprintf(f, ")\n");
			break;
		}
		if (len > JUNIT_LINE) {
			esc_n(f, line, JUNIT_LINE);
			fputs(" ...\n", f);
		} else {
			esc_n(f, line, (size_t)len);
		}
	}
	free(line);
	fclose(in);
}

/* One <testcase>, into the body of the file (junit_close() adds the head,
 * which carries the counts). */
void junit_case(struct junit *ju, const char *name, double secs, const struct result *r)
{
	FILE *f = ju->body;
	ju->tests++;
	ju->secs += secs;
	if (r->v == V_SKIP || r->v == V_XFAIL)
		ju->skip++;
	else if (r->v == V_FAIL && r->directive[0])
		ju->err++;
	else if (r->v == V_FAIL)
		ju->fail++;
	fprintf(f, "    <testcase classname=\"nsxlate\" name=\"");
	esc(f, name);
	fprintf(f, "\" time=\"%.3f\"", secs);
	if (r->v == V_PASS) {
		fprintf(f, "/>\n");
		return;
	}
	fprintf(f, ">\n");
	if (r->v == V_SKIP || r->v == V_XFAIL) {
		fprintf(f, "      <skipped message=\"");
		if (r->v == V_XFAIL)
			fprintf(f, "XFAIL: ");
		esc(f, r->v == V_XFAIL ? r->known : r->reason);
		fprintf(f, "\"/>\n");
	} else {
		const char *tag = r->directive[0] ? "error" : "failure";
		fprintf(f, "      <%s type=\"%s\" message=\"", tag,
		        r->directive[0] ? r->directive : "diff");
		esc(f, r->known[0] ? r->known : r->reason);
		fprintf(f, "\">");
		esc_file(f, r->diff, 200);
		fprintf(f, "</%s>\n", tag);
		if (r->err[0]) {
			fprintf(f, "      <system-err>");
			esc_file(f, r->err, 20);
			fprintf(f, "</system-err>\n");
		}
	}
	fprintf(f, "    </testcase>\n");
}

int junit_open(struct junit *ju, const char *path)
{
	memset(ju, 0, sizeof(*ju));
	ju->path = path;
	ju->body = tmpfile(); /* the testcases, as they come: nothing kept in memory */
	return ju->body ? 0 : -1;
}

int junit_close(struct junit *ju)
{
	int fd = open_out(ju->path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		fclose(ju->body);
		errno = e;
		return -1;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f,
	        "<testsuites tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" "
	        "time=\"%.3f\">\n",
	        ju->tests, ju->fail, ju->err, ju->skip, ju->secs);
	fprintf(f,
	        "  <testsuite name=\"nsxlate\" tests=\"%d\" failures=\"%d\" errors=\"%d\" "
	        "skipped=\"%d\" time=\"%.3f\">\n",
	        ju->tests, ju->fail, ju->err, ju->skip, ju->secs);
	rewind(ju->body);
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), ju->body)) > 0)
		fwrite(buf, 1, n, f);
	int bad = ferror(ju->body);
	fclose(ju->body);
	fprintf(f, "  </testsuite>\n</testsuites>\n");
	return fclose(f) || bad ? -1 : 0;
}

int junit_write(const char *path, const struct job *jobs, const struct result *res,
                const int *finished, int n)
{
	struct junit ju;
	if (junit_open(&ju, path))
		return -1;
	for (int i = 0; i < n; i++)
		if (finished[i])
			junit_case(&ju, jobs[i].name, jobs[i].secs, &res[i]);
	return junit_close(&ju);
}
