#!/bin/sh
# bench/smoke.sh NSBENCH TINY OUT: one second of the benchmark, every
# operation at depths 0 and 2, each of which must give a number: make
# bench-smoke (in make check) keeps it from rotting.
set -eu
nsbench=${1:?usage: smoke.sh NSBENCH TINY OUT}
tiny=${2:?usage: smoke.sh NSBENCH TINY OUT}
out=${3:?usage: smoke.sh NSBENCH TINY OUT}
"$nsbench" --smoke --depths 0,2 --tiny "$tiny" >"$out"
n=$(grep -cv '^#' "$out" || true)
[ "$n" = 20 ] || { cat "$out"; echo "bench: smoke run gave $n results, want 20" >&2; exit 1; }
if grep -v '^#' "$out" | grep -q ' nan '; then
	cat "$out"
	echo "bench: an operation failed in the smoke run" >&2
	exit 1
fi
echo "bench smoke: 10 operations at depths 0 and 2 measured"
