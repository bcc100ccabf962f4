// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of runner/: argument parsing, KTAP output, golden comparison and
 * verdicts, and running cases with a timeout that kills every process a case
 * started, in nested pid namespaces too.  For the last, this program runs
 * itself as a "case" (argv[1] names the behaviour; see fake_case()).
 */
#include "nsx.h"
#include "runner.h"

#include <check.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <dirent.h>
#include <stdarg.h>
#include <time.h>
#include <errno.h>
#include <libgen.h>
#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sched.h>
#include <unistd.h>

static char self_exe[PATH_MAX];
static char tmpdir[PATH_MAX];

/* ---- argument parsing ---- */

static int parse(struct opts *o, char *err, ...)
{
	char *argv[32] = {"nsxrun"};
	int argc = 1;
	va_list ap;
	va_start(ap, err);
	for (char *a; (a = va_arg(ap, char *));)
		argv[argc++] = a;
	va_end(ap);
	return parse_args(argc, argv, o, err, 256);
}

/* The cases these tests make with lib declare this. */
NSX_CASE(.family = "the runner's unit tests");

START_TEST(args_defaults)
{
	struct opts o;
	char err[256];
	ck_assert_int_eq(parse(&o, err, NULL), 0);
	ck_assert_int_ge(o.jobs, 1);
	ck_assert(o.timeout == 10.0);
	ck_assert_str_eq(o.cases_dir, "build/cases");
	ck_assert_str_eq(o.expected, "expected");
	ck_assert_int_eq(o.npatterns, 0);
	ck_assert(selected(&o, "anything"));
}
END_TEST

START_TEST(args_values)
{
	struct opts o;
	char err[256];
	ck_assert_int_eq(parse(&o, err, "-j", "3", "-t", "0.25", "--cases", "c", "--expected", "e",
	                       "--out", "o", "kill_*", "pid_views", NULL),
	                 0);
	ck_assert_int_eq(o.jobs, 3);
	ck_assert(o.timeout == 0.25);
	ck_assert_str_eq(o.cases_dir, "c");
	ck_assert_str_eq(o.expected, "e");
	ck_assert_str_eq(o.out_dir, "o");
	ck_assert_int_eq(o.npatterns, 2);
	ck_assert(selected(&o, "kill_from_ancestor"));
	ck_assert(selected(&o, "pid_views"));
	ck_assert(!selected(&o, "pid_views2"));
	ck_assert(!selected(&o, "sigchld_si_pid"));
	ck_assert_int_eq(parse(&o, err, "-j7", "--list", NULL), 0);
	ck_assert_int_eq(o.jobs, 7);
	ck_assert_int_eq(o.list, 1);
	ck_assert_int_eq(parse(&o, err, "--", "-odd-name", NULL), 0);
	ck_assert_str_eq(o.patterns[0], "-odd-name");
	ck_assert_int_eq(parse(&o, err, "--bless", "x", NULL), 0);
	ck_assert_int_eq(o.bless, 1);
	ck_assert_int_eq(o.repeat, 1);
	ck_assert_int_eq(parse(&o, err, "--repeat", "200", "futex_*", NULL), 0);
	ck_assert_int_eq(o.repeat, 200);
	ck_assert_int_eq(parse(&o, err, "--help", NULL), 1);
}
END_TEST

START_TEST(args_errors)
{
	struct opts o;
	char err[256];
	ck_assert_int_eq(parse(&o, err, "-j", "0", NULL), -1);
	ck_assert_ptr_nonnull(strstr(err, "-j"));
	ck_assert_int_eq(parse(&o, err, "-j", "x", NULL), -1);
	ck_assert_int_eq(parse(&o, err, "-j", NULL), -1);
	ck_assert_int_eq(parse(&o, err, "-t", "-1", NULL), -1);
	ck_assert_int_eq(parse(&o, err, "-t", "soon", NULL), -1);
	ck_assert_int_eq(parse(&o, err, "--frobnicate", NULL), -1);
	ck_assert_ptr_nonnull(strstr(err, "--frobnicate"));
	ck_assert_int_eq(parse(&o, err, "--bless", NULL), -1);
	ck_assert_int_eq(parse(&o, err, "--bless", "x", "--strace", "d", NULL), -1);
	ck_assert_int_eq(parse(&o, err, "--out", NULL), -1);
	ck_assert_int_eq(parse(&o, err, "--repeat", "0", NULL), -1);
	ck_assert_int_eq(parse(&o, err, "--repeat", "2", "--bless", "x", NULL), -1);
}
END_TEST

/* ---- KTAP ---- */

static char *capture(void (*fn)(FILE *, void *), void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	fn(f, arg);
	fclose(f);
	return buf;
}

static void emit(FILE *f, void *arg)
{
	const struct result *r = arg;
	ktap_result(f, 2, "some_case", r);
}

static void emit_suite(FILE *f, void *arg)
{
	(void)arg;
	ktap_header(f, 3);
	ktap_totals(f, 1, 1, 1, 0);
}

START_TEST(ktap_lines)
{
	struct result r = {.v = V_PASS};
	char *s = capture(emit, &r);
	ck_assert_str_eq(s, "ok 2 some_case\n");
	free(s);

	r = (struct result){.v = V_SKIP, .directive = "SKIP", .reason = "needs CAP_SYS_ADMIN"};
	s = capture(emit, &r);
	ck_assert_str_eq(s, "ok 2 some_case # SKIP needs CAP_SYS_ADMIN\n");
	free(s);

	r = (struct result){.v = V_FAIL, .directive = "TIMEOUT", .reason = "killed after 10.0 s"};
	s = capture(emit, &r);
	ck_assert_str_eq(s, "not ok 2 some_case # TIMEOUT killed after 10.0 s\n");
	free(s);

	r = (struct result){.v = V_FAIL, .reason = "output differs"};
	s = capture(emit, &r);
	ck_assert_str_eq(s, "# some_case: output differs\nnot ok 2 some_case\n");
	free(s);

	s = capture(emit_suite, NULL);
	ck_assert_str_eq(s, "KTAP version 1\n1..3\n1 passed, 1 failed, 1 skipped\n");
	free(s);
}
END_TEST

static void tmpfile_with(char *path, const char *name, const char *text)
{
	snprintf(path, PATH_MAX, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(ktap_diff_as_diagnostics)
{
	char a[PATH_MAX], b[PATH_MAX], d[PATH_MAX];
	tmpfile_with(a, "a", "one\ntwo\n");
	tmpfile_with(b, "b", "one\nTWO\n");
	snprintf(d, sizeof(d), "%s/d", tmpdir);
	ck_assert_int_eq(write_diff(a, b, d), 0);
	struct result r = {.v = V_FAIL};
	snprintf(r.diff, sizeof(r.diff), "%s", d);
	char *s = capture(emit, &r);
	/* Every diff line is a "# " diagnostic, before the result line. */
	ck_assert_ptr_nonnull(strstr(s, "\n# -two\n# +TWO\n"));
	ck_assert_ptr_nonnull(strstr(s, "\nnot ok 2 some_case\n"));
	for (char *line = s; *line; line = strchr(line, '\n') + 1)
		ck_assert(line[0] == '#' || !strncmp(line, "not ok", 6));
	free(s);
}
END_TEST

/* ---- golden comparison and verdicts ---- */

START_TEST(compare_files)
{
	char a[PATH_MAX], b[PATH_MAX], c[PATH_MAX], e[PATH_MAX];
	tmpfile_with(a, "a", "same\n");
	tmpfile_with(b, "b", "same\n");
	tmpfile_with(c, "c", "same");
	tmpfile_with(e, "e", "");
	ck_assert_int_eq(files_equal(a, b), 1);
	ck_assert_int_eq(files_equal(a, c), 0); /* a missing newline counts */
	ck_assert_int_eq(files_equal(e, c), 0);
	ck_assert_int_eq(files_equal(e, e), 1);
	snprintf(c, sizeof(c), "%s/missing", tmpdir);
	ck_assert_int_eq(files_equal(a, c), -1);
}
END_TEST

static struct job fake_job(int status, const char *out, const char *err)
{
	struct job j;
	memset(&j, 0, sizeof(j));
	snprintf(j.name, sizeof(j.name), "x");
	tmpfile_with(j.out, "x.out", out);
	tmpfile_with(j.err, "x.err", err);
	j.have_status = 1;
	j.status = status;
	return j;
}

START_TEST(verdicts)
{
	char exp[PATH_MAX], diff[PATH_MAX];
	struct result r;
	tmpfile_with(exp, "x.expected", "line 1\nline 2\n");
	snprintf(diff, sizeof(diff), "%s/x.diff", tmpdir);

	struct job j = fake_job(0, "line 1\nline 2\n", "");
	judge(&j, exp, diff, &r);
	ck_assert_int_eq(r.v, V_PASS);

	j = fake_job(0, "line 1\nline two\n", "");
	judge(&j, exp, diff, &r);
	ck_assert_int_eq(r.v, V_FAIL);
	ck_assert_str_eq(r.directive, "");
	ck_assert_str_eq(r.diff, diff);
	FILE *f = fopen(diff, "r");
	char buf[512] = "";
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "\n-line 2\n+line two\n"));

	j = fake_job(4 << 8, "", "nsx: skip: unshare(CLONE_NEWPID): EPERM\n");
	judge(&j, exp, diff, &r);
	ck_assert_int_eq(r.v, V_SKIP);
	ck_assert_str_eq(r.directive, "SKIP");
	ck_assert_str_eq(r.reason, "unshare(CLONE_NEWPID): EPERM");

	j = fake_job(1 << 8, "line 1\nline 2\n", "nsx: error: setns: EPERM\n");
	judge(&j, exp, diff, &r);
	ck_assert_int_eq(r.v, V_FAIL); /* right output, but the case did not finish */
	ck_assert_str_eq(r.directive, "ERROR");
	ck_assert_str_eq(r.reason, "exit status 1: nsx: error: setns: EPERM");
	ck_assert_str_eq(r.diff, ""); /* nothing differs: no diff */

	/* A set-up error after part of the output: the error and the diff. */
	j = fake_job(1 << 8, "line one\n", "nsx: error: setns: EPERM\n");
	judge(&j, exp, diff, &r);
	ck_assert_str_eq(r.directive, "ERROR");
	ck_assert_str_eq(r.diff, diff);
	f = fopen(diff, "r");
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "\n-line 1\n-line 2\n+line one\n"));
	j = fake_job(SIGSEGV, "line one\n", "");
	judge(&j, exp, diff, &r);
	ck_assert_str_eq(r.diff, diff);
	j = fake_job(0, "line one\n", "");
	j.timed_out = 1;
	judge(&j, exp, diff, &r);
	ck_assert_str_eq(r.diff, diff);
	j = fake_job(1 << 8, "", "nsx: error: early\n"); /* nothing printed: no diff */
	judge(&j, exp, diff, &r);
	ck_assert_str_eq(r.diff, "");

	j = fake_job(SIGSEGV, "line 1\nline 2\n", "");
	judge(&j, exp, diff, &r);
	ck_assert_int_eq(r.v, V_FAIL);
	ck_assert_ptr_nonnull(strstr(r.reason, "killed by signal 11"));

	j = fake_job(0, "line 1\nline 2\n", "");
	j.timed_out = 1;
	judge(&j, exp, diff, &r);
	ck_assert_int_eq(r.v, V_FAIL);
	ck_assert_str_eq(r.directive, "TIMEOUT");

	j = fake_job(0, "", "");
	j.have_status = 0;
	judge(&j, exp, diff, &r);
	ck_assert_int_eq(r.v, V_FAIL);

	j = fake_job(0, "line 1\n", "");
	snprintf(exp, sizeof(exp), "%s/none.out", tmpdir);
	judge(&j, exp, diff, &r);
	ck_assert_int_eq(r.v, V_FAIL);
	ck_assert_ptr_nonnull(strstr(r.reason, "no golden file"));
}
END_TEST

START_TEST(known_bad_variants)
{
	char exp[PATH_MAX], act[PATH_MAX], v1[PATH_MAX], v2[PATH_MAX];
	struct result r;
	tmpfile_with(exp, "kb.out", "si_pid=0\n");
	tmpfile_with(v1, "kb.other.out", "# another behaviour\nsi_pid=7\n");
	tmpfile_with(v2, "kb.no-zeroing.out",
	             "# known-bad: si_pid from an ancestor not zeroed (fixed in 2.6.30)\n"
	             "si_pid=top@outer\n");
	tmpfile_with(act, "kb-actual", "si_pid=top@outer\n");
	memset(&r, 0, sizeof(r));
	known_variant(exp, act, "6.1.0", &r);
	ck_assert_str_eq(r.known, "output matches no-zeroing: known-bad: si_pid from an "
	                          "ancestor not zeroed (fixed in 2.6.30)");
	/* It is still a failure, and says so in KTAP. */
	r.v = V_FAIL;
	char *out = capture(emit, &r);
	ck_assert_ptr_nonnull(strstr(out, "# some_case: output matches no-zeroing: known-bad"));
	ck_assert_ptr_nonnull(strstr(out, "not ok 2 some_case"));
	free(out);
	/* No variant matches: nothing said. */
	tmpfile_with(act, "kb-actual", "si_pid=unknown\n");
	memset(&r, 0, sizeof(r));
	known_variant(exp, act, "6.1.0", &r);
	ck_assert_str_eq(r.known, "");
	ck_assert_int_eq(r.v, V_PASS);
	/* A bug VARIANTS expects on this kernel's version: XFAIL. */
	char ku[PATH_MAX], v3[PATH_MAX], v4[PATH_MAX];
	tmpfile_with(ku, "VARIANTS",
	             "# label verdict kernels: why\n"
	             "unfixed-bug xfail ..6.1.188 6.13..7.2: fixed in 6.1.188 and 7.2\n"
	             "new-way pass 7.2..: 7.2 numbers it differently\n");
	tmpfile_with(v3, "kb.unfixed-bug.out", "# known-bad: shared siginfo\nsi_pid=0 si_pid=0\n");
	tmpfile_with(v4, "kb.new-way.out", "# since 7.2: another number\nsi_pid=1\n");
	tmpfile_with(act, "kb-actual", "si_pid=0 si_pid=0\n");
	const char *buggy[] = {"6.1.187", "6.18.44-fc-v1045", "6.13", "7.1.9+deb14-amd64"};
	for (size_t i = 0; i < sizeof(buggy) / sizeof(*buggy); i++) {
		memset(&r, 0, sizeof(r));
		r.v = V_FAIL;
		known_variant(exp, act, buggy[i], &r);
		ck_assert_msg(r.v == V_XFAIL, "%s: not an XFAIL", buggy[i]);
	}
	out = capture(emit, &r);
	ck_assert_ptr_nonnull(strstr(out, "not ok 2 some_case # XFAIL known kernel bug"));
	free(out);
	/* The same output on a kernel that has the fix is a plain failure,
	 * which says where the bug was expected. */
	const char *fixed[] = {"6.1.188", "6.1.192", "6.12.117", "7.2.13+deb14-cloud-amd64",
	                       "7.3.0-rc7-cloud-amd64"};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(*fixed); i++) {
		memset(&r, 0, sizeof(r));
		r.v = V_FAIL;
		known_variant(exp, act, fixed[i], &r);
		ck_assert_msg(r.v == V_FAIL, "%s: not a failure", fixed[i]);
		ck_assert_ptr_nonnull(strstr(r.known, "expects it only on ..6.1.188 6.13..7.2"));
	}
	/* A kernel version's own behaviour: a pass on those kernels, said aloud,
	 * a failure on the others. */
	tmpfile_with(act, "kb-actual", "si_pid=1\n");
	memset(&r, 0, sizeof(r));
	r.v = V_FAIL;
	snprintf(r.diff, sizeof(r.diff), "some.diff");
	known_variant(exp, act, "7.3.0", &r);
	ck_assert_int_eq(r.v, V_PASS);
	ck_assert_str_eq(r.diff, "");
	ck_assert_ptr_nonnull(strstr(r.known, "output matches new-way (the behaviour of 7.2..)"));
	memset(&r, 0, sizeof(r));
	r.v = V_FAIL;
	known_variant(exp, act, "6.12.117", &r);
	ck_assert_int_eq(r.v, V_FAIL);
	/* On the pass variant's kernels the golden file's behaviour, the one
	 * before it, is a failure that says so; elsewhere, and for an xfail
	 * variant's kernels, a match of the golden file stays a pass. */
	memset(&r, 0, sizeof(r));
	superseded(exp, "7.2.13+deb14-cloud-amd64", &r);
	ck_assert_int_eq(r.v, V_FAIL);
	ck_assert_str_eq(r.known, "output matches the golden file, the behaviour before new-way; "
	                          "VARIANTS says 7.2.. show new-way, and "
	                          "7.2.13+deb14-cloud-amd64 is one");
	const char *older[] = {"7.1.9", "6.18.44-fc-v1045", "6.1.187"};
	for (size_t i = 0; i < sizeof(older) / sizeof(*older); i++) {
		memset(&r, 0, sizeof(r));
		superseded(exp, older[i], &r);
		ck_assert_msg(r.v == V_PASS && !r.known[0], "%s: not a plain pass", older[i]);
	}
	/* The no-zeroing variant is not listed: a failure everywhere. */
	tmpfile_with(act, "kb-actual", "si_pid=top@outer\n");
	memset(&r, 0, sizeof(r));
	r.v = V_FAIL;
	known_variant(exp, act, "6.18.44", &r);
	ck_assert_int_eq(r.v, V_FAIL);
	unlink(ku);
	unlink(v3);
	unlink(v4);
}
END_TEST

START_TEST(kernel_version_ranges)
{
	ck_assert_int_eq(kernel_in_ranges("6.1.187", "..6.1.188"), 1);
	ck_assert_int_eq(kernel_in_ranges("6.1.188", "..6.1.188"), 0);
	ck_assert_int_eq(kernel_in_ranges("6.12.108", "6.2..6.12.109"), 1);
	ck_assert_int_eq(kernel_in_ranges("6.12.109", "6.2..6.12.109"), 0);
	ck_assert_int_eq(kernel_in_ranges("6.18.44-fc-v1045", "6.13..7.2"), 1);
	ck_assert_int_eq(kernel_in_ranges("7.2.13+deb14-cloud-amd64", "6.13..7.2"), 0);
	ck_assert_int_eq(kernel_in_ranges("7.3-cloud-amd64", "7.2.."), 1);
	ck_assert_int_eq(kernel_in_ranges("6.18.2", "6.18"), 1);
	ck_assert_int_eq(kernel_in_ranges("6.19.0", "6.18"), 0);
	ck_assert_int_eq(kernel_in_ranges("6.1.5", "6.18 6.1.5"), 1);
	ck_assert_int_eq(kernel_in_ranges("6.1.5", "x..7"), -1);
	ck_assert_int_eq(kernel_in_ranges("", "..7"), -1);
}
END_TEST

/* The value of attribute name of the first element called tag, or "". */
static const char *xml_attr(xmlDocPtr doc, const char *xpath, const char *name)
{
	static char buf[512];
	buf[0] = '\0';
	xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
	xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)xpath, ctx);
	if (o && o->nodesetval && o->nodesetval->nodeNr > 0) {
		xmlChar *v = name ? xmlGetProp(o->nodesetval->nodeTab[0], (const xmlChar *)name)
		                  : xmlNodeGetContent(o->nodesetval->nodeTab[0]);
		if (v)
			snprintf(buf, sizeof(buf), "%s", (const char *)v);
		xmlFree(v);
	}
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(ctx);
	return buf;
}

/* Where a case's numbers start, and when the machine's may have met them
 * (numbers.c). */
START_TEST(case_numbers)
{
	struct numbers n;
	char why[200];
	/* 6.14+: above the machine's pid_max, at least 2148. */
	numbers_plan(&n, 1, 32768);
	ck_assert(n.above);
	ck_assert_int_eq(numbers_first(&n, 5000, 42), 32868);
	numbers_plan(&n, 1, 1900);
	ck_assert_int_eq(numbers_first(&n, 1000, 42), 2148);
	/* The machine's numbers cannot reach; a case whose own counter
	 * wrapped (its pid_max lowered) to where the machine's went can. */
	ck_assert_int_eq(numbers_reached_at(&n, 2148, 1000, 1899, 2200, why, sizeof(why)), 0);
	ck_assert_int_eq(numbers_reached_at(&n, 2148, 1000, 1100, 310, why, sizeof(why)), 0);
	ck_assert_int_eq(numbers_reached_at(&n, 2148, 1890, 320, 310, why, sizeof(why)), 1);
	/* No room above (systemd's 4194304), or before 6.14: behind. */
	numbers_plan(&n, 1, 4194304);
	ck_assert(!n.above);
	numbers_plan(&n, 0, 32768);
	ck_assert(!n.above);
	ck_assert_int_eq(n.window, 1024);
	ck_assert_int_eq(numbers_first(&n, 5000, 42), 3976);
	ck_assert_int_eq(numbers_first(&n, 2500, 42), 32768 - 1024);  /* not below 2048 */
	ck_assert_int_eq(numbers_first(&n, 5000, 4000), 3976 - 1024); /* not the runner's */
	/* The machine's counter going on, then round to the window. */
	ck_assert_int_eq(numbers_reached_at(&n, 3976, 5000, 9000, 3990, why, sizeof(why)), 0);
	ck_assert_int_eq(numbers_reached_at(&n, 3976, 5000, 3900, 3990, why, sizeof(why)), 0);
	ck_assert_int_eq(numbers_reached_at(&n, 3976, 5000, 3980, 3990, why, sizeof(why)), 1);
	ck_assert_ptr_nonnull(strstr(why, "from 5000 to 3980"));
	/* A fresh machine (its last number below 300) whose counter is forced
	 * up to the case's numbers at the top. */
	ck_assert_int_eq(numbers_reached_at(&n, 31744, 4, 31745, 31744, why, sizeof(why)), 1);
	ck_assert_int_eq(numbers_reached_at(&n, 31744, 4, 400, 31744, why, sizeof(why)), 0);
	/* A case using more than its window, into the machine's numbers. */
	ck_assert_int_eq(numbers_reached_at(&n, 3976, 5000, 5010, 5005, why, sizeof(why)), 1);
	/* pid_max 1900 before 6.14: a quarter of the cycle, from 300. */
	numbers_plan(&n, 0, 1900);
	ck_assert_int_eq(n.window, 400);
	ck_assert_int_eq(numbers_first(&n, 1000, 42), 600);
	ck_assert_int_eq(numbers_first(&n, 500, 42), 1500);
}
END_TEST

START_TEST(junit_parses_back)
{
	struct job jobs[4];
	struct result res[4];
	int finished[4] = {1, 1, 1, 1};
	char path[PATH_MAX], diff[PATH_MAX];
	memset(jobs, 0, sizeof(jobs));
	memset(res, 0, sizeof(res));
	const char *names[] = {"good", "differs", "skipped", "broke"};
	for (int i = 0; i < 4; i++) {
		snprintf(jobs[i].name, sizeof(jobs[i].name), "%s", names[i]);
		jobs[i].secs = 0.25 * (i + 1);
	}
	tmpfile_with(diff, "j.diff", "-si_pid=0\n+si_pid=top@outer <&> \"'\n");
	res[1].v = V_FAIL;
	snprintf(res[1].reason, sizeof(res[1].reason), "output differs");
	snprintf(res[1].diff, sizeof(res[1].diff), "%s", diff);
	res[2].v = V_SKIP;
	snprintf(res[2].directive, sizeof(res[2].directive), "SKIP");
	snprintf(res[2].reason, sizeof(res[2].reason), "needs Linux 6.13 <really>");
	res[3].v = V_FAIL;
	snprintf(res[3].directive, sizeof(res[3].directive), "TIMEOUT");
	snprintf(res[3].reason, sizeof(res[3].reason), "killed after 10.0 s");
	snprintf(path, sizeof(path), "%s/junit.xml", tmpdir);
	ck_assert_int_eq(junit_write(path, jobs, res, finished, 4), 0);

	xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET);
	ck_assert_msg(doc != NULL, "libxml2 cannot parse %s", path);
	ck_assert_str_eq(xml_attr(doc, "/testsuites/testsuite", "tests"), "4");
	ck_assert_str_eq(xml_attr(doc, "/testsuites/testsuite", "failures"), "1");
	ck_assert_str_eq(xml_attr(doc, "/testsuites/testsuite", "errors"), "1");
	ck_assert_str_eq(xml_attr(doc, "/testsuites/testsuite", "skipped"), "1");
	ck_assert_str_eq(xml_attr(doc, "//testcase[@name='skipped']", "time"), "0.750");
	ck_assert_str_eq(xml_attr(doc, "//testcase[@name='skipped']/skipped", "message"),
	                 "needs Linux 6.13 <really>");
	ck_assert_str_eq(xml_attr(doc, "//testcase[@name='differs']/failure", NULL),
	                 "-si_pid=0\n+si_pid=top@outer <&> \"'\n");
	ck_assert_str_eq(xml_attr(doc, "//testcase[@name='broke']/error", "type"), "TIMEOUT");
	ck_assert_str_eq(xml_attr(doc, "//testcase[@name='good']/*", "type"), "");
	xmlFreeDoc(doc);
}
END_TEST

/* ---- running, timeouts and killing process trees ---- */

static int got_done;
static void on_done(struct job *j, void *ctx)
{
	(void)j;
	(void)ctx;
	got_done++;
}

static struct job mkjob(const char *mode)
{
	struct job j;
	memset(&j, 0, sizeof(j));
	snprintf(j.name, sizeof(j.name), "%s", mode);
	snprintf(j.path, sizeof(j.path), "%s", self_exe);
	snprintf(j.argv1, sizeof(j.argv1), "%s", mode);
	snprintf(j.out, sizeof(j.out), "%s/%s.out", tmpdir, mode);
	snprintf(j.err, sizeof(j.err), "%s/%s.err", tmpdir, mode);
	snprintf(j.tmp, sizeof(j.tmp), "%s/%s.tmp", tmpdir, mode);
	return j;
}

static void as_root_if_possible(void)
{
	char why[256];
	enter_userns(why, sizeof(why)); /* unprivileged runs get a user namespace */
}

START_TEST(run_exit_codes_and_output)
{
	struct job jobs[4] = {mkjob("print"), mkjob("exit3"), mkjob("segv"), mkjob("skip")};
	as_root_if_possible();
	got_done = 0;
	ck_assert_int_eq(run_jobs(jobs, 4, 2, 5.0, on_done, NULL), 0);
	ck_assert_int_eq(got_done, 4);
	ck_assert(jobs[0].have_status && WIFEXITED(jobs[0].status) &&
	          WEXITSTATUS(jobs[0].status) == 0);
	char exp[PATH_MAX];
	tmpfile_with(exp, "print.expected", "hello from a case\n");
	ck_assert_int_eq(files_equal(exp, jobs[0].out), 1);
	ck_assert(WIFEXITED(jobs[1].status) && WEXITSTATUS(jobs[1].status) == 3);
	ck_assert(WIFSIGNALED(jobs[2].status) && WTERMSIG(jobs[2].status) == SIGSEGV);
	ck_assert(WIFEXITED(jobs[3].status) && WEXITSTATUS(jobs[3].status) == 4);
	for (int i = 0; i < 4; i++)
		ck_assert(!jobs[i].timed_out);
}
END_TEST

START_TEST(timeout_kills_whole_tree)
{
	int w[2];
	char env[32];
	struct job j = mkjob("hang-tree");

	as_root_if_possible();
	/* Every process of the tree holds the write end of this pipe: EOF on the
	 * read end means that none of them is left. */
	ck_assert_int_eq(pipe(w), 0);
	fcntl(w[0], F_SETFD, FD_CLOEXEC);
	snprintf(env, sizeof(env), "%d", w[1]);
	setenv("NSX_WITNESS_FD", env, 1);
	long long t0 = 0;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t0 = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	ck_assert_int_eq(run_jobs(&j, 1, 1, 1.0, on_done, NULL), 0);
	close(w[1]);
	ck_assert_int_eq(j.timed_out, 1);
	/* The tree was complete before the timeout. */
	char exp[PATH_MAX];
	tmpfile_with(exp, "tree.expected", "tree built: 6 processes\n");
	ck_assert_msg(files_equal(exp, j.out) == 1, "the hang-tree case did not build its tree");
	struct pollfd p = {w[0], POLLIN, 0};
	ck_assert_int_eq(poll(&p, 1, 3000), 1);
	char c;
	ck_assert_int_eq((int)read(w[0], &c, 1), 0); /* EOF: every holder is dead */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	long long ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 - t0;
	ck_assert_msg(ms < 2500, "took %lld ms", ms);
}
END_TEST

static long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) ? -1 : (long)st.st_size;
}

START_TEST(output_is_capped)
{
	struct job j = mkjob("flood");
	struct result r;
	char exp[PATH_MAX], diff[PATH_MAX];
	as_root_if_possible();
	ck_assert_int_eq(run_jobs(&j, 1, 1, 10.0, on_done, NULL), 0);
	ck_assert_msg(!j.timed_out && j.secs < 5, "the flood ran %.1f s", j.secs);
	ck_assert_int_eq(file_size(j.out), NSXRUN_OUTPUT_CAP); /* the first part, kept */
	tmpfile_with(exp, "flood.expected", "y\n");
	snprintf(diff, sizeof(diff), "%s/flood.diff", tmpdir);
	judge(&j, exp, diff, &r);
	ck_assert_str_eq(r.directive, "ERROR");
	ck_assert_ptr_nonnull(strstr(r.reason, "output over 4194304 bytes"));
}
END_TEST

START_TEST(fork_loop_stops_at_the_limit)
{
	struct job j = mkjob("fork-loop");
	as_root_if_possible();
	const struct limits *l = limits_setup();
	ck_assert_int_eq(run_jobs(&j, 1, 1, 10.0, on_done, NULL), 0);
	FILE *f = fopen(j.out, "r");
	int made = -1;
	char why[64] = "";
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "forked %d, then %63s", &made, why), 2);
	fclose(f);
	if (l->kind == LIM_NONE)
		return; /* nothing to hold it: the fixture stops itself */
	/* Every mechanism refuses the fork past its limit with EAGAIN. */
	ck_assert_msg(made < NSXRUN_MAX_TASKS, "%d forks under %s", made, l->desc);
	ck_assert_str_eq(why, "EAGAIN");
}
END_TEST

START_TEST(case_cgroup_removed)
{
	struct job j = mkjob("cgroup-tree");
	char what[16] = "", path[PATH_MAX] = "";
	as_root_if_possible();
	limits_setup();
	ck_assert_int_eq(run_jobs(&j, 1, 1, 10.0, on_done, NULL), 0);
	FILE *f = fopen(j.out, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%15s %4095s", what, path), 2);
	fclose(f);
	if (!strcmp(what, "none:"))
		return; /* no cgroup2 directory can be made here (unprivileged, say) */
	ck_assert_str_eq(what, "made");
	struct stat st;
	*strrchr(path, '/') = '\0';
	*strrchr(path, '/') = '\0'; /* the case's own directory */
	ck_assert_msg(stat(path, &st) && errno == ENOENT, "%s is left behind", path);
	limits_cleanup();
}
END_TEST

/* A case's cgroup is made below the run's nsxrun.<pid>.<x>: the end of
 * another case (limits_release()) must never take that parent away while a
 * case is between making it and making its own below it. */
START_TEST(cgroup_base_outlives_other_cases)
{
	as_root_if_possible();
	const struct limits *l = limits_setup();
	if (!l->cg_base[0])
		return; /* no cgroup2 directory can be made here */
	struct job a = mkjob("a"), b = mkjob("b");
	ck_assert_int_eq(limits_prepare(&a, 1), 0);
	ck_assert_int_eq(limits_prepare(&b, 2), 0);
	/* What lib's nsx_case_cgroup() does in case a: the parent, then ... */
	ck_assert(mkdir(l->cg_base, 0755) == 0 || errno == EEXIST);
	ck_assert(mkdir(b.cg_dir, 0755) == 0 || errno == EEXIST);
	limits_release(&b); /* case b ends */
	/* ... its own below it. */
	ck_assert_msg(mkdir(a.cg_dir, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", a.cg_dir,
	              strerror(errno));
	limits_release(&a);
	limits_cleanup();
}
END_TEST

/* A run's nsxrun.<pid>.<x> is another runner's to remove only when no live
 * runner holds it: a runner in another pid namespace has a number that is
 * nobody here (999999), and its directory must stay. */
START_TEST(live_runner_cgroup_kept)
{
	char runner[PATH_MAX], dir[PATH_MAX], live[PATH_MAX + 32], dead[PATH_MAX + 32];
	const char *bd = getenv("NSX_BUILD");
	snprintf(runner, sizeof(runner), "%s/runner/nsxrun", bd ? bd : "build");
	as_root_if_possible();
	const struct limits *l = limits_setup();
	if (!l->cg_base[0])
		return; /* no cgroup2 directory can be made here */
	snprintf(dir, sizeof(dir), "%s", l->cg_base);
	*strrchr(dir, '/') = '\0';
	snprintf(live, sizeof(live), "%s/nsxrun.999999.live", dir);
	snprintf(dead, sizeof(dead), "%s/nsxrun.999998.dead", dir);
	ck_assert_int_eq(mkdir(live, 0755), 0);
	ck_assert_int_eq(mkdir(dead, 0755), 0);
	int fd = open(live, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_EX | LOCK_NB), 0); /* the live runner */
	/* Another run, of one trivial case. */
	char cases[PATH_MAX], script[PATH_MAX + 16], out[PATH_MAX];
	snprintf(cases, sizeof(cases), "%s/stale-cases", tmpdir);
	snprintf(out, sizeof(out), "%s/stale-out", tmpdir);
	mkdir(cases, 0755);
	snprintf(script, sizeof(script), "%s/trivial", cases);
	FILE *f = fopen(script, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/sh\necho ok\n");
	fclose(f);
	chmod(script, 0755);
	pid_t p = fork();
	if (p == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		dup2(null, 2);
		execl(runner, runner, "--cases", cases, "--expected", cases, "--out", out,
		      (char *)NULL);
		_exit(127);
	}
	int st;
	ck_assert_int_eq(waitpid(p, &st, 0), p);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) != 127, "%s did not run", runner);
	struct stat sb;
	int live_kept = stat(live, &sb) == 0, dead_gone = stat(dead, &sb) != 0;
	close(fd);
	rmdir(live);
	rmdir(dead);
	limits_cleanup();
	ck_assert_msg(live_kept, "the live runner's %s was removed", live);
	ck_assert_msg(dead_gone, "the dead runner's %s was left", dead);
}
END_TEST

/* A case in cases_dir: a shell script with body. */
static void script_case(const char *dir, const char *name, const char *body)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	chmod(path, 0755);
}

START_TEST(meta_prints_declarations)
{
	char runner[PATH_MAX], cases[PATH_MAX], out[PATH_MAX + 16], text[1024];
	const char *bd = getenv("NSX_BUILD");
	snprintf(runner, sizeof(runner), "%s/runner/nsxrun", bd ? bd : "build");
	snprintf(cases, sizeof(cases), "%s/meta-cases", tmpdir);
	mkdir(cases, 0755);
	script_case(cases, "a_good", "[ -n \"$NSX_META\" ] && echo '{\"family\":\"f \\\"q\\\"\"}'");
	script_case(cases, "b_stub", "echo 'nsx: skip: not built' >&2; exit 4");
	script_case(cases, "c_bad", "exit 1");
	snprintf(out, sizeof(out), "%s/meta.json", tmpdir);
	pid_t p = fork();
	if (p == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int null = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		dup2(null, 2);
		execl(runner, runner, "--meta", "--cases", cases, "--expected", cases,
		      (char *)NULL);
		_exit(127);
	}
	int st;
	ck_assert_int_eq(waitpid(p, &st, 0), p);
	/* c_bad gave none: said, and the status says so */
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 2, "status %d", st);
	FILE *f = fopen(out, "r");
	ck_assert_ptr_nonnull(f);
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	ck_assert_str_eq(text, "[\n"
	                       "{\"name\":\"a_good\",\"family\":\"f \\\"q\\\"\"},\n"
	                       "{\"name\":\"b_stub\",\"stub\":\"not built\"},\n"
	                       "{\"name\":\"c_bad\",\"error\":\"no declaration\"}\n"
	                       "]\n");
}
END_TEST

START_TEST(unwritable_output_fails)
{
	struct job j = mkjob("print");
	struct result r;
	char exp[PATH_MAX], diff[PATH_MAX];
	as_root_if_possible();
	snprintf(j.out, sizeof(j.out), "%s/no/such/dir/print.out", tmpdir);
	got_done = 0;
	ck_assert_int_eq(run_jobs(&j, 1, 1, 5.0, on_done, NULL), 0);
	ck_assert_int_eq(got_done, 1);
	tmpfile_with(exp, "print.expected", "hello from a case\n");
	snprintf(diff, sizeof(diff), "%s/print.diff", tmpdir);
	judge(&j, exp, diff, &r);
	ck_assert_str_eq(r.directive, "ERROR");
	ck_assert_ptr_nonnull(strstr(r.reason, "not started: cannot write"));

	/* A full disk: lib's nsx_exit() finds stdout unwritten. */
	j = mkjob("lib-print");
	snprintf(j.out, sizeof(j.out), "/dev/full");
	ck_assert_int_eq(run_jobs(&j, 1, 1, 5.0, on_done, NULL), 0);
	ck_assert(j.have_status && WIFEXITED(j.status) && WEXITSTATUS(j.status) == 1);
	FILE *f = fopen(j.err, "r");
	char line[256] = "";
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	fclose(f);
	ck_assert_ptr_nonnull(strstr(line, "writing stdout: ENOSPC"));
}
END_TEST

/* Run nsxrun on a one-case directory whose case builds the hang tree, kill
 * nsxrun with sig once the tree is up, and require that nothing of the tree
 * is left (the witness pipe reaches EOF) and, for the signals it catches,
 * that it reports and exits 128+sig. */
static void kill_runner_with(int sig)
{
	char dir[PATH_MAX], script[PATH_MAX + 16], out[PATH_MAX], outfile[PATH_MAX + 32];
	char runner[PATH_MAX], fd[16];
	int w[2], rep[2];
	const char *b = getenv("NSX_BUILD");
	snprintf(runner, sizeof(runner), "%s/runner/nsxrun", b ? b : "build");
	ck_assert_msg(access(runner, X_OK) == 0, "no %s (make builds it)", runner);
	snprintf(dir, sizeof(dir), "%s/killcases-%d", tmpdir, sig);
	snprintf(out, sizeof(out), "%s/killout-%d", tmpdir, sig);
	mkdir(dir, 0755);
	snprintf(script, sizeof(script), "%s/hang_tree", dir);
	FILE *f = fopen(script, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/sh\nexec '%s' hang-tree\n", self_exe);
	fclose(f);
	chmod(script, 0755);
	ck_assert_int_eq(pipe(w), 0);
	ck_assert_int_eq(pipe2(rep, O_CLOEXEC), 0);
	fcntl(w[0], F_SETFD, FD_CLOEXEC);
	snprintf(fd, sizeof(fd), "%d", w[1]);
	pid_t p = fork();
	if (p == 0) {
		dup2(rep[1], 1);
		setenv("NSX_WITNESS_FD", fd, 1);
		execl(runner, runner, "--cases", dir, "--expected", dir, "--out", out, "-t", "60",
		      (char *)NULL);
		_exit(127);
	}
	close(w[1]);
	close(rep[1]);
	/* The tree is up when the case has printed its line. */
	snprintf(outfile, sizeof(outfile), "%s/hang_tree.out", out);
	for (int i = 0; i < 500 && file_size(outfile) <= 0; i++)
		poll(NULL, 0, 10);
	ck_assert_msg(file_size(outfile) > 0, "the hang tree never came up");
	kill(p, sig);
	struct pollfd pw = {w[0], POLLIN, 0};
	ck_assert_msg(poll(&pw, 1, 3000) == 1, "processes of the tree outlived the runner");
	char c;
	ck_assert_int_eq((int)read(w[0], &c, 1), 0); /* EOF: every holder is dead */
	int st;
	ck_assert_int_eq(waitpid(p, &st, 0), p);
	char report[4096] = "";
	ssize_t n = read(rep[0], report, sizeof(report) - 1);
	report[n > 0 ? n : 0] = '\0';
	if (sig == SIGKILL) {
		ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
		/* What it could not remove, its cgroup directory (empty: its
		 * cases are gone), the next run would: this test removes it. */
		const struct limits *l = limits_setup();
		if (l->cg_base[0]) {
			char pat[PATH_MAX + 32];
			glob_t g;
			snprintf(pat, sizeof(pat), "%s", l->cg_base);
			snprintf(strrchr(pat, '/'), 40, "/nsxrun.%d.*", (int)p);
			if (glob(pat, 0, NULL, &g) == 0)
				for (size_t i = 0; i < g.gl_pathc; i++)
					rmdir(g.gl_pathv[i]);
			globfree(&g);
		}
	} else {
		char want[64];
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 128 + sig, "status %#x", st);
		snprintf(want, sizeof(want), "# interrupted by SIG%s", sigabbrev_np(sig));
		ck_assert_msg(strstr(report, want) != NULL, "no '%s' in:\n%s", want, report);
	}
	close(w[0]);
	close(rep[0]);
}

START_TEST(runner_killed_by_sigint)
{
	kill_runner_with(SIGINT);
}
END_TEST

START_TEST(runner_killed_by_sigterm)
{
	kill_runner_with(SIGTERM);
}
END_TEST

START_TEST(runner_killed_by_sigkill)
{
	kill_runner_with(SIGKILL);
}
END_TEST

/* ---- the fake cases this program plays when run by the tests ---- */

static int hang_fn(void *arg)
{
	(void)arg;
	NSX_SEND("up", 1);
	for (;;)
		pause();
	return 0;
}

static int hang_escaper(void *arg)
{
	(void)arg;
	setsid(); /* leaves the case's session and process group */
	NSX_SEND("up", 1);
	for (;;)
		pause();
	return 0;
}

static int hang_mid(void *arg)
{
	(void)arg;
	nsx_spawn("escaper", NULL, hang_escaper, NULL);
	NSX_SEND("up", 1);
	for (;;)
		pause();
	return 0;
}

#define FORK_LOOP_MAX 3000
static char loop_stacks[FORK_LOOP_MAX][4096] __attribute__((aligned(16)));

static int waiter(void *arg)
{
	(void)arg;
	for (;;)
		syscall(SYS_pause);
	return 0;
}

static int fake_case(const char *mode)
{
	if (!strcmp(mode, "print")) {
		printf("hello from a case\n");
		return 0;
	}
	if (!strcmp(mode, "exit3"))
		return 3;
	if (!strcmp(mode, "segv")) {
		signal(SIGSEGV, SIG_DFL);
		raise(SIGSEGV);
		return 0;
	}
	if (!strcmp(mode, "skip")) {
		fprintf(stderr, "nsx: skip: testing\n");
		return 4;
	}
	if (!strcmp(mode, "flood")) { /* a runaway loop */
		for (;;)
			fputs("y\n", stdout);
	}
	if (!strcmp(mode, "fork-loop")) {
		/* Make child processes that wait, until that fails or FORK_LOOP_MAX
		 * exist; every child goes with the case's namespace.  CLONE_VM
		 * children, on stacks of their own: cheap even in a sanitizer
		 * build, where a fork() copies a huge address space. */
		int made = 0, err = 0;
		while (made < FORK_LOOP_MAX) {
			pid_t c = clone(waiter, loop_stacks[made] + sizeof(loop_stacks[0]),
			                CLONE_VM | SIGCHLD, NULL);
			if (c < 0) {
				err = errno;
				break;
			}
			made++;
		}
		printf("forked %d, then %s\n", made, err ? nsx_errname(err) : "stopped");
		fflush(stdout);
		_exit(0); /* no LeakSanitizer pass with CLONE_VM children about */
	}
	if (!strcmp(mode, "fork-bomb")) {
		/* Every process forks for ever (the make vm guest's containment
		 * check, never run on a host).  Once a fork of its own fails (or
		 * after 10 s), the first one counts
		 * the processes of its namespace (the stub's fresh /proc) and says
		 * how fork() failed; the runner's kill(-1) ends the rest. */
		pid_t first = getpid();
		long long t0 = time(NULL);
		int err = 0;
		for (;;) {
			pid_t c = fork();
			if (c < 0 && !err)
				err = errno;
			/* the first stops once one of its own forks was refused
			 * (bounded: 10 s), the others go on until killed */
			if (getpid() == first && (err || time(NULL) - t0 >= 10))
				break;
		}
		int n = 0;
		DIR *d = opendir("/proc");
		for (struct dirent *e; d && (e = readdir(d));)
			n += e->d_name[0] >= '1' && e->d_name[0] <= '9';
		printf("fork bomb: %d processes in the case's namespace; fork() failed with %s\n",
		       n, err ? nsx_errname(err) : "nothing");
		fflush(stdout);
		_exit(0);
	}
	if (!strcmp(mode, "cgroup-tree")) {
		/* Make the cgroup2 directory offered, and two levels below it, and
		 * stay in none of them: the runner is to remove all three. */
		const char *cg = getenv("NSX_CGROUP");
		char sub[PATH_MAX];
		if (!cg) {
			printf("none: %s\n", getenv("NSX_NOCGROUP"));
			return 0;
		}
		snprintf(sub, sizeof(sub), "%.3000s/a/b", cg);
		nsx_init("top", "outer");
		int made = !mkdir(nsx_case_cgroup() ? dirname(strdupa(sub)) : "", 0755) &&
		           !mkdir(sub, 0755);
		printf("%s %s\n", made ? "made" : "failed", sub);
		nsx_exit();
	}
	if (!strcmp(mode, "lib-print")) {
		nsx_init("top", "outer");
		printf("hello from a case\n");
		nsx_exit();
	}
	if (!strcmp(mode, "hang-tree")) {
		/* A chain of 3 nested namespaces, plus a grandchild that has left
		 * the session (no parent-death signal reaches it), all waiting
		 * forever.  The witness fd is inherited by all. */
		setenv("NSX_TIMEOUT_MS", "20000", 1);
		nsx_init("top", "outer");
		nsx_chain("l", "ns", 3, hang_fn, NULL, NULL);
		nsx_recv(nsx_find("l3"), "up");
		int mid = nsx_spawn("mid", NULL, hang_mid, NULL);
		nsx_recv(mid, "up");
		nsx_recv(nsx_find("escaper"), "up");
		printf("tree built: %d processes\n", nsx_table()->ntasks);
		fflush(stdout);
		for (;;)
			pause();
	}
	return 2;
}

static Suite *runner_suite(void)
{
	Suite *s = suite_create("runner");
	TCase *t = tcase_create("args");
	tcase_add_test(t, args_defaults);
	tcase_add_test(t, args_values);
	tcase_add_test(t, args_errors);
	suite_add_tcase(s, t);
	t = tcase_create("ktap");
	tcase_add_test(t, ktap_lines);
	tcase_add_test(t, ktap_diff_as_diagnostics);
	suite_add_tcase(s, t);
	t = tcase_create("compare");
	tcase_add_test(t, compare_files);
	tcase_add_test(t, verdicts);
	tcase_add_test(t, known_bad_variants);
	tcase_add_test(t, kernel_version_ranges);
	tcase_add_test(t, junit_parses_back);
	tcase_add_test(t, case_numbers);
	suite_add_tcase(s, t);
	t = tcase_create("exec");
	tcase_set_timeout(t, 20);
	tcase_add_test(t, run_exit_codes_and_output);
	tcase_add_test(t, timeout_kills_whole_tree);
	tcase_add_test(t, output_is_capped);
	tcase_add_test(t, fork_loop_stops_at_the_limit);
	tcase_add_test(t, unwritable_output_fails);
	tcase_add_test(t, meta_prints_declarations);
	tcase_add_test(t, case_cgroup_removed);
	tcase_add_test(t, cgroup_base_outlives_other_cases);
	tcase_add_test(t, live_runner_cgroup_kept);
	tcase_add_test(t, runner_killed_by_sigint);
	tcase_add_test(t, runner_killed_by_sigterm);
	tcase_add_test(t, runner_killed_by_sigkill);
	suite_add_tcase(s, t);
	return s;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return fake_case(argv[1]);
	ssize_t n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);
	if (n < 0)
		return 2;
	self_exe[n] = '\0';
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/nsxrun-test-XXXXXX");
	if (!mkdtemp(tmpdir))
		return 2;
	/* Each test runs in a process of its own (Check forks it): the run's
	 * cgroup directory its run_jobs() made goes when it exits. */
	atexit(limits_cleanup);
	SRunner *sr = srunner_create(runner_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmpdir);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
