// SPDX-License-Identifier: GPL-2.0-or-later
/* skip.c - stands in for a case that cannot be built here: skips with why. */
#include <stdio.h>

#ifndef NSX_SKIP_REASON
#define NSX_SKIP_REASON "not built"
#endif

int main(void)
{
	fprintf(stderr, "nsx: skip: %s\n", NSX_SKIP_REASON);
	return 4;
}
