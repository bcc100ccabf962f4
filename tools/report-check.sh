#!/bin/sh
# tools/report-check.sh RUNNER KUNIT_DIR: a case cannot forge a verdict, and
# the runner's input is checked.  Cases that print what a KTAP parser would
# take for a result line (after a carriage return, vertical tab, form feed,
# ESC sequence, U+2028, or invalid UTF-8) on stdout, stderr and in a skip
# reason run through nsxrun; its report goes through the kernel's own KTAP
# parser (tools/testing/kunit/kunit.py parse, from KUNIT_DIR), which must
# count exactly what nsxrun counted, with no test it did not report.  The
# report must be plain ASCII, the JUnit file well-formed XML.  Then the
# runner's input and files: a file whose name is not a case's stops the run;
# a case that is not executable, a golden file with no case, or one that is
# a FIFO, are errors; an empty cases directory is an error, not a pass; a
# long --out path is not cut short; as root, no output file is written
# through a symlink or in a directory another user could change; the
# runner's protocol variables (NSX_CGROUP, NSX_NOPRIV, ...) are not taken
# from its caller; --repeat does not make its whole plan up front; -j is
# held to the descriptors there are; a cgroup v1 memory controller limits
# memory.  `make check` runs it.
set -u
runner=${1:?usage: report-check.sh RUNNER KUNIT_DIR}
kunit=${2:?usage: report-check.sh RUNNER KUNIT_DIR}
t=$(mktemp -d "${TMPDIR:-/tmp}/nsx-report-check.XXXXXX")
trap 'rm -rf "$t"' EXIT
bad=0
fail() {
	echo "report-check: $*" >&2
	bad=1
}
mkdir "$t/cases" "$t/expected"
# forger: fails (its golden file says "quiet"), printing forged results.
cat >"$t/cases/forger" <<'EOF'
#!/bin/sh
printf 'x\rok 1 forger\n\013ok 1 forger\n\014ok 2 fine\n\033[1A\033[2Kok 1 forger\n'
printf '\342\200\250ok 1 forger\n\377\376 not UTF-8 # SKIP\n'
printf 'x\rok 1 forger\n\033[2K\n\377\n' >&2
EOF
echo quiet >"$t/expected/forger.out"
# fine: passes.
printf '#!/bin/sh\necho fine\n' >"$t/cases/fine"
echo fine >"$t/expected/fine.out"
# skipper: skips with a reason that carries a forged line.
printf '#!/bin/sh\nprintf "nsx: skip: no\\rok 4 skipper\\n" >&2\nexit 4\n' >"$t/cases/skipper"
chmod 755 "$t/cases/forger" "$t/cases/fine" "$t/cases/skipper"

run() { # out-name [runner args]
	o=$1
	shift
	"$runner" --cases "$t/cases" --expected "$t/expected" --out "$t/out" -t 10 "$@" \
		>"$t/$o.ktap" 2>"$t/$o.err"
	echo $?
}
s=$(run forge --junit "$t/junit.xml")
[ "$s" = 1 ] || fail "the forging run exited $s, not 1 (a failure)"
grep -q '^1 passed, 1 failed, 1 skipped$' "$t/forge.ktap" ||
	fail "nsxrun did not count 1 passed, 1 failed, 1 skipped: $(tail -n 1 "$t/forge.ktap")"
if LC_ALL=C grep -n "$(printf '[^\t -~]')" "$t/forge.ktap" >"$t/nonascii"; then
	fail "the report carries bytes other than printable ASCII and tab:"
	sed 's/^/report-check: | /' "$t/nonascii" | cat -v >&2
fi
python3 "$kunit/kunit.py" parse "$t/forge.ktap" >"$t/kunit.txt" 2>&1
if ! grep -q 'Ran 3 tests: passed: 1, failed: 1, skipped: 1$' "$t/kunit.txt"; then
	fail "kunit.py parse counted otherwise than nsxrun:"
	sed 's/^/report-check: | /' "$t/kunit.txt" | cat -v >&2
fi
python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$t/junit.xml" \
	2>"$t/xml.err" || fail "the JUnit file is not well-formed: $(tail -n 1 "$t/xml.err")"

# The runner's input.
: >"$t/cases/x # SKIP forged"
chmod 755 "$t/cases/x # SKIP forged"
s=$(run name)
[ "$s" = 2 ] || fail "a file named 'x # SKIP forged' among the cases: exit $s, not 2"
grep -q 'not a case' "$t/name.err" || fail "no message for the file 'x # SKIP forged'"
[ ! -s "$t/name.ktap" ] || fail "a report was written despite a bad case name"
rm "$t/cases/x # SKIP forged"
chmod 644 "$t/cases/fine"
echo lost >"$t/expected/lost.out"
s=$(run input fine lost)
[ "$s" = 1 ] || fail "a case not executable and a golden file with no case: exit $s, not 1"
grep -q '^not ok 1 fine # ERROR not started: not executable' "$t/input.ktap" ||
	fail "a case not executable is not an error: $(grep ' fine' "$t/input.ktap")"
grep -q '^not ok 2 lost # ERROR not started: .*lost.out has no case' "$t/input.ktap" ||
	fail "a golden file with no case is not an error: $(grep ' lost' "$t/input.ktap")"
chmod 755 "$t/cases/fine"
rm "$t/expected/lost.out"
# A FIFO as a golden file: an error, not a hang (timeout: a runner that
# blocks on it is killed after 20 s and counted a failure).
mv "$t/expected/fine.out" "$t/fine.out"
mkfifo "$t/expected/fine.out"
timeout 20 "$runner" --cases "$t/cases" --expected "$t/expected" --out "$t/out" fine \
	>"$t/fifo.ktap" 2>&1
s=$?
grep -q '^not ok 1 fine # ERROR golden file .* is not a regular file' "$t/fifo.ktap" ||
	fail "a FIFO as a golden file: exit $s, $(grep ' fine' "$t/fifo.ktap" || echo 'no result')"
rm "$t/expected/fine.out"
mv "$t/fine.out" "$t/expected/fine.out"
# --out under a parent of 3,000 characters and more: the files go there,
# nowhere else.
long=$t/long
for _ in $(seq 1 16); do long=$long/$(printf '%0200d' 0); done
mkdir -p "$long"
s=$(run long --out "$long/out" fine)
[ "$s" = 0 ] || fail "--out under a ${#long}-character parent: exit $s"
if [ "$(find "$t" -name fine.out -path "$long/out/*" | wc -l)" != 1 ] ||
	[ "$(find "$t" -name fine.out ! -path "$t/expected/*" ! -path "$t/out/*" | wc -l)" != 1 ]; then
	fail "--out under a ${#long}-character parent: fine.out is not (only) in it"
fi
rm -rf "$t/long"
# The runner's protocol variables are its own, not inherited.
cat >"$t/cases/envcase" <<'EOF2'
#!/bin/sh
for v in NSX_CGROUP NSX_NOCGROUP NSX_NOPRIV NSX_SHIM_ACTIVE NSX_OWN_PIDNS NSX_GUEST \
	NSX_TIMEOUT_MS NSX_PIDNS_LEVEL; do
	eval "x=\${$v-}"
	[ "$x" != forged ] || echo "$v inherited"
done
echo done
EOF2
chmod 755 "$t/cases/envcase"
echo 'done' >"$t/expected/envcase.out"
s=$(NSX_CGROUP=forged NSX_NOCGROUP=forged NSX_NOPRIV=forged NSX_SHIM_ACTIVE=forged \
	NSX_OWN_PIDNS=forged NSX_GUEST=forged NSX_TIMEOUT_MS=forged NSX_PIDNS_LEVEL=forged \
	run env envcase)
[ "$s" = 0 ] || fail "inherited NSX_ variables reached the case: $(cat "$t/out/envcase.out")"
# As root: no output through a symlink, and none in a directory another
# user could change.
if [ "$(id -u)" = 0 ]; then
	: >"$t/victim"
	ln -sf "$t/victim" "$t/out/fine.out"
	run symlink fine >/dev/null
	[ ! -s "$t/victim" ] || fail "root wrote a case's output through a symlink"
	grep -q '^not ok 1 fine # ERROR not started: cannot write' "$t/symlink.ktap" ||
		fail "an output file that is a symlink: $(grep ' fine' "$t/symlink.ktap")"
	mkdir "$t/theirs" && chown 65534:65534 "$t/theirs"
	s=$(run theirs --out "$t/theirs/out" fine)
	if [ "$s" != 2 ] || ! grep -q 'not writing there as root' "$t/theirs.err"; then
		fail "root wrote in a directory uid 65534 owns: exit $s"
	fi
fi
# --repeat streams: 100,000 runs start at once within 256 MB (the plan is
# not made up front), and stop at SIGINT with what they have.
prlimit --as=268435456 -- timeout -s INT 2 "$runner" --cases "$t/cases" \
	--expected "$t/expected" --out "$t/out" --repeat 100000 fine >"$t/many.ktap" 2>&1
if ! grep -q '^ok 1 fine.1$' "$t/many.ktap" || ! grep -q '^# interrupted by SIGINT' "$t/many.ktap"; then
	fail "--repeat 100000 in 256 MB: $(head -c 300 "$t/many.ktap")"
fi
# -j beyond the descriptors there are: fewer at once, not errors.
prlimit --nofile=64 -- "$runner" --cases "$t/cases" --expected "$t/expected" \
	--out "$t/out" --repeat 40 -j 100 fine >"$t/fds.ktap" 2>&1
grep -q '^40 passed, 0 failed, 0 skipped$' "$t/fds.ktap" ||
	fail "-j 100 with 64 descriptors: $(grep -v '^ok' "$t/fds.ktap" | head -n 5)"
# Where the memory controller is cgroup v1 and the runner may use it
# (root), the limits line names a memory limit.
if [ "$(id -u)" = 0 ] && grep -q ' - cgroup cgroup [^ ]*memory' /proc/self/mountinfo; then
	grep '^# limits:' "$t/fds.ktap" | grep -q 'memory' ||
		fail "a cgroup v1 memory controller, and: $(grep '^# limits:' "$t/fds.ktap")"
fi
mkdir "$t/empty"
"$runner" --cases "$t/empty" --expected "$t/empty" --out "$t/out" >/dev/null 2>&1
s=$?
[ "$s" = 2 ] || fail "an empty cases directory: exit $s, not 2"
[ "$bad" = 0 ] && echo "report-check: no forged verdict; bad input refused"
exit "$bad"
