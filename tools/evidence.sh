#!/bin/sh
# tools/evidence.sh BUILD: the evidence bundle to attach to a patch review
# (make evidence).  Runs the suite on this kernel, then collects into
# BUILD/evidence/nsxlate-evidence/ and BUILD/evidence/nsxlate-evidence.tar.gz:
#
#   SUMMARY.md        one page: kernel, its relevant config options, results
#                     per kernel, what failed and how, the mutant table
#   host.ktap         this kernel's KTAP
#   out/              every case's output; .diff and .err for failures
#   strace/           strace -f --decode-pids=pidns of every failed case
#   vm/<release>.ktap the KTAP of each make vm kernel run (build/vm)
#   mutants.md        the last make mutants table, when there is one
#
# tools/evidence.sh BUILD KTAP CONFIG DIR: the same bundle for a kernel the
# suite ran on in a make vm guest (make review: each kernel's), from that
# run's KTAP (both passes) and the kernel's .config, into
# DIR/nsxlate-evidence/ and DIR/nsxlate-evidence.tar.gz: SUMMARY.md,
# kernel.ktap, and out/<pass>/<case>.diff (the golden-line diff of each case
# that failed or matched a known-bad variant, as the KTAP carries it; the
# guest keeps no other output and runs no strace).
#
# Names are fixed and the tarball is reproducible (sorted, dates and owners
# zeroed); the machine's paths are replaced by paths relative to the project.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
B=${1:-build}
case $B in /*) ;; *) B=$top/$B ;; esac
case $# in 0 | 1 | 4) ;; *)
	echo "usage: tools/evidence.sh [BUILD] | tools/evidence.sh BUILD KTAP CONFIG DIR" >&2
	exit 1
	;;
esac
if [ $# = 4 ]; then
	[ -f "$2" ] || { echo "evidence: no KTAP $2" >&2; exit 1; }
	ktap=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
	kconfig=$3
	[ ! -f "$3" ] || kconfig=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")
	mkdir -p "$4" && D=$(cd "$4" && pwd)
fi
cd "$top" || exit 1

# Relative paths only: the project's and the build's become relative.
scrub() { sed -e "s|$B/|build/|g" -e "s|$top/||g" "$@"; }
# The bundle's directory as a reproducible tarball beside it.
bundle() { # bundle DIR: DIR/nsxlate-evidence.tar.gz
	"$top/tools/bundle.sh" "$1" nsxlate-evidence || exit 1
}
# SUMMARY.md's section on the options of vm/config, as the kernel has them.
config_options() { # config_options CONFIG [what, when there is none]
	echo "## Config options the suite needs (vm/config), as this kernel has them"
	echo
	if [ -s "$1" ]; then
		echo '```'
		grep -E '^CONFIG_[A-Z0-9_]+=' vm/config | cut -d= -f1 | while read -r o; do
			grep -E "^$o=|^# $o is not set" "$1" || echo "# $o: not in this kernel's config"
		done
		echo '```'
	else
		echo "${2:-This kernel exposes no config (/proc/config.gz, /boot/config-*).}"
	fi
	echo
}

if [ $# = 4 ]; then
	E=$D/nsxlate-evidence
	rm -rf "$E" && mkdir -p "$E/out"
	scrub "$ktap" | sed 's/; image .*//' >"$E/kernel.ktap"
	# Each failed (or known-bad) case's golden-line diff, per pass.
	awk -v dir="$E/out" '
	/^# pass [0-9]+: / { pass = ($4 == "root") ? "root" : "uid65534"; d = ""; next }
	/^# --- / { d = "" }
	/^# [-+@ ]/ { d = d substr($0, 3) "\n"; next }
	/^not ok / && d != "" {
		system("mkdir -p \"" dir "/" pass "\"")
		f = dir "/" pass "/" $4 ".diff"; printf "%s", d >f; close(f)
	}
	/^(not )?ok / { d = "" }' "$E/kernel.ktap"
	{
		echo "# nsxlate evidence"
		echo
		echo "Kernel: \`$(sed -n '1s/^# guest: //p' "$E/kernel.ktap")\` (x86_64, a make vm guest)."
		echo
		echo "## Results"
		echo
		echo "| pass | result |"
		echo "|---|---|"
		awk '/^# pass [0-9]+: / { p = ($4 == "root") ? "root" : "uid 65534" }
			/^[0-9]+ passed, / { print "| " p " | " $0 " |" }' "$E/kernel.ktap"
		echo
		for p in root uid65534; do
			f=$(awk -v p="$p" '/^# pass [0-9]+: / { on = ($4 == "root") == (p == "root") }
				on && /^not ok / && !/ # XFAIL/ { print $4 }' "$E/kernel.ktap")
			x=$(awk -v p="$p" '/^# pass [0-9]+: / { on = ($4 == "root") == (p == "root") }
				on && /^not ok .* # XFAIL/ { print $4 }' "$E/kernel.ktap")
			[ -n "$f$x" ] || continue
			echo "## The $p pass: failures and known kernel bugs"
			echo
			for c in $f $x; do
				first=$(grep -m1 -E '^[-+][^-+]' "$E/out/$p/$c.diff" 2>/dev/null || true)
				line=$(awk -v p="$p" -v c="$c" '/^# pass [0-9]+: / { on = ($4 == "root") == (p == "root") }
					on && /^not ok / && $4 == c { print; exit }' "$E/kernel.ktap")
				how=${line#*" $c"}
				how=${how# # }
				case " $x " in *" $c "*)
					how="known kernel bug (XFAIL): $(sed -n "s/^# $c: output matches //p" "$E/kernel.ktap" | head -n 1)"
					;;
				esac
				diff=''
				[ ! -f "$E/out/$p/$c.diff" ] || diff=" (out/$p/$c.diff)"
				echo "- \`$c\`: ${how:-golden-line diff}${first:+; first differing line: \`$first\`}$diff"
			done
			echo
		done
		config_options "$kconfig" "No configuration of this kernel was given."
		echo "Files: kernel.ktap, out/; the whole as nsxlate-evidence.tar.gz."
	} >"$E/SUMMARY.md"
	bundle "$D"
	exit 0
fi

E=$B/evidence/nsxlate-evidence
rm -rf "$E" && mkdir -p "$E/out" "$E/strace" "$E/vm"

"$B/runner/nsxrun" --cases "$B/cases" --out "$B/evidence/run" >"$B/evidence/host.ktap" 2>&1
scrub "$B/evidence/host.ktap" >"$E/host.ktap"
for f in "$B"/evidence/run/*; do
	[ -f "$f" ] || continue
	case $f in *.out | *.diff | *.err) scrub "$f" >"$E/out/$(basename "$f")" ;; esac
done
# .err of passing cases says nothing: keep those of failures only.
failed=$(sed -n '/ # XFAIL/d; s/^not ok [0-9]* \([^ ]*\).*/\1/p' "$E/host.ktap")
# Known kernel bugs (expected/VARIANTS): their diffs, no strace.
xfailed=$(sed -n 's/^not ok [0-9]* \([^ ]*\) # XFAIL.*/\1/p' "$E/host.ktap")
for f in "$E"/out/*.err; do
	[ -f "$f" ] || continue
	c=$(basename "$f" .err)
	echo " $failed $xfailed " | grep -q " $c " || rm -f "$f"
done
if [ -n "$failed" ] && command -v strace >/dev/null; then
	# shellcheck disable=SC2086 # one word a case
	"$B/runner/nsxrun" --cases "$B/cases" --out "$B/evidence/strace-run" \
		--strace "$B/evidence/strace-raw" $failed >/dev/null 2>&1
	for f in "$B"/evidence/strace-raw/*.strace; do
		[ -f "$f" ] && scrub "$f" >"$E/strace/$(basename "$f")"
	done
fi
for f in "$B"/vm/ktap-*.txt; do
	[ -f "$f" ] || continue
	r=$(basename "$f" .txt)
	scrub "$f" >"$E/vm/${r#ktap-}.ktap"
done
[ -f "$B/mutants/table.md" ] && scrub "$B/mutants/table.md" >"$E/mutants.md"

# The config options the suite needs, as this kernel has them.
config() {
	if [ -r /proc/config.gz ]; then
		zcat /proc/config.gz
	elif [ -r "/boot/config-$(uname -r)" ]; then
		cat "/boot/config-$(uname -r)"
	fi
}
config >"$B/evidence/config" 2>/dev/null || true
{
	echo "# nsxlate evidence"
	echo
	echo "Kernel: \`$(uname -r)\` \`$(uname -v)\` ($(uname -m))."
	echo
	echo "## Results"
	echo
	echo "| kernel | result |"
	echo "|---|---|"
	echo "| $(uname -r) (this machine) | $(tail -n 1 "$E/host.ktap") |"
	for f in "$E"/vm/*.ktap; do
		[ -f "$f" ] || continue
		echo "| $(basename "$f" .ktap) (make vm) | $(grep -E '^[0-9]+ passed' "$f" | head -n 1) |"
	done
	echo
	if [ -n "$failed" ]; then
		echo "## Failures on this kernel"
		echo
		for c in $failed; do
			line=$(grep -E "^not ok [0-9]+ $c( |$)" "$E/host.ktap")
			first=$(grep -m1 -E '^[-+][^-+]' "$E/out/$c.diff" 2>/dev/null || true)
			how=${line#*"$c"}
			how=${how# # }
			echo "- \`$c\`: ${how:-golden-line diff}${first:+; first differing line: \`$first\`} (out/$c.diff, strace/$c.strace)"
		done
		echo
	else
		echo "Nothing failed on this kernel."
		echo
	fi
	if [ -n "$xfailed" ]; then
		echo "## Known kernel bugs on this kernel (XFAIL: expected/VARIANTS)"
		echo
		for c in $xfailed; do
			first=$(grep -m1 -E '^[-+][^-+]' "$E/out/$c.diff" 2>/dev/null || true)
			known=$(sed -n "s/^# $c: output matches //p" "$E/host.ktap" | head -n 1)
			echo "- \`$c\`: ${known:-a listed known-bad variant}${first:+; first differing line: \`$first\`} (out/$c.diff)"
		done
		echo
	fi
	config_options "$B/evidence/config"
	if [ -f "$E/mutants.md" ]; then
		echo "## Kernel mutants (the last make mutants)"
		echo
		cat "$E/mutants.md"
		echo
	fi
	echo "Files: host.ktap, out/, strace/, vm/, mutants.md; the whole as nsxlate-evidence.tar.gz."
} >"$E/SUMMARY.md"
bundle "$B/evidence"
echo "evidence: $B/evidence/nsxlate-evidence.tar.gz ($E/SUMMARY.md)"
