#!/bin/sh
# tools/evidence-check.sh: make evidence's bundle is reproducible (two
# bundles made one after the other are the same bytes), names no path of
# the machine's, has its SUMMARY.md and each file once (tools/bundle.sh).
# make evidence-check (in make check).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
B=${B:-build}
bundle=$B/evidence/nsxlate-evidence.tar.gz
tools/evidence.sh "$B" >/dev/null
cp "$bundle" "$B/evidence/a.tgz"
tools/evidence.sh "$B" >/dev/null
cmp -s "$B/evidence/a.tgz" "$bundle" || { echo "evidence-check: two evidence bundles differ" >&2; exit 1; }
rm -f "$B/evidence/a.tgz"
if tar -xzOf "$bundle" | grep -q "$top"; then
	echo "evidence-check: the evidence bundle names $top" >&2
	exit 1
fi
tar -tzf "$bundle" | grep -qx nsxlate-evidence/SUMMARY.md ||
	{ echo "evidence-check: no SUMMARY.md in the bundle" >&2; exit 1; }
twice=$(tar -tzf "$bundle" | sort | uniq -d)
[ -z "$twice" ] || { echo "evidence-check: in the bundle more than once: $twice" >&2; exit 1; }
echo "evidence: $bundle is reproducible and holds no machine path"
