#!/bin/sh
# review/mutate.sh TREES WORK: would the suite notice if a translation site
# the series adds or changes stopped translating, on the kernel after it?
# (review/README.md, step 6).  Called by review.sh once both kernels have run
# and review/sites.sh has written WORK/sites/.
#
# The kernel after the series, again, with a site mutant at every call of
# the translation helpers in the files the series touches (the C files
# sites.sh rewrote with mutants/sites/sites.cocci, and the site mutants'
# selector, mutants/sites/kernel/), built in TREES/after over its objects
# (only those files compile) and put back at once.
# One boot (more if a mutant crashes the guest: mutants/boot.sh) runs, for
# each site the series adds or changes, the cases that passed in the root
# pass on the kernel after the series (their control first, with no mutant
# selected), then the same with that site's mutant selected.
#
# Writes WORK/sites/verdicts, one line a site mutant run:
#   <file>:<function>:<n>:<operator>|<verdict>|<cases>|<executions>
# (mutants/boot.sh's site_verdict(); a site in a file the configuration does
# not compile: "not built"); the boots' consoles in WORK/sites/run/logs/.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
T=${1:?usage: mutate.sh TREES WORK}
W=${2:?usage: mutate.sh TREES WORK}
B=${B:-$top/build}
S=$W/sites
die() {
	echo "review: $*" >&2
	exit 1
}
: >"$S/verdicts"

# The site mutants to run: those the series adds (a name the tree before
# has not) or changes (its function's text changes), by id in after.sites.
awk 'FILENAME ~ /before.sites$/ { had[$2 ":" $3 ":" $4 ":" $5] = 1; next }
     FILENAME ~ /changed$/ { fn[$1 " " $2] = 1; next }
     !(($2 ":" $3 ":" $4 ":" $5) in had) || (($2 " " $3) in fn) { print $1, $2 ":" $3 ":" $4 ":" $5, $2 }' \
	"$S/before.sites" "$S/changed" "$S/after.sites" >"$S/mutate"
[ -s "$S/mutate" ] || exit 0

# Not compiled in the configuration: no mutant can run there.
while read -r id name file; do
	[ -f "$T/after/nsx-obj/${file%.c}.o" ] || case $file in *.h) ;; *) echo "$name|not built||" >>"$S/verdicts" ;; esac
done <"$S/mutate"
awk -v v="$S/verdicts" 'BEGIN { while ((getline l < v) > 0) { split(l, a, "|"); skip[a[1]] = 1 } }
	!($2 in skip)' "$S/mutate" >"$S/mutate.run"
[ -s "$S/mutate.run" ] || exit 0

# The cases to run: those that passed (or matched a known-bad variant
# expected there: mutants/boot.sh's failures() counts that as no failure)
# in the root pass after the series.
cases=$(awk '/^# pass 1:/ { p = 1; next } /^# pass / { p = 0 }
	p && /^ok / && !/ # SKIP/ { print $3 }
	p && /^not ok .* # XFAIL/ { print $4 }' "$W/after.ktap" | paste -sd' ')
if [ -z "$cases" ]; then
	echo "review: no case passed on the kernel after the series: no site mutant can be judged" >&2
	while read -r _ name _; do echo "$name|not run||" >>"$S/verdicts"; done <"$S/mutate.run"
	exit 0
fi
# more than nsxrun takes by name (runner/runner.h: NSXRUN_MAX_PATTERNS)
[ "$(echo "$cases" | wc -w)" -le 256 ] ||
	die "more than 256 cases passed after the series: nsxrun takes no more by name"

# The kernel: the tree after, with the touched files rewritten and the
# selector added, built where it was built (only those files compile, and
# the link), then put back at once (the next build of the tree after
# compiles them again): copies, never the shared inode.
echo "review: the kernel after the series with site mutants in the files it touches" >&2
# The originals wait in TREES/mutate-orig until they are back (review.sh
# puts them back first if a review stopped halfway).
O=$T/mutate-orig
rm -rf "$O" && mkdir -p "$O"
{
	cat "$S/after.files"
	echo kernel/Makefile
} | sort -u >"$S/put"
while IFS= read -r f; do
	mkdir -p "$O/$(dirname "$f")"
	cp "$T/after/$f" "$O/$f"
done <"$S/put"
cp "$S/put" "$O/.nsx-put"
put() { # put FROM PATH: PATH of the tree after written from FROM
	rm -f "$T/after/$2"
	mkdir -p "$T/after/$(dirname "$2")"
	cp "$1" "$T/after/$2"
}
restore() {
	while IFS= read -r f; do put "$O/$f" "$f"; done <"$O/.nsx-put"
	rm -f "$T/after/include/linux/nsx_site.h" "$T/after/kernel/nsx_site.c" "$T/after/kernel/nsx_site_count.h"
	rm -rf "$O"
}
trap restore EXIT
trap 'exit 1' INT TERM
while IFS= read -r f; do
	put "$S/after/$f" "$f"
done <"$S/after.files"
put "$top/mutants/sites/kernel/include/linux/nsx_site.h" include/linux/nsx_site.h
put "$top/mutants/sites/kernel/kernel/nsx_site.c" kernel/nsx_site.c
printf '#define NSX_NSITES %d\n' "$(wc -l <"$S/after.sites")" >"$S/nsx_site_count.h"
put "$S/nsx_site_count.h" kernel/nsx_site_count.h
{
	cat "$O/kernel/Makefile"
	printf '\n# nsxlate'"'"'s site mutants\nobj-y += nsx_site.o\n'
} >"$S/Makefile"
put "$S/Makefile" kernel/Makefile
image=$("$top/vm/build-kernel.sh" "$T/after" "$T/after/nsx-obj") ||
	die "the kernel after the series with site mutants does not build (log: $T/after/nsx-obj/build.log)"
cp "$(printf '%s\n' "$image" | tail -n 1)" "$S/bzImage"
image=$S/bzImage
restore
trap - EXIT INT TERM

# The plan, and the boots (mutants/boot.sh).
M=$S/run
rm -rf "$M" && mkdir -p "$M/logs"
todo=$M/plan.todo
awk -v c="$cases" '{ print "s" $1, "site-" $1, c }' "$S/mutate.run" >"$todo"
# shellcheck disable=SC2034 # unclean: boot_plan()'s (mutants/boot.sh)
boots=0 unclean=''
: >"$M/verdicts"
# shellcheck disable=SC1091 # read at run time
. "$top/mutants/boot.sh"
echo "review: $(wc -l <"$todo") site mutant(s), each with the $(echo "$cases" | wc -w) cases that passed after the series" >&2
# (boot_plan() reads statuses itself; vm/run.sh boots KERNEL, not KSRC)
set +e
unset KSRC
# A step (the control and the mutant's run of the same cases) takes a few
# seconds (the console's "# step" lines give the guest's clock).  The guest
# powers off, and the mutant is "crashed or hung the guest", when a step's
# output stands still for 30 s (no case began or ended: vm/guest-init's
# watch()), or when it is not over after nsx.watch seconds: 30 here, not
# make mutants' 120.  A mutant under which every case waits out its limits
# (send_signal_locked()'s fourth site: mutants/sites/KNOWN-SURVIVORS) would
# take minutes to end otherwise, and is called so in a full site run too.
# shellcheck disable=SC2034 # boot_plan()'s
NSX_MUTANT_APPEND=' nsx.watch=30'
boot_plan
set -e
while read -r id name _; do
	echo "$name|$(site_verdict "$id")" >>"$S/verdicts"
done <"$S/mutate.run"
echo "review: site mutants after the series, in $boots boot(s): $(cut -d'|' -f2 "$S/verdicts" | sort | uniq -c | awk '{ n = $1; $1 = ""; printf "%s%s%s", sep, n, $0; sep = ", " }')" >&2
