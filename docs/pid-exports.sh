#!/bin/sh
# docs/pid-exports.sh [--write | --check | --verify KSRC]: the coverage figure
# of docs/pid-exports.md, computed from its numbered site rows ("| 9.1 | ..."):
# each row's first ✔, ◐ or ✘ is its state.
#   --write    put the figure into docs/pid-exports.md (make docs)
#   --check    fail when the figure there is not the computed one (make check)
#   --verify KSRC   docs/scan-exports.sh KSRC --verify: for every row citing
#              file:line and a function, check that the function encloses
#              that line in the tree KSRC (the map's line numbers are 6.1.192's)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
map=$top/docs/pid-exports.md
export LC_ALL=C.UTF-8

figure() {
	awk '/^\| [0-9]+\.[0-9]+ \|/ {
		n++
		if (match($0, /✔|◐|✘/)) { s = substr($0, RSTART, RLENGTH) } else { s = "?" }
		if (s == "✔") f++; else if (s == "◐") p++
	}
	END {
		printf "**Coverage: %d of %d sites pinned (%d%%); %d more partly (%d%% counting those as half).**\n",
			f, n, (100 * f + n / 2) / n, p, (100 * f + 50 * p + n / 2) / n
	}' "$map"
}

# The same for the uid and gid rows ("| U.1 | ...").
ufigure() {
	awk '/^\| U\.[0-9]+ \|/ {
		n++
		if (match($0, /✔|◐|✘/)) { s = substr($0, RSTART, RLENGTH) } else { s = "?" }
		if (s == "✔") f++; else if (s == "◐") p++
	}
	END {
		printf "**uid rows (U.n): %d of %d pinned, %d more partly.**\n", f, n, p
	}' "$map"
}

case ${1:-} in
--write)
	line=$(figure)
	uline=$(ufigure)
	awk -v l="$line" -v u="$uline" '/^\*\*Coverage: |^COVERAGE-PLACEHOLDER$/ { print l; next }
		/^\*\*uid rows / { print u; next } { print }' "$map" >"$map.tmp"
	mv "$map.tmp" "$map"
	echo "$line"
	echo "$uline"
	;;
--check)
	for line in "$(figure)" "$(ufigure)"; do
		grep -qxF "$line" "$map" || { echo "docs/pid-exports.md: a coverage figure is stale; make docs writes: $line" >&2; exit 1; }
	done
	;;
--verify)
	# docs/scan-exports.sh checks each row's function against the function
	# that encloses its line (not a helper named nearby)
	exec "$top/docs/scan-exports.sh" "${2:?usage: pid-exports.sh --verify KSRC}" --verify
	;;
*)
	figure
	ufigure
	;;
esac
