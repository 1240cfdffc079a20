#!/usr/bin/env bash
# Sets the machine up, builds the samples (release) and runs a short demo of each on virtual
# devices (no network card), printing what every process said. Run as root: bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "demo: building (release)"
swift build -c release 2>&1 | tail -1
BIN=.build/release
work=$(mktemp -d)
prefixes=()

cleanup() {
  for p in "${prefixes[@]}"; do
    pkill -KILL -f -- "--file-prefix=$p( |$)" 2>/dev/null || true
    rm -rf "/var/run/dpdk/$p" /dev/hugepages/"$p"map_* 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

show() { # show TITLE FILE
  printf '\n----- %s -----\n' "$1"
  sed 's/^/  | /' "$2"
}

wait_for() { # wait_for FILE TEXT: up to 20 s
  for _ in $(seq 200); do grep -qF -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "demo: '$2' did not appear in $1" >&2; cat "$1" >&2; return 1
}

demo_simple_mp() {
  local p=demo_simple_$$; prefixes+=("$p")
  printf '\n=== simple_mp: a primary and a secondary exchange strings over rings ===\n'
  mkfifo "$work/pri.in" "$work/sec.in"
  "$BIN/simple_mp" -l 0-1 --no-pci --file-prefix=$p --log-level=lib.eal:error \
    <"$work/pri.in" >"$work/pri.out" 2>&1 & local pri=$!
  exec 3>"$work/pri.in"
  wait_for "$work/pri.out" "simple_mp >"
  "$BIN/simple_mp" --lcores 2@0,3@1 --proc-type=secondary --no-pci --file-prefix=$p --log-level=lib.eal:error \
    <"$work/sec.in" >"$work/sec.out" 2>&1 & local sec=$!
  exec 4>"$work/sec.in"
  wait_for "$work/sec.out" "simple_mp >"
  echo "send hello_from_the_primary" >&3;  wait_for "$work/sec.out" "Received 'hello_from_the_primary'"
  echo "send hello back, from the secondary" >&4; wait_for "$work/pri.out" "Received 'hello back"
  echo quit >&4; wait $sec; exec 4>&-
  echo quit >&3; wait $pri; exec 3>&-
  show "primary:   simple_mp -l 0-1 --no-pci --file-prefix=$p" "$work/pri.out"
  show "secondary: simple_mp --lcores 2@0,3@1 --proc-type=secondary --no-pci --file-prefix=$p" "$work/sec.out"
}

demo_symmetric_mp() {
  local p=demo_symmetric_$$; prefixes+=("$p")
  printf '\n=== symmetric_mp: two identical processes forward net_null port 0 <-> 1, one queue each, for 2 s ===\n'
  local vdevs=(--vdev net_null0 --vdev net_null1) common=(--no-pci --file-prefix=$p --log-level=lib.eal:error --proc-type=auto)
  "$BIN/symmetric_mp" -l 1 "${common[@]}" "${vdevs[@]}" -- -p 3 --num-procs 2 --proc-id 0 >"$work/smp0.out" 2>&1 & local a=$!
  wait_for "$work/smp0.out" "using queue 0"
  "$BIN/symmetric_mp" --lcores 2@0 "${common[@]}" "${vdevs[@]}" -- -p 3 --num-procs 2 --proc-id 1 >"$work/smp1.out" 2>&1 & local b=$!
  wait_for "$work/smp1.out" "using queue 1"
  sleep 2
  kill -INT $b; wait $b
  kill -INT $a; wait $a
  show "process 0 (primary):   symmetric_mp -l 1 --proc-type=auto ${vdevs[*]} -- -p 3 --num-procs 2 --proc-id 0" "$work/smp0.out"
  show "process 1 (secondary): symmetric_mp --lcores 2@0 --proc-type=auto ... -- -p 3 --num-procs 2 --proc-id 1" "$work/smp1.out"
  echo "(in each process, RX of a port equals TX + Drop of its pair: the counts are exact)"
}

demo_client_server_mp() {
  local p=demo_cs_$$; prefixes+=("$p")
  printf '\n=== mp_server + 2 mp_client: the server spreads net_null packets over two clients, which forward them, for 2 s ===\n'
  local common=(--no-pci --file-prefix=$p --log-level=lib.eal:error)
  "$BIN/mp_server" -l 0 "${common[@]}" --vdev net_null0 --vdev net_null1 -- -p 3 -n 2 >"$work/srv.out" 2>&1 & local srv=$!
  wait_for "$work/srv.out" "Finished Process Init"
  "$BIN/mp_client" --lcores 2@1 --proc-type=secondary "${common[@]}" -- -n 0 >"$work/cl0.out" 2>&1 & local c0=$!
  "$BIN/mp_client" --lcores 3@1 --proc-type=secondary "${common[@]}" -- -n 1 >"$work/cl1.out" 2>&1 & local c1=$!
  wait_for "$work/cl0.out" "handling packets"; wait_for "$work/cl1.out" "handling packets"
  sleep 2
  kill -INT $c0 $c1; wait $c0; wait $c1
  kill -INT $srv; wait $srv
  show "server: mp_server -l 0 --vdev net_null0 --vdev net_null1 -- -p 3 -n 2" "$work/srv.out"
  show "client 0: mp_client --lcores 2@1 --proc-type=secondary -- -n 0" "$work/cl0.out"
  show "client 1: mp_client --lcores 3@1 --proc-type=secondary -- -n 1" "$work/cl1.out"
  echo "(each client's rx equals its tx + tx_drop; the server's port rx equals the clients' rx + rx_drop)"
}

demo_simple_mp
demo_symmetric_mp
demo_client_server_mp
printf '\ndemo: done; nothing is left running or on disk.\n'
