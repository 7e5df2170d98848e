#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Rx queue interrupts of net_xen against a simulated guest that sends
# slowly: test_rx_intr sleeps in rte_epoll_wait between frames and must get
# every one (see test_rx_intr.c).
# Usage: rxintr.sh TEST_RX_INTR SIMHV SIMXL SIMFRONT XS_TOOL
. "$(dirname "$0")/testpmd-lib.sh"
TEST=$1 SIMHV=$2 SIMXL=$3 SIMFRONT=$4 XS_TOOL=$5
TP_PIDS=()
TP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/xnb-pmd-test.XXXXXX")
TP_PREFIX="xnbpmd$$"
trap tp_cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

count=200
tp_start_simhv "$SIMHV"
"$SIMXL" --dir "$TP_SIM" create 1 || tp_fail "xnb-simxl create 1"
"$SIMFRONT" --dir "$TP_SIM" --domid 1 --cpu 0 --tx-only --count "$count" \
	--rate 100 --timeout 30 >"$TP_DIR/g1.out" 2>&1 &
TP_PIDS+=("$!")
"$SIMXL" --dir "$TP_SIM" network-attach 1 >"$TP_DIR/attach.out" 2>&1 &
TP_PIDS+=("$!")
tp_xs_wait "$XS_TOOL" /local/domain/0/backend/vif/1/0/state 1

timeout 60 "$TEST" --no-huge -m 256 --no-pci -l 1 \
	--file-prefix="$TP_PREFIX" \
	--vdev "net_xen0,domid=1,hv=sim,simdir=$TP_SIM" -- "$count" \
	>"$TP_DIR/test.out" 2>&1
rc=$?
cat "$TP_DIR/test.out"
[ "$rc" -eq 0 ] || tp_fail "test_rx_intr exit status $rc"
grep -q "\"frames\":$count," "$TP_DIR/test.out" || tp_fail "frame count"
echo "ok: $count frames received by interrupt"
