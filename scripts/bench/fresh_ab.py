#!/usr/bin/env python3
"""Side questions of the chaos run's fresh-client measurement (not CI), with its method
(reliability.fresh_rounds: alternating windows, core_latency probes, CPU shares).

    python3 scripts/bench/fresh_ab.py ids    [--rounds 4]   # one server: fresh client id 0 / 1 on lcore 2 / 3
    python3 scripts/bench/fresh_ab.py vacant [--rounds 6]   # fresh client 1: id 0 never claimed vs vacant

Servers `-l 0-1 ... -- -p 3 -n 2 --reclaim` on two net_null ports, as in the chaos run. Takes
/tmp/dpdk.lock for the whole run. Rounds are saved to /tmp/fresh_ab_<what>.json.
"""
import argparse
import json
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reliability as R  # noqa: E402


class Bins:
    def __init__(self, d):
        self.server = {"swift": os.path.join(d, "mp_server")}
        self.client = {"swift": os.path.join(d, "mp_client")}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=["ids", "vacant"])
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--swift-dir", default=os.path.join(R.ROOT, ".build", "release"))
    args = ap.parse_args()
    R.SWIFT_DIR = os.path.abspath(args.swift_dir)
    bins, failures, app = Bins(R.SWIFT_DIR), [], ["--reclaim"]
    with R.dpdk_lock(True), R.Group() as g, R.Group() as h:
        s1 = g.server(bins, "swift", 2, lcores=("-l", "0-1"), extra_app=app)
        if args.what == "ids":
            sides = [("id0@2", g, s1, 0, "2@1"), ("id1@3", g, s1, 1, "3@1"),
                     ("id0@3", g, s1, 0, "3@1"), ("id1@2", g, s1, 1, "2@1")]
        else:
            s1.send(signal.SIGSTOP)
            s2 = h.server(bins, "swift", 2, lcores=("-l", "0-1"), extra_app=app)
            once = h.client(bins, "swift", 0, "2@1")
            pid = once.p.pid
            once.stop(signal.SIGTERM)
            h.procs.remove(once)
            s2.wait_for(rf"client 0: exited \(pid {pid}\)", timeout=5)
            sides = [("id 0 never claimed", g, s1, 1, "3@1"), ("id 0 vacant", h, s2, 1, "3@1")]
        rounds = R.fresh_rounds(args, bins, sides, failures, args.what, args.rounds, args.rounds, 0)
    with open(f"/tmp/fresh_ab_{args.what}.json", "w") as f:
        json.dump(rounds, f, indent=1, default=str)
    for f in failures:
        print(f"a client did not start: {f['summary']}")


if __name__ == "__main__":
    sys.exit(main())
