#!/bin/sh
# nsxlate/<case>: one test of an installed nsxlate tree, runnable on its own
# as kselftest expects: it runs the case under nsxrun (its own pid, mount and
# IPC namespaces, compared with its golden file), prints KTAP, and exits with
# kselftest's codes: 0 pass, 1 fail, 2 xfail (a known kernel bug that
# expected/VARIANTS expects on this kernel's version), 4 skip.  The case is this script's name.
set -u
DIR=$(cd "$(dirname "$0")" && pwd)
name=$(basename "$0")
# shellcheck source=/dev/null # kselftest's settings file, beside the script once installed
. "$DIR/settings" 2>/dev/null || timeout=10
out=$(mktemp -d "${TMPDIR:-/tmp}/nsxlate.XXXXXX") || exit 1
trap 'rm -rf "$out"' EXIT
"$DIR/nsxrun" -t "$timeout" --cases "$DIR/cases" --expected "$DIR/expected" --out "$out" \
	"$name" >"$out/ktap" 2>&1
rc=$?
cat "$out/ktap"
[ "$rc" != 0 ] && exit 1
grep -q "^ok 1 $name # SKIP" "$out/ktap" && exit 4
grep -q "^not ok 1 $name # XFAIL" "$out/ktap" && exit 2
exit 0
