#!/bin/sh
# tools/lint.sh: shellcheck on every shell script the project tracks (*.sh,
# and files whose first line runs sh, bash or busybox sh), at shellcheck's
# default severity: a finding fails `make lint`.  What a script does on
# purpose is said where it does it (# shellcheck disable=SCnnnn # why).
set -eu
cd "$(dirname "$0")/.."
command -v shellcheck >/dev/null || { echo "lint: shellcheck is needed (apt-get install shellcheck)" >&2; exit 1; }
scripts=$(git ls-files | while IFS= read -r f; do
	[ -f "$f" ] || continue
	case $f in
	*.sh) echo "$f" ;;
	*) head -n 1 "$f" | grep -qE '^#!.*/(env )?(ba|da)?sh( |$)|^#!/bin/busybox sh' && echo "$f" ;;
	esac
done)
# shellcheck disable=SC2086 # the list of scripts, one word each
shellcheck $scripts
echo "lint: shellcheck clean on $(echo "$scripts" | wc -l) scripts"
