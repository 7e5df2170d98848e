#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The PMD demo for DPDK engineers (scripts/demo.sh is the daemon's): set-up,
# then, on the simulated hypervisor, two simulated guests (xnb-simfront, separate
# processes with their own memory and grant tables) are created and given a
# vif the way xl does (xnb-simxl); stock dpdk-testpmd with the net_xen PMD
# is their backend and forwards between the two vif ports; testpmd prints
# live per-vif (per-port) packet counts every second. Each guest verifies
# every frame it receives and prints its counters when the demo ends.
#
#   scripts/demo-testpmd.sh [--duration S] [--rate PPS] [--size BYTES]
#
# Ctrl-C ends it (default: runs until stopped).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
duration=0
rate=20000
size=256
while [ $# -gt 0 ]; do
	case "$1" in
	--duration) duration=$2; shift 2 ;;
	--rate) rate=$2; shift 2 ;;
	--size) size=$2; shift 2 ;;
	-h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "demo: unknown option $1" >&2; exit 2 ;;
	esac
done

"$top/scripts/setup.sh" build
b=$top/build
. "$top/scripts/sim-env.sh"
sim_env_start "$b/app/xnb-simhv/xnb-simhv"
dir=$XNB_SIM_DIR

mac_of() {
	printf '00:16:3e:00:00:%02x' "$1"
}

# Guests: domains 1 and 2, each streaming to the other.
guests=()
for d in 1 2; do
	"$b/app/xnb-simxl/xnb-simxl" --dir "$dir" create "$d" "name=guest$d"
	sim_env_spawn "guest$d" "$b/app/xnb-simfront/xnb-simfront" \
		--dir "$dir" --domid "$d" --cpu 0 --size "$size" \
		--rate "$rate" --dst-mac "$(mac_of $((3 - d)))" --allow-loss \
		--timeout 60
	guests+=("$SIM_PID")
done
# The vifs, as xl network-attach writes them; the toolstack waits up to
# 10 s for the backend to reach InitWait.
for d in 1 2; do
	sim_env_spawn "attach$d" "$b/app/xnb-simxl/xnb-simxl" --dir "$dir" \
		network-attach "$d" "mac=$(mac_of "$d")"
done

# The backend: stock testpmd loading the PMD by name (testpmd refuses -d
# paths under world-writable directories), one forwarding lcore.
vdevs=()
for d in 1 2; do
	vdevs+=(--vdev "net_xen$((d - 1)),domid=$d,hv=sim,simdir=$dir")
done
echo "demo: starting dpdk-testpmd with net_xen0 (guest 1) and net_xen1 (guest 2); Ctrl-C to stop"
LD_LIBRARY_PATH=$b/pmd-xen${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
	dpdk-testpmd --no-huge -m 256 --no-pci -l 0-1 \
	--file-prefix "xnbdemo$$" -d librte_net_xen.so "${vdevs[@]}" -- \
	--forward-mode=io --auto-start --stats-period 1 \
	--total-num-mbufs=16384 &
testpmd=$!
stop_testpmd() {
	kill -INT "$testpmd" 2>/dev/null || true
	wait "$testpmd" 2>/dev/null || true
}
trap 'stop_testpmd; sim_env_stop' EXIT

if [ "$duration" -gt 0 ]; then
	sleep "$duration"
else
	wait "$testpmd" || true
fi
stop_testpmd
for d in 1 2; do
	kill -INT "${guests[$((d - 1))]}" 2>/dev/null || true
done
for d in 1 2; do
	sim_env_wait "${guests[$((d - 1))]}" 30 || true
	python3 -c '
import json, sys
c = json.loads(sys.stdin.readlines()[-1])
print("guest %d: sent %d, received %d verified, %d bad, %d missing (sent before the peer was up, or in flight at stop), ok=%s"
      % (c["domid"], c["tx_pkts"], c["rx_pkts"], c["rx_bad"], c["rx_lost"], c["ok"]))
' <"$dir/guest$d.out"
done
