// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netlink.c - netlink requests without libnl, for the cases that ask the
 * kernel over netlink (generic netlink families, rtnetlink, nfnetlink): a
 * request built in a struct nsx_nl, sent on a socket of its own, every
 * answer handed to the case until the kernel's end or error.
 */
#include "internal.h"

#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static struct nlmsghdr *hdr(struct nsx_nl *m)
{
	return (struct nlmsghdr *)m->buf;
}

void *nsx_nl_start(struct nsx_nl *m, int type, int flags, const void *fam, size_t famlen)
{
	memset(m, 0, sizeof(*m));
	hdr(m)->nlmsg_len = NLMSG_LENGTH(famlen);
	hdr(m)->nlmsg_type = (unsigned short)type;
	hdr(m)->nlmsg_flags = (unsigned short)(NLM_F_REQUEST | NLM_F_ACK | flags);
	if (fam)
		memcpy(NLMSG_DATA(hdr(m)), fam, famlen);
	return NLMSG_DATA(hdr(m));
}

void *nsx_nl_put(struct nsx_nl *m, int type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + NLMSG_ALIGN(hdr(m)->nlmsg_len));
	if (NLMSG_ALIGN(hdr(m)->nlmsg_len) + NLA_HDRLEN + NLA_ALIGN(len) > sizeof(m->buf))
		nsx_fail("nsx_nl_put(): attribute %d does not fit", type);
	a->nla_type = (unsigned short)type;
	a->nla_len = (unsigned short)(NLA_HDRLEN + len);
	if (data)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	else
		memset((char *)a + NLA_HDRLEN, 0, len);
	hdr(m)->nlmsg_len = NLMSG_ALIGN(hdr(m)->nlmsg_len) + NLA_ALIGN(a->nla_len);
	return a;
}

void nsx_nl_nest_end(struct nsx_nl *m, void *attr)
{
	((struct nlattr *)attr)->nla_len =
	        (unsigned short)(m->buf + hdr(m)->nlmsg_len - (char *)attr);
}

long nsx_nl_talk(int proto, struct nsx_nl *m, void (*fn)(const struct nlmsghdr *, void *),
                 void *arg)
{
	static char buf[32768];
	struct timeval tv = {nsx_timeout_ms() / 1000, nsx_timeout_ms() % 1000 * 1000};
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);
	if (s < 0)
		return -errno;
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)); /* bounded, as every wait */
	long r = send(s, m->buf, hdr(m)->nlmsg_len, 0) < 0 ? -errno : 1;
	while (r == 1) {
		ssize_t n = recv(s, buf, sizeof(buf), 0);
		if (n < 0) {
			r = -errno;
			break;
		}
		for (struct nlmsghdr *h = (void *)buf; r == 1 && NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				r = 0;
			else if (h->nlmsg_type == NLMSG_ERROR) /* error 0: the ack */
				r = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			else if (fn)
				fn(h, arg);
		}
	}
	close(s);
	return r;
}

/* The first attribute of type t among those from p to end, searching into
 * the ones flagged NLA_F_NESTED. */
static const struct nlattr *find(const char *p, const char *end, int t)
{
	while (p + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const void *)p;
		if (a->nla_len < NLA_HDRLEN || p + a->nla_len > end)
			return NULL;
		if ((a->nla_type & NLA_TYPE_MASK) == t)
			return a;
		if (a->nla_type & NLA_F_NESTED) {
			const struct nlattr *in = find(p + NLA_HDRLEN, p + a->nla_len, t);
			if (in)
				return in;
		}
		p += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

const void *nsx_nl_attr(const struct nlmsghdr *h, size_t famlen, int type, int *len)
{
	const char *start = (const char *)NLMSG_DATA(h) + NLMSG_ALIGN(famlen);
	const struct nlattr *a = find(start, (const char *)h + h->nlmsg_len, type);
	if (len)
		*len = a ? a->nla_len - NLA_HDRLEN : 0;
	return a ? (const char *)a + NLA_HDRLEN : NULL;
}

const void *nsx_nl_attr_in(const void *nest, int nestlen, int type, int *len)
{
	const struct nlattr *a = find(nest, (const char *)nest + nestlen, type);
	if (len)
		*len = a ? a->nla_len - NLA_HDRLEN : 0;
	return a ? (const char *)a + NLA_HDRLEN : NULL;
}

static void family_id(const struct nlmsghdr *h, void *arg)
{
	const void *id = nsx_nl_attr(h, GENL_HDRLEN, CTRL_ATTR_FAMILY_ID, NULL);
	if (id)
		memcpy(arg, id, sizeof(uint16_t));
}

long nsx_genl_family(const char *name)
{
	struct nsx_nl m;
	struct genlmsghdr g = {.cmd = CTRL_CMD_GETFAMILY, .version = 1};
	uint16_t id = 0;
	nsx_nl_start(&m, GENL_ID_CTRL, 0, &g, sizeof(g));
	nsx_nl_put(&m, CTRL_ATTR_FAMILY_NAME, name, strlen(name) + 1);
	long r = nsx_nl_talk(NETLINK_GENERIC, &m, family_id, &id);
	return r < 0 ? r : id ? id : -ENOENT;
}
