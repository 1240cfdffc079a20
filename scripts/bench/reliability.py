#!/usr/bin/env python3
"""Reliability benchmark of the client-server sample (issue 8): sharing a CPU, the pool's mempool
ops, and a chaos run of SIGKILLs. Not CI. Called by scripts/bench-reliability.sh, which builds
everything first; see docs/reliability.md.

  reliability.py clients  [--rounds N] [--seconds S]   1, 2, 3 clients on CPU 1, Swift beside C
  reliability.py pool-ops [--rounds N] [--seconds S]   the five mempool ops, server x client kinds
  reliability.py chaos    [--kills N] [--seed N]       100 SIGKILLs of a client under full load; then a
                                                       fresh client against a control server, paired
                                                       within a placement (see bench_chaos)

Every group of processes runs on two net_null ports, server `-l 0` (CPU 0), clients
`--lcores 2@1`, `3@1`, `4@1` (all on CPU 1). Throughput is what the clients forwarded: the TX
counters of both ports read through the server's telemetry socket (as
scripts/bench-client-server.sh does), over a window that opens one second after the last client
attached. Each round takes the shared DPDK lock (/tmp/dpdk.lock) for itself, so other developers'
tests run between rounds, never inside one; pass --no-lock when already running under it.

Results go to docs/bench/reliability-*.json and PNG charts beside them (needs matplotlib).
"""
import argparse
import contextlib
import datetime
import fcntl
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import Proc, cpu_times  # noqa: E402  the general bench's process wrapper (lines with arrival times)
import symmetric as smp  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "docs", "bench")
NULL_VDEVS = ["--vdev", "net_null0", "--vdev", "net_null1"]
QUIET = ["--log-level=lib.eal:error"]
ALL_OPS = ["ring_mp_mc", "ring_mt_rts", "ring_mt_hts", "stack", "lf_stack"]
LOCK = "/tmp/dpdk.lock"
SWIFT_DIR = os.path.join(ROOT, ".build", "release")  # set from --swift-dir
FREE_LINE = re.compile(r"^free: (\d+) of (\d+) \(([^)]*)\), queued in client rings: (\d+)")


def log(msg):
    print(msg, flush=True)


class Binaries:
    def __init__(self, args):
        swift = os.path.abspath(args.swift_dir)
        c = args.c_dir
        self.server = {"swift": f"{swift}/mp_server", "c": f"{c}/client_server_mp/mp_server/build/mp_server",
                       # DPDK's C server with one change: its pool made by rte_pktmbuf_pool_create_by_ops
                       # with the ops named by $MP_POOL_OPS (built by scripts/bench-reliability.sh).
                       "c-ops": args.c_ops_server}
        self.client = {"swift": f"{swift}/mp_client", "c": f"{c}/client_server_mp/mp_client/build/mp_client"}
        self.symmetric = f"{swift}/symmetric_mp"


@contextlib.contextmanager
def dpdk_lock(enabled):
    """The machine-wide lock every DPDK run takes (see the helper rules)."""
    if not enabled:
        yield
        return
    with open(LOCK, "a") as f:
        t = time.monotonic()
        fcntl.flock(f, fcntl.LOCK_EX)
        waited = time.monotonic() - t
        if waited > 5:
            log(f"  (waited {waited:.0f} s for {LOCK})")
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


class Group:
    """One group of DPDK processes under its own file prefix; everything removed on exit."""
    count = 0

    def __init__(self):
        Group.count += 1
        self.prefix = f"bench_rel_{os.getpid()}_{Group.count}"
        self.procs = []

    def eal(self):
        return ["--no-pci", f"--file-prefix={self.prefix}"] + QUIET

    def start(self, path, argv, name, env=None):
        # The C samples print through stdio: line-buffer them so that their lines arrive at once
        # (the Swift programs are line-buffered already).
        cmd = ([path] if path.startswith(SWIFT_DIR) else ["stdbuf", "-oL", path]) + argv
        p = Proc(cmd, name, env=env)
        self.procs.append(p)
        return p

    def server(self, bins, impl, n, ops=None, lcores=("-l", "0"), extra_eal=(), extra_app=()):
        env, app = None, ["-p", "3", "-n", str(n)] + list(extra_app)
        if ops and impl == "swift":
            app += ["--pool-ops", ops]
        elif ops and impl == "c-ops":
            env = dict(os.environ, MP_POOL_OPS=ops)
        elif ops and ops != "ring_mp_mc":
            raise ValueError("the unmodified C server has only ring_mp_mc")
        p = self.start(bins.server[impl], list(lcores) + list(extra_eal) + self.eal() + NULL_VDEVS + ["--"] + app,
                       f"{impl} mp_server", env)
        p.wait_for(r"Finished Process Init")
        return p

    def client(self, bins, impl, i, lcore=None, wait=True, timeout=30):
        lcore = lcore or f"{2 + i}@1"
        p = self.start(bins.client[impl], ["--lcores", lcore, "--proc-type=secondary"] + self.eal() + ["--", "-n", str(i)],
                       f"{impl} mp_client {i}")
        if wait:
            p.wait_for(rf"Client process {i} handling packets", timeout)
        return p

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for p in reversed(self.procs):
            if p.p.poll() is None:
                p.send(signal.SIGCONT)  # a server the chaos run paused would not see SIGTERM
                p.stop(signal.SIGTERM, timeout=5)
        for p in self.procs:
            p.kill()
        subprocess.run(["rm", "-rf", f"/var/run/dpdk/{self.prefix}"])
        for f in os.listdir("/dev/hugepages"):
            if f.startswith(self.prefix + "map_"):
                with contextlib.suppress(OSError):
                    os.remove(os.path.join("/dev/hugepages", f))


class Telemetry:
    """The server's telemetry socket: TX packets of ports 0 and 1, answered in about 1 ms."""

    def __init__(self, prefix):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock.connect(f"/var/run/dpdk/{prefix}/dpdk_telemetry.v2")
        self.sock.recv(4096)  # greeting

    def tx(self, counter="opackets"):
        t0 = time.monotonic()
        total = 0
        for port in (0, 1):
            self.sock.send(f"/ethdev/stats,{port}".encode())
            total += json.loads(self.sock.recv(65536))["/ethdev/stats"][counter]
        return total, (t0 + time.monotonic()) / 2

    def rates(self, seconds):
        """(forwarded, received by the server) packets per second over the next `seconds`: on
        net_null the server receives as fast as its loop runs, so the second is its speed."""
        a, ta = self.tx()
        ra, _ = self.tx("ipackets")
        time.sleep(seconds)
        b, tb = self.tx()
        rb, _ = self.tx("ipackets")
        return (b - a) / (tb - ta), (rb - ra) / (tb - ta)

    def rate(self, seconds):
        """Packets per second forwarded over the next `seconds`."""
        a, ta = self.tx()
        time.sleep(seconds)
        b, tb = self.tx()
        return (b - a) / (tb - ta)

    def heap(self):
        """The primary's view of malloc heap 0 (`/eal/heap_info,0`: Heap_size, Alloc_count, ...),
        or None when it does not answer within 2 s (the heap's lock is held by someone)."""
        self.sock.settimeout(2)
        try:
            self.sock.send(b"/eal/heap_info,0")
            return json.loads(self.sock.recv(65536))["/eal/heap_info"]
        except (socket.timeout, OSError, KeyError, ValueError):
            return None

    def close(self):
        self.sock.close()


def client_server_rate(bins, server, client, n, seconds, ops=None):
    """One run: server `-l 0`, n clients on CPU 1; packets per second the clients forwarded."""
    with Group() as g:
        g.server(bins, server, n, ops)
        for i in range(n):
            g.client(bins, client, i)
        time.sleep(1.0)
        tel = Telemetry(g.prefix)
        try:
            forwarded, received = tel.rates(seconds)
            SERVER_RX.append((server, client, n, ops, received))
            return forwarded
        finally:
            tel.close()


SERVER_RX = []  # (server, client kind, clients, ops, packets per second the server received)
CORE_LATENCY = os.path.join(ROOT, ".build", "bench", "core_latency")
NEAR_NS = 200  # core_latency round trips below this: the two CPUs share a cache


def core_latency():
    """Round trip of a cache line between CPUs 0 and 1 in ns (scripts/bench/core_latency.c,
    compiled here when missing). Measured with nothing else of ours running."""
    src = os.path.join(ROOT, "scripts", "bench", "core_latency.c")
    if not os.path.exists(CORE_LATENCY) or os.path.getmtime(CORE_LATENCY) < os.path.getmtime(src):
        os.makedirs(os.path.dirname(CORE_LATENCY), exist_ok=True)
        subprocess.run(["gcc", "-O2", "-pthread", src, "-o", CORE_LATENCY], check=True)
    return float(subprocess.run([CORE_LATENCY], capture_output=True, text=True, check=True).stdout)


def placement(before, after):
    """'near' when CPUs 0 and 1 shared a cache before and after the run, 'far' when they shared
    none both times, 'moved' otherwise (the host moved a vCPU meanwhile)."""
    near = [x < NEAR_NS for x in (before, after)]
    return "near" if all(near) else "far" if not any(near) else "moved"


def placed_rate(bins, server, client, n, seconds, ops=None):
    """client_server_rate between two core_latency probes: (pps, placement, before, after)."""
    before = core_latency()
    rate = client_server_rate(bins, server, client, n, seconds, ops)
    after = core_latency()
    return rate, placement(before, after), before, after


def spread(values):
    """(max - min) / median: how much runs of the same setup differ."""
    return (max(values) - min(values)) / statistics.median(values) if values else float("nan")


# --- (a) 1, 2, 3 clients sharing CPU 1, Swift beside C -------------------------------------

def bench_clients(args, bins):
    """Every run is bracketed by core_latency probes and sorted by where the host had put the two
    vCPUs (near: sharing a cache; far: not); the figures are given per placement, since the
    same binaries differ by 4x between the two (docs/reliability.md, "Bimodal rates")."""
    impls = ["c", "swift"]
    runs = {impl: {n: [] for n in (1, 2, 3)} for impl in impls}  # (pps, placement, before, after)
    log(f"clients: {args.rounds} rounds, {args.seconds} s windows; server -l 0, clients --lcores 2@1 3@1 4@1")
    for r in range(args.rounds):
        order = impls if r % 2 == 0 else impls[::-1]
        with dpdk_lock(args.lock):
            for n in (1, 2, 3):
                for impl in order:
                    runs[impl][n].append(placed_rate(bins, impl, impl, n, args.seconds))
        log(f"round {r + 1}: " + " | ".join(
            f"{impl}: " + ", ".join(f"{n}: {runs[impl][n][-1][0] / 1e6:6.2f} ({runs[impl][n][-1][1]})" for n in (1, 2, 3))
            for impl in impls) + " Mpps  (load %.1f %.1f %.1f)" % os.getloadavg())
    summary = {}
    names = {"c": "C server + C clients (ring_mp_mc)", "swift": "Swift server + Swift clients (default ops)"}
    log("\n| implementation | placement | runs (1/2/3 clients) | 1 client Mpps | 2 clients | 3 clients | 2/1 | 3/1 "
        "| one-client runs: min-max Mpps, (max-min)/median |")
    log("|---|---|---|---|---|---|---|---|---|")
    for impl in impls:
        summary[impl] = {}
        for where in ("near", "far", "all"):
            sel = {n: [x[0] / 1e6 for x in runs[impl][n] if where == "all" or x[1] == where] for n in (1, 2, 3)}
            if not sel[1]:
                continue
            med = {n: statistics.median(v) if v else float("nan") for n, v in sel.items()}
            s = summary[impl][where] = {"runs": {n: len(v) for n, v in sel.items()}, "median_mpps": med,
                                        "ratio_2_1": med[2] / med[1], "ratio_3_1": med[3] / med[1],
                                        "one_client_min_max": (min(sel[1]), max(sel[1])),
                                        "one_client_spread": spread(sel[1])}
            log(f"| {names[impl]} | {where} | {'/'.join(str(len(sel[n])) for n in (1, 2, 3))} | {med[1]:.1f} | {med[2]:.1f} "
                f"| {med[3]:.1f} | {s['ratio_2_1']:.2f} | {s['ratio_3_1']:.2f} | {min(sel[1]):.1f}-{max(sel[1]):.1f}, "
                f"{100 * s['one_client_spread']:.0f} % |")
    rx = {impl: {n: statistics.median(r for s, c, k, _, r in SERVER_RX if s == impl and k == n) / 1e6 for n in (1, 2, 3)}
          for impl in impls}
    log("Server RX (median Mpps; on net_null the server's own loop speed): "
        + " | ".join(f"{impl}: " + ", ".join(f"{n}: {rx[impl][n]:.1f}" for n in (1, 2, 3)) for impl in impls))
    result = {"runs": runs, "summary": summary, "server_rx_mpps_median": rx, "server_rx_pps": SERVER_RX,
              "near_ns": NEAR_NS}
    save("reliability-clients", args, result)
    chart_clients(runs, os.path.join(OUT, "reliability-clients.png"))
    return result


# --- (b) the pool's mempool ops ------------------------------------------------------------

COMBOS = [("swift", "swift"), ("swift", "c"), ("c-ops", "c")]


def symmetric_rate(bins, nprocs, ops, seconds):
    procs = [(l, a + (["--pool-ops", ops] if i == 0 else [])) for i, (l, a)
             in enumerate(next(v for k, v in smp.SCENARIOS.items() if k.startswith("one process" if nprocs == 1 else "two")))]
    return smp.run(bins.symmetric, procs, seconds)


def bench_pool_ops(args, bins):
    ops_list = args.ops.split(",")
    combos = [c for c in COMBOS if c[0] != "c-ops" or bins.server["c-ops"]]
    runs = {ops: {f"{s}/{c}": {n: [] for n in (1, 2, 3)} for s, c in combos} for ops in ops_list}
    for ops in ops_list:
        runs[ops]["symmetric_mp"] = {1: [], 2: []}
    log(f"pool-ops: {args.rounds} rounds, {args.seconds} s windows; ops {', '.join(ops_list)}; server/client kinds "
        + ", ".join(f"{s}/{c}" for s, c in combos) + "; symmetric_mp (Swift) 1 and 2 processes")
    for r in range(args.rounds):
        rotated = ops_list[r % len(ops_list):] + ops_list[:r % len(ops_list)]
        for ops in rotated:
            with dpdk_lock(args.lock):
                for s, c in combos:
                    for n in (1, 2, 3):
                        runs[ops][f"{s}/{c}"][n].append(client_server_rate(bins, s, c, n, args.seconds, ops))
                for n in (1, 2):
                    runs[ops]["symmetric_mp"][n].append(symmetric_rate(bins, n, ops, args.seconds))
            log(f"round {r + 1} {ops:12s}: " + " | ".join(
                f"{k}: " + " ".join(f"{v[n][-1] / 1e6:6.2f}" for n in sorted(v)) for k, v in runs[ops].items()) + " Mpps")
    kinds = list(runs[ops_list[0]])
    med = {ops: {k: {n: statistics.median(v) / 1e6 for n, v in runs[ops][k].items()} for k in kinds} for ops in ops_list}
    log("\nMedian Mpps (clients 1/2/3 for client-server, processes 1/2 for symmetric_mp):\n")
    log("| ops | " + " | ".join(kinds) + " |")
    log("|---|" + "---|" * len(kinds))
    for ops in ops_list:
        log(f"| {ops} | " + " | ".join(" / ".join(f"{med[ops][k][n]:.1f}" for n in sorted(med[ops][k])) for k in kinds) + " |")
    # The decisive figure: Swift server, 1 to 3 clients, both client kinds: the geometric mean
    # of each ops' medians relative to the best ops of that cell.
    score = {}
    for ops in ops_list:
        rel = []
        for k in ("swift/swift", "swift/c"):
            for n in (1, 2, 3):
                best = max(med[o][k][n] for o in ops_list)
                rel.append(med[ops][k][n] / best if best > 0 else 0)
        score[ops] = statistics.geometric_mean([max(x, 1e-6) for x in rel])
    log("\nScore (geometric mean, over Swift server x {Swift, C} clients x 1..3 clients, of the median relative to the best ops):")
    for ops in sorted(ops_list, key=lambda o: -score[o]):
        log(f"  {ops:12s} {score[ops]:.3f}")
    result = {"runs_pps": runs, "median_mpps": med, "score": score}
    save("reliability-pool-ops", args, result)
    chart_pool_ops(med, ops_list, os.path.join(OUT, "reliability-pool-ops.png"))
    return result


# --- (c) chaos: 100 SIGKILLs under full load ----------------------------------------------

class Sampler(threading.Thread):
    """Reads the ports' TX counters every `period` seconds: (time, packets) pairs."""

    def __init__(self, prefix, period=0.1):
        super().__init__(daemon=True)
        self.tel = Telemetry(prefix)
        self.period = period
        self.samples = []
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            try:
                n, t = self.tel.tx()
            except OSError:
                break
            self.samples.append((t, n))
            time.sleep(self.period)

    def stop(self):
        self.stopping.set()
        self.join(2)
        self.tel.close()


def screens(server):
    """(time, free, total, ops, queued) for every MBUFS line the server printed."""
    with server.lock:
        lines = list(server.lines)
    return [(t, int(m.group(1)), int(m.group(2)), m.group(3), int(m.group(4)))
            for t, l in lines for m in [FREE_LINE.match(l)] if m]


def wait_screens(server, after, count=1, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = [s for s in screens(server) if s[0] > after]
        if len(got) >= count:
            return got
        time.sleep(0.1)
    raise RuntimeError(f"server printed no statistics screen:\n{server.text()[-2000:]}")


def start_or_diagnose(g, bins, i, lcore, failures):
    """A fresh client; if it does not start forwarding within 15 s, what it is stuck in
    (every thread's stack, by gdb), recorded in `failures`, and None."""
    try:
        return g.client(bins, "swift", i, lcore, timeout=15)
    except RuntimeError as e:
        p = g.procs[-1]
        detail = [str(e)[:2000]]
        if p.p.poll() is None:
            for path in (f"/proc/{p.p.pid}/status",):
                with contextlib.suppress(OSError):
                    detail.append(open(path).read())
            gdb = subprocess.run(["gdb", "-p", str(p.p.pid), "-batch", "-ex", "thread apply all bt"],
                                 capture_output=True, text=True, timeout=120)
            detail.append(gdb.stdout[-20000:])
        p.kill()
        g.procs.remove(p)
        text = "\n".join(detail)
        frames = re.findall(r"^#\d+\s+(?:0x[0-9a-f]+ in )?(\S+)", text, re.M)
        failures.append({"id": i, "summary": " <- ".join(frames[:8]) or str(e)[:200], "detail": text})
        return None


def cpu_seconds(pid):
    """Time on CPU the thread `pid` (a process's main thread) has had so far, in seconds."""
    return cpu_times(pid)[str(pid)] / 1e9


def fresh_window(bins, g, server, cid, lcore, seconds, failures):
    """A fresh client `cid` on `lcore` in group `g`: started, 1 s to settle, `seconds` measured
    through the server's telemetry, stopped with SIGTERM, and waited for until the server has
    logged its exit (so the server has taken back what it held before anything else runs).
    A dict (pps forwarded, server RX pps, window times, the server's CLIENTS section at the end
    of the window), or None when it did not start (recorded in `failures`)."""
    p = start_or_diagnose(g, bins, cid, lcore, failures)
    if p is None:
        return None
    time.sleep(1.0)
    tel = Telemetry(g.prefix)
    try:
        cpu0 = (cpu_seconds(p.p.pid), cpu_seconds(server.p.pid))
        t0 = time.monotonic()
        fwd, rx = tel.rates(seconds)
        t1 = time.monotonic()
        cpu1 = (cpu_seconds(p.p.pid), cpu_seconds(server.p.pid))
    finally:
        tel.close()
    # The share of its CPU each busy loop got: below 1 when something else (a compiler of the
    # other developers) ran on that CPU during the window.
    shares = [(b - a) / (t1 - t0) for a, b in zip(cpu0, cpu1)]
    with server.lock:
        lines = [l for t, l in server.lines if t <= t1]
    start = max((i for i, l in enumerate(lines) if l.startswith("CLIENTS")), default=None)
    section = lines[start:start + 2 + 3 * 16] if start is not None else []
    section = section[:next((i for i, l in enumerate(section) if l.startswith("Undelivered")), len(section))]
    pid = p.p.pid
    p.stop(signal.SIGTERM)
    g.procs.remove(p)
    with contextlib.suppress(RuntimeError):
        server.wait_for(rf"client {cid}: exited \(pid {pid}\)", timeout=5)
    return {"pps": fwd, "server_rx_pps": rx, "t0": t0, "t1": t1, "client_cpu_share": shares[0],
            "server_cpu_share": shares[1], "clients_screen": section}


SHARE_OK = 0.95  # a window counts as uncontended when both busy loops got this much of their CPU


def clean_pair(row):
    """Whether a round's first and last windows (the chaos group's fresh client 1 and the
    control's) can be compared: the same placement, not moved, and both uncontended."""
    a, c = row[0], row[-1]
    return (a["placement"] == c["placement"] != "moved"
            and min(a["client_cpu_share"], a["server_cpu_share"], c["client_cpu_share"], c["server_cpu_share"]) >= SHARE_OK)


def steady_window(server, client, seconds):
    """A window of the already running client: (t0, t1, probes, CPU shares of client and server).
    The probes run beside the two busy loops (core_latency still answers, a little slower)."""
    probes = [core_latency()]
    cpu0 = (cpu_seconds(client.p.pid), cpu_seconds(server.p.pid))
    t0 = time.monotonic()
    time.sleep(seconds)
    t1 = time.monotonic()
    cpu1 = (cpu_seconds(client.p.pid), cpu_seconds(server.p.pid))
    probes.append(core_latency())
    return t0, t1, probes, [(b - a) / (t1 - t0) for a, b in zip(cpu0, cpu1)]


def fresh_rounds(args, bins, sides, failures, label, min_rounds, max_rounds, want):
    """Rounds of fresh-client windows, one per side per round, the order rotating from round to
    round; each window between two core_latency probes, taken with every other side's server
    SIGSTOPped (two spinning servers would share CPU 0). `sides`: (group name, Group, server
    Proc, client id, lcore), the chaos group's client 1 first and the control's client 1 last.
    At least `min_rounds` rounds; then more, up to `max_rounds`, until `want` rounds are clean
    pairs (`clean_pair`)."""
    servers = list({id(s[2]): s[2] for s in sides}.values())
    rounds = []
    try:
        for n in range(max_rounds):
            if n >= min_rounds and sum(map(clean_pair, rounds)) >= want:
                break
            k = n % len(sides)
            row = {}
            for j in list(range(k, len(sides))) + list(range(k)):
                name, g, server, cid, lcore = sides[j]
                for s in servers:
                    s.send(signal.SIGCONT if s is server else signal.SIGSTOP)
                before = core_latency()
                w = fresh_window(bins, g, server, cid, lcore, args.seconds, failures)
                after = core_latency()
                if w is None:
                    if cid != 0:  # is it the id, or is any new client stuck? Try id 0 too.
                        w0 = fresh_window(bins, g, server, 0, "2@1", seconds=0.1, failures=failures)
                        failures[-1]["client_0_started"] = w0 is not None
                    return rounds
                w.update(phase=label, side=j, group=name, client=cid, lcore=lcore, round=n, probe_before_ns=before,
                         probe_after_ns=after, placement=placement(before, after),
                         loadavg=os.getloadavg()[0])
                row[j] = w
            rounds.append([row[j] for j in range(len(sides))])
            log(f"  {label}, round {n + 1}: " + " | ".join(
                f"{w['group']} client {w['client']}: {w['pps'] / 1e6:5.1f} Mpps (server rx {w['server_rx_pps'] / 1e6:5.1f}) "
                f"{w['placement']} {w['probe_before_ns']:.0f}/{w['probe_after_ns']:.0f} ns, "
                f"CPU {w['client_cpu_share']:.2f}/{w['server_cpu_share']:.2f}" for w in rounds[-1])
                + f"  (load {os.getloadavg()[0]:.1f}){'' if clean_pair(rounds[-1]) else '  [not a clean pair]'}")
    finally:
        for s in servers:
            s.send(signal.SIGCONT)
    return rounds


def summarize_rounds(rounds):
    """Per placement: the medians of each side over every window in that placement, and the
    chaos group's fresh client 1 over the control's, paired within a round: every pair in the
    same placement, and the clean ones (`clean_pair`), whose median is the verdict."""
    out = {}
    for where in ("near", "far", "all"):
        sides = {}
        for r in rounds:
            for w in r:
                if where == "all" or w["placement"] == where:
                    sides.setdefault(f"{w['group']} client {w['client']}", []).append(w["pps"])
        if not sides:
            continue
        same = [r for r in rounds if r[-1]["pps"] > 0 and r[0]["placement"] == r[-1]["placement"] != "moved"
                and (where == "all" or r[0]["placement"] == where)]
        pairs = [r[0]["pps"] / r[-1]["pps"] for r in same]
        clean = [r[0]["pps"] / r[-1]["pps"] for r in same if clean_pair(r)]
        med = {k: statistics.median(v) for k, v in sides.items()}
        a, c = med.get("chaos client 1"), med.get("control client 1")
        out[where] = {"windows": {k: len(v) for k, v in sides.items()}, "median_pps": med,
                      "min_max_pps": {k: (min(v), max(v)) for k, v in sides.items()},
                      "same_placement_ratios": pairs,
                      "same_placement_ratio_median": statistics.median(pairs) if pairs else None,
                      "clean_ratios": clean, "clean_ratio_median": statistics.median(clean) if clean else None,
                      "ratio_of_medians": a / c if a and c else None}
    return out


def log_summary(label, summary):
    for where, a in summary.items():
        log(f"    {label} {where:4s}: windows {a['windows']}; median Mpps "
            + ", ".join(f"{k} {v / 1e6:.1f}" for k, v in a["median_pps"].items())
            + "; chaos client 1 / control client 1: same-placement pairs "
            + (", ".join(f"{x:.2f}" for x in a["same_placement_ratios"]) or "none")
            + (f" (median {a['same_placement_ratio_median']:.3f})" if a["same_placement_ratio_median"] is not None else "")
            + ", clean pairs " + (", ".join(f"{x:.2f}" for x in a["clean_ratios"]) or "none")
            + (f" (median {a['clean_ratio_median']:.3f})" if a["clean_ratio_median"] is not None else ""))


def bench_chaos(args, bins):
    rng = random.Random(args.seed)
    kills = []
    held = contextlib.ExitStack()
    held.enter_context(dpdk_lock(args.lock))  # for the chaos run and its control
    failures = []
    with held, Group() as g, Group() as cg:
        # The control: a server of the same configuration that sees no kill, paused (SIGSTOP)
        # except while its own fresh client is measured.
        control = cg.server(bins, "swift", 2, lcores=("-l", "0-1"), extra_eal=args.server_eal.split(),
                            extra_app=["--reclaim"] if args.reclaim else [])
        control.send(signal.SIGSTOP)
        # lcore 1 prints the screen every second
        server = g.server(bins, "swift", 2, lcores=("-l", "0-1"), extra_eal=args.server_eal.split(),
                          extra_app=["--reclaim"] if args.reclaim else [])
        t_origin = time.monotonic()
        sampler = Sampler(g.prefix)
        sampler.start()
        # Before: no client (both ids unregistered); a fresh client 1 here and under the control
        # in alternating rounds (the same measurement as after the kills: it shows what the
        # method gives when nothing differs); then the steady client 0 alone.
        idle_before = wait_screens(server, t_origin, 1)[-1]
        rounds_before = fresh_rounds(args, bins, [("chaos", g, server, 1, "3@1"), ("control", cg, control, 1, "3@1")],
                                     failures, "before", args.before_rounds, args.before_rounds + 2, 1)
        control.send(signal.SIGSTOP)
        steady = g.client(bins, "swift", 0, "2@1")
        time.sleep(1.0)
        t_b0, t_b1, probes_before, shares_before = steady_window(server, steady, args.seconds)
        steady_before = [s for s in screens(server) if t_b0 <= s[0] <= t_b1]
        log(f"chaos: before: client 0 alone, window {t_b1 - t_b0:.1f} s")
        # The kills: client id 1 on CPU 1 beside the steady client, SIGKILLed 5 to 500 ms after
        # it was started (EAL start-up and registration take about 80 to 200 ms of that).
        t_c0 = time.monotonic()
        heap_tel = Telemetry(g.prefix)
        heap_start = heap_tel.heap()
        for k in range(args.kills):
            delay = rng.uniform(0.005, 0.5)
            started = time.monotonic()
            victim = g.client(bins, "swift", 1, "3@1", wait=False)
            if args.after_startup:
                # Only kills of forwarding clients: the delay counts from "handling packets".
                with contextlib.suppress(RuntimeError):
                    started = victim.wait_for(r"Client process 1 handling packets", timeout=10)
            time.sleep(max(0.0, started + delay - time.monotonic()))
            t_kill = time.monotonic()
            alive = victim.p.poll() is None
            victim.send(signal.SIGKILL)
            victim.p.wait()
            victim.reader.join(1)
            text = victim.text()
            kills.append({"start": started - t_origin, "kill": t_kill - t_origin, "delay": delay,
                          "killed": alive and victim.p.returncode == -signal.SIGKILL,
                          "returncode": victim.p.returncode,
                          "forwarding": "handling packets" in text,
                          "eal_up": "Finished Process Init" in text,
                          "output": text[-300:] if victim.p.returncode != -signal.SIGKILL else "",
                          "heap_after": heap_tel.heap()})
            g.procs.remove(victim)
        t_c1 = time.monotonic()
        # After: give the monitor time to take back what the last victim held, then the steady
        # client alone again, then a fresh client on the id that was killed 100 times.
        time.sleep(1.0)
        t_a0, t_a1, probes_steady_after, shares_steady_after = steady_window(server, steady, args.seconds)
        steady_after = [s for s in screens(server) if t_a0 <= s[0] <= t_a1]
        steady.stop(signal.SIGTERM)
        # The control's id 0 must be vacant too, as the chaos group's is now: an id never claimed
        # gets packets (as in the C server, for C clients), and the spilling of its share off its
        # full ring slows the control's client 1 (paired rounds, near, under load:
        # 0.69-1.07 of a control whose id 0 is vacant, median 0.86).
        server.send(signal.SIGSTOP)
        control.send(signal.SIGCONT)
        once = cg.client(bins, "swift", 0, "2@1")
        pid = once.p.pid
        once.stop(signal.SIGTERM)
        cg.procs.remove(once)
        control.wait_for(rf"client 0: exited \(pid {pid}\)", timeout=5)
        control.send(signal.SIGSTOP)
        server.send(signal.SIGCONT)
        # The fresh client, measured against the control without the placement's 4x: rounds that
        # alternate (order rotating) a fresh client 1 in this group, a fresh client 0 in this
        # group, and a fresh client 1 under the control; each window between two core_latency
        # probes, the other server SIGSTOPped.
        rounds = fresh_rounds(args, bins, [("chaos", g, server, 1, "3@1"), ("chaos", g, server, 0, "2@1"),
                                           ("control", cg, control, 1, "3@1")], failures, "after",
                              args.after_rounds, args.max_after_rounds, args.same_placement)
        control.stop(signal.SIGTERM)
        time.sleep(2.5)
        idle_after = wait_screens(server, time.monotonic() - 1.2, 1)[-1]
        sampler.stop()
        t_end = time.monotonic()
        rc = server.stop(signal.SIGTERM)
    text = server.text()
    final = screens(server)[-1]
    samples = sampler.samples

    def rate(t0, t1):
        inside = [(t, n) for t, n in samples if t0 <= t <= t1]
        (ta, a), (tb, b) = inside[0], inside[-1]
        return (b - a) / (tb - ta)

    before_pps, steady_after_pps = rate(t_b0, t_b1), rate(t_a0, t_a1)
    after = summarize_rounds(rounds)
    before = summarize_rounds(rounds_before)
    first = rounds[0][0] if rounds else None
    after_pps = first["pps"] if first else 0.0  # the first fresh client 1 after the kills
    verdict = after.get("all", {}).get("clean_ratio_median")
    chaos_pps = rate(t_c0, t_c1)
    reclaims = [(t - t_origin, int(m.group(1))) for t, l in server.lines
                for m in [re.search(r"client 1: .*took back (\d+) mbufs", l)] if m]
    events = {}
    for t, l in server.lines:
        m = re.match(r"mp_server: client 1: (registered|exited during registration|exited|process \d+ exited while claiming)", l)
        if m:
            key = m.group(1) if not m.group(1).startswith("process") else "exited while claiming"
            events[key] = events.get(key, 0) + 1
    killed = sum(k["killed"] for k in kills)
    total = final[2]
    result = {
        "seed": args.seed, "after_startup": args.after_startup, "reclaim": args.reclaim,
        "server_eal": args.server_eal, "heap_at_start": heap_start,
        "eal_read_locks_taken_back": sum(int(m.group(1)) for _, l in server.lines
                                         for m in [re.search(r"took back (\d+) read lock", l)] if m),
        "eal_lock_reports": [l for _, l in server.lines if "EAL memory hotplug lock" in l or "EAL memzone lock" in l],
        "kills_attempted": len(kills), "killed_by_sigkill": killed,
        "victims_forwarding_when_killed": sum(k["forwarding"] for k in kills),
        "victims_killed_before_eal_init_done": sum(not k["eal_up"] for k in kills),
        "server_events_client_1": events,
        "mbufs_taken_back_total": sum(n for _, n in reclaims),
        "before_pps": before_pps, "before_probes_ns": probes_before,
        "before_placement": placement(*probes_before), "before_cpu_shares": shares_before,
        "steady_after_pps": steady_after_pps, "steady_after_probes_ns": probes_steady_after,
        "steady_after_placement": placement(*probes_steady_after), "steady_after_cpu_shares": shares_steady_after,
        "before_rounds": [[{k: (v - t_origin if k in ("t0", "t1") and w["group"] == "chaos" else v)
                            for k, v in w.items()} for w in r] for r in rounds_before],
        "before_summary": before,
        "chaos_pps": chaos_pps, "first_fresh_client_after_pps": after_pps,
        "after_rounds": [[{k: (v - t_origin if k in ("t0", "t1") and w["group"] == "chaos" else v)
                           for k, v in w.items()} for w in r] for r in rounds],
        "after_summary": after,
        "fresh_over_control_clean_pairs_median": verdict, "share_ok": SHARE_OK,
        "met_0_90": verdict is not None and verdict >= 0.90,
        "idle_free_plus_queued_before": idle_before[1] + idle_before[4],
        "idle_free_plus_queued_after": idle_after[1] + idle_after[4],
        "steady_free_plus_queued_before_median": statistics.median(s[1] + s[4] for s in steady_before) if steady_before else None,
        "steady_free_plus_queued_after_median": statistics.median(s[1] + s[4] for s in steady_after) if steady_after else None,
        "final_screen": {"free": final[1], "total": total, "ops": final[3], "queued": final[4]},
        "final_free_plus_queued_equals_total": final[1] + final[4] == total,
        "server_exit_status": rc,
        "unexpected_victim_exits": [k for k in kills if not k["killed"]],
        "fresh_client_failures": failures,
        "kills": kills,
        "pps_samples": [(t - t_origin, n) for t, n in samples],
        "screens": [(t - t_origin, f, q) for t, f, _, _, q in screens(server)],
        "reclaims": reclaims,
        "phases": {"before": (t_b0 - t_origin, t_b1 - t_origin), "chaos": (t_c0 - t_origin, t_c1 - t_origin),
                   "steady_after": (t_a0 - t_origin, t_a1 - t_origin),
                   "fresh": [(w["t0"] - t_origin, w["t1"] - t_origin, w["client"]) for r in rounds_before + rounds
                             for w in r if w["group"] == "chaos"],
                   "end": t_end - t_origin},
    }
    log(f"chaos (seed {args.seed}): {killed} of {len(kills)} victims died by SIGKILL; "
        f"{result['victims_killed_before_eal_init_done']} before their EAL was up, "
        f"{result['victims_forwarding_when_killed']} while forwarding; server saw {events}")
    log(f"  took back {result['mbufs_taken_back_total']} mbufs over {len(reclaims)} reclaims; "
        f"{result['eal_read_locks_taken_back']} dead read locks of the EAL memory hotplug lock taken back")
    log(f"  pps: client 0 alone before {before_pps / 1e6:.2f} Mpps, during the kills {chaos_pps / 1e6:.2f} Mpps, "
        f"client 0 alone after {steady_after_pps / 1e6:.2f} Mpps; placement before {result['before_placement']} "
        f"{probes_before[0]:.0f}/{probes_before[1]:.0f} ns, after {result['steady_after_placement']} "
        f"{probes_steady_after[0]:.0f}/{probes_steady_after[1]:.0f} ns; CPU shares (client/server) before "
        f"{shares_before[0]:.2f}/{shares_before[1]:.2f}, after {shares_steady_after[0]:.2f}/{shares_steady_after[1]:.2f}")
    log(f"  fresh clients before the kills, {len(rounds_before)} rounds (chaos client 1, control client 1):")
    log_summary("before", before)
    log(f"  fresh clients after the kills, {len(rounds)} rounds (chaos client 1, chaos client 0, control client 1):")
    log_summary("after", after)
    log(f"  fresh client 1 after the kills over the control, clean pairs (same placement, every busy loop had "
        f">= {SHARE_OK:.0%} of its CPU), median: "
        + (f"{verdict:.3f}: {'MET' if verdict >= 0.90 else 'NOT MET'} (>= 0.90)" if verdict is not None
           else "no clean pair: UNDECIDED"))
    log(f"  free+queued, no client attached: before {result['idle_free_plus_queued_before']}, after "
        f"{result['idle_free_plus_queued_after']} of {total}; with client 0 forwarding (median of screens): before "
        f"{result['steady_free_plus_queued_before_median']}, after {result['steady_free_plus_queued_after_median']}")
    log(f"  final screen: free {final[1]} + queued {final[4]} = {final[1] + final[4]} of {total} ({final[3]}): "
        + ("nothing lost" if result["final_free_plus_queued_equals_total"] else "MBUFS LOST")
        + f"; server exit status {rc}")
    name = ("reliability-chaos" + ("-after-startup" if args.after_startup else "") + ("-reclaim" if args.reclaim else "")
            + ("-" + re.sub(r"[^a-z0-9]+", "-", args.server_eal).strip("-") if args.server_eal else "")
            + f"-seed{args.seed}")  # runs of other seeds keep their own files
    for k in result["unexpected_victim_exits"]:
        log(f"  victim not killed by the signal: {k}")
    for f in failures:
        log(f"  FRESH CLIENT {f['id']} DID NOT START (see docs/bench/{name}-failure.txt): {f['summary']}")
    if failures:
        with open(os.path.join(OUT, name + "-failure.txt"), "w") as f:
            for x in failures:
                f.write(f"=== fresh client {x['id']} ===\n{x['detail']}\n\n")
            f.write("=== victims (times in s since the server started) ===\n")
            for k in kills:
                f.write(json.dumps({key: v for key, v in k.items() if key != "output"}) + "\n")
    log("  victims (F forwarding, E EAL up, . neither, when killed): "
        + "".join("F" if k["forwarding"] else "E" if k["eal_up"] else "." for k in kills))
    with open(os.path.join(OUT, name + "-server.log"), "w") as f:
        f.write(re.sub(r"\n{3,}", "\n\n", text))
    save(name, args, result)
    chart_chaos(result, os.path.join(OUT, name + ".png"))
    return result


# --- output ----------------------------------------------------------------------------------

def save(name, args, result):
    os.makedirs(OUT, exist_ok=True)
    doc = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "command": " ".join([os.path.basename(sys.argv[0])] + sys.argv[1:]),
           "loadavg_at_end": os.getloadavg(), "result": result}
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(doc, f, indent=1, default=str)


def plt_or_none():
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        return plt
    except ImportError:
        log("matplotlib missing: no chart")
        return None


def chart_clients(runs, path):
    plt = plt_or_none()
    if not plt:
        return
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    names = {"c": "C server + C clients", "swift": "Swift server + Swift clients"}
    width = 0.38
    for ax, where in zip(axes, ("near", "far")):
        for j, impl in enumerate(runs):
            xs = [n + (j - 0.5) * width for n in (1, 2, 3)]
            vals = {n: [x[0] / 1e6 for x in runs[impl][n] if x[1] == where] for n in (1, 2, 3)}
            ax.bar(xs, [statistics.median(vals[n]) if vals[n] else 0 for n in (1, 2, 3)], width, label=names[impl])
            for n, x in zip((1, 2, 3), xs):
                ax.plot([x] * len(vals[n]), vals[n], "k.", ms=4)
        ax.set_xticks([1, 2, 3], ["1 client", "2 clients", "3 clients"])
        ax.set_title(f"CPUs 0 and 1 {'sharing an L3' if where == 'near' else 'sharing no cache'} ({where})")
    axes[0].set_ylabel("Mpps forwarded (bars: median; dots: runs)")
    axes[0].legend()
    fig.suptitle("mp_server -l 0 + clients all on CPU 1 (net_null), runs sorted by core_latency")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def chart_pool_ops(med, ops_list, path):
    plt = plt_or_none()
    if not plt:
        return
    kinds = [k for k in med[ops_list[0]]]
    fig, axes = plt.subplots(1, len(kinds), figsize=(4 * len(kinds), 4), sharey=False)
    for ax, k in zip(axes, kinds):
        ns = sorted(med[ops_list[0]][k])
        width = 0.8 / len(ops_list)
        for j, ops in enumerate(ops_list):
            ax.bar([n + (j - (len(ops_list) - 1) / 2) * width for n in ns], [med[ops][k][n] for n in ns], width, label=ops)
        ax.set_xticks(ns, [str(n) for n in ns])
        ax.set_xlabel("processes" if k == "symmetric_mp" else "clients")
        ax.set_title(k if k == "symmetric_mp" else f"server/clients: {k}")
    axes[0].set_ylabel("Mpps (median)")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=len(ops_list), fontsize=9)
    fig.tight_layout(rect=(0, 0, 1, 0.92))
    fig.savefig(path, dpi=100)


def chart_chaos(r, path):
    plt = plt_or_none()
    if not plt:
        return
    fig = plt.figure(figsize=(10, 9))
    a1 = fig.add_subplot(3, 1, 1)
    a2 = fig.add_subplot(3, 1, 2, sharex=a1)
    a3 = fig.add_subplot(3, 1, 3)
    s = r["pps_samples"]
    ts = [(s[i][0] + s[i + 1][0]) / 2 for i in range(len(s) - 1)]
    pps = [(s[i + 1][1] - s[i][1]) / (s[i + 1][0] - s[i][0]) / 1e6 for i in range(len(s) - 1)]
    a1.plot(ts, pps, lw=0.8)
    a1.set_ylabel("Mpps forwarded (0.1 s)")
    for k in r["kills"]:
        a1.axvline(k["kill"], color="red" if k["forwarding"] else "orange", lw=0.4, alpha=0.6)
    ph = r["phases"]
    for name in ("before", "steady_after"):
        a1.axvspan(*ph[name], color="green", alpha=0.08)
    for t0, t1, c in ph["fresh"]:
        a1.axvspan(t0, t1, color="blue" if c == 1 else "purple", alpha=0.08)
    a1.set_title(f"{r['killed_by_sigkill']} SIGKILLs of client 1 (red: while forwarding, orange: during start-up)\n"
                 f"green: client 0 alone; blue/purple: fresh client 1/0 (gaps: the control's windows, this server stopped)",
                 fontsize=9)
    sc = r["screens"]
    a2.plot([t for t, _, _ in sc], [f for _, f, _ in sc], ".-", label="free mbufs (server screen, 1/s)")
    a2.plot([t for t, _, _ in sc], [f + q for _, f, q in sc], ".-", label="free + queued in client rings")
    a2.axhline(r["final_screen"]["total"], color="gray", ls="--", lw=0.8, label=f"pool size {r['final_screen']['total']}")
    for t, n in r["reclaims"]:
        a2.plot([t], [r["final_screen"]["total"] - n], "rv", ms=3)
    a2.plot([], [], "rv", ms=3, label="reclaim: pool size - mbufs taken back")
    a2.set_ylabel("mbufs")
    a2.set_xlabel("seconds since the server started")
    a2.legend(fontsize=8, loc="lower left")
    # Every fresh-client window, before the kills (rounds 1..B) and after them (B+1..): colour by
    # side, marker by placement, hollow when a busy loop had less than SHARE_OK of its CPU.
    sides = {("chaos", 1): ("chaos group, fresh client 1", "C0"), ("chaos", 0): ("chaos group, fresh client 0", "C1"),
             ("control", 1): ("control server, fresh client 1", "C2")}
    marker = {"near": "o", "far": "s", "moved": "x"}
    nb = len(r["before_rounds"])
    seen = set()
    for offset, rounds in ((0, r["before_rounds"]), (nb, r["after_rounds"])):
        for row in rounds:
            for w in row:
                name, color = sides[(w["group"], w["client"])]
                x = offset + w["round"] + 1 + {"C0": -0.12, "C1": 0, "C2": 0.12}[color]
                ok = min(w["client_cpu_share"], w["server_cpu_share"]) >= r["share_ok"]
                label = f"{name}, {w['placement']}" if (name, w["placement"]) not in seen else None
                seen.add((name, w["placement"]))
                a3.plot([x], [w["pps"] / 1e6], marker[w["placement"]], color=color, mfc=color if ok else "none",
                        label=label)
    a3.axvline(nb + 0.5, color="red", lw=0.8)
    a3.set_xlabel(f"round (1-{nb}: before the kills, then after; order rotating; o near, s far, x moved; "
                  f"hollow: < {r['share_ok']:.0%} CPU)", fontsize=8)
    a3.set_ylabel("Mpps forwarded")
    v = r.get("fresh_over_control_clean_pairs_median")
    a3.set_title("fresh client 1 after the kills / control, clean pairs (same placement, CPUs not shared), median: "
                 + (f"{v:.2f}" if v is not None else "no pair"), fontsize=9)
    a3.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["clients", "pool-ops", "chaos", "all"])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=2.0, help="measurement window")
    ap.add_argument("--ops", default=",".join(ALL_OPS))
    ap.add_argument("--kills", type=int, default=100)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--server-eal", default="", help="chaos: more EAL options for the server, e.g. '--legacy-mem -m 256'")
    ap.add_argument("--reclaim", action="store_true",
                    help="chaos: run the server with --reclaim (clients hand every packet back; nothing they held is lost)")
    ap.add_argument("--after-startup", action="store_true",
                    help="chaos: kill clients only once they forward (the delay counts from then)")
    ap.add_argument("--before-rounds", type=int, default=2,
                    help="chaos: rounds of fresh-client windows before the kills (chaos client 1, control); "
                         "up to 2 more until one is a clean pair")
    ap.add_argument("--after-rounds", type=int, default=4,
                    help="chaos: rounds of fresh-client windows after the kills (chaos client 1, chaos client 0, control)")
    ap.add_argument("--max-after-rounds", type=int, default=16,
                    help="chaos: more rounds, up to this many, until --same-placement rounds had the chaos group's "
                         "client 1 and the control in the same placement")
    ap.add_argument("--same-placement", type=int, default=8,
                    help="chaos: clean pairs (see clean_pair) wanted after the kills; 3 proved too few (0.69-1.23 within a placement)")
    ap.add_argument("--no-lock", dest="lock", action="store_false")
    ap.add_argument("--swift-dir", default=os.path.join(ROOT, ".build", "release"))
    ap.add_argument("--c-dir", default=os.path.join(ROOT, ".build", "c-samples"))
    ap.add_argument("--c-ops-server", default="", help="C mp_server whose pool ops is $MP_POOL_OPS")
    args = ap.parse_args()
    global SWIFT_DIR
    SWIFT_DIR = os.path.abspath(args.swift_dir)
    bins = Binaries(args)
    log(f"load average {os.getloadavg()}")
    if args.what in ("clients", "all"):
        bench_clients(args, bins)
    if args.what in ("pool-ops", "all"):
        bench_pool_ops(args, bins)
    if args.what in ("chaos", "all"):
        bench_chaos(args, bins)


if __name__ == "__main__":
    sys.exit(main())
