#!/usr/bin/env python3
"""Paired A/B of two mp_server builds (or pool ops) with 1 and 3 clients sharing CPU 1 (not CI).

Each pair runs A and B back to back (order alternating), each run between two core_latency
probes; only pairs whose two runs had the same placement (both near or both far, see
reliability.py) count, since the two placements are 4x apart. Sides are DIR or DIR:OPS (DIR
holds mp_server and mp_client; OPS is given as --pool-ops). Takes /tmp/dpdk.lock per pair.

    python3 scripts/bench/server_ab.py --a /tmp/base --b /tmp/new [--rounds 8] [--seconds 1]
    python3 scripts/bench/server_ab.py --summary FILE.json      # the table again from a saved run
"""
import argparse
import json
import os
import statistics as st
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reliability as R  # noqa: E402


class Side:
    def __init__(self, spec):
        d, _, ops = spec.partition(":")
        self.ops = ops or None
        self.server = {"swift": os.path.join(d, "mp_server")}
        self.client = {"swift": os.path.join(d, "mp_client")}


def summary(res):
    print("| placement | clients | pairs | A Mpps (median) | B Mpps (median) | B/A per pair (median, min-max) |")
    print("|---|---|---|---|---|---|")
    med = {}
    for pl in ("near", "far"):
        for n in sorted({x["n"] for x in res}):
            ps = [x for x in res if x["n"] == n and x["A"]["pl"] == pl and x["B"]["pl"] == pl]
            if not ps:
                continue
            a = [x["A"]["rate"] / 1e6 for x in ps]
            b = [x["B"]["rate"] / 1e6 for x in ps]
            q = [y / x for x, y in zip(a, b)]
            med[(pl, n)] = (st.median(a), st.median(b))
            print(f"| {pl} | {n} | {len(ps)} | {st.median(a):.1f} | {st.median(b):.1f} "
                  f"| {st.median(q):.2f} ({min(q):.2f}-{max(q):.2f}) |")
    for pl in ("near", "far"):
        if (pl, 1) in med and (pl, 3) in med:
            print(f"3/1 {pl}: A {med[(pl, 3)][0] / med[(pl, 1)][0]:.2f}  B {med[(pl, 3)][1] / med[(pl, 1)][1]:.2f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--a", help="DIR[:OPS]")
    ap.add_argument("--b", help="DIR[:OPS]")
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--ns", default="1,3", help="client counts")
    ap.add_argument("--out", default="/tmp/server_ab.json")
    ap.add_argument("--summary", metavar="FILE", nargs="+", help="print the table of saved runs")
    args = ap.parse_args()
    if args.summary:
        summary([x for f in args.summary for x in json.load(open(f))])
        return
    if not (args.a and args.b):
        ap.error("--a and --b are required")
    # Both sides' binaries live outside the build folder: no stdbuf for them (Swift line-buffers).
    R.SWIFT_DIR = "/"
    sides = {"A": Side(args.a), "B": Side(args.b)}
    res = []
    for r in range(args.rounds):
        for n in [int(x) for x in args.ns.split(",")]:
            order = ["A", "B"] if (r + n) % 2 == 0 else ["B", "A"]
            pair = {}
            with R.dpdk_lock(True):
                for k in order:
                    rate, pl, before, after = R.placed_rate(sides[k], "swift", "swift", n, args.seconds, sides[k].ops)
                    pair[k] = dict(rate=rate, pl=pl, before=before, after=after, rx=R.SERVER_RX[-1][-1])
            res.append(dict(round=r, n=n, order=order, **pair))
            print(f"r{r} n={n} " + "  ".join(
                f"{k}: {pair[k]['rate'] / 1e6:5.1f} Mpps (server rx {pair[k]['rx'] / 1e6:5.1f}) {pair[k]['pl']} "
                f"{pair[k]['before']:.0f}/{pair[k]['after']:.0f} ns" for k in order), flush=True)
            with open(args.out, "w") as f:
                json.dump(res, f, indent=1)
    summary(res)


if __name__ == "__main__":
    sys.exit(main())
