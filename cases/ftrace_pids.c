// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ftrace_pids - tracefs speaks global pids both ways: set_event_pid takes
 * and shows bare numbers and filters events by the tasks' global numbers,
 * and every trace line and event field carries the global number, whatever
 * pid namespace the writer or the traced task is in.  Guest only: a tracing
 * instance is the machine's (NSX_CASE .guest); needs root in the
 * initial user namespace (tracefs); skips without tracefs (CONFIG_TRACING)
 * or the task_rename event (CONFIG_TRACEPOINTS; make vm's own kernels have
 * neither, Debian's kernels both).
 *
 * Tasks: top (namespace outer) mounts tracefs in a mount namespace of its
 * own, makes a tracing instance (mkdir instances/nsxlate-XXXXXX) and enables
 * its task/task_rename event; c, the init of namespace inner, writes the
 * instance's set_event_pid (opened O_TRUNC: the list is replaced), renames
 * itself (prctl(PR_SET_NAME), which fires task_rename) and writes its
 * trace_marker; top reads the instance's trace.  Numbers print as the reader
 * names them ("unknown": a number of the initial namespace).
 *
 * The golden lines and the kernel code behind them (kernel/trace/, 6.1.192):
 *
 *   c writes set_event_pid 1 (its own number): 0; c reads it back as c,
 *   top as c@inner (the same bare number)
 *     trace_events.c event_pid_write() -> trace.c trace_pid_write():
 *     kstrtoul() of each word into the pid list, untranslated;
 *     trace_pid_show(): "%lu" of each.
 *   c renames itself (c-renamed1): no task_rename event for it
 *     trace_ignore_this_task(): !trace_find_filtered_pid(filtered_pids,
 *     task->pid), the task's global number; no task has global number 1 but
 *     init, so c's event is dropped.
 *   c writes trace_marker: the line's pid unknown
 *     trace.c tracing_mark_write() -> tracing_generic_entry_update():
 *     entry->pid = current->pid (global); trace_output.c
 *     trace_print_context() prints it ("%16s-%-7d").
 *   c writes that number to set_event_pid and renames itself (c-renamed2):
 *   1 event, pid= unknown, the marker line's number
 *     the same filter now matches; include/trace/events/task.h task_rename:
 *     __entry->pid = task->pid, printed "pid=%d".
 */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define MARK "nsxlate-mark"

static char inst[160]; /* the instance's directory */

static long put(const char *file, const char *v, int trunc)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", inst, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC | (trunc ? O_TRUNC : 0));
	if (fd < 0)
		return -errno;
	long r = write(fd, v, strlen(v)) < 0 ? -errno : 0;
	close(fd);
	return r;
}

/* set_event_pid's numbers as the caller reads them: {count or -errno, up to 3}. */
static void do_readpid(NSX_UNUSED const long *arg)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/set_event_pid", inst);
	long o[4] = {0};
	o[0] = nsx_read_numbers(AT_FDCWD, path, o + 1, 3);
	nsx_send_v("reply", o, 4);
}

/* The trace: {c's task_rename events to c-renamed<which>, the last one's
 * pid, marker lines, the last one's pid}.  Other tasks (other cases running
 * at once) may rename themselves while the event is on: only c's new names
 * count. */
static void read_trace(int which, long *o)
{
	char want[32];
	snprintf(want, sizeof(want), " newcomm=c-renamed%d ", which);
	char path[256], line[512];
	snprintf(path, sizeof(path), "%s/trace", inst);
	FILE *f = NSX_TRY_PTR(fopen(path, "re"));
	o[0] = o[1] = o[2] = o[3] = 0;
	while (fgets(line, sizeof(line), f)) {
		char *p;
		if (line[0] == '#')
			continue;
		if ((p = strstr(line, "task_rename: pid=")) && strstr(line, want)) {
			o[0]++;
			o[1] = strtol(p + strlen("task_rename: pid="), NULL, 10);
		} else if (strstr(line, "tracing_mark_write: " MARK) && (p = strstr(line, " ["))) {
			*p = 0;
			char *dash = strrchr(line, '-');
			o[2]++;
			o[3] = dash ? strtol(dash + 1, NULL, 10) : -1;
		}
	}
	fclose(f);
}

static void do_setpid(const long *arg)
{
	char b[32];
	snprintf(b, sizeof(b), "%ld", arg[0]);
	NSX_REPLY(put("set_event_pid", b, 1));
}

static void do_rename(const long *arg)
{
	char b[32];
	snprintf(b, sizeof(b), "c-renamed%ld", arg[0]);
	NSX_REPLY(prctl(PR_SET_NAME, b) ? -errno : 0);
}

static void do_mark(NSX_UNUSED const long *arg)
{
	NSX_REPLY(put("trace_marker", MARK, 0));
}

static int made;

static void clean(void)
{
	if (made) {
		put("events/task/task_rename/enable", "0", 0);
		put("set_event_pid", "", 1);
		rmdir(inst);
	}
	made = 0;
}

static void show_pids(int observer)
{
	const long *o = nsx_by(observer, do_readpid, 0, 0, 0)->v;
	printf("%-3s reads set_event_pid:%s\n", nsx_task_name(observer),
	       nsx_name_list(observer, o));
}

NSX_CASE(.family = "Kernel threads, fault handlers and side channels", .rows = "27.23 27.24",
         .kconfig = "CONFIG_TRACEPOINTS",
         .guest = "makes a tracing instance, which is the machine's", .root = "tracefs");

int main(void)
{
	nsx_init("top", "outer");
	const char *dir = nsx_mount_fs("tracefs", NULL, "CONFIG_TRACING");
	atexit(clean);
	snprintf(inst, sizeof(inst), "%s/instances/nsxlate-XXXXXX", dir);
	NSX_TRY_PTR(mkdtemp(inst)); /* a tracing instance */
	made = 1;
	long r = put("events/task/task_rename/enable", "1", 0);
	if (r == -ENOENT)
		nsx_skip("no task/task_rename event (CONFIG_TRACEPOINTS)");
	if (r)
		nsx_fail("enabling task_rename: %s", nsx_errname((int)-r));
	int c = nsx_spawn_agent("c", "inner");
	long o[4];
	printf("# ftrace_pids: tracefs takes and shows global pids\n");
	printf("c   writes set_event_pid 1 (its own number): %s\n",
	       nsx_res(nsx_do(c, do_setpid, 1, 0, 0)->v[0]));
	show_pids(c);
	show_pids(0);
	printf("c   renames itself: %s\n", nsx_res(nsx_do(c, do_rename, 1, 0, 0)->v[0]));
	printf("c   writes trace_marker: %s\n", nsx_res(nsx_do(c, do_mark, 0, 0, 0)->v[0]));
	read_trace(1, o);
	printf("top reads trace: %ld task_rename events to c-renamed1; %ld marker lines, pid %s\n",
	       o[0], o[2], nsx_name(0, o[3]));
	long g = o[3];
	printf("c   writes set_event_pid (the marker line's pid): %s\n",
	       nsx_res(nsx_do(c, do_setpid, g, 0, 0)->v[0]));
	printf("c   renames itself: %s\n", nsx_res(nsx_do(c, do_rename, 2, 0, 0)->v[0]));
	read_trace(2, o);
	printf("top reads trace: %ld task_rename events to c-renamed2, pid=%s (%s the marker "
	       "line's)\n",
	       o[0], nsx_name(0, o[1]), o[1] == g ? "is" : "is not");
	clean();
	nsx_exit();
}
