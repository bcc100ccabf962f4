// SPDX-License-Identifier: GPL-2.0-or-later
/* sock.c - passing file descriptors between tasks over AF_UNIX (SCM_RIGHTS). */
#include "nsx.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#define NSX_MAX_FDS 16

int nsx_send_fds(int sock, const int *fds, int n)
{
	char c = 'f';
	union {
		char buf[CMSG_SPACE(sizeof(int) * NSX_MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct iovec io = {&c, 1};
	struct msghdr mh = {.msg_iov = &io, .msg_iovlen = 1, .msg_control = u.buf};
	if (n < 1 || n > NSX_MAX_FDS)
		return -EINVAL;
	mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n);
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
	memcpy(CMSG_DATA(cm), fds, sizeof(int) * (size_t)n);
	return sendmsg(sock, &mh, 0) == 1 ? 0 : -errno;
}

int nsx_recv_fds(int sock, int *fds, int n)
{
	char c;
	union {
		char buf[CMSG_SPACE(sizeof(int) * NSX_MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct iovec io = {&c, 1};
	struct msghdr mh = {.msg_iov = &io,
	                    .msg_iovlen = 1,
	                    .msg_control = u.buf,
	                    .msg_controllen = sizeof(u.buf)};
	if (n < 1 || n > NSX_MAX_FDS)
		return -EINVAL;
	if (recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) != 1)
		return -errno;
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(sizeof(int) * (size_t)n))
		return -EBADMSG;
	memcpy(fds, CMSG_DATA(cm), sizeof(int) * (size_t)n);
	return 0;
}
