#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Backend restart without guest reboot. After a clean stop (SIGTERM: every
# vif Closed) a new daemon adopts the vifs, the guests reconnect on
# InitWait and traffic resumes. After SIGKILL (vifs left Connected) the new
# daemon puts them Closed first so the frontends close and start over, and
# traffic resumes too.
. "$(dirname "$0")/daemon-lib.sh"

# in_grows PORT: the switch sees frames from PORT arriving.
in_grows() {
	local a b

	a=$(port_counter "$1" in) || return 1
	sleep 0.5
	b=$(port_counter "$1" in) || return 1
	[ "$b" -gt "$a" ]
}

sim_start
start_daemon
start_guest g1 1 --dst-mac "$(mac_of 2)" --rate 1000 --allow-loss \
	--timeout 60
start_guest g2 2 --dst-mac "$(mac_of 1)" --rate 1000 --allow-loss \
	--timeout 60
attach 1
attach 2
wait_state "$(be_dir 1)" 4
wait_state "$(be_dir 2)" 4
wait_until 10 in_grows vif1.0 || fail "no traffic before the restart"

# 1. SIGTERM: every vif Closing -> Closed, then a new daemon adopts the
# Closed vifs and the guests reconnect.
stop_daemon
[ "$(xs read "$(be_dir 1)/state")" = 6 ] || fail "vif1.0 not Closed"
[ "$(xs read "$(be_dir 2)/state")" = 6 ] || fail "vif2.0 not Closed"
start_daemon
wait_until 15 in_grows vif1.0 || fail "vif1.0: no traffic after stop/start"
wait_until 15 in_grows vif2.0 || fail "vif2.0: no traffic after stop/start"
[ "$(ctl_json 0.hotplug list)" = served ] || fail "vif1.0 not served"
[ "$(grep -c "state 1 -> 4" "$XNB_SIM_DIR/g1.err")" = 2 ] ||
	fail "guest 1 did not reconnect exactly once"

# 2. SIGKILL: the vifs stay Connected as the dead daemon left them. The
# new one puts them Closed first, the frontends close and reconnect on
# InitWait, and traffic resumes.
kill_daemon
[ "$(xs read "$(be_dir 1)/state")" = 4 ] || fail "state changed by a kill"
start_daemon
wait_state "$(be_dir 1)" 4
wait_state "$(be_dir 2)" 4
wait_until 15 in_grows vif1.0 || fail "vif1.0: no traffic after the kill"
wait_until 15 in_grows vif2.0 || fail "vif2.0: no traffic after the kill"
[ "$(grep -c "state 1 -> 4" "$XNB_SIM_DIR/g1.err")" = 3 ] ||
	fail "guest 1 did not reconnect after the kill"

# The guests never saw a bad frame across all of it.
kill -TERM "${GUEST_PID[g1]}" "${GUEST_PID[g2]}"
finish g1 30
finish g2 30
stop_daemon
echo "PASS"
