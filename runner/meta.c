// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * meta.c - nsxrun --meta: what each case declares (lib NSX_CASE()), as JSON.
 *
 * A case run with NSX_META in its environment prints its declaration as one
 * JSON object and exits 0 before it does anything else (lib/case.c); the
 * runner adds the name and prints them all as one array, a case a line.
 */
#include "runner.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define META_MAX  16384 /* a declaration's JSON, findings included */
#define META_SECS 5     /* a case answers at once; this bounds one that does not */

/* Run path with NSX_META=1, its stdout and stderr into buf: its wait status,
 * or -1 with errno. */
static int ask(const char *path, char *buf, size_t len)
{
	int p[2];
	if (pipe(p))
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		close(p[1]);
		setenv("NSX_META", "1", 1);
		alarm(META_SECS);
		execl(path, path, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	size_t have = 0;
	ssize_t r;
	while ((r = read(p[0], buf + have, len - 1 - have)) > 0 || (r < 0 && errno == EINTR))
		if (r > 0 && (have += (size_t)r) == len - 1)
			break;
	buf[have] = '\0';
	close(p[0]);
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return st;
}

/* s as a JSON string's contents, without its last newline. */
static void json_text(const char *s)
{
	size_t n = strlen(s);
	if (n && s[n - 1] == '\n')
		n--;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			printf("\\%c", s[i]);
		else if ((unsigned char)s[i] < 0x20)
			printf("\\u%04x", (unsigned char)s[i]);
		else
			putchar(s[i]);
	}
}

int print_meta(const struct job *jobs, int n)
{
	static char buf[META_MAX];
	int bad = 0, first = 1;
	printf("[\n");
	for (int i = 0; i < n; i++) {
		int dup = 0;
		for (int k = 0; k < i && !dup; k++)
			dup = !strcmp(jobs[k].base, jobs[i].base);
		if (dup)
			continue;
		int st = ask(jobs[i].path, buf, sizeof(buf));
		printf("%s{\"name\":\"", first ? "" : ",\n");
		first = 0;
		json_text(jobs[i].base);
		if (st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 && buf[0] == '{' &&
		    strchr(buf, '\n') == buf + strlen(buf) - 1) {
			printf("\"%s", buf[1] == '}' ? "" : ",");
			fwrite(buf + 1, 1, strlen(buf) - 3, stdout);
		} else if (st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 4) {
			printf("\",\"stub\":\"");
			json_text(strncmp(buf, "nsx: skip: ", 11) ? buf : buf + 11);
			printf("\"");
		} else {
			fprintf(stderr, "nsxrun: %s gave no declaration (%s): %s", jobs[i].base,
			        st < 0 ? strerror(errno) : "NSX_META", buf[0] ? buf : "nothing\n");
			printf("\",\"error\":\"no declaration\"");
			bad = 1;
		}
		printf("}");
	}
	printf("\n]\n");
	return bad;
}
