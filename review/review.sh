#!/bin/sh
# review/review.sh: make review KSRC=<kernel tree> SERIES=<A..B | mbox | dir>
# (review/README.md).  Builds a kernel from the tree before the series and
# one after it, boots each under qemu with the whole suite in both passes,
# and writes the review: the golden-line differences between the two, the
# translation sites the series touches and what guards them.  Everything
# goes under B/review/; the report is printed and kept as
# B/review/report.txt, the evidence (with make evidence's bundle of each
# kernel) as B/review/nsxlate-review.tar.gz.
#
# Trees, kept warm for the next series on the same KSRC (never written):
#   KSRC a git repository: a clone reading its objects (git clone --shared:
#     any commit of KSRC, now or later, is there) checked out at A (or at
#     KSRC's HEAD, for patches), and a copy of it checked out at B (or at
#     the same commit, with the patches' files written);
#   KSRC a tree: a hard-linked copy of it, and a copy of that in which only
#     the files the series touches (this series or the last) are written,
#     and only when their text differs.
# The tree after starts from the objects of the tree before, so its build
# compiles what the series changes and links.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
B=${B:-build}
case $B in /*) ;; *) B=$top/$B ;; esac
die() {
	echo "review: $*" >&2
	exit 1
}
[ -n "${KSRC:-}" ] || die "name a kernel tree: make review KSRC=<tree> SERIES=<A..B | mbox | directory>"
[ -n "${SERIES:-}" ] || die "name a series: make review KSRC=$KSRC SERIES=<A..B | mbox | directory>"
[ -d "$KSRC" ] || die "KSRC=$KSRC: no such directory"
[ -x "$B/runner/nsxrun" ] || die "no $B/runner/nsxrun: run make first"
ksrc=$(cd "$KSRC" && pwd)
R=$B/review
key=$(printf '%s' "$ksrc" | cksum | cut -d' ' -f1)
T=$R/trees/$key
W=$R/work
mkdir -p "$T"
rm -rf "$W" && mkdir -p "$W"
started=$(date +%s)
step() { echo "review: $* ($(($(date +%s) - started)) s)"; }

"$here/series.sh" "$SERIES" "$ksrc" "$W/series"
n=$(wc -l <"$W/series/subjects")
step "$n patch(es) in the series"

# $T/before and $T/after: the two trees, each with its objects in
# nsx-obj/, one level below it, where kbuild names the source tree "..":
# the two trees' build commands are then the same text, and the tree after
# starts from a copy of the objects before (only what the series changes is
# rebuilt).  The sources of a copy are hard links (git checkout and the sync
# below replace a file, never write into it); the objects are real copies
# (the compiler writes into its output file).
# The kernel's own objects name the source tree "..", but the tools'
# (objtool's: tools/objtool) name their paths in full: the copy's text
# files there are made to name the copy, or objtool can be built again,
# and with it every object it checks (seen on 6.1 with a KSRC that is no
# git repository: 601 s for the tree after instead of 21 s).
copy_tree() { # copy_tree FROM TO
	mkdir -p "$2"
	(cd "$1" && find . -mindepth 1 -maxdepth 1 ! -name nsx-obj -exec cp -al {} "$2/" \;)
	[ -d "$1/nsx-obj" ] || return 0
	cp -a "$1/nsx-obj" "$2/nsx-obj"
	[ ! -d "$2/nsx-obj/tools" ] || grep -rlIF "$1/" "$2/nsx-obj/tools" | while IFS= read -r f; do
		t=$(stat -c %Y "$f")
		FROM=$1/ TO=$2/ perl -pi -e 's/\Q$ENV{FROM}\E/$ENV{TO}/g' "$f"
		touch -d "@$t" "$f"
	done
}
a='' b=''
[ ! -f "$W/series/range" ] || read -r a b <"$W/series/range"
# A KSRC that is a git repository (its top) is read through git: the tree
# before is a clone checked out at A, or at KSRC's HEAD for patches (so
# KSRC's uncommitted changes would be left out: they are refused).
git=''
if [ "$(git -C "$ksrc" rev-parse --show-toplevel 2>/dev/null)" = "$ksrc" ]; then
	git=1
	if [ -z "$a" ]; then
		[ -z "$(git -C "$ksrc" status --porcelain --untracked-files=no)" ] ||
			die "KSRC=$ksrc has uncommitted changes: commit or stash them (the tree before is its HEAD)"
		a=$(git -C "$ksrc" rev-parse HEAD)
	fi
fi
if [ ! -f "$T/before/Makefile" ]; then
	rm -rf "$T/before" "$T/after"
	if [ -n "$git" ]; then
		step "a clone of $ksrc reading its objects (git clone --shared)"
		git clone -q --shared --no-checkout "$ksrc" "$T/before"
		echo /nsx-obj/ >>"$T/before/.git/info/exclude"
	else
		step "a hard-linked copy of $ksrc"
		copy_tree "$ksrc" "$T/before"
	fi
fi
[ -z "$git" ] || [ -d "$T/before/.git" ] || die "$T holds a copy of a tree that was no git repository: remove it"
[ -n "$git" ] || [ ! -d "$T/before/.git" ] || die "$T holds a clone of a tree that was a git repository: remove it"
# git checkout -f rewrites every file whose stat the index does not match,
# and making hard links changes a file's ctime: the index is refreshed
# first (a content check), so only files that differ are written, and
# only they are rebuilt.
checkout() { # checkout TREE COMMIT
	git -C "$1" update-index -q --refresh >/dev/null || true
	git -C "$1" checkout -q -f --detach "$2" || die "cannot check out $2 in $1"
}
if [ -n "$git" ]; then
	checkout "$T/before" "$a"
fi
# A review stopped while the tree after held the site mutants
# (review/mutate.sh): its own text back first.
if [ -d "$T/mutate-orig" ]; then
	while IFS= read -r f; do
		rm -f "$T/after/$f" && cp "$T/mutate-orig/$f" "$T/after/$f"
	done <"$T/mutate-orig/.nsx-put"
	rm -f "$T/after/include/linux/nsx_site.h" "$T/after/kernel/nsx_site.c" "$T/after/kernel/nsx_site_count.h"
	rm -rf "$T/mutate-orig"
fi
if [ -n "$b" ]; then
	git -C "$ksrc" diff --name-only "$a" "$b" >"$W/files"
else
	# The files the patches touch (either name of a rename).
	sed -n 's|^--- a/||p; s|^+++ b/||p' "$W"/series/*.patch | sed 's/\t.*//' | grep -vx /dev/null | sort -u >"$W/files"
fi

version() { make -s -C "$1" kernelversion 2>/dev/null || echo unknown; }
build() { # build SIDE: the kernel of $T/SIDE; its bzImage's path
	step "building the kernel $1 the series (out of tree: $T/$1/nsx-obj)" >&2
	image=$("$top/vm/build-kernel.sh" "$T/$1" "$T/$1/nsx-obj") ||
		die "the kernel $1 the series does not build (log: $T/$1/nsx-obj/build.log)"
	printf '%s\n' "$image" | tail -n 1
}
image_before=$(build before)

if [ ! -f "$T/after/Makefile" ]; then
	step "the tree after the series: a copy of the tree before, with its objects"
	copy_tree "$T/before" "$T/after"
	: >"$T/after.files"
fi
if [ -n "$git" ]; then
	checkout "$T/after" "${b:-$a}"
fi
if [ -z "$b" ]; then
	# The touched files as the series makes them, in a scratch directory.
	st=$W/stage
	mkdir -p "$st"
	while IFS= read -r f; do
		[ ! -f "$T/before/$f" ] || { mkdir -p "$st/$(dirname "$f")" && cp "$T/before/$f" "$st/$f"; }
	done <"$W/files"
	i=0
	while IFS= read -r s; do
		i=$((i + 1))
		p=$W/series/$(printf '%04d' "$i").patch
		(cd "$st" && git apply -p1 --whitespace=nowarn "$p") ||
			die "patch $i/$n ($s) does not apply to $ksrc"
	done <"$W/series/subjects"
	# Into the tree after, what differs: this series' files, and the last
	# series' (back to the tree's text).  rm first: a file of the copy may
	# be the tree before's, or KSRC's, own inode.
	sort -u "$W/files" "$T/after.files" | while IFS= read -r f; do
		if grep -qxF "$f" "$W/files"; then
			want=$st/$f # this series' text, or none if it deletes the file
		else
			want=$T/before/$f # the last series', back to the tree's
		fi
		if [ -f "$want" ]; then
			cmp -s "$want" "$T/after/$f" 2>/dev/null && continue
			rm -f "$T/after/$f"
			mkdir -p "$T/after/$(dirname "$f")"
			cp "$want" "$T/after/$f"
		else
			rm -f "$T/after/$f"
		fi
	done
	cp "$W/files" "$T/after.files"
fi
image_after=$(build after)
echo "$(version "$T/before") $(version "$T/after")" >"$W/kernel"

for side in before after; do
	image=$image_before
	[ "$side" = before ] || image=$image_after
	step "booting the kernel $side the series"
	KSRC='' B=$B KERNEL=$image NSX_VM_KTAP=$W/$side.ktap "$top/vm/run.sh" >"$W/$side.vm" 2>&1 || true
	[ -s "$W/$side.ktap" ] || { tail -20 "$W/$side.vm" >&2; die "the kernel $side the series gave no report ($W/$side.vm)"; }
	tail -n 1 "$W/$side.vm" | sed "s/^/review: $side: /"
done

step "the translation sites in the touched files (Coccinelle)"
"$here/sites.sh" "$T/before" "$T/after" "$W/files" "$W/sites"
step "the site mutants the series adds or changes, on the kernel after it"
B=$B "$here/mutate.sh" "$T" "$W" || {
	: >"$W/sites/mutate.failed"
	step "the site mutants did not run to the end: the report says so"
}
"$B/runner/nsxrun" --meta >"$W/meta.json"
python3 "$here/report.py" "$W" >"$W/report.txt"
cp "$W/report.txt" "$R/report.txt"

# The evidence: the report, the series, each kernel's KTAP and make
# evidence's bundle of it (tools/evidence.sh: SUMMARY.md, the diffs, the
# config options), the sites and the site mutants' verdicts.
E=$R/nsxlate-review
rm -rf "$E" && mkdir -p "$E"
cp -r "$W/series" "$E/series"
cp "$W/report.txt" "$W/before.ktap" "$W/after.ktap" "$E/"
for side in before after; do
	"$top/tools/evidence.sh" "$B" "$W/$side.ktap" "$T/$side/nsx-obj/.config" "$W/evidence-$side" ||
		die "tools/evidence.sh failed on the kernel $side the series"
	cp -r "$W/evidence-$side/nsxlate-evidence" "$E/evidence-$side"
done
cp "$W/sites/before.sites" "$W/sites/after.sites" "$W/sites/changed" "$W/sites/verdicts" "$E/"
grep -rlF -e "$ksrc" -e "$top/" "$E" | while IFS= read -r f; do
	sed "s|$B/|build/|g; s|$top/||g; s|$ksrc|KSRC|g" "$f" >"$f.tmp" && mv "$f.tmp" "$f"
done
"$top/tools/bundle.sh" "$R" nsxlate-review
cat "$W/report.txt"
step "report: $R/report.txt; evidence: $R/nsxlate-review.tar.gz"
