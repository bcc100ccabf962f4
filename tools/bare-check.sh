#!/bin/sh
# tools/bare-check.sh CASES_DIR: every case run by hand, as a user would
# (no runner), must leave its caller's pid namespace as it found it.  Each
# runs bare in a fresh pid namespace that stands in for the machine
# (unshare --pid --fork --mount-proc; with --user --map-root-user when not
# root), whose pid_max (per pid namespace from Linux 6.14) is read before and
# after.  A case that writes namespace-wide state must refuse to outside a
# namespace nsxrun made for it (lib nsx_need_own_pidns()).  `make check`
# runs it.
set -u
cases=${1:?usage: bare-check.sh CASES_DIR}
userns=''
[ "$(id -u)" = 0 ] || userns='--user --map-root-user'
bad=0 n=0
for c in "$cases"/*; do
	case $c in *.*) continue ;; esac
	{ [ -f "$c" ] && [ -x "$c" ]; } || continue
	n=$((n + 1))
	# shellcheck disable=SC2086,SC2016 # the user-namespace options (two words or
	# none); the inner script's own variables
	got=$(unshare $userns --pid --fork --mount-proc sh -c '
		before=$(cat /proc/sys/kernel/pid_max)
		timeout 20 "$1" >/dev/null 2>&1 </dev/null
		echo "$before $(cat /proc/sys/kernel/pid_max)"' sh "$c" 2>/dev/null) || {
		echo "bare-check: cannot make a pid namespace to run $(basename "$c") in" >&2
		exit 1
	}
	# shellcheck disable=SC2086 # "before after": two words
	set -- $got
	if [ "$1" != "$2" ]; then
		echo "bare-check: $(basename "$c") run by hand changed its caller's pid_max from $1 to $2"
		bad=1
	fi
done
[ "$bad" = 0 ] || exit 1
echo "bare-check: $n cases run by hand left their caller's pid namespace's pid_max as it was"
