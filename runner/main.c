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
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

struct suite {
	const struct opts *o;
	struct job *jobs;
	struct result *res;
	int *finished;
	int n, printed;
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

/* The selected, built, executable cases in name order. */
static int find_cases(const struct opts *o, struct job **out)
{
	DIR *d = opendir(o->cases_dir);
	struct dirent *e;
	struct job *jobs = NULL;
	int n = 0, cap = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;
		if (e->d_name[0] == '.' || strchr(e->d_name, '.'))
			continue;
		snprintf(path, sizeof(path), "%s/%s", o->cases_dir, e->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode) || access(path, X_OK))
			continue;
		if (!selected(o, e->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			struct job *nj = realloc(jobs, sizeof(*jobs) * (size_t)cap);
			if (!nj) {
				free(jobs);
				closedir(d);
				return -1;
			}
			jobs = nj;
		}
		struct job *j = &jobs[n++];
		memset(j, 0, sizeof(*j));
		snprintf(j->name, sizeof(j->name), "%s", e->d_name);
		snprintf(j->base, sizeof(j->base), "%s", e->d_name);
		if (path[0] == '/')
			snprintf(j->path, sizeof(j->path), "%s", path);
		else if (!realpath(path, j->path))
			snprintf(j->path, sizeof(j->path), "./%s", path);
	}
	closedir(d);
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
	FILE *in = fopen(j->out, "rb"), *out = fopen(tmp, "wb");
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

static void done(struct job *j, void *ctx)
{
	struct suite *s = ctx;
	int i = (int)(j - s->jobs);
	char exp[PATH_MAX + 8], diff[PATH_MAX + 8];

	expected_path(s->o, j->base, exp, sizeof(exp));
	snprintf(diff, sizeof(diff), "%s/%s.diff", s->o->out_dir, j->name);
	unlink(diff);
	judge(j, exp, diff, &s->res[i]);
	if (s->res[i].v == V_FAIL && !s->res[i].directive[0])
		known_variant(exp, j->out, s->release, &s->res[i]);
	if (s->o->bless)
		bless(s, j, &s->res[i]);
	s->finished[i] = 1;
	/* Report in name order, as soon as every earlier case has finished. */
	while (s->printed < s->n && s->finished[s->printed]) {
		struct result *r = &s->res[s->printed];
		ktap_result(stdout, s->printed + 1, s->jobs[s->printed].name, r);
		if (r->v == V_PASS)
			s->pass++;
		else if (r->v == V_SKIP)
			s->skip++;
		else if (r->v == V_XFAIL)
			s->xfail++;
		else
			s->fail++;
		s->printed++;
	}
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct opts o;
	char err[256], why[256];
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
	int n = find_cases(&o, &jobs);
	if (n < 0) {
		fprintf(stderr, "nsxrun: cannot read %s: %s (run make first)\n", o.cases_dir,
		        strerror(errno));
		return 2;
	}
	if (n == 0 && o.npatterns) {
		fprintf(stderr, "nsxrun: no built case matches the names given\n");
		free(jobs);
		return 2;
	}
	if (o.list) {
		for (int i = 0; i < n; i++)
			printf("%s\n", jobs[i].name);
		free(jobs);
		return 0;
	}
	if (mkdir_p(o.out_dir) || (o.strace && mkdir_p(o.strace))) {
		fprintf(stderr, "nsxrun: cannot make %s: %s\n", o.out_dir, strerror(errno));
		return 2;
	}
	if (o.strace && access("/usr/bin/strace", X_OK) && system("command -v strace >/dev/null")) {
		fprintf(stderr, "nsxrun: --strace needs strace (apt-get install strace)\n");
		return 2;
	}
	if (o.repeat > 1) {
		/* Each case o.repeat times, in a row, named "<case>#<k>". */
		struct job *rep = calloc((size_t)n * (size_t)o.repeat, sizeof(*rep));
		if (!rep) {
			fprintf(stderr, "nsxrun: out of memory\n");
			return 2;
		}
		for (int i = 0; i < n; i++)
			for (int k = 0; k < o.repeat; k++) {
				struct job *r = &rep[i * o.repeat + k];
				*r = jobs[i];
				snprintf(r->name, sizeof(r->name), "%s#%d", jobs[i].base, k + 1);
			}
		free(jobs);
		jobs = rep;
		n *= o.repeat;
	}
	for (int i = 0; i < n; i++) {
		struct job *j = &jobs[i];
		char dir[PATH_MAX];
		if (!realpath(o.out_dir, dir))
			snprintf(dir, sizeof(dir), "%s", o.out_dir);
		snprintf(j->out, sizeof(j->out), "%.3000s/%s.out", dir, j->name);
		snprintf(j->err, sizeof(j->err), "%.3000s/%s.err", dir, j->name);
		if (o.strace) {
			char sdir[PATH_MAX];
			if (!realpath(o.strace, sdir))
				snprintf(sdir, sizeof(sdir), "%s", o.strace);
			snprintf(j->trace, sizeof(j->trace), "%.3000s/%s.strace", sdir, j->name);
		}
	}
	/* Unprivileged: become root in a user namespace of our own, so that cases
	 * can make pid namespaces; if that fails they skip, saying why. */
	if (enter_userns(why, sizeof(why))) {
		fprintf(stderr, "nsxrun: running unprivileged: %s\n", why);
		setenv("NSX_NOPRIV", why, 1);
	}
	/* Keep lib's own waits well inside our timeout. */
	/* Guest-only cases (lib nsx_guest_only()) run only when told this is
	 * the make vm guest; anywhere else they skip. */
	if (o.guest)
		setenv("NSX_GUEST", "1", 1);
	else
		unsetenv("NSX_GUEST");
	if (!getenv("NSX_TIMEOUT_MS")) {
		char ms[32];
		double t = o.timeout * 1000 / 2;
		snprintf(ms, sizeof(ms), "%d", t < 5000 ? (int)t : 5000);
		setenv("NSX_TIMEOUT_MS", ms, 1);
	}
	struct suite s = {.o = &o, .jobs = jobs, .n = n};
	struct utsname u;
	snprintf(s.release, sizeof(s.release), "%s", uname(&u) ? "" : u.release);
	s.res = calloc((size_t)(n ? n : 1), sizeof(*s.res));
	s.finished = calloc((size_t)(n ? n : 1), sizeof(*s.finished));
	if (!s.res || !s.finished) {
		fprintf(stderr, "nsxrun: out of memory\n");
		return 2;
	}
	ktap_header(stdout, n);
	const struct limits *lim = limits_setup();
	printf("# limits: %s; output capped at %ld bytes a stream; each case's numbers start at "
	       "%d\n",
	       lim->desc, lim->output_cap, lim->first_pid);
	fflush(stdout);
	run_catch_signals();
	int rr = run_jobs(jobs, n, o.jobs, o.timeout, done, &s);
	limits_cleanup();
	if (o.junit && junit_write(o.junit, jobs, s.res, s.finished, n)) {
		fprintf(stderr, "nsxrun: cannot write %s: %s\n", o.junit, strerror(errno));
		return 2;
	}
	if (rr < 0) {
		fprintf(stderr, "nsxrun: %s\n", strerror(errno));
		return 2;
	}
	if (rr == 1) {
		/* Interrupted: the results there are, then why the rest are not. */
		int killed = 0, unstarted = 0;
		for (int i = 0; i < n; i++) {
			if (s.finished[i] && i >= s.printed) {
				struct result *r = &s.res[i];
				ktap_result(stdout, i + 1, jobs[i].name, r);
				s.pass += r->v == V_PASS;
				s.skip += r->v == V_SKIP;
				s.fail += r->v == V_FAIL;
				s.xfail += r->v == V_XFAIL;
			}
			killed += jobs[i].interrupted;
			unstarted += !s.finished[i] && !jobs[i].interrupted;
		}
		int sig = (int)run_interrupted;
		printf("# interrupted by SIG%s: %d running case(s) killed, %d not run\n",
		       sigabbrev_np(sig) ? sigabbrev_np(sig) : "?", killed, unstarted);
		ktap_totals(stdout, s.pass, s.fail, s.skip, s.xfail);
		fflush(stdout);
		free(s.res);
		free(s.finished);
		free(jobs);
		return 128 + sig;
	}
	ktap_totals(stdout, s.pass, s.fail, s.skip, s.xfail);
	int werr = fflush(stdout) || ferror(stdout);
	free(s.res);
	free(s.finished);
	free(jobs);
	if (werr) {
		fprintf(stderr, "nsxrun: writing the report: %s\n", strerror(errno));
		return 2;
	}
	return s.fail ? 1 : 0;
}
