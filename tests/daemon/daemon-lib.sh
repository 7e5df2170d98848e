# SPDX-License-Identifier: BSD-3-Clause
# Common part of xennetd's sim tests, sourced by each test script. Meson
# runs:  TEST.sh SIM_ENV SIMHV SIMXL SIMFRONT XENNETD XENNETCTL XSTOOL
# The simulated hypervisor, the daemon and the guests stop on exit; every
# wait is bounded. The daemon gets two lcores at most, no hugepages.
set -euo pipefail

SIM_ENV=$1 SIMHV=$2 SIMXL=$3 SIMFRONT=$4 XENNETD=$5 XENNETCTL=$6 XSTOOL=$7
shift 7
# shellcheck source=scripts/sim-env.sh
. "$SIM_ENV"

PREFIX=xdt$$
D_PID=
declare -A GUEST_PID

cleanup() {
	sim_env_stop
	rm -rf "/var/run/dpdk/$PREFIX" \
		"${XDG_RUNTIME_DIR:-/nonexistent}/dpdk/$PREFIX"
}

dump_logs() {
	local f

	for f in "$XNB_SIM_DIR"/*.err "$XNB_SIM_DIR"/*.out \
		 "$XNB_SIM_DIR"/simhv.log; do
		[ -e "$f" ] || continue
		echo "== $f"
		tail -n 30 "$f"
	done >&2
}

fail() {
	echo "FAIL: $*" >&2
	dump_logs
	exit 1
}

sim_start() {
	sim_env_start "$SIMHV" || fail "simulator did not start"
	trap cleanup EXIT
	SOCK=$XNB_SIM_DIR/xennetd.sock
}

xl() {
	"$SIMXL" --dir "$XNB_SIM_DIR" "$@"
}

xs() {
	"$XSTOOL" --dir "$XNB_SIM_DIR" "$@"
}

ctl() {
	"$XENNETCTL" --socket "$SOCK" "$@"
}

mac_of() {
	printf '00:16:3e:00:%02x:%02x' $(($1 >> 8)) $(($1 & 255))
}

be_dir() {
	echo "/local/domain/0/backend/vif/$1/${2:-0}"
}

fe_dir() {
	echo "/local/domain/$1/device/vif/${2:-0}"
}

# start_daemon [xennetd options]: wait until its socket answers.
start_daemon() {
	local i

	sim_env_spawn xennetd "$XENNETD" -l 0-1 --no-huge -m 256 --no-pci \
		--file-prefix "$PREFIX" --log-level=lib.eal:warning -- \
		--sim-dir "$XNB_SIM_DIR" --socket "$SOCK" "$@"
	D_PID=$SIM_PID
	for ((i = 0; i < 200; i++)); do
		kill -0 "$D_PID" 2>/dev/null || fail "xennetd exited at start"
		ctl version >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	fail "xennetd not answering after 20 s"
}

# stop_daemon: SIGTERM; it must exit 0 (sanitizers included).
stop_daemon() {
	kill -TERM "$D_PID"
	sim_env_wait "$D_PID" 30 || fail "xennetd exited with $? on SIGTERM"
	D_PID=
}

kill_daemon() {
	kill -KILL "$D_PID"
	wait "$D_PID" 2>/dev/null || true
	D_PID=
}

# start_guest NAME DOMID [simfront options]: a domain and its frontend.
start_guest() {
	local name=$1 domid=$2

	shift 2
	xl create "$domid" >/dev/null 2>&1 || fail "xnb-simxl create $domid"
	sim_env_spawn "$name" "$SIMFRONT" --dir "$XNB_SIM_DIR" \
		--domid "$domid" "$@"
	GUEST_PID[$name]=$SIM_PID
}

# attach DOMID [network-attach keys]: as xl network-attach; libxl's 10 s
# InitWait limit is enforced by xnb-simxl itself.
attach() {
	local domid=$1

	shift
	xl network-attach "$domid" "mac=$(mac_of "$domid")" "$@" \
		>/dev/null 2>>"$XNB_SIM_DIR/simxl.err" ||
		fail "network-attach $domid"
}

wait_state() {
	xs wait "$1/state" "$2" "${3:-10}" >/dev/null ||
		fail "$1/state never $2 (is $(xs read "$1/state" 2>&1))"
}

# finish NAME [SECS]: the guest must exit 0.
finish() {
	sim_env_wait "${GUEST_PID[$1]}" "${2:-60}" ||
		fail "guest $1 exited with $?"
}

# JSON value of the daemon's reply: jq-like dotted path on ctl --json.
ctl_json() {
	local path=$1

	shift
	ctl --json "$@" | python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split(".") if sys.argv[1] else []:
    v = v[int(k)] if isinstance(v, list) else v[k]
print(json.dumps(v) if isinstance(v, (dict, list)) else
      str(v).lower() if isinstance(v, bool) else v)
' "$path"
}

# The switch counter of a port: port_counter PORT KEY (e.g. in, out).
port_counter() {
	ctl_json "switch.$2" stats "$1"
}

# wait_until SECS COMMAND...: poll a condition (bounded in time).
wait_until() {
	local end=$((SECONDS + $1))

	shift
	while [ "$SECONDS" -lt "$end" ]; do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
