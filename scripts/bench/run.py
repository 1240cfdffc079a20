#!/usr/bin/env python3
"""Benchmark: the Swift samples against the C samples, in the same run, on this machine.

Called by scripts/bench.sh (which builds everything first); see README "Performance" and
docs/performance.md. For every scenario it alternates Swift and C (the order flips every round)
with the same arguments and lcores, and dpdk-testpmd as the ceiling where it applies. Figures
come from the forwarders' own counters over a measured window. A scenario's ratio is the median
of the per-round ratios Swift/C (for round-trip time C/Swift): above 1.00 Swift is faster.

Then, unless --no-malloc, the Swift samples run once more under an LD_PRELOAD malloc counter
(scripts/bench/malloc_count.c): heap calls per thread between two instants of steady-state
forwarding, divided by the packets forwarded meanwhile.

Writes docs/bench/latest.json and docs/bench/latest.png (needs matplotlib).
"""
import argparse
import datetime
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TESTPMD = "/usr/bin/dpdk-testpmd"
NULL_VDEVS = ["--vdev", "net_null0", "--vdev", "net_null1"]
QUIET = ["--log-level=lib.eal:error", "--log-level=pmd.net.tap:error"]
ADDR_A, ADDR_B = "198.18.0.1", "198.18.0.2"

# name, title, unit, better ("higher"/"lower"), has a testpmd ceiling
SCENARIOS = [
    ("sym1", "symmetric_mp, 1 process (net_null)", "Mpps", "higher", True),
    ("sym2", "symmetric_mp, 2 processes (net_null)", "Mpps", "higher", False),  # -l 1 and --lcores 2@0
    ("cs1", "mp_server + 1 mp_client (net_null)", "Mpps", "higher", False),
    ("cs2", "mp_server + 2 mp_clients (net_null)", "Mpps", "higher", False),
    ("sym1_tcp", "symmetric_mp, TCP (iperf3, net_tap)", "Gbit/s", "higher", True),
    ("sym1_rtt", "symmetric_mp, ping RTT median (net_tap)", "us", "lower", True),
    ("cs1_tcp", "mp_server + mp_client, TCP (iperf3, net_tap)", "Gbit/s", "higher", False),
    ("cs1_rtt", "mp_server + mp_client, ping RTT median (net_tap)", "us", "lower", False),
]


def log(msg):
    print(msg, flush=True)


def cpu_times(pid):
    """Time on CPU of every thread of `pid`, in ns (/proc/PID/task/TID/schedstat, first field)."""
    times = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                times[tid] = int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return times


def port_counter(prefix, counter):
    """The sum over ports 0 and 1 of an ethdev counter (`opackets`, `ipackets`) and when it was
    read, through the primary's telemetry socket (`/ethdev/stats,N`, answered by its telemetry
    thread in about a millisecond), as scripts/bench-client-server.sh reads them."""
    import socket
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as sock:
        sock.connect(f"/var/run/dpdk/{prefix}/dpdk_telemetry.v2")
        sock.recv(4096)  # greeting
        t0 = time.monotonic()
        total = 0
        for port in (0, 1):
            sock.send(f"/ethdev/stats,{port}".encode())
            total += json.loads(sock.recv(65536))["/ethdev/stats"][counter]
        t1 = time.monotonic()
    return total, (t0 + t1) / 2

class Proc:
    """A started process: merged output collected line by line with arrival times."""

    def __init__(self, argv, name, env=None):
        self.name = name
        self.argv = argv
        self.lines = []  # (monotonic time, line)
        self.lock = threading.Lock()
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, env=env, start_new_session=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for raw in self.p.stdout:
            t = time.monotonic()
            line = raw.decode(errors="replace").rstrip("\n")
            line = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", line)  # the stats screens' clear-screen
            with self.lock:
                self.lines.append((t, line))

    def text(self):
        with self.lock:
            return "\n".join(l for _, l in self.lines)

    def wait_for(self, pattern, timeout=30):
        """Time of the first line matching `pattern` (a regex)."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for t, l in self.lines:
                    if rx.search(l):
                        return t
            if self.p.poll() is not None:
                time.sleep(0.1)
                with self.lock:
                    for t, l in self.lines:
                        if rx.search(l):
                            return t
                break
            time.sleep(0.02)
        raise RuntimeError(f"{self.name}: no line /{pattern}/ within {timeout}s "
                           f"(exited: {self.p.poll() is not None}):\n{self.text()[-3000:]}")

    def send(self, sig):
        if self.p.poll() is None:
            try:
                os.kill(self.p.pid, sig)
            except ProcessLookupError:
                pass

    def stop(self, sig=signal.SIGINT, timeout=15):
        """Signals, waits; kills after `timeout`. Returns the exit status."""
        self.send(sig)
        try:
            self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        self.reader.join(2)
        return self.p.returncode

    def kill(self):
        if self.p.poll() is None:
            try:
                os.killpg(self.p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.p.wait()


class Bench:
    def __init__(self, args):
        self.args = args
        self.seconds = args.seconds
        self.runs = 0
        self.procs = []
        self.prefixes = []
        self.netns = []
        self.pid = os.getpid()
        self.bin = {
            "swift": {n: os.path.join(args.swift_dir, n) for n in ("symmetric_mp", "mp_server", "mp_client")},
            "c": {
                "symmetric_mp": os.path.join(args.c_dir, "symmetric_mp/build/symmetric_mp"),
                "mp_server": os.path.join(args.c_dir, "client_server_mp/mp_server/build/mp_server"),
                "mp_client": os.path.join(args.c_dir, "client_server_mp/mp_client/build/mp_client"),
            },
        }
        # --swift-dir=c: the C samples in both slots, to check the harness itself (ratios ~1).
        self.swift_is_c = args.swift_dir == "c"
        if self.swift_is_c:
            self.bin["swift"] = self.bin["c"]

    # --- process groups -----------------------------------------------------------------

    def prefix(self):
        self.runs += 1
        p = f"bench_{self.pid}_{self.runs}"
        self.prefixes.append(p)
        return p

    def eal(self, prefix):
        return ["--no-pci", f"--file-prefix={prefix}"] + QUIET

    def start(self, impl, name, argv, env=None, label=None):
        if impl == "testpmd":
            cmd = ["stdbuf", "-oL", TESTPMD] + argv
        elif impl == "c" or self.swift_is_c:
            cmd = ["stdbuf", "-oL", self.bin[impl][name]] + argv
        else:
            cmd = [self.bin["swift"][name]] + argv
        p = Proc(cmd, label or f"{impl} {name}", env=env)
        self.procs.append(p)
        return p

    def cleanup(self):
        """Kills what we started, removes our namespaces, taps, hugepage files and runtime dirs."""
        for p in self.procs:
            p.kill()
        self.procs = []
        for ns in self.netns:
            pids = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True).stdout.split()
            for pid in pids:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        self.netns = []
        for tap in self.taps():
            if os.path.exists(f"/sys/class/net/{tap}"):
                subprocess.run(["ip", "link", "del", tap], capture_output=True)
        for pre in self.prefixes:
            subprocess.run(["rm", "-rf", f"/var/run/dpdk/{pre}"])
            for f in os.listdir("/dev/hugepages") if os.path.isdir("/dev/hugepages") else []:
                if f.startswith(pre + "map_"):
                    try:
                        os.remove(os.path.join("/dev/hugepages", f))
                    except OSError:
                        pass
        self.prefixes = []

    # --- the tap link ------------------------------------------------------------------------

    def taps(self):
        tag = self.pid % 100000
        return (f"bt{tag}a", f"bt{tag}b")

    def tap_vdevs(self):
        a, b = self.taps()
        return ["--vdev", f"net_tap0,iface={a}", "--vdev", f"net_tap1,iface={b}"]

    def attach_taps(self):
        a, b = self.taps()
        deadline = time.monotonic() + 15
        while not (os.path.exists(f"/sys/class/net/{a}") and os.path.exists(f"/sys/class/net/{b}")):
            if time.monotonic() > deadline:
                raise RuntimeError(f"taps {a}, {b} did not appear")
            time.sleep(0.05)
        for tap, ns, addr in ((a, f"bench_{self.pid}_a", ADDR_A), (b, f"bench_{self.pid}_b", ADDR_B)):
            self.netns.append(ns)
            for cmd in (["ip", "netns", "add", ns], ["ip", "link", "set", tap, "netns", ns],
                        ["ip", "netns", "exec", ns, "sysctl", "-qw", f"net.ipv6.conf.{tap}.disable_ipv6=1"],
                        ["ip", "-n", ns, "addr", "add", f"{addr}/24", "dev", tap],
                        ["ip", "-n", ns, "link", "set", "lo", "up"], ["ip", "-n", ns, "link", "set", tap, "up"]):
                subprocess.run(cmd, check=True, capture_output=True)
        return f"bench_{self.pid}_a", f"bench_{self.pid}_b"

    def traffic(self, cpu=None):
        """Ping RTT (us) and TCP throughput (Gbit/s) from A to B over the attached taps; ping and
        iperf3 pinned to `cpu` when given (the CPU the forwarder does not poll on)."""
        ns_a, ns_b = self.attach_taps()
        pin = ["taskset", "-c", str(cpu)] if cpu is not None else []
        # Warm-up: ARP, and the forwarder's first packets.
        subprocess.run(["ip", "netns", "exec", ns_a, "ping", "-n", "-c", "3", "-i", "0.05", "-W", "1", ADDR_B],
                       capture_output=True, timeout=20)
        out = subprocess.run(["ip", "netns", "exec", ns_a] + pin + ["ping", "-n", "-c", "200", "-i", "0.005",
                              "-W", "1", ADDR_B], capture_output=True, text=True, timeout=60).stdout
        times = [float(t) for t in re.findall(r"time=([\d.]+) ms", out)]
        loss = re.search(r"([\d.]+)% packet loss", out)
        if not times or not loss or float(loss.group(1)) != 0:
            raise RuntimeError(f"ping through the forwarder failed:\n{out[-2000:]}")
        rtt = statistics.median(times) * 1000  # the median: the mean follows the scheduler's outliers
        server = subprocess.Popen(["ip", "netns", "exec", ns_b] + pin + ["iperf3", "-s", "-1", "-B", ADDR_B, "--forceflush"],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 10
            for raw in server.stdout:
                if b"Server listening" in raw or time.monotonic() > deadline:
                    break
            secs = max(2, min(3, int(self.seconds)))
            r = subprocess.run(["ip", "netns", "exec", ns_a] + pin + ["iperf3", "-c", ADDR_B, "-t", str(secs), "-J"],
                               capture_output=True, text=True, timeout=secs + 30)
            j = json.loads(r.stdout)
            if j.get("error"):
                raise RuntimeError(f"iperf3: {j['error']}")
            gbps = j["end"]["sum_received"]["bits_per_second"] / 1e9
        finally:
            server.kill()
            server.wait()
        return rtt, gbps

    # --- scenarios: each returns its figure -------------------------------------------------

    def symmetric(self, impl, nprocs, vdevs, traffic=False):
        pre = self.prefix()
        lcores = [["-l", "1"]] if nprocs == 1 else [["-l", "0"], ["--lcores", "1@1"]]
        procs, starts = [], []
        for i in range(nprocs):
            auto = ["--proc-type=auto"] if nprocs > 1 else []
            p = self.start(impl, "symmetric_mp", lcores[i] + auto + self.eal(pre) + vdevs
                           + ["--", "-p", "3", "--num-procs", str(nprocs), "--proc-id", str(i)],
                           label=f"{impl} symmetric_mp {i}")
            # Forwarding starts right after this line (as scripts/bench-symmetric.sh measures).
            starts.append(p.wait_for(r"^lcore \d+ using queue \d+ of each port"))
            procs.append(p)
        if traffic:
            return self.traffic(cpu=0 if nprocs == 1 else None)
        time.sleep(self.seconds)
        rate = 0.0
        for p, t0 in reversed(list(zip(procs, starts))):  # secondaries first
            t1 = time.monotonic()
            p.stop()
            ports = {int(m.group(1)): int(m.group(2))
                     for m in re.finditer(r"Port (\d+): RX - \d+, TX - (\d+)", p.text())}
            if len(ports) < 2:
                raise RuntimeError(f"{p.name} printed no port statistics:\n{p.text()[-2000:]}")
            rate += sum(ports.values()) / (t1 - t0)  # packets sent on, per second
        return rate / 1e6

    def symmetric_null(self, impl, nprocs):
        """symmetric_mp on net_null, measured by scripts/bench/symmetric.py (the per-sample
        benchmark behind scripts/bench-symmetric.sh): the same scenarios, lcores and method, so
        the figures here and in docs/performance-symmetric.md are comparable."""
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import symmetric as smp
        word = "one process" if nprocs == 1 else "two processes"
        name = next(n for n in smp.SCENARIOS if n.startswith(word))
        return smp.run(self.bin[impl]["symmetric_mp"], smp.SCENARIOS[name], self.seconds) / 1e6

    def testpmd(self, vdevs, traffic=False, mode="io"):
        pre = self.prefix()
        p = self.start("testpmd", None, ["-l", "0-1"] + self.eal(pre) + vdevs
                       + ["--", f"--forward-mode={mode}", "--auto-start", "--stats-period", "1"], label="testpmd")
        t0 = p.wait_for(r"packet forwarding - ports=")
        if traffic:
            return self.traffic(cpu=0)
        time.sleep(self.seconds)
        t1 = time.monotonic()
        p.stop()
        m = re.search(r"Accumulated forward statistics.*?RX-packets:\s+(\d+)", p.text(), re.S)
        if not m:
            raise RuntimeError(f"testpmd printed no totals:\n{p.text()[-2000:]}")
        return int(m.group(1)) / (t1 - t0) / 1e6

    def client_server(self, impl, nclients, vdevs, traffic=False, server_args=(), client_args=()):
        """Server on CPU 0 (-l 0: RX only, no statistics lcore), clients on CPU 1. Throughput is
        what the clients forwarded: the ports' TX counters at both ends of a window that opens
        one second after the clients attached (scripts/bench-client-server.sh's method, its
        "whole window" figure)."""
        pre = self.prefix()
        server = self.start(impl, "mp_server", ["-l", "0"] + self.eal(pre) + vdevs
                            + ["--", "-p", "3", "-n", str(nclients)] + list(server_args), label=f"{impl} mp_server")
        server.wait_for(r"Finished Process Init")
        for i in range(nclients):
            c = self.start(impl, "mp_client", ["--lcores", f"{2 + i}@1", "--proc-type=secondary"] + self.eal(pre)
                           + ["--", "-n", str(i)] + list(client_args), label=f"{impl} mp_client {i}")
            c.wait_for(rf"Client process {i} handling packets")
        if traffic:
            return self.traffic()
        time.sleep(1.0)
        a, ta = port_counter(pre, "opackets")
        time.sleep(self.seconds)
        b, tb = port_counter(pre, "opackets")
        for p in reversed(self.procs):
            p.stop(signal.SIGTERM)
        return (b - a) / (tb - ta) / 1e6

    def figure(self, scenario, impl):
        """Runs one scenario with one implementation; returns its figure."""
        try:
            if scenario == "sym1" and impl == "testpmd":
                return self.testpmd(NULL_VDEVS)
            if scenario in ("sym1", "sym2"):
                return self.symmetric_null(impl, 1 if scenario == "sym1" else 2)
            if scenario in ("cs1", "cs2"):
                return self.client_server(impl, int(scenario[2]), NULL_VDEVS)
            if scenario.startswith("sym1_"):
                rtt, gbps = (self.testpmd(self.tap_vdevs(), traffic=True) if impl == "testpmd"
                             else self.symmetric(impl, 1, self.tap_vdevs(), traffic=True))
                return {"sym1_rtt": rtt, "sym1_tcp": gbps}
            if scenario.startswith("cs1_"):
                rtt, gbps = self.client_server(impl, 1, self.tap_vdevs(), traffic=True)
                return {"cs1_rtt": rtt, "cs1_tcp": gbps}
        finally:
            self.cleanup()
        raise ValueError(scenario)

    # --- allocation counts ---------------------------------------------------------------------

    def malloc_run(self):
        """Swift samples under the malloc counter: allocations per million packets, by thread."""
        lib = self.args.malloc_lib
        out_dir = os.path.join(ROOT, ".build", "bench")
        results = {}

        def env_for(tag):
            path = os.path.join(out_dir, f"malloc_{tag}.txt")
            env = dict(os.environ, LD_PRELOAD=lib, MALLOC_COUNT_FILE=path, MALLOC_COUNT_INTERVAL_MS="100")
            return env, path

        window = max(2.0, self.seconds)
        def count_symmetric(tag, label, extra):
            """symmetric_mp, one process on both CPUs with four ports, so that the main thread and
            a worker (rte-worker-1) each forward a pair."""
            try:
                pre = self.prefix()
                env, path = env_for(tag)
                four = NULL_VDEVS + ["--vdev", "net_null2", "--vdev", "net_null3"]
                p = self.start("swift", "symmetric_mp", ["-l", "0-1"] + self.eal(pre) + four
                               + ["--", "-p", "f", "--num-procs", "1", "--proc-id", "0"] + extra, env=env)
                t0 = p.wait_for(r"APP: Finished Process Init")
                time.sleep(1.0)
                t1 = time.monotonic()
                time.sleep(window)
                t2 = time.monotonic()
                p.stop()
                tend = time.monotonic()
                total = sum(int(m.group(1)) for m in re.finditer(r"Port \d+: RX - (\d+)", p.text()))
                results[label] = self.malloc_delta(path, p.p.pid, t1, t2, total / (tend - t0))
            except Exception as e:
                log(f"bench: malloc count of {label} failed: {str(e)[:600]}")
            finally:
                self.cleanup()

        # No periodic report: its text allocates.
        count_symmetric("symmetric_mp", "symmetric_mp", [])
        # Control: the same with --stats-period 0.2, whose report (text) the main lcore formats
        # between bursts: the counter must see those allocations on a datapath thread.
        count_symmetric("symmetric_mp_control", "symmetric_mp --stats-period 0.2 (control)", ["--stats-period", "0.2"])
        # mp_server (no statistics lcore: its screen is text and allocates, by design) + mp_client.
        try:
            pre = self.prefix()
            senv, spath = env_for("mp_server")
            cenv, cpath = env_for("mp_client")
            s = self.start("swift", "mp_server", ["-l", "0"] + self.eal(pre) + NULL_VDEVS + ["--", "-p", "3", "-n", "1"],
                           env=senv)
            ts0 = s.wait_for(r"Finished Process Init")
            c = self.start("swift", "mp_client", ["--lcores", "2@1", "--proc-type=secondary"] + self.eal(pre)
                           + ["--", "-n", "0"], env=cenv)
            tc0 = c.wait_for(r"Client process 0 handling packets")
            time.sleep(1.0)
            t1 = time.monotonic()
            time.sleep(window)
            t2 = time.monotonic()
            c.stop()
            tcend = time.monotonic()
            s.stop()
            tsend = time.monotonic()
            m = re.search(r"Client 0: rx (\d+), tx (\d+)", c.text())
            client_rx = int(m.group(1)) if m else 0
            server_rx = sum(int(x) for x in re.findall(r"Port \d+ - rx:\s+(\d+)", s.text().split("final statistics")[-1]))
            results["mp_server"] = self.malloc_delta(spath, s.p.pid, t1, t2, server_rx / (tsend - ts0))
            results["mp_client"] = self.malloc_delta(cpath, c.p.pid, t1, t2, client_rx / (tcend - tc0))
        except Exception as e:
            log(f"bench: malloc count of mp_server/mp_client failed: {str(e)[:600]}")
        finally:
            self.cleanup()
        return results

    @staticmethod
    def malloc_delta(path, pid, t1, t2, pps):
        """Per-thread heap calls between the reports nearest after t1 and before t2."""
        blocks, cur = [], None
        with open(path) as f:
            for line in f:
                parts = line.split()
                if parts and parts[0] == "T":
                    cur = (float(parts[1]), {})
                    blocks.append(cur)
                elif cur is not None and len(parts) == 7:
                    cur[1][int(parts[0])] = (parts[1], [int(x) for x in parts[2:]])
        a = next((b for b in blocks if b[0] >= t1), None)
        b = next((b for b in reversed(blocks) if b[0] <= t2), None)
        if a is None or b is None or b[0] <= a[0]:
            raise RuntimeError(f"{path}: no counter reports inside the window")
        dt = b[0] - a[0]
        packets = pps * dt
        threads, datapath, other = [], 0, 0
        for tid, (name, counts) in b[1].items():
            before = a[1].get(tid, (name, [0] * 5))[1]
            d = [x - y for x, y in zip(counts, before)]
            calls = d[0] + d[1] + d[2] + d[4]  # allocations: malloc, calloc, realloc, aligned
            is_datapath = tid == pid or name.startswith(("rte-worker", "lcore-worker"))
            threads.append({"tid": tid, "name": name, "datapath": is_datapath, "malloc": d[0], "calloc": d[1],
                            "realloc": d[2], "free": d[3], "aligned": d[4]})
            if is_datapath:
                datapath += calls
            else:
                other += calls
        whole_run = sum(c[0] + c[1] + c[2] + c[4] for _, c in blocks[-1][1].values())
        return {"seconds": dt, "packets": int(packets), "datapath_allocations": datapath,
                "whole_run_allocations": whole_run,  # start-up included: shows the counter counts
                "other_thread_allocations": other,
                "datapath_per_million_packets": datapath / (packets / 1e6) if packets else None,
                "threads": threads}


def busy_strangers(own_pid):
    """Other processes that look like busy-polling DPDK programs (they halve every figure)."""
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit() or int(d) == own_pid:
            continue
        try:
            with open(f"/proc/{d}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "--file-prefix" in cmd and f"bench_{own_pid}_" not in cmd:
            found.append(f"{d} {cmd[:140]}")
    return found


def median_ratio(s, c, better):
    pairs = [(a, b) for a, b in zip(s, c) if a and b]
    if not pairs:
        return None
    return statistics.median([(a / b) if better == "higher" else (b / a) for a, b in pairs])


def chart(results, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("bench: matplotlib missing: no chart")
        return
    names = [s for s in SCENARIOS if s[0] in results and results[s[0]]["ratio"] is not None]
    if not names:
        return
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(14, 5.5), gridspec_kw={"width_ratios": [1, 1.3]})
    labels = [n[1].replace(" (", "\n(") for n in names]
    ratios = [results[n[0]]["ratio"] for n in names]
    colors = ["#2a9d8f" if round(r, 2) >= 1.0 else "#e76f51" for r in ratios]
    ax1.barh(range(len(names)), ratios, color=colors)
    ax1.axvline(1.0, color="black", lw=1)
    ax1.set_yticks(range(len(names)), labels, fontsize=8)
    ax1.invert_yaxis()
    ax1.set_xlim(0, max(ratios + [1.0]) * 1.15)
    ax1.set_xlabel("Swift relative to C (median of paired ratios; >1 = Swift faster)")
    for i, r in enumerate(ratios):
        ax1.text(r, i, f" {r:.2f}x", va="center", fontsize=8)
    mpps = [s for s in names if s[2] == "Mpps"] or names
    x = range(len(mpps))
    w = 0.27
    ax2.bar([i - w for i in x], [results[s[0]]["swift"] or 0 for s in mpps], w, label="Swift", color="#f4a261")
    ax2.bar(list(x), [results[s[0]]["c"] or 0 for s in mpps], w, label="C", color="#264653")
    ax2.bar([i + w for i in x], [results[s[0]]["testpmd"] or 0 for s in mpps], w, label="testpmd", color="#8d99ae")
    ax2.set_xticks(list(x), [s[1].replace(" (net_null)", "").replace(", ", "\n").replace(" + ", "\n+ ") for s in mpps],
                   fontsize=8)
    ax2.set_ylabel(f"{mpps[0][2]} (median over rounds)")
    ax2.legend()
    fig.suptitle("DPDK multi-process samples: Swift vs C, same machine, same run")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    log(f"bench: chart written to {os.path.relpath(path, ROOT)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5, help="rounds; Swift and C alternate within each (default 5)")
    ap.add_argument("--seconds", type=float, default=4.0, help="measured window per run (default 4)")
    ap.add_argument("--only", default="", help="comma-separated scenarios: " + ",".join(s[0] for s in SCENARIOS))
    ap.add_argument("--no-malloc", action="store_true", help="skip the allocation count")
    ap.add_argument("--no-testpmd", action="store_true", help="skip the testpmd ceiling")
    ap.add_argument("--no-callgrind", action="store_true", help="skip the instruction counts (callgrind.py)")
    ap.add_argument("--swift-dir", default=os.path.join(ROOT, ".build/release"))
    ap.add_argument("--c-dir", default=os.path.join(ROOT, ".build/c-samples"))
    ap.add_argument("--malloc-lib", default=os.path.join(ROOT, ".build/bench/libmalloc_count.so"))
    ap.add_argument("--out", default=os.path.join(ROOT, "docs/bench"))
    args = ap.parse_args()

    wanted = [s for s in SCENARIOS if not args.only or s[0] in args.only.split(",")]
    # Tap scenarios produce two figures per run (RTT and TCP): run them once per pair.
    runs = []
    for s in wanted:
        key = s[0].rsplit("_", 1)[0] + "_tap" if s[0].endswith(("_tcp", "_rtt")) else s[0]
        if key not in [r[0] for r in runs]:
            runs.append((key, s[4]))

    bench = Bench(args)
    signal.signal(signal.SIGTERM, lambda *_: (bench.cleanup(), sys.exit(1)))
    strangers = busy_strangers(os.getpid())
    if strangers:
        log("bench: WARNING: other DPDK processes are running; they share the CPUs and lower every figure:")
        for s in strangers:
            log("  " + s)
    raw = {s[0]: {"swift": [], "c": [], "testpmd": []} for s in wanted}
    started = time.time()
    try:
        for r in range(args.rounds):
            order = ["swift", "c"] if r % 2 == 0 else ["c", "swift"]
            for key, has_testpmd in runs:
                impls = order + (["testpmd"] if has_testpmd and not args.no_testpmd else [])
                for impl in impls:
                    scenario = key.replace("_tap", "_tcp") if key.endswith("_tap") else key
                    try:
                        value = bench.figure(scenario, impl)
                    except Exception as e:  # one failed run must not lose the others
                        log(f"[round {r + 1}/{args.rounds}] {key:8s} {impl:7s} FAILED: {str(e)[:600]}")
                        value = None
                    if value is None:
                        value = {n: None for n in raw if n.startswith(key.replace("_tap", "_"))} if key.endswith("_tap") else {key: None}
                    values = value if isinstance(value, dict) else {key: value}
                    shown = []
                    for name, v in values.items():
                        if name in raw:
                            raw[name][impl].append(v)
                            unit = next(s[2] for s in SCENARIOS if s[0] == name)
                            shown.append("-" if v is None else f"{v:.2f} {unit}")
                    log(f"[round {r + 1}/{args.rounds}] {key:8s} {impl:7s} " + ", ".join(shown))
    finally:
        bench.cleanup()

    results = {}
    for name, title, unit, better, _ in wanted:
        d = raw[name]
        med = lambda xs: statistics.median([x for x in xs if x is not None]) if any(x is not None for x in xs) else None
        results[name] = {"title": title, "unit": unit, "better": better,
                         "swift": med(d["swift"]), "c": med(d["c"]), "testpmd": med(d["testpmd"]),
                         "ratio": median_ratio(d["swift"], d["c"], better),
                         "ratios": [(a / b if better == "higher" else b / a) for a, b in zip(d["swift"], d["c"]) if a and b],
                         "raw": d}

    malloc = None
    if not args.no_malloc:
        log("bench: counting heap calls in the Swift samples' datapath ...")
        try:
            malloc = bench.malloc_run()
        finally:
            bench.cleanup()

    callgrind = None
    if not args.no_callgrind and args.swift_dir != "c":
        log("bench: instructions per packet under callgrind (symmetric_mp, about a minute) ...")
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import callgrind as cg
        try:
            callgrind = cg.measure(args.swift_dir, args.c_dir, 15)
        except Exception as e:  # valgrind missing or failing must not lose the figures above
            log(f"bench: callgrind failed: {e}")

    # The table.
    fmt = lambda v: "-" if v is None else (f"{v:.1f}" if v >= 10 else f"{v:.2f}")
    log("")
    log(f"{'scenario':48s} {'unit':7s} {'Swift':>8s} {'C':>8s} {'ratio':>7s} {'testpmd':>8s}")
    for name, title, unit, _, _ in wanted:
        x = results[name]
        if x["swift"] is None and x["c"] is None:
            continue
        ratio = "-" if x["ratio"] is None else f"{x['ratio']:.2f}x"
        log(f"{title:48s} {unit:7s} {fmt(x['swift']):>8s} {fmt(x['c']):>8s} {ratio:>7s} {fmt(x['testpmd']):>8s}")
    log("ratio: median over rounds of Swift/C (RTT: C/Swift); above 1.00x Swift is faster.")
    if malloc:
        log("")
        log(f"{'heap allocations, Swift':44s} {'window':>7s} {'packets':>12s} {'datapath':>9s} {'per Mpkt':>9s}"
            f" {'other threads':>14s} {'whole run':>10s}")
        for k, v in malloc.items():
            log(f"{k:44s} {v['seconds']:6.1f}s {v['packets']:12d} {v['datapath_allocations']:9d} "
                f"{(v['datapath_per_million_packets'] or 0):9.3f} {v['other_thread_allocations']:14d}"
                f" {v['whole_run_allocations']:10d}")
        log("datapath: the main thread and rte-worker-N threads, between two instants of steady forwarding;"
            " whole run: every thread, start-up included.")
    if callgrind:
        log("")
        cg.report(callgrind)
    if strangers:
        log("WARNING: other DPDK processes ran during the benchmark (see above).")

    os.makedirs(args.out, exist_ok=True)
    doc = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "command": " ".join(["bash scripts/bench.sh"] + sys.argv[1:]),
           "machine": {"cpus": os.cpu_count(), "kernel": platform.release(), "cpu": cpu_model()},
           "rounds": args.rounds, "seconds": args.seconds, "duration_s": round(time.time() - started),
           "other_dpdk_processes": strangers, "results": results, "malloc": malloc,
           "callgrind_symmetric_mp": callgrind}
    with open(os.path.join(args.out, "latest.json"), "w") as f:
        json.dump(doc, f, indent=1)
    log(f"bench: results written to {os.path.relpath(os.path.join(args.out, 'latest.json'), ROOT)}")
    with open(os.path.join(args.out, "latest.md"), "w") as f:
        f.write(markdown(doc))
    chart(results, os.path.join(args.out, "latest.png"))


def markdown(doc):
    """The tables of docs/performance.md, from one run's JSON."""
    fmt = lambda v: "–" if v is None else (f"{v:.1f}" if v >= 10 else f"{v:.2f}")
    out = [f"Run {doc['date']}, `{doc['command']}`: {doc['rounds']} rounds, {doc['seconds']:g} s windows, "
           f"{doc['machine']['cpus']} CPUs ({doc['machine']['cpu']}).", ""]
    if doc["other_dpdk_processes"]:
        out += [f"{len(doc['other_dpdk_processes'])} other DPDK processes were running on the machine meanwhile "
                "(other engineers' tests): absolute figures are low and noisy; the paired ratios are what counts.", ""]
    out += ["| scenario | unit | Swift | C | Swift vs C | per-round ratios | testpmd |", "|---|---|---:|---:|---:|---|---:|"]
    for name, r in doc["results"].items():
        if r["swift"] is None and r["c"] is None:
            continue
        ratio = "–" if r["ratio"] is None else f"**{r['ratio']:.2f}x**"
        rounds = " ".join(f"{x:.2f}" for x in r["ratios"])
        out.append(f"| {r['title']} | {r['unit']} | {fmt(r['swift'])} | {fmt(r['c'])} | {ratio} | {rounds} | {fmt(r['testpmd'])} |")
    out += ["", "Swift and C: medians over the rounds. Swift vs C: the median of the per-round ratios Swift/C "
            "(for RTT C/Swift), so above 1.00x Swift is faster.", ""]
    if doc.get("malloc"):
        out += ["| Swift process | window | packets | datapath allocations | per million packets | other threads | whole run (start-up incl.) |",
                "|---|---:|---:|---:|---:|---:|---:|"]
        for k, v in doc["malloc"].items():
            per = v["datapath_per_million_packets"]
            out.append(f"| {k} | {v['seconds']:.1f} s | {v['packets']:,} | {v['datapath_allocations']} | "
                       f"{'–' if per is None else f'{per:.3f}'} | {v['other_thread_allocations']} | {v['whole_run_allocations']:,} |")
        out.append("")
    cg = doc.get("callgrind_symmetric_mp")
    if cg:
        out += ["| symmetric_mp, instructions per packet (callgrind) | C | Swift |", "|---|---:|---:|"]
        for key, label in (("loop_per_packet", "forwarding loop, all (PMD and mempool included)"),
                           ("own_per_packet", "the sample's own code"), ("pmd_per_packet", "net_null driver")):
            out.append(f"| {label} | {cg['c'][key]:.1f} | {cg['swift'][key]:.1f} |")
        out.append("")
    return "\n".join(out)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


if __name__ == "__main__":
    main()
