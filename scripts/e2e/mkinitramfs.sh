#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build a busybox initramfs with a given /init, the listed kernel modules (and
# everything they depend on, in load order in /etc/modules.order) and an
# optional tree merged on top.
#   mkinitramfs.sh OUT.cpio.gz INIT MODULES_DIR BUSYBOX [EXTRA_DIR] -- MODULE...
# MODULES_DIR is lib/modules/<version> of the kernel (with modules.dep).
set -euo pipefail

out=$1
init=$2
moddir=$3
busybox=$4
shift 4
extra=
if [ "${1:-}" != "--" ]; then
	extra=$1
	shift
fi
[ "${1:-}" = "--" ] || { echo "usage: $0 OUT INIT MODDIR BUSYBOX [EXTRA] -- MODULE..." >&2; exit 2; }
shift

kver=$(basename "$moddir")
tree=$(mktemp -d "${TMPDIR:-/tmp}/xnb-initramfs.XXXXXX")
trap 'rm -rf "$tree"' EXIT

mkdir -p "$tree"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,etc,root,run,mnt}
cp "$busybox" "$tree/bin/busybox"
for applet in $("$tree/bin/busybox" --list-full); do
	[ -e "$tree/$applet" ] || ln -s /bin/busybox "$tree/$applet"
done

# Depth-first over modules.dep so that every module follows its dependencies.
declare -A seen=()
order=()
add_module()
{
	local name=$1 line path deps dep
	line=$(grep -E "(^|/)${name//-/[-_]}\.ko(\.[gx]z|\.zst)?:" "$moddir/modules.dep" | head -1)
	[ -n "$line" ] || { echo "mkinitramfs: module $name not in $moddir" >&2; exit 1; }
	path=${line%%:*}
	deps=${line#*:}
	[ -z "${seen[$path]:-}" ] || return 0
	seen[$path]=1
	for dep in $deps; do
		dep=$(basename "$dep")
		add_module "${dep%%.ko*}"
	done
	order+=("$path")
}
for m in "$@"; do
	add_module "$m"
done

: >"$tree/etc/modules.order"
for path in "${order[@]}"; do
	mkdir -p "$tree/lib/modules/$kver/$(dirname "$path")"
	cp "$moddir/$path" "$tree/lib/modules/$kver/$path"
	echo "/lib/modules/$kver/$path" >>"$tree/etc/modules.order"
done

install -m 0755 "$init" "$tree/init"
[ -z "$extra" ] || cp -a "$extra/." "$tree/"

(cd "$tree" && find . | "$tree/bin/busybox" cpio -o -H newc 2>/dev/null | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
echo "mkinitramfs: $(basename "$out") $(du -h "$out" | cut -f1), ${#order[@]} modules"
