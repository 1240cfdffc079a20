#!/usr/bin/env bash
# One-time machine setup for the DPDK multi-process samples in Swift.
# Idempotent; run as root. Installs the Debian packages the build, demo and tests need,
# reserves 2 MiB hugepages and mounts hugetlbfs when none is mounted.
set -euo pipefail

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (DPDK needs hugepages and tap devices): try 'sudo $0'"

HUGEPAGES_MIN=${HUGEPAGES_MIN:-2048}     # 2 MiB pages: 4 GiB, room for several test groups
PACKAGES=(libdpdk-dev dpdk-dev dpdk-doc libnuma-dev libpcap-dev pkg-config make gcc
          iproute2 iputils-ping iperf3 ethtool python3)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || die "apt-get update failed: no access to Debian's package registry?"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
else
  say "packages already installed"
fi

# libdpdk-swiftpm.pc: DPDK's include paths for SwiftPM (Package.swift's LibDPDK target reads it).
# Not libdpdk.pc itself, for two reasons: SwiftPM's own .pc parser cannot read Debian's (and
# upstream's) libdpdk.pc and libdpdk-libs.pc, whose Description spans several lines, and builds
# without DPDK's headers; and their Libs name every DPDK library behind -Wl,--as-needed, which
# SwiftPM drops, so a Swift program would load all of them, register every library's shared
# "tailq" list, and fail to start as a secondary of a C primary that registered fewer ("Cannot
# initialize tailq"). Package.swift links the libraries MPCore calls; this file only says where
# DPDK is. It is regenerated from libdpdk.pc when that changes (a DPDK upgrade).
PC_DIR=/usr/local/lib/pkgconfig
pc_cflags=$(pkg-config --cflags-only-I libdpdk) || die "pkg-config cannot find libdpdk (is libdpdk-dev installed?)"
pc_file="Name: libdpdk-swiftpm
Description: DPDK's include paths for SwiftPM packages (from libdpdk.pc by scripts/setup.sh); the packages link the DPDK libraries they use
Version: $(pkg-config --modversion libdpdk)
Cflags: ${pc_cflags% }
Libs: -L$(pkg-config --variable libdir libdpdk)"
if [ "$(cat "$PC_DIR/libdpdk-swiftpm.pc" 2>/dev/null)" = "$pc_file" ]; then
  say "$PC_DIR/libdpdk-swiftpm.pc already installed"
else
  mkdir -p "$PC_DIR"
  printf '%s\n' "$pc_file" > "$PC_DIR/libdpdk-swiftpm.pc"
  say "installed $PC_DIR/libdpdk-swiftpm.pc (DPDK's include paths, for SwiftPM)"
fi

# hugetlbfs: DPDK multi-process shares memory through files on it.
if ! mount -t hugetlbfs | grep -q .; then
  mkdir -p /dev/hugepages
  mount -t hugetlbfs nodev /dev/hugepages || die "cannot mount hugetlbfs on /dev/hugepages"
  say "mounted hugetlbfs on /dev/hugepages"
fi

nr=/proc/sys/vm/nr_hugepages
have=$(cat "$nr")
if [ "$have" -lt "$HUGEPAGES_MIN" ]; then
  echo "$HUGEPAGES_MIN" > "$nr" 2>/dev/null || true
  have=$(cat "$nr")
  [ "$have" -ge 512 ] \
    || die "only $have of $HUGEPAGES_MIN 2 MiB hugepages could be reserved (memory fragmented or limited?): free memory, or reboot with hugepages=$HUGEPAGES_MIN"
  say "reserved $have 2 MiB hugepages"
else
  say "$have 2 MiB hugepages reserved already"
fi
free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
[ "$free" -ge 256 ] || die "only $free hugepages free: a DPDK process left running or files left in /dev/hugepages hold them (see 'ls /dev/hugepages')"
say "ready: $free hugepages free"
