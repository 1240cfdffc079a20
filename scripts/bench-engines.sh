#!/usr/bin/env bash
# Forwarding engines (symmetric_mp --fwd io|macswap|5tswap against dpdk-testpmd's engines) and
# mp_server's --distribution flow against round-robin, on net_null ports, alternating over
# several rounds; then the allocation counter under the new datapaths. See docs/forwarding.md.
# Run as root, with no other DPDK process running:
#
#   bash scripts/bench-engines.sh [--rounds N] [--seconds S] [--only WORD] [--no-malloc] [--nice N]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release 2>&1 | tail -1 >&2
mkdir -p .build/bench
cc -O2 -Wall -shared -fPIC -o .build/bench/libmalloc_count.so scripts/bench/malloc_count.c -lpthread
exec python3 scripts/bench/engines.py "$@"
