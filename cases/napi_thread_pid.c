// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * napi_thread_pid - the netdev generic netlink family's NAPI_GET reports a
 * threaded NAPI instance's kernel thread (NETDEV_A_NAPI_PID) in the
 * requester's pid namespace: the thread lives in the initial namespace, so
 * a requester in any other reads 0.  Needs root in the initial user
 * namespace (only its sysfs may switch a device to threaded NAPI here: the
 * case's sysfs is mounted in its own network namespace); skips without veth
 * (CONFIG_VETH: a module in Debian's cloud kernels, which make vm's guest
 * loads, vm/modules; make vm's own kernels leave it out) or without the
 * netdev family's NETDEV_CMD_NAPI_GET (6.9: the 6.1 guest skips).
 *
 * Tasks: top (namespace outer) enters new network and mount namespaces,
 * mounts their sysfs, makes a veth pair nsx0/nsx1 (RTM_NEWLINK), brings both
 * up, turns on GRO on nsx0 (ETHTOOL_SGRO: veth then runs NAPI on its
 * receive queues) and writes 1 to /sys/class/net/nsx0/threaded; c, the init
 * of namespace inner, in the same network namespace.  Both dump
 * NETDEV_CMD_NAPI_GET and print, for nsx0's NAPI instances, how many there
 * are and the pids reported.
 *
 * The golden lines and the kernel code behind them (6.12.117):
 *
 *   top and c: NAPI_GET 0, nsx0 has 1 NAPI instance, with a pid: 0
 *     drivers/net/veth.c veth_set_features() -> veth_napi_enable() ->
 *     netif_napi_add() per receive queue (one: veth's default);
 *     net/core/dev.c dev_set_threaded() -> napi_kthread_create():
 *     kthread_run() "napi/%s-%d", a child of kthreadd in the initial
 *     namespace; net/core/netdev-genl.c netdev_nl_napi_fill_one():
 *     NETDEV_A_NAPI_PID = task_pid_nr_ns(napi->thread,
 *     task_active_pid_ns(current)), the requester's number: 0 from any
 *     child namespace.  The same observed on 6.18.44.
 */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h> /* before the linux/ headers: glibc's IFF_* */
#include <linux/ethtool.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <linux/veth.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

/* From the kernel's include/uapi/linux/netdev.h (6.9+; Debian 12's
 * linux-libc-dev, 6.1, has no such header). */
#define NETDEV_FAMILY_NAME    "netdev"
#define NETDEV_CMD_NAPI_GET   11
#define NETDEV_A_NAPI_IFINDEX 1
#define NETDEV_A_NAPI_ID      2
#define NETDEV_A_NAPI_PID     4

static int ifindex;

/* --- netlink ------------------------------------------------------------ */

struct req {
	struct nlmsghdr nl;
	char buf[1024];
};

static struct rtattr *put_attr(struct nlmsghdr *nl, int type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)nl + NLMSG_ALIGN(nl->nlmsg_len));
	a->rta_type = (unsigned short)type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len && data)
		memcpy(RTA_DATA(a), data, len);
	else if (len)
		memset(RTA_DATA(a), 0, len);
	nl->nlmsg_len = NLMSG_ALIGN(nl->nlmsg_len) + RTA_ALIGN(a->rta_len);
	return a;
}

static void end_nest(struct nlmsghdr *nl, struct rtattr *a)
{
	a->rta_len = (unsigned short)((char *)nl + nl->nlmsg_len - (char *)a);
}

/* Send a request and read the answer: ack/error, or, for a dump, call fn on
 * each message until NLMSG_DONE.  0 or -errno. */
static long talk(int proto, struct nlmsghdr *nl, void (*fn)(struct nlmsghdr *, void *), void *arg)
{
	char buf[16384];
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);
	if (s < 0)
		return -errno;
	long r = send(s, nl, nl->nlmsg_len, 0) < 0 ? -errno : 1;
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
			else if (h->nlmsg_type == NLMSG_ERROR)
				r = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			else if (fn)
				fn(h, arg);
		}
	}
	close(s);
	return r;
}

static long make_veth(void)
{
	struct req q;
	memset(&q, 0, sizeof(q));
	q.nl.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	q.nl.nlmsg_type = RTM_NEWLINK;
	q.nl.nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK;
	put_attr(&q.nl, IFLA_IFNAME, "nsx0", 5);
	struct rtattr *li = put_attr(&q.nl, IFLA_LINKINFO, NULL, 0);
	put_attr(&q.nl, IFLA_INFO_KIND, "veth", 5);
	struct rtattr *data = put_attr(&q.nl, IFLA_INFO_DATA, NULL, 0);
	/* the peer's own struct ifinfomsg, then its attributes */
	struct rtattr *peer = put_attr(&q.nl, VETH_INFO_PEER, NULL, sizeof(struct ifinfomsg));
	put_attr(&q.nl, IFLA_IFNAME, "nsx1", 5);
	end_nest(&q.nl, peer);
	end_nest(&q.nl, data);
	end_nest(&q.nl, li);
	return talk(NETLINK_ROUTE, &q.nl, NULL, NULL);
}

static void ifup(int s, const char *name)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	NSX_TRY(ioctl(s, SIOCGIFFLAGS, &ifr));
	ifr.ifr_flags |= IFF_UP;
	NSX_TRY(ioctl(s, SIOCSIFFLAGS, &ifr));
}

static void gro_on(int s, const char *name)
{
	struct ethtool_value ev = {.cmd = ETHTOOL_SGRO, .data = 1};
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_data = (void *)&ev;
	NSX_TRY(ioctl(s, SIOCETHTOOL, &ifr));
}

static void family_id(struct nlmsghdr *h, void *arg)
{
	struct rtattr *a = (void *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
	int len = (int)h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
		if (a->rta_type == CTRL_ATTR_FAMILY_ID)
			*(int *)arg = *(uint16_t *)RTA_DATA(a);
}

static long genl_family(const char *name)
{
	struct req q;
	int id = 0;
	memset(&q, 0, sizeof(q));
	q.nl.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	q.nl.nlmsg_type = GENL_ID_CTRL;
	q.nl.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	((struct genlmsghdr *)NLMSG_DATA(&q.nl))->cmd = CTRL_CMD_GETFAMILY;
	((struct genlmsghdr *)NLMSG_DATA(&q.nl))->version = 1;
	put_attr(&q.nl, CTRL_ATTR_FAMILY_NAME, name, strlen(name) + 1);
	long r = talk(NETLINK_GENERIC, &q.nl, family_id, &id);
	return r < 0 ? r : id ? id : -ENOENT;
}

/* NAPI_GET dump: o = {result, instances on nsx0, pids seen (0/1), last pid}. */
static void napi_one(struct nlmsghdr *h, void *arg)
{
	long *o = arg, ifi = -1, pid = -1;
	struct rtattr *a = (void *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
	int len = (int)h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == NETDEV_A_NAPI_IFINDEX)
			ifi = *(uint32_t *)RTA_DATA(a);
		else if (a->rta_type == NETDEV_A_NAPI_PID)
			pid = *(uint32_t *)RTA_DATA(a);
	}
	if (ifi != ifindex)
		return;
	o[1]++;
	if (pid >= 0) {
		o[2]++;
		o[3] = pid;
	}
}

/* --- the case ----------------------------------------------------------- */

static long fam;

/* The NAPI_GET dump, as napi_one() counts it. */
static void do_napi(const long *arg)
{
	struct req q;
	long o[4] = {0};
	(void)arg;
	memset(&q, 0, sizeof(q));
	q.nl.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	q.nl.nlmsg_type = (unsigned short)fam;
	q.nl.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	((struct genlmsghdr *)NLMSG_DATA(&q.nl))->cmd = NETDEV_CMD_NAPI_GET;
	((struct genlmsghdr *)NLMSG_DATA(&q.nl))->version = 1;
	o[0] = talk(NETLINK_GENERIC, &q.nl, napi_one, o);
	nsx_send_v("reply", o, 4);
}

static void show(const char *who, int observer, const long *o)
{
	printf("%-3s NETDEV_CMD_NAPI_GET: %s, nsx0 has %ld NAPI instance(s), %ld with a pid: %s\n",
	       who, nsx_res(o[0]), o[1], o[2], o[2] ? nsx_name(observer, o[3]) : "-");
}

NSX_CASE(.family = "Kernel threads, fault handlers and side channels", .rows = "8.7",
         .kconfig = "CONFIG_VETH",
         .root = "sysfs of a network namespace of its own, and the threaded switch");

int main(void)
{
	nsx_init("top", "outer");
	NSX_TRY(unshare(CLONE_NEWNET | CLONE_NEWNS));
	NSX_TRY(mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL));
	NSX_TRY(mount("nsxsysfs", "/sys", "sysfs", 0, NULL));
	long r = make_veth();
	if (r == -EOPNOTSUPP)
		nsx_skip("no veth: RTM_NEWLINK: EOPNOTSUPP (CONFIG_VETH)");
	if (r)
		nsx_fail("RTM_NEWLINK veth: %s", nsx_errname((int)-r));
	fam = genl_family(NETDEV_FAMILY_NAME);
	if (fam < 0)
		nsx_skip("no generic netlink family \"netdev\": %s (6.3+)", nsx_errname((int)-fam));
	ifindex = (int)if_nametoindex("nsx0");
	if (!ifindex)
		nsx_fail("nsx0's index: %s", nsx_errname(errno));
	int s = (int)NSX_TRY(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	ifup(s, "nsx0");
	ifup(s, "nsx1");
	gro_on(s, "nsx0");
	close(s);
	NSX_TRY_NEG(nsx_write_text(AT_FDCWD, "/sys/class/net/nsx0/threaded", "1"));
	const long *o = nsx_by(0, do_napi, 0, 0, 0)->v;
	if (o[0] == -EOPNOTSUPP)
		nsx_skip("no NETDEV_CMD_NAPI_GET: EOPNOTSUPP (6.9)");
	int c = nsx_scene(0).c;
	printf("# napi_thread_pid: a threaded NAPI's kernel thread in the requester's namespace\n");
	show("top", 0, o);
	show("c", c, nsx_do(c, do_napi, 0, 0, 0)->v);
	nsx_exit();
}
