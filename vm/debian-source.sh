#!/bin/sh
# vm/debian-source.sh SERIES CACHE: the path of Debian's source tarball of a
# kernel series (linux-source-SERIES.tar.xz), for make mutants and for
# make vm KSRC= with a tree unpacked from it.
#   6.1, 6.12  bookworm's linux-source-SERIES package, installed by apt-get
#              (make mutants installs it as root): /usr/src/...
#   7.2, 7.3   sid's and experimental's, which are not installed: the
#              package is `apt-get download`ed through a private list
#              (vm/debian-apt.sh) and only its tarball taken out, to CACHE.
# Prints the tarball's path; "VERSION" (the package's) on stderr when fetched.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
series=${1:?usage: debian-source.sh 6.1|6.12|7.2|7.3 CACHE}
cache=${2:?usage: debian-source.sh 6.1|6.12|7.2|7.3 CACHE}
case $series in
6.1 | 6.12)
	t=/usr/src/linux-source-$series.tar.xz
	[ -f "$t" ] || { echo "vm: no $t (apt-get install linux-source-$series)" >&2; exit 1; }
	echo "$t"
	exit 0
	;;
7.2) suite=sid ;;
7.3) suite=experimental ;;
*) echo "vm: no Debian kernel source series '$series' (6.1, 6.12, 7.2 or 7.3)" >&2; exit 1 ;;
esac
pkg=linux-source-$series
ver=$("$here/debian-apt.sh" "$cache" "$suite" apt-cache policy "$pkg" | sed -n 's/^ *Candidate: //p')
if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
	echo "vm: no $pkg in $suite" >&2
	exit 1
fi
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
t=$cache/${pkg}_$ver.tar.xz
if [ ! -f "$t" ]; then
	echo "vm: fetching $pkg $ver from $suite (apt-get download; only its tarball is kept)" >&2
	tmp=$cache/.src.$$
	rm -rf "$tmp" && mkdir -p "$tmp"
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && "$here/debian-apt.sh" "$cache" "$suite" apt-get download -q "$pkg=$ver") >"$tmp/log" 2>&1 ||
		{ cat "$tmp/log" >&2; echo "vm: apt-get download $pkg=$ver failed" >&2; exit 1; }
	dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp" "./usr/src/$pkg.tar.xz"
	mv "$tmp/usr/src/$pkg.tar.xz" "$t"
fi
echo "$t"
