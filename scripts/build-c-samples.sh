#!/usr/bin/env bash
# Builds DPDK's C multi-process samples (from the dpdk-doc package) into DIR, default
# .build/c-samples: the reference our Swift samples are tested and benchmarked against.
# Prints nothing on success but the paths of the four binaries.
set -euo pipefail
src=/usr/share/dpdk/examples/multi_process
dest=${1:-"$(cd "$(dirname "$0")/.." && pwd)/.build/c-samples"}
[ -d "$src" ] || { echo "build-c-samples: $src missing: install dpdk-doc (scripts/setup.sh)" >&2; exit 1; }
mkdir -p "$dest"
# Copy once; make rebuilds only what changed.
[ -f "$dest/Makefile" ] || cp -r "$src"/. "$dest"/
for d in simple_mp symmetric_mp client_server_mp/mp_server client_server_mp/mp_client; do
  make -s -C "$dest/$d" >"$dest/build.log" 2>&1 || { cat "$dest/build.log" >&2; exit 1; }
done
for b in simple_mp/build/simple_mp symmetric_mp/build/symmetric_mp \
         client_server_mp/mp_server/build/mp_server client_server_mp/mp_client/build/mp_client; do
  echo "$dest/$b"
done
