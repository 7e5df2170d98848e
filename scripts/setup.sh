#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# All set-up on a fresh Debian 12 machine: Debian packages, the DPDK
# driver-SDK headers Debian does not ship, and a build.
#   scripts/setup.sh [BUILD_DIR [meson options...]]   (default: build)
# Needs root for apt-get (skipped when every package is already installed).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${1:-build}
shift || true

packages=(
	build-essential pkg-config meson ninja-build python3-pyelftools
	dpdk dpdk-dev libdpdk-dev libxen-dev libjansson-dev libnuma-dev
	clang libclang-rt-14-dev
	iproute2 procps util-linux
	ca-certificates xz-utils
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "setup: installing ${missing[*]}"
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup: root is needed to install packages (run with sudo)" >&2
		exit 1
	fi
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}"
fi

"$top/scripts/fetch-dpdk-sdk.sh" "$top/.deps/dpdk-sdk"

cd "$top"
if [ ! -f "$builddir/build.ninja" ]; then
	meson setup "$builddir" "$@"
fi
ninja -C "$builddir"
