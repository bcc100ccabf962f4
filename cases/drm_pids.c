// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * drm_pids - the DRM core names a client in the reader's pid namespace:
 * DRM_IOCTL_GET_CLIENT (index 0: the caller itself) and the debugfs list of
 * a device's open files, dri/<minor>/clients.  Needs root in the initial
 * user namespace (debugfs; card0 is root's); skips where there is no
 * /dev/dri/card0 (make vm's own kernels have DRM with the vgem driver,
 * vm/config; Debian's cloud kernels and 6.18.44 as observed have no DRM device).
 *
 * Tasks: top (namespace outer) mounts debugfs in a mount namespace of its
 * own; c, the init of namespace inner, and c2 (inner).  Each sets its comm
 * to its task name.  c opens card0 first, then top.  top holds a lock on
 * /dev/dri throughout (nsx_take_turns()): the list is the device's, and two
 * runs of the case at once take turns.
 *
 * The golden lines and the kernel code behind them (drivers/gpu/drm/,
 * 6.1.192):
 *
 *   GET_CLIENT index 0: c gets pid c (its own number in inner), top gets top
 *     drm_ioctl.c drm_getclient(): client->pid = task_pid_vnr(current) for
 *     index 0, -EINVAL for any other (the client list is no longer walked).
 *   GET_CLIENT index 1: EINVAL
 *   dri/0/clients, read by top: c (pid c), top (pid top); by c2: c (pid c),
 *   top (pid 0); the uid column 0 for both
 *     drm_file.c drm_file_alloc(): file->pid = get_pid(task_pid(current));
 *     drm_debugfs.c drm_clients_info(): oldest open first, the opener's comm
 *     (pid_task()), pid_vnr(priv->pid) in the reader's namespace (0 where it
 *     cannot see the opener), from_kuid_munged(seq_user_ns(m), euid).
 */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <unistd.h>

/* From the kernel's include/uapi/drm/drm.h (Debian ships that header only in
 * libdrm-dev, which nothing else here needs): the ABI of DRM_IOCTL_GET_CLIENT. */
struct drm_client {
	int idx;
	int auth;
	unsigned long pid;
	unsigned long uid;
	unsigned long magic;
	unsigned long iocs;
};
#define DRM_IOCTL_GET_CLIENT _IOWR('d', 0x05, struct drm_client)

#define CARD "/dev/dri/card0"

static char clients[128];

static int card = -1;

/* The caller, its comm set to its task name, opens card0 (once) and asks
 * for client arg[0]: {open/ioctl result, pid}. */
static void do_open(const long *arg)
{
	struct drm_client cl = {.idx = (int)arg[0]};
	prctl(PR_SET_NAME, nsx_task_name(nsx_self()));
	if (card < 0)
		card = open(CARD, O_RDWR | O_CLOEXEC);
	long r = card < 0 ? -errno : ioctl(card, DRM_IOCTL_GET_CLIENT, &cl) < 0 ? -errno : 0;
	NSX_REPLY(r, (long)cl.pid);
}

/* The clients file, read by the caller, its comm set to its task name:
 * {count or -errno, then per line: task index of the comm (-1 if none), pid,
 * uid}, up to 4 lines. */
static void do_read(NSX_UNUSED const long *arg)
{
	FILE *f = fopen(clients, "re");
	char line[256], comm[32];
	long pid, dev, uid, o[13] = {f ? 0 : -errno};
	char master, auth;
	prctl(PR_SET_NAME, nsx_task_name(nsx_self()));
	while (f && o[0] < 4 && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%31s %ld %ld %c %c %ld", comm, &pid, &dev, &master, &auth,
		           &uid) != 6)
			continue; /* the header */
		o[1 + 3 * o[0]] = nsx_lookup(comm);
		o[2 + 3 * o[0]] = pid;
		o[3 + 3 * o[0]] = uid;
		o[0]++;
	}
	if (f)
		fclose(f);
	nsx_send_v("reply", o, 13);
}

/* DRM_IOCTL_GET_CLIENT of client idx, by observer. */
static void show_client(int observer, int idx)
{
	const long *o = nsx_by(observer, do_open, idx, 0, 0)->v;
	printf("%-3s DRM_IOCTL_GET_CLIENT idx %d: %s", nsx_task_name(observer), idx, nsx_res(o[0]));
	if (o[0] == 0)
		printf(", pid %s", nsx_name(observer, o[1]));
	printf("\n");
}

/* The clients file, read by observer. */
static void show_clients(int observer)
{
	const long *o = nsx_by(observer, do_read, 0, 0, 0)->v;
	printf("%-3s reads dri/0/clients:", nsx_task_name(observer));
	if (o[0] < 0)
		printf(" %s", nsx_res(o[0]));
	for (long i = 0; i < o[0]; i++) {
		long t = o[1 + 3 * i];
		printf("%s %s (pid %s, uid %ld)", i ? "," : "",
		       t < 0 ? "(not a case task)" : nsx_task_name(t),
		       nsx_name(observer, o[2 + 3 * i]), o[3 + 3 * i]);
	}
	printf("\n");
}

static void clean(void)
{
	close(card); /* -1 if never opened: EBADF, harmless */
}

NSX_CASE(.family = "Device drivers", .rows = "27.7 27.8", .kconfig = "CONFIG_DRM CONFIG_DRM_VGEM",
         .root = "debugfs");

int main(void)
{
	nsx_init("top", "outer");
	if (access(CARD, F_OK))
		nsx_skip("no " CARD ": %s (CONFIG_DRM_VGEM or another DRM driver)",
		         nsx_errname(errno));
	nsx_take_turns("/dev/dri"); /* the clients list is the device's */
	const char *dir = nsx_mount_fs("debugfs", NULL, "CONFIG_DEBUG_FS");
	snprintf(clients, sizeof(clients), "%s/dri/0/clients", dir);
	atexit(clean);
	struct nsx_scene s = nsx_scene(NSX_SCENE_C2);
	printf("# drm_pids: DRM clients named in the reader's namespace\n");
	show_client(s.c, 0);
	show_client(0, 0);
	show_client(0, 1);
	show_clients(0);
	show_clients(s.c2);
	nsx_exit();
}
