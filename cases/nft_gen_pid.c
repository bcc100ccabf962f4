// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nft_gen_pid - nf_tables' generation message (NFT_MSG_GETGEN's reply, and
 * the NEWGEN notification sent after each ruleset commit) carries the
 * requesting thread's pid in NFTA_GEN_PROC_PID untranslated: the initial
 * namespace's number, whatever pid namespace the requester and the listeners
 * are in.  Skips without nfnetlink or nf_tables (EPROTONOSUPPORT, EOPNOTSUPP:
 * modules in Debian's 6.x cloud kernels, which make vm's guest loads from
 * vm/modules), and with EINVAL: from 7.x nfnetlink is part of the netfilter
 * core (NETFILTER_NETLINK is a bool), so its socket opens where nf_tables is
 * a module nobody loaded, and net/netfilter/nfnetlink.c nfnetlink_rcv_msg()
 * answers a message for a subsystem it does not have with -EINVAL (a GETGEN
 * without attributes gets EINVAL no other way in 6.1 to 7.3).
 *
 * Tasks: top (namespace outer) enters a new network namespace (nfnetlink
 * wants CAP_NET_ADMIN over the requester's); c, the init of namespace inner,
 * in the same network namespace.  Each sets its thread name (comm) to its
 * task name and sends NFT_MSG_GETGEN; NFTA_GEN_PROC_PID prints as the asker
 * sees it: "unknown" is a number that is no task's in any namespace the case
 * can see, i.e. a number of a namespace above them.
 *
 * The golden lines and the kernel code behind them:
 *
 *   top and c: NFTA_GEN_PROC_PID unknown, NFTA_GEN_PROC_NAME the asker's
 *   comm
 *     net/netfilter/nf_tables_api.c: nf_tables_getgen() ->
 *     nf_tables_fill_gen_info(): NFTA_GEN_PROC_PID = task_pid_nr(current)
 *     (the global thread id), NFTA_GEN_PROC_NAME = current->comm; the same
 *     function fills the NEWGEN multicast of nf_tables_gen_notify(), which
 *     goes to listeners in the network namespace, whatever their pid
 *     namespace.  Read on 6.1.192, 6.12.117, 7.2.13 and 7.3-rc7.
 */
#include "nsx.h"

#include <errno.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <arpa/inet.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>

/* NFT_MSG_GETGEN's answer: o = {result, pid, comm packed in 2 longs}. */
static void gen_answer(const struct nlmsghdr *h, void *arg)
{
	long *o = arg;
	const uint32_t *pid = nsx_nl_attr(h, sizeof(struct nfgenmsg), NFTA_GEN_PROC_PID, NULL);
	const char *comm = nsx_nl_attr(h, sizeof(struct nfgenmsg), NFTA_GEN_PROC_NAME, NULL);
	if (pid)
		o[1] = (long)ntohl(*pid);
	if (comm)
		strncpy((char *)&o[2], comm, 2 * sizeof(long) - 1);
	o[0] = pid ? 0 : -ENOENT;
}

/* NFT_MSG_GETGEN, asked as the caller named after its task. */
static void do_ask(const long *arg NSX_UNUSED)
{
	struct nsx_nl m;
	struct nfgenmsg g = {.nfgen_family = AF_UNSPEC, .version = NFNETLINK_V0};
	long o[4] = {-ENOENT, 0, 0, 0};
	prctl(PR_SET_NAME, nsx_task_name(nsx_self()));
	nsx_nl_start(&m, NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_GETGEN, 0, &g, sizeof(g));
	long r = nsx_nl_talk(NETLINK_NETFILTER, &m, gen_answer, o);
	o[0] = r ? r : o[0];
	nsx_send_v("reply", o, 4);
}

static void print(int who, const long *o)
{
	printf("%-3s NFT_MSG_GETGEN: NFTA_GEN_PROC_PID %s, NFTA_GEN_PROC_NAME %.*s\n",
	       nsx_task_name(who), nsx_name(who, o[1]), (int)(2 * sizeof(long) - 1),
	       (const char *)&o[2]);
}

NSX_CASE(.family = "Kernel threads, fault handlers and side channels", .rows = "27.15",
         .kconfig = "CONFIG_NF_TABLES CONFIG_NETFILTER_NETLINK",
         .finding =
                 "nf_tables' NFTA_GEN_PROC_PID is the requester's global thread id "
                 "(`task_pid_nr(current)`), sent to listeners in any pid namespace: `nft_gen_pid`; "
                 "`bpf_get_current_pid_tgid()` likewise, while `bpf_get_ns_current_pid_tgid()` "
                 "answers only for the caller's own namespace: `bpf_pids`.");

int main(void)
{
	nsx_init("top", "outer");
	if (unshare(CLONE_NEWNET))
		nsx_skip("unshare(CLONE_NEWNET): %s", nsx_errname(errno));
	const long *o = nsx_by(0, do_ask, 0, 0, 0)->v;
	if (o[0] == -EINVAL)
		nsx_skip("no nf_tables subsystem in nfnetlink: EINVAL (CONFIG_NF_TABLES a module "
		         "not loaded?)");
	if (o[0] == -EPROTONOSUPPORT || o[0] == -EOPNOTSUPP)
		nsx_skip("no nf_tables: %s (CONFIG_NETFILTER_NETLINK, CONFIG_NF_TABLES)",
		         nsx_errname((int)-o[0]));
	NSX_TRY_NEG(o[0]); /* NFT_MSG_GETGEN */
	int c = nsx_scene(0).c;
	printf("# nft_gen_pid: NFTA_GEN_PROC_PID is the global thread id, as top (outer) and c "
	       "(inner) see it\n");
	print(0, o);
	print(c, nsx_do(c, do_ask, 0, 0, 0)->v);
	nsx_exit();
}
