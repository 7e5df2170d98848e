#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# e2e-needs: pmd
# Scenarios 1 and 2 in one boot, one guest at a time (two cores only):
#  1. a guest whose vif is served by stock dpdk-testpmd with the project's PMD
#     (io forwarding between net_xen0 and a net_tap port xtap0 that carries
#     dom0's address): ping both ways, then iperf3 TCP 10 s each way and
#     64-byte UDP datagrams per second each way;
#  2. the same on a second guest served by the kernel's xen-netback and a
#     Linux bridge; the ratios testpmd / netback.
# Without a built PMD the host skips the group without booting.
. /opt/xnb-e2e/lib.sh
xs_trace "$out/xenstore-trace.txt"

# --- 1. testpmd + net_xen PMD -----------------------------------------------
# testpmd starts first with only the tap port: under TCG the process
# takes ~10 s to load, and libxl gives the backend 10 s from the
# moment it creates the vif's dir. The vif's port is hot-plugged with
# "port attach" as soon as that dir exists (domid known).
testpmd_prepare
testpmd_start "$out/testpmd.txt" --no-huge -m 64 --no-telemetry -l 0,1 \
	--no-pci --iova-mode=va --log-level='pmd.net.xen*:info' \
	--vdev net_tap0,iface=xtap0 -- \
	-i --forward-mode=io --total-num-mbufs=4096
wait_until 60 test -e /sys/class/net/xtap0 &&
	ip addr add 10.0.1.1/24 dev xtap0 && ip link set xtap0 up
cfg=$(guest_cfg xg1 1 "xnb.ip=10.0.1.2/24 xnb.peer=10.0.1.1" \
	"mac=00:16:3e:00:01:02,script=vif-xennetd")
xl create "$cfg" >"$out/testpmd-create.txt" 2>&1 &
create=$!
if domid=$(wait_vif_backend xg1 0); then
	testpmd_cmd port attach "net_xen0,domid=$domid,devid=0,hv=xen"
	mark "xg1 is domid $domid: port attach sent"
	testpmd_cmd port start all
	testpmd_cmd start
fi
wait "$create"
rc=$?
mark "xl create xg1 rc=$rc"
if testpmd_alive; then
	measure testpmd xg1 10.0.1.2 "$rc"
else
	result FAIL testpmd-ping "testpmd is not running: $(grep -m1 -E 'Cause|FATAL|rror' "$out/testpmd.txt")"
fi
xs_dump "$out/testpmd-xenstore.txt"
testpmd_cmd show port info all
testpmd_cmd show port stats all
testpmd_cmd show port xstats all
sleep 2
testpmd_stop
xl destroy xg1 2>/dev/null
if sanitizer_clean; then
	result PASS testpmd-sanitizers "no ASan/UBSan report from the PMD"
else
	result FAIL testpmd-sanitizers "see asan.*/ubsan.* in the artifacts"
fi

# --- 2. kernel xen-netback + bridge, same boot --------------------------------
netback_run

compare testpmd netback
exit 0
