#!/bin/sh
# tools/record-ktap.sh: the record of the kernels the suite passed on
# (docs/ktap/<release>.txt, the input of docs/semantics.md's "Kernels" and
# every case's "Checked on"): each make vm report (build/vm/ktap-*.txt, the
# guest's own KTAP), and a root pass of the suite on the running kernel
# (--machine).  A report whose root pass failed a case is not recorded.
# make checked-on runs it, then make docs.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
B=${B:-build}
mkdir -p docs/ktap
record() { # record SRC RELEASE
	if grep '^not ok ' "$1" | grep -qv ' # XFAIL'; then
		echo "record-ktap: $1 has failures: not recorded" >&2
		return 0
	fi
	# (paths as the project names them, not the machine's)
	sed -e "s|$top/||g" -e 's|image /[^ ]*/build/|image build/|' "$1" >"docs/ktap/$2.txt" &&
		echo "record-ktap: docs/ktap/$2.txt"
}
for f in "$B"/vm/ktap-*.txt; do
	[ -f "$f" ] || continue
	r=${f##*/ktap-}
	record "$f" "${r%.txt}"
done
if [ "${1:-}" = --machine ]; then
	[ "$(id -u)" = 0 ] || { echo "record-ktap: --machine wants root (the suite's root pass)" >&2; exit 1; }
	t=$(mktemp -d)
	trap 'rm -rf "$t"' EXIT
	# shellcheck source=/dev/null # the machine's own
	. /etc/os-release
	musl=$(dpkg-query -W -f '${Version}' musl 2>/dev/null || echo none)
	glibc=$(dpkg-query -W -f '${Version}' libc6 2>/dev/null || echo "?")
	{
		echo "# machine: $(uname -r) $(uname -v); $PRETTY_NAME, glibc $glibc, musl $musl (not make vm's guest: guest-only cases skip)"
		echo "# pass 1: root"
		"$B/runner/nsxrun" --out "$t/out" || true
	} >"$t/ktap"
	record "$t/ktap" "$(uname -r)"
fi
