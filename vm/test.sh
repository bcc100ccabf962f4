#!/bin/sh
# vm/test.sh: how make vm picks its qemu and TCG threading, without a boot
# or the archive (make check): vm/tcg-thread.sh's line at qemu 8.1 and its
# override; vm/qemu.sh takes an installed qemu of 8.1 or later as it is,
# NSX_QEMU as told, and under an older one the backport unpacked before
# while the lists are fresh.  Fake qemus print a version line.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() {
	echo "vm-test: $*" >&2
	exit 1
}
fake() { # DIR VERSION-LINE: DIR/qemu-system-x86_64 printing that line
	mkdir -p "$1"
	printf '#!/bin/sh\necho "%s"\n' "$2" >"$1/qemu-system-x86_64"
	chmod +x "$1/qemu-system-x86_64"
}
is() { # WHAT GOT WANT
	[ "$2" = "$3" ] || fail "$1: '$2', not '$3'"
}

# The line at 8.1, and the override.
for v in "7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3) single" "8.0.4 single" "8.1.0 multi" \
	"9.2.3 multi" "10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1) multi"; do
	want=${v##* } ver=${v% *}
	fake "$t/q" "QEMU emulator version $ver"
	is "qemu $ver" "$(NSX_TCG_THREAD='' "$here/tcg-thread.sh" "$t/q/qemu-system-x86_64")" "$want"
done
fake "$t/q" "something else"
is "no version line" "$(NSX_TCG_THREAD='' "$here/tcg-thread.sh" "$t/q/qemu-system-x86_64" 2>/dev/null)" single
is "NSX_TCG_THREAD=multi" "$(NSX_TCG_THREAD=multi "$here/tcg-thread.sh" "$t/q/qemu-system-x86_64")" multi
! NSX_TCG_THREAD=bogus "$here/tcg-thread.sh" "$t/q/qemu-system-x86_64" 2>/dev/null || fail "NSX_TCG_THREAD=bogus passed"
! NSX_TCG_THREAD='' "$here/tcg-thread.sh" "$t/none" 2>/dev/null || fail "a qemu that is not there passed"

# vm/qemu.sh: an installed qemu of 8.1 or later as it is, whatever
# NSX_TCG_THREAD says; NSX_QEMU as told (a command made absolute).
fake "$t/new" "QEMU emulator version 10.0.2"
fake "$t/old" "QEMU emulator version 7.2.22"
pick() { # PATH-DIR [VAR=VALUE...]: what vm/qemu.sh prints
	d=$1
	shift
	env PATH="$d:$PATH" NSX_QEMU='' NSX_APT_UPDATE=0 "$@" "$here/qemu.sh" "$t/cache" "$t/qemu"
}
is "installed 10.0.2" "$(pick "$t/new")" "$t/new/qemu-system-x86_64"
is "installed 10.0.2, NSX_TCG_THREAD=single" "$(pick "$t/new" NSX_TCG_THREAD=single)" "$t/new/qemu-system-x86_64"
is "NSX_QEMU=installed under 7.2" "$(pick "$t/old" NSX_QEMU=installed)" "$t/old/qemu-system-x86_64"
is "NSX_QEMU=<relative command>" "$(cd "$t" && pick "$t/old" NSX_QEMU=new/qemu-system-x86_64)" "$t/new/qemu-system-x86_64"
! pick "$t/old" NSX_QEMU="$t/none" 2>/dev/null || fail "NSX_QEMU=<nothing> passed"
[ ! -e "$t/qemu" ] || fail "vm/qemu.sh made $t/qemu for an installed qemu"
# Under 7.2, the backport unpacked before, while the lists are fresh.
fake "$t/qemu/1_10.0.2/bin" "QEMU emulator version 10.0.2"
ln -s 1_10.0.2 "$t/qemu/current"
mkdir -p "$t/cache/apt/bookworm-backports/lists"
touch "$t/cache/apt/bookworm-backports/lists/.nsx-updated"
is "7.2, a backport unpacked" "$(pick "$t/old")" "$t/qemu/current/bin/qemu-system-x86_64"
is "7.2, a backport unpacked, NSX_TCG_THREAD=multi" "$(pick "$t/old" NSX_TCG_THREAD=multi)" \
	"$t/qemu/current/bin/qemu-system-x86_64"
echo "vm-test: the TCG threading of qemu 7.2, 8.0, 8.1, 9.2 and 10.0, its override; qemu.sh's choice of an installed qemu, NSX_QEMU and a backport unpacked before"
