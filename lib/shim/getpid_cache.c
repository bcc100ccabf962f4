// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * getpid_cache.c - an LD_PRELOAD shim that re-creates glibc's pre-2.25
 * getpid() cache: the pid is captured when the library is loaded and
 * refreshed only by fork().  Used by cases/libc_id_cache_shim.c to show that
 * libc_id_cache would catch such a cache.  Not part of libnsx.
 */
#include <dlfcn.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

static pid_t cached;

__attribute__((constructor)) static void capture(void)
{
	cached = (pid_t)syscall(SYS_getpid);
}

pid_t getpid(void)
{
	return cached;
}

pid_t fork(void)
{
	static pid_t (*real_fork)(void);
	if (!real_fork)
		real_fork = (pid_t(*)(void))dlsym(RTLD_NEXT, "fork");
	pid_t p = real_fork();
	if (p == 0)
		cached = (pid_t)syscall(SYS_getpid);
	return p;
}
