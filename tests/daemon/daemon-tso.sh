#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Guest GSO across the switch ([switch] tso). A guest sends 64 KiB TCP/IPv4
# GSO frames to broadcast; a guest that negotiated GSO, one that did not
# and a physical port without TSO (net_null) receive them.
#  1. tso = yes: the sender's vif takes the frames whole (LRO, no PMD
#     segmentation); the GSO guest gets GSO frames, the switch cuts them
#     for the other guest and for the NIC.
#  2. tso = auto with that NIC: LRO stays off, the PMD cuts every frame on
#     the way in, nobody gets GSO frames and the switch cuts nothing.
. "$(dirname "$0")/daemon-lib.sh"

# A segmented 64 KiB frame is 46 frames for the guest at once: slow
# enough (20 frames/s) that the PMD's backlog (256 frames) covers a guest
# descheduled for ~250 ms on a loaded machine.
COUNT=60
SIZE=65535
# simfront's frames: Ethernet + IPv4 + TCP headers, gso_size 1448
# (xnb-simfront fe_pkt.h).
HDRS=54 MSS=1448
SEGS=$(((SIZE - HDRS + MSS - 1) / MSS))
SEG_BYTES=$((COUNT * (SIZE + (SEGS - 1) * HDRS)))

check() {
	python3 "$(dirname "$0")/../json_check.py" "$@" ||
		fail "$(basename "$1"): checks failed"
}

lcores_sum() {
	ctl --json lcores | python3 -c '
import json, sys
print(sum(l[sys.argv[1]] for l in json.load(sys.stdin)))' "$1"
}

port_json() {
	ctl --json ports | python3 -c '
import json, sys
p = [p for p in json.load(sys.stdin) if p["name"] == sys.argv[1]][0]
v = p[sys.argv[2]]
print(str(v).lower() if isinstance(v, bool) else v)' "$1" "$2"
}

sw_gso() {
	ctl_json queues.0.xstats.rx_q0_sw_gso stats "$1"
}

link_up() {
	[ "$(port_json "$1" link)" = up ]
}

# What the ports say while every guest is connected.
ports_lro() {
	[ "$(port_json vif1.0 lro)" = true ] || fail "vif1.0 without LRO"
	[ "$(port_json vif2.0 tso)" = true ] || fail "vif2.0 (GSO) not TSO"
	[ "$(port_json vif3.0 tso)" = false ] || fail "vif3.0 (no GSO) TSO"
	[ "$(port_json null0 tso)" = false ] || fail "net_null TSO"
}

ports_no_lro() {
	[ "$(port_json vif1.0 lro)" = false ] || fail "auto: vif1.0 with LRO"
}

# run TSO-MODE GSO-GUEST-FRAMES: one daemon, three guests; CHECKS run once
# every guest is connected, the rest is left to the caller.
run() {
	cat >"$XNB_SIM_DIR/xennetd.conf" <<CONF
[switch]
tso = $1
[port null0]
devargs = net_null0,no-rx=1
CONF
	start_daemon --config "$XNB_SIM_DIR/xennetd.conf"
	start_guest g1 1 --gso --size $SIZE --tx-only --count $COUNT \
		--rate 20 --wait-start --timeout 60
	start_guest g2 2 --rx-only --expect-rx "$2" --timeout 60 \
		$([ "$2" = $COUNT ] || echo --no-verify)
	start_guest g3 3 --no-gso --rx-only --no-verify \
		--expect-rx $((COUNT * SEGS)) --timeout 60
	for d in 1 2 3; do
		attach "$d"
	done
	for d in 1 2 3; do
		wait_state "$(be_dir "$d")" 4
	done
	for d in 1 2 3; do
		wait_until 10 link_up "vif$d.0" || fail "vif$d.0 link not up"
	done
	"${CHECKS[@]}"
	kill -USR1 "${GUEST_PID[g1]}"
	finish g1 60
	finish g2 60
	finish g3 60
}

sim_start

# 1. Frames cross the switch whole.
CHECKS=(ports_lro)
run yes $COUNT
[ "$(sw_gso vif1.0)" = 0 ] || fail "the PMD segmented with LRO on"
check "$XNB_SIM_DIR/g2.out" "ok == true" "rx_pkts == $COUNT" \
	"rx_gso == $COUNT" "rx_bytes == $((COUNT * SIZE))" "rx_bad == 0"
check "$XNB_SIM_DIR/g3.out" "ok == true" "rx_pkts == $((COUNT * SEGS))" \
	"rx_gso == 0" "rx_bytes == $SEG_BYTES"
[ "$(ctl_json tx.packets stats null0)" = $((COUNT * SEGS)) ] ||
	fail "net_null got $(ctl_json tx.packets stats null0) frames"
[ "$(lcores_sum gso)" = $((2 * COUNT)) ] || fail "switch gso count"
[ "$(lcores_sum gso_segs)" = $((2 * COUNT * SEGS)) ] ||
	fail "switch gso_segs count"
[ "$(lcores_sum offload_drop)" = 0 ] || fail "offload drops"
stop_daemon
for d in 1 2 3; do
	xl destroy "$d" >/dev/null 2>&1 || fail "destroy $d"
done

# 2. A physical port without TSO: auto keeps LRO off.
CHECKS=(ports_no_lro)
run auto $((COUNT * SEGS))
[ "$(sw_gso vif1.0)" = $COUNT ] || fail "auto: PMD sw_gso $(sw_gso vif1.0)"
check "$XNB_SIM_DIR/g2.out" "ok == true" "rx_pkts == $((COUNT * SEGS))" \
	"rx_gso == 0" "rx_bytes == $SEG_BYTES"
check "$XNB_SIM_DIR/g3.out" "ok == true" "rx_pkts == $((COUNT * SEGS))" \
	"rx_gso == 0" "rx_bytes == $SEG_BYTES"
[ "$(ctl_json tx.packets stats null0)" = $((COUNT * SEGS)) ] ||
	fail "auto: net_null got $(ctl_json tx.packets stats null0) frames"
[ "$(lcores_sum gso)" = 0 ] || fail "auto: the switch segmented"
stop_daemon
echo PASS
