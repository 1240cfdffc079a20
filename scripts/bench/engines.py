#!/usr/bin/env python3
"""Forwarding engines and flow distribution: speed against the reference, in one run.

Usage: engines.py [--rounds N] [--seconds S] [--only WORD] [--no-malloc] [--nice N]
(scripts/bench-engines.sh builds first and passes the paths.)

Scenarios, each a pair measured back to back, the order flipping every round:
- sym <engine>: symmetric_mp (one process, -l 1, 2 net_null ports, --fwd <engine>) against
  dpdk-testpmd (-l 0-1, --forward-mode=<engine>, forwarding on lcore 1) on the same ports, with
  symmetric_mp's pool cache, pool size, burst and pool ops. Both measured alike (null_window):
  the ports' TX counters over a window that opens 1 s after forwarding starts, per second of
  the forwarding thread's CPU time (the wall-clock rate is printed beside it).
- cs1 flow: mp_server --distribution flow against --distribution round-robin, one client (io),
  measured as scripts/bench/run.py measures client_server (ports' TX over a window, through the
  telemetry socket): the whole pipeline's rate. (Not with two clients: net_null's frames are all
  alike, so flow sends them all to one client, and the comparison would be about that.)
- server alone flow: the same two distributions with no client attached (see server_alone),
  measured as the sym pairs (RX counters).

A scenario's figure is the median over the rounds of the paired ratio (ours / testpmd, flow /
round-robin). Then, unless --no-malloc, the allocation counter (scripts/bench/malloc_count.c)
runs under symmetric_mp with each rewriting engine and under mp_server --distribution flow.
"""
import argparse
import json
import os
import re
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as benchmod  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
ENGINES = ["io", "macswap", "5tswap"]


# testpmd's pool and burst set to ours (symmetric_mp: NB_MBUFS 64k, MBUF_CACHE_SIZE 256, PKT_BURST
# 32, pool ops ring_mt_rts), so that only the forwarding code differs.
TESTPMD_MATCH = ["--mbcache=256", "--total-num-mbufs=65536", "--burst=32"]
TESTPMD_EAL = ["--mbuf-pool-ops-name=ring_mt_rts"]


class Launch:
    """A forwarder started and not yet measured: its process, file prefix, the output line that
    says it forwards, and the ports' counter that counts its packets."""

    def __init__(self, p, prefix, started, counter="opackets"):
        self.p, self.prefix, self.started, self.counter = p, prefix, started, counter


def null_window(bench, launches, seconds):
    """Forwarders' rates on their net_null ports: each one's ports' TX (or RX) counters read
    through its telemetry socket at both ends of one window that opens one second after every
    one of them printed its `started` line, per second of its forwarding thread's CPU time (the
    wall-clock rate beside it). The same reading for ours and testpmd: no start-up, shutdown or
    printing in the window. Given two launches on one CPU, both are measured over the same
    window, sharing the CPU's time and whatever else the host does meanwhile."""
    for l in launches:
        l.p.wait_for(l.started)
    time.sleep(1.0)
    ca = [benchmod.cpu_times(l.p.p.pid) for l in launches]
    a = [benchmod.port_counter(l.prefix, l.counter) for l in launches]
    time.sleep(seconds)
    b = [benchmod.port_counter(l.prefix, l.counter) for l in launches]
    cb = [benchmod.cpu_times(l.p.p.pid) for l in launches]
    for l in launches:
        l.p.stop()
    figures = []
    for i in range(len(launches)):
        (na, ta), (nb, tb) = a[i], b[i]
        # The forwarding thread is the one that ran most in the window (it polls without pause).
        busy = max(cb[i][t] - ca[i].get(t, 0) for t in cb[i]) / 1e9
        figures.append(Figure((nb - na) / (tb - ta) / 1e6, (nb - na) / busy / 1e6, busy / (tb - ta)))
    return figures


class Figure(float):
    """A rate in Mpps per second of the forwarding thread's CPU time (what the ratios use: time
    the thread was not on its CPU, other programs' builds, say, does not count), with the
    wall-clock rate and the share of the window the thread was on its CPU beside it."""

    def __new__(cls, wall, cpu, share):
        f = super().__new__(cls, cpu)
        f.wall, f.share = wall, share
        return f


def sym_ours(bench, mode):
    """symmetric_mp, one process, forwarding on lcore 1 (CPU 1)."""
    pre = bench.prefix()
    p = bench.start("swift", "symmetric_mp", ["-l", "1"] + bench.eal(pre) + benchmod.NULL_VDEVS
                    + ["--", "-p", "3", "--num-procs", "1", "--proc-id", "0", "--fwd", mode], label=f"symmetric_mp {mode}")
    return Launch(p, pre, r"lcore \d+ using queue")


def sym_testpmd(bench, mode):
    """dpdk-testpmd, main lcore 0 (CPU 0, printing nothing), forwarding on lcore 1 (CPU 1)."""
    pre = bench.prefix()
    p = bench.start("testpmd", None, ["-l", "0-1"] + bench.eal(pre) + TESTPMD_EAL + benchmod.NULL_VDEVS
                    + ["--", f"--forward-mode={mode}", "--auto-start"] + TESTPMD_MATCH, label=f"testpmd {mode}")
    return Launch(p, pre, r"packet forwarding - ports=")


def server_alone(bench, distribution):
    """mp_server with no client attached: its ring fills and every later packet is dropped, so
    the rate is the server loop's own (receive, pick a client, refused bulk enqueue, free): the
    distribution's cost with nothing downstream to hide it. The ports' RX counters over a window
    (`null_window`). One client (-n 1): both distributions hand each burst to one ring, and flow
    still hashes every packet (net_null's frames are all alike, so with more clients flow would
    send everything to one of them while round-robin splits: a different amount of ring work)."""
    pre = bench.prefix()
    p = bench.start("swift", "mp_server", ["-l", "0"] + bench.eal(pre) + benchmod.NULL_VDEVS
                    + ["--", "-p", "3", "-n", "1", "--distribution", distribution], label=f"mp_server {distribution}")
    return Launch(p, pre, r"Finished Process Init", counter="ipackets")


def scenario_pairs(bench):
    """name -> (label a, launcher a, label b, launcher b): the ratio is a / b. A launcher starts
    one forwarder and returns its `Launch`; `None` for pairs measured another way (cs1 flow,
    whose launchers are whole measurements, and which is never run side by side)."""
    pairs = {}
    for mode in ENGINES:
        pairs[f"sym {mode}"] = ("symmetric_mp", lambda m=mode: sym_ours(bench, m),
                                "testpmd", lambda m=mode: sym_testpmd(bench, m))
    pairs["cs1 flow"] = (
        "flow", lambda: bench.client_server("swift", 1, benchmod.NULL_VDEVS, server_args=["--distribution", "flow"]),
        "round-robin", lambda: bench.client_server("swift", 1, benchmod.NULL_VDEVS,
                                                   server_args=["--distribution", "round-robin"]))
    pairs["server alone flow"] = ("flow", lambda: server_alone(bench, "flow"),
                                  "round-robin", lambda: server_alone(bench, "round-robin"))
    return pairs


def measure_pair(bench, fa, fb, flip, side_by_side, seconds):
    """One round of a pair: (a, b). Back to back (b first when `flip`), or with `side_by_side`
    both started (b first when `flip`) and measured over one window on the same CPU."""
    order = [fb, fa] if flip else [fa, fb]
    if side_by_side:
        figures = null_window(bench, [f() for f in order], seconds)
    else:
        figures = []
        for f in order:
            l = f()
            figures.append(null_window(bench, [l], seconds)[0] if isinstance(l, Launch) else l)
            bench.cleanup()
    bench.cleanup()
    return (figures[1], figures[0]) if flip else (figures[0], figures[1])


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
    ap.add_argument("--rounds", type=int, default=11)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--nice", type=int, default=-20,
                    help="niceness for every process started (both sides alike; default -20: the "
                         "forwarders keep their CPU against the builds of a shared machine)")
    ap.add_argument("--only", default="", help="run only the scenarios whose name contains this word")
    ap.add_argument("--no-malloc", action="store_true")
    ap.add_argument("--side-by-side", action="store_true",
                    help="run the two sides of a pair at the same time on the same CPU and measure "
                         "them over one window (the host's drift hits both alike); cs1 is skipped")
    ap.add_argument("--swift-dir", default=os.path.join(ROOT, ".build/release"))
    ap.add_argument("--c-dir", default=os.path.join(ROOT, ".build/c-samples"))
    ap.add_argument("--malloc-lib", default=os.path.join(ROOT, ".build/bench/libmalloc_count.so"))
    args = ap.parse_args()

    if args.nice:
        os.nice(args.nice)  # inherited by every process started: ours and the reference alike
    bench = benchmod.Bench(args)
    strangers = benchmod.busy_strangers(os.getpid())
    if strangers:
        print("WARNING: other DPDK processes are running; figures will be lower and noisier:")
        print("\n".join("  " + s for s in strangers))
    pairs = {k: v for k, v in scenario_pairs(bench).items()
             if args.only in k and not (args.side_by_side and k.startswith("cs1"))}
    ratios = {k: [] for k in pairs}
    figures = {k: ([], []) for k in pairs}
    walls = {k: [] for k in pairs}
    try:
        for r in range(args.rounds):
            for name, (la, fa, lb, fb) in pairs.items():
                a, b = measure_pair(bench, fa, fb, r % 2 == 1, args.side_by_side, args.seconds)
                ratios[name].append(a / b)
                figures[name][0].append(a)
                figures[name][1].append(b)
                extra = ""
                if isinstance(a, Figure) and isinstance(b, Figure):
                    extra = (f" (wall clock {a.wall:.1f} / {b.wall:.1f} Mpps, ratio {a.wall / b.wall:.3f};"
                             f" on CPU {a.share:.0%} / {b.share:.0%})")
                    walls[name].append(a.wall / b.wall)
                print(f"round {r + 1} | {name}: {la} {a:.1f} Mpps, {lb} {b:.1f} Mpps, ratio {a / b:.3f}{extra}", flush=True)
        print()
        print("| scenario | ours (median Mpps per CPU-second) | reference (same) | median of paired ratios | per-round ratios | median of wall-clock ratios |")
        print("|---|---:|---:|---:|---|---:|")
        for name, (la, _, lb, _) in pairs.items():
            a, b = figures[name]
            wall = f"{statistics.median(walls[name]):.3f}" if walls[name] else "-"
            print(f"| {name} ({la} / {lb}) | {statistics.median(a):.1f} | {statistics.median(b):.1f} | "
                  f"{statistics.median(ratios[name]):.3f} | {', '.join(f'{x:.2f}' for x in ratios[name])} | {wall} |")
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
