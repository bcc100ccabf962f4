/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsxlate's mutant schemata (mutants/README.md in nsxlate): every mutant of
 * a base compiled into one kernel, each behind a test of nsx_mutant, the
 * number of the one selected; 0, the default, selects none and the kernel
 * behaves as the unpatched tree.  Selected at boot (nsx_mutant=N) or at run
 * time: echo N >/sys/module/kernel/parameters/nsx_mutant.
 *
 * NSX_MUTATE(name, original, mutated) is the mutated expression while mutant
 * <name> is selected, the original one otherwise (only one is evaluated);
 * NSX_MUTANT(name) is true while it is selected, for a change of whole
 * statements: if (!NSX_MUTANT(name)) { original } else { mutated }.
 * A file with switches defines NSX_MUTANT_ID_<name>, each mutant's number,
 * after including this header (nsxlate's mutants/schema.py writes them).
 */
#ifndef _LINUX_NSX_MUTANT_H
#define _LINUX_NSX_MUTANT_H

#include <linux/compiler.h>

extern int nsx_mutant;

#define NSX_MUTANT(name) unlikely(READ_ONCE(nsx_mutant) == NSX_MUTANT_ID_##name)
#define NSX_MUTATE(name, original, mutated) (NSX_MUTANT(name) ? (mutated) : (original))

#endif /* _LINUX_NSX_MUTANT_H */
