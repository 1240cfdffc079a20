#!/usr/bin/env python3
"""Forwarding engines and flow distribution: speed against the reference, in one run.

Usage: engines.py [--rounds N] [--seconds S] [--only WORD] [--no-malloc]
(scripts/bench-engines.sh builds first and passes the paths.)

Scenarios, each a pair measured back to back, the order flipping every round:
- sym <engine>: symmetric_mp (one process, -l 1, 2 net_null ports, --fwd <engine>) against
  dpdk-testpmd (-l 0-1, --forward-mode=<engine>) on the same ports. Ours is measured as
  scripts/bench/symmetric.py measures it (TX counted from its start line to SIGINT), testpmd as
  scripts/bench/run.py measures its ceiling (RX over the same kind of window).
- cs1 flow: mp_server --distribution flow against --distribution round-robin, one client (io),
  measured as scripts/bench/run.py measures client_server (ports' TX over a window, through the
  telemetry socket): the whole pipeline's rate. (Not with two clients: net_null's frames are all
  alike, so flow sends them all to one client, and the comparison would be about that.)
- server alone flow: the same two distributions with no client attached (see server_alone).

A scenario's figure is the median over the rounds of the paired ratio (ours / testpmd, flow /
round-robin). Then, unless --no-malloc, the allocation counter (scripts/bench/malloc_count.c)
runs under symmetric_mp with each rewriting engine and under mp_server --distribution flow.
"""
import argparse
import os
import re
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as benchmod  # noqa: E402
import symmetric as smp  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
ENGINES = ["io", "macswap", "5tswap"]


def sym_ours(swift_bin, mode, seconds):
    app = ["-p", "3", "--num-procs", "1", "--proc-id", "0", "--fwd", mode]
    return smp.run(swift_bin, [(["-l", "1"], app)], seconds) / 1e6


def scenario_pairs(bench, swift_bin, seconds):
    """name -> (label a, fn a, label b, fn b): the ratio is a / b."""
    pairs = {}
    for mode in ENGINES:
        pairs[f"sym {mode}"] = ("symmetric_mp", lambda m=mode: sym_ours(swift_bin, m, seconds),
                                "testpmd", lambda m=mode: done(bench, bench.testpmd(benchmod.NULL_VDEVS, mode=m)))
    pairs["cs1 flow"] = (
        "flow", lambda: done(bench, bench.client_server("swift", 1, benchmod.NULL_VDEVS, server_args=["--distribution", "flow"])),
        "round-robin", lambda: done(bench, bench.client_server("swift", 1, benchmod.NULL_VDEVS,
                                                               server_args=["--distribution", "round-robin"])))
    pairs["server alone flow"] = ("flow", lambda: done(bench, server_alone(bench, "flow", seconds)),
                                  "round-robin", lambda: done(bench, server_alone(bench, "round-robin", seconds)))
    return pairs


def server_alone(bench, distribution, seconds):
    """mp_server with no client attached: its ring fills and every later packet is dropped, so
    the rate is the server loop's own (receive, pick a client, refused bulk enqueue, free): the
    distribution's cost with nothing downstream to hide it. Packets received (its final
    statistics) over the time from its init line to SIGINT."""
    pre = bench.prefix()
    p = bench.start("swift", "mp_server", ["-l", "0"] + bench.eal(pre) + benchmod.NULL_VDEVS
                    + ["--", "-p", "3", "-n", "1", "--distribution", distribution], label=f"mp_server {distribution}")
    t0 = p.wait_for(r"Finished Process Init")
    time.sleep(seconds)
    t1 = time.monotonic()
    p.stop()
    final = p.text().split("final statistics")[-1]
    rx = sum(int(x) for x in re.findall(r"Port \d+ - rx:\s+(\d+)", final))
    if not rx:
        raise RuntimeError(f"mp_server printed no statistics:\n{p.text()[-2000:]}")
    return rx / (t1 - t0) / 1e6


def done(bench, figure):
    bench.cleanup()
    return figure


def malloc_counts(bench, seconds):
    """Heap calls per million packets on the datapath threads, as run.py's malloc_run counts them."""
    out_dir = os.path.join(ROOT, ".build", "bench")
    os.makedirs(out_dir, exist_ok=True)
    results = {}

    def measure(tag, name, argv, rate_of):
        path = os.path.join(out_dir, "malloc_" + re.sub(r"[^A-Za-z0-9]+", "_", tag) + ".txt")
        env = dict(os.environ, LD_PRELOAD=bench.args.malloc_lib, MALLOC_COUNT_FILE=path, MALLOC_COUNT_INTERVAL_MS="100")
        try:
            p = bench.start("swift", name, argv, env=env)
            t0 = p.wait_for(r"Finished Process Init")
            time.sleep(1.0)
            t1 = time.monotonic()
            time.sleep(max(2.0, seconds))
            t2 = time.monotonic()
            p.stop()
            tend = time.monotonic()
            results[tag] = benchmod.Bench.malloc_delta(path, p.p.pid, t1, t2, rate_of(p.text()) / (tend - t0))
        except Exception as e:  # report and go on: one failed count should not hide the others
            print(f"malloc count of {tag} failed: {str(e)[:400]}", flush=True)
        finally:
            bench.cleanup()

    sym_total = lambda text: sum(int(x) for x in re.findall(r"Port \d+: RX - (\d+)", text))
    for mode in ENGINES[1:]:
        pre = bench.prefix()
        measure(f"symmetric_mp --fwd {mode}", "symmetric_mp", ["-l", "1"] + bench.eal(pre) + benchmod.NULL_VDEVS
                + ["--", "-p", "3", "--num-procs", "1", "--proc-id", "0", "--fwd", mode], sym_total)
    pre = bench.prefix()
    srv_total = lambda text: sum(int(x) for x in re.findall(r"Port \d+ - rx:\s+(\d+)", text.split("final statistics")[-1]))
    measure("mp_server --distribution flow", "mp_server", ["-l", "0"] + bench.eal(pre) + benchmod.NULL_VDEVS
            + ["--", "-p", "3", "-n", "1", "--distribution", "flow"], srv_total)
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--only", default="", help="run only the scenarios whose name contains this word")
    ap.add_argument("--no-malloc", action="store_true")
    ap.add_argument("--swift-dir", default=os.path.join(ROOT, ".build/release"))
    ap.add_argument("--c-dir", default=os.path.join(ROOT, ".build/c-samples"))
    ap.add_argument("--malloc-lib", default=os.path.join(ROOT, ".build/bench/libmalloc_count.so"))
    args = ap.parse_args()

    bench = benchmod.Bench(args)
    strangers = benchmod.busy_strangers(os.getpid())
    if strangers:
        print("WARNING: other DPDK processes are running; figures will be lower and noisier:")
        print("\n".join("  " + s for s in strangers))
    swift_bin = os.path.join(args.swift_dir, "symmetric_mp")
    pairs = {k: v for k, v in scenario_pairs(bench, swift_bin, args.seconds).items() if args.only in k}
    ratios = {k: [] for k in pairs}
    figures = {k: ([], []) for k in pairs}
    try:
        for r in range(args.rounds):
            for name, (la, fa, lb, fb) in pairs.items():
                if r % 2:
                    b = fb(); a = fa()
                else:
                    a = fa(); b = fb()
                ratios[name].append(a / b)
                figures[name][0].append(a)
                figures[name][1].append(b)
                print(f"round {r + 1} | {name}: {la} {a:.1f} Mpps, {lb} {b:.1f} Mpps, ratio {a / b:.3f}", flush=True)
        print()
        print("| scenario | ours (median Mpps) | reference (median Mpps) | median of paired ratios | per-round ratios |")
        print("|---|---:|---:|---:|---|")
        for name, (la, _, lb, _) in pairs.items():
            a, b = figures[name]
            print(f"| {name} ({la} / {lb}) | {statistics.median(a):.1f} | {statistics.median(b):.1f} | "
                  f"{statistics.median(ratios[name]):.3f} | {', '.join(f'{x:.2f}' for x in ratios[name])} |")
        if not args.no_malloc:
            print()
            print("| datapath | packets in window | heap allocations on datapath threads | per million packets |")
            print("|---|---:|---:|---:|")
            for tag, m in malloc_counts(bench, args.seconds).items():
                print(f"| {tag} | {m['packets']} | {m['datapath_allocations']} | {m['datapath_per_million_packets']:.3f} |")
    finally:
        bench.cleanup()


if __name__ == "__main__":
    sys.exit(main())
