#!/bin/sh
# vm/tcg-thread.sh [QEMU]: prints how QEMU's TCG (default: the installed
# qemu-system-x86_64) is to run the guest's vCPUs, the value of
# `-accel tcg,thread=`: "multi" (one host thread per vCPU) on qemu 8.1 and
# later, "single" (one thread for all) before.
#
# A Linux guest rewrites its own code whenever a static key flips
# (text_poke_bp()).  Under bookworm's qemu 7.2 with a thread per vCPU the
# suite's guests died of it two or three seconds into a boot: "Oops: int3"
# at allocate_slab+0xe4 (Debian's 6.12.118), a panic at
# ktime_get_real_ts64+0x41 (in CI, a later kernel), each RIP the second
# byte of a five-byte nop, just after a breakpoint text_poke_bp() puts
# there while it patches and had taken away again.
# mptcp's CI saw guests crash the same way after a
# static key flip until its qemu had 8.1's deba78709a ("accel/tcg: Always
# lock pages before translation"; mptcp_net-next issue 471).  With one
# thread for both vCPUs no translation runs while another vCPU writes code,
# at about twice the wall time (docs/measurements.md).
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
v=$("${1:-qemu-system-x86_64}" --version | sed -n '1s/^QEMU emulator version \([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
# shellcheck disable=SC2086 # "major minor": two words
set -- ${v:-0 0}
if [ "$1" -gt 8 ] || { [ "$1" = 8 ] && [ "$2" -ge 1 ]; }; then
	echo multi
else
	echo single
fi
