#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Hotplug as the toolstack does it: network-attach brings a vif to InitWait
# within libxl's limit (xnb-simxl enforces it) and the guest connects;
# traffic crosses the switch; attach/detach of another vif under traffic;
# network-detach and destroy take ports down to Closed; SIGTERM closes
# every vif (Closing -> Closed) and the daemon exits cleanly.
. "$(dirname "$0")/daemon-lib.sh"

sim_start
start_daemon
[ "$(ctl_json "" list)" = "[]" ] || fail "vifs listed before any exist"

# Two guests exchanging unicast traffic through the switch.
start_guest g1 1 --dst-mac "$(mac_of 2)" --rate 2000 --duration 4 \
	--expect-rx 8000 --timeout 30 --wait-start
start_guest g2 2 --dst-mac "$(mac_of 1)" --rate 2000 --duration 4 \
	--expect-rx 8000 --timeout 30 --wait-start
attach 1
attach 2
wait_state "$(be_dir 1)" 4
wait_state "$(be_dir 2)" 4
[ "$(ctl_json 0.state list)" = Connected ] || fail "vif1.0 not Connected"
[ "$(ctl_json 0.mac list)" = "$(mac_of 1)" ] || fail "vif1.0 MAC"
[ "$(ctl_json 1.hotplug list)" = served ] || fail "vif2.0 not served"
# Both connected: traffic now, none may be lost.
kill -USR1 "${GUEST_PID[g1]}" "${GUEST_PID[g2]}"

# Attach and detach a third vif five times while they talk.
start_guest g3 3 --rx-only --allow-loss --timeout 60
for i in 1 2 3 4 5; do
	attach 3
	wait_state "$(be_dir 3)" 4
	xl network-detach 3 0 >/dev/null 2>&1 ||
		fail "network-detach 3 (round $i) did not reach Closed"
	wait_until 10 bash -c "! '$XENNETCTL' --socket '$SOCK' ports | \
		grep -q vif3.0" || fail "vif3.0 port still there (round $i)"
done

finish g1 60
finish g2 60
# Learned unicast: nothing was flooded to vif3.0 by g1/g2's traffic
# beyond the first frames, and no frame was refused by the switch.
[ "$(port_counter vif1.0 spoofed)" = 0 ] || fail "vif1.0 spoofed frames"
[ "$(port_counter vif1.0 in)" -ge 8000 ] || fail "vif1.0 switched too few"
[ "$(port_counter vif2.0 out)" -ge 8000 ] || fail "vif2.0 got too few"

# network-detach: Closing -> Closed, the port goes away.
xl network-detach 1 0 >/dev/null 2>&1 || fail "network-detach 1"
wait_until 10 bash -c "! '$XENNETCTL' --socket '$SOCK' ports | \
	grep -q vif1.0" || fail "vif1.0 port still there"
# destroy: the domain's vifs go too.
kill -TERM "${GUEST_PID[g3]}" 2>/dev/null || true
xl destroy 3 >/dev/null 2>&1 || true
xl destroy 1 >/dev/null 2>&1 || fail "destroy 1"

# SIGTERM with a connected guest: the backend goes Closing -> Closed and
# the frontend follows; the daemon exits 0.
start_guest g4 4 --rate 100 --allow-loss --timeout 60
attach 4
wait_state "$(be_dir 4)" 4
stop_daemon
[ "$(xs read "$(be_dir 4)/state")" = 6 ] || fail "vif4.0 backend not Closed"
[ "$(xs read "$(be_dir 2)/state")" = 6 ] || fail "vif2.0 backend not Closed"
case "$(xs read "$(fe_dir 4)/state")" in
1 | 5 | 6) ;;
*) fail "vif4.0 frontend did not follow the backend" ;;
esac
cat "$XNB_SIM_DIR"/xennetd.* | grep -q "vif4.0: port .* removed" ||
	fail "no removal logged"
echo "PASS"
