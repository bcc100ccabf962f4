#!/bin/sh
# vm/tcg-thread.sh [QEMU]: prints how QEMU's TCG (default: the installed
# qemu-system-x86_64) is to run the guest's vCPUs, the value of
# `-accel tcg,thread=`: "multi" (one host thread per vCPU) on qemu 8.1 and
# later, "single" (one thread for all) before.
#
# A Linux guest rewrites its own code whenever a static key flips
# (text_poke_bp() in 6.1 and 6.12: an int3 on the first byte while it
# patches, taken away again at the end).  Under bookworm's qemu 7.2 with a
# thread per vCPU the suite's guests died of such an int3 two and three
# seconds into a boot: "Oops: int3" at allocate_slab+0xe4 (Debian's
# 6.12.118) and a panic at ktime_get_real_ts64+0x41 (a CI run), each RIP
# the second byte of a five-byte nop (docs/measurements.md).  mptcp's CI
# saw guests crash the same way after a static key flip until its qemu had
# 8.1's deba78709a ("accel/tcg: Always lock pages before translation";
# mptcp_net-next issue 471), hence the version line drawn at 8.1; a qemu
# before it that carries the commit (Ubuntu's 8.0.4 did) can be told with
# NSX_TCG_THREAD=multi.  With one thread for both vCPUs no translation runs
# while another vCPU writes code, at about twice the wall time.
# NSX_TCG_THREAD=single|multi overrides.
set -eu
case ${NSX_TCG_THREAD:-} in
single | multi)
	echo "$NSX_TCG_THREAD"
	exit 0
	;;
'') ;;
*)
	echo "vm: NSX_TCG_THREAD=$NSX_TCG_THREAD: single or multi" >&2
	exit 2
	;;
esac
q=${1:-qemu-system-x86_64}
out=$("$q" --version) || { echo "vm: $q --version failed" >&2; exit 1; }
v=$(printf '%s\n' "$out" | sed -n '1s/^QEMU emulator version \([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
[ -n "$v" ] || echo "vm: $q --version says no version (taken as before 8.1): $(printf '%s\n' "$out" | head -n 1)" >&2
# shellcheck disable=SC2086 # "major minor": two words
set -- ${v:-0 0}
if [ "$1" -gt 8 ] || { [ "$1" = 8 ] && [ "$2" -ge 1 ]; }; then
	echo multi
else
	echo single
fi
