// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of cases/core_pattern.h helper_wait(): how coredump_pids waits
 * for the report of its core_pattern helper, with stand-ins for the dumper
 * and the helper (core_pattern itself is the machine's: never written by this test).
 * The stand-in helper opens the FIFO first, as the real one does, and is
 * slow on purpose: it reports three times lib's timeout (NSX_TIMEOUT_MS=100
 * here) after the wait began, as a helper whose start the kernel's
 * usermode-helper path stretched under load, while the dumper lives on (as
 * d does while its core is still going into the pipe).  A wait bounded by
 * lib's timeout has given up by then ("no report from the core_pattern
 * helper"); helper_wait() must take the report.  When the dumper ends
 * without a core, or the helper without a report, it must say so at once.
 * (A dumper that ends with a core cannot be had without writing
 * core_pattern: not tested here.)
 */
#include "nsx.h"
#include "../../cases/core_pattern.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[PATH_MAX], fifo_path[PATH_MAX + 8];
static int fifo = -1, procfd = -1;

/* The directory and the FIFO, once for all tests (an unchecked fixture:
 * removed even after a failure); the FIFO's read end, in each test. */
static void make_fifo(void)
{
	const char *b = getenv("NSX_BUILD");
	snprintf(dir, sizeof(dir), "%s/core-wait.XXXXXX", b && b[0] ? b : ".");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(fifo_path, sizeof(fifo_path), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(fifo_path, 0600), 0);
}

static void remove_fifo(void)
{
	unlink(fifo_path);
	rmdir(dir);
}

static void setup(void)
{
	fifo = open(fifo_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	procfd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fifo, 0);
	ck_assert_int_ge(procfd, 0);
}

/* The helper: opens the FIFO, reports (report NULL: ends without a report)
 * ms milliseconds later, exits. */
static pid_t helper_after(int ms, const char *report)
{
	pid_t h = fork();
	if (h == 0) {
		int out = open(fifo_path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
		struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
		nanosleep(&t, NULL); /* slowed down, as by load */
		_exit(out >= 0 && (!report || write(out, report, strlen(report)) > 0) ? 0 : 1);
	}
	return h;
}

/* The dumper: lives until the test kills it (how = 0), or at once ends
 * killed by SIGKILL (how = -1) or exits with status how. */
static pid_t dumper(int how)
{
	pid_t d = fork();
	if (d == 0) {
		if (how < 0)
			raise(SIGKILL);
		if (how > 0)
			_exit(how);
		pause();
		_exit(0);
	}
	return d;
}

static void reap(pid_t p)
{
	kill(p, SIGKILL);
	waitpid(p, NULL, 0);
}

START_TEST(slow_helper_still_reports)
{
	char buf[256];
	pid_t d = dumper(0), h = helper_after(3 * nsx_timeout_ms(), "1 2 3\nnspid\n");
	const char *why = helper_wait(fifo, procfd, d, buf, sizeof(buf));
	reap(h);
	reap(d);
	ck_assert_msg(!why, "no report: %s", why ? why : "");
	ck_assert_str_eq(buf, "1 2 3\nnspid\n");
}
END_TEST

START_TEST(dumper_killed_without_core)
{
	char buf[256];
	pid_t d = dumper(-1);
	const char *why = helper_wait(fifo, procfd, d, buf, sizeof(buf));
	reap(d);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, "killed by SIGKILL without a core"), "why: %s", why);
}
END_TEST

START_TEST(dumper_exits)
{
	char buf[256];
	pid_t d = dumper(3);
	const char *why = helper_wait(fifo, procfd, d, buf, sizeof(buf));
	reap(d);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, "exited with status 3"), "why: %s", why);
}
END_TEST

START_TEST(helper_ends_without_report)
{
	char buf[256];
	pid_t d = dumper(0), h = helper_after(0, NULL);
	const char *why = helper_wait(fifo, procfd, d, buf, sizeof(buf));
	reap(h);
	reap(d);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, "the helper ended without a report"), "why: %s", why);
}
END_TEST

static Suite *core_pattern_suite(void)
{
	Suite *s = suite_create("core_pattern");
	TCase *t = tcase_create("helper_wait");
	tcase_add_unchecked_fixture(t, make_fifo, remove_fifo);
	tcase_add_checked_fixture(t, setup, NULL);
	tcase_add_test(t, slow_helper_still_reports);
	tcase_add_test(t, dumper_killed_without_core);
	tcase_add_test(t, dumper_exits);
	tcase_add_test(t, helper_ends_without_report);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	/* lib's timeout, short: the slow helper is three times as slow */
	setenv("NSX_TIMEOUT_MS", "100", 1);
	SRunner *sr = srunner_create(core_pattern_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
