// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * files.c - the files the runner reads and writes, opened so that neither a
 * case nor another user can turn them into something else.
 *
 * Reading: golden files, variants and what a case wrote are read only when
 * they are regular files (a FIFO or a device would block the runner, which
 * has no timeout of its own for its reads).
 *
 * Writing: output files are created without following a symlink in their
 * last component (O_NOFOLLOW).  As root, the directories written to (--out,
 * --strace, --junit's) must be ones no other user can change: every
 * directory on the way, from /, owned by root or by us, and writable by
 * nobody else unless sticky (as /tmp is); otherwise another user could
 * swap in a symlink and have root write where they chose.
 */
#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

FILE *fopen_regular(const char *path, const char *mode)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	fcntl(fd, F_SETFL, 0); /* blocking again: a regular file does not block */
	FILE *f = fdopen(fd, mode);
	if (!f)
		close(fd);
	return f;
}

int is_regular(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int open_out(const char *path)
{
	return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
}

int safe_dir(const char *dir, char *why, size_t len)
{
	char real[PATH_MAX];
	uid_t me = geteuid();

	if (me != 0)
		return 0;
	if (!realpath(dir, real)) {
		snprintf(why, len, "%.200s: %s", dir, strerror(errno));
		return -1;
	}
	/* From / down to the directory itself: "/", "/tmp", "/tmp/out". */
	size_t n = strlen(real);
	for (size_t i = 0; i <= n; i++) {
		char at[PATH_MAX];
		struct stat st;
		if (i != n && real[i] != '/')
			continue;
		snprintf(at, sizeof(at), "%.*s", i ? (int)i : 1, real);
		if (lstat(at, &st)) {
			snprintf(why, len, "%.200s: %s", at, strerror(errno));
			return -1;
		}
		if ((st.st_uid != 0 && st.st_uid != me) ||
		    ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))) {
			snprintf(
			        why, len,
			        "%.200s: owner uid %u, mode %04o: another user could put a symlink "
			        "where root writes",
			        at, (unsigned)st.st_uid, (unsigned)st.st_mode & 07777);
			return -1;
		}
	}
	return 0;
}
