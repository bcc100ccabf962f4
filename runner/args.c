// SPDX-License-Identifier: GPL-2.0-or-later
/* args.c - nsxrun's command line. */
#include "runner.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void usage(FILE *f, const char *prog)
{
	fprintf(f,
	        "usage: %s [options] [CASE|GLOB]...\n"
	        "  -j N            run N cases at once (default: number of CPUs)\n"
	        "  -t SECS         kill a case and all it started after SECS (default 10)\n"
	        "  --list          print the selected cases and exit\n"
	        "  --bless         run the selected cases (at least one must be named) and\n"
	        "                  write expected/<case>.out from each clean run\n"
	        "  --strace DIR    run under strace -f --decode-pids=pidns, keep "
	        "DIR/<case>.strace\n"
	        "  --cases DIR     built cases (default build/cases)\n"
	        "  --expected DIR  golden files (default expected)\n"
	        "  --out DIR       actual output, stderr and diffs (default build/out)\n"
	        "  --junit FILE    also write the results as JUnit XML to FILE\n"
	        "  --guest         this is a throwaway machine (the make vm guest): cases\n"
	        "                  that change machine-wide settings may run\n"
	        "Reports KTAP version 1 and ends with 'N passed, N failed, N skipped'.\n",
	        prog);
}

__attribute__((format(printf, 3, 4))) static int bad(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

static int need(int argc, char **argv, int i, char *err, size_t len)
{
	if (i + 1 >= argc)
		return bad(err, len, "%s needs an argument", argv[i]);
	return 0;
}

int parse_args(int argc, char **argv, struct opts *o, char *err, size_t errlen)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	*o = (struct opts){.jobs = ncpu > 0 ? (int)ncpu : 1,
	                   .timeout = 10.0,
	                   .repeat = 1,
	                   .cases_dir = "build/cases",
	                   .expected = "expected",
	                   .out_dir = "build/out"};
	int only_names = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		char *end;
		if (!only_names && a[0] == '-') {
			if (!strcmp(a, "--")) {
				only_names = 1;
			} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
				return 1;
			} else if (!strcmp(a, "-j") || !strncmp(a, "-j", 2)) {
				const char *v = a[2] ? a + 2 : NULL;
				if (!v) {
					if (need(argc, argv, i, err, errlen))
						return -1;
					v = argv[++i];
				}
				long n = strtol(v, &end, 10);
				if (*v == '\0' || *end || n < 1 || n > 1024)
					return bad(err, errlen,
					           "-j wants a number from 1 to 1024, not '%s'", v);
				o->jobs = (int)n;
			} else if (!strcmp(a, "-t")) {
				if (need(argc, argv, i, err, errlen))
					return -1;
				const char *v = argv[++i];
				double t = strtod(v, &end);
				if (*v == '\0' || *end || !(t > 0) || t > 3600)
					return bad(err, errlen,
					           "-t wants seconds (0 < t <= 3600), not '%s'", v);
				o->timeout = t;
			} else if (!strcmp(a, "--repeat")) {
				if (need(argc, argv, i, err, errlen))
					return -1;
				const char *v = argv[++i];
				long n = strtol(v, &end, 10);
				if (*v == '\0' || *end || n < 1 || n > 100000)
					return bad(err, errlen,
					           "--repeat wants a number from 1 to 100000, not "
					           "'%s'",
					           v);
				o->repeat = (int)n;
			} else if (!strcmp(a, "--guest")) {
				o->guest = 1;
			} else if (!strcmp(a, "--list")) {
				o->list = 1;
			} else if (!strcmp(a, "--bless")) {
				o->bless = 1;
			} else if (!strcmp(a, "--junit")) {
				if (need(argc, argv, i, err, errlen))
					return -1;
				o->junit = argv[++i];
				if (!*o->junit)
					return bad(err, errlen, "--junit wants a file");
			} else if (!strcmp(a, "--strace") || !strcmp(a, "--cases") ||
			           !strcmp(a, "--expected") || !strcmp(a, "--out")) {
				if (need(argc, argv, i, err, errlen))
					return -1;
				const char *v = argv[++i];
				if (!*v)
					return bad(err, errlen, "%s wants a directory", a);
				if (a[2] == 's' && a[3] == 't')
					o->strace = v;
				else if (a[2] == 'c')
					o->cases_dir = v;
				else if (a[2] == 'e')
					o->expected = v;
				else
					o->out_dir = v;
			} else {
				return bad(err, errlen, "unknown option '%s'", a);
			}
			continue;
		}
		if (o->npatterns == NSXRUN_MAX_PATTERNS)
			return bad(err, errlen, "more than %d case names", NSXRUN_MAX_PATTERNS);
		o->patterns[o->npatterns++] = a;
	}
	if (o->bless && o->npatterns == 0)
		return bad(err, errlen, "--bless wants the cases to bless named (globs allowed)");
	if (o->bless && o->repeat > 1)
		return bad(err, errlen, "--bless and --repeat do not go together");
	if (o->bless && o->strace)
		return bad(err, errlen, "--bless and --strace do not go together");
	return 0;
}

int selected(const struct opts *o, const char *name)
{
	if (o->npatterns == 0)
		return 1;
	for (int i = 0; i < o->npatterns; i++)
		if (fnmatch(o->patterns[i], name, 0) == 0)
			return 1;
	return 0;
}
