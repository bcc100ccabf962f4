/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nsx.h - the helpers every nsxlate case uses.
 *
 * A case is one program.  Its main() calls nsx_init() and becomes the
 * "top" task: the narrator, the only process that prints.  Other tasks are
 * made with nsx_spawn(), optionally each in a new pid namespace; they observe
 * and send raw numbers back with NSX_SEND(); the top receives them in the
 * order it chooses with nsx_recv() and prints them, naming pids with
 * nsx_name().  So output never interleaves and never depends on scheduling.
 *
 * Every task has a name.  When it starts, each task reads its own NSpid
 * (through the /proc that was mounted when the case began) into a table in
 * shared memory, so the top knows every task's number at every level.
 *
 * Exit codes (kselftest's): 0 = the output is to be compared, 4 = skip (the
 * reason on stderr as "nsx: skip: ..."), anything else = setup error.
 *
 * Every wait here is bounded by NSX_TIMEOUT_MS (environment, default 5000):
 * a case cannot hang on its own helpers.
 */
#ifndef NSX_H
#define NSX_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define NSX_EXIT_OK    0
#define NSX_EXIT_ERROR 1
#define NSX_EXIT_SKIP  4 /* as kselftest's KSFT_SKIP */

#define NSX_MAX_TASKS 64
#define NSX_MAX_NS    48
#define NSX_MAX_LEVEL 40 /* kernel MAX_PID_NS_LEVEL is 32, plus our ancestors */
#define NSX_NAME_LEN  24
#define NSX_MSG_VALS  16

/* A pid namespace a case knows of: its name, its parent's index, its level. */
struct nsx_ns {
	char name[NSX_NAME_LEN];
	int parent; /* index in nsx_table.ns, -1 for the proc mount's namespace */
	int level;  /* 0 = the namespace of the /proc mounted when the case began */
};

/* A named task: its namespace and its number at every level down to it. */
struct nsx_task {
	char name[NSX_NAME_LEN];
	int ns;
	int level;
	int32_t nr[NSX_MAX_LEVEL];    /* nr[l] = number in its ancestor ns at level l */
	uint32_t ready;               /* futex word: 1 once nr[] is filled in */
	uint32_t go;                  /* futex word: bumped by nsx_go() */
	int spawner;                  /* index of the task that spawned it */
	int32_t forked;               /* what fork() returned in the spawner */
	void (*act)(const long *arg); /* nsx_do(): the action to run next ... */
	long arg[4];                  /* ... and with what */
};

/* Everything lib knows about the case's tasks (in MAP_SHARED memory). */
struct nsx_table {
	int ntasks;
	int nns;
	struct nsx_ns ns[NSX_MAX_NS];
	struct nsx_task task[NSX_MAX_TASKS];
};

/* One observation sent from a task to the top. */
struct nsx_msg {
	int32_t task;
	int32_t kind; /* NSX_MSG_VAL or NSX_MSG_ERR */
	int32_t n;
	char key[36];
	long v[NSX_MSG_VALS];
	char text[160];
};
#define NSX_MSG_VAL 1
#define NSX_MSG_ERR 2

/* --- what a case is (case.c) ------------------------------------------ */

/*
 * Every case declares, once, what it is and what it needs, at file scope:
 *
 *   NSX_CASE(.family = "pidfds", .rows = "5.1 5.2", .kconfig = "CONFIG_X",
 *            .root = "why root in the initial user namespace is needed");
 *
 * A case without one does not link (lib refers to nsx_case); a malformed one
 * fails when it starts.  nsx_init() enforces min_kernel, guest, root and
 * own_pidns, in that order, skipping with words made from the declaration;
 * kconfig is what the kernel must be built with (make vm's vm/config and the
 * kselftest config fragment hold it), and the case's own probes, which must
 * observe the kernel, skip where it is missing.  With NSX_META set, the case
 * prints the declaration as one JSON line and exits 0 (nsxrun --meta).
 * Strings of words are separated by single spaces; NULL is "none".
 */
struct nsx_case {
	const char *family;     /* its section of docs/semantics.md (docs/family-rules.txt) */
	const char *rows;       /* the docs/pid-exports.md rows it pins: "1.2 3.4 U.5" */
	const char *kconfig;    /* the kernel options it needs: "CONFIG_A CONFIG_B=m" */
	const char *min_kernel; /* skips below this release ("6.14"): the behaviour is newer */
	const char *root;       /* needs root in the initial user namespace: why */
	const char *guest;      /* guest only (make vm): the machine-wide state it changes */
	const char *own_pidns;  /* writes this of its pid namespace: only in one nsxrun made */
	const char *variants;   /* the labels of its expected/<case>.<label>.out files */
	const char *finding;    /* the inconsistency it pins (docs/findings.md), in a sentence */
};
extern const struct nsx_case nsx_case;
#define NSX_CASE(...) const struct nsx_case nsx_case = {__VA_ARGS__}

/* In the top: flock(LOCK_EX) on dir (a directory of device nodes: /dev/snd)
 * until the case exits, so that the cases reading one device's state every
 * opener shares (its list of clients) take turns, in every run of the suite
 * at once that sees the same dir (the machine's devtmpfs) and under nsxrun
 * -j; fails the case if the lock is not free within nsx_timeout_ms(). */
void nsx_take_turns(const char *dir);

/* --- setup and exits (tasks.c, exits.c, state.c) ------------------------- */

/* Start a case: the caller becomes task 0 named top_name in namespace ns_name. */
void nsx_init(const char *top_name, const char *ns_name);
/* The shared task table (read-only use in cases). */
struct nsx_table *nsx_table(void);
/* Task i's name ("?" for no task), whether it has registered its numbers
 * (its ready word), what fork() returned for it in its spawner; how many
 * tasks the case has named. */
const char *nsx_task_name(int i);
int nsx_task_ready(int i);
pid_t nsx_forked(int i);
int nsx_ntasks(void);
/* Task i's level (0: the namespace of the proc the case began with) and its
 * number at level l of its chain, l <= its level. */
int nsx_task_level(int i);
pid_t nsx_task_nr(int i, int l);
/* Namespace ns's name and level. */
const char *nsx_ns_name(int ns);
int nsx_ns_level(int ns);
/*
 * One-line checked calls, for set-up a case needs to go on: each is the
 * value of expr, or fails the case (nsx_fail(), from any task) with the
 * expression, the error's name and the line: "pipe2(p, O_CLOEXEC): EMFILE
 * (cases/x.c:42)".  NSX_TRY for a system call's convention (-1 and errno),
 * NSX_TRY_ERR for one that returns 0 or an error number (pthread_*), and
 * NSX_TRY_PTR for a pointer that is NULL on error with errno set, and
 * NSX_TRY_NEG for lib's own "a value, or -errno" (nsx_write_text()).
 */
#define NSX_TRY(expr)     nsx_try_((long)(expr), #expr, __FILE__, __LINE__)
#define NSX_TRY_ERR(expr) nsx_try_err_((expr), #expr, __FILE__, __LINE__)
#define NSX_TRY_PTR(expr) nsx_try_ptr_((expr), #expr, __FILE__, __LINE__)
#define NSX_TRY_NEG(expr) nsx_try_neg_((long)(expr), #expr, __FILE__, __LINE__)
long nsx_try_(long r, const char *expr, const char *file, int line);
void nsx_try_err_(int e, const char *expr, const char *file, int line);
long nsx_try_neg_(long r, const char *expr, const char *file, int line);
void *nsx_try_ptr_(void *p, const char *expr, const char *file, int line);
/* Index of the calling task. */
int nsx_self(void);
/* One of 16 rotating 256-byte buffers, for names lib and cases compose and
 * return (each valid for the next 15 calls, as nsx_name()'s). */
char *nsx_strbuf(void);
/* The text printf makes of fmt, in one of those buffers (cut at 255 bytes):
 * a path or a cell of a row, composed where it is used. */
const char *nsx_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Skip the case with a reason (exit 4); only meaningful in the top. */
_Noreturn void nsx_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Setup error: in the top, report and exit 1; in a task, send it to the top. */
_Noreturn void nsx_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* End the case: check for errors sent by tasks, kill and reap everything. */
_Noreturn void nsx_exit(void);
/* Kill (SIGKILL) and reap every descendant of the caller; safe to repeat. */
void nsx_reap_all(void);
/* The cgroup2 directory nsxrun offers the case (NSX_CGROUP), made with its
 * parent if need be; skips the case, saying why, when there is none.  nsxrun
 * removes it, and every cgroup the case makes below it, after the case. */
const char *nsx_case_cgroup(void);

/* --- terminals (tty.c) ------------------------------------------------- */

/* In the top, before it spawns anything: a mount namespace of its own with a
 * tmpfs on /tmp and a new devpts instance in it (tasks spawned later share it). */
void nsx_own_devpts(void);
/* Open a pty master there (O_CLOEXEC, unlocked); its number in *ptyno. */
int nsx_pty_master(int *ptyno);
/* Open the slave of pty ptyno with extra open flags (O_NOCTTY or 0: a session
 * leader without a terminal then gets it as its controlling terminal). */
int nsx_pty_slave(int ptyno, int flags);

/* --- tasks and namespaces (tasks.c) -------------------------------------- */

/*
 * Run fn(arg) in a new task called name, forked by the caller; with new_ns
 * non-NULL the task is the first process of a new pid namespace of that name
 * (unshare(CLONE_NEWPID), fork(), setns() back, so libc's caches stay right
 * in the child).  Returns once the task has registered its numbers.  A task
 * exits with fn's return value.  If the caller already did unshare(CLONE_NEWPID)
 * itself, new_ns only names the namespace the child lands in.
 */
int nsx_spawn(const char *name, const char *new_ns, int (*fn)(void *), void *arg);
/* nsx_spawn() of a process that only starts a second thread, registered as
 * task `thread`, and parks; returns once both are registered. */
int nsx_spawn_threaded(const char *name, const char *new_ns, const char *thread);
/*
 * In the top: a chain of depth nested pid namespaces below it: tasks
 * <prefix>1..<prefix>depth, task k the init of namespace <nsprefix>k; the
 * deepest runs fn(arg), the others wait in nsx_park().  Returns the number of
 * levels made.  When a level cannot be made, fails the case if err is NULL,
 * else stores unshare()'s errno in *err (0 when all were made) and the
 * deepest level made runs fn.
 */
int nsx_chain(const char *prefix, const char *nsprefix, int depth, int (*fn)(void *), void *arg,
              int *err);
/* In a child made without nsx_spawn() (a raw clone() or clone3(), not sharing
 * memory with its parent): register it as task name, in a new namespace
 * new_ns if it was cloned with CLONE_NEWPID.  The parent learns of it from a
 * message the child sends afterwards. */
int nsx_register_child(const char *name, const char *new_ns);
/* In the top: register its child pid (a number in the top's namespace), made
 * without lib and unable to register itself (it shares the top's memory, as
 * with CLONE_VM), reading its NSpid from /proc. */
int nsx_adopt(const char *name, const char *new_ns, pid_t pid);
/* In a new thread of a task: register it as a task of its own called name (its
 * tid at every level); NSX_SEND and nsx_step in that thread then act for it. */
int nsx_add_thread(const char *name);
/* In the calling task: a second thread, registered as task name (as
 * nsx_add_thread() does), that runs fn(arg) (nsx_parked: it parks), or
 * actions (nsx_serve()) when fn is NULL; its index, once it has registered. */
int nsx_thread(const char *name, int (*fn)(void *), void *arg);
/* Index of the task called name, once it has registered (a task being
 * spawned is waited for, bounded); fails the case if there is none. */
int nsx_find(const char *name);
/* Index of the registered task called name, or -1: no wait, no failure (a
 * name read from the kernel, such as a comm, that may be no task's). */
int nsx_lookup(const char *name);
/* The same for a task that another task spawns, or a thread it makes, when
 * no message can tell the caller it exists: waits (bounded) for it to appear. */
int nsx_await_task(const char *name);
/* A task that has been reaped mid-case: its numbers may be given to other
 * tasks, so it stops naming them (its slot and name stay). */
void nsx_forget(int task);
/* Index of the namespace called name, or -1. */
int nsx_find_ns(const char *name);
/* The namespace of task i. */
int nsx_ns_of(int task);
/* Number of task in namespace ns; 0 when the task is not visible there. */
pid_t nsx_nr_in(int task, int ns);
/* Number of task as the calling task sees it (what kill() takes). */
pid_t nsx_pid(int task);
/* The level of the case's own pid namespace counted from the initial one (0):
 * NSX_PIDNS_LEVEL from nsxrun, else the level of the top in /proc's view. */
int nsx_base_level(void);
/* The namespace at level on task's chain of ancestors, or -1. */
int nsx_ns_at(int task, int level);

/* --- naming (names.c: pure; naming.c: with the live table) ---------------- */

/*
 * The name of value v read in namespace ns: the task whose number it is there;
 * "task@other" when it is that task's number in another namespace (several
 * joined by '|'); "0"; or "unknown".  Writes into buf, returns buf.
 */
char *nsx_name_in(const struct nsx_table *t, int ns, long v, char *buf, size_t len);
/* nsx_name_in() for the live table, as seen by task observer (rotating buffers). */
const char *nsx_name(int observer, long v);
/* nsx_name_in() for the live table, read in namespace ns (rotating buffers). */
const char *nsx_name_ns(int ns, long v);
/* A list of numbers a task read, as task observer sees them: v[0] their
 * count (or -errno), the numbers in v[1..]; each name after a space
 * (" c c2 0"), " ESRCH" for an error, "" for none (rotating buffers). */
const char *nsx_name_list(int observer, const long *v);
/* 0, or -errno if a syscall's result r says it failed (r < 0). */
long nsx_rc(long r);
/* r itself, or -errno if r < 0: for a call whose value is the answer (an
 * fd, a policy, a pid), to be shown by nsx_res() when it failed. */
long nsx_val(long r);
/* "0" for r >= 0, else the name of the errno -r ("ESRCH"). */
const char *nsx_res(long r);
/* Print "<call>=<nsx_res(r)>:" padded to width, then result, as one line. */
void nsx_row(int width, const char *call, long r, const char *result);
/* An errno's symbolic name ("ESRCH"), "0" for 0. */
const char *nsx_errname(int err);
/* A signal's name ("SIGUSR1", "SIGRTMIN+1"). */
const char *nsx_signame(int sig);
/* An si_code's name for signal sig ("SI_USER", "CLD_EXITED", a ptrace event
 * stop's "SIGTRAP|PTRACE_EVENT_STOP<<8"). */
const char *nsx_sicode(int sig, int code);

/* --- channel, barriers and actions (channel.c) ----------------------------- */

/* Send n values under key to the top (atomic pipe write). */
void nsx_send_v(const char *key, const long *v, int n);
#define NSX_SEND(key, ...)                                                                         \
	nsx_send_v((key), (const long[]){__VA_ARGS__},                                             \
	           (int)(sizeof((const long[]){__VA_ARGS__}) / sizeof(long)))
/* In the top: wait for task's (any task's if -1) message key; others are kept.
 * The result stays valid for the next 15 calls. */
const struct nsx_msg *nsx_recv(int task, const char *key);
/* Let task pass its next nsx_step(). */
void nsx_go(int task);
/* Wait for the next nsx_go() on the calling task. */
void nsx_step(void);
/*
 * Actions: a task that calls nsx_serve() runs, for each nsx_do()
 * addressed to it, the function named there with the arguments given
 * (every task is a fork of the same program, so a function means the same
 * in all of them); the action answers with exactly one NSX_REPLY(...),
 * which nsx_do() returns.  For tasks that act on command.
 */
typedef void (*nsx_action)(const long *arg);
/* A task function's or an action's argument it does not use, instead of a
 * "(void)arg;" line: static void do_x(NSX_UNUSED const long *arg). */
#define NSX_UNUSED __attribute__((unused))
const struct nsx_msg *nsx_do(int task, nsx_action fn, long a0, long a1, long a2);
/* nsx_do() that the top may also address to itself (a column of observers
 * that includes top): then fn runs in place, and its reply is returned. */
const struct nsx_msg *nsx_by(int task, nsx_action fn, long a0, long a1, long a2);
/* nsx_do() without waiting: the reply is nsx_recv(task, "reply") later. */
void nsx_ask(int task, nsx_action fn, long a0, long a1, long a2);
/* nsx_spawn() of a task that only runs actions (nsx_serve()). */
int nsx_spawn_agent(const char *name, const char *new_ns);
/* nsx_spawn_agent() done by task by (an agent, or the top itself): the new
 * task is by's child.  name and new_ns must be where every task has them
 * (string literals, or static data set before the tasks were made). */
int nsx_spawn_agent_by(int by, const char *name, const char *new_ns);
/* Task by (an agent, or the top itself) starts a second thread, registered
 * as task name, that runs actions too; its index.  The thread has by's
 * signal mask; name must be where every task has it, as above. */
int nsx_agent_thread_by(int by, const char *name);
_Noreturn void nsx_serve(void);
#define NSX_REPLY(...) NSX_SEND("reply", __VA_ARGS__)
/* Wait to be killed (bounded: exits quietly after four timeouts). */
_Noreturn void nsx_park(void);
/* A task function for nsx_spawn() that only parks: a task that exists to be
 * seen (its arg is ignored). */
int nsx_parked(void *arg);

/* --- the common scene (scene.c) -------------------------------------------- */

/*
 * The topology most cases share, made once (kselftest's FIXTURE_SETUP), by
 * the top: c, the init of a new namespace inner; with NSX_SCENE_C2, c2, a
 * process of inner forked by c; with NSX_SCENE_C2T, c2 with a second thread
 * c2t; with NSX_SCENE_PARKED, a c2 that only exists to be seen; with
 * NSX_SCENE_X, x, the init of the sibling namespace sib.  c, x and a c2 of
 * NSX_SCENE_C2 run actions (nsx_do()); the other c2s park (nsx_park():
 * gone quietly after four timeouts, where a task left idle in nsx_serve()
 * fails the case after one).  Every task has registered when nsx_scene()
 * returns.  A case with set-up of its own
 * gives it to its tasks with nsx_do() (c's before c2 exists: nsx_scene(0),
 * then nsx_scene_c2()).
 */
enum { NSX_SCENE_C2 = 1, NSX_SCENE_C2T = 2, NSX_SCENE_X = 4, NSX_SCENE_PARKED = 8 };
struct nsx_scene {
	int top, c, c2, c2t, x; /* task indices; -1 for one not made */
	int outer, inner, sib;  /* namespace indices; sib -1 without x */
};
struct nsx_scene nsx_scene(unsigned what);
/* Add c2 (NSX_SCENE_C2, NSX_SCENE_C2T or NSX_SCENE_PARKED) to a scene made
 * without it. */
void nsx_scene_c2(struct nsx_scene *s, unsigned what);

/* --- signals (signals.c) -------------------------------------------------- */

/* Block sig in the calling task so that nsx_sigwait() can take it. */
void nsx_block(int sig);
/* Wait (bounded) for blocked sig; returns 0 with *si filled, or -1 on timeout. */
int nsx_sigwait(int sig, siginfo_t *si);
/* Wait for blocked sig and send what arrived under key (signo, code, pid, uid,
 * value; signo -1 on timeout). */
void nsx_send_siginfo(const char *key, int sig);
/* "si_code=SI_USER si_pid=<name> si_uid=0" (and si_status/si_value where they
 * apply) for a message from nsx_send_siginfo(), naming as task observer sees. */
const char *nsx_siginfo_str(int observer, const struct nsx_msg *m);
/* The same for the six values {signo, code, pid, uid, value, status}. */
const char *nsx_siginfo_v(int observer, const long *v);
/* nsx_sigwait() into the six values {signo, code, pid, uid, value, status}
 * that nsx_siginfo_v() names; signo -1 on timeout. */
void nsx_sigwait_v(int sig, long v[6]);
/* waitid(P_PID, pid, &si, options): 0 or -errno; si's six values (as
 * nsx_sigwait_v()'s, value 0) in v, signo -1 when it failed. */
long nsx_waitid(pid_t pid, int options, long v[6]);
/* nsx_row() of what and its result r, then the siginfo task sent under key
 * (nsx_send_siginfo()), named as task sees it. */
void nsx_sig_row(int width, const char *what, long r, int task, const char *key);
/* Is sig pending for the calling thread (or its process)? */
int nsx_pending(int sig);
/* The signals pending for task (its shared and its own pending sets, read from
 * /proc/<pid>/status in the case's proc), as names, or "none". */
const char *nsx_pending_of(int task);
/* The timeout every helper uses, in milliseconds. */
int nsx_timeout_ms(void);

/* --- futexes, shared and non-private words (futex.c) ---------------------- */

/* FUTEX_LOCK_PI with a timeout; 0 or -errno. */
long nsx_futex_lock_pi(uint32_t *word, int timeout_ms);
/* FUTEX_UNLOCK_PI; 0 or -errno. */
long nsx_futex_unlock_pi(uint32_t *word);
/* Wait (yielding, bounded by the timeout) until all mask bits are set in
 * *word: for a state the kernel publishes there, such as FUTEX_WAITERS. */
int nsx_await_bits(uint32_t *word, uint32_t mask);
/* Wait (yielding, bounded) until task is asleep in syscall nr with first
 * argument arg0 (per /proc/<pid>/syscall); 0 or -ETIMEDOUT. */
int nsx_await_syscall(int task, long nr, unsigned long arg0);
/* "owner=<name in ns>[+WAITERS][+OWNER_DIED]" or "0 (unlocked)". */
const char *nsx_futex_word(int ns, uint32_t v);

/* --- sockets and file descriptors (sock.c) -------------------------------- */

/* Send n (1..16) fds in one SCM_RIGHTS message; 0 or -errno. */
int nsx_send_fds(int sock, const int *fds, int n);
/* Receive exactly n fds sent by nsx_send_fds(); 0 or -errno. */
int nsx_recv_fds(int sock, int *fds, int n);

struct ucred;
/* Send one byte on a unix socket with SCM_CREDENTIALS uc, or with no control
 * message when uc is NULL (the kernel attaches credentials if the receiver
 * has SO_PASSCRED); 0 or -errno. */
long nsx_send_cred(int sock, const struct ucred *uc);
/* Receive one byte (not blocking): out = {1 and pid, uid, gid of the
 * SCM_CREDENTIALS that came with it}, {0, ...} without one, or {-errno}. */
void nsx_recv_cred(int sock, long out[4]);
/* SO_PEERCRED of sock: out = {pid, uid, gid}, or {-errno, 0, 0}. */
void nsx_peercred(int sock, long out[3]);
/* What nsx_recv_cred() read, v[1] named as task observer sees it: "pid=<name>
 * uid=<n> gid=<n>", "no credentials", or the errno's name (rotating buffers). */
const char *nsx_cred_str(int observer, const long v[4]);

/* A listening stream socket on an autobound abstract address (unique, gone
 * with the socket); the fd or -errno. */
int nsx_listen_auto(void);
/* The autobound name of a socket, as a number (-errno on failure). */
long nsx_sock_name(int fd);
/* Connect a new stream socket to the autobound name; the fd or -errno. */
int nsx_connect_name(long name);
/* Receive one byte and the pidfd of an SCM_PIDFD message; the fd or -errno. */
int nsx_recv_pidfd(int sock);

/* --- netlink requests (netlink.c) ----------------------------------------- */

/*
 * A request: nsx_nl_start() with the message type (a family's id), extra
 * flags (NLM_F_DUMP; NLM_F_REQUEST and NLM_F_ACK are always set) and the
 * family's header (struct genlmsghdr, nfgenmsg, ifinfomsg; famlen bytes,
 * copied from fam, zeros when NULL), which it returns; attributes appended
 * by nsx_nl_put() (zeros when data is NULL), a nest closed by
 * nsx_nl_nest_end() on the attribute that opened it.  nsx_nl_talk() sends
 * it on a new socket of protocol proto and hands every answer to fn until
 * the kernel's NLMSG_DONE or ack (0) or error (-errno), bounded by the
 * timeout.  nsx_nl_attr(): the payload of the first attribute of type in
 * an answer (after its famlen-byte family header), searching into those
 * flagged NLA_F_NESTED; nsx_nl_attr_in() inside a nest's payload; NULL if
 * none, its length in *len.  nsx_genl_family(): a generic netlink family's
 * id, or -errno (-ENOENT: no such family).
 */
struct nlmsghdr;
struct nsx_nl {
	_Alignas(4) char buf[1024];
};
void *nsx_nl_start(struct nsx_nl *m, int type, int flags, const void *fam, size_t famlen);
void *nsx_nl_put(struct nsx_nl *m, int type, const void *data, size_t len);
void nsx_nl_nest_end(struct nsx_nl *m, void *attr);
long nsx_nl_talk(int proto, struct nsx_nl *m, void (*fn)(const struct nlmsghdr *, void *),
                 void *arg);
const void *nsx_nl_attr(const struct nlmsghdr *h, size_t famlen, int type, int *len);
const void *nsx_nl_attr_in(const void *nest, int nestlen, int type, int *len);
long nsx_genl_family(const char *name);

/* --- /proc, namespaces a task makes, files (proc.c) ------------------------ */

/* The /proc directory that was mounted when the case began (an O_PATH fd). */
int nsx_procfd(void);
/* Task's namespace file ns/<which> ("pid", "pid_for_children", "net"),
 * opened read-only through the case's proc: the fd, or -1 with errno. */
int nsx_open_ns(int task, const char *which);
/* Read "NSpid:" of pid (a number or "self") through procfd; returns count or -1. */
int nsx_read_nspid(int procfd, const char *pid, long *nr, int max);
/* The same for any list line of /proc/<pid>/status ("NSpgid", "NSsid"). */
int nsx_read_status_list(int procfd, const char *pid, const char *field, long *nr, int max);
/* Task t's threads as listed by the case's proc (/proc/<t>/task, in the
 * kernel's thread-list order): their ids in outer into tid[], their comm
 * into name[] (newline removed); how many, at most max. */
int nsx_threads(int t, long *tid, char (*name)[32], int max);
/* Column col (0-based) of the line for object id (its second column) in the
 * /proc/sysvipc file open at fd, read from its start: the value, or -errno
 * (-ENOENT when no line has that id). */
long nsx_sysvipc_field(int fd, long id, int col);
/* In the top, before spawning: a private IPC namespace (SysV objects, POSIX
 * mqueues), so a case run by hand leaves none behind either; skips if refused. */
void nsx_private_ipc(void);
/* The number a file holds (its first word, as strtol base 0 reads it) into
 * *v: 0, -errno when it cannot be read, -EIO when it holds no number. */
long nsx_read_long(const char *path, long *v);
/* A file's text (path relative to dirfd, or absolute; AT_FDCWD), up to len-1
 * bytes, NUL-terminated: the length, or -errno (buf then holds ""). */
long nsx_read_text(int dirfd, const char *path, char *buf, size_t len);
/* The value of the line "<name>:" of a text of such lines (/proc/<pid>/status,
 * fdinfo): what follows the colon and its blanks, to the end of the line, or
 * "" where no line has that name (rotating buffers, 255 bytes at most).
 * nsx_read_field(): the same in a file's first 4095 bytes (nsx_read_text()). */
const char *nsx_field(const char *text, const char *name);
const char *nsx_read_field(int dirfd, const char *path, const char *name);
/* Write the text fmt makes (printf's) to a file (path relative to dirfd, or
 * absolute; AT_FDCWD) in one write(2), from its start without truncating
 * it (a sysctl, a sysfs or cgroup file): 0, or -errno (-EIO when short). */
long nsx_write_text(int dirfd, const char *path, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/* The numbers at the start of s, separated by white space, into v (at most
 * max): how many.  nsx_read_numbers(): those of a file's text (as
 * nsx_read_text() reads it), or -errno. */
int nsx_numbers(const char *s, long *v, int max);
long nsx_read_numbers(int dirfd, const char *path, long *v, int max);
/* The numbers of the line "<field>:" of a text such as /proc's status and
 * fdinfo files ("Pid", "NSpid"), into v (at most max): how many, or -ENOENT
 * when no line has that field.  nsx_read_field_numbers(): those of a file's
 * text (as nsx_read_text() reads it), or -errno. */
int nsx_field_numbers(const char *text, const char *field, long *v, int max);
long nsx_read_field_numbers(int dirfd, const char *path, const char *field, long *v, int max);
/* In the caller: a new user namespace with these uid_map and gid_map lines
 * (NULL: leave unmapped); 0 or -errno. */
int nsx_new_userns(const char *uid_map, const char *gid_map);
/* Drop every capability of the calling thread (capset() to nothing, in its
 * user namespace): 0 or -errno. */
long nsx_drop_caps(void);
/* A new empty directory nsxlate-<tag>.XXXXXX in nsx_tmpdir() (mkdtemp) for a mount of
 * the case's own: cases running at once, or one case twice, never share a
 * mount point (removing a directory another mount namespace mounts on
 * detaches that mount).  Fails the case if it cannot be made; the caller
 * removes it. */
const char *nsx_mount_dir(const char *tag);
/* Where a case makes files and directories: $TMPDIR, which nsxrun points
 * at a tmpfs of the case's own (gone with its mount namespace, however the
 * case ends), or /tmp for a case run by hand. */
const char *nsx_tmpdir(void);
/* In the top: a mount namespace of the case's own (made private, the first
 * time), and a file system of type fstype (mount data: data) mounted on a new
 * nsx_mount_dir(fstype); skips the case, saying "mount -t <fstype>: <errno>
 * (<option>)", when the kernel refuses it.  Unmounted and removed when the top
 * exits, after the handlers the case registers later with atexit().  Returns
 * the directory. */
const char *nsx_mount_fs(const char *fstype, const char *data, const char *option);
/* In the caller: new mount namespace, private, fresh proc on /proc; 0 or -errno. */
int nsx_mount_proc(void);
/* nsx_mount_proc(), then an O_PATH fd of the new /proc; fails the case if
 * either fails.  (nsx_procfd() still names the proc the case began with.) */
int nsx_own_proc(void);
/* Words of a status line ("NSpid", "NSsid", ...) as names, for a task at proc level. */
const char *nsx_nslist_names(int task, int proc_level, const long *nr, int n);

/* --- io_uring (uring.c) ---------------------------------------------------- */

/* A bare io_uring of 4 entries (lib/uring.c); the cases that use it include
 * <linux/io_uring.h> for the SQE and CQE. */
struct io_uring_sqe;
struct io_uring_cqe;
struct nsx_ring {
	int fd;
	unsigned *sq_tail, *sq_array, *cq_head, *cq_tail, sq_mask, cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};
/* io_uring_setup(flags) and its mappings: 0 or -errno. */
int nsx_ring_open(struct nsx_ring *r, unsigned flags);
/* Submit a copy of sqe (io_uring_enter), waiting for one completion if wait:
 * 0 or -errno. */
long nsx_ring_submit(struct nsx_ring *r, const struct io_uring_sqe *sqe, int wait);
/* The next completion, waiting for it (bounded only by what was submitted):
 * 0 or -errno. */
int nsx_ring_wait(struct nsx_ring *r, struct io_uring_cqe *cqe);
/* Does the kernel know opcode op (IORING_REGISTER_PROBE)?  1, 0, or -errno. */
int nsx_ring_has_op(struct nsx_ring *r, int op);

#endif
