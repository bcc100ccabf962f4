#!/bin/sh
# mutants/run.sh [NAME...]: prove that the suite catches pid-translation
# regressions on a real kernel.  See mutants/README.md.
#
# Mutant schemata: every patch of a base becomes a switch in one kernel
# (mutants/schema.py: the original and the mutated code side by side, the
# mutated one taken only while /sys/module/kernel/parameters/nsx_mutant holds
# that mutant's number), so each base is built once and all its mutants run in
# one boot.  The pristine tree is Debian's linux-source, unpacked under
# build/mutants/pristine and never written again; the build happens in
# build/mutants/tree, a copy into which the schema's files are synced (only
# those that changed are written, so a rebuild is incremental, and a file no
# schema needs any more is put back from the pristine tree and checked byte
# for byte).  The guest (vm/guest-init, nsx.test=mutants) first runs the whole
# suite with no mutant selected, which must pass; then, for each mutant, its
# cases with none selected (the control: the kernel as the earlier mutants
# left it is still sound for them) and with it selected.  A mutant is killed
# when some case fails with a golden-line diff.  A mutant that crashes or
# hangs the guest is recorded as crashed, not caught, and the run goes on in a
# new boot from the next one; a failed control means the mutant before left
# something behind: the next boot starts from the mutant whose control failed.
# MUTANT_SCOPE says which cases a mutant runs: "expected" (the default) the
# cases that pin the map rows its header names (Rows:) or are of the family
# it names (Family:), "suite" all of them.  A
# mutant caught only by set-up errors or timeouts, not caught, or crashed
# fails the run unless mutants/KNOWN-SURVIVORS names it.  The table goes to
# stdout and build/mutants/table.md.
#
# Three bases: mutants/ holds the patches for linux-source-6.1
# (mutants/BASE), mutants/6.12/ those for linux-source-6.12 (interfaces 6.1
# lacks: SO_PEERPIDFD, SCM_PIDFD, the nsfs translation ioctls), mutants/7.2/
# those for sid's linux-source-7.2 (PIDFD_GET_INFO, PIDFD_INFO_EXIT,
# per-namespace pid_max), fetched by vm/debian-source.sh.  Each base has its own
# pristine tree, work tree and objects (build/mutants, build/mutants-6.12);
# with names given, each base runs those of them it has (the kernel always
# holds all of them); MUTANT_BASES (a list of series, "6.1 6.12 7.2" by
# default) picks the bases.
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
		# shellcheck disable=SC2086 # names, one word each
		NSX_MUTANT_DIR=$d "$self" $names || rc=1
	done
	# Every mutant of every base run: docs/mutants.md is rewritten from the tables.
	# shellcheck disable=SC2086 # a list of series
	if [ $# -eq 0 ] && [ "$(printf '%s\n' ${MUTANT_BASES:-6.1 6.12 7.2} | sort -u | paste -sd' ')" = "6.1 6.12 7.2" ]; then
		"$top/mutants/docs.sh" "$B" >"$top/docs/mutants.md.tmp" && mv "$top/docs/mutants.md.tmp" "$top/docs/mutants.md" &&
			echo "mutants: docs/mutants.md written from the tables"
	fi
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
# Debian replaces a suite's linux-source with each point release: a newer
# tree is used when every hunk still matches it exactly (schema.py checks),
# and said; one that does not stops the run below.
[ "$have" = "$base_version" ] ||
	echo "mutants: the patches are written for $base_version (BASE), $tarball is $have: using it, as every hunk must still match it exactly"
if [ ! -f "$tree/.nsx-version" ]; then
	echo "mutants: copying the pristine tree to $tree"
	rm -rf "$tree"
	cp -a "$pristine" "$tree" || die "cannot copy the tree"
fi


# The schema of every patch of the base (the kernel holds them all, whichever
# run), synced into the tree: a file is written only when it changed, a file
# the schema no longer touches is put back from the pristine tree.
command -v python3 >/dev/null || die "python3 is needed (apt-get install python3)"
all_patches=$(ls "$here"/[0-9]*.patch)
rm -rf "$M/schema.new" && mkdir -p "$M/schema.new"
# shellcheck disable=SC2086 # the base's patch paths, one word each
python3 "$top/mutants/schema.py" "$pristine" "$M/schema.new" $all_patches >"$M/schema.new/.nsx-numbers" ||
	die "cannot make the schemata (mutants/schema.py) from $have's tree: refresh the patches and $here/BASE"
# MUTANT_SITES=1: a site mutant at every call of the translation helpers in
# the files the base compiles (mutants/sites/), beside the hand-written ones;
# which files those are, the base's objects say: it must have been built.
if [ "${MUTANT_SITES:-0}" = 1 ]; then
	ls "$M/obj/kernel/"*.o >/dev/null 2>&1 ||
		die "MUTANT_SITES=1 needs the base built once (make mutants MUTANT_BASES=$series)"
	"$top/mutants/sites/schema.sh" "$pristine" "$M/schema.new" "$M/obj" ||
		die "cannot make the site mutants (mutants/sites/schema.sh)"
fi
if [ -f "$tree/.nsx-applied" ]; then
	while IFS= read -r f; do
		grep -qxF "$f" "$M/schema.new/.nsx-files" && continue
		if [ -f "$pristine/$f" ]; then
			cp "$pristine/$f" "$tree/$f" || die "cannot restore $f"
			cmp -s "$pristine/$f" "$tree/$f" || die "$f differs from the pristine tree"
		else
			rm -f "$tree/$f"
		fi
	done <"$tree/.nsx-applied"
fi
# (recorded before they are written: a run killed halfway leaves no file
# the next one would not know to put back)
cat "$M/schema.new/.nsx-files" >>"$tree/.nsx-applied"
while IFS= read -r f; do
	cmp -s "$M/schema.new/$f" "$tree/$f" || cp "$M/schema.new/$f" "$tree/$f" || die "cannot write $f"
done <"$M/schema.new/.nsx-files"
cp "$M/schema.new/.nsx-files" "$tree/.nsx-applied"
rm -rf "$M/schema" && mv "$M/schema.new" "$M/schema"
# For readers: the whole schema as one diff against the pristine tree.
(cd "$M" && while IFS= read -r f; do
	diff -u --label "a/$f" --label "b/$f" "$([ -f "pristine/$f" ] && echo "pristine/$f" || echo /dev/null)" "tree/$f"
done <"$tree/.nsx-applied") >"$M/schema.diff"

scope=${MUTANT_SCOPE:-expected}
case $scope in expected | suite) ;; *) die "MUTANT_SCOPE=$scope: expected or suite" ;; esac
# The cases expected to catch each mutant (its scope), generated from what
# the cases declare: those whose .rows meet the map rows its header names
# ("Rows:"), or whose .family is its "Family:" (docs/catalogue.py scope).
NSXRUN=$B/runner/nsxrun "$top/docs/catalogue.py" scope >"$M/scope" ||
	die "cannot work out the mutants' expected scope (docs/catalogue.py scope)"
expected_cases() { awk -v m="$1" '$1 == m { $1 = ""; sub(/^ /, ""); print }' "$M/scope"; }
# The mutants to run: those named, else all; the plan's lines "<n> <name> <case...>".
if [ $# -gt 0 ]; then
	names="$*"
else
	names=$(awk '{ print $2 }' "$M/schema/.nsx-numbers")
fi
plan=$M/plan
: >"$plan"
for name in $names; do
	n=$(awk -v m="$name" '$2 == m { print $1 }' "$M/schema/.nsx-numbers")
	[ -n "$n" ] || die "no mutant $name in $here"
	p=$(ls "$here"/[0-9]*-"$name".patch)
	if [ "$scope" = expected ]; then
		cases=$(expected_cases "$name")
		[ -n "$cases" ] || die "$name: no case pins the rows or family its header names ($p)"
	else
		cases=''
	fi
	echo "$n $name $cases" >>"$plan"
done

echo "mutants: $have, tinyconfig + vm/config, every mutant's schema in one kernel ($M/schema.diff)"
echo "mutants: each mutant runs $([ "$scope" = suite ] && echo "the whole suite" || echo "the cases that pin its rows or family") (MUTANT_SCOPE=$scope)"
# (not in a pipe: its status would be the pipe's last command's)
image=$("$top/vm/build-kernel.sh" "$tree" "$M/obj") || die "the kernel does not build (log: $M/obj/build.log)"
image=$(printf '%s\n' "$image" | tail -n 1)

# failures(), completed(), boot_plan(), site_verdict()
# shellcheck disable=SC1091 # read at run time
. "$top/mutants/boot.sh"

# The plan: the base run, then each mutant.  Each boot takes the steps left;
# a boot's console is split into one log per mutant (logs/<name>.log).
rm -f "$M"/logs/*.log
todo=$M/plan.todo
{
	echo base
	cat "$plan"
} >"$todo"
# shellcheck disable=SC2034 # unclean: boot_plan()'s (mutants/boot.sh)
boots=0 unclean=''
: >"$M/verdicts"
boot_plan

table=$M/table.md
printf '| mutant (%s; cases run: %s) | cases that failed (diff) | first differing line |\n|---|---|---|\n' \
	"$have" "$([ "$scope" = suite ] && echo "the suite" || echo "those expected")" >"$table"
bad=0 total=0
while read -r n name cases; do
	total=$((total + 1))
	log=$M/logs/$name.log
	how=$(grep "^$name " "$M/verdicts" | grep -v ' unclean$' | tail -n 1 | cut -d' ' -f2)
	caught='' errors='' first=''
	[ "$how" != ended ] || completed "$log" || how=died
	if [ "$how" = ended ]; then
		caught=$(failures "$log" | awk '$2 == "diff" { printf "%s%s", sep, $1; sep = " " }')
		errors=$(failures "$log" | awk '$2 == "error" { printf "%s%s", sep, $1; sep = " " }')
		first=$(failures "$log" | awk '$2 == "diff" { $1 = ""; $2 = ""; sub(/^  /, ""); print; exit }')
	fi
	if [ -n "$caught" ]; then
		verdict="killed"
	elif grep -qx "$name" "$top/mutants/KNOWN-SURVIVORS" 2>/dev/null ||
		grep -q "^${name}[[:space:]]" "$top/mutants/KNOWN-SURVIVORS" 2>/dev/null; then
		verdict="survived (known)"
	elif [ "$how" = ended ]; then
		verdict="SURVIVED"
		bad=$((bad + 1))
	else
		verdict="CRASHED"
		bad=$((bad + 1))
	fi
	[ -z "$errors" ] || errors=" (errors only: $errors)"
	known=$(sed -n 's/^# \([^ ]*\): output matches \([^:]*\):.*/\1=\2/p' "$log" 2>/dev/null | sort -u | tr '\n' ' ')
	[ -z "$known" ] || errors="$errors (known-bad: ${known% })"
	printf '%-28s %-9s %s%s\n' "$name" "$verdict" "${caught:--}" "$errors"
	[ -z "$caught" ] || printf '%-28s           first diff: %s\n' "" "$first"
	[ "$verdict" != CRASHED ] || caught="crashed or hung the guest"
	# shellcheck disable=SC2016 # markdown backquotes
	printf '| %s | %s%s | `%s` |\n' "$name" "${caught:--}" "$errors" "$first" >>"$table"
done <"$plan"
echo "mutants: $have: $total run in $boots boot(s), $bad not caught by a diff, $(($(date +%s) - started)) s; table: $table"
# shellcheck disable=SC1091 # mutants/sites/run.sh, read at run time
site_rc=0
[ "${MUTANT_SITES:-0}" != 1 ] || . "$top/mutants/sites/run.sh"
[ "$bad" = 0 ] && [ "$site_rc" = 0 ]
