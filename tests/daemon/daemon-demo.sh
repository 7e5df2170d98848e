#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The README's demo, bounded: xennetd --sim starts its own simulator and
# guests (found next to it in the build tree), switches their traffic,
# prints per-vif rates every second and exits cleanly, leaving nothing.
. "$(dirname "$0")/daemon-lib.sh"

OUT=$(mktemp "${TMPDIR:-/tmp}/xd-demo.XXXXXX")
trap 'rm -f "$OUT"; rm -rf "/var/run/dpdk/$PREFIX"' EXIT
rc=0
timeout 120 "$XENNETD" -l 0-1 --no-huge -m 256 --no-pci \
	--file-prefix "$PREFIX" --log-level=lib.eal:warning -- \
	--sim --sim-guests 2 --sim-rate 1000 --sim-duration 4 --sim-no-tap \
	>"$OUT" 2>&1 || rc=$?
cat "$OUT"
[ "$rc" = 0 ] || { echo "FAIL: xennetd --sim exited with $rc"; exit 1; }
dir=$(sed -n 's/.* guests in \([^ ]*\), .*/\1/p' "$OUT")
[ -n "$dir" ] || { echo "FAIL: no simulator directory announced"; exit 1; }
[ ! -e "$dir" ] || { echo "FAIL: $dir left behind"; exit 1; }
grep -q -- "--- 4 s ---" "$OUT" || { echo "FAIL: no rates"; exit 1; }
# Each guest sends 1000 frames/s to the other: rates around that.
for v in vif1.0 vif2.0; do
	pps=$(awk -v v="$v" '$1 == v && $3 == "in" { n = $4 } END { print n }' \
		"$OUT")
	[ "${pps:-0}" -gt 0 ] || { echo "FAIL: $v shows no traffic"; exit 1; }
done
echo "PASS"
