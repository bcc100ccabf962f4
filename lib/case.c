// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * case.c - what a case declares about itself (NSX_CASE() in nsx.h): checked
 * and enforced when the case starts (the needs: release, guest, root in the
 * initial user namespace, a pid namespace of its own), printed as JSON for
 * nsxrun --meta.
 *
 * The declaration is the one place a fact about a case is kept; the docs
 * (families, the cases table, the kselftest config fragment, the findings)
 * are generated from what this file prints (tools/case-meta.sh).
 */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

/* Does every space-separated word of s match ok()?  NULL and "" do. */
static int words_ok(const char *s, int (*ok)(const char *w, size_t n))
{
	while (s && *s) {
		size_t n = strcspn(s, " ");
		if (n && !ok(s, n))
			return 0;
		s += n;
		s += strspn(s, " ");
	}
	return 1;
}

/* CONFIG_NAME, or CONFIG_NAME=m when only a module will do. */
static int kconfig_ok(const char *w, size_t n)
{
	size_t i = 7;
	if (n <= i || strncmp(w, "CONFIG_", i))
		return 0;
	while (i < n &&
	       (isupper((unsigned char)w[i]) || isdigit((unsigned char)w[i]) || w[i] == '_'))
		i++;
	return i == n || (i + 2 == n && w[i] == '=' && w[i + 1] == 'm');
}

/* A map row: "1.2", "U.5", "28.10". */
static int row_ok(const char *w, size_t n)
{
	size_t i = 0;
	if (n && w[0] == 'U')
		i = 1;
	else
		while (i < n && isdigit((unsigned char)w[i]))
			i++;
	if (!i || i + 1 >= n || w[i] != '.')
		return 0;
	for (i++; i < n; i++)
		if (!isdigit((unsigned char)w[i]))
			return 0;
	return 1;
}

/* A variant label: lower case, digits and '-'. */
static int label_ok(const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)w[i]) && !isdigit((unsigned char)w[i]) && w[i] != '-')
			return 0;
	return 1;
}

/* "6.14": the release as uname -r starts, or -1 when v is not one. */
static long release_of(const char *v)
{
	int maj, min, end = 0;
	if (!v || sscanf(v, "%d.%d%n", &maj, &min, &end) != 2 || maj < 2 || min < 0)
		return -1;
	return (long)maj * 1000 + min;
}

const char *nsx_case_malformed(const struct nsx_case *c)
{
	if (!c->family || !*c->family)
		return ".family is missing";
	if (!words_ok(c->rows, row_ok))
		return ".rows: map rows are \"1.2 U.5\"";
	if (!words_ok(c->kconfig, kconfig_ok))
		return ".kconfig: options are \"CONFIG_A CONFIG_B=m\"";
	if (c->min_kernel && release_of(c->min_kernel) < 0)
		return ".min_kernel: a release is \"6.14\"";
	if (!words_ok(c->variants, label_ok))
		return ".variants: labels are lower case words joined by '-'";
	if (c->finding && !*c->finding)
		return ".finding is empty";
	return NULL;
}

static void json_str(const char *key, const char *s, int *first)
{
	if (!s)
		return;
	printf("%s\"%s\":\"", *first ? "" : ",", key);
	*first = 0;
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void print_meta(const struct nsx_case *c)
{
	int first = 1;
	putchar('{');
	json_str("family", c->family, &first);
	json_str("rows", c->rows, &first);
	json_str("kconfig", c->kconfig, &first);
	json_str("min_kernel", c->min_kernel, &first);
	json_str("root", c->root, &first);
	json_str("guest", c->guest, &first);
	json_str("own_pidns", c->own_pidns, &first);
	json_str("variants", c->variants, &first);
	json_str("finding", c->finding, &first);
	printf("}\n");
}

void nsx_guest_only(const char *what)
{
	if (!getenv("NSX_GUEST"))
		nsx_skip("guest only: %s; runs under make vm (nsxrun --guest)", what);
	/* One such case at a time: two that set the same machine-wide value
	 * (core_pattern) would see each other's.  The lock lives as long as
	 * the case's descriptor, i.e. until it exits. */
	/* Read-only (flock() needs no more) and world-readable: the guest's
	 * unprivileged pass takes the lock its root pass made. */
	int fd = open("/tmp/.nsxlate-guest-only.lock", O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || flock(fd, LOCK_EX))
		nsx_fail("the guest-only lock: %s", nsx_errname(errno));
}

void nsx_take_turns(const char *dir)
{
	/* a directory: a device node's open would be a client of its own */
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		nsx_fail("open %s to take turns: %s", dir, nsx_errname(errno));
	/* another run's case holds it for milliseconds: yield until it is free */
	long long deadline = nsx_now_ms() + nsx_timeout_ms();
	while (flock(fd, LOCK_EX | LOCK_NB)) {
		if (errno != EWOULDBLOCK)
			nsx_fail("flock(LOCK_EX) on %s: %s", dir, nsx_errname(errno));
		if (nsx_now_ms() > deadline)
			nsx_fail("%s: another run of the case held its lock for %d ms", dir,
			         nsx_timeout_ms());
		sched_yield();
	}
}

void nsx_need_init_root(const char *why)
{
	unsigned a = 1, b = 1, n = 0;
	FILE *f = fopen("/proc/self/uid_map", "re");
	int k = f ? fscanf(f, "%u %u %u", &a, &b, &n) : 0;
	if (f)
		fclose(f);
	if (k != 3 || a || b || n != 4294967295u || geteuid())
		nsx_skip("needs root in the initial user namespace (%s)", why);
}

void nsx_need_own_pidns(const char *what)
{
	struct stat ns;
	char ino[32];
	const char *own = getenv("NSX_OWN_PIDNS");
	if (stat("/proc/self/ns/pid", &ns) == 0)
		snprintf(ino, sizeof(ino), "%llu", (unsigned long long)ns.st_ino);
	else
		ino[0] = '\0';
	if (!own || !ino[0] || strcmp(own, ino))
		nsx_skip("writes %s of its pid namespace: only in one nsxrun made for the case, "
		         "not in its caller's (run it under nsxrun, which can make pid namespaces)",
		         what);
}

static void need_min_kernel(const char *v)
{
	struct utsname u;
	long have = uname(&u) ? -1 : release_of(u.release);
	if (have < release_of(v))
		nsx_skip("needs Linux %s (running %s)", v, have < 0 ? "?" : u.release);
}

void nsx_case_begin(void)
{
	const struct nsx_case *c = &nsx_case;
	const char *bad = nsx_case_malformed(c);
	if (bad) {
		fprintf(stderr, "nsx: error: NSX_CASE(): %s\n", bad);
		exit(NSX_EXIT_ERROR);
	}
	if (getenv("NSX_META")) {
		print_meta(c);
		exit(fflush(stdout) ? NSX_EXIT_ERROR : NSX_EXIT_OK);
	}
}

void nsx_case_needs(void)
{
	const struct nsx_case *c = &nsx_case;
	if (c->min_kernel)
		need_min_kernel(c->min_kernel);
	if (c->guest)
		nsx_guest_only(c->guest);
	if (c->root)
		nsx_need_init_root(c->root);
	if (c->own_pidns)
		nsx_need_own_pidns(c->own_pidns);
}
