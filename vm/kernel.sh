#!/bin/sh
# vm/kernel.sh KERNEL KERNELS_DIR: the kernel make vm and make lava boot, as
# one tab-separated line: the image, the directory of its modules (empty
# for a kernel someone built) and its description.
#   KERNEL=6.1 | 6.12 | 7.2 | 7.3   Debian's cloud kernel of that series (debian-kernel.sh)
#   KERNEL=<bzImage>               a kernel someone built
set -eu
here=$(cd "$(dirname "$0")" && pwd)
kernel=${1:?usage: kernel.sh KERNEL KERNELS_DIR}
dir=${2:?usage: kernel.sh KERNEL KERNELS_DIR}
case $kernel in
6.1 | 6.12 | 7.2 | 7.3)
	line=$("$here/debian-kernel.sh" "$kernel" "$dir")
	image=$(printf '%s' "$line" | cut -f1)
	printf '%s\t%s\t%s\n' "$image" "$(dirname "$image")/modules" \
		"Debian package $(printf '%s' "$line" | cut -f2) $(printf '%s' "$line" | cut -f3)"
	;;
*)
	[ -f "$kernel" ] || {
		echo "KERNEL=$kernel: not 6.1, 6.12, 7.2, 7.3 or a kernel image file" >&2
		exit 1
	}
	image=$(cd "$(dirname "$kernel")" && pwd)/$(basename "$kernel")
	printf '%s\t\t%s\n' "$image" "image $image"
	;;
esac
