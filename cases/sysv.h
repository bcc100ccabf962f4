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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { V_TOP, V_A, V_M, V_D, V_S, V_MTHR, NV };
static const char *const vname[NV] = {"top", "a", "m", "d", "s", "mthr"};
static const char *const vns[NV] = {NULL, "A", NULL, "D", "S", NULL};
static int vidx[NV];
static int own_proc = -1;   /* in each task: a /proc of its own pid namespace */
static int top_file = -1;   /* /proc/sysvipc/<file> as the top opened it, inherited */
static const char *sv_file; /* that file's name: "msg", "shm" */

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
	if (!strcmp(me, "m"))
		nsx_thread("mthr", NULL, NULL);
	NSX_SEND("up", 1);
	nsx_serve();
}

/* Make the tree; every task then answers sysv_ask().  With file non-NULL the
 * top first opens /proc/sysvipc/<file> (top_file), which every task inherits. */
static void sysv_setup(const char *file)
{
	nsx_init("top", "outer");
	nsx_private_ipc();
	own_proc = nsx_procfd();
	sv_file = file;
	const char *path = nsx_fmt("sysvipc/%s", file ? file : "");
	if (file && (top_file = openat(own_proc, path, O_RDONLY | O_CLOEXEC)) < 0)
		nsx_fail("opening /proc/%s: %s", path, nsx_errname(errno));
	nsx_spawn("a", "A", sysv_task, "a");
	nsx_spawn("s", "S", sysv_task, "s");
	for (int n = 1; n < V_MTHR; n++)
		nsx_recv(-1, "up");
	for (int v = 0; v < NV; v++)
		vidx[v] = nsx_find(vname[v]);
}

/* Run action fn in reader v (in place for the top) and return its reply. */
static const struct nsx_msg *sysv_ask(int v, nsx_action fn, long a0, long a1, long a2)
{
	return nsx_by(vidx[v], fn, a0, a1, a2);
}

/* Where a reader takes /proc/sysvipc/<file> from: a proc of its own
 * namespace, the proc the case began with (the top's namespace's), or the
 * file the top opened. */
enum { SV_OWN_PROC, SV_CASE_PROC, SV_TOP_FILE };

/* Action: columns arg[2] and arg[2]+1 of object arg[0]'s line in
 * /proc/sysvipc/<sv_file>, taken from where arg[1] (SV_*) says (-errno each
 * when they cannot be read). */
static inline void sysv_do_proc(const long *arg)
{
	int fd = top_file;
	long v[2];
	if (arg[1] != SV_TOP_FILE)
		fd = openat(arg[1] == SV_OWN_PROC ? own_proc : nsx_procfd(),
		            nsx_fmt("sysvipc/%s", sv_file), O_RDONLY | O_CLOEXEC);
	v[0] = v[1] = fd < 0 ? -errno : 0;
	if (fd >= 0) {
		v[0] = nsx_sysvipc_field(fd, arg[0], (int)arg[2]);
		v[1] = nsx_sysvipc_field(fd, arg[0], (int)arg[2] + 1);
	}
	if (fd >= 0 && fd != top_file)
		close(fd);
	NSX_REPLY(v[0], v[1]);
}

/* "name" of value x read by reader v, or its errno. */
static const char *sysv_name(int v, long x)
{
	return x < 0 ? nsx_errname((int)-x) : nsx_name(vidx[v], x);
}

/* The two pids of object id, named n0 and n1, as each reader (not mthr)
 * reads them: by IPC_STAT (stat, an action replying them) and in columns col
 * and col+1 of /proc/sysvipc/<sv_file> through a proc of its own namespace.
 * Then the two rows that say whose pid namespace the file uses: d opening
 * it through the case's proc (top's namespace's), and d reading the file
 * the top opened, named as the top sees them. */
static inline void sysv_readers(long id, nsx_action stat, int col, const char *n0, const char *n1)
{
	for (int v = V_TOP; v < V_MTHR; v++) {
		const long *st = sysv_ask(v, stat, id, 0, 0)->v;
		const long *pr = sysv_ask(v, sysv_do_proc, id, SV_OWN_PROC, col)->v;
		printf("  read by %-3s IPC_STAT: %s=%-4s %s=%-4s  /proc/sysvipc/%s: %s=%-4s "
		       "%s=%s\n",
		       vname[v], n0, sysv_name(v, st[0]), n1, sysv_name(v, st[1]), sv_file, n0,
		       sysv_name(v, pr[0]), n1, sysv_name(v, pr[1]));
	}
	const long *pr = sysv_ask(V_D, sysv_do_proc, id, SV_CASE_PROC, col)->v;
	printf("  d, opening /proc/sysvipc/%s through top's proc:  %s=%-4s %s=%s\n", sv_file, n0,
	       sysv_name(V_D, pr[0]), n1, sysv_name(V_D, pr[1]));
	pr = sysv_ask(V_D, sysv_do_proc, id, SV_TOP_FILE, col)->v;
	printf("  d, reading the /proc/sysvipc/%s top opened:     %s=%-4s %s=%s (named in outer)\n",
	       sv_file, n0, sysv_name(V_TOP, pr[0]), n1, sysv_name(V_TOP, pr[1]));
}

#endif
