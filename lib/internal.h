/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * internal.h - what lib's files share and cases never see: the state in
 * state.c and the helpers more than one file uses.  Cases include nsx.h only.
 */
#ifndef NSX_INTERNAL_H
#define NSX_INTERNAL_H

#include "nsx.h"

#include <time.h>

#define NSX_STASH 256 /* messages nsx_recv() keeps aside until asked for */

extern struct nsx_table *nsx_T;              /* the task table (MAP_SHARED) */
extern _Thread_local int nsx_me;             /* index of the calling task (or thread) */
extern int nsx_proc_me;                      /* index of the calling process's task */
extern pid_t nsx_top_pid;                    /* the top's getpid(), to tell it apart after fork */
extern int nsx_proc_dir;                     /* /proc as it was when the case began */
extern int nsx_rep_rd;                       /* report pipe, read end (top only) */
extern int nsx_rep_wr;                       /* report pipe, write end (everyone) */
extern _Thread_local uint32_t nsx_step_seen; /* nsx_go() calls consumed by nsx_step() */
extern struct nsx_msg nsx_stash[NSX_STASH];
extern int nsx_nstash;

/* Is the caller the top (its process, its first thread)? */
int nsx_is_top(void);
/* NSX_CASE(): check the declaration (a malformed one is a setup error), and
 * with NSX_META in the environment print it as JSON and exit 0. */
void nsx_case_begin(void);
/* What is wrong with declaration c, or NULL. */
const char *nsx_case_malformed(const struct nsx_case *c);
/* Skip the case, saying which, unless its declared needs are met. */
void nsx_case_needs(void);
/* A case that must change a machine-wide setting (core_pattern, a sysctl)
 * declares .guest: it skips, saying what it would change, unless nsxrun was
 * told with --guest that it runs on a throwaway machine (make vm's guest).
 * In the guest it then waits for an exclusive lock held until the case exits:
 * such cases run one at a time even under nsxrun -j. */
void nsx_guest_only(const char *what);
/* Skips the case, saying "needs root in the initial user namespace (why)",
 * unless the caller is uid 0 in the initial user namespace. */
void nsx_need_init_root(const char *why);
/* Skips the case, saying it would write <what> of its pid namespace, unless
 * the caller's pid namespace is the one nsxrun made for this case
 * (NSX_OWN_PIDNS, its inode): run by hand, or where the runner could not
 * make one, a case never changes the namespace-wide state of its caller's. */
void nsx_need_own_pidns(const char *what);

/* CLOCK_MONOTONIC in milliseconds. */
long long nsx_now_ms(void);
/* v in decimal, in a rotating buffer. */
const char *nsx_itoa(long v);
/* The futex syscall on a shared word. */
int nsx_futex_op(uint32_t *uaddr, int op, uint32_t val, const struct timespec *ts);
/* Wait until *w is no longer old, or the deadline (nsx_now_ms()) passes. */
int nsx_wait_change(uint32_t *w, uint32_t old, long long deadline);
/* Wake every waiter on *w. */
void nsx_wake(uint32_t *w);
/* In the top: end the case for an error or skip a task sent (exit 1 or 4). */
_Noreturn void nsx_exit_for(const struct nsx_msg *m);
/* In the top: fail the case with the first error a task sent, if any. */
void nsx_drain_errors(void);

#endif
