#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# net_xen throughput next to DPDK's vhost-user/virtio-user pair, the same
# shapes through stock dpdk-testpmd (io forwarding) on both:
#
#   tx64 / tx1500 / tx64k   guest transmits -> backend port -> net_null
#   rx64 / rx1500 / rx64k   net_null (64k: testpmd txonly) -> backend port
#                           -> guest receives
#
# xen:   backend testpmd with net_xen0 (the PMD) + net_null0; the guest is
#        xnb-simfront (tx64k: 64 KiB TCP frames with GSO extras).
# vhost: backend testpmd with net_vhost0 + net_null0; the guest is a second
#        testpmd with net_virtio_user0 in txonly/rxonly mode (tx64k: 64 KiB
#        frames in 2 KiB segments).
# The backend forwards on one lcore pinned to CPU 0 (its main lcore sleeps
# on the command line, also on CPU 0); the guest runs on CPU 1.
# Measured at the backend's guest-facing port: testpmd's Rx (tx shapes) or
# Tx (rx shapes) pps and bps over the window, after a warm-up.
#
# Output, one JSON object per line: every run
#   {"type":"run","backend":"xen","shape":"tx64","run":1,"mpps":..,"gbps":..}
# then per shape the medians and xen/vhost ratios
#   {"type":"summary","shape":"tx64","xen_mpps":..,"vhost_mpps":..,
#    "mpps_ratio":..,"xen_gbps":..,"vhost_gbps":..,"gbps_ratio":..}
# and {"type":"meta",...} first (sanitized: the PMD was built with ASan,
# numbers then say little).
#
# Usage: bench-pmd.sh TESTPMD PMD_SO SIMHV SIMXL SIMFRONT XS_TOOL
#        [RUNS [SECONDS [SHAPES...]]]     (defaults: 3 runs, 3 s, all)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tests/pmd/testpmd-lib.sh"
tp_setup "$1" "$2"
SIMHV=$3 SIMXL=$4 SIMFRONT=$5 XS_TOOL=$6
RUNS=${7:-3}
SECS=${8:-3}
shift 8 2>/dev/null || shift $#
SHAPES=("$@")
[ ${#SHAPES[@]} -gt 0 ] || SHAPES=(tx64 tx1500 tx64k rx64 rx1500 rx64k)
WARMUP=1
RESULTS="$TP_DIR/results.jsonl"
: >"$RESULTS"

# 64 KiB as 32 segments of one 2 KiB mbuf each (testpmd txonly).
seg64k=$(printf '2048,%.0s' $(seq 31))1984

# One interactive testpmd per name, fed from its own fifo.
declare -A bp_fd bp_pid
bp_start() {
	local name=$1 fd
	shift
	mkfifo "$TP_DIR/$name.in"
	exec {fd}<>"$TP_DIR/$name.in"
	bp_fd[$name]=$fd
	# Only this script holds the fifos open for writing: should it die,
	# testpmd reads EOF and quits. exec: $! is testpmd's pid.
	(
		for f in "${bp_fd[@]}"; do
			eval "exec $f>&-"
		done
		exec env ${TP_PRELOAD:+LD_PRELOAD="$TP_PRELOAD"} \
			stdbuf -oL -eL "$TP_TESTPMD" --no-huge -m 512 --no-pci \
			--file-prefix="$TP_PREFIX$name" "$@"
	) <"$TP_DIR/$name.in" >"$TP_DIR/$name.out" 2>&1 &
	bp_pid[$name]=$!
	TP_PIDS+=("$!")
}

# bp_wait NAME REGEX [OTHER]: wait (60 s) for REGEX in NAME's output; on
# failure show NAME's and OTHER's output.
bp_wait() {
	local i
	for ((i = 0; i < 600; i++)); do
		grep -Eq -- "$2" "$TP_DIR/$1.out" && return 0
		sleep 0.1
	done
	tail -n 20 "$TP_DIR/$1.out" ${3:+"$TP_DIR/$3.out"} >&2
	tp_fail "no /$2/ from $1"
}

bp_cmd() {
	echo "$2" >&"${bp_fd[$1]}"
}

bp_stop() {
	local name=$1
	bp_cmd "$name" quit
	tp_reap "${bp_pid[$name]}" 30 || kill -9 "${bp_pid[$name]}"
	exec {bp_fd[$name]}>&-
	rm -f "$TP_DIR/$name.in"
	rm -rf "/var/run/dpdk/$TP_PREFIX$name"
}

# bp_measure NAME DIR: Mpps and Gb/s of port 0 over $SECS (DIR Rx or Tx)
# into BP_RESULT.
bp_measure() {
	local name=$1 dir=$2 out="$TP_DIR/$1.out" n
	bp_cmd "$name" "show port stats 0"
	sleep "$SECS"
	n=$(grep -c "Throughput (since last show)" "$out")
	bp_cmd "$name" "show port stats 0"
	tp_wait_for "$out" "Throughput" 10
	while [ "$(grep -c "Throughput (since last show)" "$out")" -le "$n" ]; do
		sleep 0.1
	done
	sleep 0.2
	BP_RESULT=$(awk -v d="$dir-pps:" '$1 == d { pps = $2; bps = $4 }
		END { printf "%.4f %.4f\n", pps / 1e6, bps / 1e9 }' "$out")
}

shape_size() {
	case $1 in
	*64) echo 60 ;;
	*1500) echo 1514 ;;
	*64k) echo 65535 ;;
	esac
}

xl() {
	"$SIMXL" --dir "$TP_SIM" "$@"
}

domid=0
run_xen() {
	local shape=$1 size fe=() be=() null fwd=io
	size=$(shape_size "$shape")
	domid=$((domid + 1))
	case $shape in
	tx64k) fe=(--tx-only --gso --size 65535) null="net_null0,no-rx=1" ;;
	tx*) fe=(--tx-only --size "$size") null="net_null0,no-rx=1" ;;
	rx64k) fe=(--rx-only --no-verify) fwd=txonly ;;
	rx*) fe=(--rx-only --no-verify) null="net_null0,size=$size" ;;
	esac
	xl create "$domid" >/dev/null || tp_fail "xnb-simxl create $domid"
	"$SIMFRONT" --dir "$TP_SIM" --domid "$domid" --cpu 1 \
		--duration $((WARMUP + SECS + 5)) --allow-loss --timeout 20 \
		"${fe[@]}" >"$TP_DIR/fe$domid.out" 2>&1 &
	local fe_pid=$!
	TP_PIDS+=("$fe_pid")
	xl network-attach "$domid" >/dev/null 2>&1 &
	TP_PIDS+=("$!")
	tp_xs_wait "$XS_TOOL" "/local/domain/0/backend/vif/$domid/0/state" 1
	be=(--vdev "net_xen0,domid=$domid,hv=sim,simdir=$TP_SIM,backlog=64")
	[ -n "${null:-}" ] && be+=(--vdev "$null")
	bp_start xen --lcores 0@0,1@0 -d "$TP_PMD_NAME" "${be[@]}" -- -i \
		--total-num-mbufs=32768 --forward-mode=$fwd \
		$([ $fwd = txonly ] && echo --txpkts="$seg64k")
	tp_xs_wait "$XS_TOOL" "/local/domain/0/backend/vif/$domid/0/state" 4 30
	bp_cmd xen start
	sleep "$WARMUP"
	bp_measure xen "$([ "${shape:0:2}" = tx ] && echo Rx || echo Tx)"
	bp_stop xen
	kill -TERM "$fe_pid" 2>/dev/null
	tp_reap "$fe_pid" 20 || kill -9 "$fe_pid"
}

run_vhost() {
	local shape=$1 size guest=() null fwd=io i
	size=$(shape_size "$shape")
	case $shape in
	tx64k) guest=(--forward-mode=txonly --txpkts="$seg64k")
	       null="net_null0,no-rx=1" ;;
	tx*) guest=(--forward-mode=txonly --txpkts="$size")
	     null="net_null0,no-rx=1" ;;
	rx64k) guest=(--forward-mode=rxonly) fwd=txonly ;;
	rx*) guest=(--forward-mode=rxonly) null="net_null0,size=$size" ;;
	esac
	rm -f "$TP_DIR/vhost.sock"
	local be=(--vdev "net_vhost0,iface=$TP_DIR/vhost.sock,queues=1")
	[ -n "${null:-}" ] && be+=(--vdev "$null")
	bp_start vhost --lcores 0@0,1@0 "${be[@]}" -- -i \
		--total-num-mbufs=32768 --forward-mode=$fwd \
		$([ $fwd = txonly ] && echo --txpkts="$seg64k")
	bp_wait vhost "testpmd> "
	for ((i = 0; i < 100; i++)); do
		[ -S "$TP_DIR/vhost.sock" ] && break
		sleep 0.1
	done
	bp_start guest --lcores 0@1,1@1 \
		--vdev "net_virtio_user0,path=$TP_DIR/vhost.sock,queues=1" \
		-- -i --total-num-mbufs=32768 "${guest[@]}"
	bp_wait vhost "virtio is now ready" guest
	bp_cmd guest start
	bp_cmd vhost start
	sleep "$WARMUP"
	bp_measure vhost "$([ "${shape:0:2}" = tx ] && echo Rx || echo Tx)"
	bp_stop guest
	bp_stop vhost
}

sanitized=false
[ -n "$TP_PRELOAD" ] && sanitized=true
echo "{\"type\":\"meta\",\"runs\":$RUNS,\"seconds\":$SECS,\"sanitized\":$sanitized,\"cpus\":$(nproc)}"
tp_start_simhv "$SIMHV"
for shape in "${SHAPES[@]}"; do
	for ((run = 1; run <= RUNS; run++)); do
		for backend in xen vhost; do
			"run_$backend" "$shape"
			read -r mpps gbps <<<"$BP_RESULT"
			line="{\"type\":\"run\",\"backend\":\"$backend\",\"shape\":\"$shape\",\"run\":$run,\"mpps\":$mpps,\"gbps\":$gbps}"
			echo "$line"
			echo "$line" >>"$RESULTS"
		done
	done
done
python3 - "$RESULTS" <<'EOF'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
shapes = []
for r in runs:
    if r["shape"] not in shapes:
        shapes.append(r["shape"])
for s in shapes:
    out = {"type": "summary", "shape": s}
    for k in ("mpps", "gbps"):
        for b in ("xen", "vhost"):
            v = [r[k] for r in runs if r["shape"] == s and r["backend"] == b]
            out[b + "_" + k] = round(statistics.median(v), 4)
        v = out["vhost_" + k]
        out[k + "_ratio"] = round(out["xen_" + k] / v, 3) if v else None
    print(json.dumps(out, separators=(",", ":")))
EOF
