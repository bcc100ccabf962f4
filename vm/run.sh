#!/bin/sh
# vm/run.sh: run the whole suite under another kernel in qemu (TCG: no KVM
# needed), as root and as an unprivileged user, and exit with the guest
# runner's status.  `make vm` calls it after building the suite; see
# vm/README.md.  The kernel comes from the environment:
#   KERNEL=6.1 | 6.12 | 7.2 | 7.3   Debian's cloud kernel of that series (vm/debian-kernel.sh)
#   KERNEL=<bzImage>    a kernel someone built
#   KSRC=<tree>         build a small kernel from that tree (vm/build-kernel.sh)
# ARGS are passed to the guest's runner (shell words: ARGS="--repeat 10 'futex*'").
# VM_TIMEOUT (seconds, default 240) bounds the whole guest: one that does not
# report by then (hang, panic, no init) is an error with the console's last
# lines, never a pass.  VM_APPEND adds kernel parameters.  NSX_VM_PLAN (a
# file: make mutants' plan, with VM_APPEND=nsx.test=mutants) goes into the
# initramfs as /nsx/plan.  The guest's report of a whole-suite run is kept
# as B/vm/ktap-<release>.txt, or in NSX_VM_KTAP when that names a file.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
B=${B:-build}
case $B in /*) ;; *) B=$top/$B ;; esac
vmdir=$B/vm
timeout=${VM_TIMEOUT:-240}
KERNEL=${KERNEL:-} KSRC=${KSRC:-}
started=$(date +%s)

die() {
	echo "vm: $*" >&2
	exit 1
}

meta=
if [ -n "$KSRC" ]; then
	[ -z "$KERNEL" ] || die "KERNEL and KSRC do not go together"
	[ -d "$KSRC" ] || die "KSRC=$KSRC: no such directory"
	src=$(cd "$KSRC" && pwd)
	# One build directory per tree, so two trees never share objects.
	kout=$vmdir/ksrc/$(basename "$src")-$(printf '%s' "$src" | cksum | cut -d' ' -f1)
	image=$("$here/build-kernel.sh" "$src" "$kout") || die "the kernel does not build (log: $kout/build.log)"
	image=$(printf '%s\n' "$image" | tail -n 1)
	meta="built from $src"
else
	[ -n "$KERNEL" ] || die "which kernel? make vm KERNEL=6.1|6.12|7.2|7.3|<path to bzImage>, or make vm KSRC=<kernel tree>"
	line=$("$here/kernel.sh" "$KERNEL" "$vmdir/kernels") || die "no kernel to boot"
	image=$(printf '%s' "$line" | cut -f1)
	modules=$(printf '%s' "$line" | cut -f2)
	meta=$(printf '%s' "$line" | cut -f3)
fi

mkdir -p "$vmdir"
# One guest at a time per build directory: the initramfs and the console log
# are shared (make vm waits while make mutants boots one, and the reverse).
exec 9>"$vmdir/.lock"
flock 9
initrd=$vmdir/initramfs.cpio
NSX_VM_ARGS=${ARGS:-} NSX_VM_META=$meta NSX_VM_MODULES=${modules:-} NSX_VM_APPEND=${VM_APPEND:-} \
	"$here/initramfs.sh" "$B" "$initrd"

# norandmaps: TCG reuses translated code only at the same virtual address,
# so processes that map ld.so and libc where the last one did run about
# twice as fast in the guest (vm/README.md).
# The console goes to a log; the host shows the guest's lines between the
# markers as they come (sed -u: the guest's \r\n, unbuffered).
log=$vmdir/console.log
# qemu 8.1 or later (bookworm-backports' when the installed one is older:
# vm/qemu.sh) with a host thread per vCPU, or the older one with one thread
# for both (vm/tcg-thread.sh).
qemu=$("$here/qemu.sh" "$vmdir/kernels" "$vmdir/qemu")
tcg=$("$here/tcg-thread.sh" "$qemu")
qemu_version=$("$qemu" --version | sed -n '1s/^QEMU emulator version \([^ ]*\).*/\1/p')
[ -n "$qemu_version" ] || qemu_version="(version unknown)"
boot() {
	echo "vm: booting $image ($meta) under qemu $qemu_version/TCG (thread=$tcg), timeout ${timeout}s"
	set +e
	timeout -k 5 "$timeout" "$qemu" -M pc -accel "tcg,thread=$tcg" -cpu max -smp 2 -m 1G \
		-nodefaults -nographic -no-reboot -serial stdio \
		-fw_cfg name=etc/sercon-port,string=0 \
		-kernel "$image" -initrd "$initrd" \
		-append "console=ttyS0 quiet panic=-1 mitigations=off norandmaps ${VM_APPEND:-}" \
		</dev/null 2>"$vmdir/qemu.err" |
		sed -u 's/\r$//' | tee "$log" |
		sed -u -n '/^NSX-VM-BEGIN$/,/^NSX-VM-RESULT /{/^NSX-VM-/d;p}'
	set -e
	result=$(sed -n 's/^NSX-VM-RESULT root=\([0-9]*\) user=\([0-9]*\)$/\1 \2/p' "$log" | tail -n 1)
}
boot
# One known way for TCG to kill a healthy guest: a vCPU runs an int3 that
# live patching (text_poke_bp(), a static key flipped) has already removed,
# and the kernel oopses on a breakpoint nobody set ("Oops: int3").  Under
# qemu before 8.1 with a thread per vCPU that killed two `make vm` runs of
# nine of 6.12 (vm/tcg-thread.sh), and such a qemu gets one thread unless
# told otherwise; that crash, and only it, still gets one more boot, said
# aloud; its console is kept.
if [ -z "$result" ] && grep -q 'Oops: int3' "$log"; then
	cp "$log" "$vmdir/console-int3.log"
	echo "vm: the guest kernel oopsed on a stray int3 (qemu TCG and live code patching; console in $vmdir/console-int3.log): booting it once more" >&2
	boot
fi
secs=$(($(date +%s) - started))

if [ -z "$result" ]; then
	echo "vm: the guest never reported a result (after ${secs}s; panic, hang or no init?)." >&2
	echo "vm: last console lines ($log):" >&2
	tail -n 25 "$log" | sed 's/^/vm: | /' >&2
	grep -v 'externally provided fw_cfg' "$vmdir/qemu.err" | sed 's/^/vm: qemu: /' >&2
	exit 1
fi
# shellcheck disable=SC2086 # "root user": two words
set -- $result
# The guest's report of a whole-suite run (no ARGS), kept by kernel release
# for make evidence and tools/record-ktap.sh (make checked-on: docs/ktap/).
# NSX_VM_KTAP=<file> (make review) takes the report instead: a kernel
# built for one review is no kernel the suite is recorded as checked on.
release=$(sed -n 's/^# guest: \([^ ]*\) .*/\1/p' "$log" | head -n 1 | tr -c 'A-Za-z0-9._+\n-' '_')
if [ -n "${NSX_VM_KTAP:-}" ]; then
	sed -n '/^NSX-VM-BEGIN$/,/^NSX-VM-RESULT /p' "$log" | grep -v '^NSX-VM-' >"$NSX_VM_KTAP" || true
	release=''
fi
[ -z "$release" ] || [ -n "${ARGS:-}" ] || case " ${VM_APPEND:-} " in
*" nsx.test="*) ;;
*) sed -n '/^NSX-VM-BEGIN$/,/^NSX-VM-RESULT /p' "$log" | grep -v '^NSX-VM-' >"$vmdir/ktap-$release.txt" ;;
esac
# The two passes' closing lines, and one for the whole run.
totals=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped(, [0-9]+ known kernel bugs? \(xfail\))?$' "$log" |
	awk '{p += $1; f += $3; s += $5; x += $7} END {printf "%d passed, %d failed, %d skipped", p, f, s; if (x) printf ", %d known kernel bugs (xfail)", x}')
times=$(sed -n 's/^NSX-VM-TIMES init=\([0-9.]*\) root=\([0-9.]*\) user=\([0-9.]*\)$/\1 \2 \3/p' "$log" | tail -n 1)
[ -z "$times" ] || echo "vm: guest clock: /init at $(echo "$times" | cut -d' ' -f1) s, root pass done at $(echo "$times" | cut -d' ' -f2) s, unprivileged pass at $(echo "$times" | cut -d' ' -f3) s"
echo "vm: $meta: root pass status $1, unprivileged pass status $2, ${secs}s"
echo "total: $totals"
# The guest runner's status: the root pass's, or else the unprivileged one's.
[ "$1" != 0 ] && exit "$1"
exit "$2"
