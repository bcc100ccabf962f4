/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroup1.h - what the cgroup v1 cases share (cgroup_v1_pids,
 * cgroup_debug_pids): a v1 hierarchy of the case's own, mounted in a mount
 * namespace of its own (cg1_setup()), with one cgroup g holding c, the init of
 * namespace inner, c2 (inner) with a second thread c2t, and o (outer); the
 * top moved them there with their numbers in outer.  When the case ends
 * everyone goes back to the root cgroup and g, the mount and its directory
 * go: the hierarchy is destroyed with them.
 *
 * A case defines cg1_read(file, v), declared here: the numbers of its
 * file number file (0, 1, ...) of g as read by the calling task, count in
 * v[0] (-errno if unreadable), up to 8 numbers in v[1..].  Every reader
 * runs it as the action cg1_do_read().
 */
#ifndef CGROUP1_H
#define CGROUP1_H

#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static void cg1_read(int file, long *v);

static const char *cg1_mnt;
static int cg1_mounted;

/* The action: cg1_read() of file arg[0], as the reply. */
static void cg1_do_read(const long *arg)
{
	long v[9] = {0};
	cg1_read((int)arg[0], v);
	nsx_send_v("reply", v, 9);
}

static long cg1_write_pid(const char *file, long pid)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", cg1_mnt, file);
	return nsx_write_text(AT_FDCWD, path, "%ld", pid);
}

static void cg1_clean(void)
{
	char g[128];
	if (!cg1_mounted)
		return;
	cg1_mounted = 0;
	for (int i = 0; i < nsx_ntasks(); i++)
		if (nsx_task_ready(i) == 1)
			cg1_write_pid("cgroup.procs", nsx_pid(i));
	snprintf(g, sizeof(g), "%s/g", cg1_mnt);
	rmdir(g);
	umount2(cg1_mnt, MNT_DETACH);
	rmdir(cg1_mnt);
}

/* In the top: mount a v1 hierarchy with opts at mnt (a mount namespace of
 * its own first), make g, spawn c (with c2, c2t) and o and move them into g.
 * Returns c, or -errno from the mount (nothing left behind then). */
static int cg1_setup(const char *mnt, const char *opts)
{
	char g[128];
	cg1_mnt = mnt;
	NSX_TRY(unshare(CLONE_NEWNS));
	NSX_TRY(mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL));
	if (mkdir(mnt, 0755) && errno != EEXIST)
		nsx_fail("mkdir %s: %s", mnt, nsx_errname(errno));
	if (mount("nsxlate", mnt, "cgroup", 0, opts)) {
		int e = errno;
		rmdir(mnt);
		return -e;
	}
	cg1_mounted = 1;
	atexit(cg1_clean);
	snprintf(g, sizeof(g), "%s/g", mnt);
	NSX_TRY(mkdir(g, 0755));
	struct nsx_scene s = nsx_scene(NSX_SCENE_C2T);
	int who[3] = {s.c, s.c2, nsx_spawn("o", NULL, nsx_parked, NULL)};
	for (int i = 0; i < 3; i++) /* into g */
		NSX_TRY_NEG(cg1_write_pid("g/cgroup.procs", nsx_pid(who[i])));
	return s.c;
}

/* Read file in the top and in c; print each one's numbers as it sees them. */
static void cg1_both(int c, int file, const char *name)
{
	int who[2] = {0, c};
	for (int k = 0; k < 2; k++)
		printf("%-3s reads g/%s:%s\n", nsx_task_name(who[k]), name,
		       nsx_name_list(who[k], nsx_by(who[k], cg1_do_read, file, 0, 0)->v));
}

#endif
