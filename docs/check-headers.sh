#!/bin/sh
# docs/check-headers.sh: every task and pid namespace a case names in its
# code (nsx_init(), nsx_spawn*() with literal names) and every namespace its
# golden file prints after an "@" (<task>@<namespace>: a number read in the
# wrong namespace) appears in the case's header comment, the text that says
# what the golden lines mean.  `make docs-check` (in make check) runs it.
set -u
cd "$(dirname "$0")/.." || exit 1
bad=0
for c in cases/*.c; do
	name=$(basename "$c" .c)
	header=$(sed -n '1,/\*\//p' "$c")
	words=$(
		{
			grep -o 'nsx_spawn[a-z_]*("[^"]*", *"[^"]*"' "$c" | sed 's/.*("\([^"]*\)", *"\([^"]*\)"/\1 \2/'
			grep -o 'nsx_spawn[a-z_]*("[^"]*", *NULL' "$c" | sed 's/.*("\([^"]*\)".*/\1/'
			grep -o 'nsx_init("[^"]*", *"[^"]*"' "$c" | sed 's/.*("\([^"]*\)", *"\([^"]*\)"/\1 \2/'
			[ ! -f "expected/$name.out" ] ||
				grep -o '[A-Za-z][A-Za-z0-9_]*@[A-Za-z][A-Za-z0-9_]*' "expected/$name.out" | sed 's/.*@//'
		} | tr ' ' '\n' | sort -u
	)
	for w in $words; do
		printf '%s\n' "$header" | grep -q "\(^\|[^A-Za-z0-9_-]\)$w\([^A-Za-z0-9_-]\|$\)" && continue
		echo "$c: the header never names '$w' (a task or namespace the case or its golden file names)"
		bad=1
	done
done
[ "$bad" = 0 ] || echo "make: a case header does not name what its golden lines print: say in it what each name is" >&2
exit $bad
