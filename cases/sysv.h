/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sysv.h - what the sysv_*_pids cases share: one tree of pid namespaces,
 * every task with a /proc of its own namespace, and "ask a reader" helpers.
 *
 * Namespaces and tasks: top in outer (the case's own); a, the init of A, and
 * m in A (m also runs a thread, mthr); d, the init of D, nested in A; s, the
 * init of S, a sibling of A.  All share the case's private IPC namespace
 * (nsx_private_ipc()), so every object dies with the case.  A case's
 * actions run in any task (the top runs them in place) through sysv_ask().
 */
#ifndef SYSV_H
#define SYSV_H

#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { V_TOP, V_A, V_M, V_D, V_S, V_MTHR, NV };
static const char *const vname[NV] = {"top", "a", "m", "d", "s", "mthr"};
static const char *const vns[NV] = {NULL, "A", NULL, "D", "S", NULL};
static int vidx[NV];
static int own_proc = -1; /* in each task: a /proc of its own pid namespace */
static int top_file = -1; /* /proc/sysvipc/<file> as the top opened it, inherited */

static void *mthr_fn(void *arg)
{
	(void)arg;
	nsx_add_thread("mthr");
	NSX_SEND("up", 1);
	nsx_serve();
}

static int sysv_task(void *arg)
{
	const char *me = arg;
	if (strcmp(me, "m")) /* inits: a /proc of their own namespace */
		NSX_TRY_ERR(-nsx_mount_proc());
	own_proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (!strcmp(me, "a")) {
		nsx_spawn("m", NULL, sysv_task, "m");
		nsx_spawn("d", "D", sysv_task, "d");
	}
	if (!strcmp(me, "m")) {
		pthread_t th;
		NSX_TRY_ERR(pthread_create(&th, NULL, mthr_fn, NULL));
	}
	NSX_SEND("up", 1);
	nsx_serve();
}

/* Make the tree; every task then answers sysv_ask().  With file non-NULL the
 * top first opens /proc/sysvipc/<file> (top_file), which every task inherits. */
static void sysv_setup(const char *file)
{
	char path[64];
	nsx_init("top", "outer");
	nsx_private_ipc();
	own_proc = nsx_procfd();
	snprintf(path, sizeof(path), "sysvipc/%s", file ? file : "");
	if (file && (top_file = openat(own_proc, path, O_RDONLY | O_CLOEXEC)) < 0)
		nsx_fail("opening /proc/%s: %s", path, nsx_errname(errno));
	nsx_spawn("a", "A", sysv_task, "a");
	nsx_spawn("s", "S", sysv_task, "s");
	for (int n = 1; n < NV; n++)
		nsx_recv(-1, "up");
	for (int v = 0; v < NV; v++)
		vidx[v] = nsx_find(vname[v]);
}

/* Run action fn in reader v (in place for the top) and return its reply. */
static const struct nsx_msg *sysv_ask(int v, nsx_action fn, long a0, long a1, long a2)
{
	if (v == V_TOP) {
		fn((const long[]){a0, a1, a2, 0});
		return nsx_recv(0, "reply");
	}
	return nsx_do(vidx[v], fn, a0, a1, a2);
}

/* Where a reader takes /proc/sysvipc/<file> from: a proc of its own
 * namespace, the proc the case began with (the top's namespace's), or the
 * file the top opened. */
enum { SV_OWN_PROC, SV_CASE_PROC, SV_TOP_FILE };

/* Columns c0 and c1 of object id's line in /proc/sysvipc/<file>, taken from
 * where (SV_*), into v[0] and v[1] (-errno each when they cannot be read). */
static inline void sysvipc_fields(int where, const char *file, long id, int c0, int c1, long v[2])
{
	char path[64];
	int fd = top_file;
	snprintf(path, sizeof(path), "sysvipc/%s", file);
	if (where != SV_TOP_FILE)
		fd = openat(where == SV_OWN_PROC ? own_proc : nsx_procfd(), path,
		            O_RDONLY | O_CLOEXEC);
	v[0] = v[1] = fd < 0 ? -errno : 0;
	if (fd < 0)
		return;
	v[0] = nsx_sysvipc_field(fd, id, c0);
	v[1] = nsx_sysvipc_field(fd, id, c1);
	if (fd != top_file)
		close(fd);
}

/* "name" of value x read by reader v, or its errno. */
static const char *sysv_name(int v, long x)
{
	return x < 0 ? nsx_errname((int)-x) : nsx_name(vidx[v], x);
}

/* The two rows that say whose pid namespace /proc/sysvipc/<file> uses: d
 * opening it through the case's proc (top's namespace's), and d reading the
 * file the top opened, named as the top sees them.  fn is the case's action
 * that replies sysvipc_fields(arg[1], ...) for object arg[0]. */
static inline void sysv_opener_rows(nsx_action fn, long id, const char *file, const char *c0,
                                    const char *c1)
{
	const struct nsx_msg *pr = sysv_ask(V_D, fn, id, SV_CASE_PROC, 0);
	printf("  d, opening /proc/sysvipc/%s through top's proc:  %s=%-4s %s=%s\n", file, c0,
	       sysv_name(V_D, pr->v[0]), c1, sysv_name(V_D, pr->v[1]));
	pr = sysv_ask(V_D, fn, id, SV_TOP_FILE, 0);
	printf("  d, reading the /proc/sysvipc/%s top opened:     %s=%-4s %s=%s (named in outer)\n",
	       file, c0, sysv_name(V_TOP, pr->v[0]), c1, sysv_name(V_TOP, pr->v[1]));
}

#endif
