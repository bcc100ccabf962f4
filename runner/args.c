// SPDX-License-Identifier: GPL-2.0-or-later
/* args.c - nsxrun's command line. */
#include "runner.h"

#include <fnmatch.h>
#include <getopt.h>
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
	        "  --meta          print the selected cases' declarations (NSX_CASE) as a\n"
	        "                  JSON array, one case a line, and exit\n"
	        "  --bless         run the selected cases (at least one must be named) and\n"
	        "                  write expected/<case>.out from each clean run\n"
	        "  --repeat N      run each selected case N times (runs named <case>.1 ...)\n"
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

/* A number from lo to hi, or -1 after saying what opt wants. */
static long number(const char *v, long lo, long hi, const char *opt, char *err, size_t len)
{
	char *end;
	long n = strtol(v, &end, 10);
	if (*v == '\0' || *end || n < lo || n > hi) {
		bad(err, len, "%s wants a number from %ld to %ld, not '%s'", opt, lo, hi, v);
		return -1;
	}
	return n;
}

/* The long options' codes, above every short option's character. */
enum {
	O_LIST = 256,
	O_META,
	O_BLESS,
	O_REPEAT,
	O_STRACE,
	O_CASES,
	O_EXPECTED,
	O_OUT,
	O_JUNIT,
	O_GUEST
};

static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                         {"list", no_argument, NULL, O_LIST},
                                         {"meta", no_argument, NULL, O_META},
                                         {"bless", no_argument, NULL, O_BLESS},
                                         {"repeat", required_argument, NULL, O_REPEAT},
                                         {"strace", required_argument, NULL, O_STRACE},
                                         {"cases", required_argument, NULL, O_CASES},
                                         {"expected", required_argument, NULL, O_EXPECTED},
                                         {"out", required_argument, NULL, O_OUT},
                                         {"junit", required_argument, NULL, O_JUNIT},
                                         {"guest", no_argument, NULL, O_GUEST},
                                         {NULL, 0, NULL, 0}};

/* Option c (getopt_long()'s answer, its argument in optarg) into o: 0, 1 for
 * --help, or -1 with the reason in err. */
static int one_option(int c, char **argv, struct opts *o, char *err, size_t errlen)
{
	long n;
	char *end;
	switch (c) {
	case 'h':
		return 1;
	case 'j':
		if ((n = number(optarg, 1, 1024, "-j", err, errlen)) < 0)
			return -1;
		o->jobs = (int)n;
		return 0;
	case 't': {
		double t = strtod(optarg, &end);
		if (*optarg == '\0' || *end || !(t > 0) || t > 3600)
			return bad(err, errlen, "-t wants seconds (0 < t <= 3600), not '%s'",
			           optarg);
		o->timeout = t;
		return 0;
	}
	case O_REPEAT:
		if ((n = number(optarg, 1, 100000, "--repeat", err, errlen)) < 0)
			return -1;
		o->repeat = (int)n;
		return 0;
	case O_GUEST:
		o->guest = 1;
		return 0;
	case O_LIST:
		o->list = 1;
		return 0;
	case O_META:
		o->list = o->meta = 1;
		return 0;
	case O_BLESS:
		o->bless = 1;
		return 0;
	case O_JUNIT:
	case O_STRACE:
	case O_CASES:
	case O_EXPECTED:
	case O_OUT:
		if (!*optarg)
			return bad(err, errlen, "%s wants a %s", argv[optind - 1],
			           c == O_JUNIT ? "file" : "directory");
		*(c == O_JUNIT      ? &o->junit
		  : c == O_STRACE   ? &o->strace
		  : c == O_CASES    ? &o->cases_dir
		  : c == O_EXPECTED ? &o->expected
		                    : &o->out_dir) = optarg;
		return 0;
	case ':':
		return bad(err, errlen, "%s needs an argument", argv[optind - 1]);
	default:
		return bad(err, errlen, "unknown option '%s'", argv[optind - 1]);
	}
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
	/* Options and names in any order ("--" ends the options: a name may
	 * start with '-' after it); ':' first: a missing argument is ':'. */
	opterr = 0;
	optind = 0;
	for (int c, r; (c = getopt_long(argc, argv, ":hj:t:", longopts, NULL)) != -1;)
		if ((r = one_option(c, argv, o, err, errlen)))
			return r;
	for (int i = optind; i < argc; i++) {
		if (o->npatterns == NSXRUN_MAX_PATTERNS)
			return bad(err, errlen, "more than %d case names", NSXRUN_MAX_PATTERNS);
		o->patterns[o->npatterns++] = argv[i];
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
