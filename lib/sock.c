// SPDX-License-Identifier: GPL-2.0-or-later
/* sock.c - passing file descriptors between tasks over AF_UNIX (SCM_RIGHTS). */
#include "nsx.h"

#include <errno.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define NSX_MAX_FDS 16
#ifndef SCM_PIDFD
#define SCM_PIDFD 0x04 /* include/linux/socket.h, 6.5; not in Debian 12's headers */
#endif

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

/* Receive one byte; copy the payload of its first SOL_SOCKET control message
 * of the given type (exactly len bytes) to data.  0 or -errno. */
static int recv_cmsg(int sock, int type, void *data, size_t len)
{
	char c;
	union {
		char buf[CMSG_SPACE(sizeof(int) * NSX_MAX_FDS) + 64];
		struct cmsghdr align;
	} u;
	struct iovec io = {&c, 1};
	struct msghdr mh = {.msg_iov = &io,
	                    .msg_iovlen = 1,
	                    .msg_control = u.buf,
	                    .msg_controllen = sizeof(u.buf)};
	if (recvmsg(sock, &mh, MSG_CMSG_CLOEXEC) != 1)
		return -errno;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == type) {
			if (cm->cmsg_len != CMSG_LEN(len))
				return -EBADMSG;
			memcpy(data, CMSG_DATA(cm), len);
			return 0;
		}
	return -ENOMSG;
}

int nsx_recv_fds(int sock, int *fds, int n)
{
	if (n < 1 || n > NSX_MAX_FDS)
		return -EINVAL;
	return recv_cmsg(sock, SCM_RIGHTS, fds, sizeof(int) * (size_t)n);
}

long nsx_send_cred(int sock, const struct ucred *uc)
{
	char c = 'c';
	struct iovec io = {&c, 1};
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = {.msg_iov = &io, .msg_iovlen = 1};
	if (uc) {
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof(u.buf);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_CREDENTIALS;
		cm->cmsg_len = CMSG_LEN(sizeof(*uc));
		memcpy(CMSG_DATA(cm), uc, sizeof(*uc));
	}
	return sendmsg(sock, &mh, 0) == 1 ? 0 : -errno;
}

void nsx_recv_cred(int sock, long out[4])
{
	char c;
	struct iovec io = {&c, 1};
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred)) + 64];
		struct cmsghdr align;
	} u;
	struct msghdr mh = {.msg_iov = &io,
	                    .msg_iovlen = 1,
	                    .msg_control = u.buf,
	                    .msg_controllen = sizeof(u.buf)};
	out[0] = out[1] = out[2] = out[3] = 0;
	if (recvmsg(sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) != 1) {
		out[0] = -errno;
		return;
	}
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_CREDENTIALS) {
			struct ucred uc;
			memcpy(&uc, CMSG_DATA(cm), sizeof(uc));
			out[0] = 1;
			out[1] = uc.pid;
			out[2] = uc.uid;
			out[3] = uc.gid;
		}
}

void nsx_peercred(int sock, long out[3])
{
	struct ucred uc;
	socklen_t len = sizeof(uc);
	if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &uc, &len)) {
		out[0] = -errno;
		out[1] = out[2] = 0;
		return;
	}
	out[0] = uc.pid;
	out[1] = uc.uid;
	out[2] = uc.gid;
}

const char *nsx_cred_str(int observer, const long v[4])
{
	char *b = nsx_strbuf();
	if (v[0] < 0)
		snprintf(b, 256, "%s", nsx_errname((int)-v[0]));
	else if (v[0] == 0)
		snprintf(b, 256, "no credentials");
	else
		snprintf(b, 256, "pid=%s uid=%ld gid=%ld", nsx_name(observer, v[1]), v[2], v[3]);
	return b;
}

int nsx_listen_auto(void)
{
	sa_family_t fam = AF_UNIX;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* An address of just the family: the kernel autobinds a unique abstract
	 * name (net/unix/af_unix.c: unix_autobind()). */
	if (bind(fd, (struct sockaddr *)&fam, sizeof(fam)) || listen(fd, 8)) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

long nsx_sock_name(int fd)
{
	struct sockaddr_un a;
	char name[16];
	socklen_t len = sizeof(a);
	memset(&a, 0, sizeof(a));
	if (getsockname(fd, (struct sockaddr *)&a, &len))
		return -errno;
	/* An abstract name is not NUL-terminated: take exactly its length. */
	size_t n = len - offsetof(struct sockaddr_un, sun_path) - 1;
	if (len <= offsetof(struct sockaddr_un, sun_path) + 1 || n >= sizeof(name) || a.sun_path[0])
		return -EINVAL;
	memcpy(name, a.sun_path + 1, n);
	name[n] = '\0';
	return strtol(name, NULL, 16);
}

int nsx_connect_name(long name)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int n = snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1, "%05lx", name);
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&a, len)) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

int nsx_recv_pidfd(int sock)
{
	int fd;
	int e = recv_cmsg(sock, SCM_PIDFD, &fd, sizeof(fd));
	return e ? e : fd;
}
