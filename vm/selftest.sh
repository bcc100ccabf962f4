#!/bin/sh
# vm/selftest.sh KERNEL: `make vm` must turn a guest that never reports into
# an error, never a pass and never a hang.  Two boots of KERNEL (6.1, 6.12 or
# an image): one whose kernel panics at boot (rdinit names no file, so the
# root mount fails), one whose init hangs (a shell waiting on a console with
# no input) under a short VM_TIMEOUT.  Each must fail within its bound and
# say why.  And a fork bomb (the runner's fork-bomb fixture) run in the guest
# must be stopped at the runner's limit.  .ci/run runs it.
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
# A guest test that must pass: NAME, a pattern its output must hold COUNT
# times, a pattern of lines to show, then the environment of the run.
expect_ok() {
	name=$1 pattern=$2 count=$3 show=$4
	shift 4
	start=$(date +%s)
	out=$(env KERNEL="$kernel" "$@" "$here/run.sh" 2>&1)
	rc=$? secs=$(($(date +%s) - start))
	if [ "$rc" = 0 ] && [ "$(printf '%s\n' "$out" | grep -c "$pattern")" = "$count" ]; then
		echo "ok $name (${secs}s):"
		printf '%s\n' "$out" | grep -E "$show" | sed 's/^/    /'
	else
		echo "not ok $name (status $rc):"
		printf '%s\n' "$out" | tail -15
		fails=$((fails + 1))
	fi
}
# A fork bomb under the runner, in the guest (never on a host): stopped at the
# limit, as root and unprivileged, and the guest lives to report it.
expect_ok "fork bomb contained in the guest" 'failed with EAGAIN' 2 '^# limits|^fork bomb' \
	VM_APPEND=nsx.test=containment
# The kselftest-style install, moved and run inside the guest.
make -s -C "$here/.." install INSTALL_PATH="${B:-build}/vm/install" >/dev/null
expect_ok "installed tree runs in the guest" 'pid_views alone: exit 0' 1 'passed,|alone' \
	VM_APPEND=nsx.test=install
rm -rf "$here/../${B:-build}/vm/install"
expect_error "panic at boot" 120 'Kernel panic' VM_APPEND=rdinit=/nonexistent
expect_error "hung init" 60 'never reported a result' VM_APPEND=rdinit=/bin/sh VM_TIMEOUT=20
[ "$fails" = 0 ]
