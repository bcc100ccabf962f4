#!/bin/sh
# tools/need-packages.sh WHAT LOG PKG=TEST...: make sure Debian packages are
# there.  Each argument names a package and a shell test that succeeds when
# what it provides is present (`strace=command -v strace`).  Missing ones are
# installed with apt-get as root (apt-get update only when the first try
# fails), the output kept in LOG; as another user one line names them and the
# script fails.  WHAT says who needs them, for that line.
set -u
what=$1 log=$2
shift 2
missing=
for arg; do
	pkg=${arg%%=*} test=${arg#*=}
	sh -c "$test" >/dev/null 2>&1 || missing="$missing $pkg"
done
missing=${missing# }
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
	echo "$what: missing Debian packages: $missing (as root: apt-get install $missing)" >&2
	exit 1
fi
echo "$what: installing $missing with apt-get" >&2
mkdir -p "$(dirname "$log")"
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # one word per package
{ apt-get install -y -q --no-install-recommends $missing ||
	{ apt-get update -q && apt-get install -y -q --no-install-recommends $missing; }; } \
	>"$log" 2>&1 || { tail -20 "$log" >&2; echo "$what: apt-get install $missing failed (log: $log)" >&2; exit 1; }
