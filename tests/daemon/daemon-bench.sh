#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Benchmark (suite 'bench', run on purpose): the daemon's CPU use with
# many idle guests connected (adaptive polling must let the worker
# sleep), then the switching rate between two guests sending as fast as
# they can, small and large frames. Prints the numbers; checks only that
# they were measured.
. "$(dirname "$0")/daemon-lib.sh"

IDLE_GUESTS=${XD_BENCH_IDLE_GUESTS:-24}

# CPU seconds (user + system) of a process.
cpu_s() {
	awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' \
		"/proc/$1/stat"
}

sim_start
start_daemon
for ((d = 1; d <= IDLE_GUESTS; d++)); do
	start_guest "g$d" "$d" --rx-only --allow-loss --timeout 120
	attach "$d"
done
for ((d = 1; d <= IDLE_GUESTS; d++)); do
	wait_state "$(be_dir "$d")" 4 20
done
sleep 2
c0=$(cpu_s "$D_PID")
t0=$(date +%s.%N)
sleep 10
c1=$(cpu_s "$D_PID")
t1=$(date +%s.%N)
idle=$(python3 -c "print(round(100 * ($c1 - $c0) / ($t1 - $t0), 2))")
echo "idle: $IDLE_GUESTS connected vifs, daemon CPU $idle% of one core"
ctl lcores
for ((d = 1; d <= IDLE_GUESTS; d++)); do
	kill -TERM "${GUEST_PID[g$d]}"
done
for ((d = 1; d <= IDLE_GUESTS; d++)); do
	finish "g$d" 30
	xl destroy "$d" >/dev/null 2>&1 || true
done

# Throughput: two guests, unicast to each other, unlimited rate.
for size in 60 1514; do
	a=$((IDLE_GUESTS + 1)) b=$((IDLE_GUESTS + 2))
	start_guest "t$a" "$a" --dst-mac "$(mac_of "$b")" --rate 0 \
		--size "$size" --duration 5 --allow-loss --wait-start \
		--no-verify --timeout 60
	start_guest "t$b" "$b" --dst-mac "$(mac_of "$a")" --rate 0 \
		--size "$size" --duration 5 --allow-loss --wait-start \
		--no-verify --timeout 60
	attach "$a"
	attach "$b"
	wait_state "$(be_dir "$a")" 4
	wait_state "$(be_dir "$b")" 4
	p0=$(port_counter "vif$a.0" in)
	q0=$(port_counter "vif$b.0" in)
	kill -USR1 "${GUEST_PID[t$a]}" "${GUEST_PID[t$b]}"
	finish "t$a" 60
	finish "t$b" 60
	p1=$(port_counter "vif$a.0" in)
	q1=$(port_counter "vif$b.0" in)
	[ "$p1" -gt "$p0" ] || fail "no traffic with $size-byte frames"
	python3 -c "
pps = ($p1 - $p0 + $q1 - $q0) / 5.0
print('throughput: %d-byte frames, %.0f frames/s switched (%.1f Mbit/s)'
      % ($size, pps, pps * $size * 8 / 1e6))"
	ctl lcores
	xl destroy "$a" >/dev/null 2>&1 || true
	xl destroy "$b" >/dev/null 2>&1 || true
	IDLE_GUESTS=$((IDLE_GUESTS + 2))
done
stop_daemon
echo "PASS"
