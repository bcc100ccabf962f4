// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * proc_fields - the pid fields of /proc/<pid>/status and /proc/<pid>/stat,
 * the task and children listings, /proc/self and /proc/thread-self, each read
 * through the outer and the inner proc mount by a reader outside (top) and one
 * inside (p): every one of them follows the mount, never the reader.
 *
 * Tasks: top (namespace outer) spawns p, the init of namespace inner, which
 * calls setsid() and mounts a proc of its own (inner's); p spawns q, which
 * has a second thread qt and a child r.  top PTRACE_SEIZEs q (no stop).  p
 * passes top its inner proc over SCM_RIGHTS.  A number read through a mount
 * prints as the task it denotes in the mount's namespace (NS* lists level by
 * level from there down), a stranger as name@ns; -1 as itself.
 *
 * The golden lines and the kernel code behind them, all in fs/proc with ns =
 * proc_pid_ns(inode->i_sb), the namespace the proc instance was mounted for:
 *
 *   status Tgid, Pid, PPid, TracerPid, NStgid, NSpid, NSpgid, NSsid
 *     array.c: task_state(): task_tgid_nr_ns(p, ns), pid_nr_ns(pid, ns),
 *     the real parent's task_tgid_nr_ns(.., ns) and the tracer's task_pid_nr_ns() (the tracing
 * thread; 0 when not in ns: p's parent top, q's tracer top, through inner's proc), and the NS*
 * lists from ns->level down to the task's level.  TracerPid is per thread: top traces q, not qt.
 *   status Ngid=0, printed raw
 *     task_state(): task_numa_group_id(), the *global* pid of the NUMA
 *     group's first task (kernel/sched/fair.c: grp->gid = p->pid), never
 *     translated; 0 here: no NUMA group forms without NUMA balancing on
 *     several nodes (the host's and the make vm guest's one node).
 *   stat pid, ppid, pgrp, session, tpgid
 *     array.c: do_task_stat(): task_pid_nr_ns(), task_tgid_nr_ns() of the
 *     real parent, task_pgrp_nr_ns(), task_session_nr_ns(); tpgid -1 with no
 *     controlling terminal.
 *   top's number through inner's proc: ENOENT
 *     base.c: proc_pid_lookup() -> find_task_by_pid_ns(tgid, ns).
 *   inner's /proc listed by top (its numeric entries): p q r
 *     base.c: proc_pid_readdir() -> next_tgid(): iter.tgid =
 *     pid_nr_ns(pid, ns), the mount's namespace, for every thread-group
 *     leader there (qt, a thread, is not listed); read by top, in outer.
 *   task/ listing of q: q qt; q's children (task/<q>/children): r
 *     base.c: proc_task_readdir() names threads task_pid_nr_ns(task, ns);
 *     array.c: children_seq_show() pid_nr_ns(pid, proc_pid_ns(...)).
 *   /proc/self and /proc/thread-self read by p: its number in the mount's
 *   namespace, and <tgid>/task/<tid>
 *     self.c: proc_self_get_link() task_tgid_nr_ns(current, ns);
 *     thread_self.c: proc_thread_self_get_link() the same and
 *     task_pid_nr_ns(current, ns): the reader's own numbers, in the mount's
 *     namespace.  (In top, inner's /proc/self has no number: ENOENT.)
 */
#include "nsx.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <unistd.h>

enum { M_OUTER, M_INNER };
static const char *const mount_names[] = {"outer", "inner"};
static int sv[2] = {-1, -1};
static int inner_proc = -1; /* p's own proc; top's copy once p sent it */

static int mount_fd(int m)
{
	return m == M_OUTER ? nsx_procfd() : inner_proc;
}

/* The status lines read, and what one task's status and stat say. */
static const char *const keys[] = {"Tgid",   "Pid",   "PPid",   "TracerPid", "Ngid",
                                   "NStgid", "NSpid", "NSpgid", "NSsid"};
enum { K_NGID = 4, K_NS = 5, NKEYS = 9 };
struct fields {
	long res;          /* 0 or -errno */
	long st[NKEYS][2]; /* each status line's first two numbers */
	long nlev;         /* how many numbers the last (NSsid) has, at most 2 */
	long stat[5];      /* stat pid ppid pgrp session tpgid */
};
#define NFIELDS ((int)(sizeof(struct fields) / sizeof(long)))

/* status and stat of path ("<pid>" or "<pid>/task/<tid>") through dirfd. */
static void fields(int dirfd, const char *path, struct fields *f)
{
	char buf[4096];
	*f = (struct fields){0};
	if ((f->res = nsx_read_text(dirfd, nsx_fmt("%s/stat", path), buf, sizeof(buf))) < 0)
		return;
	f->res = 0;
	char *s = strrchr(buf, ')');
	if (!s || sscanf(s + 2, "%*c %ld %ld %ld %*d %ld", &f->stat[1], &f->stat[2], &f->stat[3],
	                 &f->stat[4]) != 4)
		f->res = -EIO;
	f->stat[0] = strtol(buf, NULL, 10);
	for (int k = 0; k < NKEYS; k++) /* nlev: NSsid's, the last */
		if ((f->nlev = nsx_read_status_list(dirfd, path, keys[k], f->st[k], 2)) < 0)
			nsx_fail("%s/status: no %s line", path, keys[k]);
}

/* Actions, run by p, or by top itself (nsx_by()); arg[0] is the mount. */

/* fields() of task arg[1] (thread arg[2] if not 0), in two messages: more
 * than NSX_MSG_VALS values. */
static void do_fields(const long *arg)
{
	struct fields f;
	fields(mount_fd((int)arg[0]),
	       arg[2] ? nsx_fmt("%ld/task/%ld", arg[1], arg[2]) : nsx_fmt("%ld", arg[1]), &f);
	nsx_send_v("f1", (const long *)&f, NSX_MSG_VALS);
	nsx_send_v("reply", (const long *)&f + NSX_MSG_VALS, NFIELDS - NSX_MSG_VALS);
}

static int by_value(const void *a, const void *b)
{
	return (*(const long *)a > *(const long *)b) - (*(const long *)a < *(const long *)b);
}

/* The numeric entries of the mount's root (arg[1] 0), of task/ of arg[1], or
 * the numbers in its children file (arg[2] 1), sorted: v[0] count or -errno. */
static void do_list(const long *arg)
{
	long v[NSX_MSG_VALS] = {0};
	int dirfd = mount_fd((int)arg[0]), max = NSX_MSG_VALS - 1;
	const char *path = nsx_fmt(!arg[1]  ? "."
	                           : arg[2] ? "%ld/task/%ld/children"
	                                    : "%ld/task",
	                           arg[1], arg[1]);
	if (arg[2]) {
		v[0] = nsx_read_numbers(dirfd, path, &v[1], max);
	} else {
		int fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		DIR *d = fd < 0 ? NULL : fdopendir(fd);
		if (!d)
			v[0] = -errno;
		for (struct dirent *e; d && (e = readdir(d)) && v[0] < max;)
			if (e->d_name[0] >= '1' && e->d_name[0] <= '9')
				v[++v[0]] = strtol(e->d_name, NULL, 10);
		if (d)
			closedir(d);
	}
	if (v[0] > 0) /* sorted: readdir order is the kernel's */
		qsort(&v[1], (size_t)v[0], sizeof(long), by_value);
	nsx_send_v("reply", v, NSX_MSG_VALS);
}

/* /proc/self and /proc/thread-self: {result, tgid} of each, then the tid. */
static void do_self(const long *arg)
{
	static const char *const links[] = {"self", "thread-self"};
	long v[5] = {0};
	for (int k = 0; k < 2; k++) {
		char buf[64] = "", *t;
		ssize_t n = readlinkat(mount_fd((int)arg[0]), links[k], buf, sizeof(buf) - 1);
		v[2 * k] = n < 0 ? -errno : 0;
		v[2 * k + 1] = strtol(buf, NULL, 10);
		if ((t = strstr(buf, "/task/")))
			v[4] = strtol(t + 6, NULL, 10);
	}
	nsx_send_v("reply", v, 5);
}

static void do_sendproc(NSX_UNUSED const long *arg)
{
	NSX_REPLY(nsx_send_fds(sv[1], &inner_proc, 1));
}

static int q_fn(NSX_UNUSED void *arg)
{
	nsx_spawn("r", NULL, nsx_parked, NULL);
	nsx_thread("qt", nsx_parked, NULL);
	NSX_SEND("up", 1);
	nsx_park();
}

static int p_fn(NSX_UNUSED void *arg)
{
	NSX_TRY(setsid());
	inner_proc = nsx_own_proc();
	nsx_spawn("q", NULL, q_fn, NULL);
	nsx_serve();
}

/* The number v read through mount m, as a name (a list element at depth k
 * below the mount's level, for task t). */
static const char *nm(int m, int t, int k, long v)
{
	if (v == -1)
		return "-1";
	return nsx_name_ns(k ? nsx_ns_at(t, m + k) : nsx_find_ns(mount_names[m]), v);
}

/* do_fields() by reader. */
static void get_fields(int reader, int m, long t, long th, struct fields *f)
{
	const struct nsx_msg *a = nsx_by(reader, do_fields, m, t, th);
	memcpy((long *)f + NSX_MSG_VALS, a->v, sizeof(long) * (NFIELDS - NSX_MSG_VALS));
	memcpy(f, nsx_recv(reader, "f1")->v, sizeof(long) * NSX_MSG_VALS);
}

static void show_fields(int reader, int m, const char *who, int target, int thread)
{
	struct fields f;
	int lt = thread ? thread : target; /* the task whose chain names the lists */
	get_fields(reader, m, nsx_nr_in(target, nsx_ns_at(target, m)),
	           thread ? nsx_nr_in(thread, nsx_ns_at(thread, m)) : 0, &f);
	char line[1024];
	int n = snprintf(line, sizeof(line), "%-6s proc, %-3s reads %-2s", mount_names[m],
	                 nsx_task_name(reader), who);
	if (f.res) {
		printf("%s: %s\n", line, nsx_res(f.res));
		return;
	}
	for (int k = 0; k < K_NGID; k++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, " %s=%s", keys[k],
		              nm(m,
		                 k == 0   ? target
		                 : k == 1 ? lt
		                          : 0,
		                 0, f.st[k][0]));
	for (int k = K_NS; k < NKEYS; k++) {
		n += snprintf(line + n, sizeof(line) - (size_t)n, " %s=%s", keys[k],
		              nm(m, lt, 0, f.st[k][0]));
		if (f.nlev > 1)
			n += snprintf(line + n, sizeof(line) - (size_t)n, ",%s",
			              nm(m, lt, 1, f.st[k][1]));
	}
	static const char *const k3[] = {"pid", "ppid", "pgrp", "session", "tpgid"};
	n += snprintf(line + n, sizeof(line) - (size_t)n, " Ngid=%ld | stat", f.st[K_NGID][0]);
	for (int k = 0; k < 5; k++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, " %s=%s", k3[k],
		              nm(m, k == 0 ? lt : 0, 0, f.stat[k]));
	printf("%s\n", line);
}

/* A do_list() reply as names in mount m. */
static const char *names_of(int m, const long *v)
{
	static char b[256];
	if (v[0] < 0)
		return nsx_res(v[0]);
	int n = 0;
	b[0] = '\0';
	for (long i = 1; i <= v[0] && n < 200; i++)
		n += snprintf(b + n, sizeof(b) - (size_t)n, "%s%s", i > 1 ? " " : "",
		              nsx_name_ns(nsx_find_ns(mount_names[m]), v[i]));
	return v[0] ? b : "(none)";
}

NSX_CASE(.family = "A task's own numbers and /proc",
         .rows = "6.1 6.2 6.3 6.4 6.5 6.6 6.10 6.14 6.15 6.17 6.20");

int main(void)
{
	nsx_init("top", "outer");
	NSX_TRY(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
	int p = nsx_spawn("p", "inner", p_fn, NULL);
	nsx_recv(-1, "up"); /* from q: q, r and qt exist */
	int q = nsx_find("q"), qt = nsx_find("qt"), top = nsx_find("top");
	if (nsx_do(p, do_sendproc, 0, 0, 0)->v[0] || nsx_recv_fds(sv[0], &inner_proc, 1))
		nsx_fail("inner's proc from p: %s", nsx_errname(errno));
	NSX_TRY(ptrace(PTRACE_SEIZE, nsx_pid(q), 0, 0));

	printf("# proc_fields: /proc pid fields through the outer and the inner proc mount, "
	       "read by top (outer) and p (inner)\n");
	for (int m = M_OUTER; m <= M_INNER; m++)
		for (int r = 0; r < 2; r++) {
			int reader = r ? p : top;
			show_fields(reader, m, "p", p, 0);
			show_fields(reader, m, "q", q, 0);
			show_fields(reader, m, "qt", q, qt);
		}
	for (int m = M_OUTER; m <= M_INNER; m++)
		for (int r = 0; r < 2; r++) {
			int reader = r ? p : top, ns = nsx_find_ns(mount_names[m]);
			long qn = nsx_nr_in(q, ns);
			printf("%-6s proc, %-3s reads q's task/: %s;", mount_names[m],
			       nsx_task_name(reader),
			       names_of(m, nsx_by(reader, do_list, m, qn, 0)->v));
			printf(" q's children: %s;",
			       names_of(m, nsx_by(reader, do_list, m, qn, 1)->v));
			const long *v = nsx_by(reader, do_self, m, 0, 0)->v;
			printf(" self -> %s", v[0] ? nsx_res(v[0]) : nsx_name_ns(ns, v[1]));
			printf(", thread-self -> %s", v[2] ? nsx_res(v[2]) : nsx_name_ns(ns, v[3]));
			if (!v[2])
				printf("/task/%s", nsx_name_ns(ns, v[4]));
			printf("\n");
		}
	printf("inner  proc, top lists /proc: %s\n",
	       names_of(M_INNER, nsx_by(top, do_list, M_INNER, 0, 0)->v));
	struct fields f;
	get_fields(top, M_INNER, nsx_pid(top), 0, &f);
	printf("inner  proc, top reads /proc/<%s's number>: %s\n", nsx_name(top, nsx_pid(top)),
	       f.res ? nsx_res(f.res) : "found");
	nsx_exit();
}
