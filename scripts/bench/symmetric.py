#!/usr/bin/env python3
"""Throughput of the Swift symmetric_mp against DPDK's C sample, on net_null ports.

Usage: symmetric.py SWIFT_BINARY C_BINARY [--rounds N] [--seconds S] [--only WORD]

Each round runs every scenario once with C and once with Swift (the order alternates from round
to round), with identical EAL and application arguments. A run's rate is measured from each
process's own final statistics: the packets it transmitted, divided by the wall-clock time from
the moment it printed "lcore N using queue Q of each port" (it starts forwarding right after) to
the moment it was sent SIGINT. Both binaries run under `stdbuf -oL` so that line arrives at once.
For a scenario with several processes the rates of its processes are added up.

The machine is noisy (shared, 2 CPUs), so what counts is the median over the rounds of the
paired ratio Swift/C.
"""
import argparse
import os
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import time

VERBOSE = False
SWIFT = None
NULL_PORTS = ["--vdev", "net_null0", "--vdev", "net_null1"]
STATS = re.compile(r"^Port (\d+): RX - (\d+), TX - (\d+), Drop - (\d+)")
STARTED = re.compile(r"^lcore \d+ using queue \d+ of each port")

# name -> list of (EAL lcore arguments, application arguments), one entry per process.
SCENARIOS = {
    "one process, 2 net_null ports, -l 1": [
        (["-l", "1"], ["-p", "3", "--num-procs", "1", "--proc-id", "0"]),
    ],
    "two processes (--proc-type=auto), 2 net_null ports": [
        (["-l", "1", "--proc-type=auto"], ["-p", "3", "--num-procs", "2", "--proc-id", "0"]),
        (["--lcores", "2@0", "--proc-type=auto"], ["-p", "3", "--num-procs", "2", "--proc-id", "1"]),
    ],
}


def cleanup(prefix):
    shutil.rmtree(f"/var/run/dpdk/{prefix}", ignore_errors=True)
    for f in os.listdir("/dev/hugepages"):
        if f.startswith(prefix):
            os.unlink(f"/dev/hugepages/{f}")


class Proc:
    def __init__(self, argv):
        self.argv = argv
        self.p = subprocess.Popen(["stdbuf", "-oL"] + argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        os.set_blocking(self.p.stdout.fileno(), False)
        self.buf = b""
        self.started = None

    def pump(self):
        try:
            chunk = self.p.stdout.read()
        except (BlockingIOError, ValueError):
            chunk = None
        if chunk:
            now = time.monotonic()
            self.buf += chunk
            if self.started is None and any(STARTED.match(l) for l in self.lines()):
                self.started = now

    def lines(self):
        return self.buf.decode(errors="replace").splitlines()

    def wait_started(self, timeout):
        deadline = time.monotonic() + timeout
        while self.started is None:
            if time.monotonic() > deadline or self.p.poll() is not None:
                self.pump()
                if self.started is None:
                    raise RuntimeError(f"{self.argv[0]} did not start forwarding:\n" + "\n".join(self.lines()))
            select.select([self.p.stdout], [], [], 0.05)
            self.pump()

    def interrupt(self):
        self.stopped = time.monotonic()
        self.p.send_signal(signal.SIGINT)

    def stop(self, timeout=10):
        """Waits for the process interrupted by `interrupt()` and returns its rate."""
        deadline = time.monotonic() + timeout
        while self.p.poll() is None and time.monotonic() < deadline:
            select.select([self.p.stdout], [], [], 0.05)
            self.pump()
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()
        self.pump()
        tx = sum(int(m.group(3)) for m in map(STATS.match, self.lines()) if m)
        return tx / (self.stopped - self.started)


def run(binary, processes, seconds):
    prefix = f"bench_smp_{os.getpid()}"
    cleanup(prefix)
    eal = [f"--file-prefix={prefix}", "--no-pci", "--log-level=lib.eal:error"] + NULL_PORTS
    procs = []
    try:
        for lcores, app in processes:
            p = Proc([binary] + lcores + eal + ["--"] + app)
            procs.append(p)
            p.wait_started(30)
        time.sleep(seconds)
        # All at once, so no process runs alone at the end of its window (every process
        # measures its own window from its start line to its SIGINT).
        for p in procs:
            p.interrupt()
        rates = [p.stop() for p in procs]
        if len(rates) > 1 and VERBOSE:
            print(f"    {'Swift' if binary == SWIFT else 'C'}: per process " + ", ".join(f"{r / 1e6:.1f}" for r in rates)
                  + f" Mpps; started {procs[1].started - procs[0].started:.2f} s apart", flush=True)
        return sum(rates)
    finally:
        for p in procs:
            if p.p.poll() is None:
                p.p.kill()
                p.p.wait()
        cleanup(prefix)


def busy_dpdk_processes():
    out = subprocess.run(["ps", "-eo", "pid,pcpu,args"], capture_output=True, text=True).stdout
    return [l for l in out.splitlines()[1:] if "--file-prefix" in l and float(l.split()[1]) > 20]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("swift")
    ap.add_argument("c")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=4)
    ap.add_argument("--only", help="run only the scenarios whose name contains this word")
    ap.add_argument("--verbose", action="store_true", help="print each process's rate")
    args = ap.parse_args()
    global VERBOSE, SWIFT
    VERBOSE = args.verbose
    SWIFT = args.swift
    scenarios = {n: p for n, p in SCENARIOS.items() if not args.only or args.only in n}

    busy = busy_dpdk_processes()
    if busy:
        print("warning: other busy-polling DPDK processes run; figures will be lower and noisier:")
        print("\n".join("  " + b[:150] for b in busy))

    results = {name: [] for name in scenarios}
    for r in range(args.rounds):
        for name, processes in scenarios.items():
            order = [("C", args.c), ("Swift", args.swift)]
            if r % 2:
                order.reverse()
            rates = {label: run(binary, processes, args.seconds) for label, binary in order}
            results[name].append(rates)
            print(f"round {r + 1} | {name}: C {rates['C'] / 1e6:.1f} Mpps, Swift {rates['Swift'] / 1e6:.1f} Mpps,"
                  f" Swift/C {rates['Swift'] / rates['C']:.3f}", flush=True)

    print()
    print("| scenario | C Mpps (median) | Swift Mpps (median) | median of paired Swift/C |")
    print("|---|---|---|---|")
    for name, rounds in results.items():
        c = statistics.median(x["C"] for x in rounds) / 1e6
        s = statistics.median(x["Swift"] for x in rounds) / 1e6
        ratio = statistics.median(x["Swift"] / x["C"] for x in rounds)
        print(f"| {name} | {c:.1f} | {s:.1f} | {ratio:.3f} |")


if __name__ == "__main__":
    sys.exit(main())
