#!/bin/sh
# bench/report.sh RESULTS DIR: from nsbench's "depth op median q1 q3 n" lines,
# DIR/table.md (median and interquartile range in microseconds at each
# depth, and the median's ratio to depth 0) and DIR/nesting-cost.png/.svg
# (gnuplot: ratio to depth 0 against depth, one line an operation).
set -eu
res=${1:?usage: report.sh RESULTS DIR}
dir=${2:?usage: report.sh RESULTS DIR}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$dir"
awk '
!/^#/ && NF >= 6 {
	d = $1; op = $2
	if (!(op in seen)) { seen[op] = 1; ops[++no] = op }
	if (!(d in dseen)) { dseen[d] = 1; ds[++nd] = d }
	med[op, d] = $3; q1[op, d] = $4; q3[op, d] = $5
}
END {
	printf "| operation |"
	for (j = 1; j <= nd; j++) printf " depth %s |", ds[j]
	printf "\n|---|"
	for (j = 1; j <= nd; j++) printf "---|"
	printf "\n"
	for (i = 1; i <= no; i++) {
		op = ops[i]; base = med[op, ds[1]]
		printf "| %s |", op
		for (j = 1; j <= nd; j++) {
			m = med[op, ds[j]]
			if (m == "nan" || m == "") { printf " n/a |"; continue }
			r = (base > 0) ? m / base : 0
			printf " %.2f µs [%.2f-%.2f] x%.2f |", m / 1000, q1[op, ds[j]] / 1000, q3[op, ds[j]] / 1000, r
		}
		printf "\n"
	}
}' "$res" >"$dir/table.md"
# Ratio data for the plot: depth then one column an operation.
awk '
!/^#/ && NF >= 6 && $3 != "nan" {
	if (!($2 in seen)) { seen[$2] = 1; ops[++no] = $2 }
	if (!($1 in dseen)) { dseen[$1] = 1; ds[++nd] = $1 }
	med[$2, $1] = $3
}
END {
	printf "depth"
	for (i = 1; i <= no; i++) printf " %s", ops[i]
	printf "\n"
	for (j = 1; j <= nd; j++) {
		printf "%s", ds[j]
		for (i = 1; i <= no; i++) {
			m = med[ops[i], ds[j]]; b = med[ops[i], ds[1]]
			printf " %s", (m != "" && b > 0) ? sprintf("%.3f", m / b) : "NaN"
		}
		printf "\n"
	}
}' "$res" >"$dir/ratios.dat"
if command -v gnuplot >/dev/null; then
	for t in png svg; do
		gnuplot -e "datafile='$dir/ratios.dat'; outfile='$dir/nesting-cost.$t'; term='$t'" \
			"$here/plot.gp"
	done
else
	echo "bench: gnuplot not found (apt-get install gnuplot-nox): no plot" >&2
fi
