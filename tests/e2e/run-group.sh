#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# meson test entry of the e2e suite.
#   run-group.sh setup BUILD_ROOT             build (or reuse) the lab, and
#                                             the release build (below)
#   run-group.sh GROUP BUILD_ROOT DOM0_LIMIT  set up, then boot GROUP
# When BUILD_ROOT is a sanitizer build, xennetd and xennetctl are also built
# without sanitizers in BUILD_ROOT/e2e-release, and the groups measure
# throughput with those (under TCG an ASan build measures ASan); the
# correctness scenarios keep the build under test. XNB_E2E_PERF_BUILD=DIR
# uses another build dir, =none none at all.
# Exit status as meson expects: 0 pass, 1 fail, 77 skip (with the reason on
# stderr: no root/apt/QEMU, lab cannot be built, component not built).
set -uo pipefail
scripts=$(cd "$(dirname "$0")/../../scripts/e2e" && pwd)
top=$(cd "$scripts/../.." && pwd)

sanitized()
{
	meson introspect --buildoptions "$1" 2>/dev/null | python3 -c '
import json, sys
v = [o["value"] for o in json.load(sys.stdin) if o["name"] == "b_sanitize"]
sys.exit(0 if v and v[0] != "none" else 1)'
}

# The release build dir to use ("" for none); made/updated when $2 = make.
perf_build()
{
	local rel=${XNB_E2E_PERF_BUILD:-$1/e2e-release}
	[ "$rel" != none ] || return 0
	if [ -z "${XNB_E2E_PERF_BUILD:-}" ] && ! sanitized "$1"; then
		return 0
	fi
	if [ "$2" = make ]; then
		if [ ! -f "$rel/build.ninja" ]; then
			meson setup --buildtype=release -Dtests=false "$rel" "$top" \
				>"$1/e2e-release-setup.log" 2>&1 || {
				echo "run-group.sh: meson setup $rel failed (see $1/e2e-release-setup.log)" >&2
				return 1
			}
		fi
		ninja -C "$rel" -j2 app/xennetd/xennetd app/xennetctl/xennetctl \
			>"$1/e2e-release-build.log" 2>&1 || {
			echo "run-group.sh: release build failed (see $1/e2e-release-build.log)" >&2
			return 1
		}
	fi
	[ -x "$rel/app/xennetd/xennetd" ] && echo "$rel"
	return 0
}

"$scripts/setup.sh"
rc=$?
[ "$rc" = 0 ] || exit "$rc"
if [ "$1" = setup ]; then
	perf_build "$2" make >/dev/null
	exit
fi
rel=$(perf_build "$2" use)
exec "$scripts/boot.sh" --build "$2" ${rel:+--perf-build "$rel"} --timeout "$3" "$1"
