// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cgroup_procs - cgroup v2's cgroup.procs and cgroup.threads across pid
 * namespaces: the numbers read from them, and the numbers written to them.
 *
 * The case needs a cgroup2 directory it may make and fill: nsxrun offers one
 * in NSX_CGROUP (a directory below its own cgroup2 cgroup, which it removes
 * with everything below after the case; a runner killed before it could has
 * its leftovers removed by the next run).  Without one it skips, saying why.
 *
 * Tasks: top (namespace outer) makes cgroups g and g/t below NSX_CGROUP; c is
 * the init of namespace I, c2 a process of I with a second thread c2t; x is
 * the init of the sibling namespace sib.  Numbers print as the task they
 * denote in the reader's (or writer's) namespace, a group as its leader.
 *
 * The golden lines and the kernel code behind them:
 *
 *   writes to g/cgroup.procs: top "0", c "0", then c writes c2's number in I:
 *   all 0 (moved); c writing top's number in outer: ESRCH
 *     kernel/cgroup/cgroup.c: __cgroup_procs_write() ->
 *     cgroup_procs_write_start(): "0" is the writer itself; any other number
 *     is find_task_by_vpid(), the writer's namespace at write time; a number
 *     that does not exist there is ESRCH, never another task.
 *   g/cgroup.procs read by top: top c c2; by c: 0 c c2; by x: 0 0 0; the file
 *   top opened, read by c: 0 c c2
 *     cgroup_procs_show() prints task_pid_vnr() of each process (the
 *     iterator, css_task_iter with CSS_TASK_ITER_PROCS, yields thread-group
 *     leaders in the order they joined): the *reader's* namespace when read()
 *     runs, not the opener's; a member the reader cannot see is a 0 line,
 *     not left out (cgroup v1's pidlist_array_load() leaves it out).
 *   g/cgroup.threads read by top: top c c2 c2t; by c: 0 c c2 c2t
 *     cgroup_threads_start() iterates every thread; the same
 *     cgroup_procs_show() numbers each with task_pid_vnr().
 *   g/t made threaded; c writes c2t's thread id in I to g/t/cgroup.threads: 0;
 *   g/t/cgroup.threads read by top: c2t, by c: c2t; g/cgroup.threads by top:
 *   top c c2; g/cgroup.procs by top: top c c2 (the process is still listed:
 *   a domain's cgroup.procs covers its threaded subtree)
 *     cgroup_threads_write() -> __cgroup_procs_write(threadgroup false):
 *     the same find_task_by_vpid() in the writer's namespace, one thread
 *     moved; cgroup_procs_start() iterates with CSS_TASK_ITER_THREADED.
 *
 * Why the 0 lines are an inconsistency worth pinning: /proc, waitid and the
 * socket credentials leave out or zero an invisible task consistently, but a
 * container's runtime reading cgroup.procs to enumerate its members gets one
 * "0" per process it cannot see, indistinguishable from each other.
 */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

enum { F_PROCS, F_THREADS, F_T_THREADS, F_NFILES };
static const char *const file_names[F_NFILES] = {"g/cgroup.procs", "g/cgroup.threads",
                                                 "g/t/cgroup.threads"};
static char files[F_NFILES][512];
static int sv[2] = {-1, -1}; /* top -> c, for a file descriptor */

static void do_write(const long *arg)
{
	NSX_REPLY(nsx_write_text(AT_FDCWD, files[arg[0]], "%ld", arg[1]));
}

/* Reply with the numbers read from fd (then closed), their count first, or
 * -errno (of the open that gave fd -1, or of the read). */
static void reply_read(int fd)
{
	char buf[1024];
	long v[NSX_MSG_VALS] = {0};
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	v[0] = n < 0 ? -errno : nsx_numbers(buf, v + 1, NSX_MSG_VALS - 1);
	if (fd >= 0)
		close(fd);
	nsx_send_v("reply", v, NSX_MSG_VALS);
}
static void do_read(const long *arg)
{
	reply_read(open(files[arg[0]], O_RDONLY | O_CLOEXEC));
}

static void do_read_fd(NSX_UNUSED const long *arg)
{
	int fd = -1;
	NSX_TRY_NEG(nsx_recv_fds(sv[1], &fd, 1));
	reply_read(fd);
}

/* The numbers in v as reader sees them, "(empty)" for none. */
static const char *list(int reader, const long *v)
{
	return v[0] ? nsx_name_list(reader, v) + 1 : "(empty)";
}

static void show_read(const char *who, int reader, int f)
{
	printf("  %-20s read by %s: %s\n", file_names[f], who,
	       list(reader, nsx_by(reader, do_read, f, 0, 0)->v));
}

static void show_write(const char *who, int writer, int f, const char *what, long v)
{
	long r = nsx_by(writer, do_write, f, v, 0)->v[0];
	printf("  %s writes %s to %s: %s\n", who, what, file_names[f], nsx_res(r));
}

NSX_CASE(.family = "cgroup member lists", .rows = "23.1 28.18",
         .finding =
                 "cgroup v2's `cgroup.procs` and `cgroup.threads` print a member the reader cannot "
                 "see as a `0` line (`cgroup_procs_show()`: `task_pid_vnr()` of each member, in "
                 "the reader's namespace at read time), where /proc, waitid and cgroup v1's files "
                 "(`pidlist_array_load()`: `if (pid > 0)`) leave it out: a container reading its "
                 "cgroup gets one indistinguishable `0` per process it cannot see: "
                 "`cgroup_procs`.");

int main(void)
{
	nsx_init("top", "outer");
	const char *base = nsx_case_cgroup();
	char g[512];
	snprintf(g, sizeof(g), "%.400s/g", base);
	NSX_TRY(mkdir(g, 0755));
	for (int f = 0; f < F_NFILES; f++)
		snprintf(files[f], sizeof(files[f]), "%.400s/%s", base, file_names[f]);
	NSX_TRY(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));

	struct nsx_scene sc = {.c = nsx_spawn_agent("c", "I")}; /* the scene, with I for inner */
	nsx_scene_c2(&sc, NSX_SCENE_C2T);
	int c = sc.c, c2 = sc.c2, c2t = sc.c2t, x = nsx_spawn_agent("x", "sib"), top = 0;

	printf("# cgroup_procs: cgroup v2 member lists read and written from pid namespaces "
	       "(I below outer, sib beside I)\n");
	show_write("top", 0, F_PROCS, "0", 0);
	show_write("c", c, F_PROCS, "0", 0);
	show_write("c", c, F_PROCS, "c2's number in I", nsx_nr_in(c2, nsx_ns_of(c)));
	show_write("c", c, F_PROCS, "top's number in outer", nsx_pid(top));
	show_read("top", 0, F_PROCS);
	show_read("c", c, F_PROCS);
	show_read("x", x, F_PROCS);
	int fd = (int)NSX_TRY(open(files[F_PROCS], O_RDONLY | O_CLOEXEC));
	NSX_TRY_NEG(nsx_send_fds(sv[0], &fd, 1));
	close(fd);
	printf("  %-20s opened by top, read by c: %s\n", file_names[F_PROCS],
	       list(c, nsx_do(c, do_read_fd, 0, 0, 0)->v));
	show_read("top", 0, F_THREADS);
	show_read("c", c, F_THREADS);

	char t[600];
	snprintf(t, sizeof(t), "%s/t", g);
	NSX_TRY(mkdir(t, 0755));
	snprintf(t, sizeof(t), "%s/t/cgroup.type", g);
	printf("g/t made threaded: %s\n", nsx_res(nsx_write_text(AT_FDCWD, t, "threaded")));
	show_write("c", c, F_T_THREADS, "c2t's thread id in I", nsx_nr_in(c2t, nsx_ns_of(c)));
	show_read("top", 0, F_T_THREADS);
	show_read("c", c, F_T_THREADS);
	show_read("top", 0, F_THREADS);
	show_read("top", 0, F_PROCS);
	nsx_exit();
}
