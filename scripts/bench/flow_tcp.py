#!/usr/bin/env python3
"""TCP through mp_server and two clients on net_tap: round-robin against flow affinity.

    python3 scripts/bench/flow_tcp.py [--rounds N] [--seconds S] [--streams P]

Issue 9's real-traffic comparison. Per round and per distribution (the order alternates), a
Swift mp_server (`-l 0`, `-n 2`, `--distribution D`) and two Swift clients (`--lcores 2@1`,
`3@1`) forward between two network namespaces joined by the server's two net_tap ports
(scripts/bench/run.py's tap link); iperf3 sends P parallel TCP streams from A to B for S
seconds. Reported per run: throughput (the receiver's), the sender's retransmissions, and the
receiver's out-of-order counters from `nstat` in B (TcpExtTCPOFOQueue: segments queued out of
order; TcpExtTCPSACKReorder / TcpExtTCPTSReorder: reordering the sender saw). Round-robin splits
every connection over the two clients, which reorders it; flow affinity keeps each on one.
Needs root, iperf3 and nstat (iproute2); takes /tmp/dpdk.lock per run.
"""
import argparse
import fcntl
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as benchmod  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
COUNTERS = ["TcpExtTCPOFOQueue", "TcpExtTCPSACKReorder", "TcpExtTCPTSReorder", "TcpRetransSegs"]


def nstat(ns):
    out = subprocess.run(["ip", "netns", "exec", ns, "nstat", "-az", "--json"], capture_output=True, text=True).stdout
    data = json.loads(out)
    flat = {}
    for table in data.values():
        flat.update(table)
    return {k: int(flat.get(k, 0)) for k in COUNTERS}


def one_run(bench, distribution, seconds, streams):
    pre = bench.prefix()
    server = bench.start("swift", "mp_server", ["-l", "0"] + bench.eal(pre) + bench.tap_vdevs()
                         + ["--", "-p", "3", "-n", "2", "--distribution", distribution], label="mp_server")
    server.wait_for(r"Finished Process Init")
    for i in range(2):
        c = bench.start("swift", "mp_client", ["--lcores", f"{2 + i}@1", "--proc-type=secondary"] + bench.eal(pre)
                        + ["--", "-n", str(i)], label=f"mp_client {i}")
        c.wait_for(rf"Client process {i} handling packets")
    ns_a, ns_b = bench.attach_taps()
    subprocess.run(["ip", "netns", "exec", ns_a, "ping", "-n", "-c", "3", "-i", "0.05", "-W", "1", benchmod.ADDR_B],
                   capture_output=True, timeout=20)
    before = nstat(ns_b)
    srv = subprocess.Popen(["ip", "netns", "exec", ns_b, "iperf3", "-s", "-1", "-B", benchmod.ADDR_B, "--forceflush"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for raw in srv.stdout:
            if b"Server listening" in raw:
                break
        r = subprocess.run(["ip", "netns", "exec", ns_a, "iperf3", "-c", benchmod.ADDR_B, "-t", str(seconds),
                            "-P", str(streams), "-J"], capture_output=True, text=True, timeout=seconds + 30)
        j = json.loads(r.stdout)
        if j.get("error"):
            raise RuntimeError(f"iperf3: {j['error']}")
    finally:
        srv.kill()
        srv.wait()
    after = nstat(ns_b)
    bench.cleanup()
    delta = {k: after[k] - before[k] for k in COUNTERS}
    return {"gbps": j["end"]["sum_received"]["bits_per_second"] / 1e9,
            "retransmits": j["end"]["sum_sent"].get("retransmits", 0), **delta}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=4)
    ap.add_argument("--streams", type=int, default=4)
    args = ap.parse_args()
    bench = benchmod.Bench(argparse.Namespace(seconds=args.seconds, swift_dir=os.path.join(ROOT, ".build", "release"),
                                              c_dir=os.path.join(ROOT, ".build", "c-samples")))
    results = {"round-robin": [], "flow": []}
    try:
        for r in range(args.rounds):
            order = ["round-robin", "flow"] if r % 2 == 0 else ["flow", "round-robin"]
            for d in order:
                with open("/tmp/dpdk.lock", "w") as lock:
                    fcntl.flock(lock, fcntl.LOCK_EX)
                    res = one_run(bench, d, args.seconds, args.streams)
                results[d].append(res)
                print(f"round {r + 1} {d:11}: {res['gbps']:6.2f} Gbit/s, retransmits {res['retransmits']:6}, "
                      + ", ".join(f"{k} {res[k]}" for k in COUNTERS if k != "TcpRetransSegs"), flush=True)
    finally:
        bench.cleanup()
    print(f"medians over {args.rounds} rounds, iperf3 -P {args.streams} -t {args.seconds}:")
    for d, runs in results.items():
        med = {k: statistics.median(x[k] for x in runs) for k in ["gbps", "retransmits"] + COUNTERS[:3]}
        print(f"  {d:11}: {med['gbps']:.2f} Gbit/s, retransmits {med['retransmits']:.0f}, "
              + ", ".join(f"{k} {med[k]:.0f}" for k in COUNTERS[:3]))


if __name__ == "__main__":
    main()
