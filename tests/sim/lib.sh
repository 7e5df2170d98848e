# SPDX-License-Identifier: BSD-3-Clause
# Common part of the sim tests, sourced by each test script. Meson runs:
#   TEST.sh SIM_ENV SIMHV SIMXL SIMFRONT TESTBACK XSTOOL [test arguments]
# Every wait is bounded; the simulator and every process stop on exit.
set -euo pipefail

SIM_ENV=$1 SIMHV=$2 SIMXL=$3 SIMFRONT=$4 TESTBACK=$5 XSTOOL=$6
shift 6
# shellcheck source=scripts/sim-env.sh
. "$SIM_ENV"

TB_PID=
declare -A GUEST_PID
# Guest CPU pinning: the backend on CPU 0, guests on the last CPU.
GUEST_CPU=$(($(nproc) - 1))

dump_logs() {
	local f

	for f in "$XNB_SIM_DIR"/*.err "$XNB_SIM_DIR"/*.out \
		 "$XNB_SIM_DIR"/simhv.log; do
		[ -e "$f" ] || continue
		echo "== $f"
		tail -n 40 "$f"
	done >&2
}

fail() {
	echo "FAIL: $*" >&2
	dump_logs
	exit 1
}

xl() {
	"$SIMXL" --dir "$XNB_SIM_DIR" "$@"
}

xs() {
	"$XSTOOL" --dir "$XNB_SIM_DIR" "$@"
}

mac_of() {
	printf '00:16:3e:00:%02x:%02x' $(($1 >> 8)) $(($1 & 255))
}

fe_dir() {
	echo "/local/domain/$1/device/vif/${2:-0}"
}

be_dir() {
	echo "/local/domain/0/backend/vif/$1/${2:-0}"
}

start_backend() {
	sim_env_spawn testback taskset -c 0 "$TESTBACK" --dir "$XNB_SIM_DIR" \
		"$@"
	TB_PID=$SIM_PID
}

# start_guest NAME DOMID [simfront options]: a domain and its simfront.
start_guest() {
	local name=$1 domid=$2

	shift 2
	xl create "$domid" || fail "xnb-simxl create $domid"
	sim_env_spawn "$name" "$SIMFRONT" --dir "$XNB_SIM_DIR" \
		--domid "$domid" --cpu "$GUEST_CPU" "$@"
	GUEST_PID[$name]=$SIM_PID
}

attach() {
	xl network-attach "$1" "mac=$(mac_of "$1")" "devid=${2:-0}" ||
		fail "xnb-simxl network-attach $1"
}

wait_state() {
	xs wait "$1/state" "$2" "${3:-10}" || fail "$1/state never $2"
}

# The last JSON line of a file, one key (dotted path, list indexes ok).
json() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
lines = [l for l in open(sys.argv[1]) if l.startswith("{")]
v = json.loads(lines[-1])
for k in sys.argv[2].split("."):
    v = v[int(k)] if isinstance(v, list) else v[k]
print(str(v).lower() if isinstance(v, bool) else v)
EOF
}

# check FILE "KEY OP VALUE"...: conditions on the last JSON line of FILE
# (OP: == != >= > <=; see tests/json_check.py).
check() {
	python3 "$(dirname "${BASH_SOURCE[0]}")/../json_check.py" "$@" ||
		fail "$(basename "$1"): checks failed"
}

# Counters of the running backend (SIGUSR1), into testback.stats.
backend_stats() {
	local before i

	before=$(grep -c '^{' "$XNB_SIM_DIR/testback.out" || true)
	kill -USR1 "$TB_PID"
	for ((i = 0; i < 50; i++)); do
		[ "$(grep -c '^{' "$XNB_SIM_DIR/testback.out" || true)" -gt \
		  "$before" ] && break
		sleep 0.1
	done
	grep '^{' "$XNB_SIM_DIR/testback.out" | tail -n 1 \
		>"$XNB_SIM_DIR/testback.stats"
	kill -0 "$TB_PID" || fail "backend died"
}

# finish NAME [SECS]: wait for a simfront; it must exit 0.
finish() {
	sim_env_wait "${GUEST_PID[$1]}" "${2:-60}" || fail "$1 exited with $?"
}

stop() {
	kill -TERM "${GUEST_PID[$1]}"
	finish "$1" "${2:-15}"
}

start_traffic() {
	local name

	for name in "$@"; do
		kill -USR1 "${GUEST_PID[$name]}"
	done
}
