#!/bin/sh
# vm/debian-kernel.sh SERIES CACHE: a Debian kernel image for the guest.
# SERIES is 6.1 (bookworm's kernel), 6.12 (the bookworm-security backport),
# 7.2 (sid's) or 7.3 (experimental's; sid and experimental through a private
# apt list, vm/debian-apt.sh);
# the cloud flavour is the smallest and has most of what vm/config asks for
# built in (cases needing the rest skip, naming the option); the modules
# vm/modules names are taken out of the package too, into CACHE/.../modules
# (with ORDER: each one's load order, or that it is built in or no module),
# which the guest loads.  The current package is found from
# its meta package, fetched with `apt-get download` into CACHE and only its
# ./boot and those modules unpacked there: the host's /boot, /lib/modules and
# bootloader are never touched.
# Prints "VMLINUZ<TAB>PACKAGE<TAB>VERSION".  A cached image is used without
# downloading; only the apt-cache look-up runs each time.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
series=${1:?usage: debian-kernel.sh 6.1|6.12|7.2|7.3 CACHE}
cache=${2:?usage: debian-kernel.sh 6.1|6.12|7.2|7.3 CACHE}
# apt for the series: bookworm's through the machine's own apt, sid's and
# experimental's through a private list (vm/debian-apt.sh).
case $series in
6.1) suite='' meta=linux-image-cloud-amd64 ;;
6.12) suite='' meta=linux-image-6.12-cloud-amd64 ;;
7.2) suite=sid meta='' ;;
7.3) suite=experimental meta='' ;;
*) echo "vm: no Debian kernel series '$series' (6.1, 6.12, 7.2 or 7.3)" >&2; exit 1 ;;
esac
apt_cache() {
	if [ -n "$suite" ]; then "$here/debian-apt.sh" "$cache" "$suite" apt-cache "$@"; else apt-cache "$@"; fi
}
apt_get() {
	if [ -n "$suite" ]; then "$here/debian-apt.sh" "$cache" "$suite" apt-get "$@"; else apt-get "$@"; fi
}

resolve() {
	if [ -n "$meta" ]; then
		apt_cache depends --important "$meta" 2>/dev/null |
			sed -n 's/^ *Depends: \(linux-image-[^ <>]*\)$/\1/p' | head -n 1
	else
		# sid and experimental: the newest cloud image of the series
		# (linux-image-7.2.13+deb14-cloud-amd64, linux-image-7.3-cloud-amd64)
		apt_cache pkgnames "linux-image-$series" 2>/dev/null |
			grep -E "^linux-image-$(echo "$series" | sed 's/\./\\./')(\.[0-9]+)*(\+deb[0-9]+)?-cloud-amd64\$" |
			sort -V | tail -n 1
	fi
}
# The look-up reads apt's whole cache several times (seconds): its answer is
# kept, and reused while apt's lists are the same files they were.
if [ -n "$suite" ]; then listdir=$cache/apt/$suite/lists; else listdir=/var/lib/apt/lists; fi
lists_key=$(ls -l --time-style=+%s.%N "$listdir" 2>/dev/null | cksum)
memo=$cache/resolved-$series
# (sid's and experimental's lists are fetched again when a day old:
# vm/debian-apt.sh, which only a look-up runs)
fresh=1
[ -z "$suite" ] || [ -z "$(find "$listdir/.nsx-updated" -mmin +1440 2>/dev/null)" ] || fresh=0
if [ "$fresh" = 1 ] && [ -f "$memo" ] && [ "$(sed -n 1p "$memo")" = "$lists_key" ]; then
	pkg=$(sed -n 2p "$memo") ver=$(sed -n 3p "$memo") pkgs=$(sed -n 4p "$memo")
else
	pkg=$(resolve)
	if [ -z "$pkg" ] && [ -z "$suite" ] && [ "$(id -u)" = 0 ]; then
		echo "vm: $meta not in apt's lists: apt-get update" >&2
		apt-get update -q >/dev/null 2>&1 || true
		pkg=$(resolve)
		lists_key=$(ls -l --time-style=+%s.%N "$listdir" 2>/dev/null | cksum)
	fi
	[ -n "$pkg" ] || { echo "vm: no Debian $series cloud kernel in apt's lists${suite:+ ($suite)}${suite:-: apt-get update as root?}" >&2; exit 1; }
	ver=$(apt_cache policy "$pkg" | sed -n 's/^ *Candidate: //p')
	if [ -z "$ver" ] || [ "$ver" = "(none)" ]; then
		echo "vm: no candidate version of $pkg" >&2
		exit 1
	fi
	# From 7.x Debian splits an image into linux-binary-ABI (vmlinuz),
	# linux-modules-ABI and linux-base-ABI (config); bookworm's image holds all.
	abi=${pkg#linux-image-}
	pkgs=$pkg
	for p in linux-binary-$abi linux-modules-$abi linux-base-$abi; do
		[ -z "$(apt_cache show "$p" 2>/dev/null | head -n 1)" ] || pkgs="$pkgs $p=$ver"
	done
	mkdir -p "$cache"
	printf '%s\n' "$lists_key" "$pkg" "$ver" "$pkgs" >"$memo.tmp" && mv "$memo.tmp" "$memo"
fi

dir=$cache/${pkg}_$ver
mods=$(sed -n 's/^\([a-z0-9_]\{1,\}\).*/\1/p' "$here/modules" | paste -sd' ')
if [ ! -f "$dir/vmlinuz" ] || [ "$(cat "$dir/modules.list" 2>/dev/null)" != "$mods" ]; then
	echo "vm: fetching $pkg $ver$([ "$pkgs" = "$pkg" ] || echo " with its binary, modules and base packages") (apt-get download)" >&2
	tmp=$cache/.tmp.$$
	rm -rf "$tmp" && mkdir -p "$tmp/x"
	trap 'rm -rf "$tmp"' EXIT
	# shellcheck disable=SC2086 # a list of packages
	(cd "$tmp" && apt_get download -q -o APT::Sandbox::User="$(id -un)" "$pkg=$ver" ${pkgs#"$pkg"}) >"$tmp/log" 2>&1 ||
		{ cat "$tmp/log" >&2; echo "vm: apt-get download $pkgs failed" >&2; exit 1; }
	for deb in "$tmp"/*.deb; do
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp/x"
	done
	mkdir -p "$dir/modules"
	vmlinuz=$(find "$tmp/x/boot" "$tmp/x/usr/lib/modules" -name 'vmlinuz*' 2>/dev/null | head -n 1)
	[ -n "$vmlinuz" ] || { echo "vm: no vmlinuz in $pkgs" >&2; exit 1; }
	cp "$vmlinuz" "$dir/vmlinuz"
	config=$(find "$tmp/x/boot" "$tmp/x/usr/lib/modules" \( -name 'config-*' -o -name config \) 2>/dev/null | head -n 1)
	[ -z "$config" ] || cp "$config" "$dir/config"
	# vm/modules, decompressed (the guest's busybox insmod loads plain .ko),
	# and their load order; the others are built in, or no module of this kernel.
	builtin=$(find "$tmp/x" -name modules.builtin | head -n 1)
	: >"$dir/modules/ORDER"
	for m in $mods; do
		ko=$(find "$tmp/x" -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" | head -n 1)
		case $ko in
		"")
			if [ -n "$builtin" ] && grep -q "/$m\.ko\$" "$builtin"; then
				echo "$m built-in" >>"$dir/modules/ORDER"
			else
				echo "$m no-module" >>"$dir/modules/ORDER"
			fi
			continue
			;;
		*.xz) xz -dc "$ko" >"$dir/modules/$m.ko" ;;
		*.zst) zstd -qdc "$ko" >"$dir/modules/$m.ko" ;;
		*) cp "$ko" "$dir/modules/$m.ko" ;;
		esac
		echo "$m load" >>"$dir/modules/ORDER"
	done
	echo "$mods" >"$dir/modules.list"
	echo "$pkg $ver" >"$dir/package"
fi
printf '%s\t%s\t%s\n' "$dir/vmlinuz" "$pkg" "$ver"
