#!/usr/bin/env bash
# Builds Examples/Pipeline the way an outside package uses MPCore: by version, from a clone of
# this repository (its committed HEAD) tagged 1.0.0 in a temporary directory; checks that the
# package has no unsafe build flags. Then runs the example's two processes on net_null until
# 100000 packets went through both, and checks that the counts add up exactly.
# Run as root after scripts/setup.sh (scripts/test.sh does both). DPDK_LOCK=/tmp/dpdk.lock holds
# that lock around the run (not the build), for machines shared with other DPDK users.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

say() { printf 'example: %s\n' "$*"; }
fail() { printf 'example: FAIL: %s\n' "$*" >&2; exit 1; }

prefix=mpt_example_$$
tmp=$(mktemp -d /tmp/mpt_example.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp" /var/run/dpdk/"$prefix"
  rm -f /dev/hugepages/"$prefix"*
}
trap cleanup EXIT

# MPCore as a consumer gets it: a tagged clone (the tag lives in the clone only).
git clone -q "$repo" "$tmp/swift-dpdk-multiprocess"
git -C "$tmp/swift-dpdk-multiprocess" tag 1.0.0
# No unsafe flags. SwiftPM refuses them in a versioned dependency whose tools version is below
# 6.2 and accepts them from 6.2 on, so the build below cannot show it (ours is 6.2): look.
if grep -n 'unsafeFlags' "$tmp/swift-dpdk-multiprocess/Package.swift" >&2; then
  fail "Package.swift uses unsafeFlags: other packages could not depend on MPCore (before SwiftPM 6.2)"
fi
cp -r Examples/Pipeline "$tmp/Pipeline"
rm -rf "$tmp/Pipeline/.build"
say "building Examples/Pipeline against MPCore 1.0.0 from a clone of HEAD"
( cd "$tmp/Pipeline" &&
  MPCORE_URL="file://$tmp/swift-dpdk-multiprocess" swift build --disable-dependency-cache \
    >"$tmp/build.log" 2>&1 ) || { tail -30 "$tmp/build.log" >&2; fail "the example does not build"; }
grep -q '"version" : "1.0.0"' "$tmp/Pipeline/Package.resolved" || fail "MPCore was not resolved as version 1.0.0"
bin="$tmp/Pipeline/.build/debug/Pipeline"

# Polls a log for a line until a deadline: no sleep-and-hope.
wait_line() { # file pattern seconds
  local end=$((SECONDS + $3))
  until grep -q "$2" "$1"; do
    [ $SECONDS -lt $end ] || { cat "$1" >&2; fail "no '$2' in $1 within $3 s"; }
    sleep 0.05
  done
}
wait_exit() { # pid seconds; sets rc to the process's exit status
  local end=$((SECONDS + $2))
  while kill -0 "$1" 2>/dev/null; do
    [ $SECONDS -lt $end ] || fail "process $1 still running after $2 s"
    sleep 0.05
  done
  rc=0; wait "$1" || rc=$?
}

# Polls the primary's telemetry socket until port 0 has sent `count` packets: the worker, the
# only process that transmits, has taken that many off the ring and sent them.
wait_sent() { # count seconds
  python3 - "/var/run/dpdk/$prefix/dpdk_telemetry.v2" "$1" "$2" <<'PY' || fail "the worker did not send $1 packets within $2 s"
import json, socket, sys, time
path, count, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(path)
s.recv(16384)  # the greeting
deadline = time.monotonic() + seconds
while True:
    s.send(b"/ethdev/stats,0")
    sent = json.loads(s.recv(65536))["/ethdev/stats"]["opackets"]
    if sent >= count:
        sys.exit(0)
    if time.monotonic() > deadline:
        print(f"example: port 0 sent {sent} packets", file=sys.stderr)
        sys.exit(1)
    time.sleep(0.02)
PY
}

run() {
  : >"$tmp/primary.log"; : >"$tmp/worker.log"
  "$bin" -l 0 --no-pci --file-prefix="$prefix" --vdev net_null0 --log-level=error >"$tmp/primary.log" 2>&1 &
  pids+=($!); primary=$!
  wait_line "$tmp/primary.log" '^primary: ready$' 20
  "$bin" -l 1 --no-pci --file-prefix="$prefix" --proc-type=secondary --log-level=error >"$tmp/worker.log" 2>&1 &
  pids+=($!); worker=$!
  wait_line "$tmp/worker.log" '^worker: ready$' 20
  wait_sent 100000 10 # the traffic run: until 100000 packets went through both processes
  kill -INT "$primary"; wait_exit "$primary" 10; primary_rc=$rc
  kill -INT "$worker"; wait_exit "$worker" 10; worker_rc=$rc
}
say "running primary and worker on net_null (--file-prefix=$prefix)"
if [ -n "${DPDK_LOCK:-}" ]; then
  exec 9>"$DPDK_LOCK"; flock 9; run; flock -u 9
else
  run
fi

[ "$primary_rc" = 0 ] || { cat "$tmp/primary.log" >&2; fail "primary exited $primary_rc"; }
[ "$worker_rc" = 0 ] || { cat "$tmp/worker.log" >&2; fail "worker exited $worker_rc"; }
p=$(grep -E '^primary: received [0-9]+, queued [0-9]+, dropped [0-9]+$' "$tmp/primary.log") \
  || { cat "$tmp/primary.log" >&2; fail "no primary counts line"; }
w=$(grep -E '^worker: took [0-9]+, changed [0-9]+, sent [0-9]+, dropped [0-9]+$' "$tmp/worker.log") \
  || { cat "$tmp/worker.log" >&2; fail "no worker counts line"; }
read -r received queued ring_dropped <<<"$(grep -oE '[0-9]+' <<<"$p" | tr '\n' ' ')"
read -r taken changed sent tx_dropped <<<"$(grep -oE '[0-9]+' <<<"$w" | tr '\n' ' ')"
say "$p"
say "$w"
[ "$queued" -gt 0 ] || fail "no packet went through the ring"
[ "$received" -eq $((queued + ring_dropped)) ] || fail "primary: received != queued + dropped"
[ "$taken" -eq "$queued" ] || fail "worker took $taken of the $queued the primary queued"
[ "$changed" -eq "$taken" ] || fail "worker changed $changed of $taken"
[ "$((sent + tx_dropped))" -eq "$taken" ] || fail "worker: sent + dropped != took"
say "ok: every packet counted once"
