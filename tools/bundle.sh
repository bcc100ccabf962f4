#!/bin/sh
# tools/bundle.sh DIR NAME: the directory DIR/NAME as DIR/NAME.tar.gz,
# reproducible (names sorted, dates and owners zeroed, modes whatever the
# umask, gzip without a name or a date): make evidence's bundle
# (tools/evidence.sh) and make review's (review/review.sh).  Written to a
# file, not a pipe, so a failure of tar or gzip is the script's.
set -eu
d=${1:?usage: tools/bundle.sh DIR NAME}
n=${2:?usage: tools/bundle.sh DIR NAME}
[ -d "$d/$n" ] || {
	echo "bundle: no directory $d/$n" >&2
	exit 1
}
rm -f "$d/$n.tar" "$d/$n.tar.gz"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --mode=u+rwX,go+rX,go-w \
	-C "$d" -cf "$d/$n.tar" "$n"
gzip -n "$d/$n.tar"
