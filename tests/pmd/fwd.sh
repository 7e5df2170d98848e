#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Stock dpdk-testpmd, io forwarding between two net_xen ports, each the
# backend of one simulated guest (xnb-simfront) that sends a counted,
# rate-limited stream to the other and verifies every frame it receives.
# Passes when both guests got every frame intact, the ports counted no
# error and (per variant) the offload paths were taken.
#
# Usage: fwd.sh TESTPMD PMD_SO SIMHV SIMXL SIMFRONT XS_TOOL VARIANT
# Variants:
#   basic    60-byte frames
#   jumbo    9000-byte frames: multi-slot guest Tx, mbuf chains
#   max      65535-byte frames (sg), no GSO
#   gso      64 KiB TCP frames with GSO extras both ways (LRO/TSO mbufs,
#            testpmd --enable-lro)
#   gso-seg  the same without LRO: the PMD segments them in software and
#            each guest gets MSS-sized TCP frames (counted, not verified:
#            simfront's verifier checks whole frames only)
#   csum     TCP frames with blank checksums, finished by the PMD
#   csum-offload  the same with Rx checksum offload on: blank on delivery
#   mq       2 guest queues, --rxq=2 --txq=2, 4 TCP flows per guest queue:
#            the PMD spreads the flows over the receiving guest's queues
#            (both get frames), each flow in order
#   mq-spread  the same, but guest 1 has one queue: everything it sends
#            comes through one ethdev Tx queue, and still reaches both of
#            guest 2's queues; guest 2's two ethdev Tx queues share guest
#            1's one
#   zc-jumbo, zc-max, zc-gso  jumbo, max and gso with zero-copy guest Tx
#            (copy_threshold=0: every fragment after the first mapped):
#            frames were mapped, and every map was unmapped at the end
#   zc-off   jumbo with copy_threshold=4096: nothing mapped
#
# CPUs: testpmd main lcore 0 + forwarding lcore 1, both guests on CPU 0.
. "$(dirname "$0")/testpmd-lib.sh"
tp_setup "$1" "$2"
SIMHV=$3 SIMXL=$4 SIMFRONT=$5 XS_TOOL=$6 VARIANT=$7

queues=1
# Frames each guest receives: one per frame sent unless segmented.
expect=
# A guest descheduled for a while must not lose frames on a busy 2-core
# machine: let up to ~0.4 s of traffic wait for its Rx buffers.
backlog=4096
tp_args=()
fe_args=()
checks=()
# Guest 2 only: more simfront arguments and checks.
g2_args=()
g2_checks=()
# copy_threshold devarg (empty: the PMD's default)
zc=
case "$VARIANT" in
basic)
	count=10000 rate=10000
	fe_args=(--size 60)
	;;
jumbo)
	count=4000 rate=4000
	fe_args=(--size 9000)
	;;
max)
	count=600 rate=600
	fe_args=(--size 65535 --no-gso)
	;;
gso)
	count=600 rate=600
	fe_args=(--size 65535 --gso)
	tp_args=(--enable-lro)
	checks=("rx_gso == $count" "rx_csum_blank == $count")
	;;
gso-seg)
	# Each frame becomes 46 segments: a slow rate keeps a loaded
	# machine's guest from falling behind (testpmd's io forwarding drops
	# what a full guest Rx ring cannot take).
	count=300 rate=100
	# simfront's frames: Ethernet + IPv4 + TCP headers (54 bytes),
	# gso_size 1448 (xnb-simfront fe_pkt.h).
	hdrs=54 mss=1448
	segs=$(((65535 - hdrs + mss - 1) / mss))
	expect=$((count * segs))
	fe_args=(--size 65535 --gso --no-verify)
	checks=("rx_gso == 0" "rx_csum_blank == 0"
		"rx_bytes == $((count * (65535 + (segs - 1) * hdrs)))")
	;;
csum)
	count=5000 rate=5000
	fe_args=(--size 1000 --gso)
	checks=("rx_gso == 0" "rx_csum_blank == 0")
	;;
csum-offload)
	count=5000 rate=5000
	fe_args=(--size 1000 --gso)
	tp_args=(--enable-rx-cksum)
	checks=("rx_gso == 0" "rx_csum_blank == $count")
	;;
mq)
	count=10000 rate=10000 queues=2
	fe_args=(--size 128 --queues 2 --gso --flows 4)
	tp_args=(--rxq=2 --txq=2)
	checks=("queues.0.rx_pkts > 0" "queues.1.rx_pkts > 0"
		"rx_reordered == 0")
	;;
mq-spread)
	count=10000 rate=10000 queues=2
	fe_args=(--size 128 --gso --flows 4)
	g2_args=(--queues 2)
	tp_args=(--rxq=2 --txq=2)
	checks=("queues.0.rx_pkts > 0" "rx_reordered == 0")
	g2_checks=("queues.1.rx_pkts > 0")
	;;
zc-jumbo|zc-off)
	count=4000 rate=4000
	fe_args=(--size 9000)
	zc=0
	[ "$VARIANT" = zc-off ] && zc=4096
	;;
zc-max)
	count=600 rate=600 zc=0
	fe_args=(--size 65535 --no-gso)
	;;
zc-gso)
	count=600 rate=600 zc=0
	fe_args=(--size 65535 --gso)
	tp_args=(--enable-lro)
	checks=("rx_gso == $count" "rx_csum_blank == $count")
	;;
*)
	tp_fail "unknown variant '$VARIANT'"
	;;
esac
expect=${expect:-$count}

mac_of() {
	printf '00:16:3e:00:00:%02x' "$1"
}

xl() {
	"$SIMXL" --dir "$TP_SIM" "$@"
}

tp_start_simhv "$SIMHV"

# Guests first: each connects as soon as its backend is there, then waits
# for SIGUSR1 to send.
declare -A guest_pid
for d in 1 2; do
	peer=$((3 - d))
	extra=()
	[ "$d" -eq 2 ] && extra=("${g2_args[@]}")
	xl create "$d" || tp_fail "xnb-simxl create $d"
	"$SIMFRONT" --dir "$TP_SIM" --domid "$d" --cpu 0 --wait-start \
		--dst-mac "$(mac_of "$peer")" --count "$count" \
		--rate "$rate" --expect-rx "$expect" --timeout 30 \
		"${fe_args[@]}" "${extra[@]}" >"$TP_DIR/g$d.out" \
		2>"$TP_DIR/g$d.err" &
	guest_pid[$d]=$!
	TP_PIDS+=("$!")
done

# The toolstack creates each vif, then waits (10 s) for its backend: here
# the ports probe a device that exists already (pmd-reconnect covers ports
# that exist first).
declare -A attach_pid
for d in 1 2; do
	xl network-attach "$d" "mac=$(mac_of "$d")" \
		>"$TP_DIR/attach$d.out" 2>&1 &
	attach_pid[$d]=$!
	TP_PIDS+=("$!")
done
for d in 1 2; do
	tp_xs_wait "$XS_TOOL" "/local/domain/0/backend/vif/$d/0/state" 1
done

vdevs=()
for d in 1 2; do
	vdevs+=(--vdev "net_xen$((d - 1)),domid=$d,queues=$queues,hv=sim,simdir=$TP_SIM,backlog=$backlog${zc:+,copy_threshold=$zc}")
done
# --no-flush-rx: "start" must not discard what the guests send meanwhile.
tp_start "${vdevs[@]}" -- -i --total-num-mbufs=32768 --no-flush-rx \
	"${tp_args[@]}"
tp_wait "testpmd> " 60
if grep -q "Start ports failed" "$TP_DIR/testpmd.out"; then
	tp_fail "testpmd could not start the ports"
fi

for d in 1 2; do
	tp_reap "${attach_pid[$d]}" 20 || tp_fail "network-attach $d hangs"
	[ "$TP_REAP_RC" -eq 0 ] || {
		cat "$TP_DIR/attach$d.out"
		tp_fail "network-attach $d failed"
	}
	tp_xs_wait "$XS_TOOL" "/local/domain/0/backend/vif/$d/0/state" 4 20
done
for p in 0 1; do
	tp_mark
	tp_cmd "show port info $p"
	tp_wait_new "Device error handling mode"
	tp_new_output | grep -q "Link status: up" || tp_fail "port $p link down"
done

tp_cmd "start"
tp_wait "io packet forwarding"
kill -USR1 "${guest_pid[1]}" "${guest_pid[2]}"

guest_fail=
for d in 1 2; do
	tp_reap "${guest_pid[$d]}" 90 || tp_fail "guest $d did not finish"
	rc=$TP_REAP_RC
	if [ "$rc" -ne 0 ]; then
		tail -n 5 "$TP_DIR/g$d.err" >&2
		guest_fail="$guest_fail guest $d exit status $rc;"
	fi
	extra=()
	[ "$d" -eq 2 ] && extra=("${g2_checks[@]}")
	tp_json_check "$TP_DIR/g$d.out" "ok == true" "tx_pkts == $count" \
		"rx_pkts == $expect" "rx_bad == 0" "rx_lost == 0" \
		"tx_errors == 0" "tx_dropped == 0" "${checks[@]}" \
		"${extra[@]}" ||
		guest_fail="$guest_fail guest $d checks;"
done

tp_cmd "stop"
tp_mark
tp_cmd "show port xstats all"
tp_wait_new "NIC extended statistics for port 1"
tp_wait_new "ctrl_notify"
tp_new_output >"$TP_DIR/xstats.txt"
if [ -n "$guest_fail" ]; then
	grep -E "^ +[a-z_0-9]+: [1-9]" "$TP_DIR/xstats.txt" >&2
	tp_fail "$guest_fail"
fi
# Every frame went through, none dropped on the way.
for p in 0 1; do
	awk -v port="$p" '
		/NIC extended statistics for port/ { cur = $NF }
		cur == port && $1 ~ /^(rx|tx)_q[0-9]+_(drop_[a-z_]+|fatal|bad_offload|full|sw_gso_drop):$/ && $2 != 0 {
			print "port " port ": " $0; bad = 1 }
		END { exit bad }' "$TP_DIR/xstats.txt" ||
		tp_fail "port $p counted drops"
done
sum_xstat() {
	awk -v name="$1" '$1 ~ "^" name ":$" { s += $2 } END { print s + 0 }' \
		"$TP_DIR/xstats.txt"
}
case "$VARIANT" in
csum)
	[ "$(sum_xstat 'rx_q[0-9]+_sw_cksum')" -eq $((2 * count)) ] ||
		tp_fail "the PMD did not finish every blank checksum"
	;;
csum-offload)
	[ "$(sum_xstat 'rx_q[0-9]+_sw_cksum')" -eq 0 ] ||
		tp_fail "checksums finished despite Rx checksum offload"
	;;
gso)
	[ "$(sum_xstat 'rx_q[0-9]+_sw_gso')" -eq 0 ] ||
		tp_fail "GSO frames segmented despite LRO"
	;;
gso-seg)
	[ "$(sum_xstat 'rx_q[0-9]+_sw_gso')" -eq $((2 * count)) ] ||
		tp_fail "segmented $(sum_xstat 'rx_q[0-9]+_sw_gso') GSO frames, not $((2 * count))"
	[ "$(sum_xstat 'rx_q[0-9]+_sw_gso_segs')" -eq $((2 * expect)) ] ||
		tp_fail "made $(sum_xstat 'rx_q[0-9]+_sw_gso_segs') segments, not $((2 * expect))"
	;;
zc-jumbo|zc-max|zc-gso)
	[ "$(sum_xstat 'rx_q[0-9]+_zc_frames')" -gt 0 ] ||
		tp_fail "no frame went zero-copy"
	[ "$(sum_xstat 'rx_q[0-9]+_gmap_ops')" -gt 0 ] &&
	[ "$(sum_xstat 'rx_q[0-9]+_gmap_ops')" -eq \
	  "$(sum_xstat 'rx_q[0-9]+_gunmap_ops')" ] &&
	[ "$(sum_xstat 'rx_q[0-9]+_gmap_calls')" -eq \
	  "$(sum_xstat 'rx_q[0-9]+_gunmap_calls')" ] ||
		tp_fail "grant maps and unmaps differ"
	[ "$(sum_xstat 'rx_q[0-9]+_zc_inflight')" -eq 0 ] &&
	[ "$(sum_xstat 'rx_q[0-9]+_zc_map_fail')" -eq 0 ] ||
		tp_fail "zero-copy frames left mapped or failed"
	;;
zc-off)
	[ "$(sum_xstat 'rx_q[0-9]+_gmap_calls')" -eq 0 ] &&
	[ "$(sum_xstat 'rx_q[0-9]+_zc_frames')" -eq 0 ] ||
		tp_fail "copy_threshold=4096 still mapped grants"
	;;
esac
[ "$(sum_xstat 'rx_q[0-9]+_packets')" -eq $((2 * count)) ] ||
	tp_fail "ports received $(sum_xstat 'rx_q[0-9]+_packets'), not $((2 * count))"
[ "$(sum_xstat 'tx_q[0-9]+_packets')" -eq $((2 * expect)) ] ||
	tp_fail "ports sent $(sum_xstat 'tx_q[0-9]+_packets'), not $((2 * expect))"

tp_quit
echo "ok: $VARIANT: 2 x $count frames sent, 2 x $expect received"
