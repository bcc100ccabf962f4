// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libc_id_cache_shim - the getpid() part of libc_id_cache, run under
 * lib/shim/getpid_cache.c (LD_PRELOAD), which re-creates the getpid() cache
 * glibc had from 2.3.4 to 2.24: a value captured at start-up, refreshed only
 * by fork().  The golden file holds the stale values the detector must find:
 * a checked expected failure, so the suite shows it would catch a caching
 * libc that is no longer installed anywhere.
 *
 * Golden lines: fork(), unshare()+fork() and setns()+fork() children and the
 * image execve() starts are "ok" (the shim's fork() refreshes its cache in
 * the child, and a new image caches its own pid at start-up); after vfork(),
 * the clone() wrapper, raw clone and clone3 getpid() returns the parent's pid
 * ("stale (parent)"), as glibc before 2.25 did for raw clones (BZ 19957, and
 * why LTP calls the syscall directly).  In CLONE_NEWPID children the stale
 * value is the parent's number in the *outer* namespace while the child is 1:
 * exactly the 2007 review's warning about a pid changing under a cache.
 *
 * The case checks that the shim really is loaded (in the dynamic linker's
 * list of objects) after it re-executes itself with LD_PRELOAD: a missing
 * .so or a static build (which ignores LD_PRELOAD) is a set-up error saying
 * so, not a run of "ok" lines.
 */
#define NSX_GETPID_ONLY 1
#define NSX_SHIM        1
#include "libc_id_cache.c"
