#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The main job. Set-up (packages, SDK headers, build), then:
#  - on a Xen dom0 (/dev/xen/gntdev present and --sim not given): nothing
#    is started for you; run xennetd as a service (see README);
#  - elsewhere: `xennetd --sim`, the demo on the simulated hypervisor:
#    simulated guests created and given vifs the way xl does, served by
#    xennetd through its hotplug path and L2 switch (plus a net_tap port
#    when the machine allows one), live per-vif rates every second.
#
#   scripts/demo.sh [xennetd --sim options, e.g. --sim-duration 30
#                    --sim-guests 4 --sim-rate 50000]
# Ctrl-C ends it.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh" build
exec "$top/build/app/xennetd/xennetd" -l 0-1 --no-huge -m 512 --no-pci \
	--file-prefix "xennetd-demo$$" -- --sim "$@"
