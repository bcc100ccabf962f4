// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * binder_pids - Android binder across pid namespaces: the sender_pid a
 * transaction's receiver reads is translated into the receiver's namespace,
 * while everything that names a binder process by number itself (the
 * binderfs log files, BINDER_GET_FROZEN_INFO's and BINDER_FREEZE's input
 * pid) uses the global tgid.  Needs root in the initial user namespace
 * (binderfs' stats=global mount option checks capable(CAP_SYS_ADMIN)); skips
 * where the kernel has no binderfs (CONFIG_ANDROID_BINDERFS: make vm's own
 * kernels have it, vm/config; Debian's cloud kernels and 6.18.44 as observed do not).
 *
 * Tasks: top (namespace outer) mounts a binderfs instance with stats=global
 * in a mount namespace of its own and makes two binder devices there, a and
 * b; c, the init of namespace inner.  top is a's context manager (handle 0),
 * c is b's.  A transaction is sent with a write-only BINDER_WRITE_READ and
 * read by the other side afterwards (the fds are O_NONBLOCK: a missing
 * transaction is EAGAIN, not a wait), so nothing here depends on scheduling.
 * Numbers nobody in the case can name (global tgids: the case runs in a pid
 * namespace below the initial one) print as "unknown".
 *
 * The golden lines and the kernel code behind them (drivers/android/,
 * 6.1.192):
 *
 *   the opens (each with a read-only mmap of 128 KiB: binder_mmap()),
 *   BINDER_SET_CONTEXT_MGR (the first on each device's context) and the
 *   write-only BC_TRANSACTIONs (binder_thread_write() queues the work and
 *   returns): 0
 *
 *   top opens a and b: binder_logs/proc gains one file, named "unknown" (a
 *   global number), whose "proc" line has the file's name as its number; c
 *   opens a: gains one more, the same way; c opens b: gains nothing
 *     binder.c binder_open(): proc->pid = current->group_leader->pid (the
 *     global tgid); the file binderfs_create_file(..., strbuf = "%u"
 *     proc->pid) is made only when no binder_proc in the machine-wide
 *     binder_procs list has that pid yet (existing_pid); print_binder_proc()
 *     writes "proc %d" proc->pid.  binderfs.c init_binder_logs() makes
 *     binder_logs/proc for a stats=global mount.
 *   c sends on a, top reads BR_TRANSACTION: sender_pid c, sender_euid 0;
 *   top sends on b, c reads BR_TRANSACTION: sender_pid 0 (top is not in
 *   inner); both BR_REPLYs: sender_pid 0
 *     binder.c binder_thread_read(): sender_pid = task_tgid_nr_ns(sender,
 *     task_active_pid_ns(current)), the reader's namespace (0 for a sender
 *     it cannot see); sender_euid = from_kuid(current_user_ns(), ...).
 *     binder_transaction() sets t->from only for a two-way transaction, not
 *     for a reply: a reply's sender_pid is 0 (binder_get_txn_from() NULL).
 *   c: BINDER_GET_FROZEN_INFO and BINDER_FREEZE (enable 0) with its own
 *   number (1): EINVAL; with the number its log file is named by: 0; top
 *   with c's number in outer: EINVAL
 *     binder.c binder_ioctl_get_freezer_info() and binder_ioctl()'s
 *     BINDER_FREEZE compare the caller's info.pid with target_proc->pid,
 *     the global tgid, in the machine-wide list, untranslated; no match is
 *     -EINVAL.  (A container that freezes its own binder clients must know
 *     their pids in the initial namespace.)
 */
#include "nsx.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/android/binder.h>
#include <linux/android/binderfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAPLEN (128 * 1024)

static const char *dir; /* the binderfs instance is mounted here */
static char procs[128]; /* its binder_logs/proc */

/* The calling process's binder fds, by device (0 = a, 1 = b). */
static int bfd[2] = {-1, -1};

/* Open device arg[0] and map it: 0 or -errno. */
static void do_open(const long *arg)
{
	char path[64];
	int dev = (int)arg[0];
	snprintf(path, sizeof(path), "%s/%c", dir, 'a' + dev);
	int fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	long r = fd < 0 ? -errno : 0;
	if (!r && mmap(NULL, MAPLEN, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED) {
		r = -errno;
		close(fd);
	}
	if (!r)
		bfd[dev] = fd;
	NSX_REPLY(r);
}

static long bwr(int dev, void *w, size_t wlen, void *r, size_t rlen, size_t *got)
{
	struct binder_write_read bwr = {
	        .write_size = wlen,
	        .write_buffer = (binder_uintptr_t)(uintptr_t)w,
	        .read_size = rlen,
	        .read_buffer = (binder_uintptr_t)(uintptr_t)r,
	};
	if (ioctl(bfd[dev], BINDER_WRITE_READ, &bwr) < 0)
		return -errno;
	if (got)
		*got = bwr.read_consumed;
	return 0;
}

/* Become device arg[0]'s context manager, and enter the looper. */
static void do_mgr(const long *arg)
{
	uint32_t cmd = BC_ENTER_LOOPER;
	int dev = (int)arg[0];
	if (ioctl(bfd[dev], BINDER_SET_CONTEXT_MGR, 0) < 0)
		NSX_REPLY(-errno);
	else
		NSX_REPLY(bwr(dev, &cmd, sizeof(cmd), NULL, 0, NULL));
}

/* A two-way transaction to handle 0, written only: the reply is read later. */
static uint64_t payload = 0x6e73786c617465;

static void do_send(const long *arg)
{
	struct {
		uint32_t cmd;
		struct binder_transaction_data tr;
	} __attribute__((packed)) w = {.cmd = BC_TRANSACTION};
	w.tr.target.handle = 0;
	w.tr.code = 1;
	w.tr.data_size = sizeof(payload);
	w.tr.data.ptr.buffer = (binder_uintptr_t)(uintptr_t)&payload;
	NSX_REPLY(bwr((int)arg[0], &w, sizeof(w), NULL, 0, NULL));
}

/*
 * Read until a BR_TRANSACTION or BR_REPLY: {result, the BR code's name
 * index (1 transaction, 2 reply), sender_pid, sender_euid}.  A transaction
 * is answered with BC_FREE_BUFFER and an empty BC_REPLY.
 */
static void recv_txn(int dev, long *o)
{
	uint32_t buf[256];
	o[0] = o[1] = o[2] = o[3] = 0;
	for (int round = 0; round < 4; round++) {
		size_t got = 0;
		long r = bwr(dev, NULL, 0, buf, sizeof(buf), &got);
		if (r < 0) {
			o[0] = r;
			return;
		}
		for (size_t off = 0; off + 4 <= got;) {
			uint32_t cmd;
			memcpy(&cmd, (char *)buf + off, 4);
			off += 4;
			if (cmd == BR_TRANSACTION || cmd == BR_REPLY) {
				struct binder_transaction_data tr;
				memcpy(&tr, (char *)buf + off, sizeof(tr));
				o[1] = cmd == BR_TRANSACTION ? 1 : 2;
				o[2] = tr.sender_pid;
				o[3] = tr.sender_euid;
				if (cmd == BR_TRANSACTION) {
					struct {
						uint32_t c1;
						binder_uintptr_t buffer;
						uint32_t c2;
						struct binder_transaction_data tr;
					} __attribute__((packed)) w = {.c1 = BC_FREE_BUFFER,
					                               .buffer = tr.data.ptr.buffer,
					                               .c2 = BC_REPLY};
					w.tr.data_size = sizeof(payload);
					w.tr.data.ptr.buffer =
					        (binder_uintptr_t)(uintptr_t)&payload;
					o[0] = bwr(dev, &w, sizeof(w), NULL, 0, NULL);
				}
				return;
			}
			if (cmd == BR_ERROR) {
				int32_t e;
				memcpy(&e, (char *)buf + off, 4);
				o[0] = e < 0 ? e : -EPROTO;
				return;
			}
			if (cmd == BR_DEAD_REPLY || cmd == BR_FAILED_REPLY) {
				o[0] = -EPIPE;
				return;
			}
			off += _IOC_SIZE(cmd);
		}
	}
	o[0] = -EAGAIN;
}

static void do_recv(const long *arg)
{
	long o[4];
	recv_txn((int)arg[0], o);
	nsx_send_v("reply", o, 4);
}

/* BINDER_GET_FROZEN_INFO (arg[1] 0) or BINDER_FREEZE enable 0 (1) of pid arg[0] on a. */
static void do_frozen(const long *arg)
{
	struct binder_frozen_status_info fi = {.pid = (uint32_t)arg[0]};
	struct binder_freeze_info fz = {.pid = (uint32_t)arg[0], .enable = 0};
	NSX_REPLY(nsx_rc(arg[1] ? ioctl(bfd[0], BINDER_FREEZE, &fz)
	                        : ioctl(bfd[0], BINDER_GET_FROZEN_INFO, &fi)));
}

static const char *first_line(long pid, char *buf, size_t len)
{
	char path[96];
	snprintf(path, sizeof(path), "%s/%ld", procs, pid);
	FILE *f = fopen(path, "re");
	long n;
	snprintf(buf, len, "(%s)", f ? "no proc line" : nsx_errname(errno));
	while (f && fgets(buf, (int)len, f)) {
		if (sscanf(buf, "proc %ld", &n) == 1) {
			snprintf(buf, len, "proc %s (%s the file's name)", nsx_name(0, n),
			         n == pid ? "is" : "is not");
			break;
		}
		snprintf(buf, len, "(no proc line)");
	}
	if (f)
		fclose(f);
	return buf;
}

/* After who's what: the files binder_logs/proc gained since the last call,
 * and the proc line of the one; returns the number it is named by (the
 * last, if several). */
static long show_gain(const char *who, const char *what)
{
	static long before[16];
	static int nb;
	long after[16], g = 0;
	int na = 0, count = 0;
	char line[64];
	DIR *d = NSX_TRY_PTR(opendir(procs));
	for (struct dirent *e; (e = readdir(d));)
		if (e->d_name[0] != '.' && na < 16)
			after[na++] = strtol(e->d_name, NULL, 10);
	closedir(d);
	for (int i = 0; i < na; i++) {
		int seen = 0;
		for (int j = 0; j < nb; j++)
			seen |= after[i] == before[j];
		if (!seen) {
			g = after[i];
			count++;
		}
	}
	memcpy(before, after, sizeof(after));
	nb = na;
	printf("%-3s %s: binder_logs/proc gains ", who, what);
	if (count == 0)
		printf("nothing\n");
	else if (count > 1)
		printf("%d files\n", count);
	else
		printf("%s, its proc line: %s\n", nsx_name(0, g),
		       first_line(g, line, sizeof(line)));
	return g;
}

/* What reader reads on device dev. */
static void show_txn(int reader, int dev)
{
	const long *o = nsx_by(reader, do_recv, dev, 0, 0)->v;
	const char *who = nsx_task_name(reader);
	if (o[0] < 0)
		printf("%-3s reads: %s\n", who, nsx_res(o[0]));
	else
		printf("%-3s reads %s: sender_pid %s, sender_euid %ld\n", who,
		       o[1] == 1 ? "BR_TRANSACTION" : "BR_REPLY", nsx_name(reader, o[2]), o[3]);
}

static void clean(void)
{
	close(bfd[0]); /* -1 if never opened: EBADF, harmless */
	close(bfd[1]);
}

NSX_CASE(.family = "Device drivers", .rows = "27.1 27.2 27.4",
         .kconfig = "CONFIG_ANDROID_BINDER_IPC CONFIG_ANDROID_BINDERFS",
         .root = "binderfs' stats=global",
         .finding =
                 "Binder numbers a transaction's sender for the receiver (`binder_thread_read()`: "
                 "`task_tgid_nr_ns()`), but BINDER_FREEZE and BINDER_GET_FROZEN_INFO take a "
                 "*global* tgid as input (`target_proc->pid`), and binderfs' "
                 "`binder_logs/proc/<pid>` files are named and filled with global numbers: a "
                 "container that freezes its own binder clients must know their host pids: "
                 "`binder_pids`.");

int main(void)
{
	nsx_init("top", "outer");
	dir = nsx_mount_fs("binder", "stats=global", "CONFIG_ANDROID_BINDERFS");
	snprintf(procs, sizeof(procs), "%s/binder_logs/proc", dir);
	atexit(clean);
	char path[128];
	snprintf(path, sizeof(path), "%s/binder-control", dir);
	int ctl = NSX_TRY(open(path, O_RDONLY | O_CLOEXEC));
	for (int i = 0; i < 2; i++) {
		struct binderfs_device dev = {.name = {(char)('a' + i)}};
		NSX_TRY(ioctl(ctl, BINDER_CTL_ADD, &dev));
	}
	close(ctl);

	int c = nsx_spawn_agent("c", "inner");
	printf("# binder_pids: sender_pid is the reader's number for the sender; the "
	       "log files and the freeze ioctls use global tgids\n");
	NSX_TRY_NEG(nsx_by(0, do_open, 0, 0, 0)->v[0]);
	NSX_TRY_NEG(nsx_by(0, do_open, 1, 0, 0)->v[0]);
	show_gain("top", "opens a and b");
	printf("c   opens a: %s\n", nsx_res(nsx_do(c, do_open, 0, 0, 0)->v[0]));
	long g_c = show_gain("c", "opened a"); /* the number c's log file is named by */
	printf("c   opens b: %s\n", nsx_res(nsx_do(c, do_open, 1, 0, 0)->v[0]));
	show_gain("c", "opened b");

	printf("top becomes a's context manager: %s\n", nsx_res(nsx_by(0, do_mgr, 0, 0, 0)->v[0]));
	printf("c   becomes b's context manager: %s\n", nsx_res(nsx_do(c, do_mgr, 1, 0, 0)->v[0]));
	printf("c   sends on a: %s\n", nsx_res(nsx_do(c, do_send, 0, 0, 0)->v[0]));
	show_txn(0, 0);
	show_txn(c, 0);
	printf("top sends on b: %s\n", nsx_res(nsx_by(0, do_send, 1, 0, 0)->v[0]));
	show_txn(c, 1);
	show_txn(0, 1);

	long own = nsx_nr_in(c, nsx_ns_of(c));
	printf("c   BINDER_GET_FROZEN_INFO pid %ld (its own number): %s\n", own,
	       nsx_res(nsx_do(c, do_frozen, own, 0, 0)->v[0]));
	printf("c   BINDER_GET_FROZEN_INFO pid %s (its log file's): %s\n", nsx_name(0, g_c),
	       nsx_res(nsx_do(c, do_frozen, g_c, 0, 0)->v[0]));
	printf("top BINDER_GET_FROZEN_INFO pid %s: %s\n", nsx_name(0, nsx_pid(c)),
	       nsx_res(nsx_by(0, do_frozen, nsx_pid(c), 0, 0)->v[0]));
	printf("c   BINDER_FREEZE enable 0 pid %ld (its own number): %s\n", own,
	       nsx_res(nsx_do(c, do_frozen, own, 1, 0)->v[0]));
	printf("c   BINDER_FREEZE enable 0 pid %s (its log file's): %s\n", nsx_name(0, g_c),
	       nsx_res(nsx_do(c, do_frozen, g_c, 1, 0)->v[0]));
	nsx_exit();
}
