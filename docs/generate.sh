#!/bin/sh
# docs/generate.sh [--check]: the generated documents, from the cases'
# NSX_CASE() declarations (build/runner/nsxrun --meta: run make first), their
# headers and golden files, and the KTAP records in docs/ktap/:
# docs/semantics.md, docs/cases.md, docs/findings.md.  Writes them (make
# docs), or with --check says which differs from what it would write and
# exits 1 (make docs-check, in make check), after docs/catalogue.py check
# and scope (every mutant has cases expected to catch it).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
B=${B:-build}
command -v python3 >/dev/null || { echo "docs: python3 is needed (apt-get install python3)" >&2; exit 1; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
NSXRUN=$B/runner/nsxrun
[ -x "$NSXRUN" ] || { echo "docs: no $NSXRUN: run make first" >&2; exit 1; }
"$NSXRUN" --meta >"$t/meta.json"
python3 docs/catalogue.py check "$t/meta.json"
# every mutant's header names rows or a family some case pins
python3 docs/catalogue.py scope "$t/meta.json" >/dev/null
python3 docs/catalogue.py semantics "$t/meta.json" >"$t/semantics.md"
python3 docs/catalogue.py cases "$t/meta.json" >"$t/cases.md"
python3 docs/catalogue.py findings "$t/meta.json" >"$t/findings.md"
rc=0
for f in semantics.md cases.md findings.md; do
	if [ "${1:-}" = --check ]; then
		cmp -s "$t/$f" "docs/$f" && continue
		diff -u "docs/$f" "$t/$f" | head -20
		echo "docs: docs/$f is not what make docs writes: run make docs" >&2
		rc=1
	else
		cmp -s "$t/$f" "docs/$f" || { cp "$t/$f" "docs/$f" && echo "docs: wrote docs/$f"; }
	fi
done
exit $rc
