// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * uffd_ptid - userfaultfd's UFFD_FEATURE_THREAD_ID: the thread id in a page
 * fault message, read by a handler in another pid namespace and by one in
 * the faulting thread's own.
 *
 * Tasks: top (namespace outer); c, the init of namespace inner, with a
 * second thread ct.  c opens a userfaultfd (UFFD_USER_MODE_ONLY, so no
 * privilege is needed), asks for UFFD_FEATURE_THREAD_ID, registers two
 * anonymous pages for missing-page faults and hands the userfaultfd to top
 * over SCM_RIGHTS.  ct touches page 0: top reads the fault and maps a zero
 * page; ct touches page 1: c reads the fault and maps it.  The thread id
 * prints as the task it denotes for the reader.
 *
 * The golden lines and the kernel code behind them:
 *
 *   top reads ptid = ct@inner (ct's number in inner, which means nothing, or
 *   another task, in outer); c reads ptid = ct
 *     fs/userfaultfd.c: userfault_msg() fills feat.ptid =
 *     task_pid_vnr(current) in the faulting thread: its own namespace's
 *     number, stored in the message and copied verbatim by
 *     userfaultfd_read() to whoever reads, in any namespace.  A handler
 *     outside the faulting task's namespace (CRIU's lazy pages, a VM
 *     migration helper) gets a number it cannot use: pinned as it is.
 *   the fault's address is the page touched; UFFDIO_ZEROPAGE: 0
 */
#include "nsx.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif

static int sv[2] = {-1, -1};
static int uffd = -1;
static char *area;
static long page;

static int ct_fn(NSX_UNUSED void *arg)
{
	for (int k = 0; k < 2; k++) {
		nsx_step();
		volatile char c = area[k * page]; /* the fault */
		(void)c;
		NSX_SEND("touched", k);
	}
	nsx_park();
}

static void do_open(NSX_UNUSED const long *arg)
{
	struct uffdio_api api = {UFFD_API, UFFD_FEATURE_THREAD_ID, 0};
	page = sysconf(_SC_PAGESIZE);
	uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
	if (uffd < 0) {
		NSX_REPLY(-errno);
		return;
	}
	area = mmap(NULL, (size_t)(2 * page), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	            -1, 0);
	struct uffdio_register reg = {
	        {(uint64_t)(uintptr_t)area, (uint64_t)(2 * page)}, UFFDIO_REGISTER_MODE_MISSING, 0};
	if (ioctl(uffd, UFFDIO_API, &api) || ioctl(uffd, UFFDIO_REGISTER, &reg) ||
	    nsx_send_fds(sv[1], &uffd, 1)) {
		NSX_REPLY(-errno);
		return;
	}
	nsx_thread("ct", ct_fn, NULL);
	NSX_REPLY(0, (long)(uintptr_t)area);
}

/* Read one fault (bounded wait), map a zero page there: {result, ptid, page
 * index, UFFDIO_ZEROPAGE result}.  By c, or by top with c's uffd. */
static void do_handle(NSX_UNUSED const long *arg)
{
	struct uffd_msg m;
	struct pollfd p = {uffd, POLLIN, 0};
	int n = poll(&p, 1, nsx_timeout_ms());
	if (n != 1 || read(uffd, &m, sizeof(m)) != (ssize_t)sizeof(m)) {
		NSX_REPLY(n ? -errno : -ETIMEDOUT);
		return;
	}
	uint64_t addr = m.arg.pagefault.address & ~(uint64_t)(page - 1);
	struct uffdio_zeropage z = {{addr, (uint64_t)page}, 0, 0};
	NSX_REPLY(0, m.arg.pagefault.feat.ptid,
	          (long)((addr - (uint64_t)(uintptr_t)area) / (uint64_t)page),
	          nsx_rc(ioctl(uffd, UFFDIO_ZEROPAGE, &z)));
}

static void show(int reader, const long *o)
{
	if (o[0])
		printf("  %s reads: %s\n", nsx_task_name(reader), nsx_res(o[0]));
	else
		printf("  %s reads ptid=%s, page %ld; UFFDIO_ZEROPAGE: %s\n", nsx_task_name(reader),
		       nsx_name(reader, o[1]), o[2], nsx_res(o[3]));
}

NSX_CASE(.family = "Kernel threads, fault handlers and side channels", .rows = "26.1",
         .kconfig = "CONFIG_USERFAULTFD",
         .finding =
                 "A userfaultfd fault's `ptid` (UFFD_FEATURE_THREAD_ID) is the faulting thread's "
                 "number in its own namespace (`userfault_msg()`: `task_pid_vnr(current)`), handed "
                 "as it is to a handler in another one: `uffd_ptid`.");

int main(void)
{
	nsx_init("top", "outer");
	NSX_TRY(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
	int c = nsx_spawn_agent("c", "inner");
	const long *ov = nsx_do(c, do_open, 0, 0, 0)->v;
	long r = ov[0];
	area = (char *)(uintptr_t)ov[1]; /* c's address: the same mm layout, not the same memory */
	if (r == -ENOSYS || r == -EPERM || r == -EINVAL)
		nsx_skip("userfaultfd(UFFD_USER_MODE_ONLY): %s: needs Linux 5.11 with userfaultfd",
		         nsx_errname((int)-r));
	if (r)
		nsx_fail("userfaultfd in c: %s", nsx_errname((int)-r));
	NSX_TRY_ERR(-nsx_recv_fds(sv[0], &uffd, 1));
	page = sysconf(_SC_PAGESIZE);
	int ct = nsx_find("ct");

	printf("# uffd_ptid: UFFD_FEATURE_THREAD_ID for a fault by ct (inner, a thread of c)\n");
	for (int k = 0; k < 2; k++) {
		int h = k ? c : 0;
		printf("ct touches page %d, %s (%s) handles it:\n", k, nsx_task_name(h),
		       nsx_ns_name(nsx_ns_of(h)));
		nsx_go(ct);
		show(h, nsx_by(h, do_handle, 0, 0, 0)->v);
		printf("  ct goes on: page %ld touched\n", nsx_recv(ct, "touched")->v[0]);
	}
	nsx_exit();
}
