// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nsxrun - run the nsxlate cases and compare their output with golden files.
 * See usage() in args.c and README.md.
 */
#include "runner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

/* Results wait here until every earlier one is in, then go out in the
 * plan's order; at most REPORT_AHEAD jobs are started past the earliest
 * unreported one (whatever --repeat makes, the runner's memory stays
 * bounded). */
#define REPORT_AHEAD 256

struct pending {
	int done;
	double secs;
	char name[NAME_MAX + 16];
	struct result r;
};

struct suite {
	const struct opts *o;
	struct job *cases;                  /* one job a case, in name order */
	int ncases;                         /* and each runs o->repeat times: */
	long total, next, printed;          /* jobs in the plan, started, reported */
	int killed;                         /* by an interruption */
	char dir[PATH_MAX], sdir[PATH_MAX]; /* --out and --strace, resolved */
	struct pending ring[REPORT_AHEAD];  /* by plan index mod REPORT_AHEAD */
	struct junit junit;                 /* with --junit */
	int pass, fail, skip, xfail;
	char release[65]; /* uname -r: which variants this kernel may show */
};

static int mkdir_p(const char *dir)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof(tmp), "%s", dir);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, 0755) && errno != EEXIST ? -1 : 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct job *)a)->name, ((const struct job *)b)->name);
}

/* Add a job named name (a case, or a golden file's stem) to the list. */
static struct job *add_job(struct job **jobs, int *n, int *cap, const char *name)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 32;
		struct job *nj = realloc(*jobs, sizeof(**jobs) * (size_t)*cap);
		if (!nj)
			return NULL;
		*jobs = nj;
	}
	struct job *j = &(*jobs)[(*n)++];
	memset(j, 0, sizeof(*j));
	snprintf(j->name, sizeof(j->name), "%s", name);
	snprintf(j->base, sizeof(j->base), "%s", name);
	return j;
}

static int find_job(struct job *jobs, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(jobs[i].base, name))
			return i;
	return -1;
}

/*
 * The selected cases in name order: every file in the cases directory, and
 * every golden file (<name>.out) in the expected directory.  A case that
 * cannot run (not a regular executable file) or a golden file with no case
 * is a job that is never started, with the reason (an ERROR), never a plan
 * that quietly shrinks.  Names with a '.' are not cases (the build's .d
 * files); any other name that is not a case's name (escape.c) stops the
 * run: -2, with the name, escaped, on stderr.
 */
static int find_cases(const struct opts *o, struct job **out)
{
	DIR *d = opendir(o->cases_dir);
	struct dirent *e;
	struct job *jobs = NULL;
	int n = 0, cap = 0, bad = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;
		if (strchr(e->d_name, '.')) /* ., .., the build's <case>.d */
			continue;
		if (!case_name_ok(e->d_name)) {
			fprintf(stderr, "nsxrun: %s/", o->cases_dir);
			put_str(stderr, e->d_name);
			fprintf(stderr, ": not a case's name (letters, digits, '_' and '-')\n");
			bad = 1;
			continue;
		}
		if (!selected(o, e->d_name))
			continue;
		struct job *j = add_job(&jobs, &n, &cap, e->d_name);
		if (!j) {
			free(jobs);
			closedir(d);
			return -1;
		}
		snprintf(path, sizeof(path), "%s/%s", o->cases_dir, e->d_name);
		if (stat(path, &st))
			snprintf(j->start_error, sizeof(j->start_error), "%s", strerror(errno));
		else if (!S_ISREG(st.st_mode))
			snprintf(j->start_error, sizeof(j->start_error), "not a regular file");
		else if (access(path, X_OK))
			snprintf(j->start_error, sizeof(j->start_error),
			         "not executable (mode %04o)", (unsigned)st.st_mode & 07777);
		if (path[0] == '/')
			snprintf(j->path, sizeof(j->path), "%s", path);
		else if (!realpath(path, j->path))
			snprintf(j->path, sizeof(j->path), "./%s", path);
	}
	closedir(d);
	/* Golden files with no case: expected/<name>.out, <name> a case's name
	 * (variants, <name>.<label>.out, have a '.' in the stem). */
	d = opendir(o->expected);
	while (d && (e = readdir(d))) {
		char stem[NAME_MAX + 1];
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".out"))
			continue;
		snprintf(stem, sizeof(stem), "%.*s", (int)(len - 4), e->d_name);
		if (!case_name_ok(stem) || !selected(o, stem) || find_job(jobs, n, stem) >= 0)
			continue;
		struct job *j = add_job(&jobs, &n, &cap, stem);
		if (!j) {
			free(jobs);
			closedir(d);
			return -1;
		}
		snprintf(j->start_error, sizeof(j->start_error),
		         "%.40s/%.60s.out has no case in %.40s", o->expected, stem, o->cases_dir);
	}
	if (d)
		closedir(d);
	if (bad) {
		free(jobs);
		return -2;
	}
	qsort(jobs, (size_t)n, sizeof(*jobs), name_cmp);
	*out = jobs;
	return n;
}

static void expected_path(const struct opts *o, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s.out", o->expected, name);
}

/* --bless: a clean run's output becomes the golden file; show what changed. */
static void bless(struct suite *s, struct job *j, struct result *r)
{
	char exp[PATH_MAX + 8], diff[PATH_MAX + 8];
	expected_path(s->o, j->base, exp, sizeof(exp));
	snprintf(diff, sizeof(diff), "%s/%s.bless.diff", s->o->out_dir, j->name);
	/* Skips, errors, crashes and timeouts are never blessed. */
	if (j->timed_out || !j->have_status || j->status != 0) {
		snprintf(r->reason + strlen(r->reason), sizeof(r->reason) - strlen(r->reason),
		         "%snot blessed: the run was not clean", r->reason[0] ? "; " : "");
		if (r->v == V_SKIP) {
			r->v = V_FAIL;
			r->directive[0] = '\0';
		}
		return;
	}
	if (files_equal(exp, j->out) == 1) {
		snprintf(r->reason, sizeof(r->reason), "golden file unchanged");
		return;
	}
	int had = access(exp, F_OK) == 0;
	write_diff(had ? exp : "/dev/null", j->out, diff);
	char tmp[PATH_MAX + 16];
	snprintf(tmp, sizeof(tmp), "%s.tmp", exp);
	int tfd = open_out(tmp);
	FILE *in = fopen_regular(j->out, "rb"), *out = tfd >= 0 ? fdopen(tfd, "wb") : NULL;
	if (tfd >= 0 && !out)
		close(tfd);
	int ok = in && out;
	char buf[8192];
	size_t n;
	while (ok && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		ok = fwrite(buf, 1, n, out) == n;
	if (in)
		fclose(in);
	if (out && fclose(out))
		ok = 0;
	if (!ok || rename(tmp, exp)) {
		r->v = V_FAIL;
		snprintf(r->directive, sizeof(r->directive), "ERROR");
		snprintf(r->reason, sizeof(r->reason), "cannot write %s: %s", exp, strerror(errno));
		return;
	}
	r->v = V_PASS;
	r->directive[0] = '\0';
	r->err[0] = '\0';
	snprintf(r->diff, sizeof(r->diff), "%s", diff);
	snprintf(r->reason, sizeof(r->reason), "blessed %s with the diff above", exp);
}

static void report(struct suite *s, long i)
{
	struct pending *p = &s->ring[i % REPORT_AHEAD];
	struct result *r = &p->r;
	ktap_result(stdout, (int)(i + 1), p->name, r);
	if (s->o->junit)
		junit_case(&s->junit, p->name, p->secs, r);
	if (r->v == V_PASS)
		s->pass++;
	else if (r->v == V_SKIP)
		s->skip++;
	else if (r->v == V_XFAIL)
		s->xfail++;
	else
		s->fail++;
	p->done = 0;
}

static void done(struct job *j, void *ctx)
{
	struct suite *s = ctx;
	long i = j->seq;
	char exp[PATH_MAX + 8], diff[PATH_MAX + 8];

	if (j->interrupted) {
		s->killed++;
		free(j);
		return;
	}
	struct pending *p = &s->ring[i % REPORT_AHEAD];
	expected_path(s->o, j->base, exp, sizeof(exp));
	snprintf(diff, sizeof(diff), "%s/%s.diff", s->dir, j->name);
	unlink(diff);
	judge(j, exp, diff, &p->r);
	if (p->r.v == V_FAIL && !p->r.directive[0])
		known_variant(exp, j->out, s->release, &p->r);
	else if (p->r.v == V_PASS && !p->r.directive[0] && !s->o->bless)
		superseded(exp, s->release, &p->r);
	if (s->o->bless)
		bless(s, j, &p->r);
	snprintf(p->name, sizeof(p->name), "%s", j->name);
	p->secs = j->secs;
	p->done = 1;
	free(j);
	/* Report in name order, as soon as every earlier case has finished. */
	while (s->printed < s->next && s->ring[s->printed % REPORT_AHEAD].done)
		report(s, s->printed++);
	fflush(stdout);
}

/* The job of plan index i: case i / repeat, its (i % repeat + 1)th run. */
static struct job *make_job(struct suite *s, long i)
{
	const struct job *c = &s->cases[i / s->o->repeat];
	struct job *j = malloc(sizeof(*j));
	if (!j)
		return NULL;
	*j = *c;
	j->seq = i;
	if (s->o->repeat > 1)
		/* "<case>.<k>": no '#', which starts a KTAP directive. */
		snprintf(j->name, sizeof(j->name), "%s.%ld", c->base, i % s->o->repeat + 1);
	int a = snprintf(j->out, sizeof(j->out), "%s/%s.out", s->dir, j->name);
	int b = snprintf(j->err, sizeof(j->err), "%s/%s.err", s->dir, j->name);
	int d = snprintf(j->tmp, sizeof(j->tmp), "%s/%s.tmp", s->dir, j->name);
	int t = s->o->strace
	                ? snprintf(j->trace, sizeof(j->trace), "%s/%s.strace", s->sdir, j->name)
	                : 0;
	if ((a >= (int)sizeof(j->out) || b >= (int)sizeof(j->err) || d >= (int)sizeof(j->tmp) ||
	     t >= (int)sizeof(j->trace)) &&
	    !j->start_error[0])
		snprintf(j->start_error, sizeof(j->start_error),
		         "its output paths would be longer than %d bytes", PATH_MAX - 1);
	return j;
}

static struct job *next_job(void *ctx)
{
	struct suite *s = ctx;
	if (s->next >= s->total || s->next - s->printed >= REPORT_AHEAD)
		return NULL;
	struct job *j = make_job(s, s->next);
	if (j)
		s->next++;
	return j;
}

static int more_jobs(void *ctx)
{
	struct suite *s = ctx;
	return s->next < s->total;
}

/* --out and --strace, resolved into s; as root, only directories no other
 * user can change (files.c).  0, or -1 after saying why on stderr.  Each
 * job's files are <out>/<name>.out and .err, its directory <out>/<name>.tmp,
 * and <strace>/<name>.strace (make_job()). */
static int output_dirs(struct suite *s)
{
	const struct opts *o = s->o;
	char why[400], jdir[PATH_MAX];
	const char *check[] = {o->out_dir, o->strace, NULL};

	if (o->junit) {
		snprintf(jdir, sizeof(jdir), "%s", o->junit);
		char *slash = strrchr(jdir, '/');
		if (!slash)
			snprintf(jdir, sizeof(jdir), ".");
		else
			slash[slash == jdir] = '\0';
		check[2] = jdir;
	}
	for (int i = 0; i < 3; i++)
		if (check[i] && safe_dir(check[i], why, sizeof(why))) {
			fprintf(stderr, "nsxrun: not writing there as root: %s\n", why);
			return -1;
		}
	if (!realpath(o->out_dir, s->dir)) {
		fprintf(stderr, "nsxrun: %s: %s\n", o->out_dir, strerror(errno));
		return -1;
	}
	if (o->strace && !realpath(o->strace, s->sdir)) {
		fprintf(stderr, "nsxrun: %s: %s\n", o->strace, strerror(errno));
		return -1;
	}
	return 0;
}

/* -j: no more cases at once than the runner has descriptors for (a few
 * each while it runs); the soft RLIMIT_NOFILE is raised to the hard one
 * first. */
static int clamp_jobs(int jobs)
{
	struct rlimit r;
	if (getrlimit(RLIMIT_NOFILE, &r))
		return jobs;
	if (r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
		getrlimit(RLIMIT_NOFILE, &r);
	}
	long fit = r.rlim_cur == RLIM_INFINITY ? jobs : ((long)r.rlim_cur - 32) / 8;
	if (fit < 1)
		fit = 1;
	if (jobs > fit) {
		printf("# -j %d: %ld at once (RLIMIT_NOFILE %ld)\n", jobs, fit, (long)r.rlim_cur);
		return (int)fit;
	}
	return jobs;
}

/* The variables of the runner's protocol with its cases are the runner's:
 * none is taken from the caller's environment. */
static void own_environment(void)
{
	static const char *const own[] = {"NSX_CGROUP",      "NSX_NOCGROUP",  "NSX_NOPRIV",
	                                  "NSX_SHIM_ACTIVE", "NSX_OWN_PIDNS", "NSX_PIDNS_LEVEL",
	                                  "NSX_GUEST",       "NSX_TIMEOUT_MS"};
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		unsetenv(own[i]);
}

/* The plan: the selected cases (find_cases()), each o->repeat times.  Its
 * size, or -1 after saying why on stderr (or, with --list, printing it). */
static int plan(const struct opts *o, struct job **jobs)
{
	int n = find_cases(o, jobs);
	if (n == -2)
		return -1;
	if (n < 0) {
		fprintf(stderr, "nsxrun: cannot read %s: %s (run make first)\n", o->cases_dir,
		        strerror(errno));
		return -1;
	}
	if (n == 0) {
		if (o->npatterns)
			fprintf(stderr, "nsxrun: no built case matches the names given\n");
		else
			fprintf(stderr, "nsxrun: no cases in %s (run make first)\n", o->cases_dir);
		return -1;
	}
	return n;
}

/* Where the output goes, and what the cases are told: 0, or -1 after
 * saying why on stderr. */
static int prepare(struct suite *s)
{
	const struct opts *o = s->o;
	char why[256];
	if (mkdir_p(o->out_dir) || (o->strace && mkdir_p(o->strace))) {
		fprintf(stderr, "nsxrun: cannot make %s: %s\n", o->out_dir, strerror(errno));
		return -1;
	}
	if (o->strace && access("/usr/bin/strace", X_OK) &&
	    system("command -v strace >/dev/null")) {
		fprintf(stderr, "nsxrun: --strace needs strace (apt-get install strace)\n");
		return -1;
	}
	if (output_dirs(s))
		return -1;
	if (o->junit && junit_open(&s->junit, o->junit)) {
		fprintf(stderr, "nsxrun: cannot write %s: %s\n", o->junit, strerror(errno));
		return -1;
	}
	/* Unprivileged: become root in a user namespace of our own, so that cases
	 * can make pid namespaces; if that fails they skip, saying why. */
	if (enter_userns(why, sizeof(why))) {
		fprintf(stderr, "nsxrun: running unprivileged: %s\n", why);
		setenv("NSX_NOPRIV", why, 1);
	}
	/* Guest-only cases (lib nsx_guest_only()) run only when told this is
	 * the make vm guest; anywhere else they skip. */
	if (o->guest)
		setenv("NSX_GUEST", "1", 1);
	/* Keep lib's own waits well inside our timeout. */
	char ms[32];
	double t = o->timeout * 1000 / 2;
	snprintf(ms, sizeof(ms), "%d", t < 5000 ? (int)t : 5000);
	setenv("NSX_TIMEOUT_MS", ms, 1);
	struct utsname u;
	snprintf(s->release, sizeof(s->release), "%s", uname(&u) ? "" : u.release);
	return 0;
}

/* Run the plan, reporting as results come: run_stream()'s status. */
static int run(struct suite *s)
{
	ktap_header(stdout, s->total);
	const struct limits *lim = limits_setup();
	printf("# limits: %s; output capped at %ld bytes a stream; %s\n", lim->desc,
	       lim->output_cap, numbers_setup()->desc);
	int parallel = clamp_jobs(s->o->jobs);
	fflush(stdout);
	run_catch_signals();
	struct job_source src = {next_job, more_jobs, done, s};
	int rr = run_stream(&src, parallel, s->o->timeout);
	limits_cleanup();
	if (rr == 1) {
		/* Interrupted: the results there are, then why the rest are not. */
		for (long i = s->printed; i < s->next; i++)
			if (s->ring[i % REPORT_AHEAD].done)
				report(s, i);
		int sig = (int)run_interrupted;
		printf("# interrupted by SIG%s: %d running case(s) killed, %ld not run\n",
		       sigabbrev_np(sig) ? sigabbrev_np(sig) : "?", s->killed, s->total - s->next);
	}
	return rr;
}

/* The closing line, the JUnit file, and the exit status. */
static int finish(struct suite *s, int rr)
{
	int jerr = s->o->junit && junit_close(&s->junit);
	if (jerr)
		fprintf(stderr, "nsxrun: cannot write %s: %s\n", s->o->junit, strerror(errno));
	if (rr < 0)
		fprintf(stderr, "nsxrun: %s\n", strerror(errno));
	ktap_totals(stdout, s->pass, s->fail, s->skip, s->xfail);
	int werr = fflush(stdout) || ferror(stdout);
	if (werr)
		fprintf(stderr, "nsxrun: writing the report: %s\n", strerror(errno));
	return rr == 1 ? 128 + (int)run_interrupted : jerr || rr < 0 || werr ? 2 : s->fail ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	char err[256];
	struct job *jobs = NULL;

	int pr = parse_args(argc, argv, &o, err, sizeof(err));
	if (pr == 1) {
		usage(stdout, argv[0]);
		return 0;
	}
	if (pr < 0) {
		fprintf(stderr, "nsxrun: %s\n", err);
		usage(stderr, argv[0]);
		return 2;
	}
	own_environment();
	int n = plan(&o, &jobs);
	int listed = 0;
	if (n > 0 && o.meta)
		listed = print_meta(jobs, n);
	else if (n > 0 && o.list)
		for (int i = 0; i < n; i++)
			printf("%s\n", jobs[i].name);
	struct suite *s = n > 0 && !o.list ? calloc(1, sizeof(*s)) : NULL;
	int status = n < 0 || listed ? 2 : o.list ? 0 : 2;
	if (s) {
		*s = (struct suite){
		        .o = &o, .cases = jobs, .ncases = n, .total = (long)n * o.repeat};
		status = prepare(s) ? 2 : finish(s, run(s));
	} else if (n > 0 && !o.list) {
		fprintf(stderr, "nsxrun: out of memory\n");
	}
	free(jobs);
	free(s);
	return status;
}
