#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Boot the lab once (Xen 4.17 + PV dom0 under QEMU TCG, no network towards the
# host) and run one group of scenarios, scripts/e2e/dom0/group-GROUP.sh, in
# dom0. Before the boot the freshly built project binaries and the hotplug
# script are dropped into the 9p-shared rootfs; after it, everything dom0 put
# in its out/ dir (results, logs, xenstore dumps, stats) plus the serial log
# are in the artifacts dir.
#   scripts/e2e/boot.sh [--build DIR] [--perf-build DIR] [--artifacts DIR]
#                       [--timeout SECS] GROUP
#   scripts/e2e/boot.sh [--build DIR] shell      (interactive dom0 shell)
# --build      the project's meson build dir (default: $XNB_BUILD_DIR or build)
# --perf-build a build of xennetd without sanitizers, dropped in beside the
#              one of --build (bin/rel/): the groups measure throughput with
#              it (a sanitizer build under TCG measures ASan, not the backend)
# --artifacts  default: BUILD/e2e-artifacts/GROUP
# --timeout    limit for the group inside dom0 (default 600); QEMU gets 240 s
#              more for boot and shutdown
# Environment: XNB_E2E_CACHE (the lab, see setup.sh), XNB_E2E_CPU (QEMU CPU
# model, default Nehalem), XNB_E2E_MEM (MiB, default 4096).
# Exit status: 0 every scenario passed, 1 a scenario failed or the boot went
# wrong, 77 skipped (lab not set up, what the group needs is not built, or a
# scenario skipped itself).
set -euo pipefail
. "$(dirname "$0")/common.sh"

build=${XNB_BUILD_DIR:-$XNB_TOP/build}
perf_build=
artifacts=
limit=600
while [ $# -gt 1 ]; do
	case "$1" in
	--build) build=$2 ;;
	--perf-build) perf_build=$2 ;;
	--artifacts) artifacts=$2 ;;
	--timeout) limit=$2 ;;
	*) e2e_die "unknown option $1" ;;
	esac
	shift 2
done
[ $# = 1 ] || e2e_die "usage: $0 [--build DIR] [--artifacts DIR] [--timeout SECS] GROUP|shell"
group=$1
build=$(cd "$build" 2>/dev/null && pwd) || e2e_skip "no build dir $build"
artifacts=${artifacts:-$build/e2e-artifacts/$group}
group_file=$XNB_E2E_SCRIPTS/dom0/group-$group.sh
[ "$group" = shell ] || [ -f "$group_file" ] || e2e_die "no scenario group $group_file"

for f in "$E2E_IMAGES/xen.elf" "$E2E_IMAGES/vmlinuz" "$E2E_IMAGES/dom0-stage1.gz" \
		"$E2E_ROOTFS/var/lib/xnb-e2e/guest.gz" "$E2E_STAMPS/images"; do
	[ -e "$f" ] || e2e_skip "the lab is not set up ($f missing): run scripts/e2e/setup.sh"
done
[ "$(id -u)" = 0 ] || e2e_skip "root is needed: the dom0 rootfs is root's (9p passthrough, chroot)"
command -v qemu-system-x86_64 >/dev/null || e2e_skip "qemu-system-x86_64 not installed: run scripts/e2e/setup.sh"

# What the group needs from the build ("# e2e-needs: pmd xennetd").
pmd_so=$(find "$build" -name librte_net_xen.so -type f 2>/dev/null | head -1)
xennetd_bin=$(find "$build" -path '*/app/*' -name xennetd -type f -perm -u+x 2>/dev/null | head -1)
xennetctl_bin=$(find "$build" -path '*/app/*' -name xennetctl -type f -perm -u+x 2>/dev/null | head -1)
rel_bins=
if [ -n "$perf_build" ]; then
	perf_build=$(cd "$perf_build" 2>/dev/null && pwd -P) ||
		e2e_die "no perf build dir $perf_build"
	rel_bins=$(find "$perf_build" -path '*/app/*' -type f -perm -u+x \
		\( -name xennetd -o -name xennetctl \) 2>/dev/null)
fi
needs=
[ "$group" = shell ] || needs=$(sed -n 's/^# e2e-needs: //p' "$group_file")
for need in $needs; do
	case "$need" in
	pmd) [ -n "$pmd_so" ] || e2e_skip "group $group needs the net_xen PMD: librte_net_xen.so is not built in $build" ;;
	xennetd) [ -n "$xennetd_bin" ] && [ -n "$xennetctl_bin" ] ||
		e2e_skip "group $group needs xennetd and xennetctl: not built in $build" ;;
	nothing) ;;
	*) e2e_die "group $group: unknown need '$need'" ;;
	esac
done

e2e_lock

# Stage the harness and the project's binaries into the dom0 root.
dom0_dir=$E2E_ROOTFS$E2E_DOM0_DIR
rm -rf "$dom0_dir"
mkdir -p "$dom0_dir/bin/rel" "$dom0_dir/out"
cp -a "$XNB_E2E_SCRIPTS"/dom0/. "$dom0_dir/"
install -m 0755 "$XNB_TOP/scripts/vif-xennetd" "$E2E_ROOTFS/etc/xen/scripts/vif-xennetd"
stage()
{
	cp "$1" "$dom0_dir/bin/$2"
	missing=$(chroot "$E2E_ROOTFS" ldd "$E2E_DOM0_DIR/bin/$2$(basename "$1")" | grep 'not found' || true)
	[ -z "$missing" ] || e2e_die "$(basename "$1") needs libraries the dom0 rootfs lacks: $missing"
}
for bin in $pmd_so $xennetd_bin $xennetctl_bin; do
	stage "$bin" ""
done
for bin in $rel_bins; do
	stage "$bin" rel/
done

rm -rf "$artifacts"
mkdir -p "$artifacts"
qemu=(qemu-system-x86_64
	-accel tcg,thread=multi -cpu "${XNB_E2E_CPU:-Nehalem}"
	-machine q35 -smp 2 -m "${XNB_E2E_MEM:-4096}"
	-display none -no-reboot -nic none
	-virtfs "local,path=$E2E_ROOTFS,mount_tag=rootfs,security_model=passthrough,id=rootfs"
	-kernel "$E2E_IMAGES/xen.elf"
	# Mitigations off: this is an emulated lab, and they cost a lot under TCG.
	-append "console=com1 com1=115200,8n1 dom0_mem=1536M,max:1536M dom0_max_vcpus=2 loglvl=all guest_loglvl=all pv-l1tf=false spec-ctrl=no xpti=false"
	-initrd "$E2E_IMAGES/vmlinuz console=hvc0 earlyprintk=xen loglevel=4 xnb.group=$group xnb.timeout=$limit,$E2E_IMAGES/dom0-stage1.gz")
if [ "$group" = shell ]; then
	exec "${qemu[@]}" -serial mon:stdio
fi

e2e_log "booting group $group (serial log: $artifacts/serial.log)"
set +e
timeout -k 10 $((limit + 240)) "${qemu[@]}" -serial stdio </dev/null 2>&1 |
	perl -MTime::HiRes=time -ne 'BEGIN { $| = 1; $t0 = time }
		printf("[%7.2f] %s", time - $t0, $_)' >"$artifacts/serial.log"
qemu_rc=${PIPESTATUS[0]}
set -e
cp -a "$dom0_dir/out/." "$artifacts/"
e2e_log "QEMU exited rc=$qemu_rc after $(($(date +%s) - e2e_t0))s"

results=$artifacts/results
if [ ! -s "$results" ]; then
	tail -20 "$artifacts/serial.log" >&2
	e2e_die "group $group left no results (QEMU rc=$qemu_rc): see $artifacts"
fi
sed 's/^/  /' "$results"
grep -q '^FAIL ' "$results" && e2e_die "group $group: $(grep -c '^FAIL ' "$results") scenario(s) failed; artifacts in $artifacts"
[ "$qemu_rc" = 0 ] || e2e_die "group $group: QEMU rc=$qemu_rc"
# A group with skipped scenarios is reported as skipped, not as passed.
if grep -q '^SKIP ' "$results"; then
	e2e_skip "group $group: $(grep -c '^SKIP ' "$results") scenario(s) skipped: $(grep '^SKIP ' "$results" | cut -d' ' -f2- | paste -sd';')"
fi
e2e_log "group $group passed; artifacts in $artifacts"
