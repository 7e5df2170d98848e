#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# simfront and the minimal backend reach Connected through the toolstack's
# create + network-attach (as libxl would), each writing the keys netfront
# and netback write; a frontend shutdown ends Closed on both sides.
. "$(dirname "$0")/lib.sh"

sim_env_start "$SIMHV"
start_backend
start_guest g1 1 --rx-only
attach 1
FE=$(fe_dir 1)
BE=$(be_dir 1)
wait_state "$FE" 4
wait_state "$BE" 4

# Backend: features, as netback advertises them.
for k in feature-sg feature-rx-copy feature-gso-tcpv4 \
	 feature-split-event-channels; do
	[ "$(xs read "$BE/$k")" = 1 ] || fail "$BE/$k is not 1"
done
[ "$(xs read "$BE/multi-queue-max-queues")" = 4 ] ||
	fail "multi-queue-max-queues"
# Frontend: single queue keys flat in the vif dir, as netfront writes them.
for k in tx-ring-ref rx-ring-ref event-channel; do
	[[ $(xs read "$FE/$k") =~ ^[0-9]+$ ]] || fail "$FE/$k not a number"
done
for k in request-rx-copy feature-rx-notify feature-sg feature-gso-tcpv4 \
	 feature-gso-tcpv6 feature-ipv6-csum-offload multi-queue-num-queues; do
	[ "$(xs read "$FE/$k")" = 1 ] || fail "$FE/$k is not 1"
done
xs read "$FE/queue-0/tx-ring-ref" 2>/dev/null &&
	fail "single queue wrote queue-0/"
xs read "$FE/event-channel-tx" 2>/dev/null &&
	fail "split event channels without --split-evtchn"

# Netfront's remove: Closing, then Closed; the backend follows.
stop g1
wait_state "$FE" 6
wait_state "$BE" 6
check "$XNB_SIM_DIR/g1.out" "ok == true" "connects == 1" "queues_used == 1"
grep -q "state 4 -> 5" "$XNB_SIM_DIR/g1.err" || fail "frontend skipped Closing"
backend_stats
check "$XNB_SIM_DIR/testback.stats" "mapped == 0" "bound == 0" \
	"connects == 1" "disconnects == 1"
echo "PASS"
