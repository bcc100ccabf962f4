// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ip6_flowlabel - the Owner column of /proc/net/ip6_flowlabel: the thread
 * that made a process-owned IPv6 flow label, numbered in the pid namespace
 * of the proc instance the table is read through, not the reader's.  Skips
 * without IPv6 (socket(AF_INET6): EAFNOSUPPORT) or a network namespace.
 *
 * Tasks: top (namespace outer); c, the init of namespace inner, mounts a proc
 * for inner (its own mount namespace), enters a new network namespace, and
 * makes flow label 0x00001 shared IPV6_FL_S_PROCESS; c2 (inner, spawned
 * after, so in the same network namespace) makes 0x00002 the same way and
 * 0x00003 IPV6_FL_S_EXCL.  The table is read three ways: top through the
 * case's proc (outer's) at /proc/<c>/net, c through the same proc, and c
 * through its own (inner's).  Columns Label, S and Owner are printed, the
 * owner named as the reader sees it; the rest (users, linger, expiry) are
 * counts and times.
 *
 * The golden lines and the kernel code behind them (net/ipv6/ip6_flowlabel.c,
 * 6.1.192 and 6.12.117):
 *
 *   through outer's proc: owners c and c2 for top; for c the same numbers
 *   are c@outer and c2@outer; through inner's proc: c and c2; S 2 owners,
 *   S 1 (exclusive) owner 0
 *     fl_create(): IPV6_FL_S_PROCESS keeps fl->owner.pid =
 *     get_task_pid(current, PIDTYPE_PID) (the thread); ip6fl_seq_start()
 *     takes state->pid_ns = proc_pid_ns(file_inode(seq->file)->i_sb), the
 *     proc instance's namespace; ip6fl_seq_show() prints
 *     pid_nr_ns(fl->owner.pid, state->pid_ns) for S_PROCESS, the owner uid
 *     for S_USER, else 0.  The table lists the labels of the network
 *     namespace of the /proc/<pid>/net it is read through.
 */
#include "nsx.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* <linux/in6.h> clashes with <netinet/in.h>: its flow label request. */
struct fl_req {
	struct in6_addr dst;
	uint32_t label; /* network order */
	uint8_t action, share;
	uint16_t flags, expires, linger;
	uint32_t pad;
};
#define FL_MGR       32 /* IPV6_FLOWLABEL_MGR */
#define FL_A_GET     0
#define FL_F_CREATE  1
#define FL_S_EXCL    1
#define FL_S_PROCESS 2

static int own_proc = -1;

/* Make flow label label with share mode share on a new socket kept open. */
static void make_label(unsigned label, int share)
{
	struct fl_req r = {.label = htonl(label),
	                   .action = FL_A_GET,
	                   .share = (uint8_t)share,
	                   .flags = FL_F_CREATE};
	int s = NSX_TRY(socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0));
	inet_pton(AF_INET6, "::1", &r.dst);
	NSX_TRY(setsockopt(s, IPPROTO_IPV6, FL_MGR, &r, sizeof(r)));
}

/* Read the table of task arg[1] (the caller's: self) through outer's proc
 * (arg[0] 0) or inner's (1): {n, then up to 3 {label, share, owner}}. */
static void do_table(const long *arg)
{
	char path[64] = "self/net/ip6_flowlabel", text[4096], *sp;
	long v[10] = {0};
	if (arg[1] != nsx_self())
		snprintf(path, sizeof(path), "%d/net/ip6_flowlabel", (int)nsx_pid((int)arg[1]));
	NSX_TRY_NEG(nsx_read_text(arg[0] ? own_proc : nsx_procfd(), path, text, sizeof(text)));
	for (char *line = strtok_r(text, "\n", &sp); line && v[0] < 3;
	     line = strtok_r(NULL, "\n", &sp)) {
		unsigned label;
		int share, owner;
		if (sscanf(line, "%x %d %d", &label, &share, &owner) == 3) {
			v[1 + 3 * v[0]] = label;
			v[2 + 3 * v[0]] = share;
			v[3 + 3 * v[0]] = owner;
			v[0]++;
		}
	}
	nsx_send_v("reply", v, 10);
}

/* In c: a proc of inner's own, a network namespace of its own and label 1;
 * -EAFNOSUPPORT without IPv6. */
static void do_setup(NSX_UNUSED const long *arg)
{
	own_proc = nsx_own_proc();
	NSX_TRY(unshare(CLONE_NEWNET));
	int s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 && errno == EAFNOSUPPORT) {
		NSX_REPLY(-EAFNOSUPPORT);
		return;
	}
	close(s);
	make_label(1, FL_S_PROCESS);
	NSX_REPLY(0);
}

/* In c2: labels 2 and 3. */
static void do_labels(NSX_UNUSED const long *arg)
{
	make_label(2, FL_S_PROCESS);
	make_label(3, FL_S_EXCL);
	NSX_REPLY(0);
}

static void print(const char *what, int observer, const long *v)
{
	printf("%s: %ld labels\n", what, v[0]);
	for (long i = 0; i < v[0] && i < 3; i++) {
		long share = v[2 + 3 * i], owner = v[3 + 3 * i];
		printf("  Label %05lX S %ld Owner %s\n", v[1 + 3 * i], share,
		       share == FL_S_PROCESS ? nsx_name(observer, owner)
		       : owner               ? "(not a pid)"
		                             : "0");
	}
}

NSX_CASE(.family = "A task's own numbers and /proc", .rows = "7.5", .kconfig = "CONFIG_IPV6");

int main(void)
{
	nsx_init("top", "outer");
	int c = nsx_scene(0).c;
	if (nsx_do(c, do_setup, 0, 0, 0)->v[0] == -EAFNOSUPPORT)
		nsx_skip("no IPv6: socket(AF_INET6): EAFNOSUPPORT (CONFIG_IPV6)");
	nsx_do(nsx_spawn_agent_by(c, "c2", NULL), do_labels, 0, 0, 0);
	printf("# ip6_flowlabel: /proc/net/ip6_flowlabel's Owner is numbered for the proc "
	       "instance read, named here as the reader sees it\n");
	print("top, outer's proc, /proc/<c>/net", 0, nsx_by(0, do_table, 0, c, 0)->v);
	print("c, outer's proc, /proc/self/net", c, nsx_do(c, do_table, 0, c, 0)->v);
	print("c, inner's proc, /proc/self/net", c, nsx_do(c, do_table, 1, c, 0)->v);
	nsx_exit();
}
