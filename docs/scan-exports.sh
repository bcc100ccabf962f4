#!/bin/sh
# docs/scan-exports.sh KSRC [--list]: find every call of the pid translation
# helpers in a kernel tree and report the ones docs/pid-exports.md does not
# account for (make pid-exports KSRC=...).
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
# function in one line (a row of the map), or when a line of
# docs/pid-exports-internal.txt matches it: "path-glob function-or-* |
# category | reason" (sites that hand no number to user space, or hand it
# only to root in the initial namespace, each with the reason).
#
# Prints "unlisted: file:line function() helper" for the others and exits 1
# if there are any; with --list, every site and what accounts for it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
ksrc=${1:?usage: scan-exports.sh KSRC [--list]}
mode=${2:-}
if [ ! -f "$ksrc/Makefile" ] || [ ! -d "$ksrc/kernel" ]; then
	echo "scan-exports: $ksrc is not a kernel tree" >&2
	exit 2
fi
map=$top/docs/pid-exports.md
internal=$top/docs/pid-exports-internal.txt
export LC_ALL=C

helpers='pid_vnr|task_pid_vnr|task_tgid_vnr|task_pgrp_vnr|task_session_vnr|task_ppid_vnr|task_ppid_nr_ns|task_pid_nr_ns|task_tgid_nr_ns|task_pgrp_nr_ns|task_session_nr_ns|__task_pid_nr_ns|pid_nr_ns|pid_nr|task_pid_nr|task_tgid_nr|task_ppid_nr|task_pgrp_nr'

# file:line:function:helper for every call site outside log/trace statements.
sites() {
	(cd "$ksrc" && find . -name '*.c' \
		! -path './Documentation/*' ! -path './tools/*' ! -path './samples/*' \
		! -path './scripts/*' ! -path './lib/test_*' -print | sed 's|^\./||' | sort) |
	while IFS= read -r f; do
		grep -qE "\\b($helpers)\\(|current->(pid|tgid)\\b" "$ksrc/$f" || continue
		awk -v f="$f" -v re="(^|[^A-Za-z0-9_>.])($helpers)\\\\(|current->(pid|tgid)([^A-Za-z0-9_]|\$)" '
		# the enclosing function: the last definition line at column 0
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
		}
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
	if grep -F -- "$f" "$map" | grep -qF -- "$fn"; then
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
