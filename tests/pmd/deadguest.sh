#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Closing the port of a dead guest does not wait for its frontend: guest 1
# is SIGKILLed while connected (its domain dies, its xenstore nodes stay,
# nothing will ever answer a Closing), and "port close 0" closes at once,
# saying why, instead of waiting out the graceful-close bound. A guest
# that lives but does not answer (guest 2, SIGSTOPped) still gets the
# graceful close and its bound. A frontend whose device directory the
# toolstack removed (guest 3, SIGSTOPped) is not waited for either,
# whether the port's control thread saw the removal before the close or
# the close finds it.
#
# Usage: deadguest.sh TESTPMD PMD_SO SIMHV SIMXL SIMFRONT XS_TOOL
. "$(dirname "$0")/testpmd-lib.sh"
tp_setup "$1" "$2"
SIMHV=$3 SIMXL=$4 SIMFRONT=$5 XS_TOOL=$6

mac_of() {
	printf '00:16:3e:00:00:%02x' "$1"
}

xl() {
	"$SIMXL" --dir "$TP_SIM" "$@"
}

be() {
	echo "/local/domain/0/backend/vif/$1/0"
}

tp_start_simhv "$SIMHV"
tp_start --log-level='pmd.net.xen*:info' \
	--vdev "net_xen0,domid=1,hv=sim,simdir=$TP_SIM" \
	--vdev "net_xen1,domid=2,hv=sim,simdir=$TP_SIM" \
	--vdev "net_xen2,domid=3,hv=sim,simdir=$TP_SIM" \
	-- -i --total-num-mbufs=8192
tp_wait "testpmd> " 60
declare -A guest
for d in 1 2 3; do
	xl create "$d" || tp_fail "xnb-simxl create $d"
	"$SIMFRONT" --dir "$TP_SIM" --domid "$d" --cpu 0 --rx-only \
		--duration 60 --allow-loss --timeout 30 \
		>"$TP_DIR/g$d.out" 2>"$TP_DIR/g$d.err" &
	guest[$d]=$!
	TP_PIDS+=("$!")
	xl network-attach "$d" "mac=$(mac_of "$d")" \
		>"$TP_DIR/attach$d.out" 2>&1 || tp_fail "network-attach $d"
done
for d in 1 2 3; do
	tp_xs_wait "$XS_TOOL" "$(be "$d")/state" 4 20
done

# 1. Guest 1 dies while connected: only the hypervisor knows.
kill -KILL "${guest[1]}"
tp_reap "${guest[1]}" 10 || tp_fail "guest 1 did not die"
tp_wait_for "$TP_DIR/simhv.out" "domain 1 died" 10
[ "$(tp_xs "$XS_TOOL" read /local/domain/1/device/vif/0/state)" = 4 ] ||
	tp_fail "guest 1's frontend nodes went away: not the case under test"
tp_mark
tp_cmd "port stop 0"
tp_cmd "port close 0"
tp_wait_new "port 0: vif 1\.0 closed"
tp_new_output | grep -q "vif 1\.0: frontend gone (its domain is dead): closing without waiting" ||
	tp_fail "port 0: the close did not see the dead domain"
tp_new_output | grep -q "vif 1\.0: the guest did not close" &&
	tp_fail "port 0: waited for a dead guest"
[ "$(tp_xs "$XS_TOOL" read "$(be 1)/state")" = 6 ] ||
	tp_fail "vif 1.0 backend not Closed"

# 2. Guest 2 lives but is stopped: the close waits for it, bounded.
kill -STOP "${guest[2]}"
tp_mark
tp_cmd "port stop 1"
tp_cmd "port close 1"
tp_wait_new "port 1: vif 2\.0 closed"
tp_new_output | grep -q "port 1: vif 2\.0: the guest did not close in" ||
	tp_fail "port 1: no graceful close for a live guest"
tp_new_output | grep -q "vif 2\.0: frontend gone" &&
	tp_fail "port 1: a live guest taken for gone"
kill -KILL "${guest[2]}"
tp_reap "${guest[2]}" 10 || tp_fail "guest 2 did not die"

# 3. Guest 3's device directory goes (the guest stopped: it cannot act).
kill -STOP "${guest[3]}"
tp_xs "$XS_TOOL" rm /local/domain/3/device/vif/0 ||
	tp_fail "cannot remove guest 3's frontend"
tp_mark
tp_cmd "port stop 2"
tp_cmd "port close 2"
tp_wait_new "port 2: vif 3\.0 closed"
tp_new_output | grep -q "vif 3\.0: the guest did not close" &&
	tp_fail "port 2: waited for a removed frontend"
[ "$(tp_xs "$XS_TOOL" read "$(be 3)/state")" = 6 ] ||
	tp_fail "vif 3.0 backend not Closed"
kill -KILL "${guest[3]}"
tp_reap "${guest[3]}" 10 || tp_fail "guest 3 did not die"

tp_quit
echo "ok: dead or removed guests' ports closed at once, a live one's gracefully"
