#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A guest's domain going away while its vif is served, in the two ways
# real Xen shows it, each while two other guests exchange traffic:
#  - xl destroy (xnb-simxl destroy does what libxl does: pause, backend
#    Closing + online=0, wait for Closed, remove the nodes, destroy the
#    domain -> @releaseDomain);
#  - the domain dies on its own (its process SIGKILLed; the hypervisor
#    reports the death -> @releaseDomain; its xenstore nodes stay).
# Either way the port goes, every fd and mapping the vif held is released,
# and the other guests lose nothing.
. "$(dirname "$0")/daemon-lib.sh"

# fds, guest-memory fds, mappings of the daemon.
usage() {
	local fds

	fds=$(ls -l "/proc/$D_PID/fd")
	echo "$(grep -vc 'memfd:xnb-simguest-mem' <<<"$fds")" \
	     "$(grep -c 'memfd:xnb-simguest-mem' <<<"$fds")" \
	     "$(wc -l <"/proc/$D_PID/maps")"
}

port_gone() {
	! ctl ports | grep -q "^vif$1\.0 "
}

# serve DOMID: a connected guest sending a little traffic, to its own MAC:
# the switch learns the source first, so the frames are dropped as having
# no other destination and never flooded (guest 3 counts exactly what
# guest 2 sent).
serve() {
	start_guest "g$1" "$1" --rate 200 --dst-mac "$(mac_of "$1")" \
		--allow-loss --timeout 60
	attach "$1"
	wait_state "$(be_dir "$1")" 4
	wait_until 10 bash -c "'$XENNETCTL' --socket '$SOCK' list |
		grep -q '^vif$1\.0 .* up '" || fail "vif$1.0 link not up"
}

# at_baseline: the daemon holds exactly what it held at the baseline.
at_baseline() {
	[ "$(usage)" = "$fd0 $mem0 $maps0" ]
}

# same_usage LABEL: what the daemon holds is back to the baseline, exactly:
# the ports' hypervisor handle releases a dead guest's memory (one fd) and
# grant table (four mappings) once @releaseDomain reaches its control
# thread, which may come a little after the port is gone.
same_usage() {
	local fd mem maps

	wait_until 10 at_baseline
	read -r fd mem maps <<<"$(usage)"
	echo "$1: fds $fd0 -> $fd, guest memory fds $mem0 -> $mem," \
	     "mappings $maps0 -> $maps"
	[ "$fd" -eq "$fd0" ] || fail "$1: fds $fd0 -> $fd"
	[ "$mem" -eq "$mem0" ] || fail "$1: memory fds $mem0 -> $mem"
	[ "$maps" -eq "$maps0" ] || fail "$1: mappings $maps0 -> $maps"
}

sim_start
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4"
start_daemon
# Guests 2 and 3: 6000 frames from 2 to 3 while the others come and go.
start_guest g3 3 --rx-only --expect-rx 6000 --timeout 60
start_guest g2 2 --tx-only --rate 1000 --count 6000 --dst-mac "$(mac_of 3)" \
	--wait-start --timeout 60
attach 2
attach 3
wait_state "$(be_dir 2)" 4
wait_state "$(be_dir 3)" 4
# Warm-up: the first vif served and gone settles lazy allocations.
serve 1
xl destroy 1 >/dev/null 2>>"$XNB_SIM_DIR/simxl.err" || fail "destroy 1"
wait_until 10 port_gone 1 || fail "warm-up: vif1.0 port left"
read -r fd0 mem0 maps0 <<<"$(usage)"
kill -USR1 "${GUEST_PID[g2]}"

# 1. xl destroy.
serve 4
xl destroy 4 >/dev/null 2>>"$XNB_SIM_DIR/simxl.err" || fail "destroy 4"
wait_until 10 port_gone 4 || fail "destroy: vif4.0 port left"
xs read "$(be_dir 4)/state" >/dev/null 2>&1 &&
	fail "destroy: backend directory left"
same_usage destroy

# 2. The domain dies on its own: only @releaseDomain tells.
serve 5
n0=$(grep -c 'domain 5 is gone' "$XNB_SIM_DIR/xennetd.err" || true)
[ "$n0" = 0 ] || fail "domain 5 gone before it died"
kill -KILL "${GUEST_PID[g5]}"
wait "${GUEST_PID[g5]}" 2>/dev/null || true
wait_until 10 port_gone 5 || fail "death: vif5.0 port left"
grep -q 'vif5.0: domain 5 is gone' "$XNB_SIM_DIR/xennetd.err" ||
	fail "death: not handled as @releaseDomain"
[ "$(xs read "$(be_dir 5)/state")" = 6 ] || fail "death: backend not Closed"
same_usage death
# The toolstack cleans up later: the record goes too.
xl destroy 5 >/dev/null 2>>"$XNB_SIM_DIR/simxl.err" || fail "destroy 5"
wait_until 10 bash -c "! '$XENNETCTL' --socket '$SOCK' list |
	grep -q '^vif5\.0 '" || fail "vif5.0 record left"

# The others did not notice.
finish g2 60
finish g3 60
python3 "$(dirname "$0")/../json_check.py" "$XNB_SIM_DIR/g3.out" \
	"ok == true" "rx_pkts == 6000" "rx_lost == 0" "rx_bad == 0" ||
	fail "g3 lost traffic"
stop_daemon
echo PASS
