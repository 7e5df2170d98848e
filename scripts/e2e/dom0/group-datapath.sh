#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# e2e-needs: pmd
# Scenarios 1 and 2 in one boot, one guest at a time (two cores only):
#  1. a guest whose vif is served by stock dpdk-testpmd with the project's PMD
#     (io forwarding between net_xen0 and a net_tap port xtap0 that carries
#     dom0's address): ping both ways, then iperf3 TCP 10 s each way and
#     64-byte UDP datagrams per second each way;
#  2. the same on a second guest served by the kernel's xen-netback and a
#     Linux bridge; the ratios xennetd / netback.
# Without a built PMD the host skips the group without booting.
. /opt/xnb-e2e/lib.sh
xs_trace "$out/xenstore-trace.txt"

# measure TAG NAME IP CREATE_RC: ping both ways and iperf3 against guest
# NAME (created with xl create status CREATE_RC); sets TAG_tcp_tx TAG_tcp_rx
# TAG_udp_tx TAG_udp_rx TAG_rtt (tx: dom0 -> guest).
measure()
{
	local tag=$1 name=$2 ip=$3 gping i rtt
	if [ "$4" != 0 ]; then
		result FAIL "$tag-ping" "xl create $name rc=$4: $(grep -m1 'error' "$out/$tag-create.txt")"
		return 1
	fi
	if ! wait_until 120 guest_says "$name" ready; then
		result FAIL "$tag-ping" "guest $name not ready: $(guest_line "$name" '' | tail -1)"
		return 1
	fi
	wait_until 90 guest_says "$name" "ping "
	gping=$(guest_line "$name" "ping ")
	for i in 1 2 3; do
		ping -c 5 -W 2 "$ip" >"$out/$tag-ping.txt" 2>&1
		grep -q ' 0% packet loss' "$out/$tag-ping.txt" && break
	done
	rtt=$(ping_rtt "$out/$tag-ping.txt")
	if [ -n "$rtt" ] && grep -q ' 0% packet loss' "$out/$tag-ping.txt" &&
			[[ "$gping" == *" OK "* ]]; then
		result PASS "$tag-ping" "dom0->guest rtt min/avg/max $rtt ms; guest->dom0 ${gping#GUEST: ping }"
	else
		result FAIL "$tag-ping" "dom0->guest: $(grep -h 'packet loss' "$out/$tag-ping.txt"); guest: $gping"
		return 1
	fi
	printf -v "${tag}_rtt" %s "$rtt"
	printf -v "${tag}_tcp_tx" %s "$(iperf_tcp "$ip" "$out/$tag-iperf-tcp-to-guest.txt")"
	printf -v "${tag}_tcp_rx" %s "$(iperf_tcp "$ip" "$out/$tag-iperf-tcp-from-guest.txt" -R)"
	printf -v "${tag}_udp_tx" %s "$(iperf_udp64 "$ip" "$out/$tag-iperf-udp64-to-guest.txt")"
	printf -v "${tag}_udp_rx" %s "$(iperf_udp64 "$ip" "$out/$tag-iperf-udp64-from-guest.txt" -R)"
	local -n tt=${tag}_tcp_tx tr=${tag}_tcp_rx ut=${tag}_udp_tx ur=${tag}_udp_rx
	local line="TCP dom0->guest $tt Mbit/s, guest->dom0 $tr Mbit/s; UDP 64 B dom0->guest $ut pps, guest->dom0 $ur pps"
	if [ "$tt" != - ] && [ "$tr" != - ] && [ "$ut" != - ] && [ "$ur" != - ]; then
		result PASS "$tag-iperf" "$line"
	else
		result FAIL "$tag-iperf" "$line (see $tag-iperf-*.txt)"
	fi
}

ratio()
{
	awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.3f", a / b; else print "-" }'
}

# --- 1. xennetd (testpmd + net_xen PMD) --------------------------------------
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
xl create "$cfg" >"$out/xennetd-create.txt" 2>&1 &
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
	measure xennetd xg1 10.0.1.2 "$rc"
else
	result FAIL xennetd-ping "testpmd is not running: $(grep -m1 -E 'Cause|FATAL|rror' "$out/testpmd.txt")"
fi
xs_dump "$out/xennetd-xenstore.txt"
testpmd_cmd show port info all
testpmd_cmd show port stats all
testpmd_cmd show port xstats all
sleep 2
testpmd_stop
xl destroy xg1 2>/dev/null
if sanitizer_clean; then
	result PASS xennetd-sanitizers "no ASan/UBSan report from the PMD"
else
	result FAIL xennetd-sanitizers "see asan.*/ubsan.* in the artifacts"
fi

# --- 2. kernel xen-netback + bridge, same boot --------------------------------
ip link add xenbr0 type bridge
ip addr add 10.0.2.1/24 dev xenbr0
ip link set xenbr0 up
cfg=$(guest_cfg nb1 1 "xnb.ip=10.0.2.2/24 xnb.peer=10.0.2.1" \
	"mac=00:16:3e:00:02:02,bridge=xenbr0")
xl create "$cfg" >"$out/netback-create.txt" 2>&1 &
create=$!
if domid=$(wait_vif_backend nb1 0); then
	mark "nb1 is domid $domid"
	netback_bind "$domid" 0
fi
wait "$create"
rc=$?
mark "xl create nb1 rc=$rc"
measure netback nb1 10.0.2.2 "$rc"
xs_dump "$out/netback-xenstore.txt"
xl destroy nb1 2>/dev/null

# --- the comparison -----------------------------------------------------------
{
	printf '%-8s %-22s %12s %12s %12s %12s\n' backend "ping rtt (ms)" \
		"TCP tx Mb/s" "TCP rx Mb/s" "UDP64 tx pps" "UDP64 rx pps"
	for b in xennetd netback; do
		r=${b}_rtt tt=${b}_tcp_tx tr=${b}_tcp_rx ut=${b}_udp_tx ur=${b}_udp_rx
		printf '%-8s %-22s %12s %12s %12s %12s\n' $b "${!r:--}" "${!tt:--}" \
			"${!tr:--}" "${!ut:--}" "${!ur:--}"
	done
	echo "(tx: dom0 -> guest, rx: guest -> dom0)"
} | tee "$out/summary.txt"
if [ -n "${xennetd_tcp_tx:-}" ] && [ -n "${netback_tcp_tx:-}" ]; then
	result PASS compare "xennetd/netback: TCP tx $(ratio "$xennetd_tcp_tx" "$netback_tcp_tx"), rx $(ratio "$xennetd_tcp_rx" "$netback_tcp_rx"); UDP64 tx $(ratio "$xennetd_udp_tx" "$netback_udp_tx"), rx $(ratio "$xennetd_udp_rx" "$netback_udp_rx")"
else
	result SKIP compare "needs both xennetd and netback measurements"
fi
exit 0
