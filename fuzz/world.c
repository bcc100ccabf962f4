// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * world.c - a world made real: every task of it a process (an agent) that
 * runs commands the controller writes into shared memory, woken by a futex,
 * so one world serves thousands of operations.  Each task learns its
 * numbers at every level once, when it starts, from NSpid of its own status
 * in the proc the controller began with (an fd every agent inherits), and
 * checks them against what fork() told its parent and getpid() tells it.
 */
#include "world.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct fz_shm *fz_shm;
static int hostproc = -1, scm[2] = {-1, -1};

static long futex(uint32_t *w, int op, uint32_t v, const struct timespec *t)
{
	return syscall(SYS_futex, w, op, v, t, NULL, 0);
}

int fz_world_init(void)
{
	fz_shm = mmap(NULL, sizeof *fz_shm, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
	              0);
	if (fz_shm == MAP_FAILED)
		return -errno;
	hostproc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (hostproc < 0 || socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, scm))
		return -errno;
	int one = 1;
	if (setsockopt(scm[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one))
		return -errno;
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	return sigprocmask(SIG_BLOCK, &s, NULL) ? -errno : 0;
}

/* NSpid of the caller's status in the first proc: its number at each level
 * from that proc's namespace down. */
static int read_nspid(long *nr)
{
	char buf[4096];
	int fd = openat(hostproc, "self/status", O_RDONLY | O_CLOEXEC), n = 0;
	ssize_t len = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
	if (fd >= 0)
		close(fd);
	if (len <= 0)
		return 0;
	buf[len] = 0;
	char *p = strstr(buf, "\nNSpid:");
	if (!p)
		return 0;
	p += 7;
	while (n < FZ_MAXLV) {
		char *e;
		long v = strtol(p, &e, 10);
		if (e == p)
			break;
		nr[n++] = v;
		p = e;
	}
	return n;
}

static void run(struct fz_slot *s);
static int wait_word(uint32_t *w, uint32_t v);

static _Noreturn void agent(int i, int newns, int newuser, int pg)
{
	struct fz_slot *s = &fz_shm->slot[i];
	uint32_t seen = 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (newuser) /* the parent writes the maps */
		wait_word(&s->mapped, 1);
	if (newns && (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	              mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)))
		s->err = -errno;
	if (pg == PG_GROUP && setpgid(0, 0))
		s->err = -errno;
	if (pg == PG_SESSION && setsid() < 0)
		s->err = -errno;
	s->nlv = read_nspid(s->nr);
	if (!s->err && (s->nlv < 1 || s->nr[s->nlv - 1] != getpid()))
		s->err = -EPROTO;
	__atomic_store_n(&s->ready, 1, __ATOMIC_RELEASE);
	futex(&s->ready, FUTEX_WAKE, 1, NULL);
	for (;;) {
		uint32_t g;
		while ((g = __atomic_load_n(&s->go, __ATOMIC_ACQUIRE)) == seen)
			futex(&s->go, FUTEX_WAIT, seen, NULL);
		seen = g;
		run(s);
		__atomic_store_n(&s->done, g, __ATOMIC_RELEASE);
		futex(&s->done, FUTEX_WAKE, 1, NULL);
	}
}

/* Wait (at most a second) until *w is v. */
static int wait_word(uint32_t *w, uint32_t v)
{
	struct timespec end, now;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += 1;
	for (;;) {
		uint32_t cur = __atomic_load_n(w, __ATOMIC_ACQUIRE);
		if (cur == v)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end.tv_sec ||
		    (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec))
			return -ETIMEDOUT;
		struct timespec t = {0, 10 * 1000 * 1000};
		futex(w, FUTEX_WAIT, cur, &t);
	}
}

long *fz_call(int i, int cmd, long a0, long a1)
{
	struct fz_slot *s = &fz_shm->slot[i];
	s->cmd = cmd;
	s->arg[0] = a0;
	s->arg[1] = a1;
	uint32_t g = s->go + 1;
	__atomic_store_n(&s->go, g, __ATOMIC_RELEASE);
	futex(&s->go, FUTEX_WAKE, 1, NULL);
	if (wait_word(&s->done, g)) {
		fprintf(stderr, "fuzz: task %d does not answer command %d\n", i, cmd);
		exit(2);
	}
	return s->r;
}

/* /proc/<pid>/<file> (through the caller's proc: pid is its number) := text */
static int write_proc(long pid, const char *file, const char *text)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%ld/%s", pid, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : write(fd, text, strlen(text));
	int e = n < 0 ? -errno : 0;
	if (fd >= 0)
		close(fd);
	return e;
}

/* The fork that makes task i: a raw clone, as fork() with CLONE_NEWPID
 * (and CLONE_NEWUSER, whose maps the parent writes: its own uid is uidv
 * there). */
static long spawn(int i, int newns, int newuser, int uidv, int pg)
{
	struct fz_slot *s = &fz_shm->slot[i];
	memset(s, 0, sizeof *s);
	long pid = syscall(SYS_clone,
	                   SIGCHLD | (newns ? CLONE_NEWPID : 0) | (newuser ? CLONE_NEWUSER : 0),
	                   NULL, NULL, NULL, NULL);
	if (pid == 0)
		agent(i, newns, newuser, pg);
	if (pid < 0)
		return -errno;
	if (newuser) {
		char map[64];
		snprintf(map, sizeof map, "%d %u 1\n", uidv, (unsigned)getuid());
		int e = write_proc(pid, "uid_map", map);
		snprintf(map, sizeof map, "%d %u 1\n", uidv, (unsigned)getgid());
		if (!e)
			e = write_proc(pid, "setgroups", "deny");
		if (!e)
			e = write_proc(pid, "gid_map", map);
		s->err = e;
		__atomic_store_n(&s->mapped, 1, __ATOMIC_RELEASE);
		syscall(SYS_futex, &s->mapped, FUTEX_WAKE, 1, NULL, NULL, 0);
	}
	if (wait_word(&s->ready, 1))
		return -ETIMEDOUT;
	return pid;
}

/* SCM_CREDENTIALS with the sender's own pid, uid and gid. */
static void scm_send(long *r)
{
	struct ucred c = {getpid(), getuid(), getgid()};
	char cbuf[CMSG_SPACE(sizeof c)] = {0}, b = 'x';
	struct iovec iov = {&b, 1};
	struct msghdr m = {.msg_iov = &iov,
	                   .msg_iovlen = 1,
	                   .msg_control = cbuf,
	                   .msg_controllen = sizeof cbuf};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_CREDENTIALS;
	cm->cmsg_len = CMSG_LEN(sizeof c);
	memcpy(CMSG_DATA(cm), &c, sizeof c);
	r[0] = sendmsg(scm[0], &m, 0) == 1 ? 0 : -errno;
}

/* What SCM_CREDENTIALS arrived: r0 0 or -errno, r1 its pid, r2 its uid. */
static void scm_recv(long *r)
{
	struct ucred c = {0, 0, 0};
	char cbuf[CMSG_SPACE(sizeof c)], b;
	struct iovec iov = {&b, 1};
	struct msghdr m = {.msg_iov = &iov,
	                   .msg_iovlen = 1,
	                   .msg_control = cbuf,
	                   .msg_controllen = sizeof cbuf};
	r[0] = recvmsg(scm[1], &m, MSG_DONTWAIT) == 1 ? 0 : -errno;
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	if (!r[0] && cm && cm->cmsg_type == SCM_CREDENTIALS)
		memcpy(&c, CMSG_DATA(cm), sizeof c);
	r[1] = c.pid;
	r[2] = c.uid;
}

/* CMD_LISTEN: a listening socket at the abstract name arg1; CMD_PEER: a
 * connection to it, SO_PEERCRED's pid and uid. */
static void peer(struct fz_slot *s, const long *a, long *r)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int len = snprintf(sa.sun_path + 1, sizeof sa.sun_path - 1, "nsx-fuzz-%ld-%ld",
	                   (long)fz_shm->controller, a[1]);
	socklen_t sl = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->cmd == CMD_LISTEN) {
		r[0] = fd < 0 || bind(fd, (struct sockaddr *)&sa, sl) || listen(fd, 1) ? -errno : 0;
		s->lfd = fd;
		return;
	}
	struct ucred c = {0, 0, 0};
	socklen_t cl = sizeof c;
	r[0] = fd < 0 || connect(fd, (struct sockaddr *)&sa, sl) ||
	                       getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c, &cl)
	               ? -errno
	               : 0;
	r[1] = c.pid;
	r[2] = c.uid;
	if (fd >= 0)
		close(fd);
}

/* NSpid of /proc/<arg0>/status, through the caller's proc. */
static void nspid(const long *a, long *r)
{
	char path[64], buf[4096];
	snprintf(path, sizeof path, "/proc/%ld/status", a[0]);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t len = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
	r[0] = len < 0 ? -errno : 0;
	r[1] = 0;
	if (fd >= 0)
		close(fd);
	char *p = NULL;
	if (len > 0) {
		buf[len] = 0;
		p = strstr(buf, "\nNSpid:");
	}
	for (p = p ? p + 7 : NULL; p && r[1] < FZ_MAXLV;) {
		char *e;
		long v = strtol(p, &e, 10);
		if (e == p)
			break;
		r[2 + r[1]++] = v;
		p = e;
	}
}

static void run(struct fz_slot *s)
{
	long *a = s->arg, *r = s->r;
	siginfo_t si;
	struct timespec zero = {0, 0};
	sigset_t set;

	switch (s->cmd) {
	case CMD_SPAWN:
		r[0] = spawn((int)a[0], (int)(a[1] & 1), (int)(a[1] >> 1 & 1), (int)(a[1] >> 4),
		             (int)(a[1] >> 2 & 3));
		return;
	case CMD_GETPPID:
		r[0] = getppid();
		return;
	case CMD_GETPGID:
		r[0] = getpgid((pid_t)a[0]);
		if (r[0] < 0)
			r[0] = -errno;
		return;
	case CMD_GETSID:
		r[0] = getsid(0);
		return;
	case CMD_KILL:
		r[0] = kill((pid_t)a[0], SIGUSR1) ? -errno : 0;
		return;
	case CMD_PIDFD: {
		int fd = (int)syscall(SYS_pidfd_open, (pid_t)a[0], 0);
		r[0] = fd < 0                                                 ? -errno
		       : syscall(SYS_pidfd_send_signal, fd, SIGUSR1, NULL, 0) ? -errno
		                                                              : 0;
		if (fd >= 0)
			close(fd);
		return;
	}
	case CMD_TAKE:
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		memset(&si, 0, sizeof si);
		r[0] = sigtimedwait(&set, &si, &zero) == SIGUSR1;
		r[1] = si.si_code;
		r[2] = si.si_pid;
		r[3] = si.si_uid;
		return;
	case CMD_SCM_SEND:
		scm_send(r);
		return;
	case CMD_SCM_RECV:
		scm_recv(r);
		return;
	case CMD_LISTEN:
	case CMD_PEER:
		peer(s, a, r);
		return;
	case CMD_NSPID:
		nspid(a, r);
		return;
	case CMD_UNLISTEN:
		close(s->lfd);
		return;
	}
}

int fz_build(const struct fz_world *w, pid_t *top)
{
	long pid = spawn(0, 1, 0, 0, PG_SESSION);
	*top = (pid_t)pid;
	if (pid < 0)
		return (int)pid;
	if (fz_shm->slot[0].err)
		return fz_shm->slot[0].err;
	for (int i = 1; i < w->nt; i++) {
		long r = fz_call(w->parent[i], CMD_SPAWN, i,
		                 w->newns[i] | w->newuser[i] << 1 | w->pg[i] << 2 |
		                         w->uidv[i] << 4)[0];
		if (r < 0)
			return (int)r;
		if (fz_shm->slot[i].err)
			return fz_shm->slot[i].err;
	}
	return 0;
}

void fz_teardown(pid_t top)
{
	if (top <= 0)
		return;
	kill(top, SIGKILL); /* the first namespace's init: all its namespaces go */
	while (waitpid(top, NULL, 0) < 0 && errno == EINTR)
		;
}
