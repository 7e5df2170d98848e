#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Zero-copy against a hostile guest: net_xen0 (copy_threshold=0: every
# fragment after the first is grant-mapped) serves zc_bad_frag, whose
# frames name a grant that does not exist in the mapped slot every other
# time; testpmd io-forwards to net_null. Every bad frame is answered
# NETIF_RSP_ERROR and counted as a failed map, every good one goes
# zero-copy and is answered once net_null freed it; nothing stays mapped.
#
# Usage: zc-hostile.sh TESTPMD PMD_SO SIMHV SIMXL ZC_BAD_FRAG XS_TOOL
. "$(dirname "$0")/testpmd-lib.sh"
tp_setup "$1" "$2"
SIMHV=$3 SIMXL=$4 GUEST=$5 XS_TOOL=$6

count=64
be=/local/domain/0/backend/vif/1/0

tp_start_simhv "$SIMHV"
"$SIMXL" --dir "$TP_SIM" create 1 || tp_fail "xnb-simxl create 1"
"$GUEST" "$TP_SIM" 1 "$count" >"$TP_DIR/g1.out" 2>"$TP_DIR/g1.err" &
g1=$!
TP_PIDS+=("$g1")
"$SIMXL" --dir "$TP_SIM" network-attach 1 "mac=00:16:3e:00:00:01" \
	>"$TP_DIR/attach1.out" 2>&1 &
TP_PIDS+=("$!")
tp_xs_wait "$XS_TOOL" "$be/state" 1
tp_start --vdev "net_xen0,domid=1,hv=sim,simdir=$TP_SIM,copy_threshold=0" \
	--vdev net_null0 -- -i --total-num-mbufs=4096 --no-flush-rx
tp_wait "testpmd> " 60
tp_xs_wait "$XS_TOOL" "$be/state" 4 20
tp_cmd "start"
tp_wait "io packet forwarding"

tp_reap "$g1" 40 || tp_fail "the guest did not finish"
[ "$TP_REAP_RC" -eq 0 ] || {
	cat "$TP_DIR/g1.out" "$TP_DIR/g1.err" >&2
	tp_fail "guest exit status $TP_REAP_RC"
}
tp_cmd "stop"
tp_mark
tp_cmd "show port xstats 0"
tp_wait_new "ctrl_notify"
tp_new_output >"$TP_DIR/xstats.txt"
xstat() {
	awk -v n="$1:" '$1 == n { print $2 }' "$TP_DIR/xstats.txt"
}
half=$((count / 2))
for want in "rx_q0_zc_map_fail $half" "rx_q0_drop_grant $half" \
	    "rx_q0_zc_frames $half" "rx_q0_packets $half" \
	    "rx_q0_gmap_calls $count" "rx_q0_gmap_ops $half" \
	    "rx_q0_gunmap_ops $half" "rx_q0_zc_inflight 0" "rx_q0_fatal 0"; do
	set -- $want
	[ "$(xstat "$1")" = "$2" ] || {
		cat "$TP_DIR/xstats.txt" >&2
		tp_fail "$1 is '$(xstat "$1")', not $2"
	}
done
tp_quit
echo "ok: $half bad mapped fragments refused, $half frames zero-copy"
