#!/bin/sh
# kselftest/install.sh DIR: lay the built suite out in DIR as the kernel's
# kselftest install does (kselftest/README.md): make install.
# kselftest/install.sh --check: install to a temporary directory, move it,
# and run it from there (make install-check, in make check).
# B names the build directory (default build); make builds it first.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
B=${B:-build}
export LC_ALL=C
case ${1:-} in
"") echo "install: INSTALL_PATH is empty" >&2; exit 2 ;;
--check)
	t=$(mktemp -d)
	trap 'rm -rf "$t"' EXIT
	"$0" "$t/a" >/dev/null
	mv "$t/a" "$t/moved"
	"$t/moved/run_kselftest.sh" -l | grep -qx nsxlate:pid_views ||
		{ echo "install-check: nsxlate:pid_views is not listed" >&2; exit 1; }
	rc=0 && "$t/moved/run_kselftest.sh" -s >"$t/summary" || rc=$?
	one=0 && "$t/moved/nsxlate/pid_views" >/dev/null || one=$?
	pp=0 && "$t/moved/nsxlate/peer_pidfd" >/dev/null || pp=$?
	echo "install-check: moved tree: $(cat "$t/summary") (status $rc); nsxlate/pid_views alone: $one; peer_pidfd: $pp"
	[ $rc = 0 ] && [ $one = 0 ] && { [ $pp = 0 ] || [ $pp = 4 ]; }
	exit
	;;
esac
d=$1
# The cases: every built executable without a '.' in its name.
cases=$(cd "$B/cases" && for f in *; do case $f in *.*) ;; *) [ -x "$f" ] && echo "$f" ;; esac; done)
[ -n "$cases" ] || { echo "install: no cases in $B/cases: run make" >&2; exit 1; }
rm -rf "$d/nsxlate" "$d/run_kselftest.sh" "$d/kselftest-list.txt"
mkdir -p "$d/nsxlate/cases" "$d/nsxlate/lib" "$d/nsxlate/expected"
cp "$B/runner/nsxrun" "$d/nsxlate/nsxrun"
for c in $cases; do
	cp "$B/cases/$c" "$d/nsxlate/cases/"
	cp kselftest/run_case.sh "$d/nsxlate/$c"
	echo "nsxlate:$c"
done >"$d/kselftest-list.txt"
cp "$B/lib/nsx-getpid-cache.so" "$d/nsxlate/lib/"
cp expected/*.out expected/VARIANTS "$d/nsxlate/expected/"
NSXRUN=$B/runner/nsxrun python3 docs/catalogue.py kconfig >"$d/nsxlate/config"
echo timeout=10 >"$d/nsxlate/settings"
cp kselftest/run_kselftest.sh "$d/"
echo "installed to $d"
