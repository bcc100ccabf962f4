// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of lib/: pid naming, symbolic names, NSpid parsing, the channel. */
#include "internal.h"
#include "nsx.h"

#include <check.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* outer (level 0) with inner and sib below it; c below inner. */
static struct nsx_table tb;

static void add_ns(const char *name, int parent, int level)
{
	struct nsx_ns *n = &tb.ns[tb.nns++];
	snprintf(n->name, sizeof(n->name), "%s", name);
	n->parent = parent;
	n->level = level;
}

static void add_task(const char *name, int ns, int n0, int n1, int n2)
{
	struct nsx_task *t = &tb.task[tb.ntasks++];
	snprintf(t->name, sizeof(t->name), "%s", name);
	t->ns = ns;
	t->level = tb.ns[ns].level;
	t->nr[0] = n0;
	t->nr[1] = n1;
	t->nr[2] = n2;
}

static void setup_table(void)
{
	memset(&tb, 0, sizeof(tb));
	add_ns("outer", -1, 0);
	add_ns("inner", 0, 1);
	add_ns("sib", 0, 1);
	add_ns("c", 1, 2);
	add_task("top", 0, 1000, 0, 0);
	add_task("init", 1, 1001, 1, 0);
	add_task("member", 1, 1002, 2, 0);
	add_task("sibinit", 2, 1003, 1, 0);
	add_task("deep", 3, 1004, 3, 1);
}

static const char *nm(int ns, long v)
{
	static char buf[8][128];
	static int r;
	return nsx_name_in(&tb, ns, v, buf[r++ % 8], sizeof(buf[0]));
}

START_TEST(name_in_own_namespace)
{
	ck_assert_str_eq(nm(1, 1), "init");
	ck_assert_str_eq(nm(1, 2), "member");
	ck_assert_str_eq(nm(0, 1001), "init");
	ck_assert_str_eq(nm(0, 1000), "top");
	ck_assert_str_eq(nm(3, 1), "deep");
	ck_assert_str_eq(nm(1, 3), "deep");
	ck_assert_str_eq(nm(0, 1004), "deep");
}
END_TEST

START_TEST(name_zero_and_unknown)
{
	ck_assert_str_eq(nm(1, 0), "0");
	ck_assert_str_eq(nm(0, 0), "0");
	ck_assert_str_eq(nm(1, 999), "unknown");
	ck_assert_str_eq(nm(0, -1), "unknown");
	/* top is not visible in inner: its outer number names nobody there. */
	ck_assert_str_eq(nm(2, 2), "member@inner");
}
END_TEST

START_TEST(name_right_task_wrong_namespace)
{
	/* The outer number leaking into inner. */
	ck_assert_str_eq(nm(1, 1000), "top@outer");
	ck_assert_str_eq(nm(1, 1002), "member@outer");
	/* An inner number leaking out: ambiguous ones are all listed, sorted. */
	ck_assert_str_eq(nm(0, 1), "deep@c|init@inner|sibinit@sib");
	ck_assert_str_eq(nm(0, 2), "member@inner");
	/* A sibling's number. */
	ck_assert_str_eq(nm(2, 3), "deep@inner");
}
END_TEST

START_TEST(name_truncates_safely)
{
	char small[8];
	nsx_name_in(&tb, 0, 1, small, sizeof(small));
	ck_assert_int_eq((int)strlen(small), 7);
}
END_TEST

START_TEST(symbolic_names)
{
	ck_assert_str_eq(nsx_errname(ESRCH), "ESRCH");
	ck_assert_str_eq(nsx_errname(EINVAL), "EINVAL");
	ck_assert_str_eq(nsx_errname(0), "0");
	ck_assert_str_eq(nsx_errname(4000), "errno4000");
	ck_assert_str_eq(nsx_signame(SIGKILL), "SIGKILL");
	ck_assert_str_eq(nsx_signame(SIGRTMIN), "SIGRTMIN");
	ck_assert_str_eq(nsx_signame(SIGRTMIN + 1), "SIGRTMIN+1");
	ck_assert_str_eq(nsx_sicode(SIGUSR1, SI_USER), "SI_USER");
	ck_assert_str_eq(nsx_sicode(SIGUSR1, SI_TKILL), "SI_TKILL");
	ck_assert_str_eq(nsx_sicode(SIGCHLD, CLD_CONTINUED), "CLD_CONTINUED");
	ck_assert_str_eq(nsx_sicode(SIGIO, POLL_IN), "POLL_IN");
	ck_assert_str_eq(nsx_sicode(SIGUSR1, 77), "si_code77");
	ck_assert_str_eq(nsx_sicode(SIGTRAP, SIGTRAP | 128 << 8), "SIGTRAP|PTRACE_EVENT_STOP<<8");
	ck_assert_str_eq(nsx_sicode(SIGTRAP, SIGTRAP | 6 << 8), "SIGTRAP|PTRACE_EVENT_EXIT<<8");
	ck_assert_str_eq(nsx_sicode(SIGTRAP, SIGTRAP | 9 << 8), "si_code2309");
}
END_TEST

/* A fake proc directory holding <pid>/status files. */
static int fake_proc(const char *status)
{
	char dir[] = "/tmp/nsx-proc-XXXXXX", path[128];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/42", dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/42/status", dir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(status, f);
	fclose(f);
	int fd = open(dir, O_PATH | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	unlink(path);
	snprintf(path, sizeof(path), "%s/42", dir);
	rmdir(path);
	rmdir(dir);
	return fd;
}

START_TEST(nspid_parse)
{
	long nr[8];
	/* The directory is gone by now: openat() on the fd must fail cleanly. */
	int fd = fake_proc("Name:\tx\nNSpid:\t1007\t5\t1\nNSpgid:\t9\n");
	ck_assert_int_eq(nsx_read_nspid(fd, "42", nr, 8), -1);
	close(fd);
	/* The real /proc: our own NSpid ends in our getpid(). */
	fd = open("/proc", O_PATH | O_DIRECTORY);
	int n = nsx_read_nspid(fd, "self", nr, 8);
	ck_assert_int_ge(n, 1);
	ck_assert_int_eq(nr[n - 1], getpid());
	close(fd);
}
END_TEST

START_TEST(nspid_parse_fields)
{
	char dir[] = "/tmp/nsx-proc-XXXXXX", path[128];
	long nr[8];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/42", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/42/status", dir);
	FILE *f = fopen(path, "w");
	fputs("Name:\tx\nTgid:\t3\nNSpid:\t1007\t5\t1\nNSpgid:\t9\n", f);
	fclose(f);
	int fd = open(dir, O_PATH | O_DIRECTORY);
	ck_assert_int_eq(nsx_read_nspid(fd, "42", nr, 8), 3);
	ck_assert_int_eq(nr[0], 1007);
	ck_assert_int_eq(nr[1], 5);
	ck_assert_int_eq(nr[2], 1);
	ck_assert_int_eq(nsx_read_nspid(fd, "42", nr, 2), 2);
	ck_assert_int_eq(nsx_read_nspid(fd, "43", nr, 8), -1);
	close(fd);
	unlink(path);
	snprintf(path, sizeof(path), "%s/42", dir);
	rmdir(path);
	rmdir(dir);
}
END_TEST

START_TEST(read_text)
{
	char dir[] = "/tmp/nsx-text-XXXXXX", path[128], buf[8];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	FILE *f = fopen(path, "w");
	fputs("vhost-42\n", f);
	fclose(f);
	int fd = open(dir, O_PATH | O_DIRECTORY);
	/* Truncated to len - 1 bytes, always NUL-terminated. */
	ck_assert_int_eq(nsx_read_text(fd, "f", buf, sizeof(buf)), 7);
	ck_assert_str_eq(buf, "vhost-4");
	ck_assert_int_eq(nsx_read_text(AT_FDCWD, path, buf, 4), 3);
	ck_assert_str_eq(buf, "vho");
	/* A missing file: -errno and an empty buffer. */
	ck_assert_int_eq(nsx_read_text(fd, "nothing", buf, sizeof(buf)), -ENOENT);
	ck_assert_str_eq(buf, "");
	/* Written in one write(2), formatted, from the start (no O_TRUNC). */
	ck_assert_int_eq(nsx_write_text(fd, "f", "%s-%d", "w", 7), 0);
	ck_assert_int_eq(nsx_read_text(fd, "f", buf, sizeof(buf)), 7);
	ck_assert_str_eq(buf, "w-7st-4");
	ck_assert_int_eq(nsx_write_text(fd, "nothing/f", "x"), -ENOENT);
	/* Numbers: up to the first word that is none, at most max. */
	long nr[4];
	ck_assert_int_eq(nsx_numbers(" 12\n-3 7x 9", nr, 4), 3);
	ck_assert_int_eq(nr[0], 12);
	ck_assert_int_eq(nr[1], -3);
	ck_assert_int_eq(nr[2], 7);
	ck_assert_int_eq(nsx_numbers("1 2 3 4 5", nr, 2), 2);
	ck_assert_int_eq(nsx_numbers("", nr, 4), 0);
	ck_assert_int_eq(nsx_write_text(fd, "f", "4 5\n"), 0);
	ck_assert_int_eq(nsx_read_numbers(fd, "f", nr, 4), 2);
	ck_assert_int_eq(nr[1], 5);
	ck_assert_int_eq(nsx_read_numbers(fd, "nothing", nr, 4), -ENOENT);
	/* Fields: the line's own name only, first line too, blanks skipped. */
	const char *st = "Pid:\t7\n\nNSpid:\t7 1\nTgid: x\nNSpidx: 9\nEmpty:\n";
	ck_assert_str_eq(nsx_field(st, "Pid"), "7");
	ck_assert_str_eq(nsx_field(st, "NSpid"), "7 1");
	ck_assert_str_eq(nsx_field(st, "Empty"), "");
	ck_assert_str_eq(nsx_field(st, "Tg"), "");
	ck_assert_str_eq(nsx_field(st, "id"), "");
	ck_assert_int_eq(nsx_write_text(fd, "f", "a: 1\nb:\t2 3\n"), 0);
	ck_assert_str_eq(nsx_read_field(fd, "f", "b"), "2 3");
	ck_assert_str_eq(nsx_read_field(fd, "nothing", "b"), "");
	close(fd);
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(sysvipc_field)
{
	char path[] = "/tmp/nsx-sysvipc-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	static const char text[] = "       key      msqid perms      cbytes       qnum lspid lrpid "
	                           "  uid   gid  cuid  cgid\n"
	                           "         0          3   600           0          0     0     0 "
	                           "    0     0     0     0\n"
	                           "         0         32   600           8          1  4242     0 "
	                           "  100   200   100   200\n";
	ck_assert_int_eq(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	/* By the second column, from the start of the file whatever was read. */
	ck_assert_int_eq(nsx_sysvipc_field(fd, 32, 5), 4242);
	ck_assert_int_eq(nsx_sysvipc_field(fd, 32, 8), 200);
	ck_assert_int_eq(nsx_sysvipc_field(fd, 3, 2), 600);
	/* The header is not a line of numbers; no such id; no such column. */
	ck_assert_int_eq(nsx_sysvipc_field(fd, 7, 1), -ENOENT);
	ck_assert_int_eq(nsx_sysvipc_field(fd, 32, 11), -ENOENT);
	close(fd);
	ck_assert_int_eq(nsx_sysvipc_field(fd, 32, 5), -EBADF);
	unlink(path);
}
END_TEST

/* The channel and barriers, without new namespaces (no privilege needed). */
static int echo_fn(void *arg)
{
	(void)arg;
	NSX_SEND("first", 1, 2, 3);
	nsx_step();
	NSX_SEND("second", (long)getppid());
	return 0;
}

START_TEST(channel_order_and_steps)
{
	nsx_init("top", "outer");
	int a = nsx_spawn("a", NULL, echo_fn, NULL);
	int b = nsx_spawn("b", NULL, echo_fn, NULL);
	/* Received in the order asked for, whatever the order of arrival. */
	const struct nsx_msg *mb = nsx_recv(b, "first");
	const struct nsx_msg *ma = nsx_recv(a, "first");
	ck_assert_int_eq(mb->task, b);
	ck_assert_int_eq(ma->task, a);
	ck_assert_int_eq(ma->n, 3);
	ck_assert_int_eq(ma->v[2], 3);
	nsx_go(b);
	nsx_go(a);
	ck_assert_str_eq(nsx_name(a, nsx_recv(a, "second")->v[0]), "top");
	ck_assert_str_eq(nsx_name(b, nsx_recv(b, "second")->v[0]), "top");
	ck_assert_str_eq(nsx_name(0, nsx_pid(a)), "a");
	ck_assert_int_eq(nsx_table()->task[a].forked, nsx_pid(a));
	nsx_reap_all();
}
END_TEST

static int failing_fn(void *arg)
{
	(void)arg;
	nsx_fail("deliberate failure %d", 7);
}

/* Run body as the top of a case in a child (stderr quiet); its exit code. */
static int as_top(void (*body)(void))
{
	pid_t p = fork();
	if (p == 0) {
		int e = open("/dev/null", O_WRONLY);
		dup2(e, 2);
		nsx_init("top", "outer");
		body();
		_exit(0);
	}
	int st;
	ck_assert_int_eq(waitpid(p, &st, 0), p);
	ck_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* as_top(), with the top's stderr in err (len bytes, NUL-terminated). */
static int as_top_err(void (*body)(void), char *err, size_t len)
{
	char path[] = "/tmp/nsx-test-err.XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	unlink(path);
	pid_t p = fork();
	if (p == 0) {
		dup2(fd, 2);
		nsx_init("top", "outer");
		body();
		_exit(0);
	}
	int st;
	ck_assert_int_eq(waitpid(p, &st, 0), p);
	ssize_t n = pread(fd, err, len - 1, 0);
	err[n > 0 ? n : 0] = '\0';
	close(fd);
	ck_assert(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void try_bad_close(void)
{
	ck_assert_int_eq(NSX_TRY(dup(0)) >= 0, 1);
	NSX_TRY(close(-1));
}

static void try_neg(void)
{
	NSX_TRY_NEG(-ESRCH);
}

static void try_in_task_fn_body(void)
{
	NSX_TRY_ERR(EAGAIN);
}

static int try_in_task_fn(void *arg)
{
	(void)arg;
	try_in_task_fn_body();
	return 0;
}

static void try_in_task(void)
{
	nsx_recv(nsx_spawn("t", NULL, try_in_task_fn, NULL), "never");
}

START_TEST(try_names_the_expression)
{
	char err[512], want[128];
	ck_assert_int_eq(as_top_err(try_bad_close, err, sizeof(err)), NSX_EXIT_ERROR);
	snprintf(want, sizeof(want), "nsx: error: close(-1): EBADF (%s:", __FILE__);
	ck_assert_msg(strstr(err, want), "stderr: %s", err);
	/* from a task: the top says which task */
	ck_assert_int_eq(as_top_err(try_in_task, err, sizeof(err)), NSX_EXIT_ERROR);
	ck_assert_msg(strstr(err, "task t: EAGAIN: EAGAIN ("), "stderr: %s", err);
	errno = ENOENT;
	ck_assert_ptr_eq(NSX_TRY_PTR(err), err);
	ck_assert_int_eq(NSX_TRY_NEG(3L), 3);
	ck_assert_int_eq(as_top_err(try_neg, err, sizeof(err)), NSX_EXIT_ERROR);
	ck_assert_msg(strstr(err, "nsx: error: -ESRCH: ESRCH ("), "stderr: %s", err);
}
END_TEST

static void act_report(const long *arg)
{
	NSX_REPLY(getpid(), arg[0] + arg[1] + arg[2]);
}

static void act_self(NSX_UNUSED const long *arg)
{
	NSX_REPLY(nsx_self());
}

static void actions(void)
{
	int a = nsx_spawn_agent("a", NULL);
	const struct nsx_msg *m = nsx_do(a, act_report, 1, 2, 3);
	ck_assert_str_eq(nsx_name(a, m->v[0]), "a");
	ck_assert_int_eq(m->v[1], 6);
	ck_assert_str_eq(nsx_task_name(a), "a");
	ck_assert_str_eq(nsx_task_name(99), "?");
	nsx_ask(a, act_report, 4, 5, 6);
	ck_assert_int_eq(nsx_recv(a, "reply")->v[1], 15);
	/* agents made by an agent and by the top: each the child of its maker */
	int b = nsx_spawn_agent_by(a, "b", NULL), t = nsx_spawn_agent_by(nsx_self(), "t", NULL);
	ck_assert_str_eq(nsx_name(b, nsx_do(b, act_report, 0, 0, 0)->v[0]), "b");
	ck_assert_int_eq(nsx_forked(b), nsx_pid(b));
	ck_assert_str_eq(nsx_task_name(t), "t");
	ck_assert_int_eq(nsx_table()->task[b].spawner, a);
	ck_assert_int_eq(nsx_table()->task[t].spawner, nsx_self());
	/* a thread of b that runs actions of its own */
	int bt = nsx_agent_thread_by(b, "bt");
	ck_assert_int_eq(nsx_do(bt, act_self, 0, 0, 0)->v[0], bt);
	ck_assert_str_eq(nsx_name(b, nsx_do(bt, act_report, 0, 0, 0)->v[0]), "b");
	nsx_reap_all();
}

START_TEST(actions_run_in_the_task)
{
	char err[512];
	ck_assert_msg(as_top_err(actions, err, sizeof(err)) == 0, "stderr: %s", err);
}
END_TEST

static void act_add(const long *arg)
{
	NSX_REPLY(nsx_self(), arg[0] + arg[1] + arg[2]);
}

static void scene_and_by(void)
{
	struct nsx_scene s = nsx_scene(NSX_SCENE_C2T | NSX_SCENE_X);
	ck_assert_str_eq(nsx_task_name(s.c), "c");
	ck_assert_str_eq(nsx_task_name(s.c2t), "c2t");
	ck_assert_str_eq(nsx_ns_name(s.inner), "inner");
	ck_assert_str_eq(nsx_ns_name(s.sib), "sib");
	ck_assert_int_eq(nsx_ns_of(s.c2), s.inner);
	ck_assert_int_eq(nsx_ns_of(s.x), s.sib);
	ck_assert_int_eq(nsx_ns_level(s.inner), nsx_ns_level(s.outer) + 1);
	/* c2 is c's child: number 2 in inner */
	ck_assert_int_eq(nsx_nr_in(s.c2, s.inner), 2);
	ck_assert_int_eq(nsx_by(s.x, act_add, 1, 2, 3)->v[0], s.x);
	int f = nsx_open_ns(s.c, "pid");
	ck_assert_int_ge(f, 0);
	close(f);
	ck_assert_int_eq(nsx_open_ns(s.c, "nothing"), -1);
	ck_assert_int_eq(nsx_lookup("c2t"), s.c2t);
	ck_assert_int_eq(nsx_lookup("nobody"), -1);
	const struct nsx_msg *m = nsx_by(s.top, act_add, 4, 5, 6);
	ck_assert_int_eq(m->v[0], s.top);
	ck_assert_int_eq(m->v[1], 15);
	long list[4] = {3, nsx_pid(s.c), 0, nsx_nr_in(s.c2, s.inner)};
	ck_assert_str_eq(nsx_name_list(s.top, list), " c 0 c2@inner");
	ck_assert_str_eq(nsx_name_list(s.c, (long[]){1, 1}), " c");
	ck_assert_str_eq(nsx_name_list(s.c, (long[]){0}), "");
	ck_assert_str_eq(nsx_name_list(s.c, (long[]){-ESRCH}), " ESRCH");
	s = nsx_scene(0);
	ck_assert_int_eq(s.c2, -1);
	nsx_scene_c2(&s, NSX_SCENE_C2);
	ck_assert_int_eq(nsx_do(s.c2, act_add, 1, 1, 1)->v[0], s.c2);
	int th = nsx_thread("th", NULL, NULL), pk = nsx_thread("pk", nsx_parked, NULL);
	ck_assert_int_eq(nsx_do(th, act_add, 1, 2, 3)->v[0], th);
	ck_assert_int_eq(nsx_task_ready(pk), 1);
	ck_assert_int_eq(nsx_task_nr(th, nsx_task_level(th)) != nsx_pid(s.top), 1);
	s = nsx_scene(NSX_SCENE_PARKED);
	ck_assert_str_eq(nsx_task_name(s.c2), "c2");
	ck_assert_int_eq(nsx_ns_of(s.c2), s.inner);
	nsx_reap_all();
}

static int exit3(void *arg)
{
	(void)arg;
	return 3;
}

static int caps_dropped(void *arg)
{
	char buf[2048];
	(void)arg;
	long r = nsx_drop_caps();
	nsx_read_text(AT_FDCWD, "/proc/thread-self/status", buf, sizeof(buf));
	NSX_SEND("caps", r, strstr(buf, "CapEff:\t0000000000000000") != NULL);
	nsx_park();
}

static void signal_values(void)
{
	long v[6];
	char out[256];
	nsx_block(SIGUSR1);
	kill(getpid(), SIGUSR1);
	nsx_sigwait_v(SIGUSR1, v);
	ck_assert_str_eq(nsx_siginfo_v(0, v), "SIGUSR1 si_code=SI_USER si_pid=top si_uid=0");
	int t = nsx_spawn("t", NULL, exit3, NULL);
	ck_assert_int_eq(nsx_waitid(nsx_pid(t), WEXITED, v), 0);
	ck_assert_str_eq(nsx_siginfo_v(0, v),
	                 "SIGCHLD si_code=CLD_EXITED si_pid=t si_uid=0 si_status=3");
	ck_assert_int_eq(nsx_waitid(nsx_pid(t), WEXITED, v), -ECHILD);
	ck_assert_int_eq(v[0], -1);
	ck_assert_str_eq(nsx_cred_str(0, (long[]){1, getpid(), 5, 6}), "pid=top uid=5 gid=6");
	ck_assert_str_eq(nsx_cred_str(0, (long[]){0, 0, 0, 0}), "no credentials");
	ck_assert_str_eq(nsx_cred_str(0, (long[]){-EAGAIN, 0, 0, 0}), "EAGAIN");
	const long *c = nsx_recv(nsx_spawn("d", NULL, caps_dropped, NULL), "caps")->v;
	ck_assert_int_eq(c[0], 0);
	ck_assert_int_eq(c[1], 1);
	/* nsx_sig_row(): one line on stdout */
	FILE *f = tmpfile();
	ck_assert_ptr_nonnull(f);
	fflush(stdout);
	int saved = dup(1);
	dup2(fileno(f), 1);
	kill(getpid(), SIGUSR1);
	nsx_send_siginfo("k", SIGUSR1);
	nsx_sig_row(12, "kill(top)", 0, 0, "k");
	fflush(stdout);
	dup2(saved, 1);
	size_t n = (size_t)pread(fileno(f), out, sizeof(out) - 1, 0);
	out[n] = '\0';
	ck_assert_str_eq(out, "kill(top)=0: SIGUSR1 si_code=SI_USER si_pid=top si_uid=0\n");
	fclose(f);
	nsx_reap_all();
}

START_TEST(signal_values_waitid_creds)
{
	char err[512];
	ck_assert_msg(as_top_err(signal_values, err, sizeof(err)) == 0, "stderr: %s", err);
}
END_TEST

START_TEST(scene_tasks_and_actions_by_top)
{
	char err[512];
	int r = as_top_err(scene_and_by, err, sizeof(err));
	if (r == NSX_EXIT_SKIP || strstr(err, "EPERM"))
		return; /* no pid namespaces for this user */
	ck_assert_msg(r == 0, "stderr: %s", err);
}
END_TEST

static void fail_in_task(void)
{
	nsx_recv(nsx_spawn("bad", NULL, failing_fn, NULL), "never");
}

static void wait_for_nothing(void)
{
	setenv("NSX_TIMEOUT_MS", "100", 1);
	nsx_recv(nsx_spawn("quiet", NULL, echo_fn, NULL), "never");
}

static void skip_now(void)
{
	nsx_skip("no reason");
}

START_TEST(task_failure_reaches_top)
{
	/* The top must exit 1 when a task fails. */
	ck_assert_int_eq(as_top(fail_in_task), NSX_EXIT_ERROR);
}
END_TEST

START_TEST(recv_times_out)
{
	ck_assert_int_eq(as_top(wait_for_nothing), NSX_EXIT_ERROR);
}
END_TEST

NSX_CASE(.family = "lib's unit tests", .rows = "1.2 U.5", .kconfig = "CONFIG_A CONFIG_B_2=m",
         .variants = "shared-siginfo x2");

START_TEST(declaration_checked)
{
	ck_assert_ptr_null(nsx_case_malformed(&nsx_case));
	static const struct nsx_case bad[] = {
	        {.rows = "1.2"},
	        {.family = "f", .rows = "1."},
	        {.family = "f", .rows = "x.2"},
	        {.family = "f", .kconfig = "A"},
	        {.family = "f", .kconfig = "CONFIG_A=y"},
	        {.family = "f", .kconfig = "CONFIG_a"},
	        {.family = "f", .min_kernel = "6"},
	        {.family = "f", .min_kernel = "six.14"},
	        {.family = "f", .variants = "Shared"},
	        {.family = "f", .finding = ""},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(nsx_case_malformed(&bad[i]) != NULL, "declaration %zu passed", i);
}
END_TEST

START_TEST(skip_exit_code)
{
	ck_assert_int_eq(as_top(skip_now), NSX_EXIT_SKIP);
}
END_TEST

START_TEST(netlink_build_and_find)
{
	struct nsx_nl m;
	struct genlmsghdr g = {.cmd = 7, .version = 1};
	uint32_t v = 42, got;
	int len;
	ck_assert_int_eq(
	        ((struct genlmsghdr *)nsx_nl_start(&m, 30, NLM_F_DUMP, &g, sizeof(g)))->cmd, 7);
	nsx_nl_put(&m, 1, &v, sizeof(v));
	void *nest = nsx_nl_put(&m, 2 | NLA_F_NESTED, NULL, 0);
	nsx_nl_put(&m, 3, "abc", 4);
	nsx_nl_nest_end(&m, nest);
	nsx_nl_put(&m, 4, NULL, 2);
	const struct nlmsghdr *h = (const void *)m.buf;
	ck_assert_int_eq(h->nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP);
	memcpy(&got, nsx_nl_attr(h, GENL_HDRLEN, 1, &len), sizeof(got));
	ck_assert_int_eq(got, 42);
	ck_assert_int_eq(len, 4);
	/* found inside the nest, and inside it alone */
	ck_assert_str_eq(nsx_nl_attr(h, GENL_HDRLEN, 3, NULL), "abc");
	const void *in = nsx_nl_attr(h, GENL_HDRLEN, 2, &len);
	ck_assert_int_eq(len, 8);
	ck_assert_str_eq(nsx_nl_attr_in(in, len, 3, NULL), "abc");
	ck_assert_ptr_null(nsx_nl_attr_in(in, len, 1, NULL));
	ck_assert_int_eq(((const char *)nsx_nl_attr(h, GENL_HDRLEN, 4, &len))[1], 0);
	ck_assert_ptr_null(nsx_nl_attr(h, GENL_HDRLEN, 5, &len));
	ck_assert_int_eq(len, 0);
	/* the kernel's own family, asked of the kernel */
	ck_assert_int_eq(nsx_genl_family("nlctrl"), GENL_ID_CTRL);
	ck_assert_int_eq(nsx_genl_family("no-such-family"), -ENOENT);
}
END_TEST

static Suite *lib_suite(void)
{
	Suite *s = suite_create("lib");
	TCase *t = tcase_create("names");
	tcase_add_checked_fixture(t, setup_table, NULL);
	tcase_add_test(t, name_in_own_namespace);
	tcase_add_test(t, name_zero_and_unknown);
	tcase_add_test(t, name_right_task_wrong_namespace);
	tcase_add_test(t, name_truncates_safely);
	tcase_add_test(t, symbolic_names);
	suite_add_tcase(s, t);
	t = tcase_create("proc");
	tcase_add_test(t, nspid_parse);
	tcase_add_test(t, nspid_parse_fields);
	tcase_add_test(t, read_text);
	tcase_add_test(t, sysvipc_field);
	tcase_add_test(t, netlink_build_and_find);
	suite_add_tcase(s, t);
	t = tcase_create("channel");
	tcase_add_test(t, channel_order_and_steps);
	tcase_add_test(t, task_failure_reaches_top);
	tcase_add_test(t, recv_times_out);
	tcase_add_test(t, skip_exit_code);
	tcase_add_test(t, declaration_checked);
	tcase_add_test(t, try_names_the_expression);
	tcase_add_test(t, actions_run_in_the_task);
	tcase_add_test(t, scene_tasks_and_actions_by_top);
	tcase_add_test(t, signal_values_waitid_creds);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(lib_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
