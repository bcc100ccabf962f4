#!/bin/sh
# vm/build-kernel.sh KSRC OUT: build a small x86_64 kernel from the source tree
# KSRC, out of tree in OUT (the tree itself is never written), from
# `make tinyconfig` plus the suite's fragment vm/config.  Prints the bzImage's
# path on the last line of stdout; the build's own output goes to OUT/build.log.
#
# Every option the fragment sets must survive olddefconfig (a dependency the
# fragment forgot makes kconfig drop it silently): the build stops naming them.
# ccache is used when present; the KBUILD_BUILD_* variables make the image,
# and ccache's hits, reproducible.  Re-running with the same tree and fragment
# is an incremental make.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ksrc=${1:?usage: build-kernel.sh KSRC OUT}
out=${2:?usage: build-kernel.sh KSRC OUT}
frag=${NSX_KCONFIG:-$here/config}

if [ ! -f "$ksrc/Makefile" ] || [ ! -f "$ksrc/scripts/kconfig/merge_config.sh" ]; then
	echo "vm: $ksrc is not a kernel source tree" >&2
	exit 1
fi
[ ! -e "$ksrc/.config" ] ||
	{ echo "vm: $ksrc has a .config: out-of-tree builds need a clean tree (make -C $ksrc mrproper)" >&2; exit 1; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
ksrc=$(cd "$ksrc" && pwd)

cc=gcc
command -v ccache >/dev/null && cc="ccache gcc"
export KBUILD_BUILD_VERSION=1 KBUILD_BUILD_TIMESTAMP='Thu Jan  1 00:00:00 UTC 2026' \
	KBUILD_BUILD_USER=nsxlate KBUILD_BUILD_HOST=vm
kmake() { make -C "$ksrc" O="$out" ARCH=x86_64 CC="$cc" HOSTCC="$cc" "$@"; }
log=$out/build.log

# A series' own options (vm/config-6.1: what only that series has, or spells
# its own way) go on top of the fragment, when the fragment is vm/config.
series=$(sed -n 's/^VERSION = //p; s/^PATCHLEVEL = //p' "$ksrc/Makefile" | paste -sd.)
extra=/dev/null
[ -n "${NSX_KCONFIG:-}" ] || [ ! -f "$here/config-$series" ] || extra=$here/config-$series
all=$out/.nsx-fragment
cat "$frag" "$extra" >"$all.tmp" && mv "$all.tmp" "$all"

# The configuration is remade only when the fragments or the tree changed.
stamp=$out/.nsx-config-stamp
want=$(cat "$all" "$ksrc/Makefile" | cksum)
if [ ! -f "$out/.config" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
	echo "vm: configuring $ksrc (tinyconfig + $(basename "$frag")$([ "$extra" = /dev/null ] || echo " + $(basename "$extra")")) in $out" >&2
	{
		kmake tinyconfig
		KCONFIG_CONFIG=$out/.config "$ksrc/scripts/kconfig/merge_config.sh" -m -O "$out" \
			"$out/.config" "$all"
		kmake olddefconfig
	} >"$log" 2>&1 || { tail -20 "$log" >&2; echo "vm: configuring failed (log: $log)" >&2; exit 1; }
	# An option the tree no longer defines (CONFIG_SCHED_DEBUG left in 7.x:
	# what it guarded is always built) is said; one it defines and dropped
	# is an error.
	known=$(find "$ksrc" -name 'Kconfig*' -not -path '*/Documentation/*' -exec \
		sed -n 's/^[[:space:]]*\(menu\)\{0,1\}config[[:space:]]\{1,\}\([A-Z0-9_]*\).*/\2/p' {} + | sort -u)
	lost='' gone=''
	# shellcheck disable=SC2013 # CONFIG_X=value lines: one word each
	for line in $(grep -E '^CONFIG_[A-Z0-9_]+=' "$all"); do
		grep -qxF "$line" "$out/.config" && continue
		opt=${line%%=*}
		if printf '%s\n' "$known" | grep -qxF "${opt#CONFIG_}"; then
			lost="$lost $line"
		else
			gone="$gone $opt"
		fi
	done
	[ -z "$gone" ] || echo "vm: options this tree does not have (left out):$gone" >&2
	[ -z "$lost" ] || { echo "vm: olddefconfig dropped:$lost (a dependency missing from $frag?)" >&2; exit 1; }
	echo "$want" >"$stamp"
fi

echo "vm: building $(kmake -s kernelversion 2>/dev/null) in $out ($cc, -j$(nproc))" >&2
start=$(date +%s)
kmake -j"$(nproc)" bzImage >>"$log" 2>&1 ||
	{ tail -30 "$log" >&2; echo "vm: kernel build failed (log: $log)" >&2; exit 1; }
echo "vm: built in $(($(date +%s) - start)) s" >&2
echo "$out/arch/x86/boot/bzImage"
