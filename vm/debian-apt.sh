#!/bin/sh
# vm/debian-apt.sh CACHE SUITE apt-get|apt-cache ARGS...: apt for one Debian
# suite (sid, experimental, bookworm-backports) through a private sources
# list, lists and cache under CACHE/apt/SUITE.  The machine's own apt
# configuration, lists and installed packages are neither read nor changed:
# nothing is installed, and the callers only `download` and unpack.  The
# lists are fetched on first use and again when older than a day (or when
# asked: NSX_APT_UPDATE=1).  Bookworm's own kernel series (6.1, 6.12) do
# not come through this script: they are the machine's suite, read with its
# own apt.  bookworm-backports serves a newer qemu (vm/qemu.sh).
set -eu
cache=${1:?usage: debian-apt.sh CACHE SUITE apt-get|apt-cache ARGS...}
suite=${2:?usage: debian-apt.sh CACHE SUITE apt-get|apt-cache ARGS...}
tool=${3:?usage: debian-apt.sh CACHE SUITE apt-get|apt-cache ARGS...}
shift 3
case $suite in sid | experimental | bookworm-backports) ;; *)
	echo "vm: debian-apt.sh: suite $suite is not sid, experimental or bookworm-backports" >&2
	exit 2
	;;
esac
case $tool in apt-get | apt-cache) ;; *)
	echo "vm: debian-apt.sh: $tool is not apt-get or apt-cache" >&2
	exit 2
	;;
esac
mkdir -p "$cache/apt/$suite"
d=$(cd "$cache/apt/$suite" && pwd)
mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/etc/parts" "$d/etc/prefs"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] || {
	echo "vm: no $keyring (apt-get install debian-archive-keyring)" >&2
	exit 1
}
# Experimental holds only what differs from sid: its packages need sid's
# lists beside them.  bookworm-backports' are read alone (vm/qemu.sh takes
# three packages from it, nothing they depend on).
case $suite in
bookworm-backports) echo "deb [signed-by=$keyring] http://deb.debian.org/debian bookworm-backports main" ;;
*)
	echo "deb [signed-by=$keyring] http://deb.debian.org/debian sid main"
	[ "$suite" = sid ] || echo "deb [signed-by=$keyring] http://deb.debian.org/debian experimental main"
	;;
esac >"$d/etc/sources.list"
: >"$d/status"
user=$(id -un)
opts="-o Dir::Etc::sourcelist=$d/etc/sources.list -o Dir::Etc::sourceparts=$d/etc/parts \
 -o Dir::State::Lists=$d/lists -o Dir::Cache=$d/cache -o Dir::State::status=$d/status \
 -o Dir::Etc::preferences=$d/etc/prefs/none -o Dir::Etc::preferencesparts=$d/etc/prefs \
 -o APT::Sandbox::User=$user -o Debug::NoLocking=1"
stamp=$d/lists/.nsx-updated
if [ ! -f "$stamp" ] || [ "${NSX_APT_UPDATE:-0}" = 1 ] ||
	[ -n "$(find "$stamp" -mmin +1440 2>/dev/null)" ]; then
	echo "vm: apt-get update of the $suite lists (private, under $d)" >&2
	# --error-on=any: a list not fetched is a failure, not stale lists
	# stamped fresh for a day.
	# shellcheck disable=SC2086 # $opts is a list of options
	apt-get -q --error-on=any $opts update >"$d/update.log" 2>&1 ||
		{ cat "$d/update.log" >&2; echo "vm: apt-get update of $suite failed" >&2; exit 1; }
	touch "$stamp"
fi
# shellcheck disable=SC2086
exec "$tool" $opts "$@"
