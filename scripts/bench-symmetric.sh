#!/usr/bin/env bash
# Benchmarks the Swift symmetric_mp against DPDK's C sample (same arguments, same lcores, net_null
# ports), alternating them over several rounds: see scripts/bench/symmetric.py.
# Usage: scripts/bench-symmetric.sh [--rounds N] [--seconds S] [--only WORD]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
swift build -c release --product symmetric_mp >&2
swift_bin="$(swift build -c release --show-bin-path)/symmetric_mp"
c_bin="$(scripts/build-c-samples.sh | grep '/symmetric_mp$')"
exec python3 scripts/bench/symmetric.py "$swift_bin" "$c_bin" "$@"
