#!/bin/sh
# bench/agree.sh A B: do two nsbench runs agree?  For every operation and
# depth, the two interquartile ranges must overlap.
# Prints the disagreements; fails if there is any.
awk '
FNR == 1 { f++ }
/^#/ || NF < 6 || $3 == "nan" { next }
{ k = $1 " " $2; med[f, k] = $3; lo[f, k] = $4; hi[f, k] = $5; keys[k] = 1 }
END {
	bad = 0; n = 0
	for (k in keys) {
		n++
		if (lo[1, k] > hi[2, k] || lo[2, k] > hi[1, k]) {
			printf "disagree: depth %s: %s [%s-%s] vs %s [%s-%s]\n", k, med[1, k], lo[1, k], hi[1, k], med[2, k], lo[2, k], hi[2, k]
			bad++
		}
	}
	printf "bench: %d of %d points agree within their interquartile ranges\n", n - bad, n
	exit bad > 0
}' "$1" "$2"
