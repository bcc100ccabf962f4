// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * model.c - the translation laws, written from the laws (pid_namespaces(7),
 * kill(2), credentials(7)), not from any kernel's output:
 *
 *   1. A task has a number in its own pid namespace and in every ancestor
 *      of it, and in no other.  Whatever names a task to an observer names
 *      it by its number in the observer's namespace, or by 0 where it has
 *      none.
 *   2. getppid(), getpgid(), getsid(), SCM_CREDENTIALS, SO_PEERCRED,
 *      /proc/<pid>/status and a signal's si_pid all obey 1: the parent, the
 *      group or session leader, the sender or peer, as the observer (the
 *      caller, the receiver, the reader of that proc) numbers it.
 *   3. A process group and a session are not bounded by a namespace: a
 *      group signal reaches every member.
 *
 * And the variants: what kernels do instead, by name, so that a known
 * behaviour found again is named, as the runner names a known-bad golden
 * file (expected/VARIANTS).
 */
#include "fuzz.h"

void fz_facts(const struct fz_world *w, struct fz_facts *f)
{
	for (int i = 0; i < w->nt; i++) {
		int p = i ? w->parent[i] : 0;
		f->ns[i] = (i == 0 || w->newns[i]) ? i : f->ns[p];
		f->level[i] = i == 0 ? 0 : f->level[p] + (w->newns[i] ? 1 : 0);
		/* task 0 makes a session of its own; a child inherits its parent's
		 * group and session, in a new namespace too */
		f->pgrp[i] = i == 0 ? 0 : f->pgrp[p];
		f->sess[i] = i == 0 ? 0 : f->sess[p];
		if (i && w->pg[i] == PG_GROUP)
			f->pgrp[i] = i;
		if (i && w->pg[i] == PG_SESSION)
			f->pgrp[i] = f->sess[i] = i;
		f->joined[i] = i;
		/* every task has the one uid; a user namespace numbers it uidv */
		f->userns[i] = i && w->newuser[i] ? i : i ? f->userns[p] : -1;
		f->uid[i] = i && w->newuser[i] ? w->uidv[i] : i ? f->uid[p] : 0;
	}
}

/* The namespace above the one whose init is ns (-1 above the first). */
static int ns_parent(const struct fz_world *w, const struct fz_facts *f, int ns)
{
	return ns == 0 ? -1 : f->ns[w->parent[ns]];
}

int fz_visible(const struct fz_world *w, const struct fz_facts *f, int t, int ns)
{
	for (int n = f->ns[t]; n >= 0; n = ns_parent(w, f, n))
		if (n == ns)
			return 1;
	return 0;
}

int fz_seen(const struct fz_world *w, const struct fz_facts *f, int observer, int t)
{
	return fz_visible(w, f, t, f->ns[observer]) ? t : FZ_NONE;
}

int fz_law_ppid(const struct fz_world *w, const struct fz_facts *f, int a, int variants)
{
	if (a == 0)
		return FZ_NONE; /* its parent is outside the world */
	/* the deliberate error: a namespace's init sees its parent */
	if ((variants & V_INJECT) && w->newns[a])
		return w->parent[a];
	return fz_seen(w, f, a, w->parent[a]);
}

int fz_law_pgrp(const struct fz_world *w, const struct fz_facts *f, int a)
{
	return fz_seen(w, f, a, f->pgrp[a]);
}

int fz_law_sess(const struct fz_world *w, const struct fz_facts *f, int a)
{
	return fz_seen(w, f, a, f->sess[a]);
}

/* A uid as the user namespace of task from numbers it, as that of task to
 * numbers it (65534, the overflow uid, where to's namespace has no number
 * for it): there is one uid, so only from's own number for it maps. */
static long uid_to(const struct fz_facts *f, int from, int to, long v)
{
	if (f->userns[from] == f->userns[to])
		return v;
	return v == f->uid[from] ? f->uid[to] : 65534;
}

void fz_law_group(const struct fz_world *w, const struct fz_facts *f, int a, int leader,
                  int variants, int *want, long *uid)
{
	int zeroed = 0;
	long su = f->uid[a]; /* V_SHARED: the one siginfo's si_uid */

	for (int m = 0; m < w->nt; m++)
		want[m] = -2;
	/* the group's list: the member that joined last first */
	for (int m = w->nt - 1; m >= 0; m--) {
		if (f->pgrp[m] != leader)
			continue;
		int seen = fz_visible(w, f, a, f->ns[m]);
		/* the sender's uid as the member's user namespace numbers it, from
		 * the one siginfo, rewritten in place (V_SHARED) or in a copy */
		long u = uid_to(f, a, m, (variants & V_SHARED) ? su : f->uid[a]);
		if (variants & V_SHARED)
			su = u;
		uid[m] = u;
		if (!(variants & (V_UPWARD | V_SHARED))) {
			want[m] = seen ? a : FZ_NONE;
			continue;
		}
		/* one number for all, the sender's own; zeroed for a member that
		 * cannot see the sender, in a copy, or (V_SHARED) for good */
		if (!seen)
			zeroed = 1;
		if (!seen || ((variants & V_SHARED) && zeroed))
			want[m] = FZ_NONE;
		else
			want[m] = f->ns[m] == f->ns[a] ? a : FZ_OWN(a);
	}
}
