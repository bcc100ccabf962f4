#!/bin/sh
# vm/qemu.sh CACHE DIR: the qemu-system-x86_64 the guests boot under, its
# path printed.  The installed one when it is qemu 8.1 or later.  Before 8.1
# (bookworm's 7.2) a guest now and then dies with a thread per vCPU and one
# thread for both costs twice the time (vm/tcg-thread.sh), so
# bookworm-backports' qemu-system-x86 is used instead: `apt-get download`ed
# with the packages its firmware comes from (qemu-system-data, seabios)
# through a private list under CACHE/apt (vm/debian-apt.sh), unpacked under
# DIR/VERSION (nothing is installed), run through a wrapper that points it
# at its firmware (-L).  It loads no module; its libraries are bookworm's,
# those the installed qemu needs too.  When it cannot be had (no archive, a
# library missing) the installed qemu is printed, and why, on stderr.
# NSX_QEMU=installed takes the installed one, NSX_QEMU=<path> that binary.
# The backport is looked up again once the private lists are a day old.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cache=${1:?usage: qemu.sh CACHE DIR}
dir=${2:?usage: qemu.sh CACHE DIR}
installed=$(command -v qemu-system-x86_64) || {
	echo "vm: no qemu-system-x86_64 (apt-get install qemu-system-x86)" >&2
	exit 1
}
case ${NSX_QEMU:-} in
'') ;;
installed)
	echo "$installed"
	exit 0
	;;
*)
	[ -x "$NSX_QEMU" ] || { echo "vm: NSX_QEMU=$NSX_QEMU: not an executable" >&2; exit 1; }
	echo "$NSX_QEMU"
	exit 0
	;;
esac
[ "$("$here/tcg-thread.sh" "$installed")" = single ] || {
	echo "$installed"
	exit 0
}
fallback() {
	echo "vm: $*: the installed $("$installed" --version | head -n 1 | sed 's/ (.*//'), one TCG thread for both vCPUs" >&2
	echo "$installed"
	exit 0
}
suite=bookworm-backports
mkdir -p "$dir"
# make vm holds build/vm/.lock; make lava does not
exec 8>"$dir/.lock"
flock 8
stamp=$cache/apt/$suite/lists/.nsx-updated
current=$dir/current/bin/qemu-system-x86_64
if [ -x "$current" ] && [ -f "$stamp" ] && [ -z "$(find "$stamp" -mmin +1440)" ]; then
	echo "$current"
	exit 0
fi
apt() { "$here/debian-apt.sh" "$cache" "$suite" "$@"; }
candidate() { # package: its version in the suite
	apt apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p' | grep -v '(none)'
}
ver=$(candidate qemu-system-x86) || fallback "no qemu-system-x86 in $suite"
bios=$(candidate seabios) || fallback "no seabios in $suite"
# "1:10.0.2+ds-2+deb13u1~bpo12+1" -> a directory name
name=$(printf '%s' "$ver" | tr -c 'A-Za-z0-9.+~-' '_')
if [ ! -x "$dir/$name/bin/qemu-system-x86_64" ]; then
	echo "vm: fetching qemu-system-x86 $ver from $suite (private, under $dir)" >&2
	tmp=$dir/$name.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp/debs" "$tmp/root" "$tmp/bin"
	(cd "$tmp/debs" && apt apt-get download -q qemu-system-x86="$ver" qemu-system-data="$ver" seabios="$bios") >"$tmp/download.log" 2>&1 ||
		{ cat "$tmp/download.log" >&2; fallback "apt-get download from $suite failed"; }
	for deb in "$tmp"/debs/*.deb; do dpkg-deb -x "$deb" "$tmp/root"; done
	rm -rf "$tmp/debs" "$tmp/download.log"
	cat >"$tmp/bin/qemu-system-x86_64" <<WRAP
#!/bin/sh
# $suite's qemu-system-x86 $ver, unpacked beside by vm/qemu.sh
root=\$(cd "\$(dirname "\$0")/../root" && pwd)
exec "\$root/usr/bin/qemu-system-x86_64" -L "\$root/usr/share/qemu" -L "\$root/usr/share/seabios" "\$@"
WRAP
	chmod +x "$tmp/bin/qemu-system-x86_64"
	missing=$(ldd "$tmp/root/usr/bin/qemu-system-x86_64" | sed -n 's/^[[:space:]]*\([^ ]*\) => not found$/\1/p' | tr '\n' ' ')
	[ -z "$missing" ] || { rm -rf "$tmp"; fallback "$suite's qemu needs libraries not installed: $missing"; }
	"$tmp/bin/qemu-system-x86_64" --version >/dev/null 2>&1 || { rm -rf "$tmp"; fallback "$suite's qemu does not run"; }
	mv "$tmp" "$dir/$name"
fi
ln -sfn "$name" "$dir/current"
# Only the current version is kept.
for old in "$dir"/*; do
	case ${old##*/} in current | "$name") ;; *) rm -rf "$old" ;; esac
done
echo "$current"
