#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# simfront and the minimal backend reach Connected through the toolstack's
# create + network-attach (as libxl would), each writing the keys netfront
# and netback write; a frontend shutdown ends Closed on both sides. The
# frontend directory changes exactly as on Xen 4.17 with Linux 6.1
# netfront (build-lead/e2e-artifacts/datapath/xenstore-trace.txt): libxl's
# keys, then netfront's, in the same order, Initialising -> Connected with
# no Initialised step.
. "$(dirname "$0")/lib.sh"

sim_env_start "$SIMHV"
start_backend
FE=$(fe_dir 1)
BE=$(be_dir 1)
start_guest g1 1 --rx-only
sim_env_spawn trace "$XSTOOL" --dir "$XNB_SIM_DIR" trace 30 0 "$FE/state 4" \
	"$FE"
trace_pid=$SIM_PID
for ((i = 0; i < 100; i++)); do
	grep -q ready "$XNB_SIM_DIR/trace.err" && break
	sleep 0.1
done
grep -q ready "$XNB_SIM_DIR/trace.err" || fail "xenstore trace did not start"
attach 1
sim_env_wait "$trace_pid" 30 || fail "frontend never traced Connected"
wait_state "$FE" 4
wait_state "$BE" 4

want="'' backend backend-id state handle mac trusted mtu"
want+=" xdp-headroom multi-queue-num-queues tx-ring-ref rx-ring-ref"
want+=" event-channel-tx event-channel-rx request-rx-copy feature-rx-notify"
want+=" feature-sg feature-gso-tcpv4 feature-gso-tcpv6"
want+=" feature-ipv6-csum-offload state"
got=$(awk -v fe="$FE" '{ k = substr($1, length(fe) + 2);
	printf "%s%s", (NR > 1 ? " " : ""), (k == "" ? "\047\047" : k) }' \
	"$XNB_SIM_DIR/trace.out")
[ "$got" = "$want" ] ||
	fail "frontend keys in the wrong order:$(printf '\n got: %s\nwant: %s' \
		"$got" "$want")"
grep -q -- "-> 3" "$XNB_SIM_DIR/g1.err" && fail "frontend went Initialised"

# Backend: features, as netback advertises them.
for k in feature-sg feature-rx-copy feature-gso-tcpv4 \
	 feature-split-event-channels; do
	[ "$(xs read "$BE/$k")" = 1 ] || fail "$BE/$k is not 1"
done
[ "$(xs read "$BE/multi-queue-max-queues")" = 4 ] ||
	fail "multi-queue-max-queues"
# Frontend: single queue keys flat in the vif dir, split event channels
# (offered), as netfront writes them.
for k in tx-ring-ref rx-ring-ref event-channel-tx event-channel-rx; do
	[[ $(xs read "$FE/$k") =~ ^[0-9]+$ ]] || fail "$FE/$k not a number"
done
for k in request-rx-copy feature-rx-notify feature-sg feature-gso-tcpv4 \
	 feature-gso-tcpv6 feature-ipv6-csum-offload multi-queue-num-queues; do
	[ "$(xs read "$FE/$k")" = 1 ] || fail "$FE/$k is not 1"
done
[ "$(xs read "$FE/xdp-headroom")" = 0 ] || fail "$FE/xdp-headroom is not 0"
xs read "$FE/queue-0/tx-ring-ref" 2>/dev/null &&
	fail "single queue wrote queue-0/"
xs read "$FE/event-channel" 2>/dev/null &&
	fail "one event channel although split ones are offered"

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
