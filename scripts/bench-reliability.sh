#!/usr/bin/env bash
# Reliability benchmark of mp_server/mp_client (issue 8), not CI. Run as root:
#
#   bash scripts/bench-reliability.sh clients  [--rounds N] [--seconds S]   1/2/3 clients on one CPU, Swift beside C
#   bash scripts/bench-reliability.sh pool-ops [--rounds N] [--seconds S]   the five mempool ops, measured
#   bash scripts/bench-reliability.sh chaos    [--kills N] [--seed N]       100 SIGKILLs under full load, drawn
#   bash scripts/bench-reliability.sh all ...
#
# Builds the Swift programs (release) and DPDK's C samples, and, in a temporary folder, a copy of
# the C mp_server whose mbuf pool is made with rte_pktmbuf_pool_create_by_ops and the ops named
# by $MP_POOL_OPS (DPDK's default when unset): the only way to give the C server a pool ops. That
# copy is deleted afterwards and never committed. Then runs scripts/bench/reliability.py, which
# takes the shared DPDK lock (/tmp/dpdk.lock) round by round; see docs/reliability.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

python3 -c 'import matplotlib' 2>/dev/null || {
  echo "bench-reliability: installing matplotlib (for the charts)"
  python3 -m pip install -q matplotlib || python3 -m pip install -q --break-system-packages matplotlib \
    || echo "bench-reliability: no matplotlib: no charts, the figures and JSON are still written" >&2
}
swift build -c release 2>&1 | tail -1 >&2
bash scripts/build-c-samples.sh >/dev/null

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r /usr/share/dpdk/examples/multi_process/client_server_mp "$tmp/"
init=$tmp/client_server_mp/mp_server/init.c
python3 - "$init" <<'PY'
import re, sys
path = sys.argv[1]
src = open(path).read()
new, n = re.subn(r"rte_pktmbuf_pool_create\(PKTMBUF_POOL_NAME, num_mbufs,\s*MBUF_CACHE_SIZE, 0, RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id\(\)\)",
                 "rte_pktmbuf_pool_create_by_ops(PKTMBUF_POOL_NAME, num_mbufs, MBUF_CACHE_SIZE, 0, "
                 "RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id(), getenv(\"MP_POOL_OPS\"))", src)
if n != 1:
    sys.exit("bench-reliability: the C server's pool creation was not found in init.c")
open(path, "w").write("#include <stdlib.h>\n" + new)
PY
make -s -C "$tmp/client_server_mp/mp_server" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log" >&2; exit 1; }

busy=$(ps -eo stat=,pcpu=,comm= | awk '$1 !~ /^Z/ && $2 > 50 {print $3}' | tr '\n' ' ')
[ -z "$busy" ] || echo "bench-reliability: warning: busy processes running, figures will be low: $busy" >&2
python3 scripts/bench/reliability.py "$@" --c-ops-server "$tmp/client_server_mp/mp_server/build/mp_server" \
  --c-dir "$root/.build/c-samples"
