// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the small helpers cases use to read as scenarios (#30). */
#include "nsx.h"

#include <check.h>
#include <errno.h>
#include <stdlib.h>

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

static Suite *helpers_suite(void)
{
	Suite *s = suite_create("case_helpers");
	TCase *t = tcase_create("values");
	tcase_add_test(t, val_is_the_value_or_the_error);
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
