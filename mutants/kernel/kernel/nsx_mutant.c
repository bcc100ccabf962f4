// SPDX-License-Identifier: GPL-2.0
/*
 * The selector of nsxlate's mutant schemata (include/linux/nsx_mutant.h):
 * /sys/module/kernel/parameters/nsx_mutant, also nsx_mutant= at boot.
 */
#include <linux/export.h>
#include <linux/moduleparam.h>
#include <linux/nsx_mutant.h>

int nsx_mutant;
EXPORT_SYMBOL_GPL(nsx_mutant);
core_param(nsx_mutant, nsx_mutant, int, 0644);
