#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Rx queue interrupts of net_xen against a simulated guest that sends
# slowly: test_rx_intr sleeps in rte_epoll_wait between frames and must get
# every one (see test_rx_intr.c). With "to-guest": frames for a stopped
# guest wait in the PMD's backlog; test_rx_intr sleeps and must be woken
# when the resumed guest posts Rx buffers.
# Usage: rxintr.sh TEST_RX_INTR SIMHV SIMXL SIMFRONT XS_TOOL [to-guest]
. "$(dirname "$0")/testpmd-lib.sh"
TEST=$1 SIMHV=$2 SIMXL=$3 SIMFRONT=$4 XS_TOOL=$5 MODE=${6:-from-guest}
TP_PIDS=()
TP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/xnb-pmd-test.XXXXXX")
TP_PREFIX="xnbpmd$$"
trap tp_cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

if [ "$MODE" = to-guest ]; then
	# More than the guest's Rx ring (256 buffers) holds.
	count=456
	tp_start_simhv "$SIMHV"
	"$SIMXL" --dir "$TP_SIM" create 1 || tp_fail "xnb-simxl create 1"
	"$SIMFRONT" --dir "$TP_SIM" --domid 1 --cpu 0 --rx-only --no-verify \
		--expect-rx "$count" --timeout 60 >"$TP_DIR/g1.out" 2>&1 &
	guest=$!
	TP_PIDS+=("$guest")
	"$SIMXL" --dir "$TP_SIM" network-attach 1 >"$TP_DIR/attach.out" 2>&1 &
	TP_PIDS+=("$!")
	tp_xs_wait "$XS_TOOL" /local/domain/0/backend/vif/1/0/state 1
	coproc APP { timeout 60 "$TEST" --no-huge -m 256 --no-pci -l 1 \
		--file-prefix="$TP_PREFIX" \
		--vdev "net_xen0,domid=1,hv=sim,simdir=$TP_SIM" \
		-- --to-guest "$count" 2>&1; }
	# bash unsets APP and APP_PID once the coprocess exits: keep copies.
	app_pid=$APP_PID
	exec {app_out}<&"${APP[0]}" {app_in}>&"${APP[1]}"
	TP_PIDS+=("$app_pid")
	# The guest stops once connected; then the application sends.
	tp_xs_wait "$XS_TOOL" /local/domain/1/device/vif/0/state 4 20
	kill -STOP "$guest"
	echo go >&"$app_in"
	line=
	while read -r -t 60 line <&"$app_out"; do
		echo "$line"
		[[ "$line" == sent* ]] && break
	done
	kill -CONT "$guest"
	[[ "$line" == sent* ]] || tp_fail "test_rx_intr did not send: $line"
	last=
	while read -r -t 60 line <&"$app_out"; do
		echo "$line"
		last=$line
		[[ "$line" == '{"to_guest":'* ]] && break
	done
	[[ "$last" == *'"to_guest":'$count* ]] || tp_fail "no result line"
	# The guest gets everything while the port is still up.
	tp_reap "$guest" 60 || tp_fail "guest did not finish"
	[ "$TP_REAP_RC" -eq 0 ] || tp_fail "guest: $(tail -1 "$TP_DIR/g1.out")"
	echo done >&"$app_in"
	while read -r -t 60 line <&"$app_out"; do
		echo "$line"
	done
	wait "$app_pid"
	rc=$?
	[ "$rc" -eq 0 ] || tp_fail "test_rx_intr exit status $rc"
	tp_json_check "$TP_DIR/g1.out" "ok == true" "rx_pkts == $count" ||
		tp_fail "guest did not get every frame"
	echo "ok: $count frames for a stopped guest drained by interrupt"
	exit 0
fi

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
