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
 *   2. cgroup v1: the same in the pids hierarchy (pids.max), and in the
 *      memory one if it can be had (memory.limit_in_bytes), where the
 *      controllers are mounted as cgroup v1 and the runner may make
 *      cgroups there (root);
 *   3. RLIMIT_NPROC, when the runner runs in a user namespace of its own
 *      (unprivileged): the kernel charges every process of the runner's uid
 *      in that namespace (kernel/ucount.c), so parallel cases share it;
 *   4. none, said in the limits line.  (A case's pid namespace's pid_max is
 *      no limit: its numbers are placed where no number of the machine is,
 *      numbers.c, so a pid_max there would promise more tasks than the
 *      machine has.)
 *
 * The run's own directory in each hierarchy, nsxrun.<pid>.<x>, is made
 * first and held with flock() until the runner exits: another run removes
 * it only when it can take that lock (a runner killed with SIGKILL).
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

static struct limits L = {.kind = LIM_UNSET, .cg_lock = -1, .v1_lock = {-1, -1}};

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

/* Make base (a mkdtemp() template) and hold it (flock) until the runner
 * exits: its descriptor, or -1 (make_base()). */
static int hold_base(char *base)
{
	if (!mkdtemp(base))
		return -1;
	chmod(base, 0755);
	int fd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB)) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		rmdir(base);
		errno = e;
		return -1;
	}
	return fd;
}

/* In parent: remove what dead runners left, then make this run's
 * nsxrun.<pid>.<x> (runners in two pid namespaces may have one pid) and
 * hold it; its descriptor, or -1.  Both under a lock on parent, so that no
 * other runner sees the new directory before it is held. */
static int make_base(const char *parent, char *base, size_t len)
{
	int pl = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pl >= 0)
		while (flock(pl, LOCK_EX) && errno == EINTR)
			;
	remove_stale(parent);
	snprintf(base, len, "%.3900s/nsxrun.%d.XXXXXX", parent, (int)getpid());
	int fd = hold_base(base);
	int e = errno;
	if (pl >= 0)
		close(pl);
	if (fd < 0)
		base[0] = '\0';
	errno = e;
	return fd;
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
	/* The cases' parent, made now and held for the whole run: a case
	 * making its own cgroup below it never finds it gone (a runner killed
	 * by SIGKILL leaves it, empty of processes, for the next to remove). */
	if ((L.cg_lock = make_base(base, L.cg_base, sizeof(L.cg_base))) < 0) {
		snprintf(L.cg_why, sizeof(L.cg_why), "cannot make a cgroup in %.150s: %s", base,
		         strerror(errno));
		return -1;
	}
	snprintf(p, sizeof(p), "%s/cgroup.subtree_control", L.cg_base);
	if (!pids || write_file(p, L.memory ? "+pids +memory" : "+pids"))
		return 1; /* a directory for each case that makes one, no limits */
	return 0;
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

/* The directory of the caller's cgroup in the cgroup v1 hierarchy of
 * controller ctl (mounted where /proc/self/mountinfo says, at the path
 * /proc/self/cgroup gives), or -1. */
static int own_cgroup1(const char *ctl, char *dir, size_t len)
{
	char line[4096], mnt[PATH_MAX] = "", path[PATH_MAX] = "";
	FILE *f = fopen("/proc/self/mountinfo", "re");
	while (f && !mnt[0] && fgets(line, sizeof(line), f)) {
		char m[PATH_MAX], opts[1024];
		char *sep = strstr(line, " - cgroup ");
		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", m) != 1 ||
		    sscanf(sep, " - cgroup %*s %1023s", opts) != 1)
			continue;
		for (char *t = strtok(opts, ","); t; t = strtok(NULL, ","))
			if (!strcmp(t, ctl))
				snprintf(mnt, sizeof(mnt), "%s", m);
	}
	if (f)
		fclose(f);
	f = fopen("/proc/self/cgroup", "re");
	while (f && !path[0] && fgets(line, sizeof(line), f)) {
		char *a = strchr(line, ':'), *b = a ? strchr(a + 1, ':') : NULL;
		if (!b)
			continue;
		*b = '\0';
		b[1 + strcspn(b + 1, "\n")] = '\0';
		for (char *t = strtok(a + 1, ","); t; t = strtok(NULL, ","))
			if (!strcmp(t, ctl))
				snprintf(path, sizeof(path), "%s", b + 1);
	}
	if (f)
		fclose(f);
	if (!mnt[0] || !path[0])
		return -1;
	snprintf(dir, len, "%s%s", mnt, strcmp(path, "/") ? path : "");
	return 0;
}

/* cgroup v1's pids controller, and its memory controller if it can be had
 * too: nsxrun.<pid>.<x> in each hierarchy, a directory per case below. */
static int try_cgroup1(void)
{
	static const char *const ctl[2] = {"pids", "memory"};
	for (int i = 0; i < 2; i++) {
		char own[PATH_MAX];
		if (own_cgroup1(ctl[i], own, sizeof(own)))
			continue;
		L.v1_lock[i] = make_base(own, L.v1_base[i], sizeof(L.v1_base[i]));
	}
	if (!L.v1_base[0][0]) {
		if (L.v1_base[1][0]) {
			rmdir(L.v1_base[1]);
			close(L.v1_lock[1]);
			L.v1_lock[1] = -1;
			L.v1_base[1][0] = '\0';
		}
		return -1;
	}
	L.memory = L.v1_base[1][0] != '\0';
	return 0;
}

const struct limits *limits_setup(void)
{
	if (L.kind != LIM_UNSET)
		return &L;
	L.output_cap = NSXRUN_OUTPUT_CAP;
	int cg = try_cgroup2();
	if (!cg) {
		L.kind = LIM_CGROUP2;
		snprintf(L.desc, sizeof(L.desc), "cgroup2 below %.*s: pids.max=%d%s per case",
		         (int)(strrchr(L.cg_base, '/') - L.cg_base), L.cg_base, NSXRUN_MAX_TASKS,
		         L.memory ? " memory.max=" NSXRUN_MAX_MEMORY_STR : "");
	} else if (!try_cgroup1()) {
		L.kind = LIM_CGROUP1;
		snprintf(L.desc, sizeof(L.desc), "cgroup v1 below %.*s: pids.max=%d%s per case",
		         (int)(strrchr(L.v1_base[0], '/') - L.v1_base[0]), L.v1_base[0],
		         NSXRUN_MAX_TASKS,
		         L.memory ? " memory.limit_in_bytes=" NSXRUN_MAX_MEMORY_STR
		                  : "; no memory limit");
	} else if (in_userns()) {
		L.kind = LIM_NPROC;
		snprintf(L.desc, sizeof(L.desc),
		         "RLIMIT_NPROC=%d in the runner's user namespace (shared by the cases "
		         "running at once); no memory limit",
		         NSXRUN_MAX_TASKS);
	} else {
		L.kind = LIM_NONE;
		snprintf(L.desc, sizeof(L.desc),
		         "none: no writable pids controller (cgroup2 or v1) and not in a user "
		         "namespace");
	}
	return &L;
}

/* A cgroup directory for a case, with its limit, and its cgroup.procs open. */
static int limited_cgroup(const char *dir, const char *file, const char *value)
{
	char p[PATH_MAX + 64];
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -1;
	snprintf(p, sizeof(p), "%s/%s", dir, file);
	if (write_file(p, value))
		return -1;
	snprintf(p, sizeof(p), "%s/cgroup.procs", dir);
	return open(p, O_WRONLY | O_CLOEXEC);
}

int limits_prepare(struct job *j, int k)
{
	char tasks[32];
	snprintf(tasks, sizeof(tasks), "%d", NSXRUN_MAX_TASKS);
	j->cg_procs = j->cg1_procs[0] = j->cg1_procs[1] = -1;
	j->cg_k = k;
	if (L.cg_base[0])
		snprintf(j->cg_dir, sizeof(j->cg_dir), "%.3900s/%d", L.cg_base, k);
	if (L.kind == LIM_CGROUP1) {
		static const char *const file[2] = {"pids.max", "memory.limit_in_bytes"};
		const char *value[2] = {tasks, NSXRUN_MAX_MEMORY_STR};
		for (int i = 0; i < 2; i++) {
			char dir[PATH_MAX + 32];
			if (!L.v1_base[i][0])
				continue;
			snprintf(dir, sizeof(dir), "%s/%d", L.v1_base[i], k);
			if ((j->cg1_procs[i] = limited_cgroup(dir, file[i], value[i])) < 0)
				return -1;
		}
		return 0;
	}
	if (L.kind != LIM_CGROUP2)
		return 0;
	char p[PATH_MAX + 64];
	if (mkdir(j->cg_dir, 0755) && errno != EEXIST)
		return -1;
	snprintf(p, sizeof(p), "%s/memory.max", j->cg_dir);
	if (L.memory && write_file(p, NSXRUN_MAX_MEMORY_STR))
		return -1;
	j->cg_procs = limited_cgroup(j->cg_dir, "pids.max", tasks);
	return j->cg_procs < 0 ? -1 : 0;
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
	/* "0": the writer itself (kernel/cgroup/cgroup.c, cgroup_procs_write_start(),
	 * for v1 and cgroup2 alike). */
	if (L.kind == LIM_CGROUP2 && j->cg_procs >= 0) {
		if (write(j->cg_procs, "0", 1) != 1)
			fprintf(stderr, "nsxrun: cannot join %s: %s\n", j->cg_dir, strerror(errno));
	} else if (L.kind == LIM_CGROUP1) {
		for (int i = 0; i < 2; i++)
			if (j->cg1_procs[i] >= 0 && write(j->cg1_procs[i], "0", 1) != 1)
				fprintf(stderr, "nsxrun: cannot join %s/%d: %s\n", L.v1_base[i],
				        j->cg_k, strerror(errno));
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
	for (int i = 0; i < 2; i++) {
		char dir[PATH_MAX + 32];
		if (j->cg1_procs[i] >= 0)
			close(j->cg1_procs[i]);
		j->cg1_procs[i] = -1;
		if (L.kind == LIM_CGROUP1 && L.v1_base[i][0] && j->cg_k > 0) {
			snprintf(dir, sizeof(dir), "%s/%d", L.v1_base[i], j->cg_k);
			rm_tree(dir);
		}
	}
	j->cg_k = 0;
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
	for (int i = 0; i < 2; i++) {
		if (L.v1_base[i][0])
			rm_tree(L.v1_base[i]);
		if (L.v1_lock[i] >= 0)
			close(L.v1_lock[i]);
		L.v1_lock[i] = -1;
	}
}
