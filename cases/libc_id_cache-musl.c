// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libc_id_cache-musl - libc_id_cache built against musl with musl-gcc (the
 * Makefile builds every cases/<name>-musl.c that way, or as a stub that
 * skips saying why when musl-gcc is not there).  Every line is
 * explained in libc_id_cache.c; what differs from glibc is musl's:
 * gettid() returns the cached tid, raise() is tkill() on it, and its clone()
 * and vfork() leave the parent's cached tid in the child.
 */
#include "libc_id_cache.c"
