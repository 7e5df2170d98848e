#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guest 1 goes away and comes back while testpmd forwards its traffic to
# guest 2: first its vif is detached and attached again (same guest), then
# the guest reboots (domain destroyed and created again, a new frontend).
# Each time port 0 reports link down and up (LSC events), the same port
# carries the new connection, and guest 2 keeps receiving intact frames.
# Then testpmd itself is killed and started again: its new ports take the
# live connections over, the guests never leave Connected (they would not
# come back by themselves, as Linux netfront), and the traffic goes on.
#
# Usage: reconnect.sh TESTPMD PMD_SO SIMHV SIMXL SIMFRONT XS_TOOL
. "$(dirname "$0")/testpmd-lib.sh"
tp_setup "$1" "$2"
SIMHV=$3 SIMXL=$4 SIMFRONT=$5 XS_TOOL=$6

mac_of() {
	printf '00:16:3e:00:00:%02x' "$1"
}

xl() {
	"$SIMXL" --dir "$TP_SIM" "$@"
}

be1=/local/domain/0/backend/vif/1/0

# start_sender NAME: guest 1 sends 1000 frames/s to guest 2 until stopped.
start_sender() {
	"$SIMFRONT" --dir "$TP_SIM" --domid 1 --cpu 0 --tx-only \
		--dst-mac "$(mac_of 2)" --rate 1000 --duration 60 \
		--allow-loss --timeout 30 >"$TP_DIR/$1.out" 2>"$TP_DIR/$1.err" &
	sender=$!
	TP_PIDS+=("$sender")
}

attach1() {
	xl network-attach 1 "mac=$(mac_of 1)" >>"$TP_DIR/attach1.out" 2>&1 ||
		tp_fail "network-attach 1"
}

# rx_packets: port 0's received frames so far.
rx_packets() {
	tp_mark
	tp_cmd "show port stats 0"
	tp_wait_new "TX-packets"
	tp_new_output | awk '$1 == "RX-packets:" { print $2 }'
}

# wait_more_rx N: until port 0 received more than N frames (20 s).
wait_more_rx() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(rx_packets)" -gt "$1" ] && return 0
		sleep 0.2
	done
	tp_fail "no traffic from guest 1 after it came back"
}

# link_events: LSC events of port 0 printed so far.
link_events() {
	tp_count "Port 0: link state change event"
}

# wait_more_events N WHAT: until port 0 reported more than N LSC events.
wait_more_events() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(link_events)" -gt "$1" ] && return 0
		sleep 0.1
	done
	tp_fail "no link state change event for the $2"
}

tp_start_simhv "$SIMHV"
xl create 1 || tp_fail "xnb-simxl create 1"
xl create 2 || tp_fail "xnb-simxl create 2"
start_sender g1a
"$SIMFRONT" --dir "$TP_SIM" --domid 2 --cpu 0 --rx-only --duration 60 \
	--allow-loss --timeout 30 >"$TP_DIR/g2.out" 2>"$TP_DIR/g2.err" &
receiver=$!
TP_PIDS+=("$receiver")

# The ports exist before the toolstack creates the devices.
tp_start --vdev "net_xen0,domid=1,hv=sim,simdir=$TP_SIM" \
	--vdev "net_xen1,domid=2,hv=sim,simdir=$TP_SIM" \
	-- -i --total-num-mbufs=8192 --no-flush-rx
tp_wait "testpmd> " 60
tp_cmd "start"
tp_wait "io packet forwarding"
attach1
xl network-attach 2 "mac=$(mac_of 2)" >"$TP_DIR/attach2.out" 2>&1 ||
	tp_fail "network-attach 2"
tp_xs_wait "$XS_TOOL" "$be1/state" 4 20
wait_more_rx 100

# 1. Detach and attach the vif of a running guest.
events=$(link_events)
xl network-detach 1 0 >"$TP_DIR/detach1.out" 2>&1 ||
	tp_fail "network-detach 1 0"
wait_more_events "$events" detach
before=$(rx_packets)
events=$(link_events)
attach1
tp_xs_wait "$XS_TOOL" "$be1/state" 4 20
wait_more_rx "$before"
wait_more_events "$events" attach
tp_mark
tp_cmd "show port info 0"
tp_wait_new "Device error handling mode"
tp_new_output | grep -q "Link status: up" || tp_fail "port 0 link not up"

# 2. The guest reboots: a new domain 1 with a new frontend.
kill -TERM "$sender"
tp_reap "$sender" 20 || tp_fail "guest 1 did not stop"
xl destroy 1 >"$TP_DIR/destroy1.out" 2>&1 || tp_fail "xnb-simxl destroy 1"
xl create 1 || tp_fail "xnb-simxl create 1 (reboot)"
before=$(rx_packets)
start_sender g1b
attach1
tp_xs_wait "$XS_TOOL" "$be1/state" 4 20
wait_more_rx "$before"

# 3. testpmd is killed (its grant maps and event channels go with it)
# and started again on the same vifs, under a xenstore trace of both ends
# (one line per write: "PATH VALUE-READ PID-STATE").
mark=/local/domain/0/reconnect-test-mark
"$XS_TOOL" trace 60 "$receiver" "$mark" "$be1/state" \
	/local/domain/0/backend/vif/2/0/state \
	/local/domain/1/device/vif/0/state /local/domain/2/device/vif/0/state \
	"$mark" >"$TP_DIR/trace.out" 2>"$TP_DIR/trace.err" 7>&- &
trace=$!
TP_PIDS+=("$trace")
tp_wait_for "$TP_DIR/trace.err" ready 10
kill -KILL "$TP_TESTPMD_PID"
tp_reap "$TP_TESTPMD_PID" 20 || tp_fail "testpmd did not die"
exec 7>&-
mv "$TP_DIR/testpmd.out" "$TP_DIR/testpmd-killed.out"
[ "$("$XS_TOOL" read "$be1/state")" = 4 ] || tp_fail "state changed by a kill"
tp_start --vdev "net_xen0,domid=1,hv=sim,simdir=$TP_SIM" \
	--vdev "net_xen1,domid=2,hv=sim,simdir=$TP_SIM" \
	-- -i --total-num-mbufs=8192 --no-flush-rx
tp_wait "testpmd> " 60
tp_cmd "start"
tp_wait "io packet forwarding"
wait_more_rx 100
for d in 1 2; do
	[ "$("$XS_TOOL" read "/local/domain/$d/device/vif/0/state")" = 4 ] ||
		tp_fail "guest $d not Connected after the restart"
done
grep -q "state 4 ->" "$TP_DIR/g1b.err" "$TP_DIR/g2.err" &&
	tp_fail "a guest left Connected across the restart"
"$XS_TOOL" write "$mark" done
tp_reap "$trace" 10 && [ "$TP_REAP_RC" = 0 ] ||
	tp_fail "xenstore trace did not end"
# Only the backends wrote, and only Connected (the takeover).
[ "$(grep -c "^/local/domain/0/backend/vif/[12]/0/state 4 " \
	"$TP_DIR/trace.out")" = 2 ] && [ "$(wc -l <"$TP_DIR/trace.out")" = 3 ] ||
	tp_fail "states written across the restart: $(cat "$TP_DIR/trace.out")"

kill -TERM "$sender" "$receiver"
tp_reap "$sender" 20 || tp_fail "guest 1 did not stop"
tp_reap "$receiver" 20 || tp_fail "guest 2 did not stop"
tp_json_check "$TP_DIR/g1a.out" "connects == 2" "tx_errors == 0" ||
	tp_fail "guest 1 (first boot) checks"
tp_json_check "$TP_DIR/g1b.out" "connects == 1" "tx_pkts > 0" \
	"tx_errors == 0" || tp_fail "guest 1 (second boot) checks"
# The rebooted guest numbers its frames from 0 again: guest 2 may count
# those as duplicates, nothing else.
sent_b=$(python3 -c 'import json,sys; print(json.loads([l for l in open(sys.argv[1]) if l.startswith("{")][-1])["tx_pkts"])' "$TP_DIR/g1b.out")
tp_json_check "$TP_DIR/g2.out" "connects == 1" "rx_bad == 0" \
	"rx_pkts > 200" "rx_dup <= $sent_b" || tp_fail "guest 2 checks"
tp_quit
echo "ok: port 0 followed its guest through a detach and a reboot, and" \
	"both guests stayed connected across a testpmd kill and restart"
