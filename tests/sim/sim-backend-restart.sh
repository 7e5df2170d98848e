#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The backend goes away (Closing, Closed) and comes back (InitWait): the
# frontend goes Closed and, as Linux netfront, stays Closed (InitWait is
# heeded only from Initialising) until the guest re-probes the device
# (driver unbind/bind: simfront's SIGHUP); then it reconnects and traffic
# (to itself: it is alone) flows again.
. "$(dirname "$0")/lib.sh"

sim_env_start "$SIMHV"
start_backend
start_guest g1 1 --rate 500 --duration 6 --allow-loss --expect-rx 100 \
	--timeout 20 --wait-start
attach 1
FE=$(fe_dir 1)
wait_state "$FE" 4
wait_state "$(be_dir 1)" 4
start_traffic g1
sleep 1
kill -TERM "$TB_PID"
sim_env_wait "$TB_PID" 10 || fail "backend exit"
wait_state "$FE" 6
start_backend
wait_state "$(be_dir 1)" 2
sleep 1
[ "$(xs read "$FE/state")" = 6 ] || fail "frontend left Closed by itself"
kill -HUP "${GUEST_PID[g1]}"
wait_state "$FE" 4
finish g1 30

check "$XNB_SIM_DIR/g1.out" "ok == true" "connects == 2" "rx_bad == 0" \
	"rx_dup == 0" "rx_pkts >= 100"
echo "PASS"
