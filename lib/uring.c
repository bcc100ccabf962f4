// SPDX-License-Identifier: GPL-2.0-or-later
/* uring.c - a bare io_uring for the cases that submit one request at a time
 * (no liburing: the cases need one SQE and one CQE, through the raw syscalls). */
#include "internal.h"

#include <errno.h>
#include <linux/io_uring.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int nsx_ring_open(struct nsx_ring *r, unsigned flags)
{
	struct io_uring_params p;
	memset(&p, 0, sizeof(p));
	memset(r, 0, sizeof(*r));
	p.flags = flags;
	r->fd = (int)syscall(SYS_io_uring_setup, 4, &p);
	if (r->fd < 0)
		return -errno;
	size_t sq_sz = p.sq_off.array + p.sq_entries * sizeof(unsigned);
	size_t cq_sz = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	char *sq = mmap(NULL, sq_sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
	                IORING_OFF_SQ_RING);
	char *cq = mmap(NULL, cq_sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
	                IORING_OFF_CQ_RING);
	r->sqes = mmap(NULL, p.sq_entries * sizeof(*r->sqes), PROT_READ | PROT_WRITE,
	               MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || r->sqes == MAP_FAILED) {
		int e = errno;
		close(r->fd);
		return -e;
	}
	r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
	r->sq_array = (unsigned *)(sq + p.sq_off.array);
	r->cq_head = (unsigned *)(cq + p.cq_off.head);
	r->cq_tail = (unsigned *)(cq + p.cq_off.tail);
	r->sq_mask = *(unsigned *)(sq + p.sq_off.ring_mask);
	r->cq_mask = *(unsigned *)(cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	return 0;
}

long nsx_ring_submit(struct nsx_ring *r, const struct io_uring_sqe *sqe, int wait)
{
	/* One SQE slot does: io_uring_enter() has copied it before it returns. */
	unsigned t = *r->sq_tail;
	r->sqes[0] = *sqe;
	r->sq_array[t & r->sq_mask] = 0;
	__atomic_store_n(r->sq_tail, t + 1, __ATOMIC_RELEASE);
	long n = syscall(SYS_io_uring_enter, r->fd, 1, wait ? 1 : 0,
	                 wait ? IORING_ENTER_GETEVENTS : 0, NULL, 0);
	return n == 1 ? 0 : n < 0 ? -errno : -EIO;
}

int nsx_ring_wait(struct nsx_ring *r, struct io_uring_cqe *cqe)
{
	unsigned h = *r->cq_head;
	if (__atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE) == h &&
	    syscall(SYS_io_uring_enter, r->fd, 0, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		return -errno;
	if (__atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE) == h)
		return -EAGAIN;
	*cqe = r->cqes[h & r->cq_mask];
	__atomic_store_n(r->cq_head, h + 1, __ATOMIC_RELEASE);
	return 0;
}

int nsx_ring_has_op(struct nsx_ring *r, int op)
{
	static union {
		struct io_uring_probe p;
		char b[sizeof(struct io_uring_probe) + 256 * sizeof(struct io_uring_probe_op)];
	} u;
	memset(&u, 0, sizeof(u));
	if (syscall(SYS_io_uring_register, r->fd, IORING_REGISTER_PROBE, &u.p, 256) < 0)
		return -errno;
	return op <= u.p.last_op && (u.p.ops[op].flags & IO_URING_OP_SUPPORTED);
}
