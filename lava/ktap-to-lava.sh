#!/bin/sh
# lava/ktap-to-lava.sh SUITE: run the suite in a LAVA test shell, as root and
# as uid 65534 (the runner maps itself to root in a user namespace), and
# turn each KTAP result line into a LAVA test case, in a test set per pass:
#   ok N name                -> pass
#   ok N name # SKIP why     -> skip
#   not ok N name # XFAIL .. -> unknown (a known kernel bug of this kernel,
#                               expected/VARIANTS: neither pass nor fail)
#   not ok N name ...        -> fail (ERROR and TIMEOUT too)
# and the runner's exit status as a test case of its own, runner-status
# (pass when 0).  The KTAP itself is printed too, for the log.
set -u
suite=${1:?usage: ktap-to-lava.sh SUITE}
command -v lava-test-case >/dev/null || {
	echo "ktap-to-lava: not in a LAVA test shell (no lava-test-case)" >&2
	exit 2
}
result() { # set ktap-file status
	while IFS= read -r line; do
		case $line in
		"ok "*" # SKIP"*) r=skip ;;
		"ok "*) r=pass ;;
		"not ok "*" # XFAIL"*) r=unknown ;;
		"not ok "*) r=fail ;;
		*) continue ;;
		esac
		name=${line#ok }
		name=${name#not ok }
		name=${name#* }   # the number
		name=${name%% *}  # up to a directive
		lava-test-case "$name" --result "$r"
	done <"$2"
	[ "$3" = 0 ] && r=pass || r=fail
	lava-test-case runner-status --result "$r" --measurement "$3" --units status
}
run_pass() { # set [setpriv arguments...]
	set=$1
	shift
	mkdir -p "/tmp/out-$set"
	[ $# = 0 ] || chown 65534:65534 "/tmp/out-$set"
	"$@" "$suite/runner/nsxrun" --guest --cases "$suite/cases" --expected "$suite/expected" \
		--out "/tmp/out-$set" >"/tmp/$set.ktap" 2>&1
	st=$?
	sed "s/^/[$set] /" "/tmp/$set.ktap"
	lava-test-set start "$set"
	result "$set" "/tmp/$set.ktap" "$st"
	lava-test-set stop "$set"
}
run_pass root
run_pass user /usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups
