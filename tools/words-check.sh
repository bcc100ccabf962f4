#!/bin/sh
# tools/words-check.sh: the project speaks of Linux and of itself, never of
# when, where or how it was made.  Fails on words that date or place a text
# ("today", "yesterday", "this session", "this host", "at the time of
# writing", "seen/measured here") in any tracked file but the one dated file
# of measurements, docs/measurements.md.  ("this machine" is allowed: the
# scripts say it of the machine that runs them.)
set -eu
cd "$(dirname "$0")/.."
words='\b(today|yesterday|this (session|host)|at the time of writing|(seen|measured|observed|tried) here)\b'
found=$(git ls-files | grep -vxF docs/measurements.md | grep -vxF tools/words-check.sh |
	while IFS= read -r f; do [ -f "$f" ] && echo "$f"; done |
	xargs grep -niIE "$words" 2>/dev/null || true)
if [ -n "$found" ]; then
	printf '%s\n' "$found" | head -20
	echo "words-check: dated or placed words outside docs/measurements.md (above)" >&2
	exit 1
fi
echo "words-check: no text outside docs/measurements.md speaks of when or where it was made"
