#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# e2e-needs: xennetd
# xennetd itself as dom0's backend (net_tap port xtap0 = dom0's 10.0.1.1):
#  1. guest xg1 (10.0.1.2): ping both ways;
#  2. iperf3 TCP 10 s and 64-byte UDP each way (with the daemon as built);
#  3. a second guest xg2 (10.0.1.3): guest <-> guest through the switch;
#  8. the xenstore keys of both ends checked against what the backend
#     advertises and what netfront requests;
#  7. MTU 9000 on both guests (and dom0 -> guest), large writes (GSO) both
#     ways, the guests' checksum error counters unchanged, data intact (md5
#     of 16 MB TCP transfers);
# then, when the host dropped in a build without sanitizers (bin/rel), 1+2
# again with it on a fresh guest ("rel"), once more with busy polling
# ("busy": [poll] adaptive = no), and with busy polling and the PMD cutting
# guest GSO frames on a new guest ("notso": [switch] tso = no); last, kernel
# xen-netback + bridge on guest nb1 for the comparison.
. /opt/xnb-e2e/lib.sh
xs_trace "$out/xenstore-trace.txt"

# --- 1 and 2 ------------------------------------------------------------------
if ! xennetd_start "$out/xennetd.txt"; then
	result FAIL xennetd-start "no control socket / xtap0: $(grep -m1 -iE 'error|cannot|fail' "$out/xennetd.txt")"
	exit 0
fi
mark "xennetd up"
xnctl ports >"$out/xennetd-ports.txt" 2>&1
cfg=$(guest_cfg xg1 1 "xnb.ip=10.0.1.2/24 xnb.peer=10.0.1.1" \
	"mac=00:16:3e:00:01:02,script=vif-xennetd")
timeout 180 xl create "$cfg" >"$out/xennetd-create.txt" 2>&1
measure xennetd xg1 10.0.1.2 $?
xg1=$(xl domid xg1 2>/dev/null)
xnctl stats "vif$xg1.0" >"$out/xennetd-stats-xg1.txt" 2>&1

# --- 3. guest <-> guest -----------------------------------------------------
cfg=$(guest_cfg xg2 1 "xnb.ip=10.0.1.3/24 xnb.peer=10.0.1.1" \
	"mac=00:16:3e:00:01:03,script=vif-xennetd")
timeout 180 xl create "$cfg" >"$out/xg2-create.txt" 2>&1
rc=$?
if [ "$rc" = 0 ] && wait_until 150 guest_says xg2 ready; then
	guest_run xg1 60 ping -c 5 -W 2 10.0.1.3 >"$out/g2g-ping-12.txt" 2>&1
	guest_run xg2 60 ping -c 5 -W 2 10.0.1.2 >"$out/g2g-ping-21.txt" 2>&1
	guest_run xg1 60 iperf3 -c 10.0.1.3 -t 5 -f m >"$out/g2g-iperf.txt" 2>&1
	bw=$(awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") v = $i }
		END { print (v == "" ? "-" : v) }' "$out/g2g-iperf.txt")
	rtt=$(ping_rtt "$out/g2g-ping-12.txt")
	if grep -q ' 0% packet loss' "$out/g2g-ping-12.txt" &&
			grep -q ' 0% packet loss' "$out/g2g-ping-21.txt" && [ "$bw" != - ]; then
		result PASS guest-to-guest "ping both ways 0% loss (xg1->xg2 rtt $rtt ms), iperf3 TCP xg1->xg2 5 s $bw Mbit/s"
	else
		result FAIL guest-to-guest "ping: $(grep -h 'packet loss' "$out"/g2g-ping-*.txt | paste -sd';'); iperf3 $bw (see g2g-*.txt)"
	fi
else
	result FAIL guest-to-guest "xl create xg2 rc=$rc or not ready: $(guest_line xg2 '' | tail -1)"
fi

# --- 8. feature negotiation ---------------------------------------------------
# expect DIR KEY VALUE...: compare; "-" = the key must be absent, "*" = any
# value but present.
bad_keys=
expect()
{
	local dir=$1 key v got
	shift
	while [ $# -ge 2 ]; do
		key=$1 v=$2
		shift 2
		got=$(xenstore-read "$dir/$key" 2>/dev/null) || got=-
		case "$v" in
		'*') [ "$got" != - ] || bad_keys+=" ${dir##*/vif/}/$key=absent" ;;
		*) [ "$got" = "$v" ] || bad_keys+=" ${dir##*/vif/}/$key=$got(want $v)" ;;
		esac
	done
}
if [ -n "$xg1" ]; then
	be=$(backend_path "$xg1" 0)
	fe=/local/domain/$xg1/device/vif/0
	xenstore-ls -f "$be" >"$out/features-backend.txt" 2>&1
	xenstore-ls -f "$fe" >"$out/features-frontend.txt" 2>&1
	xnctl list >"$out/features-list.txt" 2>&1
	xnctl --json list >"$out/features-list.json" 2>&1
	# What write_features() advertises, max_queues from the config.
	expect "$be" state 4 online 1 hotplug-status connected \
		feature-sg 1 feature-gso-tcpv4 1 feature-gso-tcpv6 1 \
		feature-ipv6-csum-offload 1 feature-rx-copy 1 feature-rx-flip 0 \
		feature-split-event-channels 1 feature-ctrl-ring 1 \
		feature-multicast-control 1 feature-dynamic-multicast-control 1 \
		feature-xdp-headroom 1 multi-queue-max-queues 2
	# What Linux 6.1 xen-netfront with one vCPU requests: one queue (it
	# writes multi-queue-num-queues = 1 when the backend offers more, and
	# then the flat keys), split event channels, copy Rx, no XDP headroom,
	# neither multicast control nor a ctrl ring (netfront has neither).
	expect "$fe" state 4 request-rx-copy 1 feature-rx-notify 1 \
		feature-sg 1 feature-gso-tcpv4 1 feature-gso-tcpv6 1 \
		feature-ipv6-csum-offload 1 multi-queue-num-queues 1 \
		tx-ring-ref '*' rx-ring-ref '*' event-channel-tx '*' \
		event-channel-rx '*' event-channel - mac 00:16:3e:00:01:02 \
		xdp-headroom 0 request-multicast-control - ctrl-ring-ref - \
		queue-0 -
	# libxl's own frontend keys.
	expect "$fe" mtu 1500 trusted 1 backend-id 0 handle 0
	# What the daemon says it negotiated (xennetctl list).
	for k in '"sg": true' '"gso_tcpv4": true' '"gso_tcpv6": true' \
			'"csum_ipv6": true' '"rx_notify": true' \
			'"split_event_channels": true' '"queues": 1'; do
		grep -qF "$k" "$out/features-list.json" || bad_keys+=" list:$k(missing)"
	done
	if [ -z "$bad_keys" ]; then
		result PASS features "backend advertises sg gso4 gso6 ipv6-csum rx-copy split ctrl mcast xdp-headroom, max-queues 2; netfront: rx-copy rx-notify sg gso4 gso6 ipv6-csum, multi-queue-num-queues 1 (flat ring keys), split event channels; xennetctl list agrees: $(awk 'NR == 2' "$out/features-list.txt" | tr -s ' ')"
	else
		result FAIL features "unexpected:$bad_keys (see features-*.txt)"
	fi
else
	result FAIL features "no guest xg1"
fi

# --- 7. MTU 9000, GSO both ways, checksums ------------------------------------
# Between the two guests (vif to vif through the switch), both at MTU 9000,
# and dom0 -> guest at MTU 9000. Not guest -> dom0: DPDK 22.11's net_tap
# port takes no MTU above 1500 (max_rx_pktlen 1522) and drops longer
# frames it is given unless they are TSO frames it segments itself.
if [ -n "$xg1" ] && guest_says xg1 ready && guest_says xg2 ready; then
	ip link set xtap0 mtu 9000
	guest_run xg1 30 ip link set eth0 mtu 9000 >"$out/mtu-set.txt" 2>&1
	guest_run xg2 30 ip link set eth0 mtu 9000 >>"$out/mtu-set.txt" 2>&1
	guest_run xg1 30 "$snmp_errors" >"$out/mtu-snmp-xg1-before.txt" 2>&1
	guest_run xg2 30 "$snmp_errors" >"$out/mtu-snmp-xg2-before.txt" 2>&1
	guest_run xg1 60 ping -c 3 -W 3 -s 8972 10.0.1.3 >"$out/mtu-ping.txt" 2>&1
	guest_run xg1 60 iperf3 -c 10.0.1.3 -t 5 -l 64K -f m >"$out/mtu-iperf-12.txt" 2>&1
	guest_run xg2 60 iperf3 -c 10.0.1.2 -t 5 -l 64K -f m >"$out/mtu-iperf-21.txt" 2>&1
	big_in=$(iperf_tcp 10.0.1.2 "$out/mtu-iperf-to-guest.txt" -l 64K -t 5)
	bw12=$(awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") v = $i }
		END { print (v == "" ? "-" : v) }' "$out/mtu-iperf-12.txt")
	bw21=$(awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") v = $i }
		END { print (v == "" ? "-" : v) }' "$out/mtu-iperf-21.txt")
	head -c 16000000 /dev/urandom >"$run/data.bin"
	read -r a b <<<"$(md5_to_guest xg1 10.0.1.2 5001 "$run/data.bin")"
	rm -f "$run/data.bin"
	read -r c d <<<"$(md5_between xg1 xg2 10.0.1.3 5002 16000000)"
	read -r e f <<<"$(md5_between xg2 xg1 10.0.1.2 5003 16000000)"
	guest_run xg1 30 "$snmp_errors" >"$out/mtu-snmp-xg1-after.txt" 2>&1
	guest_run xg2 30 "$snmp_errors" >"$out/mtu-snmp-xg2-after.txt" 2>&1
	guest_run xg1 30 "cat /proc/net/snmp; ip -s link show eth0" >"$out/mtu-guest-xg1.txt" 2>&1
	xnctl stats "vif$xg1.0" >"$out/mtu-stats-xg1.txt" 2>&1
	xnctl stats "vif$(xl domid xg2).0" >"$out/mtu-stats-xg2.txt" 2>&1
	gso=$(cat "$out"/mtu-stats-xg*.txt | grep -E 'gso|cksum|lro|tso' |
		awk '{ s[$1] += $2 } END { for (k in s) printf "%s=%s ", k, s[k] }')
	line="xg1->xg2 ping -s 8972: $(grep -o '[0-9]*% packet loss' "$out/mtu-ping.txt"); iperf3 -l 64K xg1->xg2 $bw12, xg2->xg1 $bw21, dom0->xg1 $big_in Mbit/s; md5 16 MB dom0->xg1 ${a:0:8}/${b:0:8} xg1->xg2 ${c:0:8}/${d:0:8} xg2->xg1 ${e:0:8}/${f:0:8}; guest checksum/header error counters unchanged: $(cmp -s "$out/mtu-snmp-xg1-before.txt" "$out/mtu-snmp-xg1-after.txt" && cmp -s "$out/mtu-snmp-xg2-before.txt" "$out/mtu-snmp-xg2-after.txt" && echo yes || echo no); vif xstats $gso"
	if grep -q ' 0% packet loss' "$out/mtu-ping.txt" && [ "$bw12" != - ] &&
			[ "$bw21" != - ] && [ "$big_in" != - ] &&
			[ "$a" = "$b" ] && [ "$c" = "$d" ] && [ "$e" = "$f" ] &&
			[ "$b" != - ] && [ "$d" != - ] && [ "$f" != - ] &&
			[ -s "$out/mtu-snmp-xg1-after.txt" ] &&
			cmp -s "$out/mtu-snmp-xg1-before.txt" "$out/mtu-snmp-xg1-after.txt" &&
			cmp -s "$out/mtu-snmp-xg2-before.txt" "$out/mtu-snmp-xg2-after.txt"; then
		result PASS mtu9000-gso "$line"
	else
		result FAIL mtu9000-gso "$line; xg1 before: $(cat "$out/mtu-snmp-xg1-before.txt") after: $(cat "$out/mtu-snmp-xg1-after.txt")"
	fi
else
	result FAIL mtu9000-gso "guests xg1/xg2 not there"
fi

# --- teardown of the as-built daemon ------------------------------------------
xnctl stats >"$out/xennetd-stats-final.txt" 2>&1
xl destroy xg1 2>/dev/null
xl destroy xg2 2>/dev/null
wait_until 20 eval '! xnctl --json list 2>/dev/null | grep -q "\"domid\""'
xnctl list >"$out/xennetd-list-after-destroy.txt" 2>&1
xennetd_stop TERM
rc=$?
if [ "$rc" = 0 ] && sanitizer_clean; then
	result PASS xennetd-exit "SIGTERM: exit 0, no ASan/UBSan report"
else
	result FAIL xennetd-exit "exit rc=$rc; sanitizer reports: $(ls "$out"/asan.* "$out"/ubsan.* 2>/dev/null | paste -sd' ')"
fi

# --- 2 again without sanitizers -----------------------------------------------
tags=(xennetd)
if [ -x "$xennetd_rel" ]; then
	if xennetd_start "$out/xennetd-rel.txt" "$xennetd_rel"; then
		cfg=$(guest_cfg xr1 1 "xnb.ip=10.0.1.2/24 xnb.peer=10.0.1.1" \
			"mac=00:16:3e:00:01:02,script=vif-xennetd")
		timeout 180 xl create "$cfg" >"$out/rel-create.txt" 2>&1
		measure rel xr1 10.0.1.2 $?
		xr1=$(xl domid xr1 2>/dev/null)
		xnctl stats "vif$xr1.0" >"$out/rel-stats-xr1.txt" 2>&1
		xnctl lcores >"$out/rel-lcores.txt" 2>&1
		tags+=(rel)
		# The same with busy polling ([poll] adaptive = no, applied by
		# a reload): how much the sleeps and wake-ups cost.
		xennetd_conf 2 no
		if xnctl reload >"$out/busy-reload.txt" 2>&1; then
			measure busy xr1 10.0.1.2 0
			xnctl stats "vif$xr1.0" >"$out/busy-stats-xr1.txt" 2>&1
			xnctl lcores >"$out/busy-lcores.txt" 2>&1
			tags+=(busy)
		else
			result FAIL busy-reload "$(cat "$out/busy-reload.txt")"
		fi
		xl destroy xr1 2>/dev/null
		# And with the guests' GSO frames cut by the PMD on the way in
		# ([switch] tso = no, decided when a vif is attached: a new
		# guest) instead of crossing the switch whole to net_tap's TSO.
		xennetd_conf 2 no no
		if xnctl reload >"$out/notso-reload.txt" 2>&1; then
			cfg=$(guest_cfg xr2 1 "xnb.ip=10.0.1.2/24 xnb.peer=10.0.1.1" \
				"mac=00:16:3e:00:01:02,script=vif-xennetd")
			timeout 180 xl create "$cfg" >"$out/notso-create.txt" 2>&1
			measure notso xr2 10.0.1.2 $?
			xnctl stats "vif$(xl domid xr2 2>/dev/null).0" >"$out/notso-stats-xr2.txt" 2>&1
			xnctl ports >"$out/notso-ports.txt" 2>&1
			tags+=(notso)
			xl destroy xr2 2>/dev/null
		else
			result FAIL notso-reload "$(cat "$out/notso-reload.txt")"
		fi
		xennetd_conf
		sleep 2
		xennetd_stop TERM
	else
		result FAIL rel-start "release xennetd did not start: $(grep -m1 -iE 'error|cannot|fail' "$out/xennetd-rel.txt")"
		xennetd_stop KILL
	fi
fi

# --- kernel xen-netback + bridge, same boot -----------------------------------
netback_run
compare "${tags[@]}" netback
exit 0
