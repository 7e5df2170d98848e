#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build (once) the real-Xen lab that scripts/e2e/boot.sh boots under QEMU TCG:
#   images/xen.elf         Xen 4.17 (Debian's xen-hypervisor, gunzipped: QEMU
#                          boots it as a multiboot kernel)
#   images/vmlinuz         Debian's kernel, for dom0 and the guests
#   images/dom0-stage1.gz  busybox initramfs that mounts the rootfs over 9p
#   rootfs/                debootstrap tree, the dom0 root: xen-utils, dpdk,
#                          iperf3, ...; the guests' kernel and initramfs
#                          (busybox + xen-netfront + iperf3) live in it
# Everything goes into $XNB_E2E_CACHE (default <repo>/.cache/e2e) and is
# reused while the stamp of each part (the Debian package versions and the
# harness files it was built from) is unchanged. Needs root and Debian's apt.
#   scripts/e2e/setup.sh [--force]
# Exit status: 0 lab ready, 77 the lab cannot be set up on this machine
# (no root, apt or mirror unavailable), 1 any other failure.
set -euo pipefail
. "$(dirname "$0")/common.sh"

force=0
[ "${1:-}" != "--force" ] || force=1

host_packages=(qemu-system-x86 debootstrap kmod perl util-linux)
host_tools=(qemu-system-x86_64 debootstrap depmod perl flock)
# Packages of the lab itself, fetched with apt-get download and unpacked.
boot_packages=(xen-hypervisor-4.17-amd64 busybox-static)
# The dom0 root: toolstack, DPDK (dpdk-dev has the stock testpmd and pulls
# in every PMD, net_tap among them), tools for the kernel-netback comparison,
# and the runtimes of a sanitizer build of the project.
rootfs_include=xen-utils-4.17,xenstore-utils,iproute2,iputils-ping,iperf3,kmod,procps,busybox,dpdk,dpdk-dev,bridge-utils,ethtool,tcpdump,libasan8,libubsan1
suite=bookworm
# DPDK drivers left in EAL's plugin dir in the rootfs (see build_rootfs).
eal_plugins_kept='.*/librte_\(bus_pci\|bus_vdev\|mempool_ring\|mempool_stack\|net_af_packet\|net_memif\|net_null\|net_pcap\|net_ring\|net_tap\|net_vhost\|net_virtio\)\.so.*'

# The host's Debian mirrors (as apt is configured here): $1 = "" for the
# main archive, "security" for the security archive.
mirror()
{
	local want=${1:-} m
	m=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
		awk -v want="$want" '/^URIs:/ && ($2 ~ /debian-security/) == (want == "security") &&
			$2 ~ /debian/ { print $2; exit }')
	[ -n "$m" ] || m=$(awk -v want="$want" '/^deb / && ($2 ~ /debian-security/) == (want == "security") &&
			$2 ~ /debian/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
	if [ -z "$m" ] && [ "$want" = security ]; then
		m=http://deb.debian.org/debian-security
	fi
	echo "${m:-http://deb.debian.org/debian}"
}

apt_updated=0
apt_update()
{
	[ "$apt_updated" = 0 ] || return 0
	e2e_log "apt-get update"
	apt-get update -q >"$XNB_E2E_CACHE/apt-update.log" 2>&1 ||
		e2e_skip "apt-get update failed (see $XNB_E2E_CACHE/apt-update.log)"
	apt_updated=1
}

ensure_host_tools()
{
	local t missing=0
	for t in "${host_tools[@]}"; do
		command -v "$t" >/dev/null || missing=1
	done
	[ "$missing" = 1 ] || return 0
	[ "$(id -u)" = 0 ] || e2e_skip "root is needed to install ${host_packages[*]}"
	apt_update
	e2e_log "installing host packages: ${host_packages[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"${host_packages[@]}" >"$XNB_E2E_CACHE/apt-install.log" 2>&1 ||
		e2e_skip "cannot install ${host_packages[*]} (see $XNB_E2E_CACHE/apt-install.log)"
}

# The kernel package behind linux-image-amd64, e.g. linux-image-6.1.0-37-amd64.
kernel_package()
{
	apt-cache depends linux-image-amd64 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}

# "pkg=version ..." of the candidates apt knows; fails when one is unknown.
versions()
{
	local out
	out=$(apt-cache policy "$@" 2>/dev/null | awk '
		/^[^ ]/ { pkg = $1; sub(/:$/, "", pkg) }
		/Candidate:/ && $2 != "(none)" { printf "%s=%s ", pkg, $2; n++ }
		END { exit n != ARGC_WANTED }' ARGC_WANTED=$#)
	echo "$out"
}

hash_of()
{
	sha256sum | cut -c1-16
}

compute_keys()
{
	kpkg=$(kernel_package)
	[ -n "$kpkg" ] || return 1
	boot_versions=$(versions "${boot_packages[@]}" "$kpkg") || return 1
	rootfs_versions=$(versions xen-utils-4.17 dpdk iperf3 libasan8) || return 1
	key_kernel=$(echo "$boot_versions" | hash_of)
	key_rootfs=$(echo "$key_kernel $rootfs_versions $rootfs_include $suite $(mirror) \
		$(mirror security) $eal_plugins_kept" | hash_of)
	key_images=$(cat "$XNB_E2E_SCRIPTS/setup.sh" "$XNB_E2E_SCRIPTS/mkinitramfs.sh" \
		"$XNB_E2E_SCRIPTS"/initramfs/* | { cat; echo "$key_rootfs"; } | hash_of)
}

stamp_ok()
{
	[ "$force" = 0 ] && [ "$(cat "$E2E_STAMPS/$1" 2>/dev/null)" = "$2" ]
}

stamp_set()
{
	mkdir -p "$E2E_STAMPS"
	echo "$2" >"$E2E_STAMPS/$1"
}

# Xen, the kernel (with depmod'ed modules) and busybox, unpacked from .debs.
build_kernel()
{
	local d kver
	rm -rf "$E2E_DEBS" "$E2E_HOST"
	mkdir -p "$E2E_DEBS" "$E2E_HOST" "$E2E_IMAGES"
	e2e_log "apt-get download ${boot_packages[*]} $kpkg"
	(cd "$E2E_DEBS" && apt-get download -q "${boot_packages[@]}" "$kpkg") \
		>"$XNB_E2E_CACHE/apt-download.log" 2>&1 ||
		e2e_skip "cannot download the Xen/kernel packages (see $XNB_E2E_CACHE/apt-download.log)"
	for d in "$E2E_DEBS"/*.deb; do
		dpkg-deb -x "$d" "$E2E_HOST"
	done
	kver=$(ls "$E2E_HOST/lib/modules")
	depmod -b "$E2E_HOST" "$kver"
	gunzip -c "$E2E_HOST"/boot/xen-4.17-amd64.gz >"$E2E_IMAGES/xen.elf"
	cp "$E2E_HOST/boot/vmlinuz-$kver" "$E2E_IMAGES/vmlinuz"
	echo "$kver" >"$E2E_IMAGES/kernel-version"
	e2e_log "kernel $kver and xen.elf ready"
}

build_rootfs()
{
	local new=$XNB_E2E_CACHE/rootfs.new kver plugins
	kver=$(cat "$E2E_IMAGES/kernel-version")
	rm -rf "$new"
	e2e_log "debootstrap $suite from $(mirror) (log: $XNB_E2E_CACHE/debootstrap.log)"
	debootstrap --variant=minbase --include="$rootfs_include" \
		"$suite" "$new" "$(mirror)" >"$XNB_E2E_CACHE/debootstrap.log" 2>&1 || {
		tail -5 "$XNB_E2E_CACHE/debootstrap.log" >&2
		e2e_skip "debootstrap failed: Debian mirror or packages unavailable"
	}
	# Same point release as the build host (stable updates and security), so
	# the project's binaries find the library versions they were built with.
	cat >"$new/etc/apt/sources.list" <<-EOF
		deb $(mirror) $suite main
		deb $(mirror) $suite-updates main
		deb $(mirror security) $suite-security main
	EOF
	mount --bind /proc "$new/proc"
	if ! (chroot "$new" apt-get update -q && DEBIAN_FRONTEND=noninteractive \
			chroot "$new" apt-get upgrade -y -q) >>"$XNB_E2E_CACHE/debootstrap.log" 2>&1; then
		umount "$new/proc"
		e2e_skip "apt-get upgrade in the rootfs failed (see $XNB_E2E_CACHE/debootstrap.log)"
	fi
	umount "$new/proc"
	chroot "$new" apt-get clean
	# EAL dlopens every driver in its plugin dir at start-up, which takes
	# seconds under TCG (and the backend has 10 s to reach InitWait): keep
	# the virtual-device drivers the lab uses, park the rest beside it and
	# repoint the library links (testpmd links some drivers directly).
	plugins=$(echo "$new"/usr/lib/x86_64-linux-gnu/dpdk/pmds-*[0-9])
	mkdir -p "$plugins.parked"
	find "$plugins" -maxdepth 1 -name 'librte_*' ! -regex "$eal_plugins_kept" \
		-exec mv -t "$plugins.parked" {} +
	for link in "$new"/usr/lib/x86_64-linux-gnu/librte_*.so*; do
		[ -L "$link" ] && [ ! -e "$link" ] || continue
		ln -sfn "dpdk/$(basename "$plugins").parked/$(basename "$(readlink "$link")")" "$link"
	done
	mkdir -p "$new/lib/modules" "$new$E2E_DOM0_DIR" "$new/var/lib/xnb-e2e"
	cp -a "$E2E_HOST/lib/modules/$kver" "$new/lib/modules/"
	echo dom0 >"$new/etc/hostname"
	# dom0 has dom0_mem= on the Xen command line: never balloon it.
	sed -i 's/^#\?autoballoon=.*/autoballoon="off"/' "$new/etc/xen/xl.conf"
	rm -rf "$E2E_ROOTFS"
	mv "$new" "$E2E_ROOTFS"
	e2e_log "rootfs ready ($(du -sh "$E2E_ROOTFS" | cut -f1))"
}

# The initramfs images: dom0 stage 1 (9p root) and the guests' (netfront +
# iperf3 with its libraries, taken from the rootfs).
build_images()
{
	local kver moddir busybox extra lib
	kver=$(cat "$E2E_IMAGES/kernel-version")
	moddir=$E2E_HOST/lib/modules/$kver
	busybox=$E2E_HOST/bin/busybox
	"$XNB_E2E_SCRIPTS/mkinitramfs.sh" "$E2E_IMAGES/dom0-stage1.gz" \
		"$XNB_E2E_SCRIPTS/initramfs/dom0-stage1" "$moddir" "$busybox" -- \
		virtio_pci 9pnet_virtio 9p
	extra=$(mktemp -d "${TMPDIR:-/tmp}/xnb-guest-extra.XXXXXX")
	mkdir -p "$extra/usr/bin"
	cp -L "$E2E_ROOTFS/usr/bin/iperf3" "$extra/usr/bin/"
	for lib in $(chroot "$E2E_ROOTFS" ldd /usr/bin/iperf3 |
			awk '$2 == "=>" { print $3 } /ld-linux/ { print $1 }'); do
		mkdir -p "$extra$(dirname "$lib")"
		cp -L "$E2E_ROOTFS$lib" "$extra$lib"
	done
	"$XNB_E2E_SCRIPTS/mkinitramfs.sh" "$E2E_ROOTFS/var/lib/xnb-e2e/guest.gz" \
		"$XNB_E2E_SCRIPTS/initramfs/guest-init" "$moddir" "$busybox" "$extra" -- \
		xen-netfront
	rm -rf "$extra"
	cp "$E2E_IMAGES/vmlinuz" "$E2E_ROOTFS/var/lib/xnb-e2e/vmlinuz"
}

mkdir -p "$XNB_E2E_CACHE"
e2e_lock
ensure_host_tools
if ! compute_keys; then
	apt_update
	compute_keys || e2e_skip "apt knows no candidate for the lab packages"
fi
if stamp_ok kernel "$key_kernel" && stamp_ok rootfs "$key_rootfs" &&
		stamp_ok images "$key_images"; then
	e2e_log "lab cached in $XNB_E2E_CACHE ($boot_versions)"
	exit 0
fi

[ "$(id -u)" = 0 ] || e2e_skip "root is needed to build the lab (debootstrap, chroot)"
apt_update
compute_keys || e2e_skip "apt knows no candidate for the lab packages"
if ! stamp_ok kernel "$key_kernel"; then
	build_kernel
	stamp_set kernel "$key_kernel"
fi
if ! stamp_ok rootfs "$key_rootfs"; then
	build_rootfs
	stamp_set rootfs "$key_rootfs"
fi
if ! stamp_ok images "$key_images"; then
	build_images
	stamp_set images "$key_images"
fi
e2e_log "lab ready in $XNB_E2E_CACHE ($boot_versions)"
