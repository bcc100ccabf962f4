#!/bin/sh
# run_kselftest.sh - the entry point of an installed nsxlate tree, laid out
# like the kernel's kselftest install (make install INSTALL_PATH=DIR), so a
# lab (KernelCI, LAVA) can run it without knowing the project.  Relocatable:
# everything is found next to this script.
#
#   run_kselftest.sh              run every test, KTAP on stdout
#   run_kselftest.sh -l           list them (collection:test, as kselftest-list.txt)
#   run_kselftest.sh -t nsxlate:pid_views [-t ...]   run some
#   run_kselftest.sh -s           summary only (the KTAP goes to output.log)
#
# Exit status: 0 when nothing failed, 1 otherwise (skips are not failures).
set -u
BASE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=/dev/null # kselftest's settings file, installed beside the cases
. "$BASE/nsxlate/settings" 2>/dev/null || timeout=10
tests=
summary=0
while [ $# -gt 0 ]; do
	case $1 in
	-l | --list) cat "$BASE/kselftest-list.txt"; exit 0 ;;
	-t | --test) tests="$tests ${2#nsxlate:}"; shift ;;
	-s | --summary) summary=1 ;;
	-h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "run_kselftest.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
out=$(mktemp -d "${TMPDIR:-/tmp}/nsxlate.XXXXXX") || exit 2
trap 'rm -rf "$out"' EXIT
# shellcheck disable=SC2086 # one word a test
set -- "$BASE/nsxlate/nsxrun" -t "$timeout" --cases "$BASE/nsxlate/cases" \
	--expected "$BASE/nsxlate/expected" --out "$out" $tests
if [ "$summary" = 1 ]; then
	"$@" >"$BASE/output.log" 2>&1
	rc=$?
	tail -n 1 "$BASE/output.log"
else
	"$@"
	rc=$?
fi
[ "$rc" = 0 ] && exit 0
exit 1
