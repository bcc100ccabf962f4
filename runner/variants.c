// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Known variants of a golden file and the kernels they belong to.
 *
 * expected/<case>.<label>.out is the output of some kernels' behaviour: its
 * first line names it, the rest is the output.  expected/VARIANTS says, per
 * label, which kernels show it and what that means:
 *
 *   <label> <verdict> <kernels...>: <what it is, and its source>
 *
 *   xfail  a kernel bug fixed upstream, expected on the kernels named: the
 *          case is "not ok ... # XFAIL" and does not fail the run;
 *   pass   the documented behaviour of the kernels named (a release that
 *          changed it): the case passes, with a line naming the variant.
 *
 * kernels: ranges of the running kernel's version (the leading numbers of
 * `uname -r`): "A..B" from A up to, not including, B; "..B"; "A.."; a bare
 * version is that version and every one below it ("6.18" is 6.18.*).
 * A variant not listed, or listed but matched on another kernel, is a
 * failure that names it.  On the kernels of a pass variant its behaviour is
 * the only one: output matching the golden file there, the behaviour before
 * the release that changed it, is a failure that says so (superseded()).
 */
#include "runner.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { VER_PARTS = 4 };

/* The leading "N.N.N" of s into v (missing parts 0); the number of parts. */
static int parse_version(const char *s, long v[VER_PARTS])
{
	int n = 0;
	memset(v, 0, sizeof(long) * VER_PARTS);
	while (n < VER_PARTS && *s >= '0' && *s <= '9') {
		char *end;
		v[n++] = strtol(s, &end, 10);
		s = end;
		if (*s != '.' || s[1] < '0' || s[1] > '9')
			break;
		s++;
	}
	return n;
}

static int cmp_version(const long a[VER_PARTS], const long b[VER_PARTS])
{
	for (int i = 0; i < VER_PARTS; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

int kernel_in_ranges(const char *release, const char *ranges)
{
	long k[VER_PARTS];
	if (!parse_version(release, k))
		return -1;
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", ranges);
	int any = 0;
	for (char *save, *w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		long lo[VER_PARTS], hi[VER_PARTS];
		char *dots = strstr(w, "..");
		if (dots) {
			*dots = '\0';
			int nlo = w[0] ? parse_version(w, lo) : 0;
			int nhi = dots[2] ? parse_version(dots + 2, hi) : 0;
			if ((w[0] && !nlo) || (dots[2] && !nhi))
				return -1;
			if ((!w[0] || cmp_version(k, lo) >= 0) &&
			    (!dots[2] || cmp_version(k, hi) < 0))
				any = 1;
			continue;
		}
		int n = parse_version(w, lo);
		if (!n)
			return -1;
		int same = 1;
		for (int i = 0; i < n; i++)
			same &= k[i] == lo[i];
		any |= same;
	}
	return any;
}

/* The VARIANTS line for label: its verdict word and kernel ranges; 0 when found. */
static int variant_entry(const char *dir, const char *label, int ll, char *verdict, size_t vlen,
                         char *ranges, size_t rlen)
{
	char path[PATH_MAX + 16], line[1024];
	snprintf(path, sizeof(path), "%s/VARIANTS", dir);
	FILE *f = fopen_regular(path, "r");
	int found = -1;
	while (f && found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, label, (size_t)ll) || (line[ll] != ' ' && line[ll] != '\t'))
			continue;
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = '\0';
		char *p = line + ll + strspn(line + ll, " \t");
		size_t vl = strcspn(p, " \t");
		snprintf(verdict, vlen, "%.*s", (int)vl, p);
		p += vl;
		p += strspn(p, " \t");
		snprintf(ranges, rlen, "%s", p);
		ranges[strcspn(ranges, "\n")] = '\0';
		found = 0;
	}
	if (f)
		fclose(f);
	return found;
}

/* Is the file at path, less its first line, byte for byte the file at b?
 * The first line goes into first. */
static int equal_after_first_line(const char *path, const char *b, char *first, size_t len)
{
	FILE *fa = fopen_regular(path, "rb"), *fb = fopen_regular(b, "rb");
	int same = 0;
	if (fa && fb && fgets(first, (int)len, fa)) {
		/* A first line longer than first: skip the rest of it. */
		if (!strchr(first, '\n'))
			for (int c = fgetc(fa); c != EOF && c != '\n'; c = fgetc(fa))
				;
		first[strcspn(first, "\n")] = '\0';
		same = 1;
		for (;;) {
			int x = fgetc(fa), y = fgetc(fb);
			if (x != y) {
				same = 0;
				break;
			}
			if (x == EOF)
				break;
		}
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}

/* The directory of expected_path and "<case>." from its "<case>.out": 0, or
 * -1 for a path that does not end in .out. */
static int split_expected(const char *expected_path, char *dir, size_t dlen, char *base,
                          size_t blen)
{
	const char *slash = strrchr(expected_path, '/');
	size_t dl = slash ? (size_t)(slash - expected_path) : 0;
	snprintf(dir, dlen, "%.*s", (int)dl, slash ? expected_path : ".");
	snprintf(base, blen, "%s", slash ? slash + 1 : expected_path);
	size_t bl = strlen(base);
	if (bl < 5 || strcmp(base + bl - 4, ".out"))
		return -1;
	base[bl - 3] = '\0'; /* keep the dot */
	return 0;
}

void superseded(const char *expected_path, const char *release, struct result *r)
{
	char dir[PATH_MAX], base[NAME_MAX + 1];
	if (split_expected(expected_path, dir, sizeof(dir), base, sizeof(base)))
		return;
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t bl = strlen(base);
	while (d && (e = readdir(d))) {
		size_t el = strlen(e->d_name);
		if (strncmp(e->d_name, base, bl) || el <= bl + 4 ||
		    strcmp(e->d_name + el - 4, ".out"))
			continue;
		const char *label = e->d_name + bl;
		int ll = (int)(el - bl - 4);
		char verdict[16] = "", ranges[512] = "";
		if (variant_entry(dir, label, ll, verdict, sizeof(verdict), ranges,
		                  sizeof(ranges)) ||
		    strcmp(verdict, "pass") || kernel_in_ranges(release, ranges) != 1)
			continue;
		r->v = V_FAIL;
		snprintf(r->known, sizeof(r->known),
		         "output matches the golden file, the behaviour before %.*s; VARIANTS says "
		         "%s show %.*s, and %s is one",
		         ll, label, ranges, ll, label, release);
		break;
	}
	if (d)
		closedir(d);
}

void known_variant(const char *expected_path, const char *actual, const char *release,
                   struct result *r)
{
	char dir[PATH_MAX], base[NAME_MAX + 1], path[PATH_MAX + NAME_MAX + 2], first[256];
	if (split_expected(expected_path, dir, sizeof(dir), base, sizeof(base)))
		return;
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		size_t el = strlen(e->d_name);
		if (strncmp(e->d_name, base, strlen(base)) || el <= strlen(base) + 4 ||
		    strcmp(e->d_name + el - 4, ".out"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!equal_after_first_line(path, actual, first, sizeof(first)))
			continue;
		const char *label = e->d_name + strlen(base);
		int ll = (int)(el - strlen(base) - 4);
		const char *what = first[0] == '#' ? first + 1 + (first[1] == ' ') : first;
		char verdict[16] = "", ranges[512] = "";
		int listed = !variant_entry(dir, label, ll, verdict, sizeof(verdict), ranges,
		                            sizeof(ranges));
		int inrange = listed ? kernel_in_ranges(release, ranges) : 0;
		if (listed && inrange == 1 && !strcmp(verdict, "xfail")) {
			r->v = V_XFAIL;
			snprintf(r->known, sizeof(r->known),
			         "output matches %.*s (a known bug of %s): %s", ll, label, ranges,
			         what);
		} else if (listed && inrange == 1 && !strcmp(verdict, "pass")) {
			/* That kernel's documented behaviour: a pass, said aloud. */
			r->v = V_PASS;
			r->diff[0] = r->err[0] = r->reason[0] = '\0';
			snprintf(r->known, sizeof(r->known),
			         "output matches %.*s (the behaviour of %s): %s", ll, label, ranges,
			         what);
		} else if (listed) {
			snprintf(
			        r->known, sizeof(r->known),
			        "output matches %.*s: %s; VARIANTS expects it only on %s, not on "
			        "%s%s",
			        ll, label, what, ranges, release,
			        inrange < 0 || (strcmp(verdict, "pass") && strcmp(verdict, "xfail"))
			                ? " (VARIANTS line malformed)"
			                : "");
		} else {
			snprintf(r->known, sizeof(r->known), "output matches %.*s: %s", ll, label,
			         what);
		}
		break;
	}
	if (d)
		closedir(d);
}
