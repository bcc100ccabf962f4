#!/bin/sh
# vm/initramfs.sh BUILD OUT.cpio: the guest's root file system (uncompressed).
# It holds the suite exactly as `make run` builds it (BUILD/runner/nsxrun,
# BUILD/cases/*, the getpid-cache shim), expected/, the guest's /init
# (vm/guest-init), busybox-static for the init's shell and mounts, GNU diff
# (the runner's comparison), util-linux setpriv (the unprivileged pass) and
# e2fsprogs' mkfs.ext4 (ext4_journal_task), and the modules NSX_VM_MODULES
# holds.
# Binaries stay dynamically linked, as on the host: every ELF brings its
# PT_INTERP and the libraries it needs (glibc's, and musl's loader, which is
# also its libc), so the musl case and the LD_PRELOAD shim run as they do
# natively.  Runner arguments for the guest come from NSX_VM_ARGS (shell
# words, as typed after `nsxrun`), the kernel's description from NSX_VM_META.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=${1:?usage: initramfs.sh BUILD OUT.cpio}
out=${2:?usage: initramfs.sh BUILD OUT.cpio}
# Two archives, concatenated (the kernel unpacks one after the other): the
# suite, the same for every kernel and run, made again only when a file that
# goes in changed (by size and time); and this run's own: the runner's
# arguments, the kernel's description and its modules.
suite=$out.suite
key=$(
	{
		printf '%s\n' "${NSX_VM_APPEND:-}"
		cd "$top" && ls -lLR --time-style=+%s.%N "$build/runner/nsxrun" "$build/cases" "$build/lib" \
			"$build/runner/tests" "$build/vm/install" "$build/fuzz" expected vm/guest-init vm/initramfs.sh \
			/bin/busybox /lib/x86_64-linux-gnu/libc.so.6 \
			"$(command -v diff)" "$(command -v setpriv)" 2>/dev/null
	} | cksum
)
# Staging trees of this run's own, the archives replaced by rename (vm/run.sh
# also holds a lock around its whole guest run).
run=$(mktemp -d "$out.r.XXXXXX")
root=''
trap 'rm -rf "$run" ${root:+"$root"} "$out.tmp.$$" "$suite.tmp.$$"' EXIT
mkdir -p "$run/nsx"
printf '%s\n' "${NSX_VM_ARGS:-}" >"$run/nsx/args"
printf '%s\n' "${NSX_VM_META:-}" >"$run/nsx/meta"
# make mutants' plan for a kernel with mutant schemata (vm/guest-init)
[ -z "${NSX_VM_PLAN:-}" ] || cp "$NSX_VM_PLAN" "$run/nsx/plan"
# Modules for the guest to load (NSX_VM_MODULES: a directory of .ko files,
# vm/debian-kernel.sh's for a Debian kernel; none for one vm/build-kernel.sh built).
if [ -n "${NSX_VM_MODULES:-}" ] && [ -d "$NSX_VM_MODULES" ]; then
	mkdir -p "$run/nsx/modules"
	cp "$NSX_VM_MODULES"/*.ko "$NSX_VM_MODULES"/ORDER "$run/nsx/modules/" 2>/dev/null || true
fi
cpio_of() { # dir: an uncompressed newc archive on stdout (nothing to
	# compress on the host, nothing for the guest kernel to decompress
	# under TCG)
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0)
}
if [ -f "$suite" ] && [ "$(cat "$suite.key" 2>/dev/null)" = "$key" ]; then
	{ cat "$suite" && cpio_of "$run"; } >"$out.tmp.$$"
	mv "$out.tmp.$$" "$out"
	exit 0
fi
rm -f "$suite.key"
root=$(mktemp -d "$out.d.XXXXXX")
chmod 755 "$root" # the guest's /: mktemp makes it 0700, and uid 65534 runs there too
mkdir -p "$root"/bin "$root"/usr/bin "$root"/nsx/runner "$root"/nsx/cases "$root"/nsx/lib \
	"$root"/proc "$root"/sys "$root"/dev "$root"/tmp "$root"/etc

# Copy a file to the same path under the root (symlinks followed).
put() {
	mkdir -p "$root$(dirname "$2")"
	cp -L "$1" "$root$2"
}
# An ELF and what it needs to run: its loader and, for glibc, what ldd finds.
elf() {
	interp=$(readelf -lW "$1" 2>/dev/null | sed -n 's/.*program interpreter: \(.*\)]$/\1/p')
	[ -n "$interp" ] || return 0 # static
	[ -e "$root$interp" ] || put "$interp" "$interp"
	case $interp in
	*ld-musl*) return 0 ;; # musl's loader is its libc too
	esac
	ldd "$1" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p' | while IFS= read -r lib; do
		[ -e "$root$lib" ] || put "$lib" "$lib"
	done
}

# The suite, at the paths the runner and the cases expect relative to each other.
cp "$build/runner/nsxrun" "$root/nsx/runner/"
elf "$build/runner/nsxrun"
for c in "$build"/cases/*; do
	case $c in *.*) continue ;; esac
	{ [ -f "$c" ] && [ -x "$c" ]; } || continue
	cp "$c" "$root/nsx/cases/"
	elf "$c"
done
for so in "$build"/lib/*.so; do
	[ -f "$so" ] || continue
	cp "$so" "$root/nsx/lib/"
	elf "$so"
done
cp -r "$top/expected" "$root/nsx/expected"
# The runner's test program, whose fork-bomb fixture the containment check
# runs (nsx.test=containment in NSX_VM_APPEND: it brings libxml2 and ICU's
# 30 MB of data, which every other boot would unpack for nothing).
case " ${NSX_VM_APPEND:-} " in *" nsx.test=containment "*) with_tests=1 ;; *) with_tests=0 ;; esac
if [ "$with_tests" = 1 ] && [ -x "$build/runner/tests/test_runner" ]; then
	mkdir -p "$root/nsx/tests"
	cp "$build/runner/tests/test_runner" "$root/nsx/tests/"
	elf "$build/runner/tests/test_runner"
fi

# An installed tree (make install INSTALL_PATH=BUILD/vm/install), when there
# is one, for the install check (nsx.test=install); its binaries are the
# same ELFs, so their libraries are already here.  The random worlds
# (make fuzz KERNEL=..., nsx.test=fuzz): BUILD/fuzz/nsxfuzz.
case " ${NSX_VM_APPEND:-} " in *" nsx.test=fuzz "*)
	mkdir -p "$root/nsx/fuzz"
	cp "$build/fuzz/nsxfuzz" "$root/nsx/fuzz/"
	elf "$build/fuzz/nsxfuzz"
	;;
esac
case " ${NSX_VM_APPEND:-} " in *" nsx.test=install "*) with_install=1 ;; *) with_install=0 ;; esac
if [ "$with_install" = 1 ] && [ -x "$build/vm/install/run_kselftest.sh" ]; then
	cp -r "$build/vm/install" "$root/nsx/install"
fi

# Tools: GNU diff and setpriv first in PATH, busybox for the rest of /init.
for t in diff setpriv; do
	p=$(command -v "$t") || { echo "vm: $t not found" >&2; exit 1; }
	put "$p" "/usr/bin/$t"
	elf "$p"
done
# mkfs.ext4 (e2fsprogs) for ext4_journal_task, where the host has it.
if p=$(PATH=$PATH:/sbin:/usr/sbin command -v mkfs.ext4); then
	put "$p" /usr/bin/mkfs.ext4
	elf "$p"
fi
cp /bin/busybox "$root/bin/busybox"
# Every applet in /bin (after /usr/bin in PATH): /init's commands, and what
# a LAVA test shell's scripts call (lava/README.md).
for a in $(/bin/busybox --list); do
	[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done
cp "$here/guest-init" "$root/init"
chmod 755 "$root/init"
printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"

cpio_of "$root" >"$suite.tmp.$$"
mv "$suite.tmp.$$" "$suite"
echo "$key" >"$suite.key"
{ cat "$suite" && cpio_of "$run"; } >"$out.tmp.$$"
mv "$out.tmp.$$" "$out"
