/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PIDFD_GET_INFO (6.13) for cases built against headers that may lack it:
 * struct pidfd_info's first version (64 bytes, include/uapi/linux/pidfd.h),
 * shared by pidfd_get_info and coredump_peer.
 */
#ifndef NSX_PIDFD_INFO_H
#define NSX_PIDFD_INFO_H

#include <stdint.h>
#include <sys/ioctl.h>

struct nsx_pidfd_info {
	uint64_t mask, cgroupid;
	uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	uint32_t spare0;
};
#define NSX_PIDFD_GET_INFO _IOWR(0xFF, 11, struct nsx_pidfd_info)
#define NSX_PIDFD_INFO_PID 1ULL

#endif
