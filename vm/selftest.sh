#!/bin/sh
# vm/selftest.sh KERNEL: `make vm` must turn a guest that never reports into
# an error, never a pass and never a hang.  Two boots of KERNEL (6.1, 6.12 or
# an image): one whose kernel panics at boot (rdinit names no file, so the
# root mount fails), one whose init hangs (a shell waiting on a console with
# no input) under a short VM_TIMEOUT.  Each must fail within its bound and
# say why.  .ci/run runs it after the suite's own boots.
set -u
here=$(cd "$(dirname "$0")" && pwd)
kernel=${1:?usage: selftest.sh KERNEL}
fails=0
expect_error() { # name bound-in-seconds pattern env...
	name=$1 bound=$2 pattern=$3
	shift 3
	start=$(date +%s)
	out=$(env KERNEL="$kernel" "$@" "$here/run.sh" 2>&1)
	rc=$? secs=$(($(date +%s) - start))
	if [ "$rc" = 0 ]; then
		echo "not ok $name: make vm passed"; fails=$((fails + 1))
	elif [ "$secs" -gt "$bound" ]; then
		echo "not ok $name: took ${secs}s (bound ${bound}s)"; fails=$((fails + 1))
	elif ! printf '%s\n' "$out" | grep -q "$pattern"; then
		echo "not ok $name: no '$pattern' in:"; printf '%s\n' "$out" | tail -5; fails=$((fails + 1))
	else
		echo "ok $name: status $rc after ${secs}s, console shown"
	fi
}
expect_error "panic at boot" 120 'Kernel panic' VM_APPEND=rdinit=/nonexistent
expect_error "hung init" 60 'never reported a result' VM_APPEND=rdinit=/bin/sh VM_TIMEOUT=20
[ "$fails" = 0 ]
