#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The test command: set-up (packages, SDK headers, an ASan+UBSan build in
# build-asan) and the default test suites. Extra arguments go to meson test,
# e.g. `scripts/test.sh --suite e2e` for the real-Xen end-to-end suite.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh" build-asan -Db_sanitize=address,undefined -Db_lundef=false
cd "$top"
exec meson test -C build-asan --print-errorlogs --num-processes 2 "$@"
