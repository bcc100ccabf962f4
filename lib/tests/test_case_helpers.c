// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the small helpers cases use to read as scenarios (#30). */
#include "nsx.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

NSX_CASE(.family = "lib's unit tests");

START_TEST(val_is_the_value_or_the_error)
{
	errno = ESRCH;
	ck_assert_int_eq(nsx_val(-1), -ESRCH);
	ck_assert_int_eq(nsx_val(0), 0);
	ck_assert_int_eq(nsx_val(42), 42);
	ck_assert_str_eq(nsx_res(nsx_val(7)), "0");
}
END_TEST

START_TEST(fmt_is_printf_in_a_rotating_buffer)
{
	const char *a = nsx_fmt("%d/fdinfo/%s", 42, "7");
	ck_assert_str_eq(a, "42/fdinfo/7");
	ck_assert_str_eq(nsx_fmt("-%s", a), "-42/fdinfo/7"); /* another buffer */
	ck_assert_str_eq(a, "42/fdinfo/7");
	char big[400];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_uint_eq(strlen(nsx_fmt("%s", big)), 255); /* cut, never overflowing */
}
END_TEST

START_TEST(field_of_a_text)
{
	const char *t = "pos:\t0\nPid:\t-1\nNSpid:\t2001 7 1\nNSpidx:\t9\nempty:\n3 4\n";
	long v[4] = {0};
	ck_assert_int_eq(nsx_field_numbers(t, "Pid", v, 4), 1);
	ck_assert_int_eq(v[0], -1);
	ck_assert_int_eq(nsx_field_numbers(t, "NSpid", v, 4), 3);
	ck_assert_int_eq(v[0], 2001);
	ck_assert_int_eq(v[2], 1);
	ck_assert_int_eq(nsx_field_numbers(t, "NSpid", v, 2), 2);
	ck_assert_int_eq(nsx_field_numbers(t, "pos", v, 4), 1);
	ck_assert_int_eq(nsx_field_numbers(t, "empty", v, 4), 0);    /* the next line is not read */
	ck_assert_int_eq(nsx_field_numbers(t, "id", v, 4), -ENOENT); /* only at a line's start */
	ck_assert_int_eq(nsx_field_numbers(t, "NS", v, 4), -ENOENT);
	ck_assert_int_eq(nsx_field_numbers("", "Pid", v, 4), -ENOENT);

	char path[] = "/tmp/nsx-field.XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, t, strlen(t)), (long)strlen(t));
	close(fd);
	ck_assert_int_eq(nsx_read_field_numbers(AT_FDCWD, path, "NSpid", v, 4), 3);
	ck_assert_int_eq(v[1], 7);
	unlink(path);
	ck_assert_int_eq(nsx_read_field_numbers(AT_FDCWD, path, "NSpid", v, 4), -ENOENT);
}
END_TEST

static long seven(const long *arg NSX_UNUSED)
{
	return 7;
}

START_TEST(unused_argument_compiles_quietly)
{
	ck_assert_int_eq(seven(NULL), 7); /* -Wextra -Werror: no unused-parameter warning */
}
END_TEST

START_TEST(take_turns_holds_the_directory)
{
	char dir[] = "/tmp/nsx-turns.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	nsx_take_turns(dir); /* held until this process exits */
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	/* another description: even a shared lock is refused (held exclusive) */
	ck_assert_int_eq(flock(fd, LOCK_SH | LOCK_NB), -1);
	ck_assert_int_eq(errno, EWOULDBLOCK);
	close(fd);
	rmdir(dir);
}
END_TEST

static Suite *helpers_suite(void)
{
	Suite *s = suite_create("case_helpers");
	TCase *t = tcase_create("values");
	tcase_add_test(t, val_is_the_value_or_the_error);
	tcase_add_test(t, fmt_is_printf_in_a_rotating_buffer);
	tcase_add_test(t, field_of_a_text);
	tcase_add_test(t, unused_argument_compiles_quietly);
	tcase_add_test(t, take_turns_holds_the_directory);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(helpers_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
