// SPDX-License-Identifier: GPL-2.0-or-later
/* ktap.c - KTAP version 1 output (Documentation/dev-tools/ktap.rst). */
#include "runner.h"

#include <stdlib.h>
#include <string.h>

void ktap_header(FILE *f, long n)
{
	fprintf(f, "KTAP version 1\n1..%ld\n", n);
}

void ktap_file(FILE *f, const char *path, int max)
{
	FILE *in = fopen_regular(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int n = 0;

	if (!in)
		return;
	while ((len = getline(&line, &cap, in)) >= 0) {
		if (n++ == max) {
			fprintf(f, "# ... (more in %s)\n", path);
			break;
		}
		if (len > 0 && line[len - 1] == '\n')
			len--;
		fputs("# ", f);
		put_text(f, line, (size_t)len);
		fputc('\n', f);
	}
	free(line);
	fclose(in);
}

/* "# <name>: <text>" with the text escaped (escape.c). */
static void ktap_note(FILE *f, const char *name, const char *text)
{
	fprintf(f, "# %s: ", name);
	put_str(f, text);
	fputc('\n', f);
}

void ktap_result(FILE *f, int num, const char *name, const struct result *r)
{
	if (r->diff[0])
		ktap_file(f, r->diff, 200);
	if (r->v == V_FAIL && r->err[0])
		ktap_file(f, r->err, 20);
	if (r->known[0])
		ktap_note(f, name, r->known);
	const char *ok = r->v == V_FAIL || r->v == V_XFAIL ? "not ok" : "ok";
	if (r->v == V_XFAIL) {
		fprintf(f,
		        "%s %d %s # XFAIL known kernel bug of this kernel version, fixed upstream "
		        "(expected/VARIANTS)\n",
		        ok, num, name);
	} else if (r->directive[0]) {
		fprintf(f, "%s %d %s # %s%s", ok, num, name, r->directive, r->reason[0] ? " " : "");
		put_str(f, r->reason);
		fputc('\n', f);
	} else {
		if (r->reason[0])
			ktap_note(f, name, r->reason);
		fprintf(f, "%s %d %s\n", ok, num, name);
	}
}

void ktap_totals(FILE *f, int pass, int fail, int skip, int xfail)
{
	fprintf(f, "%d passed, %d failed, %d skipped", pass, fail, skip);
	if (xfail)
		fprintf(f, ", %d known kernel bug%s (xfail)", xfail, xfail == 1 ? "" : "s");
	fprintf(f, "\n");
}
