#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# network-attach of a device whose directories exist already (a toolstack
# that lost its own record of it): libxl removes and re-makes frontend and
# backend directories in one transaction, so the backend never sees them
# absent, only its state back at Initialising. The backend must probe the
# device anew and the guest must connect again.
. "$(dirname "$0")/lib.sh"

sim_env_start "$SIMHV"
start_backend
start_guest g1 1 --rx-only
attach 1
FE=$(fe_dir 1)
BE=$(be_dir 1)
wait_state "$FE" 4
wait_state "$BE" 4

xs write "$BE/left-over" 1 || fail "xenstore write"
xs rm /libxl/1/device/vif/0 || fail "xenstore rm"
attach 1
xs read "$BE/left-over" >/dev/null 2>&1 &&
	fail "the backend directory was not made afresh"
wait_state "$BE" 4
wait_state "$FE" 4
grep -q "$BE: device re-created" "$XNB_SIM_DIR/testback.err" ||
	fail "backend did not see the device re-created"
backend_stats
check "$XNB_SIM_DIR/testback.stats" "vifs == 1" "connects == 2" \
	"disconnects == 1" "mapped == 2" "bound == 2"
stop g1
check "$XNB_SIM_DIR/g1.out" "ok == true" "connects == 2"
echo "PASS"
