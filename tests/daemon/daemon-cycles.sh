#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# 100 network-attach / network-detach cycles of one vif: every cycle
# reaches InitWait and Closed within libxl's limits (xnb-simxl fails
# otherwise), and the daemon keeps the same number of fds and mappings and
# does not grow (measured after a warm-up, sanitizer quarantine bounded).
. "$(dirname "$0")/daemon-lib.sh"

cycle() {
	attach 1
	xl network-detach 1 0 >/dev/null 2>>"$XNB_SIM_DIR/simxl.err" ||
		fail "network-detach (cycle $1) did not reach Closed"
}

usage() {
	echo "$(ls "/proc/$D_PID/fd" | wc -l) $(wc -l <"/proc/$D_PID/maps")" \
	     "$(awk '/^VmRSS/ { print $2 }' "/proc/$D_PID/status")"
}

sim_start
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4"
start_daemon
xl create 1 >/dev/null 2>&1 || fail "create 1"
for ((i = 0; i < 10; i++)); do
	cycle "$i"
done
wait_until 10 bash -c "! '$XENNETCTL' --socket '$SOCK' ports | grep -q vif1.0"
read -r fd0 maps0 rss0 <<<"$(usage)"
for ((i = 0; i < 100; i++)); do
	cycle "$i"
done
wait_until 10 bash -c "! '$XENNETCTL' --socket '$SOCK' ports | grep -q vif1.0" ||
	fail "port left after the last detach"
read -r fd1 maps1 rss1 <<<"$(usage)"
echo "fds $fd0 -> $fd1, mappings $maps0 -> $maps1, RSS ${rss0} -> ${rss1} kB"
[ "$fd1" -eq "$fd0" ] || fail "fds grew: $fd0 -> $fd1"
[ "$maps1" -le $((maps0 + 8)) ] || fail "mappings grew: $maps0 -> $maps1"
[ "$rss1" -le $((rss0 + 16384)) ] || fail "RSS grew: $rss0 -> $rss1 kB"
[ "$(ctl_json "" list)" = "[]" ] || fail "vif records left"
stop_daemon
echo "PASS"
