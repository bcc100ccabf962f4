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
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { Q_CN, Q_TS, Q_TS_REG, Q_AUDIT, Q_CAD };

/* A netlink request, and its reply (bounded by MSG_DONTWAIT where told). */
static int nl_open(int proto, unsigned groups)
{
	int s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, proto);
	struct sockaddr_nl a = {.nl_family = AF_NETLINK, .nl_groups = groups};
	if (s >= 0 && bind(s, (struct sockaddr *)&a, sizeof(a))) {
		int e = errno;
		close(s);
		errno = e;
		return -1;
	}
	return s;
}

/* The proc connector: send LISTEN; count the acks queued for it: {send
 * result, acks}. */
static void cn_listen(long *o)
{
	struct {
		struct nlmsghdr nl;
		struct cn_msg cn;
		enum proc_cn_mcast_op op;
	} __attribute__((packed)) m;
	char buf[4096];
	int s = nl_open(NETLINK_CONNECTOR, CN_IDX_PROC);
	o[0] = s < 0 ? -errno : 0;
	o[1] = 0;
	if (s < 0)
		return;
	memset(&m, 0, sizeof(m));
	m.nl.nlmsg_len = sizeof(m);
	m.nl.nlmsg_type = NLMSG_DONE;
	m.nl.nlmsg_pid = 0;
	m.cn.id.idx = CN_IDX_PROC;
	m.cn.id.val = CN_VAL_PROC;
	m.cn.seq = 4242;
	m.cn.ack = 7;
	m.cn.len = sizeof(m.op);
	m.op = PROC_CN_MCAST_LISTEN;
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
}

/* A generic netlink request with one attribute; the reply in buf. */
static long genl(int s, int family, int cmd, int attr, const void *val, int len, char *buf,
                 size_t max)
{
	char req[256];
	memset(req, 0, sizeof(req));
	struct nlmsghdr *h = (struct nlmsghdr *)req;
	struct genlmsghdr *g = NLMSG_DATA(h);
	struct nlattr *a = (struct nlattr *)((char *)g + GENL_HDRLEN);
	a->nla_type = (unsigned short)attr;
	a->nla_len = (unsigned short)(NLA_HDRLEN + len);
	memcpy((char *)a + NLA_HDRLEN, val, (size_t)len);
	h->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN + NLA_ALIGN(a->nla_len));
	h->nlmsg_type = (unsigned short)family;
	h->nlmsg_flags = NLM_F_REQUEST;
	g->cmd = (unsigned char)cmd;
	g->version = 1;
	if (send(s, req, h->nlmsg_len, 0) < 0)
		return -errno;
	/* genetlink runs the request within send(): the reply is queued by
	 * the time it returns, so nothing is waited for. */
	ssize_t n = recv(s, buf, max, MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	h = (struct nlmsghdr *)buf;
	if (h->nlmsg_type == NLMSG_ERROR)
		return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
	return 0;
}

/* The first attribute of type t in the attributes from p to end (nested
 * ones searched too). */
static struct nlattr *find_attr(char *p, char *end, int t)
{
	while (p + NLA_HDRLEN <= end) {
		struct nlattr *a = (struct nlattr *)p;
		if (a->nla_len < NLA_HDRLEN)
			return NULL;
		if ((a->nla_type & NLA_TYPE_MASK) == t)
			return a;
		if (a->nla_type & NLA_F_NESTED ||
		    (a->nla_type & NLA_TYPE_MASK) == TASKSTATS_TYPE_AGGR_PID) {
			struct nlattr *in = find_attr(p + NLA_HDRLEN, p + a->nla_len, t);
			if (in)
				return in;
		}
		p += NLA_ALIGN(a->nla_len);
	}
	return NULL;
}

enum { NANSWER = 5 }; /* the values a question answers */

/* taskstats for number n: {result, pid attr, ac_pid, ac_ppid, ac_tgid}; or with
 * reg, REGISTER_CPUMASK "0": {result}. */
static void taskstats(long n, int reg, long *o)
{
	char buf[8192];
	memset(o, 0, sizeof(long) * NANSWER);
	int s = nl_open(NETLINK_GENERIC, 0);
	if (s < 0) {
		o[0] = -errno;
		return;
	}
	long r = genl(s, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, CTRL_ATTR_FAMILY_NAME,
	              TASKSTATS_GENL_NAME, sizeof(TASKSTATS_GENL_NAME), buf, sizeof(buf));
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct nlattr *id = r ? NULL
	                      : find_attr((char *)NLMSG_DATA(h) + GENL_HDRLEN, buf + h->nlmsg_len,
	                                  CTRL_ATTR_FAMILY_ID);
	if (!id) {
		o[0] = r ? r : -ENOENT;
		close(s);
		return;
	}
	int fam = *(unsigned short *)((char *)id + NLA_HDRLEN);
	if (reg)
		r = genl(s, fam, TASKSTATS_CMD_GET, TASKSTATS_CMD_ATTR_REGISTER_CPUMASK, "0", 2,
		         buf, sizeof(buf));
	else {
		unsigned int pid = (unsigned int)n;
		r = genl(s, fam, TASKSTATS_CMD_GET, TASKSTATS_CMD_ATTR_PID, &pid, sizeof(pid), buf,
		         sizeof(buf));
	}
	o[0] = r;
	if (!r && !reg) {
		char *start = (char *)NLMSG_DATA(h) + GENL_HDRLEN, *end = buf + h->nlmsg_len;
		struct nlattr *p = find_attr(start, end, TASKSTATS_TYPE_PID);
		struct nlattr *st = find_attr(start, end, TASKSTATS_TYPE_STATS);
		if (p)
			o[1] = *(unsigned int *)((char *)p + NLA_HDRLEN);
		if (st) { /* netlink attributes are 4-byte aligned: copy it out */
			struct taskstats t;
			memset(&t, 0, sizeof(t));
			memcpy(&t, (char *)st + NLA_HDRLEN,
			       st->nla_len - NLA_HDRLEN < (int)sizeof(t)
			               ? (size_t)(st->nla_len - NLA_HDRLEN)
			               : sizeof(t));
			o[2] = t.ac_pid;
			o[3] = t.ac_ppid;
			o[4] = t.ac_tgid;
		}
	}
	close(s);
}

static long audit_get(void)
{
	struct nlmsghdr h;
	char buf[1024];
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (s < 0)
		return -errno;
	memset(&h, 0, sizeof(h));
	h.nlmsg_len = NLMSG_LENGTH(0);
	h.nlmsg_type = AUDIT_GET;
	h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	long r = send(s, &h, h.nlmsg_len, 0) < 0 ? -errno : 0;
	if (!r) {
		/* audit_receive() runs within send(): the ack is already queued */
		ssize_t n = recv(s, buf, sizeof(buf), MSG_DONTWAIT);
		struct nlmsghdr *rh = (struct nlmsghdr *)buf;
		r = n < 0                           ? -errno
		    : rh->nlmsg_type == NLMSG_ERROR ? ((struct nlmsgerr *)NLMSG_DATA(rh))->error
		                                    : 0;
	}
	close(s);
	return r;
}

/* Question arg[0] (about number arg[1]): NANSWER values. */
static void do_ask(const long *arg)
{
	long o[NANSWER] = {0};
	int q = (int)arg[0];
	if (q == Q_CN)
		cn_listen(o);
	else if (q == Q_TS || q == Q_TS_REG)
		taskstats(arg[1], q == Q_TS_REG, o);
	else if (q == Q_CAD) {
		FILE *f = fopen("/proc/sys/kernel/cad_pid", "re");
		o[0] = !f ? -errno : fscanf(f, "%ld", &o[1]) == 1 ? 0 : -EIO;
		if (f)
			fclose(f);
	} else
		o[0] = audit_get();
	nsx_send_v("reply", o, NANSWER);
}

NSX_CASE(.family = "Kernel threads, fault handlers and side channels",
         .rows = "7.9 19.1 20.1 20.2 20.3 21.1",
         .kconfig = "CONFIG_CONNECTOR CONFIG_PROC_EVENTS CONFIG_TASKSTATS CONFIG_AUDIT",
         .root = "CAP_NET_ADMIN and CAP_AUDIT_CONTROL there");

int main(void)
{
	nsx_init("top", "outer");
	struct nsx_scene s = nsx_scene(NSX_SCENE_C2);
	int c = s.c, c2 = s.c2, inner = s.inner;
	const long *o = nsx_by(0, do_ask, Q_CN, 0, 0)->v;
	if (o[0] == -EPROTONOSUPPORT || o[0] == -ENOENT)
		nsx_skip("no proc connector (NETLINK_CONNECTOR: %s)", nsx_errname((int)-o[0]));

	printf("# global_exporters: the proc connector, taskstats, audit and cad_pid asked from "
	       "outer (top) "
	       "and inner (c)\n");
	int who[2] = {0, c};
	for (int k = 0; k < 2; k++) {
		int w = who[k];
		const char *wn = nsx_task_name(w);
		o = nsx_by(w, do_ask, Q_CN, 0, 0)->v;
		printf("%-3s proc connector PROC_CN_MCAST_LISTEN: send %s, acks queued %ld\n", wn,
		       nsx_res(o[0]), o[1]);
		long mine = k ? nsx_nr_in(c2, inner) : nsx_pid(c2);
		long other = k ? nsx_pid(c2) : nsx_nr_in(c2, inner);
		o = nsx_by(w, do_ask, Q_TS, mine, 0)->v;
		printf("%-3s taskstats GET c2's number: %s", wn, nsx_res(o[0]));
		if (!o[0])
			printf(" pid=%s ac_pid=%s ac_tgid=%s ac_ppid=%s", nsx_name(w, o[1]),
			       nsx_name(w, o[2]), nsx_name(w, o[4]), nsx_name(w, o[3]));
		printf("; the other namespace's number for c2: %s\n",
		       nsx_res(nsx_by(w, do_ask, Q_TS, other, 0)->v[0]));
		printf("%-3s taskstats REGISTER_CPUMASK: %s; audit AUDIT_GET: %s\n", wn,
		       nsx_res(nsx_by(w, do_ask, Q_TS_REG, 0, 0)->v[0]),
		       nsx_res(nsx_by(w, do_ask, Q_AUDIT, 0, 0)->v[0]));
		o = nsx_by(w, do_ask, Q_CAD, 0, 0)->v;
		if (o[0])
			printf("%-3s /proc/sys/kernel/cad_pid: %s\n", wn, nsx_res(o[0]));
		else
			printf("%-3s /proc/sys/kernel/cad_pid = %s\n", wn, nsx_name(w, o[1]));
	}
	nsx_exit();
}
