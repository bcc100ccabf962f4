// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * channel.c - the report channel (tasks send, the top receives in the order
 * it chooses), barriers (nsx_go/nsx_step), actions (nsx_do/nsx_serve).
 */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

void nsx_send_v(const char *key, const long *v, int n)
{
	struct nsx_msg m = {.task = nsx_me, .kind = NSX_MSG_VAL, .n = n};
	if (n > NSX_MSG_VALS)
		nsx_fail("NSX_SEND(%s): %d values, at most %d", key, n, NSX_MSG_VALS);
	snprintf(m.key, sizeof(m.key), "%s", key);
	memcpy(m.v, v, sizeof(long) * (size_t)n);
	/* sizeof(m) < PIPE_BUF: the write is atomic, records never interleave. */
	if (write(nsx_rep_wr, &m, sizeof(m)) != (ssize_t)sizeof(m))
		_exit(NSX_EXIT_ERROR);
}

static const struct nsx_msg *take(int task, const char *key)
{
	for (int i = 0; i < nsx_nstash; i++) {
		if ((task < 0 || nsx_stash[i].task == task) && !strcmp(nsx_stash[i].key, key)) {
			/* A nsx_ring, so that a few results can be used together. */
			static struct nsx_msg out[16];
			static int r;
			struct nsx_msg *o = &out[r++ % 16];
			*o = nsx_stash[i];
			memmove(&nsx_stash[i], &nsx_stash[i + 1],
			        sizeof(nsx_stash[0]) * (size_t)(nsx_nstash - i - 1));
			nsx_nstash--;
			return o;
		}
	}
	return NULL;
}

const struct nsx_msg *nsx_recv(int task, const char *key)
{
	long long deadline = nsx_now_ms() + nsx_timeout_ms();
	const struct nsx_msg *m;

	if (!nsx_is_top())
		nsx_fail("nsx_recv() outside the top");
	while (!(m = take(task, key))) {
		struct pollfd pfd = {nsx_rep_rd, POLLIN, 0};
		long long left = deadline - nsx_now_ms();
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0) {
			if (left > 0 && errno == EINTR)
				continue;
			nsx_fail("timed out waiting for '%s' from %s", key,
			         task < 0 ? "any task" : nsx_T->task[task].name);
		}
		struct nsx_msg in;
		if (read(nsx_rep_rd, &in, sizeof(in)) != (ssize_t)sizeof(in))
			nsx_fail("short read on the report pipe");
		if (in.kind == NSX_MSG_ERR)
			nsx_exit_for(&in);
		if (nsx_nstash == NSX_STASH)
			nsx_fail("more than %d unread reports", NSX_STASH);
		nsx_stash[nsx_nstash++] = in;
	}
	return m;
}

void nsx_go(int task)
{
	__atomic_add_fetch(&nsx_T->task[task].go, 1, __ATOMIC_RELEASE);
	nsx_wake(&nsx_T->task[task].go);
}

void nsx_step(void)
{
	uint32_t *w = &nsx_T->task[nsx_me].go;
	long long deadline = nsx_now_ms() + nsx_timeout_ms();
	while (__atomic_load_n(w, __ATOMIC_ACQUIRE) == nsx_step_seen)
		if (nsx_wait_change(w, nsx_step_seen, deadline))
			nsx_fail("timed out waiting for nsx_go()");
	nsx_step_seen++;
}

void nsx_ask(int task, nsx_action fn, long a0, long a1, long a2)
{
	struct nsx_task *t = &nsx_T->task[task];
	t->act = fn;
	t->arg[0] = a0;
	t->arg[1] = a1;
	t->arg[2] = a2;
	nsx_go(task); /* the release in nsx_go() publishes act and arg */
}

const struct nsx_msg *nsx_do(int task, nsx_action fn, long a0, long a1, long a2)
{
	nsx_ask(task, fn, a0, a1, a2);
	return nsx_recv(task, "reply");
}

const struct nsx_msg *nsx_by(int task, nsx_action fn, long a0, long a1, long a2)
{
	const long arg[4] = {a0, a1, a2, 0};
	if (task != nsx_self())
		return nsx_do(task, fn, a0, a1, a2);
	fn(arg);
	return nsx_recv(task, "reply");
}

void nsx_serve(void)
{
	for (;;) {
		nsx_step();
		struct nsx_task *t = &nsx_T->task[nsx_me];
		long arg[4] = {t->arg[0], t->arg[1], t->arg[2], t->arg[3]};
		if (!t->act)
			nsx_fail("nsx_go() without an action to a task that serves (nsx_do())");
		t->act(arg);
	}
}

void nsx_park(void)
{
	uint32_t *w = &nsx_T->task[nsx_me].go;
	/* Nobody calls nsx_go() on a parked task; this only bounds its life. */
	nsx_wait_change(w, __atomic_load_n(w, __ATOMIC_ACQUIRE),
	                nsx_now_ms() + 4LL * nsx_timeout_ms());
	_exit(0);
}

int nsx_parked(void *arg)
{
	(void)arg;
	nsx_park();
}

static int serving(void *arg)
{
	(void)arg;
	nsx_serve();
}

int nsx_spawn_agent(const char *name, const char *new_ns)
{
	return nsx_spawn(name, new_ns, serving, NULL);
}

static void spawn_agent(const long *arg)
{
	NSX_REPLY(nsx_spawn_agent((const char *)arg[0], (const char *)arg[1]));
}

int nsx_spawn_agent_by(int by, const char *name, const char *new_ns)
{
	return (int)nsx_by(by, spawn_agent, (long)name, (long)new_ns, 0)->v[0];
}

static void start_agent_thread(const long *arg)
{
	NSX_REPLY(nsx_thread((const char *)arg[0], NULL, NULL));
}

int nsx_agent_thread_by(int by, const char *name)
{
	return (int)nsx_by(by, start_agent_thread, (long)name, 0, 0)->v[0];
}
