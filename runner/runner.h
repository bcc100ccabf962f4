/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * runner.h - nsxrun: runs nsxlate cases, compares their stdout with golden
 * files, reports KTAP.  The pieces are split so that runner/tests/ can test
 * each one: argument parsing (args.c), KTAP output (ktap.c), golden
 * comparison (compare.c), running with a timeout and killing every process
 * a case started (exec.c).
 */
#ifndef NSXRUN_H
#define NSXRUN_H

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <sys/types.h>

#define NSXRUN_MAX_PATTERNS 256

/* What one case may take (limits.c). */
#define NSXRUN_OUTPUT_CAP     (4 << 20)    /* bytes a stream, RLIMIT_FSIZE */
#define NSXRUN_MAX_TASKS      512          /* pids.max or RLIMIT_NPROC */
#define NSXRUN_MAX_MEMORY_STR "1073741824" /* memory.max: 1 GiB */

/* Command-line options. */
struct opts {
	int jobs;              /* -j: cases run at once */
	double timeout;        /* -t: seconds before a case is killed */
	int list;              /* --list: print the selected case names */
	int meta;              /* --meta: print their declarations (with list set) */
	int bless;             /* --bless: write expected/ from clean runs */
	int repeat;            /* --repeat N: run every selected case N times */
	const char *strace;    /* --strace DIR: keep a trace of each case there */
	const char *cases_dir; /* --cases: where the built cases are */
	const char *expected;  /* --expected: where the golden files are */
	const char *out_dir;   /* --out: where actual output, stderr and diffs go */
	const char *junit;     /* --junit FILE: JUnit XML of the results */
	int guest;             /* --guest: machine-wide settings may be changed */
	int npatterns;
	const char *patterns[NSXRUN_MAX_PATTERNS]; /* names or globs; none = all */
};

/* Fill o from argv; 0 on success, -1 with a message in err; 1 for --help. */
int parse_args(int argc, char **argv, struct opts *o, char *err, size_t errlen);
/* The usage text. */
void usage(FILE *f, const char *prog);
/* Does name match the selection (no patterns = everything)? */
int selected(const struct opts *o, const char *name);

/* One case run: what it is, where its output goes, how it ended. */
struct job {
	char name[NAME_MAX + 16]; /* as reported: the case, "#k" added when repeated */
	char base[NAME_MAX + 1];  /* the case's name: its golden file */
	char path[PATH_MAX];      /* the executable */
	char argv1[64];           /* optional single argument ("" for none) */
	char out[PATH_MAX];       /* stdout capture */
	char err[PATH_MAX];       /* stderr capture */
	char trace[PATH_MAX];     /* strace output ("" for none) */
	char tmp[PATH_MAX];       /* its working directory and TMPDIR (a tmpfs of its own) */
	int isolated;             /* ran as init of its own pid namespace */
	int have_status;          /* status is the case's wait status */
	int status;
	int timed_out;
	double secs;
	char cg_dir[PATH_MAX]; /* its cgroup2 directory (limited, or offered), or "" */
	int cg_procs;          /* that cgroup's cgroup.procs, open for the stub */
	int cg1_procs[2];      /* cgroup v1: its pids and memory cgroup.procs */
	int cg_k;              /* the number of its cgroup directories */
	char start_error[160]; /* why it could not be started, or "" */
	int first;             /* its own namespace's first number (numbers.c) */
	int machine_start;     /* the machine's last number when it started, and */
	int machine_end;       /* when it ended */
	int case_last;         /* its own namespace's last number, from its reaper (-1: none) */
	char unjudged[200];    /* why its output cannot be judged (numbers.c), or "" */
	int interrupted;       /* killed because the runner was interrupted */
	long seq;              /* its place in the plan (from 0) */
	/* private to exec.c */
	pid_t stub;
	int pidfd;
	int status_rd;
	long long start_ms, deadline_ms;
};

/* Where jobs come from and where they go: next() gives the next job to
 * start, or NULL when there is none to start now; more() says whether any
 * will come; done() takes each job that finished, could not start, or was
 * killed because the runner was interrupted (j->interrupted). */
/* --meta: each job's case run with NSX_META set, its declaration printed as
 * one element of a JSON array (a case built as a stub that skips is printed
 * with its reason as "stub").  0, or 1 when a case could not say (said on
 * stderr). */
int print_meta(const struct job *jobs, int n);

struct job_source {
	struct job *(*next)(void *ctx);
	int (*more)(void *ctx);
	void (*done)(struct job *j, void *ctx);
	void *ctx;
};
/* Run the jobs of src, at most `parallel` at a time, each killed after
 * timeout seconds.  0; 1 when interrupted (run_catch_signals()); or -1
 * with errno. */
int run_stream(const struct job_source *src, int parallel, double timeout);
/* The same for an array of n jobs; done() is not called for the killed. */
int run_jobs(struct job *jobs, int n, int parallel, double timeout,
             void (*done)(struct job *, void *), void *ctx);
/* Write text to an existing file (procfs, cgroupfs); 0, or -1 with errno. */
int write_file(const char *path, const char *text);
/* When not root: enter a user namespace mapping us to root.  0, or -1 with a
 * reason in why (the suite then runs unprivileged and cases skip). */
int enter_userns(char *why, size_t len);
/* Set by a SIGINT, SIGTERM or SIGHUP once run_catch_signals() was called:
 * run_jobs() then kills what runs and returns 1. */
extern volatile sig_atomic_t run_interrupted;
void run_catch_signals(void);

/* Each case's own pid numbers (numbers.c). */
struct numbers {
	int above;   /* above the machine's pid_max (6.14+), else behind its counter */
	int first;   /* above: every case's first number */
	int window;  /* the numbers a case may use */
	int low;     /* behind: the lowest first number */
	int pid_max; /* the machine's */
	char desc[200];
};
/* Choose once, from the machine's pid_max. */
const struct numbers *numbers_setup(void);
/* The plan for a machine with this pid_max (per_ns: 6.14+). */
void numbers_plan(struct numbers *n, int per_ns, int pid_max);
/* A case's first number, the machine's last being last and the runner's self. */
int numbers_first(const struct numbers *n, int last, int self);
/* Could a machine number have equalled one of the case's?  1 with the reason. */
int numbers_reached_at(const struct numbers *n, int first, int start, int end, int case_last,
                       char *why, size_t len);
/* The caller's pid namespace's last number (ns_last_pid). */
int numbers_machine_last(void);
/* In the stub, the init of the case's namespace: pid_max and ns_last_pid. */
void numbers_enter(const struct numbers *n, int first);

/* Limits for each case (limits.c). */
enum lim_kind { LIM_UNSET, LIM_CGROUP2, LIM_CGROUP1, LIM_NPROC, LIM_NONE };
struct limits {
	enum lim_kind kind;
	int memory;                /* a memory controller too (cgroup2 or v1) */
	long output_cap;           /* RLIMIT_FSIZE for every case */
	char cg_base[PATH_MAX];    /* cgroup2: nsxrun.<pid>.<x>, the cases' parent, or "" */
	char cg_why[200];          /* why there is no cg_base */
	int cg_lock;               /* cg_base, open and flock()ed while the runner lives */
	char v1_base[2][PATH_MAX]; /* cgroup v1: nsxrun.<pid>.<x> for pids, memory */
	int v1_lock[2];
	char desc[256]; /* for a KTAP comment */
};
/* Choose once. */
const struct limits *limits_setup(void);
/* In the runner, before a job's stub starts (k: a number unique to it). */
int limits_prepare(struct job *j, int k);
/* In the stub, before it starts the case. */
void limits_enter(const struct job *j);
/* After the job's stub is reaped; and at the end of the run. */
void limits_release(struct job *j);
void limits_cleanup(void);

/* How a case ended, for the report. */
/* V_XFAIL: the output is a variant that expected/VARIANTS lists as a kernel bug
 * (fixed upstream) of the running kernel's version.  It is reported
 * "not ok ... # XFAIL" and counted apart; it does not fail the run. */
enum verdict { V_PASS, V_FAIL, V_SKIP, V_XFAIL };
struct result {
	enum verdict v;
	char directive[16]; /* "", "SKIP", "TIMEOUT" or "ERROR" */
	char reason[256];
	char diff[PATH_MAX]; /* a unified diff to show, or "" */
	char err[PATH_MAX];  /* stderr to show on failure, or "" */
	char known[768];     /* "output matches <label>...: <what>", or "" */
};

/* Did a stream of the job reach the output cap?  Its size, or 0. */
long over_cap(const struct job *j);
/* Compare two files byte for byte: 1 same, 0 different, -1 error (errno). */
int files_equal(const char *a, const char *b);
/* Write `diff -u a b` (labelled) into out; 0 when written. */
int write_diff(const char *a, const char *b, const char *out);
/* Judge a finished job against expected_path and write its diff to diff_path. */
void judge(const struct job *j, const char *expected_path, const char *diff_path, struct result *r);
/* On a golden mismatch: does the actual output match a variant,
 * expected/<case>.<label>.out (its first line says what behaviour it is; the
 * rest is that behaviour's output)?  Fills r->known.  Where <dir>/VARIANTS
 * lists the label for kernels that include release (uname -r), the verdict
 * becomes V_XFAIL ("xfail": a known kernel bug) or V_PASS ("pass": those
 * kernels' behaviour); anywhere else it stays a failure (variants.c). */
/* On a golden match: is the running kernel one a pass variant of the case
 * belongs to (VARIANTS)?  There that variant's behaviour is the kernel's, and
 * the golden file's the one before it: the result becomes a failure that
 * says so (variants.c). */
void superseded(const char *expected_path, const char *release, struct result *r);
void known_variant(const char *expected_path, const char *actual, const char *release,
                   struct result *r);
/* Is the version at the start of release in one of the ranges ("A..B", "..B",
 * "A..", or a bare version prefix), space-separated?  1, 0, or -1 if malformed. */
int kernel_in_ranges(const char *release, const char *ranges);
/* The reason a case gave for skipping: its last "nsx: skip: " line on stderr. */
void skip_reason(const char *err_path, char *buf, size_t len);

/* JUnit XML of the results, written as they come (junit.c). */
struct junit {
	const char *path;
	FILE *body; /* the testcases so far (a temporary file) */
	int tests, fail, err, skip;
	double secs;
};
int junit_open(struct junit *ju, const char *path);
void junit_case(struct junit *ju, const char *name, double secs, const struct result *r);
/* Write path (head, testcases, tail); 0, or -1 (errno). */
int junit_close(struct junit *ju);
/* All at once: the finished jobs' results; 0, or -1 (errno). */
int junit_write(const char *path, const struct job *jobs, const struct result *res,
                const int *finished, int n);

/* Files (files.c).  Open path for reading only if it is a regular file
 * (else NULL, errno EINVAL); is it one? */
FILE *fopen_regular(const char *path, const char *mode);
int is_regular(const char *path);
/* Create or truncate an output file, never through a symlink. */
int open_out(const char *path);
/* As root: may root write in dir?  0, or -1 with the reason in why (a
 * directory on the way that another user could change).  Others: 0. */
int safe_dir(const char *dir, char *why, size_t len);

/* What a case wrote, made plain ASCII for a report: printable characters
 * and tab as they are, a backslash as \\, any other byte as \xNN (escape.c). */
void put_text(FILE *f, const char *s, size_t n);
void put_str(FILE *f, const char *s);
/* Is s a case's name: letters, digits, '_' and '-', not starting with '-'? */
int case_name_ok(const char *s);

/* KTAP version 1 output. */
void ktap_header(FILE *f, long n);
/* Diagnostic lines ("# ...") with the contents of a file, escaped, at most
 * max lines. */
void ktap_file(FILE *f, const char *path, int max);
/* One result line, preceded by the diff and stderr diagnostics for failures. */
void ktap_result(FILE *f, int num, const char *name, const struct result *r);
/* The closing line: "N passed, N failed, N skipped". */
void ktap_totals(FILE *f, int pass, int fail, int skip, int xfail);

#endif
