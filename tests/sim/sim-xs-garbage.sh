#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Hostile frontend keys in xenstore (what a guest may write there): the
# backend refuses to connect (Closing), maps and binds nothing, and
# survives every case.
. "$(dirname "$0")/lib.sh"

sim_env_start "$SIMHV"
start_backend --max-queues 4
xl create 3 || fail "create"
attach 3
FE=$(fe_dir 3)
BE=$(be_dir 3)
wait_state "$BE" 2

good() {
	xs write "$FE/request-rx-copy" 1
	xs write "$FE/feature-rx-notify" 1
	xs write "$FE/tx-ring-ref" 8
	xs write "$FE/rx-ring-ref" 9
	xs write "$FE/event-channel" 1
	xs write "$FE/multi-queue-num-queues" 1
}

# Each case: keys, then Connected; expect Closing; back to InitWait.
cases=(
	"tx-ring-ref=abc"
	"tx-ring-ref=-1"
	"rx-ring-ref=99999999999999999999"
	"event-channel=1x"
	"multi-queue-num-queues=9"
	"multi-queue-num-queues=0"
	"multi-queue-num-queues=2"
	"request-rx-copy=0"
	"feature-rx-notify="
	"tx-ring-ref= 8"
	"tx-ring-ref=8"
)
for c in "${cases[@]}"; do
	good
	xs write "$FE/${c%%=*}" "${c#*=}"
	xs write "$FE/state" 4
	xs wait "$BE/state" 5 5 || fail "case '$c': backend did not refuse"
	xs write "$FE/state" 6
	xs wait "$BE/state" 6 5 || fail "case '$c': no Closed"
	xs write "$FE/state" 1
	xs wait "$BE/state" 2 5 || fail "case '$c': no InitWait again"
done
# A state value that is no state at all.
xs write "$FE/state" "4; rm -rf /"
xs wait "$BE/state" 6 5 || fail "garbage state not taken as Unknown"

backend_stats
check "$XNB_SIM_DIR/testback.stats" "connects == 0" "mapped == 0" "bound == 0"
echo "PASS"
