#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# network-detach of a connected vif: frontend and backend both reach
# Closed, the backend lets go of every ring and port, the nodes go, and
# the other guest stays connected.
. "$(dirname "$0")/lib.sh"

sim_env_start "$SIMHV"
start_backend
start_guest g1 1 --rx-only
start_guest g2 2 --rx-only
attach 1
attach 2
wait_state "$(fe_dir 1)" 4
wait_state "$(be_dir 1)" 4
wait_state "$(be_dir 2)" 4

xl network-detach 1 0 || fail "network-detach did not see Closed"
grep -q "state 5 -> 6" "$XNB_SIM_DIR/g1.err" || fail "frontend not Closed"
grep -q "$(be_dir 1): state 5 -> 6" "$XNB_SIM_DIR/testback.err" ||
	fail "backend not Closed"
xs wait "$(be_dir 1)" @absent 10 || fail "backend nodes left behind"
xs wait "$(fe_dir 1)" @absent 10 || fail "frontend nodes left behind"
[ "$(xs read "$(be_dir 2)/state")" = 4 ] || fail "g2 lost its vif"

backend_stats
check "$XNB_SIM_DIR/testback.stats" "vifs == 1" "mapped == 2" "bound == 2"
kill -0 "${GUEST_PID[g1]}" || fail "simfront died on detach"
stop g1
stop g2
check "$XNB_SIM_DIR/g1.out" "ok == true" "connects == 1"
echo "PASS"
