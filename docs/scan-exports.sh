#!/bin/sh
# docs/scan-exports.sh KSRC [--list | --verify]: find every call of the pid
# translation helpers in a kernel tree and report the ones docs/pid-exports.md
# does not account for (make pid-exports KSRC=...).
#
# A call site is a line in KSRC's *.c files (Documentation, tools, samples,
# scripts and the kernel's own self-tests left out) calling one of
#   translated:   pid_vnr task_pid_vnr task_tgid_vnr task_pgrp_vnr
#                 task_session_vnr task_ppid_vnr task_ppid_nr_ns
#                 task_pid_nr_ns task_tgid_nr_ns task_pgrp_nr_ns
#                 task_session_nr_ns __task_pid_nr_ns pid_nr_ns
#   untranslated: pid_nr task_pid_nr task_tgid_nr task_ppid_nr task_pgrp_nr,
#                 and current->pid / current->tgid
# that is not inside a kernel-log or trace statement (printk, pr_*, dev_*,
# WARN, BUG, trace_*: read by root from dmesg or the tracing filesystem, see
# the map's section 17-18), named by its file and enclosing function.
# (task_ppid_vnr is in include/linux/pid.h of 7.2 and 7.3, not of 6.12.)
# Rust files (*.rs) are not read: Rust code calls these helpers through the
# C wrappers in rust/helpers/, which are read, and its own uses of pid
# numbers are read by hand (docs/pid-exports-internal.txt, rust/helpers).
#
# A site is accounted for when docs/pid-exports.md names its file and its
# function (as a whole word) in one line (a row of the map), or when a line of
# docs/pid-exports-internal.txt matches it: "path-glob function-or-* |
# category | reason" (sites that hand no number to user space, or hand it
# only to root in the initial namespace, each with the reason).
#
# Prints "unlisted: file:line function() helper" for the others and exits 1
# if there are any; with --list, every site and what accounts for it.
#
# --verify checks the map's rows instead: for every row whose site cell (its
# second column) cites file:line and a function (the first `name()` there,
# or a bare name right after file:line, as in "kernel/sys.c:953 getpid"),
# that the function is the one enclosing that line in KSRC, found by the
# same rules as a site's function below, or, the map's line numbers being
# 6.1.192's, that the function's body lies within 40 lines of it.  A row
# naming the helper called at the line (`task_tgid_vnr()`) instead of the
# function that calls it fails.  Prints "ok:", "MISSING:" (with the function
# that encloses the line) or "unchecked:" (no function named, or no such
# file) for each row and exits 1 if any is MISSING.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
ksrc=${1:?usage: scan-exports.sh KSRC [--list | --verify]}
mode=${2:-}
if [ ! -f "$ksrc/Makefile" ] || [ ! -d "$ksrc/kernel" ]; then
	echo "scan-exports: $ksrc is not a kernel tree" >&2
	exit 2
fi
map=$top/docs/pid-exports.md
internal=$top/docs/pid-exports-internal.txt
export LC_ALL=C

helpers='pid_vnr|task_pid_vnr|task_tgid_vnr|task_pgrp_vnr|task_session_vnr|task_ppid_vnr|task_ppid_nr_ns|task_pid_nr_ns|task_tgid_nr_ns|task_pgrp_nr_ns|task_session_nr_ns|__task_pid_nr_ns|pid_nr_ns|pid_nr|task_pid_nr|task_tgid_nr|task_ppid_nr|task_pgrp_nr'

# The enclosing function of every line (awk, into fn): the last definition
# line at column 0 above it.
# shellcheck disable=SC2016 # an awk program
fnrules='
	/^[A-Za-z_][A-Za-z0-9_ \t\*]*[ \t\*]([A-Za-z_][A-Za-z0-9_]*)\(/ && $0 !~ /;[ \t]*$/ {
		s = $0; sub(/\(.*/, "", s); n = split(s, w, /[ \t\*]+/); fn = w[n]
	}
	# a definition whose name starts the line: "static int\nname(args"
	/^[A-Za-z_][A-Za-z0-9_]*\(/ && $0 !~ /;[ \t]*$/ && $0 !~ /^(if|for|while|switch|return|__acquires|__releases|__must_hold)\(/ {
		s = $0; sub(/\(.*/, "", s); fn = s
	}
	# SYSCALL_DEFINEn(name, ...), COMPAT_SYSCALL_DEFINEn, BPF_CALL_n(name, ...)
	/^(COMPAT_)?SYSCALL_DEFINE[0-9]\(|^BPF_CALL_[0-9]\(/ {
		s = $0; sub(/^[^(]*\(/, "", s); sub(/[,)].*/, "", s); fn = s
	}'

# --verify: each map row's function against the function enclosing its line.
if [ "$mode" = --verify ]; then
	# shellcheck disable=SC2016 # the backquotes are the map's, not a command
	grep -E '^\| [0-9]+\.[0-9]+ \| [a-z0-9_/.-]+\.[ch]:[0-9]+' "$map" |
	awk -F'|' '{
		c = $3
		if (!match(c, /[a-z0-9_\/.-]+\.[ch]:[0-9]+/)) next
		loc = substr(c, RSTART, RLENGTH); sub(/:/, " ", loc)
		if (match(c, /`[A-Za-z_][A-Za-z0-9_]*\(/)) fn = substr(c, RSTART + 1, RLENGTH - 2)
		else if (match(c, /^ *[a-z0-9_\/.-]+\.[ch]:[0-9][-0-9\/]* +[A-Za-z_][A-Za-z0-9_]* *$/)) { split(c, w, " "); fn = w[2] }
		else fn = "-"
		print loc, fn
	}' | while read -r f line fn; do
		if [ "$fn" = - ]; then
			echo "unchecked: $f:$line (no function)"
			continue
		elif [ ! -f "$ksrc/$f" ]; then
			echo "unchecked: $f:$line $fn (no such file)"
			continue
		fi
		awk -v ln="$line" -v want="$fn" -v f="$f" "$fnrules"'
		# fn changes at a definition: the spans [start, next start) of each
		fn != cur { if (cur == want && NR > ln - 40 && start <= ln + 40) near = 1; cur = fn; start = NR }
		NR == ln { at = fn }
		END {
			if (cur == want && start <= ln + 40 && NR >= ln - 40) near = 1
			if (at == want) print "ok: " f ":" ln " " want
			else if (near) print "ok: " f ":" ln " " want " (within 40 lines; line " ln " is in " (at == "" ? "no function" : at "()") ")"
			else print "MISSING: " f ":" ln " " want " (line " ln " is in " (at == "" ? "no function" : at "()") ")"
		}' "$ksrc/$f"
	done | awk '{ print } /^MISSING/ { bad++ } /^ok/ { ok++ } /^unchecked/ { un++ }
		END { printf "scan-exports --verify: %d rows check out, %d missing, %d unchecked\n", ok, bad, un; exit (bad > 0) }'
	exit
fi

# file:line:function:helper for every call site outside log/trace statements.
sites() {
	(cd "$ksrc" && find . -name '*.c' \
		! -path './Documentation/*' ! -path './tools/*' ! -path './samples/*' \
		! -path './scripts/*' ! -path './lib/test_*' -print | sed 's|^\./||' | sort) |
	while IFS= read -r f; do
		grep -qE "\\b($helpers)\\(|current->(pid|tgid)\\b" "$ksrc/$f" || continue
		awk -v f="$f" -v re="(^|[^A-Za-z0-9_>.])($helpers)\\\\(|current->(pid|tgid)([^A-Za-z0-9_]|\$)" "$fnrules"'
		# a statement that logs or traces: from its first line to its ";"
		# (as whole words, WARN and BUG also with a prefix, VFS_WARN_ON_ONCE:
		# "BUG" inside CONFIG_DEBUG_FS, or "trace_" inside ptrace_id, starts
		# no log statement)
		/(^|[^A-Za-z0-9_])(printk|pr_(debug|info|warn|warning|err|notice|crit|alert|emerg|cont|devel)|dev_(dbg|info|warn|err|notice|crit)|net(dev|if)_(dbg|info|warn|err)|([A-Z0-9_]*_)?(WARN|BUG)|trace_|TP_printk|TP_fast_assign|__entry|seq_buf_printf|audit_log_format|snprintf\(comm)/ { inlog = 1 }
		{
			if ($0 ~ re && !inlog && $0 !~ /^[ \t]*(\*|\/\*|\/\/)/) {
				h = $0
				if (match(h, /current->(pid|tgid)/)) h = substr(h, RSTART, RLENGTH)
				else { match(h, /(__task_pid_nr_ns|task_[a-z]+_(vnr|nr_ns|nr)|pid_(vnr|nr_ns|nr))\(/); h = substr(h, RSTART, RLENGTH - 1) }
				printf "%s:%d:%s:%s\n", f, NR, fn, h
			}
			if (inlog && $0 ~ /;[ \t]*$/) inlog = 0
		}' "$ksrc/$f"
	done
}

# What accounts for a site: "map", "internal: category", or "".
sites | while IFS=: read -r f line fn h; do
	why=""
	if grep -F -- "$f" "$map" | grep -qwF -- "$fn"; then
		why="map"
	elif [ -f "$internal" ]; then
		why=$(awk -F'|' -v f="$f" -v fn="$fn" '
			/^[ \t]*(#|$)/ { next }
			{
				split($1, k, /[ \t]+/); g = k[1]; fnm = k[2]; if (g == "") { g = k[2]; fnm = k[3] }
				# glob to regex: ** any path, * within a component
				re = g; gsub(/\./, "\\.", re); gsub(/\*\*/, "\001", re); gsub(/\*/, "[^/]*", re); gsub(/\001/, ".*", re)
				if (f ~ "^" re "$" && (fnm == "*" || fnm == fn)) { c = $2; gsub(/^[ \t]+|[ \t]+$/, "", c); print "internal: " c; exit }
			}' "$internal")
	fi
	if [ "$mode" = --list ]; then
		printf '%s:%s %s() %s: %s\n' "$f" "$line" "$fn" "$h" "${why:-UNLISTED}"
	elif [ -z "$why" ]; then
		printf 'unlisted: %s:%s %s() %s\n' "$f" "$line" "$fn" "$h"
	fi
done >"${TMPDIR:-/tmp}/scan-exports.$$"
out=${TMPDIR:-/tmp}/scan-exports.$$
cat "$out"
total=$(wc -l <"$out")
if [ "$mode" = --list ]; then
	echo "scan-exports: $total call sites in $ksrc"
	rm -f "$out"
	exit 0
fi
rm -f "$out"
if [ "$total" -gt 0 ]; then
	echo "scan-exports: $total call sites in $ksrc are in neither docs/pid-exports.md nor docs/pid-exports-internal.txt" >&2
	exit 1
fi
echo "scan-exports: every call site in $ksrc is accounted for"
