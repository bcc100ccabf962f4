/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsxlate's site mutants (mutants/sites/README.md in nsxlate): a mutant at
 * every call of the pid and uid translation helpers, each behind a test of
 * nsx_site, the number of the one selected (0, the default: none, and the
 * kernel behaves as without them).  Selected at run time:
 * echo N >/sys/module/kernel/parameters/nsx_site.
 *
 * NSX_SITE(id, original, mutated) is the mutated expression while site
 * mutant id is selected, the original otherwise (only one is evaluated);
 * NSX_SITE2(id1, id2, original, m1, m2) the same with two mutants of one
 * call.  nsx_site_hits[id] counts the executions of a site while its mutant
 * is selected, and of every site while nsx_site_cover is set (coverage:
 * which cases reach which sites); /proc/nsx_site_hits lists the counts that
 * are not 0, and a write to it sets them all to 0.
 */
#ifndef _LINUX_NSX_SITE_H
#define _LINUX_NSX_SITE_H

#include <linux/compiler.h>

/* The wrong-namespace mutant of task_ppid_nr_ns() names the caller's
 * namespace itself (linux/pid_namespace.h, which 7.2's kernel/tsacct.c does
 * not include). */
struct pid_namespace;
struct task_struct;
extern struct pid_namespace *task_active_pid_ns(struct task_struct *tsk);

extern int nsx_site;
extern int nsx_site_cover;
extern unsigned long nsx_site_hits[];

#define NSX_SITE(id, original, mutated)                                       \
	({                                                                    \
		int __nsx_sel = READ_ONCE(nsx_site) == (id);                  \
		if (unlikely(__nsx_sel || READ_ONCE(nsx_site_cover)))          \
			nsx_site_hits[id]++;                                  \
		unlikely(__nsx_sel) ? (mutated) : (original);                 \
	})

#define NSX_SITE2(id1, id2, original, m1, m2)                                 \
	({                                                                    \
		int __nsx_s = READ_ONCE(nsx_site);                            \
		if (unlikely(READ_ONCE(nsx_site_cover))) {                    \
			nsx_site_hits[id1]++;                                 \
			nsx_site_hits[id2]++;                                 \
		} else if (unlikely(__nsx_s == (id1))) {                      \
			nsx_site_hits[id1]++;                                 \
		} else if (unlikely(__nsx_s == (id2))) {                      \
			nsx_site_hits[id2]++;                                 \
		}                                                             \
		unlikely(__nsx_s == (id1)) ? (m1) :                           \
		unlikely(__nsx_s == (id2)) ? (m2) : (original);               \
	})

#endif /* _LINUX_NSX_SITE_H */
