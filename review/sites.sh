#!/bin/sh
# review/sites.sh BEFORE AFTER FILES OUT: the pid and uid translation sites
# in the files a series touches, before and after it, named as the site
# mutants name them (mutants/sites/README.md: <file>:<function>:<n>:<operator>).
# BEFORE and AFTER are the two source trees, FILES the touched paths (one a
# line, relative to the trees).  Writes, in OUT:
#
#   before.sites, after.sites  mutants/sites/number.py's table of each side
#                              (<id> <file> <function> <n> <operator> <line>)
#   changed                    "<file> <function>" for every function whose
#                              text the series changes (either side's name)
#
# Each side's touched C files and headers are copied to OUT/<side>/ and
# rewritten there by mutants/sites/sites.cocci (Coccinelle), as the schema
# of a mutant base is: the trees are never written.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
before=${1:?usage: sites.sh BEFORE AFTER FILES OUT}
after=${2:?usage: sites.sh BEFORE AFTER FILES OUT}
files=${3:?usage: sites.sh BEFORE AFTER FILES OUT}
out=${4:?usage: sites.sh BEFORE AFTER FILES OUT}
command -v spatch >/dev/null || { echo "review: no spatch (apt-get install coccinelle)" >&2; exit 1; }
helpers='\b(task_(pid|tgid|pgrp|session)_vnr|pid_vnr|task_(pid|tgid|pgrp|session|ppid)_nr_ns|__task_pid_nr_ns|pid_nr_ns|from_k[ug]id(_munged)?|make_k[ug]id)\('
rm -rf "$out" && mkdir -p "$out"

for side in before after; do
	tree=$before
	[ "$side" = before ] || tree=$after
	: >"$out/$side.files"
	while IFS= read -r f; do
		case $f in *.c | *.h) ;; *) continue ;; esac
		if [ ! -f "$tree/$f" ] || ! grep -Eq "$helpers" "$tree/$f"; then continue; fi
		mkdir -p "$out/$side/$(dirname "$f")"
		cp "$tree/$f" "$out/$side/$f"
		echo "$f" >>"$out/$side.files"
		if ! spatch --very-quiet --timeout 300 --sp-file "$top/mutants/sites/sites.cocci" \
			--in-place "$out/$side/$f" >/dev/null 2>"$out/spatch.err"; then
			spatch --very-quiet --timeout 300 --allow-inconsistent-paths \
				--sp-file "$top/mutants/sites/sites.cocci" --in-place "$out/$side/$f" \
				>/dev/null 2>"$out/spatch.err" ||
				{ echo "review: spatch failed on $side's $f:" >&2; cat "$out/spatch.err" >&2; exit 1; }
		fi
	done <"$files"
	rm -f "$out/spatch.err"
	# shellcheck disable=SC2046 # the list's paths, one word each
	python3 "$top/mutants/sites/number.py" "$out/$side" "$out/$side.sites" $(cat "$out/$side.files")
done

# The functions whose text changed: every line diff(1) changes, on either
# side, named by the function it is in (the last line at or before it that
# opens a definition at column 0; SYSCALL_DEFINEn(name, ...) is name, as
# the site mutants name it).  A hunk that only deletes from a side names
# the function its neighbour line is in.
funcs_at() { # funcs_at FILE LINES: the function of each line listed in LINES
	awk -v lines="$2" '
	BEGIN { n = split(lines, l, " "); for (i = 1; i <= n; i++) want[l[i]] = 1 }
	/^[A-Za-z_][^;]*\(/ && !/^(if|for|while|switch|return)\>/ && !/;[ \t]*$/ {
		s = $0
		if (s ~ /^(COMPAT_)?SYSCALL_DEFINE[0-9]\(/) {
			sub(/^[A-Z_]*DEFINE[0-9]\(/, "", s); sub(/[,)].*/, "", s); name = s
		} else {
			sub(/\(.*/, "", s); k = split(s, w, /[ \t*]+/); name = w[k]
		}
	}
	(NR in want) && name != "" { print name }' "$1"
}
# the lines of one side that hunks "START[,COUNT]" change
hunk_lines() { awk '{ split($1, a, ","); c = (a[2] == "") ? 1 : a[2]; if (c == 0) c = 1; for (i = 0; i < c; i++) printf "%d ", a[1] + i }'; }
: >"$out/changed"
while IFS= read -r f; do
	case $f in *.c | *.h) ;; *) continue ;; esac
	b=$before/$f a=$after/$f
	[ -f "$b" ] || b=/dev/null
	[ -f "$a" ] || a=/dev/null
	diff -U0 "$b" "$a" >"$out/hunks" || true
	bl=$(sed -n 's/^@@ -\([0-9,]*\) +[0-9,]* @@.*/\1/p' "$out/hunks" | hunk_lines)
	al=$(sed -n 's/^@@ -[0-9,]* +\([0-9,]*\) @@.*/\1/p' "$out/hunks" | hunk_lines)
	{
		[ "$b" = /dev/null ] || funcs_at "$b" "$bl"
		[ "$a" = /dev/null ] || funcs_at "$a" "$al"
	} | sed "s|^|$f |"
done <"$files" | sort -u >"$out/changed"
rm -f "$out/hunks"
