#!/bin/sh
# tools/words-check.sh: the project speaks of Linux and of itself, never of
# when, where or how it was made.  Fails on words that date or place a text
# (the day it was written, the session or host it was written on, a figure
# "seen" or "measured" at an unnamed place: the pattern below) in any
# tracked file but the one dated file of measurements, docs/measurements.md.
# ("this machine" is allowed: the scripts say it of the machine that runs
# them.)  The pattern's bracketed letters keep this file from matching
# itself.
set -eu
cd "$(dirname "$0")/.."
words='\b(t[o]day|yesterda[y]|this (sessio[n]|hos[t])|at the time of writin[g]|(seen|measured|observed|tried) her[e])\b'
found=$(git ls-files | grep -vxF docs/measurements.md |
	while IFS= read -r f; do [ -f "$f" ] && echo "$f"; done |
	xargs grep -niIE "$words" 2>/dev/null || true)
if [ -n "$found" ]; then
	printf '%s\n' "$found" | head -20
	echo "words-check: dated or placed words outside docs/measurements.md (above)" >&2
	exit 1
fi
echo "words-check: no text outside docs/measurements.md speaks of when or where it was made"
