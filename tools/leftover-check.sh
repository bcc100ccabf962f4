#!/bin/sh
# tools/leftover-check.sh RUNNER: a case leaves nothing in the machine's /tmp,
# the runner's working directory or its output directory, however it ends.
# A case makes a directory and a file in $TMPDIR, else /tmp (as lib's
# nsx_mount_dir() and bsd_acct do: nsx_tmpdir()), has a
# child dump core with RLIMIT_CORE unlimited (with a core_pattern without a
# path, such as the kernel's default "core", the file goes to the dumper's
# working directory), and then hangs: once the runner's timeout kills it,
# and once the runner itself is killed with SIGKILL.  Neither /tmp nor the
# runner's working directory may hold anything of it afterwards.  Needs
# pid namespaces (root, or unprivileged user namespaces); `make check` runs it.
set -u
runner=${1:?usage: leftover-check.sh RUNNER}
case $runner in /*) ;; *) runner=$(pwd)/$runner ;; esac
tag=nsx-leftover-check-$$
t=$(mktemp -d "${TMPDIR:-/tmp}/$tag.XXXXXX")
trap 'rm -rf "$t" /tmp/"$tag"-*' EXIT
bad=0
mkdir "$t/cases" "$t/expected" "$t/cwd"
cat >"$t/cases/litter" <<EOF
#!/bin/sh
mktemp -d "\${TMPDIR:-/tmp}/$tag-dir.XXXXXX" >/dev/null
: >"\${TMPDIR:-/tmp}/$tag-file"
ulimit -c unlimited 2>/dev/null
sh -c 'kill -SEGV \$\$'
echo up
exec tail -f /dev/null
EOF
chmod 755 "$t/cases/litter"
echo up >"$t/expected/litter.out"

check() { # how
	left=$({
		find /tmp -mindepth 1 -maxdepth 1 -name "$tag-*" ! -path "$t"
		find "$t/cwd" "$t/out" -mindepth 1 \( -name "$tag-*" -o -name 'core*' \)
	} 2>/dev/null)
	if [ -n "$left" ]; then
		echo "leftover-check: after $1, left behind: $left" >&2
		bad=1
	fi
}
(cd "$t/cwd" && "$runner" --cases "$t/cases" --expected "$t/expected" --out "$t/out" -t 1 \
	>"$t/timeout.ktap" 2>&1)
grep -q '^not ok 1 litter # TIMEOUT' "$t/timeout.ktap" || {
	echo "leftover-check: the hanging case was not timed out:" >&2
	cat "$t/timeout.ktap" >&2
	bad=1
}
check "a timeout"
(cd "$t/cwd" && exec "$runner" --cases "$t/cases" --expected "$t/expected" --out "$t/out" \
	-t 60 >"$t/kill.ktap" 2>&1) &
runner_pid=$!
# The case is up once it has printed (bounded: 10 s).
i=0
while [ "$(cat "$t/out/litter.out" 2>/dev/null)" != up ] && [ "$i" -lt 1000 ]; do
	i=$((i + 1))
	sleep 0.01
done
kill -KILL "$runner_pid"
wait "$runner_pid" 2>/dev/null
# The case's namespace dies with its reaper, which dies with the runner
# (PR_SET_PDEATHSIG): wait for the last of it to go (bounded: 10 s).
i=0
while pgrep -f "tail -f /dev/null" >/dev/null && [ "$i" -lt 1000 ]; do
	i=$((i + 1))
	sleep 0.01
done
check "SIGKILL of the runner"
[ "$bad" = 0 ] && echo "leftover-check: nothing left behind after a timeout and a SIGKILL"
exit "$bad"
