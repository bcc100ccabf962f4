#!/bin/sh
# review/series.sh SERIES KSRC OUT: the patch series SERIES as numbered
# patches, OUT/0001.patch, OUT/0002.patch, ..., and OUT/subjects (one line a
# patch: its subject, "[PATCH n/m]" dropped, or its file name when it has
# none).  SERIES is one of:
#
#   A..B        a git range of the repository KSRC (git format-patch A..B);
#               OUT/range holds "A's commit B's commit" (review.sh builds the
#               trees at those commits)
#   <mbox>      a file of mails (git format-patch's, a mailing list's
#               archive: split with git mailinfo/mailsplit), or one plain diff
#   <directory> its *.patch and *.diff files, in name order
#
# A series with no patch, or a patch with no diff in it, is an error that
# names it.  Writes nothing outside OUT.
set -eu
series=${1:?usage: series.sh SERIES KSRC OUT}
ksrc=${2:?usage: series.sh SERIES KSRC OUT}
out=${3:?usage: series.sh SERIES KSRC OUT}
die() {
	echo "review: $*" >&2
	exit 1
}
command -v git >/dev/null || die "git is needed to read a series (apt-get install git)"
rm -rf "$out" && mkdir -p "$out"

# The subject of one mail or patch file: its Subject: header, unfolded,
# "[PATCH ...]" dropped; else the name of the file it came from ($2).
subject() {
	s=$(git mailinfo -b /dev/null /dev/null <"$1" 2>/dev/null | sed -n 's/^Subject: //p' | head -n 1)
	[ -n "$s" ] || s=$(basename "$2")
	printf '%s\n' "$s"
}

n=0
add() { # add FILE: the next patch of the series
	n=$((n + 1))
	p=$out/$(printf '%04d' "$n").patch
	cp "$1" "$p"
	grep -q '^+++ ' "$p" || die "$2: no diff in it"
	subject "$p" "$1" >>"$out/subjects"
}

if [ -d "$series" ]; then
	for f in "$series"/*.patch "$series"/*.diff; do
		[ ! -f "$f" ] || printf '%s\n' "$f"
	done | LC_ALL=C sort >"$out/.list"
	while IFS= read -r f; do add "$f" "$f"; done <"$out/.list"
	rm -f "$out/.list"
elif [ -f "$series" ]; then
	if head -n 1 "$series" | grep -q '^From '; then
		mkdir "$out/.mails"
		git mailsplit -o"$out/.mails" "$series" >/dev/null || die "$series: not a mailbox git mailsplit can read"
		for f in "$out"/.mails/*; do
			[ -f "$f" ] || continue
			add "$f" "$series, mail $(basename "$f" | sed 's/^0*//')"
		done
		rm -rf "$out/.mails"
	else
		add "$series" "$series"
	fi
else
	case $series in
	*..*) ;;
	*) die "SERIES=$series: not a directory, a file, or a git range A..B" ;;
	esac
	git -C "$ksrc" rev-parse --git-dir >/dev/null 2>&1 || die "SERIES=$series is a git range, but KSRC=$ksrc is not a git repository"
	a=$(git -C "$ksrc" rev-parse --verify -q "${series%%..*}^{commit}") || die "SERIES=$series: no commit ${series%%..*} in $ksrc"
	b=$(git -C "$ksrc" rev-parse --verify -q "${series##*..}^{commit}") || die "SERIES=$series: no commit ${series##*..} in $ksrc"
	mkdir "$out/.fp"
	git -C "$ksrc" format-patch -q --no-stat --no-signature -o "$out/.fp" "$a..$b" >/dev/null
	for f in "$out"/.fp/*.patch; do
		[ -f "$f" ] || continue
		add "$f" "$series, $(basename "$f")"
	done
	rm -rf "$out/.fp"
	echo "$a $b" >"$out/range"
fi
[ "$n" -gt 0 ] || die "SERIES=$series holds no patch"
