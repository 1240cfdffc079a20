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

demo_simple_mp
demo_symmetric_mp
printf '\ndemo: done; nothing is left running or on disk.\n'
