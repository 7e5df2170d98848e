#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The control socket through xennetctl: every command, its error paths,
# the protocol's limits (malformed, oversize, unknown, too many clients),
# the socket's mode, the telemetry commands and a SIGHUP reload.
. "$(dirname "$0")/daemon-lib.sh"

# expect_err CODE xennetctl-args...: exit 1 with that error code.
expect_err() {
	local code=$1 out rc=0

	shift
	out=$(ctl "$@" 2>&1) || rc=$?
	[ "$rc" = 1 ] || fail "xennetctl $*: exit $rc, expected 1 ($out)"
	case "$out" in
	*"$code"*) ;;
	*) fail "xennetctl $*: '$out' is not $code" ;;
	esac
}

sim_start
CONF=$XNB_SIM_DIR/xennetd.conf
cat >"$CONF" <<CONF
[daemon]
max_clients = 2
[vif]
max_queues = 2
CONF
start_daemon --config "$CONF"
[ "$(stat -c %a "$SOCK")" = 660 ] || fail "socket mode $(stat -c %a "$SOCK")"

start_guest g1 1 --queues 2 --rate 500 --allow-loss --timeout 60
start_guest g2 2 --rate 500 --allow-loss --timeout 60
attach 1
attach 2
wait_state "$(be_dir 1)" 4
wait_state "$(be_dir 2)" 4

# Read-outs.
[ "$(ctl_json version version)" = "$(ctl_json version version)" ]
[ "$(ctl_json protocol version)" = 1 ] || fail "protocol version"
[ "$(ctl_json hv version)" = sim ] || fail "hv"
ctl commands | grep -q '^ring-dump ' || fail "commands"
[ "$(ctl_json 0.name list)" = vif1.0 ] || fail "list order"
[ "$(ctl_json 0.max_queues list)" = 2 ] || fail "max_queues from config"
[ "$(ctl_json 0.features.queues list)" = 2 ] || fail "guest's queues"
[ "$(ctl_json 1.features.queues list)" = 1 ] || fail "guest 2 queues"
[ "$(ctl_json 0.features.sg list)" = true ] || fail "features"
[ "$(ctl_json 0.lcores.0.lcore list)" = 1 ] || fail "lcore of vif1.0"
[ "$(ctl_json 0.kind ports)" = vif ] || fail "ports"
[ "$(ctl_json 0.rx_interrupts ports)" = true ] || fail "rx interrupts"
# Each Rx queue's mbufs come from its lcore's socket (one socket here).
[ "$(ctl_json 0.rx_sockets ports)" = "[0, 0]" ] || fail "rx queue sockets"
[ "$(ctl_json 0.socket lcores)" = 0 ] || fail "lcore socket"
ctl stats | grep -q '^vif2.0 ' || fail "stats table"
[ "$(ctl_json name stats vif1.0)" = vif1.0 ] || fail "stats of one"
[ "$(ctl_json queues.1.queue stats vif1.0)" = 1 ] || fail "per queue"
expect_err not_found stats vif9.0
[ "$(ctl_json 0.static mac-show)" = true ] || fail "static MAC entries"
ctl mac-show | grep -q "^$(mac_of 2) " || fail "mac-show table"
[ "$(ctl_json flushed mac-flush)" -ge 0 ] || fail "mac-flush"
[ "$(ctl_json 0.lcore lcores)" = 1 ] || fail "lcores"
[ "$(ctl_json 0.queues lcores | python3 -c \
	'import json,sys; print(len(json.load(sys.stdin)))')" = 4 ] ||
	fail "lcore 1 should poll 4 queues"
ctl lcores | grep -q "vif1.0/1" || fail "lcores table"
[ "$(ctl_json queues.0.queue ring-dump vif1.0)" = 0 ] || fail "ring-dump"
[ "$(ctl_json queues.1.tx.ring_ref ring-dump vif1.0)" -gt 0 ] ||
	fail "ring-dump queue 1"
[ "$(ctl_json queues.0.rx.pending ring-dump vif2.0 0)" -ge 0 ] || fail "ring-dump q"
# The PMD's indices: shared and private ones, consistent modulo 2^32
# (responses pushed <= written <= requests taken <= requests posted).
ctl --json ring-dump vif1.0 | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert len(r["queues"]) == 2, r
for q in r["queues"]:
    for d in ("tx", "rx"):
        x = q[d]
        assert "map_status" not in x and "state_error" not in x, x
        for k in ("req_prod", "req_event", "rsp_prod", "rsp_event",
                  "req_cons", "rsp_prod_pvt", "pending"):
            assert isinstance(x[k], int) and 0 <= x[k] < 2**32, (k, x)
        assert x["pending"] == (x["req_prod"] - x["rsp_prod"]) % 2**32, x
        assert (x["rsp_prod_pvt"] - x["rsp_prod"]) % 2**32 <= 256, x
        assert (x["req_cons"] - x["rsp_prod_pvt"]) % 2**32 <= 256, x
    assert "backlog" not in q["tx"], q
    assert isinstance(q["rx"]["backlog"], int) and q["rx"]["backlog"] >= 0
' || fail "ring-dump indices"
ctl ring-dump vif1.0 | grep -q 'REQ-CONS.*RSP-PVT.*BACKLOG' ||
	fail "ring-dump table"
expect_err not_found ring-dump vif2.0 1
expect_err not_found ring-dump vif9.0

# Log levels.
[ "$(ctl_json xennetd log-level)" = info ] || fail "log level"
[ "$(ctl_json xennetd log-level debug)" = debug ] || fail "set log level"
[ "$(ctl --json log-level info 'pmd.net.xen.*' | python3 -c \
	'import json,sys; print(json.load(sys.stdin)["pmd.net.xen.driver"])')" \
	= info ] || fail "log level by pattern"
expect_err invalid_args log-level loud

# Runtime changes.
[ "$(ctl_json rate set-rate vif1.0 1Mb/s)" = 6250,50000 ] || fail "rate"
[ "$(ctl_json 0.rate list)" = 6250,50000 ] || fail "rate in list"
[ "$(ctl_json rate set-rate vif1.0 unlimited)" = unlimited ] ||
	fail "rate off"
expect_err invalid_args set-rate vif1.0 fast
expect_err not_found set-rate vif9.0 1Mb/s
[ "$(ctl_json trusted set-trusted vif2.0 yes)" = true ] || fail "trust"
[ "$(ctl_json 1.trusted list)" = true ] || fail "trust in list"
ctl set-trusted vif2.0 no >/dev/null
expect_err not_found set-trusted vif9.0 yes
# Fewer queues: offered from the next attach; the connected guest keeps
# its two (Linux netfront would not follow a backend that re-offers).
[ "$(ctl_json applies set-queues vif1.0 1)" = "next attach" ] ||
	fail "set-queues"
[ "$(ctl_json 0.next_max_queues list)" = 1 ] || fail "next queues in list"
sleep 1
[ "$(ctl_json 0.features.queues list)" = 2 ] ||
	fail "set-queues disturbed the connected guest"
[ "$(ctl_json 0.max_queues list)" = 2 ] || fail "vif1.0 port queues"
expect_err not_found set-queues vif9.0 2
# Detach holds the vif (Closed: the guest follows and stays Closed, as
# Linux netfront does); attach serves it again with the new offer, and the
# guest's driver rebind (SIGHUP to the simulated frontend) connects it.
ctl detach vif1.0 >/dev/null || fail "detach"
wait_state "$(be_dir 1)" 6
[ "$(ctl_json 0.hotplug list)" = held ] || fail "vif1.0 not held"
ctl ports | grep -q vif1.0 && fail "vif1.0 port still there"
expect_err not_found detach vif1.0
ctl attach 1 0 >/dev/null || fail "attach"
wait_state "$(be_dir 1)" 2
kill -HUP "${GUEST_PID[g1]}"
wait_state "$(be_dir 1)" 4
[ "$(ctl_json 0.hotplug list)" = served ] || fail "vif1.0 not back"
[ "$(xs read "$(be_dir 1)/multi-queue-max-queues")" = 1 ] ||
	fail "max queues not advertised"
wait_until 10 bash -c "[ \"\$('$XENNETCTL' --socket '$SOCK' --json list |
	python3 -c 'import json,sys; f = json.load(sys.stdin)[0][\"features\"]; print(f and f[\"queues\"])')\" = 1 ]" ||
	fail "guest did not connect with one queue"
[ "$(ctl_json 0.max_queues list)" = 1 ] || fail "vif1.0 port queues"
expect_err already_exists attach 1 0
expect_err not_found attach 9 0
# Reload: a bad file changes nothing, a good one applies.
echo "[daemon]" >"$CONF"
echo "bogus = 1" >>"$CONF"
expect_err failed reload
printf '[daemon]\nmax_clients = 2\nlog_level = warning\n[vif]\nmax_queues = 2\n' \
	>"$CONF"
ctl reload >/dev/null || fail "reload"
[ "$(ctl_json xennetd log-level)" = warning ] || fail "reload not applied"
printf '[daemon]\nmax_clients = 2\nlog_level = notice\n' >"$CONF"
kill -HUP "$D_PID"
wait_until 5 bash -c "[ \"\$('$XENNETCTL' --socket '$SOCK' --json log-level |
	python3 -c 'import json,sys; print(json.load(sys.stdin)[\"xennetd\"])')\" = notice ]" ||
	fail "SIGHUP did not reload"

# Usage errors never reach the daemon; every command has --help.
for c in list ports stats attach detach set-rate set-queues set-trusted \
	 mac-show mac-flush lcores log-level ring-dump reload version \
	 commands; do
	ctl "$c" --help | grep -q "^Usage: xennetctl" || fail "$c --help"
done
rc=0; ctl attach x >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "usage error exit $rc"
rc=0; ctl frobnicate >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "unknown command exit $rc"

# The raw protocol: garbage in, typed errors out, nothing changes; the
# size and client limits hold.
python3 - "$SOCK" <<'PY' || fail "raw protocol"
import json, socket, sys

def conn():
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(sys.argv[1])
    f = s.makefile("rwb")
    return s, f

def line(f):
    return json.loads(f.readline())

s, f = conn()
g = line(f)["xennetd"]
assert g["protocol"] == 1 and g["max_clients"] == 2, g
for raw, code in [(b"nonsense", "parse_error"),
                  (b"[1,2]", "invalid_request"),
                  (b'{"cmd":"list"}', "invalid_request"),
                  (b'{"id":1,"cmd":"list","x":1}', "invalid_request"),
                  (b'{"id":1,"cmd":"shutdown"}', "unknown_command"),
                  (b'{"id":1,"cmd":"set-rate","args":{"vif":"vif1.0"}}',
                   "invalid_args"),
                  (b'{"id":1,"cmd":"detach","args":{"vif":5}}',
                   "invalid_args"),
                  (b'{"id":1,"cmd":"attach","args":{"domid":0,"devid":0}}',
                   "invalid_args"),
                  (b'\xff\xfe\x00garbage', "parse_error")]:
    f.write(raw + b"\n"); f.flush()
    r = line(f)
    assert r["error"]["code"] == code, (raw, r)
# Two requests in one write, answered in order.
f.write(b'{"id":"a","cmd":"version"}\n{"id":"b","cmd":"version"}\n')
f.flush()
assert line(f)["id"] == "a" and line(f)["id"] == "b"
# The vif is untouched by all that.
f.write(b'{"id":2,"cmd":"list"}\n'); f.flush()
assert line(f)["result"][0]["hotplug"] == "served"
# A second client is fine, a third is refused.
s2, f2 = conn()
line(f2)
s3, f3 = conn()
assert line(f3)["error"]["code"] == "too_many_clients"
s3.close()
# Oversize: an error, then the connection is closed.
f2.write(b"{" + b" " * 70000); f2.flush()
assert line(f2)["error"]["code"] == "too_large"
try:
    assert f2.readline() == b""
except ConnectionResetError:
    pass  # closed with the rest of the message unread: a reset
s2.close()
# The first connection still works.
f.write(b'{"id":3,"cmd":"version"}\n'); f.flush()
assert line(f)["id"] == 3
PY

# Telemetry (dpdk-telemetry.py's socket).
python3 - "/var/run/dpdk/$PREFIX/dpdk_telemetry.v2" <<'PY' ||
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.settimeout(10)
s.connect(sys.argv[1])
json.loads(s.recv(16384))
def q(cmd):
    s.send(cmd.encode())
    return json.loads(s.recv(65536))
ports = q("/xennetd/ports")["/xennetd/ports"]
assert "vif1.0" in ports and "vif2.0" in ports, ports
st = q("/xennetd/stats,vif1.0")["/xennetd/stats"]
assert st["name"] == "vif1.0" and st["rx_packets"] > 0, st
assert q("/xennetd/stats,nope")["/xennetd/stats"] is None
lc = q("/xennetd/lcores")["/xennetd/lcores"]
assert lc["lcore1"]["queues"] == 3, lc
PY
	fail "telemetry"

kill -TERM "${GUEST_PID[g1]}" "${GUEST_PID[g2]}"
finish g1 30
finish g2 30
stop_daemon
# Not running: a clear message and exit status 3.
rc=0; out=$(ctl list 2>&1) || rc=$?
[ "$rc" = 3 ] || fail "no daemon: exit $rc"
case "$out" in
*"not running"*) ;;
*) fail "no daemon: '$out'" ;;
esac
echo "PASS"
