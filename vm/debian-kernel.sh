#!/bin/sh
# vm/debian-kernel.sh SERIES CACHE: a Debian kernel image for the guest.
# SERIES is 6.1 (bookworm's kernel) or 6.12 (the bookworm-security backport);
# the cloud flavour is the smallest and has most of what vm/config asks for
# built in (cases needing the rest skip, naming the option); the modules
# vm/modules names are taken out of the package too, into CACHE/.../modules,
# which the guest loads.  The current package is found from
# its meta package, fetched with `apt-get download` into CACHE and only its
# ./boot and those modules unpacked there: the host's /boot, /lib/modules and
# bootloader are never touched.
# Prints "VMLINUZ<TAB>PACKAGE<TAB>VERSION".  A cached image is used without
# downloading; only the apt-cache look-up runs each time.
set -eu
series=${1:?usage: debian-kernel.sh 6.1|6.12 CACHE}
cache=${2:?usage: debian-kernel.sh 6.1|6.12 CACHE}
case $series in
6.1) meta=linux-image-cloud-amd64 ;;
6.12) meta=linux-image-6.12-cloud-amd64 ;;
*) echo "vm: no Debian kernel series '$series' (6.1 or 6.12)" >&2; exit 1 ;;
esac

resolve() {
	apt-cache depends --important "$meta" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^ <>]*\)$/\1/p' | head -n 1
}
pkg=$(resolve)
if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then
	echo "vm: $meta not in apt's lists: apt-get update" >&2
	apt-get update -q >/dev/null 2>&1 || true
	pkg=$(resolve)
fi
[ -n "$pkg" ] || { echo "vm: cannot find $meta in apt's lists (apt-get update as root?)" >&2; exit 1; }
ver=$(apt-cache policy "$pkg" | sed -n 's/^ *Candidate: //p')
[ -n "$ver" ] && [ "$ver" != "(none)" ] || { echo "vm: no candidate version of $pkg" >&2; exit 1; }

dir=$cache/${pkg}_$ver
mods=$(sed -n 's/^\([a-z0-9_]\{1,\}\).*/\1/p' "$(dirname "$0")/modules")
if [ ! -f "$dir/vmlinuz" ] || [ "$(cat "$dir/modules.list" 2>/dev/null)" != "$(echo $mods)" ]; then
	echo "vm: fetching $pkg $ver (apt-get download)" >&2
	tmp=$cache/.tmp.$$
	rm -rf "$tmp" && mkdir -p "$tmp"
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && apt-get download -q -o APT::Sandbox::User="$(id -un)" "$pkg=$ver") >"$tmp/log" 2>&1 ||
		{ cat "$tmp/log" >&2; echo "vm: apt-get download $pkg=$ver failed" >&2; exit 1; }
	deb=$(ls "$tmp"/*.deb)
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" ./boot ./lib/modules
	mkdir -p "$dir/modules"
	cp "$tmp"/boot/vmlinuz-* "$dir/vmlinuz"
	cp "$tmp"/boot/config-* "$dir/config" 2>/dev/null || true
	# vm/modules, decompressed (the guest's busybox insmod loads plain .ko)
	for m in $mods; do
		ko=$(find "$tmp/lib/modules" -name "$m.ko" -o -name "$m.ko.xz" | head -n 1)
		[ -n "$ko" ] || { echo "vm: $pkg has no module $m (vm/modules)" >&2; exit 1; }
		case $ko in
		*.xz) xz -dc "$ko" >"$dir/modules/$m.ko" ;;
		*) cp "$ko" "$dir/modules/$m.ko" ;;
		esac
	done
	echo $mods >"$dir/modules.list"
	echo "$pkg $ver" >"$dir/package"
fi
printf '%s\t%s\t%s\n' "$dir/vmlinuz" "$pkg" "$ver"
