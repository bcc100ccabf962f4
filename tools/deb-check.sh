#!/bin/sh
# tools/deb-check.sh OUTDIR: the Debian package, built from a copy of the
# project's tracked files (dpkg-buildpackage -us -uc -b: the build
# directory of the checkout is left alone), checked with lintian (no error
# or warning), and, as root, tested with autopkgtest on this machine (the
# null runner installs the package, runs debian/tests/suite: the installed
# suite) and removed again.  The .deb and the logs stay in OUTDIR.
# `make deb` runs it.
set -eu
out=${1:?usage: deb-check.sh OUTDIR}
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
src=$(mktemp -d "${TMPDIR:-/tmp}/nsxlate-deb.XXXXXX")
trap 'rm -rf "$src"' EXIT
# The package's version, and its source: the tracked files as they are.
ver=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
mkdir "$src/nsxlate-$ver"
(cd "$top" && git ls-files -z | xargs -0 tar -cf - --) | tar -xf - -C "$src/nsxlate-$ver"
s=$(date +%s)
(cd "$src/nsxlate-$ver" && DEB_BUILD_OPTIONS="parallel=$(nproc)" dpkg-buildpackage -us -uc -b) \
	>"$out/build.log" 2>&1 || {
	tail -n 30 "$out/build.log" >&2
	echo "deb-check: dpkg-buildpackage failed (log: $out/build.log)" >&2
	exit 1
}
for d in "$src"/*.deb; do echo "deb-check: built $(basename "$d") in $(($(date +%s) - s)) s"; done
rm -f "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo
cp "$src"/*.deb "$src"/*.changes "$src"/*.buildinfo "$out/"
deb=$(find "$out" -maxdepth 1 -name 'nsxlate_*.deb' | head -n 1)
# lintian: nothing at error or warning level.
lintian --fail-on error,warning "$out"/nsxlate_*.changes >"$out/lintian.log" 2>&1 || {
	cat "$out/lintian.log" >&2
	echo "deb-check: lintian has errors or warnings" >&2
	exit 1
}
echo "deb-check: lintian: $(grep -c . "$out/lintian.log" || true) notes, no error or warning"
if [ "$(id -u)" != 0 ]; then
	echo "deb-check: autopkgtest not run: it installs the package (needs root)"
	exit 0
fi
was=$(dpkg-query -W -f '${Status}' nsxlate 2>/dev/null || true)
s=$(date +%s)
set +e
autopkgtest "$deb" "$src/nsxlate-$ver/" -- null >"$out/autopkgtest.log" 2>&1
rc=$?
set -e
# The package goes again unless it was installed before.
case $was in *" installed") ;; *) dpkg -r nsxlate >/dev/null 2>&1 || true ;; esac
grep -E '^suite +(PASS|FAIL|SKIP)' "$out/autopkgtest.log" | sed 's/^/deb-check: autopkgtest: /'
grep -E '^[0-9]+ passed, [0-9]+ failed' "$out/autopkgtest.log" | tail -n 1 | sed 's/^/deb-check: the installed suite: /'
echo "deb-check: autopkgtest status $rc in $(($(date +%s) - s)) s"
exit "$rc"
