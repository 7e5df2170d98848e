#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A hostile guest interleaves malformed packets of one class with good
# ones: the backend answers each bad one with an error, counts it, and
# keeps forwarding the good ones, every one verified at the receiver.
#   sim-hostile.sh ... CLASS
. "$(dirname "$0")/lib.sh"

CLASS=$1 COUNT=200
sim_env_start "$SIMHV"
start_backend
start_guest g1 1 --dst-mac "$(mac_of 2)" --count "$COUNT" \
	--hostile "$CLASS" --wait-start
start_guest g2 2 --rx-only --expect-rx "$COUNT"
attach 1
attach 2
wait_state "$(be_dir 1)" 4
wait_state "$(be_dir 2)" 4
start_traffic g1
finish g1
finish g2

OUT=$XNB_SIM_DIR/g1.out
sent=$(json "$OUT" hostile_sent)
check "$OUT" "ok == true" "tx_pkts == $COUNT" "hostile_sent >= $((COUNT - 1))" \
	"hostile_accepted == 0" "hostile_rejected == $sent"
check "$XNB_SIM_DIR/g2.out" "ok == true" "rx_pkts == $COUNT" "rx_bad == 0"
backend_stats
check "$XNB_SIM_DIR/testback.stats" "tx_errors == $sent" \
	"fwd_pkts == $COUNT" "fatal == 0"
echo "PASS"
