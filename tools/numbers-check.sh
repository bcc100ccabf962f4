#!/bin/sh
# tools/numbers-check.sh RUNNER: a number of the machine can never pass for
# one of a case's tasks (runner/numbers.c).  A fresh pid namespace stands in
# for the machine (unshare --pid --fork --mount-proc; with --user
# --map-root-user when not root); from Linux 6.14 its pid_max is set to
# 4194304, so that there is no room above it and the runner places each
# case's numbers behind the machine's counter, as it does before 6.14.
# While a case runs, the machine's counter is forced through the case's own
# numbers (ns_last_pid set just below them, then two processes started):
# the case must be an ERROR ("not judged"), never a pass.  The same case
# with the counter left alone passes.  And with the stand-in's pid_max at
# 1900 the runner's per-case task limit must not promise more tasks than
# 1900 numbers allow.  `make check` runs it.
set -u
runner=${1:?usage: numbers-check.sh RUNNER}
case $runner in /*) ;; *) runner=$(pwd)/$runner ;; esac
t=$(mktemp -d "${TMPDIR:-/tmp}/nsx-numbers-check.XXXXXX")
trap 'rm -rf "$t"' EXIT
mkdir "$t/cases" "$t/expected"
mkfifo "$t/go"
cat >"$t/cases/collide" <<EOF
#!/bin/sh
echo up
read -r _ <"$t/go"
EOF
chmod 755 "$t/cases/collide"
echo up >"$t/expected/collide.out"
userns=''
[ "$(id -u)" = 0 ] || userns='--user --map-root-user'
maj=$(uname -r | cut -d. -f1) min=$(uname -r | cut -d. -f2)
per_ns=0
{ [ "$maj" -gt 6 ] || { [ "$maj" = 6 ] && [ "$min" -ge 14 ]; }; } && per_ns=1

# shellcheck disable=SC2016 # the inner script's own variables
inner='
t=$1 runner=$2 force=$3 per_ns=$4
[ "$per_ns" = 0 ] || echo "$5" >/proc/sys/kernel/pid_max
"$runner" --cases "$t/cases" --expected "$t/expected" --out "$t/out" -t 20 >"$t/run.ktap" 2>&1 &
r=$!
# The case is up once it has printed (bounded: 10 s).
i=0
while [ "$(cat "$t/out/collide.out" 2>/dev/null)" != up ] && [ "$i" -lt 1000 ]; do
	i=$((i + 1))
	sleep 0.01
done
if [ "$force" = 1 ]; then
	# The case shell: its number in its own namespace, the second in NSpid.
	for s in /proc/[0-9]*/status; do
		grep -q "^Name:.*collide" "$s" 2>/dev/null || continue
		first=$(sed -n "s/^NSpid:[[:space:]]*[0-9]*[[:space:]]*\([0-9]*\).*/\1/p" "$s")
	done
	echo $((first - 1)) >/proc/sys/kernel/ns_last_pid
	sh -c "echo \"# the machine gives out \$\$\"" >>"$t/forced"
	sh -c "echo \"# and \$\$; the case started at $first\"" >>"$t/forced"
fi
echo go >"$t/go"
wait "$r"
echo $? >"$t/status"
'
run() { # force [pid_max]
	rm -rf "$t/out" "$t/forced" "$t/status"
	# shellcheck disable=SC2086 # the user-namespace options (two words or none)
	unshare $userns --pid --fork --mount-proc sh -c "$inner" sh "$t" "$runner" "$1" "$per_ns" \
		"${2:-4194304}"
	[ -f "$t/status" ] || {
		echo "numbers-check: cannot make a pid namespace to stand in for the machine" >&2
		exit 1
	}
}
bad=0
run 0
if ! grep -q '^ok 1 collide$' "$t/run.ktap"; then
	echo "numbers-check: the case did not pass with the counter left alone:" >&2
	cat "$t/run.ktap" >&2
	bad=1
fi
run 1
forced=$(grep '^not ok' "$t/run.ktap" | sed 's/.*# //')
if ! grep -q '^not ok 1 collide # ERROR not judged: ' "$t/run.ktap"; then
	echo "numbers-check: the machine's counter went through the case's numbers, and:" >&2
	cat "$t/forced" "$t/run.ktap" >&2
	bad=1
fi
# A limit never promises more tasks than the machine has numbers for: with
# its pid_max at 1900 (from 6.14, where it can be set for the stand-in).
if [ "$per_ns" = 1 ]; then
	run 0 1900
	n=$(sed -n 's/^# limits: .*\(pids.max\|RLIMIT_NPROC\)=\([0-9]*\).*/\2/p;s/^# limits: .*(about \([0-9]*\) tasks).*/\1/p' "$t/run.ktap")
	if ! grep -q '^# limits: none' "$t/run.ktap" && { [ -z "$n" ] || [ "$n" -gt 1600 ]; }; then
		echo "numbers-check: with pid_max 1900 (1600 numbers to give out):" >&2
		grep '^# limits' "$t/run.ktap" >&2
		bad=1
	fi
	grep -q '^ok 1 collide$' "$t/run.ktap" || {
		echo "numbers-check: the case did not pass with pid_max 1900:" >&2
		cat "$t/run.ktap" >&2
		bad=1
	}
fi
[ "$bad" = 0 ] && echo "numbers-check: the machine's counter forced through a case's numbers: $forced"
exit "$bad"
