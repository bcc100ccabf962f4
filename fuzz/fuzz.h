/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fuzz.h - random namespace worlds checked against a model of the
 * translation laws (fuzz/README.md). */
#ifndef NSX_FUZZ_H
#define NSX_FUZZ_H

#include <stdint.h>

#define FZ_MAXT  40   /* tasks in a world */
#define FZ_MAXLV 34   /* pid namespace levels a number table holds */
#define FZ_NONE  (-1) /* the model: no task (the kernel says 0) */

enum fz_pg { PG_INHERIT, PG_GROUP, PG_SESSION };

/* A world: task 0 is the init of the world's first pid namespace; task i
 * (i > 0) is forked by task parent[i], as the init of a new pid namespace
 * when newns[i], in a new user namespace too when newuser[i] (its uid_map
 * "<uidv[i]> <its parent's uid> 1": the one uid of the world is uidv[i]
 * there), and then leaves its process group as pg[i] says. */
struct fz_world {
	int nt;
	int parent[FZ_MAXT];
	int newns[FZ_MAXT];
	int newuser[FZ_MAXT];
	int uidv[FZ_MAXT];
	int pg[FZ_MAXT];
};

/* What the model derives from a world. */
struct fz_facts {
	int ns[FZ_MAXT];     /* the task that is the init of the task's namespace */
	int level[FZ_MAXT];  /* its namespace's depth in the world (0: the first) */
	int pgrp[FZ_MAXT];   /* its process group's leader */
	int sess[FZ_MAXT];   /* its session's leader */
	int joined[FZ_MAXT]; /* when it joined its group (larger: later) */
	int userns[FZ_MAXT]; /* the task that made its user namespace (-1: the first) */
	long uid[FZ_MAXT];   /* the world's one uid as its user namespace numbers it */
};

enum fz_kind {
	OP_GETPPID,  /* a: getppid() */
	OP_GETPGRP,  /* a: getpgid(0) */
	OP_GETSID,   /* a: getsid(0) */
	OP_GETPGID,  /* a: getpgid(b's number in a's namespace) */
	OP_KILL,     /* a: kill(b), b takes it */
	OP_PIDFD,    /* a: pidfd_send_signal(pidfd_open(b)), b takes it */
	OP_KILLGRP,  /* a: kill(-(b's group)) or, b == a, kill(0); every member takes it */
	OP_SCM,      /* a sends SCM_CREDENTIALS, b receives them */
	OP_PEERCRED, /* a listens, b connects: SO_PEERCRED */
	OP_NSPID,    /* a reads /proc/<b>/status NSpid through its namespace's proc */
	OP_NKINDS
};

struct fz_op {
	int kind, a, b;
};

/* Model variants: what a kernel does instead of the laws, by name. */
enum fz_variant {
	V_LAW = 0,    /* the laws */
	V_UPWARD = 1, /* group signal: si_pid is the sender's own number */
	V_SHARED = 2, /* group signal: one siginfo rewritten in place */
	V_INJECT = 4, /* a deliberate model error (the shrinker's test) */
};

void fz_facts(const struct fz_world *w, struct fz_facts *f);
/* Is task t seen from the namespace whose init is ns (does t have a number
 * there)? */
int fz_visible(const struct fz_world *w, const struct fz_facts *f, int t, int ns);
/* The task the model says observer sees for task t: t, or FZ_NONE. */
int fz_seen(const struct fz_world *w, const struct fz_facts *f, int observer, int t);
/* getppid() of a, getpgid(0), getsid(0): the task named, or FZ_NONE. */
int fz_law_ppid(const struct fz_world *w, const struct fz_facts *f, int a, int variants);
int fz_law_pgrp(const struct fz_world *w, const struct fz_facts *f, int a);
int fz_law_sess(const struct fz_world *w, const struct fz_facts *f, int a);
/* si_pid of a group signal from a for each member m (in want[m]; -2 for a
 * task not in the group), and its si_uid (uid[m]).  A value v >= 0 is a task seen in m's
 * namespace; FZ_NONE is 0; -100 - v is "v's number in v's own namespace"
 * (what V_UPWARD gives a member above the sender). */
void fz_law_group(const struct fz_world *w, const struct fz_facts *f, int a, int leader,
                  int variants, int *want, long *uid);
#define FZ_OWN(t) (-100 - (t))

#endif
