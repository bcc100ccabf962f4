#!/bin/sh
# tools/loop-race-check.sh CASE SHIM: ext4_journal_task (CASE, its binary)
# against another loop-device user that takes the free device between the
# case's LOOP_CTL_GET_FREE and its LOOP_CONFIGURE (SHIM, tools/loop-steal.c,
# preloaded): the race that made it fail with EBUSY now and then, made to
# happen every time.  Taken three times, the case must still pass with its
# golden output; taken every time, it must give up after a bounded number of
# tries, saying so.  Each run is bare (no runner) in a fresh pid namespace,
# with TMPDIR a directory of its own that must be empty afterwards, and no
# device may stay bound to the taker's image.  Needs root in the initial
# user namespace, loop devices, mkfs.ext4 and ext4, as the case does:
# without them it says why and passes.  `make check` runs it.
set -u
case_bin=${1:?usage: loop-race-check.sh CASE SHIM}
shim=${2:?usage: loop-race-check.sh CASE SHIM}
top=$(cd "$(dirname "$0")/.." && pwd)
golden=$top/expected/ext4_journal_task.out
if [ "$(id -u)" != 0 ]; then
	echo "loop-race-check: skipped: needs root (loop devices, an ext4 mount)"
	exit 0
fi
work=$(mktemp -d "$(dirname "$shim")/loop-race.XXXXXX") || exit 1
tag=$$
bad=0
fail() {
	echo "loop-race-check: $*"
	bad=1
}
# run STEAL: the case with STEAL takings; status, stdout and stderr in $work
run() {
	mkdir "$work/tmp"
	LOOP_STEAL=$1 LOOP_STEAL_TAG=$tag TMPDIR=$work/tmp LD_PRELOAD=$shim \
		timeout 20 unshare --pid --fork --mount-proc "$case_bin" \
		>"$work/out" 2>"$work/err" </dev/null
	echo $? >"$work/status"
	rmdir "$work/tmp" 2>/dev/null || fail "LOOP_STEAL=$1: the case left $(ls -A "$work/tmp") in TMPDIR"
	taken=$(grep -c '^loop-steal: took ' "$work/err")
}

run 3
status=$(cat "$work/status")
if [ "$status" = 4 ]; then
	echo "loop-race-check: skipped: the case skipped: $(tail -n 1 "$work/err")"
	rm -rf "$work"
	exit 0
fi
if [ "$status" != 0 ] || ! cmp -s "$work/out" "$golden" || [ "$taken" != 3 ]; then
	fail "a loop device taken 3 times before LOOP_CONFIGURE: exit $status, $taken taken," \
		"output $(cmp -s "$work/out" "$golden" && echo as golden || echo not as golden)"
	sed 's/^/#   /' "$work/err"
fi
run -1
status=$(cat "$work/status") last=$(tail -n 1 "$work/err")
case $last in
*"LOOP_CONFIGURE: EBUSY $taken times"*) ok=1 ;;
*) ok=0 ;;
esac
if [ "$status" != 1 ] || [ "$ok" != 1 ] || [ "$taken" -lt 2 ]; then
	fail "every loop device taken before LOOP_CONFIGURE: exit $status after $taken taken: $last"
fi
for f in /sys/block/loop*/loop/backing_file; do
	[ -r "$f" ] || continue
	case $(cat "$f" 2>/dev/null) in
	*"loop-steal-$tag"*) fail "${f%/loop/backing_file} is still bound to the taker's image" ;;
	esac
done
rm -rf "$work"
[ "$bad" = 0 ] || exit 1
echo "loop-race-check: ext4_journal_task passed with its loop device taken 3 times before" \
	"LOOP_CONFIGURE, and gave up after $taken tries when it was taken every time"
