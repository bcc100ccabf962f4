#!/bin/sh
# lava/run.sh: make lava.  The suite under a kernel, run as a LAVA job with
# lava-run standalone (Debian's lava-dispatcher; no lava-server): renders
# lava/job.yaml.in with the kernel, the make vm initramfs (gzip'd; its /init
# gives LAVA a shell with nsx.test=lava) and a git repository of lava/,
# runs it with lava/qemu-device.yaml (its qemu and TCG threading make vm's)
# in a private mount namespace (LAVA's scratch directory bound to one of the
# run's own), reads the results LAVA logged and prints "N passed, N failed,
# N skipped" (unknown, LAVA's name for the XFAIL a case reports, counted as
# known kernel bugs); exits non-zero on a failure or when LAVA recorded
# none.
#   KERNEL=6.1 | 6.12 | 7.2 | 7.3 | <bzImage>   as make vm
#   LAVA_VALIDATE_ONLY=1   render and validate the job (lava-run --validate), no boot
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
B=${B:-build}
case $B in /*) ;; *) B=$top/$B ;; esac
KERNEL=${KERNEL:-}
die() {
	echo "lava: $*" >&2
	exit 1
}
[ "$(id -u)" = 0 ] || die "lava-run runs as root only"
[ -n "$KERNEL" ] || die "which kernel? make lava KERNEL=6.1|6.12|7.2|7.3|<path to bzImage>"
line=$("$top/vm/kernel.sh" "$KERNEL" "$B/vm/kernels") || die "no kernel to boot"
image=$(printf '%s' "$line" | cut -f1)
modules=$(printf '%s' "$line" | cut -f2)
meta=$(printf '%s' "$line" | cut -f3)
w=$B/lava
rm -rf "$w" && mkdir -p "$w"
w=$(cd "$w" && pwd)
NSX_VM_META=$meta NSX_VM_MODULES=$modules "$top/vm/initramfs.sh" "$B" "$w/two.cpio"
# One archive: LAVA unpacks the ramdisk to add its overlay, and cpio stops
# at the first archive's end; vm/initramfs.sh writes two (the suite's,
# cached as two.cpio.suite, then this run's: modules, arguments).
n=$(wc -c <"$w/two.cpio.suite")
mkdir "$w/root"
(cd "$w/root" && cpio -id --quiet <"$w/two.cpio.suite" &&
	tail -c +$((n + 1)) "$w/two.cpio" | cpio -id --quiet -u &&
	find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 -n >"$w/initramfs.cpio.gz"
rm -rf "$w/root" "$w/two.cpio" "$w/two.cpio.suite" "$w/two.cpio.suite.key"
# The test definition's repository: lava/ as it is now, in a git repository
# of the run's own.
mkdir -p "$w/repo/lava"
cp "$here/nsxlate.yaml" "$here/ktap-to-lava.sh" "$w/repo/lava/"
git -C "$w/repo" init -q
git -C "$w/repo" add lava
git -C "$w/repo" -c user.name=nsxlate -c user.email=nsxlate@lists.example.org commit -q -m lava
sed -e "s|@KERNEL@|$image|" -e "s|@RAMDISK@|$w/initramfs.cpio.gz|" -e "s|@REPO@|$w/repo|" \
	"$here/job.yaml.in" >"$w/job.yaml"
# The device as lava/qemu-device.yaml says, with make vm's qemu (vm/qemu.sh)
# and the TCG threading it needs (vm/tcg-thread.sh); a job only validated
# needs no qemu fetched: the installed one is named.
if [ "${LAVA_VALIDATE_ONLY:-}" = 1 ]; then
	qemu=$(NSX_QEMU=installed "$top/vm/qemu.sh" "$B/vm/kernels" "$B/vm/qemu")
else
	qemu=$("$top/vm/qemu.sh" "$B/vm/kernels" "$B/vm/qemu")
fi
tcg=$("$top/vm/tcg-thread.sh" "$qemu")
awk -v q="$qemu" -v t="$tcg" '
	/^ *command: qemu-system-x86_64$/ { sub(/qemu-system-x86_64$/, ""); print $0 q; c++; next }
	/ -accel tcg,thread=multi$/ { sub(/multi$/, ""); print $0 t; a++; next }
	{ print }
	END { exit !(c == 1 && a == 1) }' "$here/qemu-device.yaml" >"$w/device.yaml" ||
	die "lava/qemu-device.yaml: not one 'command: qemu-system-x86_64' and one '-accel tcg,thread=multi' line"
# lava-run's scratch is always /var/lib/lava/dispatcher/tmp (its --validate
# too): a directory of this run's own is bound there in a private mount
# namespace, for each call.
scratch=/var/lib/lava/dispatcher/tmp
made=
[ -d "$scratch" ] || { mkdir -p "$scratch" && made=1; }
mkdir -p "$w/scratch"
private() { # command...: run it with the run's scratch directory
	# shellcheck disable=SC2016 # the inner script's own arguments
	unshare -m --propagation private sh -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' \
		sh "$w/scratch" "$scratch" "$@"
}
private lava-run --validate --job-id 1 --output-dir "$w/out" --device "$w/device.yaml" \
	"$w/job.yaml" >"$w/validate.log" 2>&1 || {
	cat "$w/validate.log" >&2
	[ -z "$made" ] || rmdir "$scratch" 2>/dev/null || true
	die "the job does not validate"
}
echo "lava: $w/job.yaml validates"
if [ "${LAVA_VALIDATE_ONLY:-}" = 1 ]; then
	[ -z "$made" ] || rmdir "$scratch" 2>/dev/null || true
	exit 0
fi
echo "lava: lava-run of $w/job.yaml ($meta)"
s=$(date +%s)
set +e
private lava-run --job-id 1 --output-dir "$w/out" --device "$w/device.yaml" "$w/job.yaml" \
	>"$w/lava-run.log" 2>&1
rc=$?
set -e
[ -z "$made" ] || rmdir "$scratch" 2>/dev/null || true
secs=$(($(date +%s) - s))
# The results: log lines of level "results", one a test case.
"$here/results.py" "$w/out" "$w/lava-run.log" >"$w/results.txt" || true
sed 's/^/lava: /' "$w/results.txt"
echo "lava: lava-run status $rc, ${secs}s; log $w/lava-run.log"
tail -n 1 "$w/results.txt" | grep -Eq '^[1-9][0-9]* passed, 0 failed' && [ "$rc" = 0 ] || exit 1
# The verdict must be make vm's on the same kernel: its last whole-suite
# report of this kernel (vm/run.sh keeps it as B/vm/ktap-<release>.txt, its
# first line naming the kernel as $meta does), both passes' counts summed.
vm=''
for f in "$B"/vm/ktap-*.txt; do
	[ -f "$f" ] && head -n 1 "$f" | grep -qF "; $meta" && vm=$f
done
if [ -z "$vm" ]; then
	echo "lava: no make vm report of this kernel to compare with (make vm KERNEL=$KERNEL writes one)"
	exit 0
fi
want=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' "$vm" |
	awk '{p += $1; f += $3; s += $5; x += $7} END {printf "%d passed, %d failed, %d skipped", p, f, s; if (x) printf ", %d known kernel bug%s (xfail)", x, x == 1 ? "" : "s"}')
got=$(tail -n 1 "$w/results.txt")
[ "$got" = "$want" ] || die "LAVA counted \"$got\", make vm \"$want\" ($vm)"
echo "lava: the same counts as make vm on this kernel ($want)"
