// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * limits.c - how many tasks and how much memory one case may take, from the
 * best mechanism the machine offers, so that a case that forks in a loop or
 * allocates without end is stopped before the machine notices:
 *
 *   1. cgroup2: a child cgroup per case (pids.max, memory.max), when a
 *      cgroup2 hierarchy can be written and its pids controller can be
 *      enabled below the runner's cgroup (root, or a delegated subtree: the
 *      make vm guest as root);
 *   2. RLIMIT_NPROC, when the runner runs in a user namespace of its own
 *      (unprivileged): the kernel charges every process of the runner's uid
 *      in that namespace (kernel/ucount.c), so parallel cases share it;
 *   3. pid_max of the case's own pid namespace, on kernels where pid_max is
 *      per namespace (6.14 on): the case's namespace runs out of numbers.
 *      Before 6.14 pid_max is machine-wide and is never written.
 *
 * Wherever a cgroup2 directory can be made below the runner's cgroup, even
 * with no controller to limit with (cgroup v1 holding them all), each
 * case is offered one in NSX_CGROUP (the limited cgroup it runs in, or a
 * directory it may make, parent included: lib nsx_case_cgroup()); the runner
 * removes it and all below it after the case, and a later runner removes what
 * a killed one left.  Without one, NSX_NOCGROUP says why.
 *
 * Every stream a case writes (stdout, stderr, a trace) is capped with
 * RLIMIT_FSIZE: past it the kernel sends SIGXFSZ and the file stops growing.
 */
#include "runner.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

static struct limits L = {.kind = LIM_UNSET, .cg_lock = -1};

static int file_has_word(const char *path, const char *word)
{
	char buf[512];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	for (char *t = strtok(buf, " \n"); t; t = strtok(NULL, " \n"))
		if (!strcmp(t, word))
			return 1;
	return 0;
}

/* The cgroup2 directory the runner is in, or -1. */
static int own_cgroup2(char *dir, size_t len)
{
	char line[4096], mnt[PATH_MAX] = "", path[PATH_MAX] = "";
	FILE *f = fopen("/proc/self/mountinfo", "re");
	while (f && fgets(line, sizeof(line), f)) {
		char *sep = strstr(line, " - cgroup2 ");
		char m[PATH_MAX];
		if (sep && sscanf(line, "%*s %*s %*s %*s %4095s", m) == 1) {
			snprintf(mnt, sizeof(mnt), "%s", m);
			break;
		}
	}
	if (f)
		fclose(f);
	f = fopen("/proc/self/cgroup", "re");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(path, sizeof(path), "%s", line + 3);
		}
	if (f)
		fclose(f);
	if (!mnt[0] || !path[0])
		return -1;
	snprintf(dir, len, "%s%s", mnt, strcmp(path, "/") ? path : "");
	return 0;
}

/* Remove dir and every cgroup below it (cgroupfs: only directories can be
 * removed; one that still has members stays, harmlessly). */
static void rm_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char sub[PATH_MAX];
		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name) < (int)sizeof(sub))
			rm_tree(sub);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* Remove what an earlier runner that was killed left: nsxrun.<pid>.<x>
 * directories that no live runner holds, with the cases' cgroups below.  A
 * runner holds its directory with flock() for as long as it lives
 * (hold_base()); the pid in the name is for people, not for deciding:
 * a runner in another pid namespace has a number that means nothing here. */
static void remove_stale(const char *base)
{
	DIR *d = opendir(base);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		int pid;
		char dir[PATH_MAX + 300];
		if (sscanf(e->d_name, "nsxrun.%d", &pid) != 1 || e->d_type != DT_DIR)
			continue;
		snprintf(dir, sizeof(dir), "%.3800s/%s", base, e->d_name);
		int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			rm_tree(dir);
		close(fd);
	}
	if (d)
		closedir(d);
}

/* Make L.cg_base and hold it (flock) until the runner exits; 0 or -1. */
static int hold_base(void)
{
	if (!mkdtemp(L.cg_base))
		return -1;
	chmod(L.cg_base, 0755);
	L.cg_lock = open(L.cg_base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (L.cg_lock < 0 || flock(L.cg_lock, LOCK_EX | LOCK_NB)) {
		int e = errno;
		if (L.cg_lock >= 0)
			close(L.cg_lock);
		L.cg_lock = -1;
		errno = e;
		return -1;
	}
	return 0;
}

/* nsxrun.<pid>.<x> below the runner's own cgroup2 cgroup, the parent of a
 * directory per case; then, if the pids controller can be had there, per-case
 * limits (LIM_CGROUP2).  -1 when no cgroup2 directory can be made, with the
 * reason in L.cg_why. */
static int try_cgroup2(void)
{
	char base[PATH_MAX], p[PATH_MAX + 64];
	if (own_cgroup2(base, sizeof(base))) {
		snprintf(L.cg_why, sizeof(L.cg_why), "no cgroup2 hierarchy mounted");
		return -1;
	}
	snprintf(p, sizeof(p), "%s/cgroup.subtree_control", base);
	if (!file_has_word(p, "pids"))
		write_file(p, "+pids"); /* refused (EBUSY) when base has members */
	if (!file_has_word(p, "memory"))
		write_file(p, "+memory");
	int pids = file_has_word(p, "pids");
	L.memory = pids && file_has_word(p, "memory");
	remove_stale(base);
	/* nsxrun.<pid>.XXXXXX: runners in two pid namespaces may have one pid. */
	snprintf(L.cg_base, sizeof(L.cg_base), "%.3900s/nsxrun.%d.XXXXXX", base, (int)getpid());
	/* The cases' parent, made now and held for the whole run: a case
	 * making its own cgroup below it never finds it gone (a runner killed
	 * by SIGKILL leaves it, empty of processes, for the next to remove). */
	if (hold_base()) {
		snprintf(L.cg_why, sizeof(L.cg_why), "cannot make a cgroup in %.150s: %s", base,
		         strerror(errno));
		L.cg_base[0] = '\0';
		return -1;
	}
	snprintf(p, sizeof(p), "%s/cgroup.subtree_control", L.cg_base);
	if (!pids || write_file(p, L.memory ? "+pids +memory" : "+pids"))
		return 1; /* a directory for each case that makes one, no limits */
	return 0;
}

/* pid_max is a per-pid-namespace sysctl from 6.14 (kernel/pid.c); before,
 * writing it from a child namespace would change the whole machine. */
static int pid_max_per_ns(void)
{
	struct utsname u;
	int maj = 0, min = 0;
	if (uname(&u) || sscanf(u.release, "%d.%d", &maj, &min) != 2)
		return 0;
	return maj > 6 || (maj == 6 && min >= 14);
}

/* Is the caller in a user namespace other than the initial one?  (The initial
 * one maps every id to itself: "0 0 4294967295".) */
static int in_userns(void)
{
	unsigned a, b, c;
	FILE *f = fopen("/proc/self/uid_map", "re");
	int n = f ? fscanf(f, "%u %u %u", &a, &b, &c) : 0;
	if (f)
		fclose(f);
	return !(n == 3 && a == 0 && b == 0 && c == 4294967295u);
}

static int read_pid_max(void)
{
	int max = 0;
	FILE *f = fopen("/proc/sys/kernel/pid_max", "re");
	if (!f || fscanf(f, "%d", &max) != 1)
		max = 0;
	if (f)
		fclose(f);
	return max;
}

/*
 * The first number of each case's own pid namespace: far above the small
 * numbers of the namespaces the case makes, and, where it can be, where no
 * global pid number is, so that a global number a case prints ("unknown")
 * cannot pass for one of its tasks' numbers.
 *  - pid_max per namespace (6.14+), limited by cgroup2 or RLIMIT_NPROC: at
 *    NSXRUN_FIRST_PID_HIGH, with the case's pid_max just above it.
 *  - pid_max per namespace as the limit itself (LIM_PIDMAX): numbers wrap to
 *    300 past pid_max, so the span below the first number counts too: just
 *    above the machine's pid_max when that is small (1900, say),
 *    else 1000.
 *  - pid_max machine-wide (before 6.14): NSXRUN_PID_SPAN + 276 below it,
 *    after the runner raised it to the kernel's limit in the make vm guest
 *    (--guest, root; anywhere else it is never written), where a suite run's
 *    global numbers stay far below.
 */
static int first_pid(void)
{
	int max;
	if (L.pid_max_ns && L.kind != LIM_PIDMAX)
		return NSXRUN_FIRST_PID_HIGH;
	if (L.pid_max_ns) {
		max = read_pid_max();
		return max + 100 > 1000 && max + 100 <= 4000 ? max + 100 : 1000;
	}
	if (getenv("NSX_GUEST") && geteuid() == 0 && !in_userns() &&
	    write_file("/proc/sys/kernel/pid_max", "4194304"))
		write_file("/proc/sys/kernel/pid_max", "32768"); /* CONFIG_BASE_SMALL's limit */
	max = read_pid_max();
	return max - NSXRUN_PID_SPAN - 276 > 1000 ? max - NSXRUN_PID_SPAN - 276 : 1000;
}

const struct limits *limits_setup(void)
{
	if (L.kind != LIM_UNSET)
		return &L;
	L.output_cap = NSXRUN_OUTPUT_CAP;
	L.pid_max_ns = pid_max_per_ns();
	int cg = try_cgroup2();
	if (!cg) {
		L.kind = LIM_CGROUP2;
		snprintf(L.desc, sizeof(L.desc), "cgroup2 %s: pids.max=%d%s per case", L.cg_base,
		         NSXRUN_MAX_TASKS, L.memory ? " memory.max=" NSXRUN_MAX_MEMORY_STR : "");
	} else if (in_userns()) {
		L.kind = LIM_NPROC;
		snprintf(L.desc, sizeof(L.desc),
		         "RLIMIT_NPROC=%d in the runner's user namespace (shared by the cases "
		         "running at once); no memory limit",
		         NSXRUN_MAX_TASKS);
	} else if (L.pid_max_ns) {
		L.kind = LIM_PIDMAX;
		L.first_pid = first_pid();
		snprintf(
		        L.desc, sizeof(L.desc),
		        "pid_max=%d in each case's pid namespace (about %d tasks); no memory limit",
		        L.first_pid + NSXRUN_PID_SPAN, L.first_pid + NSXRUN_PID_SPAN - 300);
	} else {
		L.kind = LIM_NONE;
		snprintf(L.desc, sizeof(L.desc),
		         "none: no writable cgroup2 pids controller, not in a user namespace, and "
		         "pid_max is machine-wide before 6.14");
	}
	if (!L.first_pid)
		L.first_pid = first_pid();
	return &L;
}

int limits_prepare(struct job *j, int k)
{
	char p[PATH_MAX + 64];
	j->cg_procs = -1;
	if (L.cg_base[0])
		snprintf(j->cg_dir, sizeof(j->cg_dir), "%.3900s/%d", L.cg_base, k);
	if (L.kind != LIM_CGROUP2)
		return 0;
	if (mkdir(j->cg_dir, 0755) && errno != EEXIST)
		return -1;
	snprintf(p, sizeof(p), "%s/pids.max", j->cg_dir);
	char v[32];
	snprintf(v, sizeof(v), "%d", NSXRUN_MAX_TASKS);
	if (write_file(p, v))
		return -1;
	snprintf(p, sizeof(p), "%s/memory.max", j->cg_dir);
	if (L.memory && write_file(p, NSXRUN_MAX_MEMORY_STR))
		return -1;
	snprintf(p, sizeof(p), "%s/cgroup.procs", j->cg_dir);
	j->cg_procs = open(p, O_WRONLY | O_CLOEXEC);
	return j->cg_procs < 0 ? -1 : 0;
}

int limits_numbers(void)
{
	char v[32];
	/* pid_max first: ns_last_pid is checked against it. */
	if (L.pid_max_ns) {
		snprintf(v, sizeof(v), "%d", L.first_pid + NSXRUN_PID_SPAN);
		if (write_file("/proc/sys/kernel/pid_max", v))
			fprintf(stderr, "nsxrun: cannot set pid_max: %s\n", strerror(errno));
	}
	snprintf(v, sizeof(v), "%d", L.first_pid - 1);
	if (write_file("/proc/sys/kernel/ns_last_pid", v))
		fprintf(stderr, "nsxrun: cannot set ns_last_pid: %s\n", strerror(errno));
	return L.first_pid;
}

void limits_enter(const struct job *j)
{
	struct rlimit r;
	/* The case's cgroup2 directory (made here for LIM_CGROUP2, else by a
	 * case that wants one), removed with all below it by limits_release(). */
	if (j->cg_dir[0])
		setenv("NSX_CGROUP", j->cg_dir, 1);
	else
		setenv("NSX_NOCGROUP", L.cg_why, 1);
	if (L.kind == LIM_CGROUP2 && j->cg_procs >= 0) {
		/* "0": the writer itself (kernel/cgroup/cgroup.c). */
		if (write(j->cg_procs, "0", 1) != 1)
			fprintf(stderr, "nsxrun: cannot join %s: %s\n", j->cg_dir, strerror(errno));
	} else if (L.kind == LIM_NPROC) {
		r.rlim_cur = r.rlim_max = NSXRUN_MAX_TASKS;
		setrlimit(RLIMIT_NPROC, &r);
	}
	r.rlim_cur = r.rlim_max = (rlim_t)L.output_cap;
	setrlimit(RLIMIT_FSIZE, &r);
}

void limits_release(struct job *j)
{
	if (j->cg_procs >= 0)
		close(j->cg_procs);
	j->cg_procs = -1;
	if (j->cg_dir[0])
		rm_tree(j->cg_dir);
	j->cg_dir[0] = '\0';
}

void limits_cleanup(void)
{
	if (L.cg_base[0])
		rm_tree(L.cg_base);
	if (L.cg_lock >= 0)
		close(L.cg_lock);
	L.cg_lock = -1;
}
