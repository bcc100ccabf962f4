// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tty.c - pseudo-terminals a case owns: a devpts instance of its own, mounted
 * in a mount namespace of its own on a tmpfs over /tmp, so that every pty the
 * case makes goes with it, even when the case is killed.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define PTS_DIR "/tmp/pts"

void nsx_own_devpts(void)
{
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", "/tmp", "tmpfs", 0, "size=64k") || mkdir(PTS_DIR, 0755) ||
	    mount("devpts", PTS_DIR, "devpts", 0, "newinstance,ptmxmode=0666,mode=0620"))
		nsx_fail("a devpts of our own: %s", nsx_errname(errno));
}

int nsx_pty_master(int *ptyno)
{
	int m = open(PTS_DIR "/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (m < 0 || unlockpt(m) || ioctl(m, TIOCGPTN, ptyno))
		nsx_fail("pty master: %s", nsx_errname(errno));
	return m;
}

int nsx_pty_slave(int ptyno, int flags)
{
	char path[64];
	snprintf(path, sizeof(path), PTS_DIR "/%d", ptyno);
	int fd = open(path, O_RDWR | O_CLOEXEC | flags);
	if (fd < 0)
		nsx_fail("open %s: %s", path, nsx_errname(errno));
	return fd;
}
