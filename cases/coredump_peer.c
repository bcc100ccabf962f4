// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * coredump_peer - the pid exports of two core dump routes new in Linux 6.16:
 * the pidfd a core_pattern pipe helper gets with %F, and the peer of the
 * connection the kernel makes to a coredump socket (core_pattern "@<path>"),
 * for dumpers in a child pid namespace.  Guest only: it sets
 * /proc/sys/kernel/core_pattern, which is one for the whole machine (NSX_CASE
 * .guest; it skips in the guest's unprivileged pass, which may not
 * write it), and puts it back.  Skips where the kernel has no coredump
 * socket, found by writing core_pattern "@nsxlate-probe": a kernel without
 * it takes that as a core file name (6.12.117: proc_dostring_coredump() is
 * proc_dostring() and validate_coredump_safety(), which only warns).
 * Sibling of coredump_pids (%p, %P and the ELF notes).
 *
 * Tasks: top (namespace outer) listens on a unix stream socket at
 * /tmp/nsxlate-coredump-peer.sock and makes a FIFO in /tmp; p is the init of
 * namespace inner and the parent of d, e and f (inner), each of which writes
 * 0 to its coredump_filter (a core of notes only) and dumps from a second
 * thread (dt, et, ft: not the thread-group leader) by abort(); s is the init
 * of namespace side, a sibling of inner.  p reaps the dumpers when top says,
 * so each is alive or a zombie while it is looked at.
 *   The pipe: core_pattern "|<this program> --peer-helper %F %P <fifo>
 * <socket path>"; dt dumps.  The helper, which the kernel starts in the
 * initial namespaces, reads the fdinfo of fd %F and PIDFD_GET_INFO on it,
 * and the NSpid of %P and of the pidfd's ppid through the initial proc,
 * drains the core, writes three core_patterns and reports them on the FIFO.
 * It is the helper that leaves core_pattern "@<socket path>": the case's own
 * mount namespace (the runner's) may not.
 *   The socket: et dumps; top accepts the kernel's connection and reads
 * SO_PEERCRED and SO_PEERPIDFD, then passes the connection (SCM_RIGHTS) to p
 * and s, which read SO_PEERCRED.  Then f, in a mount namespace of its own
 * with a tmpfs on /tmp and a listener of its own at the same path (given to
 * top), dumps: top polls both listeners.
 *   Numbers print as the task they denote in the reader's namespace; a
 * number the helper read in the initial namespace prints as "<task>'s
 * global number" when the NSpid the helper read for it there ends in that
 * task's numbers (NSpid words: the global one, then names in outer and
 * inner).
 *
 * The golden lines and the kernel code behind them (read in 7.2.13; the same
 * in 7.3-rc7 except where said):
 *
 *   top writes core_pattern from the case's mount namespace: @nsxlate-probe
 *   EINVAL, @/tmp/nsxlate-coredump-peer.sock EINVAL; the helper, from the
 *   initial mount namespace: @nsxlate-probe EINVAL, @@<path> 0, @<path> 0
 *     fs/coredump.c: proc_dostring_coredump() stores the string, then
 *     check_coredump_socket() refuses (EINVAL, the old pattern put back) a
 *     pattern starting with '@' written by a task whose mount namespace is
 *     not init_task's, then one whose '@' or "@@" is not followed by '/',
 *     one UNIX_PATH_MAX long or containing "..".  An abstract socket cannot
 *     be named (no '/'), and "@@" (COREDUMP_SOCK_REQ, the request/ack
 *     protocol of coredump_sock_request()) is accepted like '@'; it connects
 *     through the same coredump_sock_connect(), so its peer would be the
 *     same (no dumper of the case uses "@@").
 *   helper: %F=3 %P=d's global number; fdinfo of fd 3 through the initial
 *   proc: Pid=d's global number NSpid=d's global number d d;
 *   PIDFD_GET_INFO=0: pid and tgid d's global number, ppid p's
 *     coredump_parse(): %F sets cprm->pid = task_tgid(current) -- the
 *     thread-group leader d, though current is dt -- and prints
 *     COREDUMP_PIDFD_NUMBER (3); %P is task_tgid_nr(current).
 *     umh_coredump_setup() installs pidfs_alloc_file(cp->pid) as fd 3 of the
 *     helper.  fs/pidfs.c: pidfd_show_fdinfo() prints pid_nr_ns() in the pid
 *     namespace of the proc instance read (the initial one) and the numbers
 *     below it; pidfd_info() answers in the caller's namespace (the helper's:
 *     the initial one): task_pid_vnr() and task_tgid_vnr() of the leader,
 *     task_ppid_nr_ns() = its real_parent's tgid, p.
 *   p waitid(d), waitid(e), waitid(f): CLD_DUMPED SIGABRT si_pid=<dumper>
 *     coredump_finish(): group_exit_code |= 0x80 when binfmt->core_dump()
 *     succeeded (the pipe drained by the helper; the socket read by top);
 *     kernel/exit.c wait_task_zombie(): CLD_DUMPED for 0x80; si_pid in p's
 *     namespace.
 *   top SO_PEERCRED: pid=e uid=0 gid=0; p: pid=e; s: pid=0
 *     coredump_sock_connect(): a kernel socket (sock_create_kern(&init_net))
 *     connected with kernel_connect(..., SOCK_COREDUMP) in the dumping
 *     thread; net/unix/af_unix.c unix_stream_connect(): prepare_peercred()
 *     takes task_tgid(current) (e, not et) and current's credentials (the
 *     dumper's, vfs_coredump()'s copy) for the socket top accepts
 *     (init_peercred()); coredump_sock_connect() checks that this is
 *     cprm->pid.  net/core/sock.c: sk_getsockopt(SO_PEERCRED) ->
 *     cred_to_ucred(): pid_vnr() at each getsockopt(), in the caller's
 *     namespace (outer: e, inner: e, side: none, 0); euid/egid mapped into
 *     the caller's user namespace (all in the initial one: 0).
 *   top SO_PEERPIDFD=0: fdinfo through outer's proc Pid=e NSpid=e e;
 *   PIDFD_GET_INFO=0: pid=e tgid=e ppid=p
 *     sk_getsockopt(SO_PEERPIDFD): pidfd_prepare(sk_peer_pid, PIDFD_STALE);
 *     the same pidfd_show_fdinfo() and pidfd_info() as above, now for outer's
 *     proc and top's namespace.
 *   top reads an ELF core (e_type ET_CORE), then end of file
 *     do_coredump(): with '@' cn->mask is COREDUMP_KERNEL, coredump_write()
 *     -> fs/binfmt_elf.c elf_core_dump(), whose first dump_emit() is the ELF
 *     header (fill_elf_header(): ET_CORE); then coredump_sock_shutdown()
 *     (SHUT_WR).
 *   f dumps: the connection goes to top's listener, SO_PEERCRED pid=f; then
 *   both listeners idle
 *     net/unix/af_unix.c unix_find_bsd(): with SOCK_COREDUMP the path is
 *     looked up under kernel credentials from the initial root, never the
 *     dumper's (7.2.13: init_task's root, vfs_path_lookup() with
 *     LOOKUP_BENEATH | LOOKUP_NO_SYMLINKS | LOOKUP_NO_MAGICLINKS; 7.3-rc7:
 *     pid 1's, kern_path() inside scoped_with_init_fs()): f's tmpfs on
 *     /tmp is not seen.  top's socket is found because the case's mount
 *     namespace is a copy of the initial one whose /tmp is the same tmpfs.
 *
 * Versions: the coredump socket (and check_coredump_socket()) is absent
 * from 6.12.117, where the case skips.  %F, though, is there: 6.12.117's
 * format_corename() and umh_coredump_setup() hand the helper the same pidfd
 * of the thread-group leader (pidfs_alloc_file(cp->pid, O_RDWR)), while
 * PIDFD_GET_INFO is 6.13's.
 */
#include "core_pattern.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define HELPER "--peer-helper"
#define FIFO   "/tmp/nsxlate-coredump-peer.fifo"
#define SOCK   "/tmp/nsxlate-coredump-peer.sock"
#define PROBE  "@nsxlate-probe" /* an '@' pattern that is no absolute path */

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77 /* include/uapi/asm-generic/socket.h, 6.5 */
#endif
#include "pidfd_info.h"

/* PIDFD_GET_INFO on fd: out = {0 or -errno, pid, tgid, ppid}. */
static void pidfd_info(int fd, long out[4])
{
	struct nsx_pidfd_info in = {.mask = NSX_PIDFD_INFO_PID};
	out[0] = ioctl(fd, NSX_PIDFD_GET_INFO, &in) ? -errno : 0;
	out[1] = in.pid;
	out[2] = in.tgid;
	out[3] = in.ppid;
}

/* core_pattern written through a fresh descriptor (a write at a non-zero
 * offset is ignored): 0 or -errno. */
static long set_pattern(const char *pattern)
{
	return nsx_write_text(AT_FDCWD, CORE_PATTERN, "%s", pattern);
}

/* --- helper mode: run by the kernel, in the initial namespaces, as root --- */

/*
 * argv: HELPER %F %P FIFO SOCK.  Reads the fdinfo of the pidfd %F and
 * PIDFD_GET_INFO on it, the NSpid of %P and of the pidfd's parent (the
 * initial proc), drains the core, then writes three core_patterns (from the
 * initial mount namespace), the last one the socket's, and reports, in one
 * write() to the FIFO it opened first (cases/core_pattern.h: helper_wait).
 */
static int helper(int argc, char **argv)
{
	char path[64], buf[4096], pat[128];
	long info[4];
	int out = argc < 6 ? -1 : open(argv[4], O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (out < 0)
		return 1;
	int pfd = atoi(argv[2]);
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pfd);
	long fdpid = strtol(nsx_read_field(AT_FDCWD, path, "Pid"), NULL, 10);
	const char *fdnspid = nsx_read_field(AT_FDCWD, path, "NSpid");
	pidfd_info(pfd, info);
	snprintf(path, sizeof(path), "/proc/%s/status", argv[3]);
	const char *pnspid = nsx_read_field(AT_FDCWD, path, "NSpid");
	snprintf(path, sizeof(path), "/proc/%ld/status", info[3]);
	const char *ppnspid = nsx_read_field(AT_FDCWD, path, "NSpid");
	while (read(0, buf, sizeof(buf)) > 0) {
		/* the core: drained, so that the dump completes */
	}
	long w[3];
	w[0] = set_pattern(PROBE);
	snprintf(pat, sizeof(pat), "@@%s", argv[5]);
	w[1] = set_pattern(pat);
	snprintf(pat, sizeof(pat), "@%s", argv[5]);
	w[2] = set_pattern(pat);
	int len = snprintf(buf, sizeof(buf), "%s %s %ld %ld %ld %ld %ld %ld %ld %ld\n%s\n%s\n%s\n",
	                   argv[2], argv[3], fdpid, info[0], info[1], info[2], info[3], w[0], w[1],
	                   w[2], fdnspid, pnspid, ppnspid);
	return len > 0 && write(out, buf, (size_t)len) == len ? 0 : 1;
}

/* --- the case ------------------------------------------------------------ */

/* SCM_RIGHTS, one at a time: f's decoy listener to top (pass[1] -> pass[0]),
 * the accepted connection to p, then to s (pass[0] -> pass[1]). */
static int pass[2];

/* A stream socket listening at path (unlinked first). */
static int listen_at(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	unlink(path);
	int fd = (int)NSX_TRY(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
	NSX_TRY(bind(fd, (struct sockaddr *)&a, sizeof(a)));
	NSX_TRY(listen(fd, 4));
	return fd;
}

/* d, e, f: a tiny core, when one of their threads aborts (do_abort()).  f
 * (arg[0]) first makes a mount namespace of its own with a tmpfs on /tmp,
 * listens at SOCK there (the decoy) and gives top that listener. */
static void do_dumper(const long *arg)
{
	struct rlimit r = {RLIM_INFINITY, RLIM_INFINITY};
	setrlimit(RLIMIT_CORE, &r);
	/* No memory in the core, only its notes (fs/coredump.c vma_dump_size()). */
	NSX_TRY_NEG(nsx_write_text(AT_FDCWD, "/proc/self/coredump_filter", "0"));
	if (arg[0]) {
		NSX_TRY(unshare(CLONE_NEWNS));
		NSX_TRY(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
		NSX_TRY(mount("tmpfs", "/tmp", "tmpfs", 0, "mode=0755"));
		int lfd = listen_at(SOCK);
		NSX_TRY_NEG(nsx_send_fds(pass[1], &lfd, 1));
		close(lfd);
	}
	NSX_REPLY(0);
}

/* dt, et, ft: dump the core of their process, not being its leader. */
static void do_abort(NSX_UNUSED const long *arg)
{
	signal(SIGABRT, SIG_DFL);
	abort();
}

/* p and s: SO_PEERCRED of a connection passed to them. */
static void do_cred(NSX_UNUSED const long *arg)
{
	long out[3];
	int fd;
	NSX_TRY_NEG(nsx_recv_fds(pass[1], &fd, 1));
	nsx_peercred(fd, out);
	close(fd);
	NSX_REPLY(out[0], out[1], out[2]);
}

/* p: reap task arg[0] once it has exited (bounded: a pidfd, then WNOHANG). */
static void do_reap(const long *arg)
{
	pid_t pid = nsx_pid((int)arg[0]);
	siginfo_t si = {0};
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd pf = {pfd, POLLIN, 0};
	if (pfd < 0 || poll(&pf, 1, nsx_timeout_ms()) != 1)
		nsx_fail("%s did not exit", nsx_task_name(arg[0]));
	close(pfd);
	long rc = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG) ? -errno : 0;
	NSX_REPLY(rc, si.si_code, si.si_status, si.si_pid);
}

static char saved[512];

static void put_back(void)
{
	set_pattern(saved);
	unlink(FIFO);
	unlink(SOCK);
}

/* The task whose numbers end the NSpid list nspid (read in the initial
 * namespace), if its first word is g: -1 when there is none. */
static int global_task(long g, const char *nspid)
{
	long nr[NSX_MAX_LEVEL];
	int n = nsx_numbers(nspid, nr, NSX_MAX_LEVEL), base = nsx_base_level();
	if (n < 1 || nr[0] != g)
		return -1;
	for (int i = 0; i < nsx_ntasks(); i++) {
		int ok = n == base + nsx_task_level(i) + 1;
		for (int l = 0; ok && l <= nsx_task_level(i); l++)
			ok = nr[base + l] == nsx_task_nr(i, l);
		if (ok)
			return i;
	}
	return -1;
}

/* A number read in the initial namespace, named by the NSpid list the helper
 * read for it there. */
static const char *global_name(long g, const char *nspid)
{
	char *o = nsx_strbuf();
	int i = global_task(g, nspid);
	if (g == 0)
		return "0";
	if (i < 0)
		return "unknown";
	snprintf(o, 64, "%s's global number", nsx_task_name(i));
	return o;
}

/* An NSpid list read in the initial namespace, word by word: the first as a
 * global number, the next up to the case's own namespace as the task's number
 * at that level, then as names in each namespace of the task's. */
static const char *nspid_names(const char *nspid)
{
	static char o[512];
	long nr[NSX_MAX_LEVEL];
	int n = nsx_numbers(nspid, nr, NSX_MAX_LEVEL), base = nsx_base_level();
	int i = n ? global_task(nr[0], nspid) : -1;
	if (i < 0) {
		snprintf(o, sizeof(o), "%s (no task of the case's)", n ? "unknown" : "none");
		return o;
	}
	int off = snprintf(o, sizeof(o), "%s", global_name(nr[0], nspid));
	for (int l = 1; l < base && off < (int)sizeof(o); l++)
		off += snprintf(o + off, sizeof(o) - (size_t)off, " %s's level-%d number",
		                nsx_task_name(i), l);
	if (off < (int)sizeof(o))
		snprintf(o + off, sizeof(o) - (size_t)off, " %s",
		         nsx_nslist_names(i, 0, nr + base, n - base));
	return o;
}

static void print_reap(int p, int task)
{
	const struct nsx_msg *m = nsx_do(p, do_reap, task, 0, 0);
	printf("p    waitid(%s)=%s: %s %s si_pid=%s\n", nsx_task_name(task), nsx_res(m->v[0]),
	       nsx_sicode(SIGCHLD, (int)m->v[1]), nsx_signame((int)m->v[2]), nsx_name(p, m->v[3]));
}

NSX_CASE(.family = "Core dumps and accounting records", .rows = "24.4 24.5",
         .guest = "sets /proc/sys/kernel/core_pattern, which is machine-wide",
         .root = "writing core_pattern");

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], HELPER))
		return helper(argc, argv);
	nsx_init("top", "outer");
	char self[256], pattern[600];
	self_exe(self, sizeof(self));
	core_pattern_save(saved, sizeof(saved));
	atexit(put_back);

	/* The probe: a kernel without the coredump socket takes any '@' pattern
	 * as a core file name; one with it refuses this one (not an absolute
	 * path, and written outside the initial mount namespace). */
	long probe = set_pattern(PROBE);
	if (probe == -EACCES || probe == -EPERM)
		nsx_skip("writing core_pattern: %s", nsx_errname((int)-probe));
	if (probe == 0)
		nsx_skip("no coredump socket (Linux 6.16): core_pattern \"" PROBE
		         "\" was taken as a core file name");
	if (probe != -EINVAL)
		nsx_fail("writing core_pattern " PROBE ": %s", nsx_errname((int)-probe));
	long own = set_pattern("@" SOCK);

	/* The coredump server: a listening socket at SOCK (the kernel looks it
	 * up from the initial mount namespace's root: /tmp is the same there). */
	int lsn = listen_at(SOCK);
	unlink(FIFO);
	NSX_TRY(mkfifo(FIFO, 0600));
	int fifo = (int)NSX_TRY(open(FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC));
	snprintf(pattern, sizeof(pattern), "|%s " HELPER " %%F %%P " FIFO " " SOCK, self);
	NSX_TRY_NEG(set_pattern(pattern));
	NSX_TRY(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pass));

	int p = nsx_spawn_agent("p", "inner"), s = nsx_spawn_agent("s", "side");
	int d = nsx_spawn_agent_by(p, "d", NULL), e = nsx_spawn_agent_by(p, "e", NULL);
	int f = nsx_spawn_agent_by(p, "f", NULL), decoy;
	for (int i = 0; i < 3; i++)
		nsx_do((int[]){d, e, f}[i], do_dumper, i == 2, 0, 0);
	NSX_TRY_NEG(nsx_recv_fds(pass[0], &decoy, 1));
	int dt = nsx_agent_thread_by(d, "dt"), et = nsx_agent_thread_by(e, "et");
	int ft = nsx_agent_thread_by(f, "ft");

	printf("# coredump_peer: a core_pattern pipe helper's %%F pidfd and a coredump socket's "
	       "peer; d, e, f (inner) dump from their threads dt, et, ft\n");
	printf("top  writes core_pattern (the case's mount namespace): " PROBE " %s, @" SOCK
	       " %s\n",
	       nsx_errname((int)-probe), nsx_errname((int)-own));

	/* Part 1: the pipe helper and its %F. */
	nsx_ask(dt, do_abort, 0, 0, 0);
	char buf[2048];
	const char *why = helper_wait(fifo, nsx_procfd(), nsx_pid(d), buf, sizeof(buf));
	if (why)
		nsx_fail("no report from the core_pattern helper: %s", why);
	long v[10];
	char fdnspid[256] = "", pnspid[256] = "", ppnspid[256] = "";
	if (sscanf(buf, "%ld %ld %ld %ld %ld %ld %ld %ld %ld %ld\n%255[^\n]\n%255[^\n]\n%255[^\n]",
	           &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], fdnspid,
	           pnspid, ppnspid) < 10)
		nsx_fail("no report from the core_pattern helper (got \"%s\")", buf);
	printf("helper (|... %%F %%P, the initial namespaces): %%F=%ld %%P=%s\n", v[0],
	       global_name(v[1], pnspid));
	printf("helper fdinfo of fd %ld (the initial proc): Pid=%s NSpid=%s\n", v[0],
	       global_name(v[2], fdnspid), nspid_names(fdnspid));
	printf("helper PIDFD_GET_INFO=%s: pid=%s tgid=%s ppid=%s\n", nsx_res(v[3]),
	       global_name(v[4], fdnspid), global_name(v[5], fdnspid), global_name(v[6], ppnspid));
	printf("helper writes core_pattern (the initial mount namespace): " PROBE " %s, @@" SOCK
	       " %s, @" SOCK " %s\n",
	       nsx_errname((int)-v[7]), nsx_errname((int)-v[8]), nsx_errname((int)-v[9]));
	print_reap(p, d);

	/* Part 2: the coredump socket, with the pattern the helper left. */
	nsx_ask(et, do_abort, 0, 0, 0);
	struct pollfd pl = {lsn, POLLIN, 0};
	if (poll(&pl, 1, nsx_timeout_ms()) != 1)
		nsx_fail("no connection on the coredump socket");
	int c = (int)NSX_TRY(accept4(lsn, NULL, NULL, SOCK_CLOEXEC));
	long cred[3];
	nsx_peercred(c, cred);
	printf("top  SO_PEERCRED: pid=%s uid=%ld gid=%ld\n", nsx_name(0, cred[0]), cred[1],
	       cred[2]);
	int pidfd;
	socklen_t len = sizeof(pidfd);
	long pr = getsockopt(c, SOL_SOCKET, SO_PEERPIDFD, &pidfd, &len) ? -errno : 0;
	char path[64];
	long nr[NSX_MAX_LEVEL], info[4] = {0, 0, 0, 0};
	snprintf(path, sizeof(path), "self/fdinfo/%d", pr ? -1 : pidfd);
	const char *pid = nsx_read_field(nsx_procfd(), path, "Pid");
	const char *nspid = nsx_read_field(nsx_procfd(), path, "NSpid");
	if (!pr)
		pidfd_info(pidfd, info);
	printf("top  SO_PEERPIDFD=%s: fdinfo (outer's proc) Pid=%s NSpid=%s; PIDFD_GET_INFO=%s: "
	       "pid=%s tgid=%s ppid=%s\n",
	       nsx_res(pr), nsx_name(0, strtol(pid, NULL, 10)),
	       nsx_nslist_names(e, 0, nr, nsx_numbers(nspid, nr, NSX_MAX_LEVEL)), nsx_res(info[0]),
	       nsx_name(0, info[1]), nsx_name(0, info[2]), nsx_name(0, info[3]));
	Elf64_Ehdr eh;
	size_t have = 0;
	ssize_t k = 0;
	for (;;) { /* the core, until the kernel's shutdown, bounded */
		struct pollfd pf = {c, POLLIN, 0};
		k = poll(&pf, 1, nsx_timeout_ms()) == 1 ? read(c, buf, sizeof(buf)) : -1;
		if (k <= 0)
			break;
		size_t take = sizeof(eh) - have < (size_t)k ? sizeof(eh) - have : (size_t)k;
		memcpy((char *)&eh + have, buf, take);
		have += take;
	}
	int elf = have == sizeof(eh) && !memcmp(eh.e_ident, ELFMAG, SELFMAG);
	printf("top  reads from the connection: %s, then %s\n",
	       !elf                   ? "no ELF header"
	       : eh.e_type == ET_CORE ? "an ELF core (e_type ET_CORE)"
	                              : "an ELF file that is no core",
	       k == 0 ? "end of file" : "no end of file");
	int reader[2] = {p, s};
	for (int i = 0; i < 2; i++) {
		nsx_send_fds(pass[0], &c, 1);
		const long *o = nsx_do(reader[i], do_cred, 0, 0, 0)->v;
		printf("%-4s SO_PEERCRED: pid=%s uid=%ld gid=%ld\n", nsx_task_name(reader[i]),
		       nsx_name(reader[i], o[0]), o[1], o[2]);
	}
	print_reap(p, e);

	/* Part 3: f dumps; a listener at SOCK in f's mount namespace too. */
	close(c);
	nsx_ask(ft, do_abort, 0, 0, 0);
	struct pollfd two[2] = {{lsn, POLLIN, 0}, {decoy, POLLIN, 0}};
	if (poll(two, 2, nsx_timeout_ms()) < 1)
		nsx_fail("no connection on either listener");
	c = (int)NSX_TRY(accept4(two[0].revents & POLLIN ? lsn : decoy, NULL, NULL, SOCK_CLOEXEC));
	nsx_peercred(c, cred);
	for (;;) { /* the core, until the kernel's shutdown, bounded */
		struct pollfd pf = {c, POLLIN, 0};
		if (poll(&pf, 1, nsx_timeout_ms()) != 1 || read(c, buf, sizeof(buf)) <= 0)
			break;
	}
	struct pollfd after[2] = {{lsn, POLLIN, 0}, {decoy, POLLIN, 0}};
	poll(after, 2, 0);
	printf("f    dumps (a listener at the same path in its own mount namespace): the "
	       "connection goes to %s, SO_PEERCRED pid=%s; then top's listener %s, f's %s\n",
	       two[0].revents & POLLIN ? "top's listener" : "f's listener", nsx_name(0, cred[0]),
	       after[0].revents & POLLIN ? "has a connection" : "idle",
	       after[1].revents & POLLIN ? "has a connection" : "idle");
	print_reap(p, f);
	nsx_exit();
}
