# shellcheck shell=sh
# mutants/boot.sh: booting a kernel with mutant schemata through a plan, and
# reading the verdicts from its logs; sourced by mutants/run.sh (with
# mutants/sites/run.sh) and review/mutate.sh.  The caller sets:
#
#   M        the directory of the run: logs/ (one log per boot and per
#            mutant) and verdicts ("<name> ended|crashed|unclean", a line a
#            mutant begun) are written there
#   todo     the plan left to run, one step a line as vm/guest-init reads
#            them (base; <n> <name> <case...>; s<n> <name> <case...>; the
#            coverage step, cover, is booted by mutants/sites/run.sh itself)
#   image    the kernel; B and top as everywhere; die() to stop
#   boots    0, and unclean '' (counted and kept across boot_plan() calls)
#
# and may set NSX_MUTANT_CRASH=<name> (mutants/selftest.sh) and
# NSX_MUTANT_APPEND (more of the guest's command line: " nsx.watch=30", a
# step's limit in seconds, vm/guest-init).
# shellcheck disable=SC2154 # the caller's variables, above

# Cases a log shows failing: "name diff" or "name error", and the first
# differing line of the first diff.  A known kernel bug (XFAIL: the output
# is a known-bad variant expected/VARIANTS expects on that kernel) is no
# failure: the mutant did not change what the case prints.
failures() {
	awk '
	/^# @@/ { hunk = 1; next }
	hunk && /^# \+/ && !/^# \+\+\+ / { if (plus == "") plus = substr($0, 3) }
	hunk && /^# -/ && !/^# --- / { if (minus == "") minus = substr($0, 3) }
	/^not ok .* # XFAIL/ { plus = ""; minus = ""; hunk = 0; next }
	/^not ok / {
		kind = ($0 ~ / # (ERROR|TIMEOUT)/) ? "error" : "diff"
		print $4, kind, (kind == "diff" ? (plus != "" ? plus : minus) : "")
		plus = ""; minus = ""; hunk = 0
		next
	}
	/^ok / { plus = ""; minus = ""; hunk = 0 }
	' "$1"
}

# Did the run in a log end with the runner's totals ("N passed, N failed,
# ...")?  A log without them is a run the mutant killed.
completed() {
	grep -Eq '^[0-9]+ passed, [0-9]+ failed' "$1"
}

# Boot after boot until every step of $todo has run (the plan's lines, as
# vm/guest-init reads them); $M/verdicts gets a line a mutant begun.
boot_plan() {
	while [ -s "$todo" ]; do
		boots=$((boots + 1))
		steps=$(wc -l <"$todo")
		log=$M/logs/boot-$boots.console
		# NSX_MUTANT_CRASH=<name> (mutants/selftest.sh): the first boot dies
		# while that mutant is selected, as a crash would
		crash=''
		[ "$boots" != 1 ] || [ -z "${NSX_MUTANT_CRASH:-}" ] ||
			crash=" nsx.crash=$(awk -v m="$NSX_MUTANT_CRASH" '$2 == m { print $1 }' "$M/schema/.nsx-numbers")"
		NSX_VM_PLAN=$todo KERNEL=$image B=$B VM_APPEND="nsx.test=mutants oops=panic$crash${NSX_MUTANT_APPEND:-}" \
			VM_TIMEOUT=$((120 + 30 * steps)) "$top/vm/run.sh" >"$log" 2>&1
		if grep -q '^NSX-MUTANT-BASE status=' "$log"; then
			grep -q '^NSX-MUTANT-BASE status=0$' "$log" || {
				tail -40 "$log"
				die "the suite does not pass on the kernel with no mutant selected ($log)"
			}
		elif head -n 1 "$todo" | grep -qx base; then
			tail -40 "$log"
			die "the base run never ended ($log)"
		fi
		# One log per mutant begun; its verdict when it ended, "crashed" if not.
		before=$(wc -l <"$M/verdicts")
		awk -v dir="$M/logs" -v verdicts="$M/verdicts" '
		/^NSX-MUTANT-BEGIN / { name = $3; file = dir "/" name ".log"; printf "" >file; next }
		/^NSX-MUTANT-END / { print $3, "ended" >>verdicts; close(file); name = ""; next }
		/^NSX-MUTANT-UNCLEAN / { print $3, "unclean" >>verdicts; next }
		name != "" { print >>file }
		END { if (name != "") print name, "crashed" >>verdicts }
		' "$log"
		# The steps left: after the last one that ended or crashed; from the
		# one whose control failed (once: a second time it is an error).
		[ "$(wc -l <"$M/verdicts")" -gt "$before" ] || {
			tail -40 "$log"
			die "the guest began no mutant ($log)"
		}
		last=$(tail -n 1 "$M/verdicts")
		lname=${last% *} lhow=${last#* }
		case $lhow in
		unclean)
			case " $unclean " in *" $lname "*)
				grep '^# control: ' "$log" | tail -40
				die "$lname: its cases fail with no mutant selected, in a fresh boot too ($log)"
				;;
			esac
			unclean="$unclean $lname"
			prev=$(grep -v " unclean$" "$M/verdicts" | tail -n 1 | cut -d' ' -f1)
			echo "mutants: $lname's cases failed with no mutant selected after ${prev:-the base run}: booting again from $lname"
			awk -v m="$lname" 'go || $2 == m { go = 1; print }' "$todo" >"$todo.new"
			;;
		*)
			awk -v m="$lname" 'go; $2 == m { go = 1 }' "$todo" >"$todo.new"
			[ "$lhow" = ended ] || echo "mutants: $lname crashed or hung the guest ($log): booting again from the next one"
			;;
		esac
		mv "$todo.new" "$todo"
	done
}

# The verdict of a site mutant's step (s<id>, named site-<id>) as
# "<verdict>|<cases>|<executions while selected>": killed (a case failed with
# a golden-line diff; the cases), errors only (cases failed by a set-up error
# or timeout, no diff; the cases), not hit (never executed while selected),
# survived, runner killed (the run ended without the runner's totals),
# crashed, or not run (no verdict in $M/verdicts).  Call it in $(...): it
# sets how, l, caught, errors, hits and verdict.
site_verdict() { # site_verdict ID
	how=$(grep "^site-$1 " "$M/verdicts" | grep -v ' unclean$' | tail -n 1 | cut -d' ' -f2)
	l=$M/logs/site-$1.log
	# a run that ended without the runner's totals: the mutant killed the
	# runner itself (kill(-1) reaching every task, say)
	[ "$how" != ended ] || completed "$l" || how=died
	caught='' hits=''
	case $how in
	ended)
		caught=$(failures "$l" | awk '$2 == "diff" { printf "%s%s", sep, $1; sep = " " }')
		errors=$(failures "$l" | awk '$2 == "error" { printf "%s%s", sep, $1; sep = " " }')
		hits=$(sed -n "s/^NSX-SITE-HITS $1 //p" "$l" | tail -n 1)
		if [ -n "$caught" ]; then
			verdict=killed
		elif [ -n "$errors" ]; then
			verdict='errors only' caught=$errors
		elif [ "${hits:-0}" = 0 ]; then
			verdict='not hit'
		else
			verdict=survived
		fi
		;;
	died) verdict='runner killed' ;;
	'') verdict='not run' ;;
	*) verdict=crashed ;;
	esac
	echo "$verdict|$caught|$hits"
}
