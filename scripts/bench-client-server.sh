#!/usr/bin/env bash
# Throughput of the Swift mp_server/mp_client against DPDK's C client_server_mp sample.
#
#   scripts/bench-client-server.sh [ROUNDS] [WINDOW_SECONDS]     (defaults: 5 rounds, 3 s)
#
# Builds the Swift programs in release mode and the C samples, then, for each round and each
# setup (server + 1 client, server + 2 clients), runs C and Swift with the same arguments and
# lcores on two net_null ports (the order alternates between rounds). Throughput is what the
# clients forwarded: the TX packet counters of both ports, read with dpdk-proc-info (a third
# secondary, the same for both implementations) every half second over a window that begins
# one second after the clients attached; a run's figure is its best half-second interval. Prints pps per run and, per setup, the median of the
# paired ratios Swift/C of the same round. Lcores (2 CPUs): server -l 0 (RX on CPU 0),
# clients --lcores 2@1 and 3@1 (CPU 1).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-5}
window=${2:-3}

swift build -c release --package-path "$root" 2>&1 | tail -1 >&2
cbins=$(bash "$root/scripts/build-c-samples.sh")
c_server=$(grep '/mp_server$' <<<"$cbins")
c_client=$(grep '/mp_client$' <<<"$cbins")
s_server=$root/.build/release/mp_server
s_client=$root/.build/release/mp_client

busy=$(ps -eo stat=,pcpu=,comm= | awk '$1 !~ /^Z/ && $2 > 50 {print $3}' | tr '\n' ' ')
[ -z "$busy" ] || echo "warning: busy processes running, figures will be low: $busy" >&2

prefix=bench_cs_$$
eal=(--file-prefix=$prefix --no-pci --log-level=lib.eal:error)
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "/var/run/dpdk/$prefix" "$tmp"
  rm -f /dev/hugepages/${prefix}map_*
}
trap cleanup EXIT

# Reads the ports' TX packet counters through the server's telemetry socket (the primary's
# telemetry thread answers "/ethdev/stats,N" with rte_eth_stats_get) every half second for
# WINDOW seconds, and prints the best half-second interval's rate and the whole window's rate,
# in packets per second. Telemetry answers in about a millisecond, so the timestamps are exact.
measure() { # SOCKET
  python3 - "$1" "$window" <<'PY'
import json, socket, sys, time
path, window = sys.argv[1], float(sys.argv[2])
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(path)
s.recv(4096)  # greeting
def tx():
    total = 0
    for port in (0, 1):
        s.send(f"/ethdev/stats,{port}".encode())
        total += json.loads(s.recv(65536))["/ethdev/stats"]["opackets"]
    return total, time.monotonic()
readings = [tx()]
while readings[-1][1] - readings[0][1] < window:
    time.sleep(0.5)
    readings.append(tx())
rates = [(b[0] - a[0]) / (b[1] - a[1]) for a, b in zip(readings, readings[1:])]
(n0, t0), (n1, t1) = readings[0], readings[-1]
print(f"{max(rates):.0f} {(n1 - n0) / (t1 - t0):.0f}")
PY
}

wait_for() { # FILE TEXT
  for _ in $(seq 100); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
  echo "timed out waiting for '$2' in $1:" >&2; cat "$1" >&2; return 1
}

# run IMPL NCLIENTS -> prints packets per second forwarded by the clients
run() {
  local server=$s_server client=$s_client
  if [ "$1" = C ]; then server=$c_server; client=$c_client; fi
  local n=$2 lcores=(2@1 3@1)
  pids=()
  "$server" -l 0 "${eal[@]}" --vdev net_null0 --vdev net_null1 -- -p 3 -n "$n" >"$tmp/server.log" 2>&1 &
  pids+=($!)
  wait_for "$tmp/server.log" "Finished Process Init"
  for ((i = 0; i < n; i++)); do
    "$client" --lcores "${lcores[$i]}" "${eal[@]}" --proc-type=secondary -- -n "$i" >"$tmp/client$i.log" 2>&1 &
    pids+=($!)
    wait_for "$tmp/client$i.log" "Finished Process Init"
  done
  sleep 1
  local result
  result=$(measure "/var/run/dpdk/$prefix/dpdk_telemetry.v2")
  # SIGTERM: the Swift programs stop cleanly; the C ones have no handler and just die.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -TERM "${pids[$i]}" 2>/dev/null || true; wait "${pids[$i]}" 2>/dev/null || true; done
  pids=()
  rm -rf "/var/run/dpdk/$prefix"; rm -f /dev/hugepages/${prefix}map_*
  echo "$result"
}

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

echo "rounds=$rounds window=${window}s  server: -l 0 --vdev net_null0 --vdev net_null1 -- -p 3 -n N; clients: --lcores 2@1, 3@1"
for n in 1 2; do
  ratios=(); wratios=()
  for ((r = 1; r <= rounds; r++)); do
    if ((r % 2)); then read -r c cw < <(run C "$n"); read -r s sw < <(run Swift "$n")
    else read -r s sw < <(run Swift "$n"); read -r c cw < <(run C "$n"); fi
    ratio=$(echo "$s / $c" | bc -l); wratio=$(echo "$sw / $cw" | bc -l)
    ratios+=("$ratio"); wratios+=("$wratio")
    printf 'clients=%d round %d: best 0.5 s: C %6.2f Swift %6.2f Mpps, Swift/C %.3f | whole window: C %6.2f Swift %6.2f Mpps, Swift/C %.3f\n' \
      "$n" "$r" "$(echo "$c / 10^6" | bc -l)" "$(echo "$s / 10^6" | bc -l)" "$ratio" \
      "$(echo "$cw / 10^6" | bc -l)" "$(echo "$sw / 10^6" | bc -l)" "$wratio"
  done
  printf 'clients=%d median Swift/C: best 0.5 s %.3f, whole window %.3f\n' "$n" \
    "$(printf '%s\n' "${ratios[@]}" | median)" "$(printf '%s\n' "${wratios[@]}" | median)"
done
