// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz.c - random pid-namespace worlds, random operations among the
 * interfaces the suite pins, every observation checked against the model of
 * the translation laws (model.c); a discrepancy no known variant explains
 * is shrunk to a minimal world and printed as a scenario (fuzz/README.md).
 *
 * usage: nsxfuzz [--seconds N] [--seed S] [--inject] [--variants FILE]
 */
#include "world.h"

#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static uint64_t rng;
static unsigned rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? (unsigned)(rng % n) : 0;
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- the world being checked ---------------------------------------------- */

static struct fz_world W;
static struct fz_facts F;
static int base;     /* the index in a task's numbers of the world's first level */
static int maxdepth; /* levels below the first a world may have */

/* t's number in the namespace of observer o (t seen from there). */
static long num(int t, int o)
{
	return fz_shm->slot[t].nr[base + F.level[o]];
}

/* Does the number n that observer o was given denote what the model says (e)? */
static int match(int e, long n, int o)
{
	if (e == FZ_NONE)
		return n == 0;
	if (e <= FZ_OWN(0))
		return n == fz_shm->slot[FZ_OWN(0) - e].nr[base + F.level[FZ_OWN(0) - e]];
	return fz_visible(&W, &F, e, F.ns[o]) && n == num(e, o);
}

/* What n, given to observer o, denotes: tK, tK@nJ (a number of another
 * namespace), 0 or ?. */
static const char *name_of(long n, int o, char *buf, size_t len)
{
	if (n == 0)
		return "0";
	for (int t = 0; t < W.nt; t++)
		if (fz_visible(&W, &F, t, F.ns[o]) && num(t, o) == n) {
			snprintf(buf, len, "t%d", t);
			return buf;
		}
	for (int t = 0; t < W.nt; t++)
		for (int k = 0; k < fz_shm->slot[t].nlv; k++)
			if (fz_shm->slot[t].nr[k] == n && k >= base) {
				for (int x = 0; x < W.nt; x++)
					if (F.level[F.ns[x]] == k - base &&
					    fz_visible(&W, &F, t, F.ns[x])) {
						snprintf(buf, len, "t%d@n%d", t, F.ns[x]);
						return buf;
					}
			}
	snprintf(buf, len, "?%ld", n);
	return buf;
}

static const char *model_name(int e, char *buf, size_t len)
{
	if (e == FZ_NONE)
		return "0";
	if (e <= FZ_OWN(0))
		snprintf(buf, len, "t%d@n%d", FZ_OWN(0) - e, F.ns[FZ_OWN(0) - e]);
	else
		snprintf(buf, len, "t%d", e);
	return buf;
}

/* ---- generation ------------------------------------------------------------ */

static void gen_world(struct fz_world *w, int deep)
{
	int level[FZ_MAXT] = {0};
	w->nt = deep ? FZ_MAXT : 2 + (int)rnd(20);
	for (int i = 1; i < w->nt; i++) {
		int p = deep && i <= maxdepth ? i - 1
		                              : (rnd(3) == 0 ? i - 1 : (int)rnd((unsigned)i));
		w->parent[i] = p;
		w->newns[i] = level[p] < maxdepth && (deep && i <= maxdepth ? 1 : rnd(100) < 35);
		level[i] = level[p] + w->newns[i];
		/* user namespaces at some new pid namespaces: the uid there 0 or
		 * 100 + i */
		w->newuser[i] = w->newns[i] && rnd(100) < 40;
		w->uidv[i] = w->newuser[i] && rnd(3) ? 100 + i : 0;
		unsigned g = rnd(100);
		w->pg[i] = g < 55 ? PG_INHERIT : g < 85 ? PG_GROUP : PG_SESSION;
	}
}

/* A task b that a sees (has a number for), or -1. */
static int seen_by(int a)
{
	int c[FZ_MAXT], n = 0;
	for (int t = 0; t < W.nt; t++)
		if (fz_visible(&W, &F, t, F.ns[a]))
			c[n++] = t;
	return n ? c[rnd((unsigned)n)] : -1;
}

static struct fz_op gen_op(void)
{
	struct fz_op op = {(int)rnd(OP_NKINDS), (int)rnd((unsigned)W.nt), 0};
	switch (op.kind) {
	case OP_GETPGID:
	case OP_KILL:
	case OP_PIDFD:
	case OP_NSPID:
		op.b = seen_by(op.a);
		break;
	case OP_KILLGRP: /* its own group (kill(0)), or a group it can name */
		op.b = op.a;
		if (rnd(2)) {
			/* (not a group whose leader is 1 there: kill(-1) is every process) */
			int t = seen_by(op.a);
			if (fz_visible(&W, &F, F.pgrp[t], F.ns[op.a]) &&
			    F.ns[F.pgrp[t]] != F.pgrp[t])
				op.b = F.pgrp[t];
		}
		break;
	case OP_SCM:
	case OP_PEERCRED:
		op.b = (int)rnd((unsigned)W.nt);
		break;
	default:
		op.b = op.a;
	}
	return op;
}

/* ---- one operation, checked --------------------------------------------- */

struct check {
	int bad;           /* the laws do not hold */
	int known;         /* ... and this variant explains it (0: none) */
	char text[2048];   /* what the kernel said, the model's word where it differs */
	char golden[2048]; /* the lines a case would print where the laws hold */
};

static void say(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct check *c, const char *fmt, ...)
{
	size_t l = strlen(c->text);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->text + l, sizeof c->text - l, fmt, ap);
	va_end(ap);
}

/* One observer's number against the model's task. */
static void expect(struct check *c, const char *what, int o, long n, int e)
{
	char b1[32], b2[32];
	size_t l = strlen(c->golden);
	snprintf(c->golden + l, sizeof c->golden - l, "t%d %s=%s\n", o, what,
	         model_name(e, b2, sizeof b2));
	say(c, "  t%d %s: %s", o, what, name_of(n, o, b1, sizeof b1));
	if (!match(e, n, o)) {
		c->bad = 1;
		say(c, " (the model: %s)", model_name(e, b2, sizeof b2));
	}
	say(c, "\n");
}

/* A uid against the model's. */
static void expect_uid(struct check *c, const char *what, int o, long u, long e)
{
	size_t l = strlen(c->golden);
	snprintf(c->golden + l, sizeof c->golden - l, "t%d %s=%ld\n", o, what, e);
	say(c, "  t%d %s: %ld", o, what, u);
	if (u != e) {
		c->bad = 1;
		say(c, " (the model: %ld)", e);
	}
	say(c, "\n");
}

static void take(struct check *c, int who, int e)
{
	long *r = fz_call(who, CMD_TAKE, 0, 0);
	if (!r[0] || r[1] != SI_USER) {
		c->bad = 1;
		say(c, "  t%d took %s si_code=%ld\n", who, r[0] ? "SIGUSR1" : "nothing", r[1]);
		return;
	}
	long uid = r[3];
	expect(c, "took SIGUSR1 si_code=SI_USER si_pid", who, r[2], e);
	expect_uid(c, "si_uid", who, uid, F.uid[who]);
}

static void group(struct check *c, const struct fz_op *op, int variants)
{
	int a = op->a, leader = F.pgrp[op->b];
	long got[FZ_MAXT], gotu[FZ_MAXT], wantu[FZ_MAXT], altu[FZ_MAXT];
	int want[FZ_MAXT], alt[FZ_MAXT];
	long r = fz_call(a, CMD_KILL, op->b == a ? 0 : -num(leader, a), 0)[0];
	say(c, "t%d kill(%s, SIGUSR1) = %ld: every member of t%d's group takes it\n", a,
	    op->b == a ? "0" : "-group", r, leader);
	fz_law_group(&W, &F, a, leader, variants, want, wantu);
	for (int m = W.nt - 1; m >= 0; m--) {
		if (want[m] == -2)
			continue;
		long *t = fz_call(m, CMD_TAKE, 0, 0);
		got[m] = t[0] && t[1] == SI_USER ? t[2] : -1;
		gotu[m] = t[3];
		expect(c, "took SIGUSR1 si_code=SI_USER si_pid", m, got[m], want[m]);
		expect_uid(c, "si_uid", m, gotu[m], wantu[m]);
	}
	if (!c->bad)
		return;
	/* which known behaviour explains it */
	static const int known[] = {V_UPWARD, V_UPWARD | V_SHARED};
	for (unsigned k = 0; k < sizeof known / sizeof *known && !c->known; k++) {
		fz_law_group(&W, &F, a, leader, known[k], alt, altu);
		int all = 1;
		for (int m = 0; m < W.nt; m++)
			if (alt[m] != -2 && (!match(alt[m], got[m], m) || altu[m] != gotu[m]))
				all = 0;
		if (all)
			c->known = known[k];
	}
}

static void check_op(const struct fz_op *op, int variants, struct check *c)
{
	int a = op->a, b = op->b;
	long *r;
	c->bad = c->known = 0;
	c->text[0] = c->golden[0] = 0;
	switch (op->kind) {
	case OP_GETPPID:
		say(c, "t%d getppid()\n", a);
		expect(c, "getppid()", a, fz_call(a, CMD_GETPPID, 0, 0)[0],
		       fz_law_ppid(&W, &F, a, variants));
		break;
	case OP_GETPGRP:
		say(c, "t%d getpgid(0)\n", a);
		expect(c, "getpgid(0)", a, fz_call(a, CMD_GETPGID, 0, 0)[0],
		       fz_law_pgrp(&W, &F, a));
		break;
	case OP_GETSID:
		say(c, "t%d getsid(0)\n", a);
		expect(c, "getsid(0)", a, fz_call(a, CMD_GETSID, 0, 0)[0], fz_law_sess(&W, &F, a));
		break;
	case OP_GETPGID:
		say(c, "t%d getpgid(t%d)\n", a, b);
		expect(c, "getpgid()", a, fz_call(a, CMD_GETPGID, num(b, a), 0)[0],
		       fz_seen(&W, &F, a, F.pgrp[b]));
		break;
	case OP_KILL:
	case OP_PIDFD:
		r = fz_call(a, op->kind == OP_KILL ? CMD_KILL : CMD_PIDFD, num(b, a), 0);
		say(c, "t%d %s(t%d, SIGUSR1) = %ld\n", a,
		    op->kind == OP_KILL ? "kill" : "pidfd_send_signal", b, r[0]);
		take(c, b, fz_seen(&W, &F, b, a));
		break;
	case OP_KILLGRP:
		group(c, op, variants);
		break;
	case OP_SCM:
		say(c, "t%d sends SCM_CREDENTIALS to t%d = %ld\n", a, b,
		    fz_call(a, CMD_SCM_SEND, 0, 0)[0]);
		r = fz_call(b, CMD_SCM_RECV, 0, 0);
		expect(c, "received pid", b, r[0] ? -1 : r[1], fz_seen(&W, &F, b, a));
		expect_uid(c, "received uid", b, r[2], F.uid[b]);
		break;
	case OP_PEERCRED:
		say(c, "t%d listens, t%d connects: SO_PEERCRED\n", a, b);
		fz_call(a, CMD_LISTEN, 0, a);
		r = fz_call(b, CMD_PEER, 0, a);
		long pu = r[2];
		expect(c, "SO_PEERCRED pid", b, r[0] ? -1 : r[1], fz_seen(&W, &F, b, a));
		expect_uid(c, "SO_PEERCRED uid", b, pu, F.uid[b]);
		fz_call(a, CMD_UNLISTEN, 0, 0);
		break;
	case OP_NSPID:
		say(c, "t%d reads /proc/<t%d>/status NSpid\n", a, b);
		r = fz_call(a, CMD_NSPID, num(b, a), 0);
		if (r[0] || r[1] != F.level[b] - F.level[a] + 1) {
			c->bad = 1;
			say(c, "  %ld numbers (error %ld); the model: %d\n", r[1], r[0],
			    F.level[b] - F.level[a] + 1);
			break;
		}
		for (int k = 0; k < r[1]; k++) {
			/* the k-th is b's number at a's level + k: seen from a task there */
			int o = b;
			while (F.level[o] > F.level[a] + k)
				o = W.parent[F.ns[o]];
			expect(c, "NSpid", o, r[2 + k], b);
		}
		break;
	}
}

/* ---- worlds, runs and shrinking ------------------------------------------ */

/* Make the world W, run the operation, check it: 1 if it fails as the
 * laws say it should not (and no known variant explains it), -1 when the
 * world cannot be made. */
static int replay(const struct fz_op *op, int variants, struct check *c)
{
	pid_t top;
	fz_facts(&W, &F);
	int e = fz_build(&W, &top);
	if (!e) {
		base = fz_shm->slot[0].nlv - 1;
		check_op(op, variants, c);
	}
	fz_teardown(top);
	return e ? -1 : c->bad && !c->known;
}

/* Remove task j: with every task below it (whole), or giving its children
 * to its parent; the op's tasks are renumbered.  0 if the op names a
 * removed task. */
static int drop(struct fz_world *w, struct fz_op *op, int j, int whole)
{
	int keep[FZ_MAXT], map[FZ_MAXT], n = 0;
	for (int i = 0; i < w->nt; i++) {
		keep[i] = i != j && (i == 0 || !whole || keep[w->parent[i]]);
		map[i] = keep[i] ? n++ : -1;
	}
	if (!keep[op->a] || !keep[op->b])
		return 0;
	struct fz_world nw = {.nt = n};
	for (int i = 0; i < w->nt; i++)
		if (keep[i]) {
			int p = i ? w->parent[i] : 0;
			nw.parent[map[i]] = map[p == j ? w->parent[j] : p];
			nw.newns[map[i]] = w->newns[i];
			nw.newuser[map[i]] = w->newuser[i];
			nw.uidv[map[i]] = w->uidv[i];
			nw.pg[map[i]] = w->pg[i];
		}
	op->a = map[op->a];
	op->b = map[op->b];
	*w = nw;
	return 1;
}

static void shrink(struct fz_op *op, int variants, double budget)
{
	double end = now() + budget;
	struct check c;
	int changed = 1;
	while (changed && now() < end) {
		changed = 0;
		for (int whole = 1; whole >= 0; whole--)
			for (int j = W.nt - 1; j > 0 && now() < end; j--) {
				struct fz_world save = W;
				struct fz_op sop = *op;
				if (j < W.nt && drop(&W, op, j, whole) &&
				    replay(op, variants, &c) == 1) {
					changed = 1;
					continue;
				}
				W = save;
				*op = sop;
			}
		for (int j = 1; j < W.nt && now() < end; j++) {
			struct fz_world save = W;
			if (W.pg[j] != PG_INHERIT || W.newns[j]) {
				if (W.pg[j] != PG_INHERIT)
					W.pg[j] = PG_INHERIT;
				else if (W.newuser[j])
					W.newuser[j] = W.uidv[j] = 0;
				else
					W.newns[j] = 0;
				if (replay(op, variants, &c) == 1) {
					changed = 1;
					continue;
				}
				W = save;
			}
		}
	}
}

static void print_world(void)
{
	static const char *pg[] = {"stays in its parent's group", "a group of its own",
	                           "a session and group of its own"};
	for (int i = 0; i < W.nt; i++) {
		if (i == 0)
			printf("  t0: init of n0, the world's first pid namespace; %s\n",
			       pg[PG_SESSION]);
		else if (W.newns[i])
			printf("  t%d: child of t%d, init of n%d (in n%d)%s; %s\n", i, W.parent[i],
			       i, F.ns[W.parent[i]],
			       W.newuser[i] ? ", in a user namespace of its own" : "", pg[W.pg[i]]);
		else
			printf("  t%d: child of t%d in n%d; %s\n", i, W.parent[i], F.ns[i],
			       pg[W.pg[i]]);
		if (i && W.newuser[i])
			printf("      (uid_map \"%d <t%d's uid> 1\": the uid is %ld there)\n",
			       W.uidv[i], W.parent[i], F.uid[i]);
	}
}

/* The shrunk scenario as the skeleton of a case (lib/nsx.h): its tasks and
 * the golden lines the laws give. */
static void print_case(const struct check *c)
{
	printf("fuzz: as a case (the skeleton of cases/<name>.c, and its golden lines):\n");
	printf("  nsx_init(\"t0\", \"n0\");  /* setsid() */\n");
	for (int i = 1; i < W.nt; i++)
		printf("  in t%d: nsx_spawn(\"t%d\", %s%d%s, t%d_fn, NULL);%s%s\n", W.parent[i], i,
		       W.newns[i] ? "\"n" : "NULL /* n", F.ns[i], W.newns[i] ? "\"" : " */", i,
		       W.pg[i] == PG_GROUP     ? "  /* setpgid(0, 0) */"
		       : W.pg[i] == PG_SESSION ? "  /* setsid() */"
		                               : "",
		       W.newuser[i] ? "  /* nsx_new_userns() */" : "");
	for (const char *l = c->golden; *l;) {
		size_t n = strcspn(l, "\n");
		printf("  %.*s\n", (int)n, l);
		l += n + (l[n] == '\n');
	}
}

/* "6.13" or "6.1.188" against a release: -1, 0 or 1; a component the
 * version leaves out matches any (6.13 is every 6.13.x). */
static int vercmp(const unsigned *rel, const char *v)
{
	unsigned x[3];
	int n = sscanf(v, "%u.%u.%u", &x[0], &x[1], &x[2]);
	for (int k = 0; k < n; k++)
		if (rel[k] != x[k])
			return rel[k] < x[k] ? -1 : 1;
	return 0;
}

/* expected/VARIANTS: does its line for label ("<label> <verdict>
 * <kernels...>: <text>", as runner/variants.c reads it) expect it on this
 * kernel?  The line goes to line. */
static int variant_expected(const char *path, const char *label, char *line, size_t len)
{
	FILE *f = fopen(path, "r");
	struct utsname u;
	unsigned rel[3] = {0};
	int hit = 0;
	uname(&u);
	sscanf(u.release, "%u.%u.%u", &rel[0], &rel[1], &rel[2]);
	line[0] = 0;
	while (f && fgets(line, (int)len, f)) {
		size_t l = strlen(label);
		if (strncmp(line, label, l) || line[l] != ' ')
			continue;
		char ranges[256], lo[32], hi[32];
		if (sscanf(line + l, " %*s %255[^:]", ranges) != 1)
			break;
		/* A..B from A up to but not including B, ..B, A.., or a bare
		 * version and everything under it */
		for (char *tok = strtok(ranges, " "); tok; tok = strtok(NULL, " ")) {
			char *dots = strstr(tok, "..");
			if (!dots) {
				hit |= vercmp(rel, tok) == 0;
				continue;
			}
			snprintf(lo, sizeof lo, "%.*s", (int)(dots - tok), tok);
			snprintf(hi, sizeof hi, "%s", dots + 2);
			if ((!lo[0] || vercmp(rel, lo) >= 0) && (!hi[0] || vercmp(rel, hi) < 0))
				hit = 1;
		}
		break;
	}
	if (f)
		fclose(f);
	line[strcspn(line, "\n")] = 0;
	return hit;
}

/* The known-bad variant of expected/VARIANTS a model variant is (with
 * shared-siginfo, a kernel shows sender-own-ns too: the label is the bug
 * the variant adds). */
static const char *known_name(int v)
{
	return v == V_UPWARD ? "sender-own-ns" : "shared-siginfo";
}

struct run {
	double seconds;
	unsigned long long seed;
	int variants;       /* the model: V_LAW, or V_INJECT (--inject) */
	const char *vpath;  /* expected/VARIANTS */
	int expected[8];    /* does VARIANTS expect known_name(v) on this kernel */
	char vline[8][512]; /* its line */
	double start;
	long worlds, ops, deepest, nknown[8];
};

static void usage(void)
{
	fprintf(stderr, "usage: nsxfuzz [--seconds N] [--seed S] [--inject] [--variants FILE]\n");
	exit(2);
}

static void parse_args(int argc, char **argv, struct run *r)
{
	static const struct option opts[] = {{"seconds", 1, 0, 's'},
	                                     {"seed", 1, 0, 'S'},
	                                     {"inject", 0, 0, 'i'},
	                                     {"variants", 1, 0, 'v'},
	                                     {0, 0, 0, 0}};
	*r = (struct run){
	        .seconds = 10, .seed = 1, .variants = V_LAW, .vpath = "expected/VARIANTS"};
	for (int o; (o = getopt_long(argc, argv, "", opts, NULL)) != -1;) {
		if (o == 's')
			r->seconds = atof(optarg);
		else if (o == 'S')
			r->seed = strtoull(optarg, NULL, 0);
		else if (o == 'i')
			r->variants = V_INJECT;
		else if (o == 'v')
			r->vpath = optarg;
		else
			usage();
	}
	if (optind != argc)
		usage();
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* A user namespace where not root, a mount namespace of its own always
 * (every proc a world mounts stays in it); the levels a world may have
 * (MAX_PID_NS_LEVEL is 32).  0, or the exit status. */
static int enter(void)
{
	if (geteuid() != 0) {
		char umap[64], gmap[64];
		snprintf(umap, sizeof umap, "0 %u 1", (unsigned)geteuid());
		snprintf(gmap, sizeof gmap, "0 %u 1", (unsigned)getegid());
		if (unshare(CLONE_NEWUSER)) {
			printf("fuzz: SKIP no user namespace: %s\n", strerror(errno));
			return 4;
		}
		write_file("/proc/self/setgroups", "deny");
		write_file("/proc/self/uid_map", umap);
		write_file("/proc/self/gid_map", gmap);
	}
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		printf("fuzz: SKIP no mount namespace: %s\n", strerror(errno));
		return 4;
	}
	if (fz_world_init()) {
		fprintf(stderr, "fuzz: cannot set up: %s\n", strerror(errno));
		return 2;
	}
	fz_shm->controller = getpid();
	struct fz_world probe = {.nt = 1};
	pid_t top;
	int e = fz_build(&probe, &top);
	fz_teardown(top);
	if (e) {
		fprintf(stderr, "fuzz: cannot make a pid namespace: %s\n", strerror(-e));
		return 2;
	}
	maxdepth = 32 - (fz_shm->slot[0].nlv - 1);
	if (maxdepth > FZ_MAXT - 2)
		maxdepth = FZ_MAXT - 2;
	return 0;
}

/* A known behaviour, said the first time it is seen. */
static void known(struct run *r, const struct check *c)
{
	if (r->nknown[c->known]++)
		return;
	printf("fuzz: the kernel's %s, after %ld operations (%.1f s):\n%s", known_name(c->known),
	       r->ops, now() - r->start, c->text);
	printf("fuzz: that is the known-bad variant %s (case %s): %s (%s)\n", known_name(c->known),
	       c->known & V_SHARED ? "pgrp_kill" : "group_signal_upward",
	       r->expected[c->known] ? "expected on this kernel" : "NOT expected on this kernel",
	       r->vline[c->known]);
}

/* A discrepancy: repeated alone, shrunk, printed.  The exit status. */
static int discrepancy(struct run *r, struct fz_op *op, struct check *c)
{
	int nt = W.nt;
	printf("fuzz: DISCREPANCY after %ld operations (%.1f s), seed %llu:\n%s", r->ops,
	       now() - r->start, r->seed, c->text);
	if (replay(op, r->variants, c) != 1) {
		printf("fuzz: the operation alone in a new world does not repeat it\n");
		return 1;
	}
	shrink(op, r->variants, 30);
	replay(op, r->variants, c);
	printf("fuzz: shrunk from %d tasks to %d: the world\n", nt, W.nt);
	print_world();
	printf("fuzz: the operation, as the kernel answered (the model's answer in brackets)\n%s",
	       c->text);
	print_case(c);
	return 1;
}

/* One world and its operations: 0 to go on, else the exit status. */
static int one_world(struct run *r)
{
	struct check c;
	pid_t top;
	gen_world(&W, r->worlds % 16 == 15);
	fz_facts(&W, &F);
	int e = fz_build(&W, &top);
	if (e) {
		fz_teardown(top);
		fprintf(stderr, "fuzz: a world of %d tasks cannot be made: %s\n", W.nt,
		        strerror(-e));
		return 2;
	}
	base = fz_shm->slot[0].nlv - 1;
	r->worlds++;
	for (int i = 0; i < W.nt; i++)
		if (F.level[i] > r->deepest)
			r->deepest = F.level[i];
	for (int k = 0; k < 2000; k++) {
		struct fz_op op = gen_op();
		if (op.b < 0)
			continue;
		check_op(&op, r->variants, &c);
		r->ops++;
		if (c.bad && c.known)
			known(r, &c);
		else if (c.bad) {
			fz_teardown(top);
			return discrepancy(r, &op, &c);
		}
	}
	fz_teardown(top);
	return 0;
}

int main(int argc, char **argv)
{
	struct run r;
	parse_args(argc, argv, &r);
	rng = r.seed * 2654435761u + 0x9e3779b97f4a7c15ull;
	int e = enter();
	if (e)
		return e;
	for (int v = V_UPWARD; v <= (V_UPWARD | V_SHARED); v += V_SHARED)
		r.expected[v] =
		        variant_expected(r.vpath, known_name(v), r.vline[v], sizeof r.vline[v]);
	r.start = now();
	while (now() < r.start + r.seconds)
		if ((e = one_world(&r)))
			return e;
	double t = now() - r.start;
	printf("fuzz: seed %llu, %.1f s: %ld worlds (namespaces up to %ld deep), %ld operations "
	       "checked, %.0f a second\n",
	       r.seed, t, r.worlds, r.deepest + 1, r.ops, r.ops / t);
	for (int k = 1; k < 8; k++)
		if (r.nknown[k])
			printf("fuzz: known: %s, %ld times\n", known_name(k), r.nknown[k]);
	int bad = 0;
	for (int k = 1; k < 8; k++)
		if (r.nknown[k] && !r.expected[k]) {
			printf("fuzz: FAIL: %s on a kernel expected/VARIANTS does not expect it "
			       "on\n",
			       known_name(k));
			bad = 1;
		}
	if (bad)
		return 1;
	printf("fuzz: no discrepancy the known variants do not explain\n");
	return 0;
}
