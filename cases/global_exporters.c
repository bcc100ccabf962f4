// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * global_exporters - the netlink interfaces that report global pids (the
 * proc connector, taskstats, audit), asked from pid namespaces other than
 * the initial one: which refuse, which ignore, which translate; and
 * /proc/sys/kernel/cad_pid.  Needs root
 * in the initial user namespace (each wants CAP_NET_ADMIN or CAP_AUDIT_CONTROL
 * there): skips otherwise, saying so.
 *
 * Tasks: top (namespace outer, the case's own: never the initial one); c, the
 * init of namespace inner, and c2 (inner).  top and c each ask; numbers print
 * as the task they denote for the asker.
 *
 * The golden lines and the kernel code behind them:
 *
 *   proc connector: PROC_CN_MCAST_LISTEN is sent (0) and never acknowledged:
 *   no ack queued when send() returns
 *     drivers/connector/cn_proc.c: cn_proc_mcast_ctl() returns before
 *     cn_proc_ack() for a requester outside the initial user and pid
 *     namespaces ("events are reported with respect to the initial pid
 *     namespace"); the callback runs within send() (netlink_unicast() to
 *     the kernel socket), so an ack would already be queued.
 *   taskstats TASKSTATS_CMD_GET by pid: c2's number for the asker -> the
 *   reply's pid c2, ac_pid c2, ac_tgid c2, ac_ppid c; another namespace's number: ESRCH;
 *   TASKSTATS_CMD_ATTR_REGISTER_CPUMASK: EINVAL
 *     kernel/taskstats.c: fill_stats_for_pid() -> find_get_task_by_vpid(),
 *     then fill_stats(current_user_ns(), task_active_pid_ns(current), ..)
 *     -> kernel/tsacct.c bacct_add_tsk(): ac_pid = task_pid_nr_ns(tsk,
 *     pid_ns), ac_tgid = task_tgid_nr_ns(tsk, pid_ns), ac_ppid the
 *     parent's tgid there: translated for the asker.
 *     add_del_listener(): EINVAL outside the initial pid namespace (the
 *     exit multicast it would register for carries global numbers).
 *   audit AUDIT_GET: EPERM
 *     kernel/audit.c: audit_netlink_ok(): auditctl's requests outside the
 *     initial pid namespace are EPERM (after ECONNREFUSED for any user
 *     namespace but the initial one).
 *   /proc/sys/kernel/cad_pid (the task ctrl-alt-del signals, the initial
 *   namespace's init): 0 for both, no such task in their namespaces
 *     kernel/sysctl.c (6.1), kernel/reboot.c (6.12): proc_do_cad_pid() reads
 *     pid_vnr(cad_pid), the reader's namespace.  Mode 0600 and root-owned:
 *     sysctl_perm() -> test_perm() lets only the initial namespace's root
 *     read it.  (A write looks the number up with find_get_pid(), the
 *     writer's namespace; it changes the machine, so it is not done.)
 */
#include "nsx.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/taskstats.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The proc connector: send LISTEN; count the acks queued for it: {send
 * result, acks}. */
static void do_cn(NSX_UNUSED const long *arg)
{
	long o[2];
	struct {
		struct nlmsghdr nl;
		struct cn_msg cn;
		enum proc_cn_mcast_op op;
	} __attribute__((packed))
	m = {.nl = {.nlmsg_len = sizeof(m), .nlmsg_type = NLMSG_DONE},
	     .cn = {.id = {CN_IDX_PROC, CN_VAL_PROC}, .seq = 4242, .ack = 7, .len = sizeof(m.op)},
	     .op = PROC_CN_MCAST_LISTEN};
	char buf[4096];
	struct sockaddr_nl a = {.nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC};
	int s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_CONNECTOR);
	o[0] = s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) ? -errno : 0;
	o[1] = 0;
	if (o[0]) {
		if (s >= 0)
			close(s);
		NSX_REPLY(o[0], 0);
		return;
	}
	o[0] = send(s, &m, sizeof(m), 0) < 0 ? -errno : 0;
	ssize_t n;
	while ((n = recv(s, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		struct cn_msg *cn = NLMSG_DATA(h);
		struct proc_event *ev = (struct proc_event *)cn->data;
		if (cn->ack == 8 && ev->what == PROC_EVENT_NONE)
			o[1]++;
	}
	close(s);
	NSX_REPLY(o[0], o[1]);
}

/* taskstats' answer for a pid: o[1..4] = pid attr, ac_pid, ac_ppid, ac_tgid. */
static void ts_answer(const struct nlmsghdr *h, void *arg)
{
	long *o = arg;
	int len;
	const void *agg = nsx_nl_attr(h, GENL_HDRLEN, TASKSTATS_TYPE_AGGR_PID, &len);
	const uint32_t *p = agg ? nsx_nl_attr_in(agg, len, TASKSTATS_TYPE_PID, NULL) : NULL;
	const void *st = agg ? nsx_nl_attr_in(agg, len, TASKSTATS_TYPE_STATS, &len) : NULL;
	if (p)
		o[1] = *p;
	if (st) { /* netlink attributes are 4-byte aligned: copy it out */
		struct taskstats t = {0};
		memcpy(&t, st, len < (int)sizeof(t) ? (size_t)len : sizeof(t));
		o[2] = t.ac_pid;
		o[3] = t.ac_ppid;
		o[4] = t.ac_tgid;
	}
}

/* taskstats for number arg[0]: {result, pid attr, ac_pid, ac_ppid, ac_tgid};
 * or with arg[1], REGISTER_CPUMASK "0": {result}. */
static void do_taskstats(const long *arg)
{
	struct nsx_nl m;
	struct genlmsghdr g = {.cmd = TASKSTATS_CMD_GET, .version = 1};
	unsigned int pid = (unsigned int)arg[0];
	long o[5] = {nsx_genl_family(TASKSTATS_GENL_NAME)};
	if (o[0] >= 0) {
		nsx_nl_start(&m, (int)o[0], 0, &g, sizeof(g));
		if (arg[1])
			nsx_nl_put(&m, TASKSTATS_CMD_ATTR_REGISTER_CPUMASK, "0", 2);
		else
			nsx_nl_put(&m, TASKSTATS_CMD_ATTR_PID, &pid, sizeof(pid));
		o[0] = nsx_nl_talk(NETLINK_GENERIC, &m, arg[1] ? NULL : ts_answer, o);
	}
	nsx_send_v("reply", o, 5);
}

static void do_audit_get(NSX_UNUSED const long *arg)
{
	struct nsx_nl m;
	nsx_nl_start(&m, AUDIT_GET, 0, NULL, 0);
	NSX_REPLY(nsx_nl_talk(NETLINK_AUDIT, &m, NULL, NULL));
}

static void do_cad_pid(NSX_UNUSED const long *arg)
{
	long v = 0, r = nsx_read_long("/proc/sys/kernel/cad_pid", &v);
	NSX_REPLY(r, v);
}

NSX_CASE(.family = "Kernel threads, fault handlers and side channels",
         .rows = "7.9 19.1 20.1 20.2 20.3 21.1",
         .kconfig = "CONFIG_CONNECTOR CONFIG_PROC_EVENTS CONFIG_TASKSTATS CONFIG_AUDIT",
         .root = "CAP_NET_ADMIN and CAP_AUDIT_CONTROL there");

int main(void)
{
	nsx_init("top", "outer");
	struct nsx_scene s = nsx_scene(NSX_SCENE_PARKED);
	int c = s.c, c2 = s.c2, inner = s.inner;
	const long *o = nsx_by(0, do_cn, 0, 0, 0)->v;
	if (o[0] == -EPROTONOSUPPORT || o[0] == -ENOENT)
		nsx_skip("no proc connector (NETLINK_CONNECTOR: %s)", nsx_errname((int)-o[0]));

	printf("# global_exporters: the proc connector, taskstats, audit and cad_pid asked from "
	       "outer (top) "
	       "and inner (c)\n");
	int who[2] = {0, c};
	for (int k = 0; k < 2; k++) {
		int w = who[k];
		const char *wn = nsx_task_name(w);
		o = nsx_by(w, do_cn, 0, 0, 0)->v;
		printf("%-3s proc connector PROC_CN_MCAST_LISTEN: send %s, acks queued %ld\n", wn,
		       nsx_res(o[0]), o[1]);
		long mine = k ? nsx_nr_in(c2, inner) : nsx_pid(c2);
		long other = k ? nsx_pid(c2) : nsx_nr_in(c2, inner);
		o = nsx_by(w, do_taskstats, mine, 0, 0)->v;
		printf("%-3s taskstats GET c2's number: %s", wn, nsx_res(o[0]));
		if (!o[0])
			printf(" pid=%s ac_pid=%s ac_tgid=%s ac_ppid=%s", nsx_name(w, o[1]),
			       nsx_name(w, o[2]), nsx_name(w, o[4]), nsx_name(w, o[3]));
		printf("; the other namespace's number for c2: %s\n",
		       nsx_res(nsx_by(w, do_taskstats, other, 0, 0)->v[0]));
		printf("%-3s taskstats REGISTER_CPUMASK: %s; audit AUDIT_GET: %s\n", wn,
		       nsx_res(nsx_by(w, do_taskstats, 0, 1, 0)->v[0]),
		       nsx_res(nsx_by(w, do_audit_get, 0, 0, 0)->v[0]));
		o = nsx_by(w, do_cad_pid, 0, 0, 0)->v;
		if (o[0])
			printf("%-3s /proc/sys/kernel/cad_pid: %s\n", wn, nsx_res(o[0]));
		else
			printf("%-3s /proc/sys/kernel/cad_pid = %s\n", wn, nsx_name(w, o[1]));
	}
	nsx_exit();
}
