/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bpf.h - what the BPF cases share (bpf_pids, bpf_task_iter): bpf(2)
 * without libbpf, an instruction by its fields, and loading a program with
 * the verifier's log kept in bpf_log for the case's error message.
 */
#ifndef NSX_BPF_H
#define NSX_BPF_H

#include "nsx.h"

#include <errno.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static inline long sys_bpf(int cmd, union bpf_attr *a)
{
	return syscall(SYS_bpf, cmd, a, sizeof(*a));
}

#define INSN(c, d, s, o, i)                                                                        \
	((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})

static char bpf_log[65536];
static int bpf_prog = -1; /* what bpf_load() loaded */

/* BPF_PROG_LOAD of a GPL program of type type (with expected_attach_type,
 * attach_btf_id and prog_flags as given, 0 for none): 0 (the fd in
 * bpf_prog), or -errno; skips the case without bpf() (ENOSYS). */
static inline long bpf_load(unsigned type, unsigned attach, unsigned btf_id, unsigned flags,
                            const struct bpf_insn *insns, unsigned n)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.prog_type = type;
	a.expected_attach_type = attach;
	a.attach_btf_id = btf_id;
	a.prog_flags = flags;
	a.insns = (unsigned long)insns;
	a.insn_cnt = n;
	a.license = (unsigned long)"GPL";
	a.log_buf = (unsigned long)bpf_log;
	a.log_size = sizeof(bpf_log);
	a.log_level = 1;
	bpf_prog = (int)sys_bpf(BPF_PROG_LOAD, &a);
	if (bpf_prog < 0 && errno == ENOSYS)
		nsx_skip("no bpf(): ENOSYS (CONFIG_BPF_SYSCALL)");
	return bpf_prog < 0 ? -errno : 0;
}

#endif
