#!/bin/sh
# fuzz/test.sh NSXFUZZ: make check's look at the fuzzer.  With a deliberate
# error in the model (--inject: a namespace's init would see its parent) it
# must report a discrepancy and shrink it to the two tasks that show it;
# without, a short run must check operations and find nothing the known
# variants do not explain.
set -eu
fz=${1:?usage: fuzz/test.sh NSXFUZZ}
top=$(cd "$(dirname "$0")/.." && pwd)
t=$(mktemp)
trap 'rm -f "$t"' EXIT
fail() {
	cat "$t" >&2
	echo "fuzz-test: $*" >&2
	exit 1
}
rc=0
"$fz" --seconds 5 --seed 7 --inject --variants "$top/expected/VARIANTS" >"$t" || rc=$?
[ "$rc" = 1 ] || fail "a model error was not reported (exit $rc)"
grep -q '^fuzz: shrunk from [0-9]* tasks to 2: the world$' "$t" || fail "not shrunk to two tasks"
grep -q '^  t1 getppid(): 0 (the model: t0)$' "$t" || fail "not the getppid() of a namespace's init"
grep -q '^  in t0: nsx_spawn("t1", "n1", t1_fn, NULL);$' "$t" || fail "no case skeleton"
"$fz" --seconds 2 --seed 1 --variants "$top/expected/VARIANTS" >"$t" || fail "a clean run failed"
grep -q '^fuzz: seed 1, .* [1-9][0-9]* operations checked' "$t" || fail "no operations checked"
echo "fuzz-test: a model error shrunk to 2 tasks; $(sed -n 's/^fuzz: seed 1, [0-9.]* s: //p' "$t")"
