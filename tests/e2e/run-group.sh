#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# meson test entry of the e2e suite.
#   run-group.sh setup                        build (or reuse) the lab
#   run-group.sh GROUP BUILD_ROOT DOM0_LIMIT  set up, then boot GROUP
# Exit status as meson expects: 0 pass, 1 fail, 77 skip (with the reason on
# stderr: no root/apt/QEMU, lab cannot be built, component not built).
set -uo pipefail
scripts=$(cd "$(dirname "$0")/../../scripts/e2e" && pwd)

"$scripts/setup.sh"
rc=$?
[ "$rc" = 0 ] || exit "$rc"
[ "$1" != setup ] || exit 0
exec "$scripts/boot.sh" --build "$2" --timeout "$3" "$1"
