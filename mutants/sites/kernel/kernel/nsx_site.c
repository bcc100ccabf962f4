// SPDX-License-Identifier: GPL-2.0
/*
 * The selector and the counters of nsxlate's site mutants
 * (include/linux/nsx_site.h): /sys/module/kernel/parameters/nsx_site and
 * nsx_site_cover, and /proc/nsx_site_hits.  nsx_site_count.h, written with
 * the sites (mutants/sites/ in nsxlate), defines NSX_NSITES.
 */
#include <linux/export.h>
#include <linux/init.h>
#include <linux/moduleparam.h>
#include <linux/nsx_site.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include "nsx_site_count.h"

int nsx_site;
EXPORT_SYMBOL_GPL(nsx_site);
core_param(nsx_site, nsx_site, int, 0644);
int nsx_site_cover;
EXPORT_SYMBOL_GPL(nsx_site_cover);
core_param(nsx_site_cover, nsx_site_cover, int, 0644);
unsigned long nsx_site_hits[NSX_NSITES + 1];
EXPORT_SYMBOL_GPL(nsx_site_hits);

static int nsx_site_hits_show(struct seq_file *m, void *v)
{
	int i;

	for (i = 1; i <= NSX_NSITES; i++)
		if (READ_ONCE(nsx_site_hits[i]))
			seq_printf(m, "%d %lu\n", i, READ_ONCE(nsx_site_hits[i]));
	return 0;
}

static int nsx_site_hits_open(struct inode *inode, struct file *file)
{
	return single_open(file, nsx_site_hits_show, NULL);
}

static ssize_t nsx_site_hits_write(struct file *file, const char __user *buf, size_t len,
				   loff_t *pos)
{
	memset(nsx_site_hits, 0, sizeof(nsx_site_hits));
	return len;
}

static const struct proc_ops nsx_site_hits_ops = {
	.proc_open = nsx_site_hits_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
	.proc_write = nsx_site_hits_write,
};

static int __init nsx_site_init(void)
{
	proc_create("nsx_site_hits", 0600, NULL, &nsx_site_hits_ops);
	return 0;
}
fs_initcall(nsx_site_init);
