#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The switch with real (simulated) guests: VLANs from the vif's "vlan"
# key keep traffic apart, a guest sending from a MAC that is not its own
# gets nothing through, and the "rate" key limits what a guest can send.
. "$(dirname "$0")/daemon-lib.sh"

now() {
	date +%s.%N
}

sim_start
start_daemon

# 1. VLANs: 1 and 2 in VLAN 10, 3 untagged; 1 broadcasts.
start_guest g1 1 --rate 1000 --duration 3 --wait-start --timeout 30
start_guest g2 2 --rx-only --expect-rx 2000 --timeout 30
start_guest g3 3 --rx-only --allow-loss --timeout 30
attach 1 vlan=10
attach 2 vlan=10
attach 3
for d in 1 2 3; do
	wait_state "$(be_dir "$d")" 4
done
[ "$(ctl_json 0.vlan list)" = 10 ] || fail "vif1.0 VLAN"
[ "$(ctl_json 2.vlan list)" = 0 ] || fail "vif3.0 VLAN"
kill -USR1 "${GUEST_PID[g1]}"
finish g1 30
finish g2 30
[ "$(port_counter vif2.0 out)" -ge 2000 ] || fail "VLAN 10 did not flood"
[ "$(port_counter vif3.0 out)" = 0 ] || fail "VLAN 10 leaked to vif3.0"
kill -TERM "${GUEST_PID[g3]}"
finish g3 30
for d in 1 2 3; do
	xl destroy "$d" >/dev/null 2>&1 || fail "destroy $d"
done

# 2. Anti-spoofing: guest 4 changes its MAC behind the toolstack's back.
start_guest g5 5 --rx-only --allow-loss --timeout 30
attach 5
xl create 4 >/dev/null 2>&1 || fail "create 4"
attach 4
xs write "$(fe_dir 4)/mac" 02:00:00:00:00:44 >/dev/null
sim_env_spawn g4 "$SIMFRONT" --dir "$XNB_SIM_DIR" --domid 4 --rate 1000 \
	--duration 2 --dst-mac "$(mac_of 5)" --allow-loss --timeout 30
GUEST_PID[g4]=$SIM_PID
wait_state "$(be_dir 4)" 4
finish g4 30
[ "$(port_counter vif4.0 spoofed)" -ge 1000 ] || fail "spoofed not counted"
[ "$(port_counter vif4.0 in)" = "$(port_counter vif4.0 spoofed)" ] ||
	fail "spoofed frames were not all dropped"
[ "$(port_counter vif5.0 out)" = 0 ] || fail "spoofed frames got through"
ctl mac-show | grep -q 02:00:00:00:00:44 && fail "spoofed MAC learned"
# Trusted, the same guest gets through.
ctl set-trusted vif4.0 yes >/dev/null
kill -TERM "${GUEST_PID[g5]}"
finish g5 30
for d in 4 5; do
	xl destroy "$d" >/dev/null 2>&1 || fail "destroy $d"
done

# 3. Rate limit from the toolstack: 1 Mbit/s (6250 bytes per 50 ms).
start_guest g7 7 --rx-only --allow-loss --timeout 60
start_guest g6 6 --size 1000 --duration 4 --dst-mac "$(mac_of 7)" \
	--allow-loss --timeout 60 --wait-start
attach 6 rate=1Mb/s
attach 7
wait_state "$(be_dir 6)" 4
wait_state "$(be_dir 7)" 4
[ "$(xs read "$(be_dir 6)/rate")" = 6250,50000 ] || fail "rate key"
[ "$(ctl_json 0.rate list)" = 6250,50000 ] || fail "rate not applied"
kill -USR1 "${GUEST_PID[g6]}"
sleep 1
t0=$(now)
b0=$(port_counter vif6.0 in_bytes)
sleep 2
b1=$(port_counter vif6.0 in_bytes)
t1=$(now)
# An upper bound only: the credit of the time that passed, the burst cap
# (128 KiB) and one burst of 32 frames.
max=$(python3 -c "print(int(125000 * ($t1 - $t0) + 131072 + 32 * 1014))")
echo "vif6.0: $((b1 - b0)) bytes in $(python3 -c "print($t1 - $t0)") s (max $max)"
[ $((b1 - b0)) -le "$max" ] || fail "rate limit exceeded"
[ $((b1 - b0)) -gt 0 ] || fail "nothing passed"
[ "$(port_counter vif6.0 throttled)" -gt 0 ] || fail "never throttled"
# Lifted at runtime: the guest's frames flow at full speed.
ctl set-rate vif6.0 unlimited >/dev/null
finish g6 60
kill -TERM "${GUEST_PID[g7]}"
finish g7 30
stop_daemon
echo "PASS"
