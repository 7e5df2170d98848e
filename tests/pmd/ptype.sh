#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Packet types of net_xen inside stock testpmd, which turns them off on
# every port it starts (rte_eth_dev_set_ptypes(RTE_PTYPE_UNKNOWN)). Three
# guests send to three ports in rxonly mode, verbose:
#   port 0, plain frames: no packet type (the PMD skips parsing);
#   port 1, "set port 1 ptype_mask" asks for them back: every frame has one;
#   port 2, TCP frames with blank checksums: the PMD still parses them (it
#     finishes the checksum, which needs the header lengths), so they carry
#     their packet type and a good L4 checksum flag.
#
# Usage: ptype.sh TESTPMD PMD_SO SIMHV SIMXL SIMFRONT XS_TOOL
. "$(dirname "$0")/testpmd-lib.sh"
tp_setup "$1" "$2"
SIMHV=$3 SIMXL=$4 SIMFRONT=$5 XS_TOOL=$6

count=20

be() {
	echo "/local/domain/0/backend/vif/$1/0"
}

tp_start_simhv "$SIMHV"
guests=()
for d in 1 2 3; do
	"$SIMXL" --dir "$TP_SIM" create "$d" || tp_fail "xnb-simxl create $d"
	fe_args=()
	[ "$d" = 3 ] && fe_args=(--gso --size 1000)
	"$SIMFRONT" --dir "$TP_SIM" --domid "$d" --cpu 0 --wait-start \
		--tx-only --count "$count" --rate 100 --timeout 20 \
		"${fe_args[@]}" >"$TP_DIR/g$d.out" 2>"$TP_DIR/g$d.err" &
	guests+=("$!")
	TP_PIDS+=("$!")
	"$SIMXL" --dir "$TP_SIM" network-attach "$d" \
		>"$TP_DIR/attach$d.out" 2>&1 &
	TP_PIDS+=("$!")
	tp_xs_wait "$XS_TOOL" "$(be "$d")/state" 1
done
tp_start --vdev "net_xen0,domid=1,hv=sim,simdir=$TP_SIM" \
	--vdev "net_xen1,domid=2,hv=sim,simdir=$TP_SIM" \
	--vdev "net_xen2,domid=3,hv=sim,simdir=$TP_SIM" \
	-- -i --total-num-mbufs=16384
tp_wait "testpmd> " 60
for d in 1 2 3; do
	tp_xs_wait "$XS_TOOL" "$(be "$d")/state" 4 20
done
tp_cmd "set port 1 ptype_mask 0xfff"
tp_wait "Successfully set following ptypes for Port 1"
tp_cmd "set fwd rxonly"
tp_cmd "set verbose 1"
tp_cmd "start"
tp_wait "rxonly packet forwarding"
for g in "${guests[@]}"; do
	kill -USR1 "$g"
done
for g in "${guests[@]}"; do
	tp_reap "$g" 30 || tp_fail "a guest did not finish"
	[ "$TP_REAP_RC" -eq 0 ] || tp_fail "guest exit status $TP_REAP_RC"
done

# One line per frame ("  src=..."), after "port P/queue Q: received"
# (behind a prompt, the first time); its offload flags on the next line.
# Per port: frames, frames whose packet type from the PMD ("hw ptype")
# is what testpmd's own parse finds ("sw ptype"), other typed frames,
# frames flagged with a good L4 checksum.
summary() {
	awk '
	match($0, /port [0-9]+\/queue [0-9]+: received/) {
		split(substr($0, RSTART + 5), pq, "/"); port = pq[1]; next
	}
	/^  src=/ {
		n[port]++
		hwp = swp = ""
		if (match($0, / - hw ptype: [^-]*/))
			hwp = substr($0, RSTART + 13, RLENGTH - 13)
		if (match($0, / - sw ptype: [^-]*/))
			swp = substr($0, RSTART + 13, RLENGTH - 13)
		if (hwp != "" && hwp == swp) same[port]++
		else if (hwp != "") odd[port]++
		last = port; next
	}
	/^  ol_flags:/ && last != "" {
		if ($0 ~ /RTE_MBUF_F_RX_L4_CKSUM_GOOD/) good[last]++
		last = ""
	}
	END {
		for (p = 0; p < 3; p++)
			printf "%d %d %d %d %d\n", p, n[p], same[p], odd[p],
			       good[p]
	}' "$TP_DIR/testpmd.out"
}
deadline=$((SECONDS + 20))
until summary | awk -v c="$count" '$2 < c { bad = 1 } END { exit bad }'; do
	[ "$SECONDS" -lt "$deadline" ] || break
	sleep 0.2
done
tp_cmd "stop"
tp_wait "Done."
tp_quit
summary >"$TP_DIR/summary"
echo "port frames typed_as_testpmd typed_otherwise l4_cksum_good:"
cat "$TP_DIR/summary"
grep -q "Failed to disable Ptype parsing" "$TP_DIR/testpmd.out" &&
	tp_fail "testpmd could not turn packet types off"
read -r _ n0 hw0 odd0 _ < <(sed -n 1p "$TP_DIR/summary")
read -r _ n1 hw1 odd1 _ < <(sed -n 2p "$TP_DIR/summary")
read -r _ n2 hw2 odd2 good2 < <(sed -n 3p "$TP_DIR/summary")
[ "$n0" = "$count" ] && [ "$n1" = "$count" ] && [ "$n2" = "$count" ] ||
	tp_fail "frames received: $n0 $n1 $n2, not $count each"
[ "$hw0" = 0 ] && [ "$odd0" = 0 ] ||
	tp_fail "port 0 parsed frames with packet types off"
[ "$hw1" = "$count" ] || tp_fail "port 1: $hw1 frames typed, not $count"
[ "$hw2" = "$count" ] && [ "$good2" = "$count" ] ||
	tp_fail "port 2: $hw2 typed, $good2 with good checksums, not $count"
[ "$odd1" = 0 ] && [ "$odd2" = 0 ] || tp_fail "unexpected packet types"
echo "ok: packet types off, on again, and kept for checksum offload"
