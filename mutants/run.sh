#!/bin/sh
# mutants/run.sh [NAME...]: prove that the suite catches pid-translation
# regressions on a real kernel.  See mutants/README.md.
#
# The pristine tree is Debian's linux-source (/usr/src), unpacked under
# build/mutants/pristine and never written again.  Every build happens in
# build/mutants/tree, a copy: before each mutant the files any earlier patch
# touched are copied back from the pristine tree (with fresh times, so make
# rebuilds them) and checked byte for byte, so a killed build can never leave
# a patch behind, and the pristine tree never holds one.  The base kernel is
# built once (vm/build-kernel.sh: tinyconfig + vm/config, ccache), booted, and
# must pass; then each mutant is applied (patch --fuzz=0: a patch that no
# longer applies exactly fails loudly), built incrementally, booted
# (make vm's guest, root pass), and judged: a mutant is killed when some case
# fails with a golden-line diff.  MUTANT_SCOPE says which cases a mutant's
# guest runs: "expected" (the default) those its header's "Expected to catch
# it:" line names, "suite" all of them, as the base always does.  A mutant
# caught only by set-up errors or timeouts, or not caught, fails the run
# unless mutants/KNOWN-SURVIVORS names it.  The table goes to stdout and build/mutants/table.md.
#
# Three bases: mutants/ holds the patches for linux-source-6.1
# (mutants/BASE), mutants/6.12/ those for linux-source-6.12 (interfaces 6.1
# lacks: SO_PEERPIDFD, SCM_PIDFD, the nsfs translation ioctls), mutants/7.2/
# those for sid's linux-source-7.2 (PIDFD_GET_INFO, PIDFD_INFO_EXIT,
# per-namespace pid_max), fetched by vm/debian-source.sh.  Each base has its own
# pristine tree, work tree and objects (build/mutants, build/mutants-6.12);
# with names given, each base runs those of them it has; MUTANT_BASES (a
# list of series, "6.1 6.12 7.2" by default) picks the bases.
set -u
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
top=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
case $B in /*) ;; *) B=$top/$B ;; esac
if [ -z "${NSX_MUTANT_DIR:-}" ]; then
	# Dispatch: every base in turn; a name must exist in one of them.
	for n; do
		found=0
		for p in "$top"/mutants/[0-9]*-"$n".patch "$top"/mutants/*/[0-9]*-"$n".patch; do
			[ -f "$p" ] && found=1
		done
		[ $found = 1 ] || { echo "mutants: no mutant $n" >&2; exit 1; }
	done
	rc=0
	for d in "$top/mutants" "$top/mutants/6.12" "$top/mutants/7.2"; do
		[ -f "$d/BASE" ] || continue
		# MUTANT_BASES="6.1" (say) runs only the bases named
		case " ${MUTANT_BASES:-6.1 6.12 7.2} " in *" $(cut -d. -f1,2 "$d/BASE") "*) ;; *) continue ;; esac
		names=""
		for n; do ls "$d"/[0-9]*-"$n".patch >/dev/null 2>&1 && names="$names $n"; done
		[ $# -eq 0 ] || [ -n "$names" ] || continue
		NSX_MUTANT_DIR=$d "$self" $names || rc=1
	done
	exit $rc
fi
here=$NSX_MUTANT_DIR
base_version=$(cat "$here/BASE")
series=${base_version%.*}
case $here in */mutants) M=$B/mutants ;; *) M=$B/mutants-$series ;; esac
tarball=${MUTANT_TARBALL:-$("$top/vm/debian-source.sh" "$series" "$B/vm/kernels")} || exit 1
pristine=$M/pristine
tree=$M/tree
started=$(date +%s)

die() {
	echo "mutants: $*" >&2
	exit 1
}

mkdir -p "$M/logs"
[ -f "$tarball" ] || die "no $tarball"
if [ ! -f "$pristine/.nsx-version" ]; then
	echo "mutants: unpacking $tarball"
	rm -rf "$pristine.tmp" && mkdir -p "$pristine.tmp"
	tar -xf "$tarball" -C "$pristine.tmp" --strip-components=1 || die "cannot unpack $tarball"
	make -s -C "$pristine.tmp" kernelversion >"$pristine.tmp/.nsx-version" || die "no kernel version"
	rm -rf "$pristine" && mv "$pristine.tmp" "$pristine"
fi
have=$(cat "$pristine/.nsx-version")
[ "$have" = "$base_version" ] ||
	die "the patches are written for $base_version, $tarball is $have: refresh mutants/*.patch and mutants/BASE"
if [ ! -f "$tree/.nsx-version" ]; then
	echo "mutants: copying the pristine tree to $tree"
	rm -rf "$tree" && cp -a "$pristine" "$tree" || die "cannot copy the tree"
fi

# Put back every file a patch touched; verify against the pristine tree.
restore() {
	[ -f "$tree/.nsx-applied" ] || return 0
	while IFS= read -r f; do
		cp "$pristine/$f" "$tree/$f" || die "cannot restore $f"
		cmp -s "$pristine/$f" "$tree/$f" || die "$f differs from the pristine tree"
	done <"$tree/.nsx-applied"
	rm -f "$tree/.nsx-applied"
}
files_of() { sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$1"; }

build() { # -> the bzImage path on stdout
	"$top/vm/build-kernel.sh" "$tree" "$M/obj" | tail -n 1
}
boot() { # image log [case...]
	image=$1 log=$2
	shift 2
	ARGS="$*" KERNEL=$image B=$B VM_APPEND=nsx.passes=root VM_TIMEOUT=${VM_TIMEOUT:-240} \
		"$top/vm/run.sh" >"$log" 2>&1
}
scope=${MUTANT_SCOPE:-expected}
case $scope in expected | suite) ;; *) die "MUTANT_SCOPE=$scope: expected or suite" ;; esac
# The cases a patch's header expects to catch it (words that name a case).
expected_cases() {
	sed -n 's/^Expected to catch it: //p' "$1" | tr ' ' '\n' | while IFS= read -r w; do
		[ -f "$top/cases/$w.c" ] && printf '%s ' "$w"
	done
}

# Cases a log shows failing: "name diff" or "name error", and the first
# differing line of the first diff.
failures() {
	awk '
	/^# @@/ { hunk = 1; next }
	hunk && /^# \+/ && !/^# \+\+\+ / { if (plus == "") plus = substr($0, 3) }
	hunk && /^# -/ && !/^# --- / { if (minus == "") minus = substr($0, 3) }
	/^not ok / {
		kind = ($0 ~ / # (ERROR|TIMEOUT)/) ? "error" : "diff"
		print $4, kind, (kind == "diff" ? (plus != "" ? plus : minus) : "")
		plus = ""; minus = ""; hunk = 0
		next
	}
	/^ok / { plus = ""; minus = ""; hunk = 0 }
	' "$1"
}

restore
echo "mutants: base kernel ($base_version, tinyconfig + vm/config)"
echo "mutants: each mutant's guest runs $([ "$scope" = suite ] && echo "the whole suite" || echo "the cases its header expects to catch it") (MUTANT_SCOPE=$scope)"
image=$(build) || die "the base kernel does not build"
boot "$image" "$M/logs/base.log"
grep -q '^vm: .*root pass status 0' "$M/logs/base.log" ||
	{ tail -30 "$M/logs/base.log"; die "the suite does not pass on the unpatched kernel"; }

if [ $# -gt 0 ]; then
	# shellcheck disable=SC2046 # a list of patch paths, one word each
	set -- $(for n; do ls "$here"/[0-9]*-"$n".patch 2>/dev/null || ls "$here"/"$n" 2>/dev/null ||
		{ echo "mutants: no mutant $n" >&2; echo /nonexistent; }; done)
else
	set -- "$here"/[0-9]*.patch
fi
table=$M/table.md
printf '| mutant (%s; cases run: %s) | cases that failed (diff) | first differing line |\n|---|---|---|\n' \
	"$base_version" "$([ "$scope" = suite ] && echo "the suite" || echo "those expected")" >"$table"
bad=0
for p in "$@"; do
	[ -f "$p" ] || { bad=$((bad + 1)); continue; }
	name=$(basename "$p" .patch)
	name=${name#[0-9][0-9]-}
	log=$M/logs/$name.log
	restore
	files_of "$p" >"$tree/.nsx-applied"
	if ! patch -s -p1 -N --fuzz=0 --no-backup-if-mismatch -d "$tree" <"$p" >"$M/logs/$name.patch.log" 2>&1; then
		cat "$M/logs/$name.patch.log" >&2
		restore
		die "$name does not apply to $base_version: refresh it"
	fi
	t0=$(date +%s)
	if ! image=$(build); then
		restore
		die "$name does not build (log: $M/obj/build.log)"
	fi
	if [ "$scope" = expected ]; then
		cases=$(expected_cases "$p")
		[ -n "$cases" ] || die "$name: its header names no case to expect (Expected to catch it:)"
		boot "$image" "$log" $cases
	else
		boot "$image" "$log"
	fi
	restore
	caught=$(failures "$log" | awk '$2 == "diff" { printf "%s%s", sep, $1; sep = " " }')
	errors=$(failures "$log" | awk '$2 == "error" { printf "%s%s", sep, $1; sep = " " }')
	first=$(failures "$log" | awk '$2 == "diff" { $1 = ""; $2 = ""; sub(/^  /, ""); print; exit }')
	secs=$(($(date +%s) - t0))
	if [ -n "$caught" ]; then
		verdict="killed"
	elif grep -qx "$name" "$top/mutants/KNOWN-SURVIVORS" 2>/dev/null ||
		grep -q "^${name}[[:space:]]" "$top/mutants/KNOWN-SURVIVORS" 2>/dev/null; then
		verdict="survived (known)"
	else
		verdict="SURVIVED"
		bad=$((bad + 1))
	fi
	[ -z "$errors" ] || errors=" (errors only: $errors)"
	known=$(sed -n 's/^# \([^ ]*\): output matches \([^:]*\):.*/\1=\2/p' "$log" | sort -u | tr '\n' ' ')
	[ -z "$known" ] || errors="$errors (known-bad: ${known% })"
	printf '%-28s %-9s %3ss  %s%s\n' "$name" "$verdict" "$secs" "${caught:--}" "$errors"
	[ -z "$caught" ] || printf '%-28s           first diff: %s\n' "" "$first"
	printf '| %s | %s%s | `%s` |\n' "$name" "${caught:--}" "$errors" "$first" >>"$table"
done
restore
echo "mutants: $# run, $bad not caught by a diff, $(($(date +%s) - started)) s; table: $table"
[ "$bad" = 0 ]
