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

# pkg-config files SwiftPM can read. Package.swift takes DPDK's compile and link flags from
# `pkgConfig: "libdpdk"`, but SwiftPM's own .pc parser stops at a Description that spans several
# lines, as Debian's libdpdk.pc and libdpdk-libs.pc do (upstream DPDK generates them that way),
# and then builds without DPDK's include paths. A copy with the Description on one line, in a
# directory searched before the distribution's, fixes that; it is only installed where needed.
PC_FIX_DIR=/usr/local/lib/pkgconfig
# The distribution's copy: the first libdpdk.pc on pkg-config's default path other than ours.
PC_SRC_DIR=
for d in $(pkg-config --variable pc_path pkg-config | tr ':' ' '); do
  [ "$d" != "$PC_FIX_DIR" ] && [ -f "$d/libdpdk.pc" ] && { PC_SRC_DIR=$d; break; }
done
[ -n "$PC_SRC_DIR" ] || die "no libdpdk.pc on pkg-config's path (is libdpdk-dev installed?)"
# A line that is neither blank, a comment, "Key: value" nor "var=value" continues the one before.
pc_multiline() { grep -qvE '^[[:space:]]*$|^#|^[A-Za-z0-9_.]+[[:space:]]*[:=]' "$1"; }
pc_one_line() { awk '
  /^[[:space:]]*$|^#|^[A-Za-z0-9_.]+[[:space:]]*[:=]/ { if (n) print held; held = $0; n = 1; next }
  { sub(/^[[:space:]]+/, ""); held = held " " $0 }
  END { if (n) print held }' "$1"; }
for pc in libdpdk libdpdk-libs; do
  src="$PC_SRC_DIR/$pc.pc"
  [ -f "$src" ] || die "$src not found"
  if ! pc_multiline "$src"; then
    rm -f "$PC_FIX_DIR/$pc.pc"          # the distribution's parses: no copy needed
  elif pc_one_line "$src" | cmp -s - "$PC_FIX_DIR/$pc.pc"; then
    say "$PC_FIX_DIR/$pc.pc (one-line Description, for SwiftPM) already installed"
  else
    mkdir -p "$PC_FIX_DIR"
    pc_one_line "$src" > "$PC_FIX_DIR/$pc.pc"
    say "installed $PC_FIX_DIR/$pc.pc: $src with its Description on one line, for SwiftPM"
  fi
done
pc_multiline "$(pkg-config --variable pcfiledir libdpdk)/libdpdk.pc" \
  && die "pkg-config still finds a libdpdk.pc SwiftPM cannot parse first: is $PC_FIX_DIR on its path?"

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
