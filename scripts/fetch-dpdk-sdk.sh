#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Fetch the DPDK driver-SDK headers (ethdev_driver.h, ethdev_vdev.h, ...) that
# Debian's libdpdk-dev does not install, from Debian's dpdk source package of
# exactly the installed version. Uses a private apt state directory with
# deb-src entries derived from the machine's own apt sources, so the system
# apt configuration is left untouched. Output: <dest>/include/*.h
set -euo pipefail

dest=${1:?usage: fetch-dpdk-sdk.sh DEST_DIR}
version=$(dpkg-query -W -f='${Version}' libdpdk-dev)
stamp="$dest/.version"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version" ]; then
	exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/archives/partial" "$work/parts" "$work/src"

# deb-src twins of every enabled deb source (deb822 and one-line formats).
for f in /etc/apt/sources.list.d/*.sources; do
	[ -e "$f" ] || continue
	sed -E 's/^Types:.*/Types: deb-src/' "$f" > "$work/parts/$(basename "$f")"
done
if [ -s /etc/apt/sources.list ]; then
	grep -E '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' > "$work/sources.list" || true
fi
touch "$work/sources.list"

apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list"
	  -o "Dir::Etc::SourceParts=$work/parts"
	  -o "Dir::State::Lists=$work/lists"
	  -o "Dir::Cache::Archives=$work/archives"
	  -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root")
apt-get "${apt_opts[@]}" -q update >/dev/null
(cd "$work/src" && apt-get "${apt_opts[@]}" -q source --download-only "dpdk=$version" >/dev/null)

tarball=$(ls "$work"/src/dpdk_*.orig.tar.* | head -n 1)
want=(lib/ethdev/ethdev_driver.h lib/ethdev/ethdev_vdev.h lib/ethdev/ethdev_pci.h
      drivers/bus/vdev/bus_vdev_driver.h lib/eal/include/dev_driver.h
      lib/eal/include/bus_driver.h)
top=$(tar -tf "$tarball" | awk -F/ 'NR == 1 { print $1 }')
members=()
for w in "${want[@]}"; do
	members+=("$top/$w")
done
tar -xf "$tarball" -C "$work" "${members[@]}"

rm -rf "$dest/include"
mkdir -p "$dest/include"
for w in "${want[@]}"; do
	cp "$work/$top/$w" "$dest/include/"
done
echo "$version" > "$stamp"
echo "DPDK SDK headers $version -> $dest/include"
