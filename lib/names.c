// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * names.c - turning numbers into names: pids (by namespace), errnos,
 * signals and si_codes.  Pure functions over a table; no processes.
 */
#include "nsx.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Is namespace ns task's own namespace or one of its ancestors? */
static int on_chain(const struct nsx_table *t, int task, int ns)
{
	for (int n = t->task[task].ns; n >= 0; n = t->ns[n].parent)
		if (n == ns)
			return 1;
	return 0;
}

struct cand {
	const char *task;
	const char *ns;
};

static int cand_cmp(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	int c = strcmp(x->task, y->task);
	return c ? c : strcmp(x->ns, y->ns);
}

char *nsx_name_in(const struct nsx_table *t, int ns, long v, char *buf, size_t len)
{
	struct cand c[NSX_MAX_TASKS * 4];
	size_t nc = 0, off = 0;

	if (v == 0) {
		snprintf(buf, len, "0");
		return buf;
	}
	/* The task whose number v is in the observer's own namespace. */
	for (int i = 0; i < t->ntasks; i++) {
		const struct nsx_task *k = &t->task[i];
		if (on_chain(t, i, ns) && k->nr[t->ns[ns].level] == v) {
			snprintf(buf, len, "%s", k->name);
			return buf;
		}
	}
	/* A right task seen from the wrong namespace. */
	for (int i = 0; i < t->ntasks; i++) {
		for (int n = t->task[i].ns; n >= 0; n = t->ns[n].parent) {
			if (n == ns || t->task[i].nr[t->ns[n].level] != v)
				continue;
			if (nc < sizeof(c) / sizeof(c[0]))
				c[nc++] = (struct cand){t->task[i].name, t->ns[n].name};
		}
	}
	if (nc == 0) {
		snprintf(buf, len, "unknown");
		return buf;
	}
	qsort(c, nc, sizeof(c[0]), cand_cmp);
	buf[0] = '\0';
	for (size_t i = 0; i < nc && off < len; i++) {
		int w = snprintf(buf + off, len - off, "%s%s@%s", i ? "|" : "", c[i].task, c[i].ns);
		if (w < 0)
			break;
		off += (size_t)w;
	}
	return buf;
}

#define E(x) [x] = #x
static const char *const errnames[] = {
        E(EPERM),      E(ENOENT),          E(ESRCH),        E(EINTR),           E(EIO),
        E(ENXIO),      E(E2BIG),           E(ENOEXEC),      E(EBADF),           E(ECHILD),
        E(EAGAIN),     E(ENOMEM),          E(EACCES),       E(EFAULT),          E(EBUSY),
        E(EEXIST),     E(EXDEV),           E(ENODEV),       E(ENOTDIR),         E(EISDIR),
        E(EINVAL),     E(ENFILE),          E(EMFILE),       E(ENOTTY),          E(EFBIG),
        E(ENOSPC),     E(ESPIPE),          E(EROFS),        E(EMLINK),          E(EPIPE),
        E(ERANGE),     E(EDEADLK),         E(ENOSYS),       E(ENOTEMPTY),       E(ENOMSG),
        E(EIDRM),      E(ENODATA),         E(ETIME),        E(EOVERFLOW),       E(EUSERS),
        E(ENOTSOCK),   E(EOPNOTSUPP),      E(EREMOTE),      E(ESTALE),          E(ETIMEDOUT),
        E(EOWNERDEAD), E(ENOTRECOVERABLE), E(ECONNREFUSED), E(EPROTONOSUPPORT), E(EAFNOSUPPORT),
        E(ENOKEY),
};
#undef E

long nsx_rc(long r)
{
	return r < 0 ? -errno : 0;
}

long nsx_val(long r)
{
	return r < 0 ? -errno : r;
}

const char *nsx_res(long r)
{
	return r < 0 ? nsx_errname((int)-r) : "0";
}

void nsx_row(int width, const char *call, long r, const char *result)
{
	char lhs[128];
	snprintf(lhs, sizeof(lhs), "%s=%s:", call, nsx_res(r));
	printf("%-*s %s\n", width, lhs, result);
}

const char *nsx_errname(int err)
{
	static __thread char buf[16];

	if (err == 0)
		return "0";
	if (err > 0 && (size_t)err < sizeof(errnames) / sizeof(errnames[0]) && errnames[err])
		return errnames[err];
	snprintf(buf, sizeof(buf), "errno%d", err);
	return buf;
}

#define S(x) [x] = #x
static const char *const signames[] = {
        S(SIGHUP),  S(SIGINT),    S(SIGQUIT), S(SIGILL),  S(SIGTRAP),   S(SIGABRT), S(SIGBUS),
        S(SIGFPE),  S(SIGKILL),   S(SIGUSR1), S(SIGSEGV), S(SIGUSR2),   S(SIGPIPE), S(SIGALRM),
        S(SIGTERM), S(SIGSTKFLT), S(SIGCHLD), S(SIGCONT), S(SIGSTOP),   S(SIGTSTP), S(SIGTTIN),
        S(SIGTTOU), S(SIGURG),    S(SIGXCPU), S(SIGXFSZ), S(SIGVTALRM), S(SIGPROF), S(SIGWINCH),
        S(SIGIO),   S(SIGPWR),    S(SIGSYS),
};
#undef S

const char *nsx_signame(int sig)
{
	static __thread char buf[4][24];
	static __thread int r;
	char *b = buf[r++ % 4];

	if (sig > 0 && (size_t)sig < sizeof(signames) / sizeof(signames[0]) && signames[sig])
		return signames[sig];
	if (sig >= SIGRTMIN && sig <= SIGRTMAX) {
		if (sig == SIGRTMIN)
			return "SIGRTMIN";
		snprintf(b, sizeof(buf[0]), "SIGRTMIN+%d", sig - SIGRTMIN);
		return b;
	}
	snprintf(b, sizeof(buf[0]), "signal%d", sig);
	return b;
}

const char *nsx_sicode(int sig, int code)
{
	static __thread char buf[24];

	switch (code) {
	case SI_USER:
		return "SI_USER";
	case SI_KERNEL:
		return "SI_KERNEL";
	case SI_QUEUE:
		return "SI_QUEUE";
	case SI_TIMER:
		return "SI_TIMER";
	case SI_MESGQ:
		return "SI_MESGQ";
	case SI_ASYNCIO:
		return "SI_ASYNCIO";
	case SI_SIGIO:
		return "SI_SIGIO";
	case SI_TKILL:
		return "SI_TKILL";
	default:
		break;
	}
	if (sig == SIGCHLD) {
		static const char *const cld[] = {NULL,           "CLD_EXITED",  "CLD_KILLED",
		                                  "CLD_DUMPED",   "CLD_TRAPPED", "CLD_STOPPED",
		                                  "CLD_CONTINUED"};
		if (code > 0 && code <= 6)
			return cld[code];
	}
	/* A ptrace event stop's SIGTRAP (ptrace_do_notify(): SIGTRAP | event << 8). */
	if (sig == SIGTRAP && (code & 0xff) == SIGTRAP) {
		static const char *const ev[] = {[1] = "SIGTRAP|PTRACE_EVENT_FORK<<8",
		                                 [2] = "SIGTRAP|PTRACE_EVENT_VFORK<<8",
		                                 [3] = "SIGTRAP|PTRACE_EVENT_CLONE<<8",
		                                 [4] = "SIGTRAP|PTRACE_EVENT_EXEC<<8",
		                                 [5] = "SIGTRAP|PTRACE_EVENT_VFORK_DONE<<8",
		                                 [6] = "SIGTRAP|PTRACE_EVENT_EXIT<<8",
		                                 [7] = "SIGTRAP|PTRACE_EVENT_SECCOMP<<8",
		                                 [128] = "SIGTRAP|PTRACE_EVENT_STOP<<8"};
		if (code >> 8 < 129 && ev[code >> 8])
			return ev[code >> 8];
	}
	/* POLL_* codes come with SIGIO, or with the signal F_SETSIG chose. */
	if ((sig == SIGIO || sig >= SIGRTMIN) && code >= POLL_IN && code <= POLL_HUP) {
		static const char *const poll[] = {NULL,       "POLL_IN",  "POLL_OUT", "POLL_MSG",
		                                   "POLL_ERR", "POLL_PRI", "POLL_HUP"};
		return poll[code];
	}
	snprintf(buf, sizeof(buf), "si_code%d", code);
	return buf;
}
