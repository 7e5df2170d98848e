#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Two simfronts exchange COUNT frames of SIZE bytes through the minimal
# backend, each frame verified (headers, length, sequence, payload
# checksum, checksum offload and GSO metadata).
#   sim-traffic.sh ... SIZE COUNT [simfront options, e.g. --queues 2]
. "$(dirname "$0")/lib.sh"

SIZE=$1 COUNT=$2
shift 2
QUEUES=1
for ((i = 1; i <= $#; i++)); do
	[ "${!i}" = --queues ] && { j=$((i + 1)); QUEUES=${!j}; }
done

sim_env_start "$SIMHV"
start_backend
common=(--size "$SIZE" --count "$COUNT" --expect-rx "$COUNT" --wait-start
	--timeout 40 "$@")
start_guest g1 1 --dst-mac "$(mac_of 2)" "${common[@]}"
start_guest g2 2 --dst-mac "$(mac_of 1)" "${common[@]}"
attach 1
attach 2
wait_state "$(fe_dir 1)" 4
wait_state "$(fe_dir 2)" 4
wait_state "$(be_dir 1)" 4
wait_state "$(be_dir 2)" 4
# Split event channels unless asked not to (the backend offers them).
dir=$(fe_dir 1)
[ "$QUEUES" -gt 1 ] && dir=$dir/queue-0
if [[ " $* " = *" --single-evtchn "* ]]; then
	[[ $(xs read "$dir/event-channel") =~ ^[0-9]+$ ]] ||
		fail "event-channel not written"
	xs read "$dir/event-channel-tx" >/dev/null 2>&1 &&
		fail "split event channels with --single-evtchn"
else
	[[ $(xs read "$dir/event-channel-tx") =~ ^[0-9]+$ ]] &&
		[[ $(xs read "$dir/event-channel-rx") =~ ^[0-9]+$ ]] ||
		fail "split event channels not written"
fi
if [ "$QUEUES" -gt 1 ]; then
	[ "$(xs read "$(fe_dir 1)/multi-queue-num-queues")" = "$QUEUES" ] ||
		fail "multi-queue-num-queues"
	xs read "$(fe_dir 1)/queue-$((QUEUES - 1))/tx-ring-ref" >/dev/null ||
		fail "no per-queue keys"
fi

start_traffic g1 g2
finish g1 90
finish g2 90

conds=("ok == true" "tx_pkts == $COUNT" "rx_pkts == $COUNT"
	"rx_bytes == $((COUNT * SIZE))" "rx_bad == 0" "rx_lost == 0"
	"rx_reordered == 0" "rx_dup == 0" "tx_errors == 0"
	"queues_used == $QUEUES")
for ((q = 0; q < QUEUES; q++)); do
	conds+=("queues.$q.rx_pkts > 0" "queues.$q.tx_pkts > 0")
done
if [[ " $* " = *" --gso "* ]]; then
	conds+=("rx_csum_blank == $COUNT")
	[ "$SIZE" -gt 1514 ] && conds+=("rx_gso == $COUNT")
fi
check "$XNB_SIM_DIR/g1.out" "${conds[@]}"
check "$XNB_SIM_DIR/g2.out" "${conds[@]}"
backend_stats
check "$XNB_SIM_DIR/testback.stats" "fwd_pkts == $((2 * COUNT))" \
	"tx_errors == 0" "rx_errors == 0" "drops == 0"
echo "PASS"
