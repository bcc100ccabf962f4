// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * naming.c - names with the live task table, as a given task or
 * namespace sees them (names.c holds the pure functions).
 */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *nsx_name_ns(int ns, long v)
{
	return nsx_name_in(nsx_T, ns, v, nsx_strbuf(), 256);
}

const char *nsx_name(int observer, long v)
{
	return nsx_name_ns(nsx_T->task[observer].ns, v);
}

const char *nsx_nslist_names(int task, int proc_level, const long *nr, int n)
{
	char *b = nsx_strbuf();
	size_t off = 0;
	b[0] = '\0';
	for (int k = 0; k < n && off < 256; k++) {
		int ns = nsx_ns_at(task, proc_level + k);
		char one[128];
		if (ns < 0)
			snprintf(one, sizeof(one), "%ld?", nr[k]);
		else
			nsx_name_in(nsx_T, ns, nr[k], one, sizeof(one));
		int w = snprintf(b + off, 256 - off, "%s%s", k ? " " : "", one);
		if (w < 0)
			break;
		off += (size_t)w;
	}
	return b;
}

const char *nsx_name_list(int observer, const long *v)
{
	char *b = nsx_strbuf();
	size_t off = 0;
	if (v[0] < 0) {
		snprintf(b, 256, " %s", nsx_errname((int)-v[0]));
		return b;
	}
	b[0] = '\0';
	for (long i = 1; i <= v[0] && i < NSX_MSG_VALS && off < 256; i++) {
		int w = snprintf(b + off, 256 - off, " %s", nsx_name(observer, v[i]));
		if (w < 0)
			break;
		off += (size_t)w;
	}
	return b;
}
