#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A net_xen port whose guest does not exist (yet): the port probes, reports
# link down, forwards nothing, answers stats/xstats, and closes cleanly
# (backend state Closed in xenstore).
# Usage: noguest.sh TESTPMD PMD_SO SIMHV XS_TOOL
. "$(dirname "$0")/testpmd-lib.sh"
tp_setup "$1" "$2"
SIMHV=$3
XS_TOOL=$4

tp_start_simhv "$SIMHV"
be=/local/domain/0/backend/vif/7/0

tp_start --vdev "net_xen0,domid=7,hv=sim,simdir=$TP_SIM" \
	-- -i --total-num-mbufs=4096
tp_wait "Port 0: FE:58:00:07:00:00"
tp_wait "testpmd> "
# The backend advertised itself and waits for a frontend.
tp_xs_wait "$XS_TOOL" "$be/state" 2
[ "$(tp_xs "$XS_TOOL" read "$be/multi-queue-max-queues")" = 1 ] ||
	tp_fail "multi-queue-max-queues is not 1"
[ "$(tp_xs "$XS_TOOL" read "$be/feature-sg")" = 1 ] ||
	tp_fail "feature-sg not advertised"

tp_mark
tp_cmd "show port info 0"
tp_wait_new "Device error handling mode"
tp_new_output | grep -q "Driver name: net_xen" || tp_fail "driver name"
tp_new_output | grep -q "Link status: down" || tp_fail "link is not down"
tp_new_output | grep -q "Max possible RX queues: 1" || tp_fail "max rx queues"

# Forwarding with no guest: nothing moves, nothing breaks.
tp_cmd "start"
sleep 1
# stop's forward statistics also print "TX-packets:": wait for its end
# before marking, so they are not taken for the port stats.
tp_mark
tp_cmd "stop"
tp_wait_new "^Done\."
tp_mark
tp_cmd "show port stats 0"
tp_wait_new "RX-packets: [0-9]+ +RX-missed"
tp_new_output | grep -Eq "RX-packets: 0 +RX-missed: 0 +RX-bytes: +0" ||
	tp_fail "rx counters not zero"

tp_mark
tp_cmd "show port xstats 0"
tp_wait_new "ctrl_notify: 0"
tp_new_output | grep -q "rx_q0_drop_slots: 0" || tp_fail "xstats names"

tp_quit
# dev_close told xenstore the backend is gone.
tp_xs_wait "$XS_TOOL" "$be/state" 6
echo "ok: port without guest"
