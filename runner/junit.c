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

int junit_write(const char *path, const struct job *jobs, const struct result *res,
                const int *finished, int n)
{
	int fail = 0, err = 0, skip = 0, tests = 0;
	double total = 0;
	for (int i = 0; i < n; i++) {
		if (!finished[i])
			continue;
		tests++;
		total += jobs[i].secs;
		if (res[i].v == V_SKIP || res[i].v == V_XFAIL)
			skip++;
		else if (res[i].v == V_FAIL && res[i].directive[0])
			err++;
		else if (res[i].v == V_FAIL)
			fail++;
	}
	int fd = open_out(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f,
	        "<testsuites tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" "
	        "time=\"%.3f\">\n",
	        tests, fail, err, skip, total);
	fprintf(f,
	        "  <testsuite name=\"nsxlate\" tests=\"%d\" failures=\"%d\" errors=\"%d\" "
	        "skipped=\"%d\" time=\"%.3f\">\n",
	        tests, fail, err, skip, total);
	for (int i = 0; i < n; i++) {
		const struct result *r = &res[i];
		if (!finished[i])
			continue;
		fprintf(f, "    <testcase classname=\"nsxlate\" name=\"");
		esc(f, jobs[i].name);
		fprintf(f, "\" time=\"%.3f\"", jobs[i].secs);
		if (r->v == V_PASS) {
			fprintf(f, "/>\n");
			continue;
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
	fprintf(f, "  </testsuite>\n</testsuites>\n");
	return fclose(f) ? -1 : 0;
}
