#!/bin/sh
# mutants/selftest.sh: a mutant that crashes the guest is recorded as
# crashed, not caught, the run fails, and the mutants after it still run, in
# a new boot.  Three mutants of the 6.1 base; the guest dies (powers off
# mid-step: NSX_MUTANT_CRASH, vm/guest-init's nsx.crash=) while the second
# is selected.  Uses the base's kernel as `make mutants` left it (built
# again if not).  CI runs it after `make mutants`.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
case $B in /*) ;; *) B=$top/$B ;; esac
out=$B/mutants/selftest.log
NSX_MUTANT_CRASH=kill-si-pid-global MUTANT_BASES=6.1 B=$B \
	"$top/mutants/run.sh" getppid-global kill-si-pid-global getsid-global >"$out" 2>&1
rc=$?
fail() {
	cat "$out"
	echo "mutants selftest: $*" >&2
	exit 1
}
[ "$rc" != 0 ] || fail "the run passed with a crashed mutant"
grep -q '^kill-si-pid-global  *CRASHED' "$out" || fail "kill-si-pid-global is not recorded as crashed"
grep -q '^getppid-global  *killed' "$out" || fail "getppid-global, before the crash, is not killed"
grep -q '^getsid-global  *killed' "$out" || fail "getsid-global, after the crash, did not run in a new boot"
grep -q 'run in 2 boot(s)' "$out" || fail "not two boots"
echo "mutants selftest: a crash is recorded as crashed, the next mutant runs in a new boot ($out)"
