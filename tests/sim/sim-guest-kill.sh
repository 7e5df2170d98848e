#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A guest killed in the middle of traffic: the backend survives, notices,
# and after the toolstack's destroy holds nothing of it; the other guest
# keeps working.
. "$(dirname "$0")/lib.sh"

sim_env_start "$SIMHV"
start_backend
start_guest g1 1 --dst-mac "$(mac_of 2)" --rate 2000 --duration 30 \
	--size 1514 --wait-start
start_guest g2 2 --rx-only
attach 1
attach 2
wait_state "$(be_dir 1)" 4
wait_state "$(be_dir 2)" 4
start_traffic g1
for ((i = 0; i < 50; i++)); do
	backend_stats
	[ "$(json "$XNB_SIM_DIR/testback.stats" fwd_pkts)" -gt 100 ] && break
	sleep 0.1
done
kill -KILL "${GUEST_PID[g1]}"
# The simulator fires @releaseDomain; the backend must find out by itself.
for ((i = 0; i < 100; i++)); do
	backend_stats
	[ "$(json "$XNB_SIM_DIR/testback.stats" dead)" = 1 ] && break
	sleep 0.1
done
check "$XNB_SIM_DIR/testback.stats" "dead == 1" "mapped == 2" "bound == 2"
# Then the toolstack's destroy, as xl does on the domain's death.
xl destroy 1 || fail "destroy"
xs wait "$(be_dir 1)" @absent 15 || fail "backend nodes of dom1 left"

backend_stats
check "$XNB_SIM_DIR/testback.stats" "vifs == 1" "mapped == 2" "bound == 2" \
	"fwd_pkts > 100" "dead == 1"
[ "$(xs read "$(be_dir 2)/state")" = 4 ] || fail "g2 lost its vif"
stop g2
check "$XNB_SIM_DIR/g2.out" "ok == true" "rx_pkts > 100" "rx_bad == 0"
echo "PASS"
