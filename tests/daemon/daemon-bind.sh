#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Vifs bound straight to a physical port queue (xennetctl bind/unbind and
# [vif] bind_port), on a net_tap port with two Rx queues:
#  - a bound guest's frames all leave through the port, even those the
#    switch would flood (nothing reaches the other vif, nothing is
#    flooded); frames sent to it from the wire reach it;
#  - the mode is "flow" where the PMD takes the rte_flow rule, else "sw"
#    (net_tap needs the kernel's multiq qdisc and TC flower; where it lacks
#    them the switch demuxes), the refusal logged once per port;
#  - every error path of the commands; a vif's port removal unbinds it;
#  - the default rule binds new vifs to free queues, one vif per queue.
# Skips without root or /dev/net/tun.
. "$(dirname "$0")/daemon-lib.sh"

N=300   # guest 1 -> an unknown MAC
K=200   # the wire -> guest 1
TAP=xdtb$$

if [ "$(id -u)" != 0 ] || [ ! -w /dev/net/tun ]; then
	echo "no root or no /dev/net/tun: skipped"
	exit 77
fi
# No IPv6 autoconfiguration on the new tap interface: no stray frames.
V6=$(sysctl -n net.ipv6.conf.default.disable_ipv6 2>/dev/null || echo)
bind_cleanup() {
	[ -z "$V6" ] || sysctl -qw "net.ipv6.conf.default.disable_ipv6=$V6"
	cleanup
}
[ -z "$V6" ] || sysctl -qw net.ipv6.conf.default.disable_ipv6=1

expect_err() {
	local code=$1 out

	shift
	out=$(ctl --json "$@" 2>&1) && fail "'$*' succeeded"
	grep -q "$code" <<<"$out" || fail "'$*': $out, expected $code"
}

refusals() {
	grep -c 'tap0: no rte_flow steering' "$XNB_SIM_DIR/xennetd.err" ||
		true
}

inject() {
	python3 - "$TAP" "$K" "$(mac_of 1)" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
dst = bytes.fromhex(sys.argv[3].replace(":", ""))
for i in range(int(sys.argv[2])):
    s.send(dst + bytes.fromhex("02000000bb01") + b"\x88\xb5" +
           i.to_bytes(4, "big") + bytes(50))
    if i % 50 == 49:
        time.sleep(0.05)
PY
}

connected() {
	ctl list | grep -q "^vif$1\.0 .* up "
}

sim_start
trap bind_cleanup EXIT
cat >"$XNB_SIM_DIR/xennetd.conf" <<CONF
[port tap0]
devargs = net_tap0,iface=$TAP
queues = 2
CONF
start_daemon --config "$XNB_SIM_DIR/xennetd.conf"
ip link set "$TAP" up || fail "cannot bring $TAP up"
start_guest g1 1 --count $N --rate 1000 --dst-mac 02:00:00:00:00:99 \
	--no-verify --expect-rx $K --wait-start --timeout 60
start_guest g2 2 --rx-only --no-verify --allow-loss --timeout 60
attach 1
attach 2
for d in 1 2; do
	wait_state "$(be_dir "$d")" 4
	wait_until 10 connected "$d" || fail "vif$d.0 link not up"
done

# Errors change nothing.
expect_err not_found bind vif1.0 vif2.0 0
expect_err not_found bind vif1.0 nosuch 0
expect_err not_found bind vif9.0 tap0 0
expect_err invalid_args bind vif1.0 tap0 2
expect_err not_found unbind vif1.0
[ "$(ctl_json 0.bind list)" = None ] || fail "bound by a failed bind"

ctl bind vif1.0 tap0 1 >/dev/null || fail "bind"
MODE=$(ctl_json 0.bind.mode list)
case "$MODE" in
flow) [ "$(refusals)" = 0 ] || fail "flow mode but a refusal logged" ;;
sw) [ "$(refusals)" = 1 ] || fail "sw mode: refusal not logged once" ;;
*) fail "mode '$MODE'" ;;
esac
echo "net_tap here: mode $MODE"
[ "$(ctl_json 0.bind.port list)" = tap0 ] || fail "bind port in list"
[ "$(ctl_json 0.bind.queue list)" = 1 ] || fail "bind queue in list"
[ "$(ctl_json 0.bound.0.vif ports)" = vif1.0 ] || fail "bound in ports"
[ "$(ctl_json 0.bound.0.mode ports)" = "$MODE" ] || fail "mode in ports"
# DPDK 22.11's net_tap refuses full-sized TSO segments: never used.
[ "$(ctl_json 0.name ports)" = tap0 ] && [ "$(ctl_json 0.tso ports)" = false ] ||
	fail "net_tap's TSO is used"
ctl list | grep -q "^vif1\.0 .* tap0:1/$MODE " || fail "BIND column"
expect_err already_exists bind vif2.0 tap0 1
expect_err already_exists bind vif1.0 tap0 0
# A second binding on the same port: no second refusal message.
ctl bind vif2.0 tap0 0 >/dev/null || fail "bind vif2.0"
[ "$MODE" = flow ] || [ "$(refusals)" = 1 ] || fail "refusal logged twice"
ctl unbind vif2.0 >/dev/null || fail "unbind vif2.0"
[ "$(ctl_json 1.bind list)" = None ] || fail "vif2.0 still bound"

# Traffic: guest 1's frames for an unknown MAC all go to the wire.
flood0=$(ctl_json 0.flood lcores)
out2=$(port_counter vif2.0 out)
kill -USR1 "${GUEST_PID[g1]}"
wait_until 20 bash -c "[ \$('$XENNETCTL' --socket '$SOCK' --json stats \
	tap0 | python3 -c 'import json,sys; print(json.load(sys.stdin)\
	[\"switch\"][\"out\"])') -ge $N ]" || fail "tap0 did not get $N"
inject || fail "cannot send into $TAP"
finish g1 30
[ "$(port_counter tap0 out)" = $N ] || fail "tap0 out $(port_counter tap0 out)"
[ "$(port_counter vif2.0 out)" = "$out2" ] || fail "vif2.0 got frames"
[ "$(ctl_json 0.flood lcores)" = "$flood0" ] || fail "frames flooded"
python3 "$(dirname "$0")/../json_check.py" "$XNB_SIM_DIR/g1.out" \
	"ok == true" "tx_pkts == $N" "rx_pkts >= $K" ||
	fail "guest 1 missed frames from the wire"
[ "$(port_counter tap0 in)" -ge $K ] || fail "tap0 in"
if [ "$MODE" = flow ]; then
	[ "$(ctl_json queues.1.switch.in stats tap0)" -ge $K ] ||
		fail "flow mode: frames not on queue 1"
fi
# Guest 1's domain destroyed: its port went, and its queue is free.
xl destroy 1 >/dev/null 2>&1 || fail "destroy 1"
wait_until 10 bash -c "! '$XENNETCTL' --socket '$SOCK' ports |
	grep -q '^vif1\.0 '" || fail "vif1.0 port left"
[ "$(ctl_json 0.bound ports)" = "[]" ] || fail "queue still bound"
kill -TERM "${GUEST_PID[g2]}"
finish g2 30
stop_daemon
xl destroy 2 >/dev/null 2>&1 || fail "destroy 2"

# The default rule: one vif per queue while queues are free.
cat >>"$XNB_SIM_DIR/xennetd.conf" <<CONF
[vif]
bind_port = tap0
CONF
start_daemon --config "$XNB_SIM_DIR/xennetd.conf"
for d in 3 4 5; do
	xl create "$d" >/dev/null 2>&1 || fail "create $d"
	attach "$d"
	wait_state "$(be_dir "$d")" 2
done
[ "$(ctl_json 0.bind.queue list)" = 0 ] || fail "vif3.0 not on queue 0"
[ "$(ctl_json 1.bind.queue list)" = 1 ] || fail "vif4.0 not on queue 1"
[ "$(ctl_json 2.bind list)" = None ] || fail "vif5.0 bound"
grep -q 'vif5.0: not bound to tap0: every Rx queue has its vif' \
	"$XNB_SIM_DIR/xennetd.err" || fail "no log for vif5.0"
# Detaching a vif frees its queue for the next one.
xl network-detach 3 0 >/dev/null 2>>"$XNB_SIM_DIR/simxl.err" ||
	fail "detach 3"
xl create 6 >/dev/null 2>&1 || fail "create 6"
attach 6
wait_state "$(be_dir 6)" 2
[ "$(ctl_json 2.name list)" = vif6.0 ] || fail "list order"
[ "$(ctl_json 2.bind.queue list)" = 0 ] || fail "vif6.0 not on queue 0"
stop_daemon
echo PASS
