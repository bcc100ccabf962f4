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

static long make_veth(void)
{
	struct nsx_nl m;
	nsx_nl_start(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, NULL, sizeof(struct ifinfomsg));
	nsx_nl_put(&m, IFLA_IFNAME, "nsx0", 5);
	void *li = nsx_nl_put(&m, IFLA_LINKINFO, NULL, 0);
	nsx_nl_put(&m, IFLA_INFO_KIND, "veth", 5);
	void *data = nsx_nl_put(&m, IFLA_INFO_DATA, NULL, 0);
	/* the peer's own struct ifinfomsg, then its attributes */
	void *peer = nsx_nl_put(&m, VETH_INFO_PEER, NULL, sizeof(struct ifinfomsg));
	nsx_nl_put(&m, IFLA_IFNAME, "nsx1", 5);
	nsx_nl_nest_end(&m, peer);
	nsx_nl_nest_end(&m, data);
	nsx_nl_nest_end(&m, li);
	return nsx_nl_talk(NETLINK_ROUTE, &m, NULL, NULL);
}

/* Interface name up, and with GRO on if gro. */
static void ifup(int s, const char *name, int gro)
{
	struct ethtool_value ev = {.cmd = ETHTOOL_SGRO, .data = 1};
	struct ifreq ifr = {0};
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	NSX_TRY(ioctl(s, SIOCGIFFLAGS, &ifr));
	ifr.ifr_flags |= IFF_UP;
	NSX_TRY(ioctl(s, SIOCSIFFLAGS, &ifr));
	ifr.ifr_data = (void *)&ev;
	if (gro)
		NSX_TRY(ioctl(s, SIOCETHTOOL, &ifr));
}

/* --- the case ----------------------------------------------------------- */

static long fam;

/* One NAPI instance of the dump: o = {result, instances on nsx0, pids seen
 * (0/1), last pid}. */
static void napi_one(const struct nlmsghdr *h, void *arg)
{
	long *o = arg;
	const uint32_t *ifi = nsx_nl_attr(h, GENL_HDRLEN, NETDEV_A_NAPI_IFINDEX, NULL);
	const uint32_t *pid = nsx_nl_attr(h, GENL_HDRLEN, NETDEV_A_NAPI_PID, NULL);
	if (!ifi || (long)*ifi != ifindex)
		return;
	o[1]++;
	if (pid) {
		o[2]++;
		o[3] = *pid;
	}
}

/* The NAPI_GET dump, as napi_one() counts it. */
static void do_napi(const long *arg NSX_UNUSED)
{
	struct nsx_nl m;
	struct genlmsghdr g = {.cmd = NETDEV_CMD_NAPI_GET, .version = 1};
	long o[4] = {0};
	nsx_nl_start(&m, (int)fam, NLM_F_DUMP, &g, sizeof(g));
	o[0] = nsx_nl_talk(NETLINK_GENERIC, &m, napi_one, o);
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
	NSX_TRY_NEG(r); /* RTM_NEWLINK veth */
	fam = nsx_genl_family(NETDEV_FAMILY_NAME);
	if (fam < 0)
		nsx_skip("no generic netlink family \"netdev\": %s (6.3+)", nsx_errname((int)-fam));
	ifindex = (int)if_nametoindex("nsx0");
	if (!ifindex)
		nsx_fail("nsx0's index: %s", nsx_errname(errno));
	int s = (int)NSX_TRY(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	ifup(s, "nsx0", 0);
	ifup(s, "nsx1", 0);
	ifup(s, "nsx0", 1);
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
