// SPDX-License-Identifier: GPL-2.0-or-later
/* ktap.c - KTAP version 1 output (Documentation/dev-tools/ktap.rst). */
#include "runner.h"

#include <string.h>

void ktap_header(FILE *f, int n)
{
	fprintf(f, "KTAP version 1\n1..%d\n", n);
}

void ktap_file(FILE *f, const char *path, int max)
{
	FILE *in = fopen(path, "r");
	char line[1024];
	int n = 0;

	if (!in)
		return;
	while (fgets(line, sizeof(line), in)) {
		if (n++ == max) {
			fprintf(f, "# ... (more in %s)\n", path);
			break;
		}
		line[strcspn(line, "\n")] = '\0';
		fprintf(f, "# %s\n", line);
	}
	fclose(in);
}

void ktap_result(FILE *f, int num, const char *name, const struct result *r)
{
	if (r->diff[0])
		ktap_file(f, r->diff, 200);
	if (r->v == V_FAIL && r->err[0])
		ktap_file(f, r->err, 20);
	if (r->known[0])
		fprintf(f, "# %s: %s\n", name, r->known);
	const char *ok = r->v == V_FAIL || r->v == V_XFAIL ? "not ok" : "ok";
	if (r->v == V_XFAIL)
		fprintf(f,
		        "%s %d %s # XFAIL known kernel bug of this kernel version, fixed upstream "
		        "(expected/VARIANTS)\n",
		        ok, num, name);
	else if (r->directive[0])
		fprintf(f, "%s %d %s # %s%s%s\n", ok, num, name, r->directive,
		        r->reason[0] ? " " : "", r->reason);
	else if (r->reason[0])
		fprintf(f, "# %s: %s\n%s %d %s\n", name, r->reason, ok, num, name);
	else
		fprintf(f, "%s %d %s\n", ok, num, name);
}

void ktap_totals(FILE *f, int pass, int fail, int skip, int xfail)
{
	fprintf(f, "%d passed, %d failed, %d skipped", pass, fail, skip);
	if (xfail)
		fprintf(f, ", %d known kernel bug%s (xfail)", xfail, xfail == 1 ? "" : "s");
	fprintf(f, "\n");
}
