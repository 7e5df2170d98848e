#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A hostile guest behind a net_xen port inside stock testpmd: guest 1 sends
# every other frame malformed (xnb-simfront --hostile CLASS) towards guest 2
# through io forwarding. Dropping classes: every bad frame is refused and
# counted on port 0, every good one reaches guest 2 intact. The fatal class:
# vif 1 is disconnected (link down event, xenstore "error"), testpmd and
# port 1 carry on untouched.
#
# Usage: hostile.sh TESTPMD PMD_SO SIMHV SIMXL SIMFRONT XS_TOOL CLASS
. "$(dirname "$0")/testpmd-lib.sh"
tp_setup "$1" "$2"
SIMHV=$3 SIMXL=$4 SIMFRONT=$5 XS_TOOL=$6 CLASS=$7

count=2000
rate=2000
fatal=false
case "$CLASS" in
bad-gref) counter=rx_q0_drop_grant ;;
too-many-slots) counter=rx_q0_drop_slots ;;
runt) counter=rx_q0_drop_runt ;;
bad-offset) counter=rx_q0_fatal fatal=true ;;
*) tp_fail "unknown class '$CLASS'" ;;
esac

mac_of() {
	printf '00:16:3e:00:00:%02x' "$1"
}

xl() {
	"$SIMXL" --dir "$TP_SIM" "$@"
}

be() {
	echo "/local/domain/0/backend/vif/$1/0"
}

tp_start_simhv "$SIMHV"
xl create 1 || tp_fail "xnb-simxl create 1"
xl create 2 || tp_fail "xnb-simxl create 2"
"$SIMFRONT" --dir "$TP_SIM" --domid 1 --cpu 0 --wait-start --tx-only \
	--hostile "$CLASS" --dst-mac "$(mac_of 2)" --count "$count" \
	--rate "$rate" --timeout 20 >"$TP_DIR/g1.out" 2>"$TP_DIR/g1.err" &
g1=$!
TP_PIDS+=("$g1")
g2_args=(--expect-rx "$count")
if $fatal; then
	# Guest 1 is cut off after its first bad frame: guest 2 only has to
	# survive, not to receive a given number of frames.
	g2_args=(--duration 8 --allow-loss)
fi
"$SIMFRONT" --dir "$TP_SIM" --domid 2 --cpu 0 --rx-only "${g2_args[@]}" \
	--timeout 20 >"$TP_DIR/g2.out" 2>"$TP_DIR/g2.err" &
g2=$!
TP_PIDS+=("$g2")

for d in 1 2; do
	xl network-attach "$d" "mac=$(mac_of "$d")" \
		>"$TP_DIR/attach$d.out" 2>&1 &
	TP_PIDS+=("$!")
	tp_xs_wait "$XS_TOOL" "$(be "$d")/state" 1
done
tp_start --vdev "net_xen0,domid=1,hv=sim,simdir=$TP_SIM" \
	--vdev "net_xen1,domid=2,hv=sim,simdir=$TP_SIM" \
	-- -i --total-num-mbufs=16384 --no-flush-rx
tp_wait "testpmd> " 60
for d in 1 2; do
	tp_xs_wait "$XS_TOOL" "$(be "$d")/state" 4 20
done
tp_cmd "start"
tp_wait "io packet forwarding"
kill -USR1 "$g1"

if $fatal; then
	# The frontend waits for a new backend that never comes: stop it.
	tp_wait "Port 0: link state change event" 20
	kill -TERM "$g1"
fi
tp_reap "$g1" 60 || tp_fail "guest 1 did not finish"
tp_json_check "$TP_DIR/g1.out" "hostile_sent > 0" ||
	tp_fail "guest 1 sent nothing hostile"
sent=$(python3 -c 'import json,sys; print(json.loads([l for l in open(sys.argv[1]) if l.startswith("{")][-1])["hostile_sent"])' "$TP_DIR/g1.out")

if $fatal; then
	tp_xs_wait "$XS_TOOL" "$(be 1)/state" 6 20
	"$XS_TOOL" read "$(be 1)/error" >/dev/null ||
		tp_fail "no error node for the hostile vif"
	[ "$("$XS_TOOL" read "$(be 2)/state")" = 4 ] ||
		tp_fail "vif 2 lost its connection"
	tp_reap "$g2" 30 || tp_fail "guest 2 did not finish"
	[ "$TP_REAP_RC" -eq 0 ] || tp_fail "guest 2 exit status $TP_REAP_RC"
	tp_json_check "$TP_DIR/g2.out" "ok == true" "rx_bad == 0" ||
		tp_fail "guest 2 checks"
else
	tp_json_check "$TP_DIR/g1.out" "hostile_rejected == $sent" \
		"hostile_accepted == 0" "tx_pkts == $count" "tx_errors == 0" ||
		tp_fail "guest 1 checks"
	tp_reap "$g2" 30 || tp_fail "guest 2 did not finish"
	[ "$TP_REAP_RC" -eq 0 ] || tp_fail "guest 2 exit status $TP_REAP_RC"
	tp_json_check "$TP_DIR/g2.out" "ok == true" "rx_pkts == $count" \
		"rx_bad == 0" "rx_lost == 0" || tp_fail "guest 2 checks"
fi

tp_cmd "stop"
tp_mark
tp_cmd "show port xstats 0"
tp_wait_new "ctrl_notify"
got=$(tp_new_output | awk -v c="$counter:" '$1 == c { print $2 }')
if $fatal; then
	[ "$got" = 1 ] || tp_fail "$counter is '$got', not 1"
else
	[ "$got" = "$sent" ] || tp_fail "$counter is '$got', not $sent"
	tp_new_output | grep -q "rx_q0_packets: $count\$" ||
		tp_fail "port 0 did not receive exactly $count good frames"
	tp_new_output | grep -q "rx_q0_fatal: 0\$" ||
		tp_fail "vif 1 was cut off for droppable frames"
fi
tp_quit
echo "ok: $CLASS: $sent hostile frames handled"
