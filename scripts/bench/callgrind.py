#!/usr/bin/env python3
"""Where the time goes, deterministically: instructions per forwarded packet, Swift vs C.

    python3 scripts/bench/callgrind.py [--seconds S] [--swift-dir DIR] [--c-dir DIR]
    python3 scripts/bench/callgrind.py --engines | --server [--seconds S]

(--engines: symmetric_mp's loop per --fwd engine; --server: mp_server's loop per --distribution,
one client, none attached.)

Runs symmetric_mp (one process, -l 1, two net_null ports, --no-huge: single process) under
valgrind --tool=callgrind for S seconds (default 20; valgrind runs ~50x slower), then divides
instruction counts by the packets the program says it sent on:

  loop      everything executed inside the forwarding loop (C lcore_main, Swift Forwarder.run),
            the PMD's rx/tx and the mempool included;
  own code  instructions in the sample's own executable only (its loop, counters, MPCore's
            inlined wrappers): what Swift vs C changes;
  pmd       instructions in the net_null driver.

Instruction counts do not depend on the machine's load, unlike the timings in run.py. The machine
has no hardware counters (no perf), so cycles and cache misses are not measured.
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


SYM_APP = ["-p", "3", "--num-procs", "1", "--proc-id", "0"]


def run(binary, loop_pattern, seconds, out_dir, tag, lcores=("-l", "1"), app=SYM_APP, stats=r"Port \d+: RX - \d+, TX - (\d+)"):
    out = os.path.join(out_dir, f"callgrind.{tag}.out")
    prefix = f"bench_cg_{os.getpid()}_{tag}"
    argv = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", binary] + list(lcores) + ["--no-huge",
            "-m", "1024", "--no-pci", f"--file-prefix={prefix}", "--log-level=lib.eal:error",
            "--vdev", "net_null0", "--vdev", "net_null1", "--"] + list(app)
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        time.sleep(seconds)
        p.send_signal(signal.SIGINT)
        text = p.communicate(timeout=120)[0].decode(errors="replace")
    finally:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
        shutil.rmtree(f"/var/run/dpdk/{prefix}", ignore_errors=True)
    printed = sum(int(m.group(1)) for m in re.finditer(stats, text))
    if not printed:
        raise RuntimeError(f"{binary}: no statistics:\n{text[-2000:]}")
    # The packet count comes from the profile itself: calls from the loop to net_null's rx
    # function, 32 packets each (net_null always fills the burst). The C sample's printed
    # counters cannot be used: it prints them from its signal handler, which under valgrind
    # runs long before the process stops counting instructions.
    bursts = rx_bursts(out, loop_pattern)
    packets = bursts * 32

    def annotate(inclusive):
        return subprocess.run(["callgrind_annotate", "--auto=no", f"--inclusive={'yes' if inclusive else 'no'}", "--threshold=100", out],
                              capture_output=True, text=True).stdout

    line_rx = re.compile(r"^\s*([\d,]+) \([^)]*\)\s+(.*)$")

    def rows(text):
        for line in text.splitlines():
            m = line_rx.match(line)
            if m:
                yield int(m.group(1).replace(",", "")), m.group(2)

    loop = max((ir for ir, fn in rows(annotate(True))
                if re.search(loop_pattern, fn.split(":", 1)[-1])), default=0)
    own = pmd = 0
    exe = os.path.realpath(binary)
    for ir, fn in rows(annotate(False)):
        where = fn.rsplit("[", 1)[-1].rstrip("]") if fn.endswith("]") else ""
        if where and os.path.realpath(where) == exe or (not where and ".swift:" in fn) or (not where and "rte_" in fn and ".h:" in fn):
            own += ir  # the executable, and DPDK inline functions compiled into it
        elif "librte_net_null" in fn:
            pmd += ir
    return {"packets": packets, "rx_bursts": bursts, "printed_tx": printed, "loop_ir": loop, "own_ir": own, "pmd_ir": pmd,
            "loop_per_packet": loop / packets, "own_per_packet": own / packets, "pmd_per_packet": pmd / packets,
            "profile": os.path.relpath(out, ROOT)}


def rx_bursts(path, loop_pattern):
    """Calls from the forwarding loop to the net_null function it spends most in (its rx)."""
    names, objs = {}, {}
    fn = ob = cob = cfn = None
    callees = {}  # callee id -> [calls, inclusive Ir, object]
    pending = None
    with open(path) as f:
        for line in f:
            if pending is not None:
                parts = line.split()
                if len(parts) >= 2 and pending[0]:
                    c = callees.setdefault(pending[1], [0, 0, pending[2]])
                    c[0] += pending[3]
                    c[1] += int(parts[1])
                pending = None
                continue
            m = re.match(r"^(fn|cfn|ob|cob|fl|fi|fe|cfi|cfl)=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
            if m:
                kind, ident, name = m.group(1), int(m.group(2)), m.group(3)
                table = objs if kind in ("ob", "cob") else names if kind in ("fn", "cfn") else None
                if table is not None and name is not None:
                    table[ident] = name
                if kind == "fn":
                    fn, cob = ident, None
                elif kind == "ob":
                    ob = ident
                elif kind == "cob":
                    cob = ident
                elif kind == "cfn":
                    cfn = ident
                continue
            if line.startswith("calls="):
                in_loop = fn is not None and re.search(loop_pattern, names.get(fn, "") + " [") is not None
                callee_obj = objs.get(cob if cob is not None else ob, "")
                pending = (in_loop, cfn, callee_obj, int(line.split("=")[1].split()[0]))
                cob = None
    pmd = [(v[1], v[0]) for k, v in callees.items() if "librte_net_null" in v[2]]
    if not pmd:
        raise RuntimeError(f"{path}: the loop /{loop_pattern}/ calls no net_null function")
    return max(pmd)[1]


def measure(swift_dir, c_dir, seconds):
    if not shutil.which("valgrind"):
        raise RuntimeError("valgrind missing: apt-get install valgrind")
    out_dir = os.path.join(ROOT, ".build", "bench")
    os.makedirs(out_dir, exist_ok=True)
    # Valgrind 3.19 gives up on the DWARF 5 forms some of the Swift build's units carry: profile
    # a copy without debug sections (the symbol table, hence function names, stays).
    swift = os.path.join(out_dir, "symmetric_mp.nodebug")
    subprocess.run(["objcopy", "--strip-debug", os.path.join(swift_dir, "symmetric_mp"), swift], check=True)
    return {
        "c": run(os.path.join(c_dir, "symmetric_mp/build/symmetric_mp"), r"^lcore_main\b", seconds, out_dir, "c"),
        "swift": run(swift, r"ForwarderV3run", seconds, out_dir, "swift"),
    }


def report(r):
    print(f"{'symmetric_mp, instructions per packet':40s} {'C':>8s} {'Swift':>8s}")
    for key, label in (("loop_per_packet", "forwarding loop (all)"), ("own_per_packet", "own code"),
                       ("pmd_per_packet", "net_null driver")):
        print(f"{label:40s} {r['c'][key]:8.1f} {r['swift'][key]:8.1f}")
    print(f"{'packets (rx bursts x 32, under valgrind)':40s} {r['c']['packets']:8d} {r['swift']['packets']:8d}")


def variants(swift_dir, seconds, which):
    """--engines: symmetric_mp --fwd io|macswap|5tswap; --server: mp_server (one client, none
    attached: every packet dropped) --distribution round-robin|flow. Instructions per packet of
    the forwarding loop, everything it calls included."""
    out_dir = os.path.join(ROOT, ".build", "bench")
    os.makedirs(out_dir, exist_ok=True)
    name = "symmetric_mp" if which == "engines" else "mp_server"
    binary = os.path.join(out_dir, name + ".nodebug")
    subprocess.run(["objcopy", "--strip-debug", os.path.join(swift_dir, name), binary], check=True)
    rows = {}
    if which == "engines":
        for mode in ("io", "macswap", "5tswap"):
            rows[mode] = run(binary, r"ForwarderV3run", seconds, out_dir, f"sym_{mode}", app=SYM_APP + ["--fwd", mode])
    else:
        for dist in ("round-robin", "flow"):
            rows[dist] = run(binary, r"ForwarderV3run", seconds, out_dir, f"server_{dist}", lcores=("-l", "0"),
                             app=["-p", "3", "-n", "1", "--distribution", dist], stats=r"Port \d+ - rx:\s+(\d+)")
    print(f"{name}, instructions per packet (callgrind, {seconds:.0f} s each)")
    print(f"{'variant':14s} {'loop (all)':>10s} {'own code':>9s} {'net_null':>9s} {'packets':>10s}")
    for k, r in rows.items():
        print(f"{k:14s} {r['loop_per_packet']:10.1f} {r['own_per_packet']:9.1f} {r['pmd_per_packet']:9.1f} {r['packets']:10d}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--engines", action="store_true", help="symmetric_mp's forwarding engines instead of Swift vs C")
    ap.add_argument("--server", action="store_true", help="mp_server's distributions instead of Swift vs C")
    ap.add_argument("--swift-dir", default=os.path.join(ROOT, ".build/release"))
    ap.add_argument("--c-dir", default=os.path.join(ROOT, ".build/c-samples"))
    args = ap.parse_args()
    if args.engines or args.server:
        return variants(args.swift_dir, args.seconds, "engines" if args.engines else "server")
    report(measure(args.swift_dir, args.c_dir, args.seconds))


if __name__ == "__main__":
    sys.exit(main())
