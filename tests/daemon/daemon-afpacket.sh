#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A second kind of physical port through the same [port] config path:
# net_af_packet on one end of a veth pair (net_tap is what the demo and the
# other tests use). Frames a guest floods leave through the port (counted
# on the other end of the pair), frames sent into the other end reach the
# guest they are addressed to, and the port's counters agree. Skips
# without the right to create veth interfaces.
. "$(dirname "$0")/daemon-lib.sh"

N=500   # guest 1 -> unknown unicast (flooded: the port and guest 2)
K=300   # other end of the pair -> guest 2
VA=xdt$$a VB=xdt$$b

ip link add "$VA" type veth peer name "$VB" 2>/dev/null || {
	echo "cannot create a veth pair: skipped"
	exit 77
}
# Removes the pair with its peer; keep the simulator's cleanup.
veth_cleanup() {
	ip link del "$VA" 2>/dev/null || true
	cleanup
}
for v in "$VA" "$VB"; do
	# No IPv6 autoconfiguration: no stray frames on the wire.
	sysctl -qw "net.ipv6.conf.$v.disable_ipv6=1" 2>/dev/null || true
	ip link set "$v" up || fail "cannot bring $v up"
done

# sniff SECS FILE: frames from guest 1's MAC seen on VB, into FILE.
sniff() {
	python3 - "$VB" "$1" "$(mac_of 1)" >"$2" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind((sys.argv[1], 0))
s.settimeout(0.2)
src = bytes.fromhex(sys.argv[3].replace(":", ""))
end, n = time.time() + float(sys.argv[2]), 0
while time.time() < end:
    try:
        f = s.recv(65536)
    except socket.timeout:
        continue
    n += f[6:12] == src
print(n)
PY
	SNIFF_PID=$!
}

inject() {
	python3 - "$VB" "$K" "$(mac_of 2)" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
dst = bytes.fromhex(sys.argv[3].replace(":", ""))
for i in range(int(sys.argv[2])):
    s.send(dst + bytes.fromhex("02000000aa01") + b"\x88\xb5" +
           i.to_bytes(4, "big") + bytes(50))
    if i % 50 == 49:
        time.sleep(0.05)
PY
}

sim_start
trap veth_cleanup EXIT
cat >"$XNB_SIM_DIR/xennetd.conf" <<CONF
[port wire0]
devargs = net_af_packet0,iface=$VA
CONF
start_daemon --config "$XNB_SIM_DIR/xennetd.conf"
[ "$(ctl_json 0.name ports)" = wire0 ] || fail "wire0 not a port"
[ "$(ctl_json 0.kind ports)" = nic ] || fail "wire0 not a physical port"
[ "$(ctl_json 0.link ports)" = up ] || fail "wire0 link down"

start_guest g1 1 --tx-only --rate 1000 --count $N \
	--dst-mac 02:00:00:00:00:99 --wait-start --timeout 60
start_guest g2 2 --rx-only --no-verify --expect-rx $((N + K)) --timeout 60
attach 1
attach 2
wait_state "$(be_dir 1)" 4
wait_state "$(be_dir 2)" 4
wait_until 10 bash -c "'$XENNETCTL' --socket '$SOCK' list |
	grep -q '^vif1\.0 .* up '" || fail "vif1.0 link not up"
sniff 5 "$XNB_SIM_DIR/sniff.out"
sleep 0.5
kill -USR1 "${GUEST_PID[g1]}"
finish g1 30
inject || fail "cannot send into $VB"
finish g2 30
wait "$SNIFF_PID" || fail "sniffer failed"
[ "$(cat "$XNB_SIM_DIR/sniff.out")" = $N ] ||
	fail "$VB saw $(cat "$XNB_SIM_DIR/sniff.out") of guest 1's $N frames"
[ "$(port_counter wire0 out)" = $N ] || fail "wire0 out"
[ "$(port_counter wire0 in)" -ge $K ] || fail "wire0 in"
python3 "$(dirname "$0")/../json_check.py" "$XNB_SIM_DIR/g2.out" \
	"ok == true" "rx_pkts >= $((N + K))" || fail "guest 2 missed frames"
ctl mac-show | grep -q '02:00:00:00:aa:01' ||
	fail "the wire's MAC was not learned"
stop_daemon
echo PASS
