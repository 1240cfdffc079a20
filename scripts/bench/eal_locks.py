#!/usr/bin/env python3
"""Which EAL shared locks does a client (a DPDK 22.11 secondary) leave held when it is killed
during start-up? An experiment, not CI (docs/reliability.md, "Kills during start-up").

Starts mp_server (release build) on two net_null ports, then starts mp_client again and again and
SIGKILLs it after a delay that sweeps the start-up (--from/--to/--step milliseconds). After each
kill it reads the lock words at the head of the group's shared memory config
(/var/run/dpdk/<prefix>/config, struct rte_mem_config of DPDK 22.11: magic, version, nchannel,
nrank, then mlock, qlock, mplock, tlock, memory_hotplug_lock, all 32-bit) and prints every word
that is not 0. With --probe it also checks after each kill that a fresh client starts and
forwards within 5 s. Run under the DPDK lock:

    flock /tmp/dpdk.lock python3 scripts/bench/eal_locks.py --from 0 --to 300 --step 5 [--probe]
"""
import argparse, mmap, random, os, re, signal, struct, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, ".build", "release")
RTE_MAGIC = 19820526
NAMES = ["mlock", "qlock", "mplock", "tlock", "memory_hotplug_lock"]


def words(prefix):
    with open(f"/var/run/dpdk/{prefix}/config", "rb") as f:
        m = mmap.mmap(f.fileno(), 4096, prot=mmap.PROT_READ)
        magic, version, _, _, *locks = struct.unpack_from("<IIII5i", m, 0)
        m.close()
    assert magic == RTE_MAGIC, f"magic {magic:#x}"
    return dict(zip(NAMES, locks))


def decode(v):
    return f"{v} (readers {v >> 2}{', WRITE' if v & 2 else ''}{', WAIT' if v & 1 else ''})"


def start(argv, log):
    return subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def wait_line(path, pattern, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with open(path, errors="replace") as f:
            if re.search(pattern, f.read()):
                return True
        time.sleep(0.01)
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--from", dest="lo", type=int, default=0)
    ap.add_argument("--to", dest="hi", type=int, default=300)
    ap.add_argument("--step", type=int, default=5)
    ap.add_argument("--random", type=int, default=0, metavar="N", help="N kills at uniformly random delays in [from, to] instead of the sweep")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--probe", action="store_true", help="after each kill, check that a fresh client forwards within 5 s")
    ap.add_argument("--server-args", default="", help="extra mp_server application options, e.g. --reclaim")
    a = ap.parse_args()
    prefix = f"eal_locks_{os.getpid()}"
    eal = ["--no-pci", f"--file-prefix={prefix}", "--log-level=lib.eal:error"]
    null = ["--vdev", "net_null0", "--vdev", "net_null1"]
    os.makedirs("/tmp/eal_locks", exist_ok=True)
    slog = open(f"/tmp/eal_locks/server-{prefix}.log", "w")
    server = start([f"{BIN}/mp_server", "-l", "0"] + eal + null + ["--", "-p", "3", "-n", "2"] + a.server_args.split(), slog)
    stuck = 0
    try:
        if not wait_line(slog.name, "Finished Process Init", 30):
            sys.exit("server did not start")
        print("at start:", {k: v for k, v in words(prefix).items() if v})
        rng = random.Random(a.seed)
        delays = ([rng.randint(a.lo, a.hi) for _ in range(a.random)] if a.random
                  else range(a.lo, a.hi + 1, a.step))
        for delay in delays:
            clog = f"/tmp/eal_locks/victim-{prefix}.log"
            with open(clog, "w") as f:
                t0 = time.monotonic()
                victim = start([f"{BIN}/mp_client", "--lcores", "3@1", "--proc-type=secondary"] + eal + ["--", "-n", "1"], f)
                time.sleep(max(0, delay / 1000 - (time.monotonic() - t0)))
                victim.send_signal(signal.SIGKILL)
                victim.wait()
            with open(clog, errors="replace") as f:
                text = f.read()
            phase = ("forwarding" if "handling packets" in text else
                     "after EAL init" if "Finished Process Init" in text or "APP:" in text else "in EAL init")
            time.sleep(0.05)
            w = {k: v for k, v in words(prefix).items() if v}
            line = f"kill at {delay:4d} ms ({phase:14s}): " + (", ".join(f"{k}={decode(v)}" for k, v in w.items()) or "all free")
            if a.probe:
                with open(clog, "w") as f:
                    fresh = start([f"{BIN}/mp_client", "--lcores", "2@1", "--proc-type=secondary"] + eal + ["--", "-n", "0"], f)
                    ok = wait_line(clog, "handling packets", 5)
                    fresh.send_signal(signal.SIGKILL if not ok else signal.SIGINT)
                    try:
                        fresh.wait(5)
                    except subprocess.TimeoutExpired:
                        fresh.kill(); fresh.wait()
                line += "; fresh client " + ("forwards" if ok else "DID NOT START within 5 s")
                if not ok:
                    stuck += 1
                    w = {k: v for k, v in words(prefix).items() if v}
                    with open(clog, errors="replace") as f:
                        tail = f.read().strip().splitlines()[-3:]
                    line += ("\n    locks while it waited: " + (", ".join(f"{k}={decode(v)}" for k, v in w.items()) or "all free")
                             + "\n    its last lines: " + " | ".join(tail))
            print(line, flush=True)
            if stuck >= 2:
                print("two fresh clients failed: stopping the sweep")
                break
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill(); server.wait()
        subprocess.run(["rm", "-rf", f"/var/run/dpdk/{prefix}"])
        for f in os.listdir("/dev/hugepages"):
            if f.startswith(prefix):
                os.remove(os.path.join("/dev/hugepages", f))


if __name__ == "__main__":
    main()
