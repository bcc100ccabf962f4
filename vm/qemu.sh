#!/bin/sh
# vm/qemu.sh CACHE DIR: the qemu-system-x86_64 the guests boot under, its
# path printed.  The installed one when it is qemu 8.1 or later.  Before 8.1
# (bookworm's 7.2) a guest now and then dies with a thread per vCPU and one
# thread for both costs twice the time (vm/tcg-thread.sh), so
# bookworm-backports' qemu-system-x86 is used instead: `apt-get download`ed
# with the packages its firmware comes from (qemu-system-data, seabios)
# through a private list under CACHE/apt (vm/debian-apt.sh), unpacked under
# DIR/VERSION (about 80 MB; nothing is installed), run through a wrapper that
# points it at its firmware (-L).  It loads no module; its libraries are
# bookworm's, those the installed qemu needs too.  When it cannot be had (no
# archive, a library missing) the one unpacked before is kept, or else the
# installed qemu is printed; either way stderr says why.
# NSX_QEMU=installed takes the installed one, NSX_QEMU=<command> that one.
# The backport is looked up again once the private lists are a day old, or
# with NSX_APT_UPDATE=1.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cache=${1:?usage: qemu.sh CACHE DIR}
dir=${2:?usage: qemu.sh CACHE DIR}
die() {
	echo "vm: $*" >&2
	exit 1
}
absolute() { # command: its absolute path
	p=$(command -v "$1") || return 1
	case $p in /*) ;; */*) p=$(cd "$(dirname "$p")" && pwd)/${p##*/} ;; *) return 1 ;; esac
	echo "$p"
}
case ${NSX_QEMU:-} in
'' | installed) ;;
*)
	absolute "$NSX_QEMU" || die "NSX_QEMU=$NSX_QEMU: no such command"
	exit 0
	;;
esac
installed=$(absolute qemu-system-x86_64) || die "no qemu-system-x86_64 (apt-get install qemu-system-x86)"
# The installed qemu's own threading, whatever NSX_TCG_THREAD says.
thread=$(NSX_TCG_THREAD='' "$here/tcg-thread.sh" "$installed")
if [ "${NSX_QEMU:-}" = installed ] || [ "$thread" = multi ]; then
	echo "$installed"
	exit 0
fi
suite=bookworm-backports
mkdir -p "$dir"
# One look-up and unpacking at a time (make vm holds build/vm/.lock, make
# lava does not); read-only, so that a lock file root made serves anyone.
lock=$dir/.lock
[ -e "$lock" ] || : >"$lock"
exec 8<"$lock"
flock 8
current=$dir/current/bin/qemu-system-x86_64
stamp=$cache/apt/$suite/lists/.nsx-updated
if [ -x "$current" ] && [ -f "$stamp" ] && [ -z "$(find "$stamp" -mmin +1440)" ] &&
	[ "${NSX_APT_UPDATE:-0}" != 1 ]; then
	echo "$current"
	exit 0
fi
fallback() { # why
	if [ -x "$current" ]; then
		echo "vm: $*: keeping the qemu unpacked before ($(readlink "$dir/current"))" >&2
		echo "$current"
	else
		echo "vm: $*: the installed $("$installed" --version | sed -n '1s/ (.*//p'), one TCG thread for both vCPUs" >&2
		echo "$installed"
	fi
	exit 0
}
in_suite() { "$here/debian-apt.sh" "$cache" "$suite" "$@"; }
policy=$(in_suite apt-cache policy qemu-system-x86 qemu-system-data seabios) ||
	fallback "apt-cache through the private list of $suite failed"
candidate() { # package: its candidate version in the suite
	printf '%s\n' "$policy" | awk -v p="$1:" '$0 == p {f = 1; next} /^[^ ]/ {f = 0}
		f && $1 == "Candidate:" && $2 != "(none)" {print $2; exit}'
}
ver=$(candidate qemu-system-x86) data=$(candidate qemu-system-data) bios=$(candidate seabios)
if [ -z "$ver" ] || [ -z "$data" ] || [ -z "$bios" ]; then
	fallback "$suite lacks one of qemu-system-x86 ($ver), qemu-system-data ($data), seabios ($bios)"
fi
# "1:10.0.2+ds-2+deb13u1~bpo12+1" -> a directory name
name=$(printf '%s' "$ver" | tr -c 'A-Za-z0-9.+~-' '_')
if [ ! -x "$dir/$name/bin/qemu-system-x86_64" ]; then
	echo "vm: fetching qemu-system-x86 $ver from $suite (private, under $dir)" >&2
	tmp=$dir/.$name.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp/debs" "$tmp/root" "$tmp/bin"
	failed() { # why
		rm -rf "$tmp"
		fallback "$*"
	}
	(cd "$tmp/debs" && in_suite apt-get download -q qemu-system-x86="$ver" qemu-system-data="$data" \
		seabios="$bios") >"$tmp/download.log" 2>&1 ||
		{ cat "$tmp/download.log" >&2; failed "apt-get download from $suite failed"; }
	for deb in "$tmp"/debs/*.deb; do
		dpkg-deb -x "$deb" "$tmp/root" || failed "dpkg-deb -x $deb failed"
	done
	rm -rf "$tmp/debs" "$tmp/download.log"
	cat >"$tmp/bin/qemu-system-x86_64" <<WRAP
#!/bin/sh
# bookworm-backports' qemu-system-x86 $ver, unpacked beside by vm/qemu.sh
root=\$(cd "\$(dirname "\$0")/../root" && pwd)
exec "\$root/usr/bin/qemu-system-x86_64" -L "\$root/usr/share/qemu" -L "\$root/usr/share/seabios" "\$@"
WRAP
	chmod +x "$tmp/bin/qemu-system-x86_64"
	missing=$(ldd "$tmp/root/usr/bin/qemu-system-x86_64" | sed -n 's/^[[:space:]]*\([^ ]*\) => not found$/\1/p' | tr '\n' ' ')
	[ -z "$missing" ] || failed "$suite's qemu needs libraries not installed: $missing"
	"$tmp/bin/qemu-system-x86_64" --version >/dev/null 2>&1 || failed "$suite's qemu does not run"
	mv "$tmp" "$dir/$name"
fi
# Switched atomically, and only when the version changed; the one before
# stays until the next change (a run may still be starting it).
before=$(readlink "$dir/current" 2>/dev/null || true)
if [ "$before" != "$name" ]; then
	ln -sfn "$name" "$dir/.current.new"
	mv -T "$dir/.current.new" "$dir/current"
	for old in "$dir"/*; do
		case ${old##*/} in current | "$name" | "$before") ;; *) rm -rf "$old" ;; esac
	done
fi
echo "$current"
