// SPDX-License-Identifier: GPL-2.0-or-later
/* tiny.c - the smallest program execve() can start: nsbench's vfork_exec. */
#include <unistd.h>
int main(void)
{
	_exit(0);
}
