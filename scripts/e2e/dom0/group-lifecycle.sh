#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# e2e-needs: xennetd
# The life of vifs served by xennetd (the build under test, sanitizers and
# all), net_tap port xtap0 = dom0's 10.0.1.1:
#  4. a 2-vCPU guest lg1 (10.0.1.2) negotiates 2 queues (xenstore keys of
#     both ends); iperf3 -P 4 each way goes over both queues (per-queue
#     stats of xennetctl);
#  5. a second guest lg2 (10.0.1.3): xl network-detach + network-attach
#     while iperf3 runs to it, then xl destroy mid-transfer; xennetd's fds
#     and gntdev mappings back to the baseline, its vif gone from
#     xennetctl list; meanwhile lg1's iperf3 (no stall over 3 s) and
#     ping (at most 5% lost) go on;
#  6. xennetd SIGKILLed and started again: lg1's netfront reconnects
#     (state 4 again) and traffic resumes without a guest reboot.
. /opt/xnb-e2e/lib.sh
xs_trace "$out/xenstore-trace.txt"

if ! xennetd_start "$out/xennetd.txt"; then
	result FAIL lifecycle-start "no control socket / xtap0: $(grep -m1 -iE 'error|cannot|fail' "$out/xennetd.txt")"
	exit 0
fi

# --- 4. two queues ------------------------------------------------------------
cfg=$(guest_cfg lg1 2 "xnb.ip=10.0.1.2/24 xnb.peer=10.0.1.1" \
	"mac=00:16:3e:00:01:02,script=vif-xennetd")
timeout 180 xl create "$cfg" >"$out/lg1-create.txt" 2>&1
rc=$?
lg1=$(xl domid lg1 2>/dev/null)
if [ "$rc" = 0 ] && wait_until 150 guest_says lg1 ready; then
	fe=/local/domain/$lg1/device/vif/0
	be=$(backend_path "$lg1" 0)
	xenstore-ls -f "$fe" >"$out/mq-frontend.txt" 2>&1
	xenstore-ls -f "$be" >"$out/mq-backend.txt" 2>&1
	bad=
	[ "$(xenstore-read "$be/multi-queue-max-queues" 2>&1)" = 2 ] || bad+=" be/multi-queue-max-queues"
	[ "$(xenstore-read "$fe/multi-queue-num-queues" 2>&1)" = 2 ] || bad+=" fe/multi-queue-num-queues=$(xenstore-read "$fe/multi-queue-num-queues" 2>&1)"
	for q in 0 1; do
		for k in tx-ring-ref rx-ring-ref event-channel-tx event-channel-rx; do
			xs_exists "$fe/queue-$q/$k" || bad+=" fe/queue-$q/$k"
		done
	done
	xs_exists "$fe/tx-ring-ref" && bad+=" fe/tx-ring-ref(flat key with 2 queues)"
	xnctl stats "vif$lg1.0" >"$out/mq-stats-before.txt" 2>&1
	mq_tx=$(iperf_tcp 10.0.1.2 "$out/mq-iperf-to-guest.txt" -P 4)
	mq_rx=$(iperf_tcp 10.0.1.2 "$out/mq-iperf-from-guest.txt" -P 4 -R)
	xnctl stats "vif$lg1.0" >"$out/mq-stats-after.txt" 2>&1
	xnctl lcores >"$out/mq-lcores.txt" 2>&1
	xnctl list >"$out/mq-list.txt" 2>&1
	# PMD rx = what the guest sent (guest Tx rings), tx = what it received.
	for q in 0 1; do
		printf -v "grx$q" %s "$(vif_qstat "vif$lg1.0" "$q" "rx_q${q}_packets")"
		printf -v "gtx$q" %s "$(vif_qstat "vif$lg1.0" "$q" "tx_q${q}_packets")"
	done
	line="num-queues 2, per-queue keys ok; iperf3 -P 4 dom0->guest $mq_tx, guest->dom0 $mq_rx Mbit/s; packets guest->backend q0 $grx0 q1 $grx1, backend->guest q0 $gtx0 q1 $gtx1"
	if [ -z "$bad" ] && [ "$mq_tx" != - ] && [ "$mq_rx" != - ] &&
			[ "$grx0" -gt 100 ] && [ "$grx1" -gt 100 ]; then
		result PASS two-queues "$line"
	else
		result FAIL two-queues "${bad:+wrong keys:$bad; }$line"
	fi
	# The backend picks the guest's Rx queue: netback spreads flows by
	# hash; a backend that uses one queue only leaves the guest's second
	# vCPU idle on receive.
	if [ "$gtx0" -gt 100 ] && [ "$gtx1" -gt 100 ]; then
		result PASS two-queues-to-guest "4 flows dom0->guest: q0 $gtx0, q1 $gtx1 packets"
	else
		result FAIL two-queues-to-guest "4 flows dom0->guest all on one queue: q0 $gtx0, q1 $gtx1 packets (xennetd: Tx queue = the sending worker's)"
	fi
else
	result FAIL two-queues "xl create lg1 rc=$rc or not ready: $(guest_line lg1 '' | tail -1)"
fi

# --- 5. detach/attach, destroy --------------------------------------------------
base_fds=$(xennetd_fds)
base_maps=$(xennetd_maps)
mark "baseline (lg1 only): fds $base_fds gntdev maps $base_maps"
cfg=$(guest_cfg lg2 1 "xnb.ip=10.0.1.3/24 xnb.peer=10.0.1.1" \
	"mac=00:16:3e:00:01:03,script=vif-xennetd")
timeout 180 xl create "$cfg" >"$out/lg2-create.txt" 2>&1
rc=$?
lg2=$(xl domid lg2 2>/dev/null)
if [ -n "$lg1" ] && [ "$rc" = 0 ] && wait_until 150 guest_says lg2 ready; then
	two_fds=$(xennetd_fds)
	two_maps=$(xennetd_maps)
	mark "with lg2: fds $two_fds gntdev maps $two_maps"
	# lg1, the bystander: iperf3 and ping all along.
	timeout 150 iperf3 -c 10.0.1.2 -t 90 -f m >"$out/bystander-iperf.txt" 2>&1 &
	by_iperf=$!
	ping -c 180 -i 0.5 -W 2 10.0.1.2 >"$out/bystander-ping.txt" 2>&1 &
	by_ping=$!
	timeout 60 iperf3 -c 10.0.1.3 -t 30 -f m -p 5201 >"$out/lg2-iperf-1.txt" 2>&1 &
	sleep 5
	timeout 60 xl network-detach lg2 0 >"$out/lg2-detach.txt" 2>&1
	rc_d=$?
	wait_until 20 eval '! xs_exists $(backend_path $lg2 0)'
	wait_until 20 eval '! xnctl --json list 2>/dev/null | grep -q "\"domid\": $lg2,"'
	d_list=$(xnctl --json list 2>/dev/null | grep -c "\"domid\": $lg2,")
	wait_until 20 eval '[ "$(xennetd_fds)" = "$base_fds" ] && [ "$(xennetd_maps)" = "$base_maps" ]'
	d_res="fds $(xennetd_fds) maps $(xennetd_maps)"
	timeout 60 xl network-attach lg2 mac=00:16:3e:00:01:03 script=vif-xennetd \
		>"$out/lg2-attach.txt" 2>&1
	rc_a=$?
	# libxl gives the new vif the lowest free devid (0 again).
	a_dev=$(xenstore-list "/local/domain/0/backend/vif/$lg2" 2>/dev/null | sort -n | tail -1)
	wait_until 30 eval 'xs_is "$(backend_path $lg2 ${a_dev:-0})/state" 4'
	a_state=$(xenstore-read "$(backend_path "$lg2" "${a_dev:-0}")/state" 2>&1)
	guest_run lg2 60 'sleep 2; d=$(ls /sys/class/net | grep eth | head -1); ip addr add 10.0.1.3/24 dev $d && ip link set $d up && echo $d' \
		>"$out/lg2-reconf.txt" 2>&1
	ping -c 5 -W 2 10.0.1.3 >"$out/lg2-ping-after-attach.txt" 2>&1 ||
		ping -c 5 -W 2 10.0.1.3 >"$out/lg2-ping-after-attach.txt" 2>&1
	a_ping=$(grep -o '[0-9]*% packet loss' "$out/lg2-ping-after-attach.txt")
	a_fds=$(xennetd_fds)
	a_maps=$(xennetd_maps)
	line="detach rc=$rc_d (vif in list: $d_list, $d_res; baseline fds $base_fds maps $base_maps, with lg2 $two_fds/$two_maps); attach rc=$rc_a devid ${a_dev:--} state $a_state, eth $(cat "$out/lg2-reconf.txt"), ping $a_ping"
	if [ "$rc_d" = 0 ] && [ "$d_list" = 0 ] &&
			[ "$d_res" = "fds $base_fds maps $base_maps" ] &&
			[ "$rc_a" = 0 ] && [ "$a_state" = 4 ] && [ "$a_ping" = "0% packet loss" ]; then
		result PASS detach-attach "$line"
	else
		result FAIL detach-attach "$line"
	fi
	# xl destroy in the middle of a transfer to lg2.
	timeout 60 iperf3 -c 10.0.1.3 -t 30 -f m >"$out/lg2-iperf-2.txt" 2>&1 &
	sleep 6
	xl destroy lg2
	wait_until 20 eval '! xnctl --json list 2>/dev/null | grep -q "\"domid\": $lg2,"'
	x_list=$(xnctl --json list 2>/dev/null | grep -c "\"domid\": $lg2,")
	wait_until 30 eval '[ "$(xennetd_fds)" = "$base_fds" ] && [ "$(xennetd_maps)" = "$base_maps" ]'
	x_res="fds $(xennetd_fds) maps $(xennetd_maps)"
	xnctl stats >"$out/destroy-stats.txt" 2>&1
	wait "$by_iperf"
	wait "$by_ping"
	by_bw=$(awk '/receiver/ { for (i = 1; i < NF; i++) if ($(i + 1) == "Mbits/sec") v = $i }
		END { print (v == "" ? "-" : v) }' "$out/bystander-iperf.txt")
	by_zero=$(grep -c ' 0.00 Mbits/sec' "$out/bystander-iperf.txt")
	# Longest stall: consecutive 1-s intervals without a byte.
	by_stall=$(awk '/sec/ && !/sender|receiver/ { if (/ 0.00 Bytes/) { n++; if (n > m) m = n } else n = 0 }
		END { print m + 0 }' "$out/bystander-iperf.txt")
	by_loss=$(grep -o '[0-9.]*% packet loss' "$out/bystander-ping.txt")
	line="destroy mid-transfer: vif in list $x_list, $x_res (baseline fds $base_fds maps $base_maps); bystander lg1: iperf3 90 s $by_bw Mbit/s with $by_zero empty 1-s intervals (longest stall $by_stall s), ping $by_loss"
	if [ "$x_list" = 0 ] && [ "$x_res" = "fds $base_fds maps $base_maps" ] &&
			[ "$by_bw" != - ] && [ "$by_stall" -le 3 ] &&
			[ "${by_loss%%%*}" -le 5 ] 2>/dev/null; then
		result PASS destroy "$line"
	else
		result FAIL destroy "$line"
	fi
else
	result FAIL detach-attach "xl create lg2 rc=$rc or not ready (or no lg1)"
	result FAIL destroy "no lg2"
fi

# --- 6. SIGKILL and restart -----------------------------------------------------
if [ -n "$lg1" ] && xl domid lg1 >/dev/null 2>&1; then
	fe=/local/domain/$lg1/device/vif/0
	be=$(backend_path "$lg1" 0)
	t_kill=$(up)
	xennetd_stop KILL
	mark "xennetd SIGKILLed; fe state $(xenstore-read "$fe/state"), be state $(xenstore-read "$be/state")"
	xennetd_start "$out/xennetd-2.txt"
	wait_until 90 eval 'xs_is "$fe/state" 4 && xs_is "$be/state" 4 &&
		ping -c 1 -W 2 10.0.1.2 >/dev/null 2>&1'
	fe_st=$(xenstore-read "$fe/state" 2>&1)
	be_st=$(xenstore-read "$be/state" 2>&1)
	# The frontend's way back, from the trace since the kill.
	fe_path=$(awk -v t="$t_kill" '{ u = substr($1, 2) + 0 } u >= t && /device\/vif\/0\/state =/' \
		"$out/xenstore-trace.txt" | grep "/$lg1/" | awk '{ printf "%s ", $NF }')
	ping -c 5 -W 2 10.0.1.2 >"$out/restart-ping.txt" 2>&1
	r_bw=$(iperf_tcp 10.0.1.2 "$out/restart-iperf.txt" -t 5)
	line="after SIGKILL + restart: fe state $fe_st (way: $fe_path), be $be_st; ping $(grep -o '[0-9]*% packet loss' "$out/restart-ping.txt"); iperf3 5 s $r_bw Mbit/s"
	if [ "$fe_st" = 4 ] && [ "$be_st" = 4 ] && grep -q ' 0% packet loss' "$out/restart-ping.txt" &&
			[ "$r_bw" != - ]; then
		result PASS sigkill-restart "$line"
	else
		xnctl list >"$out/restart-list.txt" 2>&1
		guest_run lg1 20 'dmesg | tail -20' >"$out/restart-guest-dmesg.txt" 2>&1
		# Diagnosis: would the daemon serve the vif if netfront started
		# over? (Unbind + bind of the driver in the guest: not a reboot,
		# but not transparent either.)
		guest_run lg1 90 'echo vif-0 >/sys/bus/xen/drivers/vif/unbind; sleep 1; echo vif-0 >/sys/bus/xen/drivers/vif/bind; n=0; while [ ! -e /sys/class/net/eth0 ] && [ $n -lt 100 ]; do sleep 0.3; n=$((n + 1)); done; ip addr add 10.0.1.2/24 dev eth0; ip link set eth0 up; sleep 2; ping -c 3 -W 2 10.0.1.1' \
			>"$out/restart-rebind.txt" 2>&1
		rebind=$(grep -o '[0-9]*% packet loss' "$out/restart-rebind.txt")
		result FAIL sigkill-restart "$line; after a driver unbind/bind in the guest: fe $(xenstore-read "$fe/state" 2>&1), ping ${rebind:-failed}"
	fi
else
	result FAIL sigkill-restart "no guest lg1"
fi

xl destroy lg1 2>/dev/null
wait_until 20 eval '! xnctl --json list 2>/dev/null | grep -q "\"domid\""'
xennetd_stop TERM
rc=$?
if [ "$rc" = 0 ] && sanitizer_clean; then
	result PASS lifecycle-exit "SIGTERM: exit 0, no ASan/UBSan report"
else
	result FAIL lifecycle-exit "exit rc=$rc; sanitizer reports: $(ls "$out"/asan.* "$out"/ubsan.* 2>/dev/null | paste -sd' ')"
fi
exit 0
