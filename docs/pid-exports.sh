#!/bin/sh
# docs/pid-exports.sh [--write | --check | --verify KSRC]: the coverage figure
# of docs/pid-exports.md, computed from its numbered site rows ("| 9.1 | ..."):
# each row's first ✔, ◐ or ✘ is its state.
#   --write    put the figure into docs/pid-exports.md (make docs)
#   --check    fail when the figure there is not the computed one (make check)
#   --verify KSRC   for every row citing file:line and a function, check that
#              the function is named within 40 lines of that line in the tree
#              KSRC (the map's line numbers are 6.1.192's)
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

case ${1:-} in
--write)
	line=$(figure)
	awk -v l="$line" '/^\*\*Coverage: |^COVERAGE-PLACEHOLDER$/ { print l; next } { print }' "$map" >"$map.tmp"
	mv "$map.tmp" "$map"
	echo "$line"
	;;
--check)
	line=$(figure)
	grep -qxF "$line" "$map" || { echo "docs/pid-exports.md: the coverage figure is stale; make docs writes: $line" >&2; exit 1; }
	;;
--verify)
	ksrc=${2:?usage: pid-exports.sh --verify KSRC}
	grep -E '^\| [0-9]+\.[0-9]+ \| [a-z0-9_/.-]+\.[ch]:[0-9]+' "$map" | while IFS= read -r row; do
		loc=$(printf '%s\n' "$row" | sed -n 's/^| [0-9.]* | \([a-z0-9_/.-]*\.[ch]\):\([0-9]*\).*/\1 \2/p')
		# shellcheck disable=SC2016 # the backquotes are the map's, not a command
		fn=$(printf '%s\n' "$row" | sed -n 's/^[^`]*`\([A-Za-z0-9_]*\)(.*/\1/p')
		# shellcheck disable=SC2086 # "file line": two words
		set -- $loc
		if [ -z "$fn" ] || [ ! -f "$ksrc/$1" ]; then
			echo "unchecked: $1:$2 ${fn:-(no function)}"
			continue
		fi
		lo=$(($2 > 40 ? $2 - 40 : 1))
		# The line is in fn (the last function definition above it), or fn
		# is named within 40 lines of it.
		encl=$(awk -v n="$2" 'NR > n { exit }
			/^[A-Za-z_].*[A-Za-z0-9_]+\(/ && !/;[[:space:]]*$/ {
				s = $0; sub(/\(.*/, "", s); sub(/.*[^A-Za-z0-9_]/, "", s); f = s }
			END { print f }' "$ksrc/$1")
		if [ "$encl" = "$fn" ] || sed -n "${lo},$(($2 + 40))p" "$ksrc/$1" | grep -q "$fn"; then
			echo "ok: $1:$2 $fn"
		else
			echo "MISSING: $1:$2 $fn"
		fi
	done | sort | uniq -c | sort -rn | awk '{ print } /MISSING/ { bad = 1 } END { exit bad }'
	;;
*)
	figure
	;;
esac
