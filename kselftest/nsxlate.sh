#!/bin/sh
# nsxlate - run the installed nsxlate suite (the Debian package's command).
# The runner's options pass through (nsxlate --help lists them); its KTAP
# goes to stdout and its status is the command's.  The cases' output goes
# to a temporary directory removed afterwards, unless --out names one.
# NSXLATE_DIR: the installed tree (default /usr/lib/nsxlate).
set -u
dir=${NSXLATE_DIR:-/usr/lib/nsxlate}/nsxlate
[ -x "$dir/nsxrun" ] || {
	echo "nsxlate: no installed suite in $dir" >&2
	exit 2
}
out=
for a in "$@"; do
	case $a in --out | --out=*) out=given ;; esac
done
if [ -z "$out" ]; then
	out=$(mktemp -d "${TMPDIR:-/tmp}/nsxlate.XXXXXX") || exit 2
	trap 'rm -rf "$out"' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	set -- --out "$out" "$@"
fi
# shellcheck source=/dev/null # kselftest's settings file, installed beside the cases
. "$dir/settings" 2>/dev/null || timeout=10
"$dir/nsxrun" -t "$timeout" --cases "$dir/cases" --expected "$dir/expected" "$@"
