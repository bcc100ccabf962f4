# shellcheck shell=sh
# mutants/sites/run.sh: the site mutants' run, sourced by mutants/run.sh
# (MUTANT_SITES=1) once the hand-written mutants have run on the same kernel;
# it uses that script's $M, $image, $top, $B, die() and mutants/boot.sh's
# boot_plan() and site_verdict().  See mutants/sites/README.md.
#
# 1. One boot runs each case alone with every site counting (nsx_site_cover):
#    which cases reach which sites ($M/sites-reach: "<id> <case> <hits>").
# 2. Each site mutant reached runs with the cases that reach it (a case that
#    never executes a site cannot see its mutant, so this is the whole
#    suite's verdict) in as few boots as crashes allow, like the hand-written
#    ones; MUTANT_SITES_MAX=N runs only the first N reached.
# 3. The table: $M/sites.md, and totals by operator on stdout.
# shellcheck disable=SC2154,SC2034 # $M, $image, $top, $B, $have, $series: mutants/run.sh's; site_rc, read there
sites=$M/schema/.nsx-sites
[ -s "$sites" ] || die "no site mutants in $M/schema (mutants/sites/schema.sh)"
echo "mutants: $(wc -l <"$sites") site mutants in $(cut -d' ' -f2 "$sites" | sort -u | wc -l) files: coverage first"
echo cover >"$M/sites.todo"
log=$M/logs/cover.console
NSX_VM_PLAN=$M/sites.todo KERNEL=$image B=$B VM_APPEND="nsx.test=mutants oops=panic" \
	VM_TIMEOUT=1200 "$top/vm/run.sh" >"$log" 2>&1
grep -q '^NSX-COVER end' "$log" || {
	tail -40 "$log"
	die "the coverage boot did not end ($log)"
}
awk '$1 == "NSX-COVER" && $2 != "begin" && $2 != "end" {
	for (i = 3; i + 1 <= NF; i += 2) print $i, $2, $(i + 1)
}' "$log" | sort -n -k1,1 -k2,2 >"$M/sites-reach"

todo=$M/plan.todo
: >"$todo"
max=${MUTANT_SITES_MAX:-0}
only=${MUTANT_SITES_ONLY:-}
while read -r id file fn ord op _; do
	# MUTANT_SITES_ONLY: an extended regular expression on the site's name
	if [ -n "$only" ] && ! echo "$file:$fn:$ord:$op" | grep -Eq -- "$only"; then
		continue
	fi
	cases=$(awk -v k="$id" '$1 == k { printf "%s%s", sep, $2; sep = " " }' "$M/sites-reach")
	[ -n "$cases" ] || continue
	# more than nsxrun takes by name (256, runner/runner.h): the whole
	# suite, a superset
	[ "$(echo "$cases" | wc -w)" -le 256 ] || cases=''
	echo "s$id site-$id $cases" >>"$todo"
	[ "$max" = 0 ] || [ "$(wc -l <"$todo")" -lt "$max" ] || break
done <"$sites"
cp "$todo" "$M/sites-plan"
echo "mutants: $(wc -l <"$todo") site mutants reached by some case: running each with those cases"
boot_plan

# The table, and the totals by operator.
st=$M/sites.md
python3 "$top/mutants/sites/classify.py" "$top/docs/pid-exports.md" \
	"$top/docs/pid-exports-internal.txt" "$sites" >"$M/sites-class" || die "mutants/sites/classify.py failed"
printf '| site (%s) | operator | the map | cases reaching it | verdict | cases that failed (diff) | executions while selected |\n|---|---|---|---|---|---|---|\n' \
	"$have" >"$st"
: >"$M/sites-verdicts"
: >"$M/sites-verdicts-pinned"
: >"$M/sites-unkilled-pinned"
: >"$M/sites-map-errors"
: >"$M/sites-verdicts-named"
site_rc=0
while read -r id file fn ord op _; do
	class=$(sed -n "s/^$id //p" "$M/sites-class")
	reach=$(awk -v k="$id" '$1 == k' "$M/sites-reach" | wc -l)
	verdict='not reached' caught='' hits=''
	[ "$reach" = 0 ] || verdict='not run' # (MUTANT_SITES_MAX)
	if grep -q "^s$id " "$M/sites-plan"; then
		v=$(site_verdict "$id")
		verdict=${v%%|*} v=${v#*|}
		caught=${v%%|*} hits=${v#*|}
	fi
	echo "$op $verdict" >>"$M/sites-verdicts"
	name=$file:$fn:$ord:$op
	echo "$name $verdict" >>"$M/sites-verdicts-named"
	case $class in
	"map "*" ✔")
		echo "$verdict" >>"$M/sites-verdicts-pinned"
		case $verdict in
		killed | 'not reached' | 'not run') ;;
		*) echo "$name $verdict" >>"$M/sites-unkilled-pinned" ;;
		esac
		;;
	"internal: internal")
		# the internal list says no number reaches user space from here (its
		# other categories: the helpers themselves, which every case sees
		# through; log lines, root's debug files, wire fields, map rows)
		[ "$verdict" != killed ] || echo "$name ($class): $caught" >>"$M/sites-map-errors"
		;;
	esac
	printf '| %s:%s:%s | %s | %s | %s | %s | %s | %s |\n' "$file" "$fn" "$ord" "$op" "$class" "$reach" \
		"$verdict" "${caught:--}" "${hits:--}" >>"$st"
done <"$sites"
echo "mutants: site mutants by operator and verdict ($st):"
sort "$M/sites-verdicts" | uniq -c | sed 's/^/  /'
echo "mutants: those at the sites of pinned map rows (✔), by verdict:"
sort "$M/sites-verdicts-pinned" | uniq -c | sed 's/^/  /'
# The gate: a site mutant of a pinned row that some case reaches and none
# kills needs a reason in mutants/sites/KNOWN-SURVIVORS; a kill at a site the
# internal list calls internal is a map error.
reasons=$top/mutants/sites/KNOWN-SURVIVORS
unexplained=$(while read -r name verdict; do
	awk -v n="$name" '$1 == n { found = 1 } END { exit !found }' "$reasons" 2>/dev/null ||
		echo "  $name: $verdict"
done <"$M/sites-unkilled-pinned")
echo "mutants: $(wc -l <"$M/sites-unkilled-pinned") site mutants at pinned rows reached and not killed, $(echo "$unexplained" | grep -c .) without a reason in mutants/sites/KNOWN-SURVIVORS"
[ -z "$unexplained" ] || {
	echo "$unexplained"
	site_rc=1
}
grep -v '^#' "$reasons" | awk 'NF { print $1 }' | while read -r name; do
	[ "$(awk -v n="$name" '$1 == n { $1 = ""; print substr($0, 2) }' "$M/sites-verdicts-named")" != killed ] ||
		echo "mutants: $name is killed now: its reason in mutants/sites/KNOWN-SURVIVORS can go"
done
if [ -s "$M/sites-map-errors" ]; then
	echo "mutants: map errors: killed at sites docs/pid-exports-internal.txt calls internal:"
	sed 's/^/  /' "$M/sites-map-errors"
	site_rc=1
fi
# Every site mutant run: docs/site-mutants.md is rewritten from the table.
doc=docs/site-mutants.md
[ "$series" = 6.1 ] || doc=docs/site-mutants-$series.md
if [ "$max" = 0 ] && [ -z "$only" ]; then
	"$top/mutants/sites/docs.sh" "$M" "$series" >"$top/$doc.tmp" &&
		mv "$top/$doc.tmp" "$top/$doc" &&
		echo "mutants: $doc written from the table"
fi
