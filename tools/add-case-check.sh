#!/bin/sh
# tools/add-case-check.sh: adding a case is two files.  In a copy of the
# tracked tree (and of build/, so only the new case is compiled), it adds
# cases/zz_added.c and expected/zz_added.out and nothing else, then: make
# builds it, nsxrun passes it, make docs regenerates the catalogues, and
# make docs-check (the declarations against the map and the golden files)
# passes.  The files that changed must be the two and the generated ones.
# make check runs it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() {
	echo "add-case-check: $*" >&2
	exit 1
}
cd "$top"
git ls-files -z | xargs -0 tar -cf - | tar -xf - -C "$t" || fail "cannot copy the tree"
mkdir -p "$t/build"
for d in lib runner cases musl; do
	[ ! -d "$B/$d" ] || cp -a "$B/$d" "$t/build/"
done
cd "$t"
{ git init -q && git add -A && git -c user.name=nsxlate -c user.email=nsxlate@invalid commit -qm base; } ||
	fail "cannot commit the copy"
cat >cases/zz_added.c <<'CASE'
// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zz_added - a task's own number, seen from inside its pid namespace
 * (a case added to prove adding one takes two files).
 *
 * Tasks: top (namespace outer) spawns c, the init of namespace inner.
 *
 *   c: getpid=c
 *     kernel/sys.c getpid(): task_tgid_vnr(current).
 */
#include "nsx.h"

#include <stdio.h>
#include <unistd.h>

static int c_fn(void *arg)
{
	(void)arg;
	NSX_SEND("pid", getpid());
	nsx_park();
}

NSX_CASE(.family = "A task's own numbers and /proc");

int main(void)
{
	nsx_init("top", "outer");
	int c = nsx_spawn("c", "inner", c_fn, NULL);
	printf("c: getpid=%s\n", nsx_name(c, nsx_recv(c, "pid")->v[0]));
	nsx_exit();
}
CASE
printf 'c: getpid=c\n' >expected/zz_added.out
make -s all B=build >make.log 2>&1 || { tail -5 make.log; fail "make all failed with the new case"; }
rm -f make.log
build/runner/nsxrun --out "$t/out" zz_added >"$t/ktap" 2>&1 ||
	{ cat "$t/ktap"; fail "nsxrun did not pass the new case"; }
grep -qx 'ok 1 zz_added' "$t/ktap" || { cat "$t/ktap"; fail "the new case did not pass"; }
rm -rf "$t/out" "$t/ktap"
make -s docs B=build >/dev/null 2>&1 || fail "make docs failed with the new case"
make -s docs-check B=build >/dev/null 2>&1 || fail "make docs-check failed after make docs"
changed=$(git status --porcelain --untracked-files=all -- . ':!build' | awk '{ print $2 }' | sort | paste -sd' ')
want="cases/zz_added.c docs/cases.md docs/semantics.md expected/zz_added.out"
[ "$changed" = "$want" ] || fail "adding a case changed: $changed (expected: $want)"
git add -A
named=$(git grep -l zz_added -- . ':!build' ':!tools/add-case-check.sh' | sort | paste -sd' ')
for f in $named; do
	case " $want " in *" $f "*) ;; *) fail "the new case is named in $f" ;; esac
done
echo "add-case-check: a case added as two files builds, passes and is in the generated docs; nothing else changed"
