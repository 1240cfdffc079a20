#!/usr/bin/env bash
# Benchmark: Swift samples vs the C samples (and dpdk-testpmd as the ceiling), measured in the
# same run, plus the allocation count of the Swift datapaths. Not part of CI. Run as root:
#
#   bash scripts/bench.sh [--rounds N] [--seconds S] [--only sym1,cs1,...] [--no-malloc]
#
# Builds release and the C samples, builds the malloc counter, then runs scripts/bench/run.py,
# which prints progress and a table and writes docs/bench/latest.json and docs/bench/latest.png.
# Then counts instructions per packet under callgrind (scripts/bench/callgrind.py). Takes about
# 8 minutes with the defaults (5 rounds). See docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh >/dev/null
python3 -c 'import matplotlib' 2>/dev/null || {
  echo "bench: installing matplotlib (for the chart)"
  python3 -m pip install -q matplotlib || python3 -m pip install -q --break-system-packages matplotlib \
    || echo "bench: matplotlib could not be installed: no chart, the table and JSON are still written" >&2
}
command -v valgrind >/dev/null || {
  echo "bench: installing valgrind (instruction counts)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null || echo "bench: no valgrind: no instruction counts" >&2
}
echo "bench: building (release) and the C samples"
swift build -c release 2>&1 | tail -1
bash scripts/build-c-samples.sh >/dev/null
mkdir -p .build/bench
cc -O2 -Wall -shared -fPIC -o .build/bench/libmalloc_count.so scripts/bench/malloc_count.c -lpthread

busy=$( (pgrep -f -- '--file-prefix' || true) | wc -l)
[ "$busy" -eq 0 ] || echo "bench: note: $busy DPDK processes already running (see the warning below)"
exec python3 scripts/bench/run.py "$@"
