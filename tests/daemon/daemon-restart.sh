#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Backend restart without guest reboot, with frontends that behave as
# Linux netfront (Closed stays Closed; InitWait heeded only from
# Initialising).
# 1. SIGKILL (vifs left Connected): the new daemon takes the live
#    connections over; the frontends never leave Connected, no backend
#    state other than Connected is ever written, and traffic resumes.
# 2. SIGTERM (every vif closed, so the guests see the backend go): the
#    guests go Closed and stay so under a new daemon, until the guest
#    admin re-probes the device (driver unbind/bind, simfront's SIGHUP).
# Every frame received across all of it is verified.
. "$(dirname "$0")/daemon-lib.sh"

MARK=/local/domain/0/restart-test-mark

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
wait_state "$(fe_dir 1)" 4
wait_state "$(fe_dir 2)" 4
wait_until 10 in_grows vif1.0 || fail "no traffic before the restart"

# 1. SIGKILL, then a new daemon, under a xenstore trace of both ends.
sim_env_spawn trace "$XSTOOL" --dir "$XNB_SIM_DIR" trace 60 \
	"${GUEST_PID[g1]}" "$MARK" "$(fe_dir 1)/state" "$(fe_dir 2)/state" \
	"$(be_dir 1)/state" "$(be_dir 2)/state" "$MARK"
trace_pid=$SIM_PID
wait_until 10 grep -q ready "$XNB_SIM_DIR/trace.err" ||
	fail "xenstore trace did not start"
kill_daemon
[ "$(xs read "$(be_dir 1)/state")" = 4 ] || fail "state changed by a kill"
start_daemon
wait_until 15 in_grows vif1.0 || fail "vif1.0: no traffic after the kill"
wait_until 15 in_grows vif2.0 || fail "vif2.0: no traffic after the kill"
[ "$(ctl_json 0.hotplug list)" = served ] || fail "vif1.0 not served"
xs write "$MARK" done >/dev/null
sim_env_wait "$trace_pid" 10 || fail "xenstore trace did not end"
# The frontends wrote nothing; the new backend wrote Connected only.
python3 - "$XNB_SIM_DIR/trace.out" "$(fe_dir 1)" "$(fe_dir 2)" \
	"$(be_dir 1)" "$(be_dir 2)" "$MARK" <<'EOF' ||
import sys
lines = [l.split() for l in open(sys.argv[1])]
fe, be, mark = sys.argv[2:4], sys.argv[4:6], sys.argv[6]
bad = [l for l in lines if l[0] != mark and
       (any(l[0].startswith(f + "/") for f in fe) or l[1] != "4")]
seen = [b for b in be if [b + "/state", "4"] in [l[:2] for l in lines]]
sys.exit(1 if bad or len(seen) != 2 else 0)
EOF
	fail "a state other than Connected written: $(cat "$XNB_SIM_DIR/trace.out")"
for g in g1 g2; do
	[ "$(grep -c "state 1 -> 4" "$XNB_SIM_DIR/$g.err")" = 1 ] ||
		fail "$g connected again instead of being taken over"
	! grep -q "state 4 ->" "$XNB_SIM_DIR/$g.err" ||
		fail "$g left Connected"
done

# 2. SIGTERM: the guests see the backend go and stay Closed as Linux
# netfront does, even when a new daemon offers InitWait.
stop_daemon
for d in 1 2; do
	[ "$(xs read "$(be_dir $d)/state")" = 6 ] || fail "vif$d.0 not Closed"
	[ "$(xs read "$(fe_dir $d)/state")" = 6 ] ||
		fail "guest $d not Closed"
done
start_daemon
wait_state "$(be_dir 1)" 2
wait_state "$(be_dir 2)" 2
sleep 1
[ "$(xs read "$(fe_dir 1)/state")" = 6 ] || fail "guest 1 left Closed"
[ "$(xs read "$(fe_dir 2)/state")" = 6 ] || fail "guest 2 left Closed"
# The guest admin re-probes the device: the guests connect again.
kill -HUP "${GUEST_PID[g1]}" "${GUEST_PID[g2]}"
wait_state "$(fe_dir 1)" 4
wait_state "$(fe_dir 2)" 4
wait_until 15 in_grows vif1.0 || fail "vif1.0: no traffic after rebind"
wait_until 15 in_grows vif2.0 || fail "vif2.0: no traffic after rebind"
[ "$(grep -c "state 1 -> 4" "$XNB_SIM_DIR/g1.err")" = 2 ] ||
	fail "guest 1 did not reconnect exactly once"

# The guests never saw a bad or duplicated frame across all of it.
kill -TERM "${GUEST_PID[g1]}" "${GUEST_PID[g2]}"
finish g1 30
finish g2 30
stop_daemon
echo "PASS"
