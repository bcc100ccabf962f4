#!/bin/sh
# mutants/sites/schema.sh PRISTINE SCHEMA OBJ: add a site mutant at every call
# of the pid and uid translation helpers in the C files the base's kernel
# compiles (those with an object in OBJ) to the schema in SCHEMA (the
# directory mutants/schema.py wrote: a file it already changed is taken from
# there, any other from PRISTINE).  Writes SCHEMA/.nsx-sites (number.py's
# table), the selector (mutants/sites/kernel/), kernel/Makefile building it,
# and adds every file it wrote to SCHEMA/.nsx-files.  See README.md.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
pristine=${1:?usage: schema.sh PRISTINE SCHEMA OBJ}
schema=${2:?usage: schema.sh PRISTINE SCHEMA OBJ}
obj=${3:?usage: schema.sh PRISTINE SCHEMA OBJ}
command -v spatch >/dev/null || { echo "sites: no spatch (apt-get install coccinelle)" >&2; exit 1; }
helpers='\b(task_(pid|tgid|pgrp|session)_vnr|pid_vnr|task_(pid|tgid|pgrp|session|ppid)_nr_ns|__task_pid_nr_ns|pid_nr_ns|from_k[ug]id(_munged)?|make_k[ug]id)\('

# The compiled C files that call a helper (the kernel's objects, not its
# build tools'), in a fixed order: the sites' numbers follow it.
list=$schema/.nsx-sites-files
(cd "$obj" && find . -name '*.o' ! -name '*.mod.o' ! -path './tools/*' ! -path './scripts/*' \
	! -path './arch/x86/boot/*' | sed 's|^\./||; s|\.o$|.c|') | sort | while IFS= read -r f; do
	if [ -f "$pristine/$f" ] && grep -Eq "$helpers" "$pristine/$f"; then echo "$f"; fi
done >"$list"
[ -s "$list" ] || { echo "sites: no compiled file in $obj calls a helper" >&2; exit 1; }

while IFS= read -r f; do
	if [ ! -f "$schema/$f" ]; then
		mkdir -p "$schema/$(dirname "$f")"
		cp "$pristine/$f" "$schema/$f"
	fi
done <"$list"
# Coccinelle, two files at a time; a file it cannot parse keeps fewer sites
# (number.py counts what was written).  A function whose goto-laden control
# flow spatch calls "reachable by inconsistent control-flow paths" (7.2's
# binder_thread_read()) is done again with --allow-inconsistent-paths, said:
# the rules rewrite one call at a time, each the same way on every path, so
# the check guards nothing they do.
# shellcheck disable=SC2016 # the inner script's own variables
xargs -P "$(nproc)" -n 8 sh -c 'for f; do
	if ! spatch --very-quiet --timeout 300 --sp-file "$0" --in-place "$f" >/dev/null 2>"$f.spatch-err"; then
		grep -q "reachable by inconsistent control-flow paths" "$f.spatch-err" &&
			echo "sites: $f: $(grep -o "in [a-z_0-9]* reachable by inconsistent control-flow paths" "$f.spatch-err" | head -n 1): spatch again with --allow-inconsistent-paths" >&2 &&
			spatch --very-quiet --timeout 300 --allow-inconsistent-paths --sp-file "$0" --in-place "$f" >/dev/null 2>"$f.spatch-err" ||
			{ echo "sites: spatch failed on $f:" >&2; cat "$f.spatch-err" >&2; exit 1; }
	fi
	rm -f "$f.spatch-err"
done' "$here/sites.cocci" <<EOF
$(sed "s|^|$schema/|" "$list")
EOF
# shellcheck disable=SC2046 # the list's paths, one word each
python3 "$here/number.py" "$schema" "$schema/.nsx-sites" $(cat "$list")
n=$(wc -l <"$schema/.nsx-sites")
printf '#define NSX_NSITES %d\n' "$n" >"$schema/kernel/nsx_site_count.h"
cp "$here/kernel/include/linux/nsx_site.h" "$schema/include/linux/nsx_site.h"
cp "$here/kernel/kernel/nsx_site.c" "$schema/kernel/nsx_site.c"
[ -f "$schema/kernel/Makefile" ] || cp "$pristine/kernel/Makefile" "$schema/kernel/Makefile"
printf '\n# nsxlate'"'"'s site mutants\nobj-y += nsx_site.o\n' >>"$schema/kernel/Makefile"
{
	cat "$schema/.nsx-files" "$list"
	printf '%s\n' kernel/nsx_site_count.h include/linux/nsx_site.h kernel/nsx_site.c kernel/Makefile
} | sort -u >"$schema/.nsx-files.tmp"
mv "$schema/.nsx-files.tmp" "$schema/.nsx-files"
rm -f "$list"
