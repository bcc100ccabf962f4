// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * loop-steal.c - an LD_PRELOAD library for tools/loop-race-check.sh: the
 * other loop-device user, made punctual.  Each time the program asks
 * LOOP_CTL_GET_FREE, the library lets the kernel answer, then itself
 * configures the device of that number (read-only, LO_FLAGS_AUTOCLEAR, a
 * 64 KiB memfd called "loop-steal-$LOOP_STEAL_TAG") before returning the
 * number: the program's LOOP_CONFIGURE of it fails with EBUSY, as when
 * another user wins the race.  LOOP_STEAL is how many times (-1: every time).
 * It holds one taken device at a time: the previous one is closed, and so
 * let go (autoclear), before the next LOOP_CTL_GET_FREE, so that however many
 * times it takes, it never holds more than one device; the last goes with
 * the process.  Each taking is one line on stderr, "loop-steal: took
 * /dev/loopN", or "loop-steal: failed ..." when the taking itself failed.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

static int (*real_ioctl)(int, unsigned long, ...);
static int held = -1; /* the device taken last */
static long taken;

static void take(int n)
{
	char dev[32], name[64];
	const char *tag = getenv("LOOP_STEAL_TAG");
	snprintf(dev, sizeof(dev), "/dev/loop%d", n);
	snprintf(name, sizeof(name), "loop-steal-%s", tag ? tag : "");
	int img = memfd_create(name, MFD_CLOEXEC);
	int fd = open(dev, O_RDWR | O_CLOEXEC);
	struct loop_config cfg = {.fd = (unsigned)img,
	                          .info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR};
	if (img < 0 || fd < 0 || ftruncate(img, 64 << 10) || real_ioctl(fd, LOOP_CONFIGURE, &cfg)) {
		fprintf(stderr, "loop-steal: failed to take %s: %s\n", dev, strerror(errno));
		if (fd >= 0)
			close(fd);
	} else {
		fprintf(stderr, "loop-steal: took %s\n", dev);
		held = fd;
	}
	if (img >= 0)
		close(img);
}

int ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	va_start(ap, request);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	if (!real_ioctl)
		real_ioctl = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	const char *s = getenv("LOOP_STEAL");
	long want = s ? strtol(s, NULL, 10) : 0;
	if (request != LOOP_CTL_GET_FREE || (want >= 0 && taken >= want))
		return real_ioctl(fd, request, arg);
	if (held >= 0)
		close(held);
	held = -1;
	int n = real_ioctl(fd, request, arg);
	if (n >= 0) {
		int e = errno;
		taken++;
		take(n);
		errno = e;
	}
	return n;
}
