#!/usr/bin/env python3
"""How long after its server exits does mp_client say that the server has gone?

Runs mp_server (-l 0, two net_null ports, one client) and one mp_client (--lcores 2@1), lets
the client forward for a second, then ends the server (SIGKILL and SIGINT alternately), and
measures from the moment the server has been reaped to the client's "has exited" line and to
the client's exit (status 2). Not part of CI; the figures are in README.md and docs/design.md.

    swift build            # or -c release, with --config release
    flock /tmp/dpdk.lock python3 scripts/bench/server_gone.py [--runs 20] [--config debug]
"""
import argparse, glob, os, select, shutil, signal, subprocess, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def wait_text(p, buf, text, seconds):
    """Polls the process's output for `text` until a deadline; returns the time it appeared."""
    fd, end = p.stdout.fileno(), time.monotonic() + seconds
    while time.monotonic() < end:
        if text in buf[0]:
            buf[0] = buf[0].split(text, 1)[1]
            return time.monotonic()
        if select.select([fd], [], [], 0.05)[0]:
            chunk = os.read(fd, 65536).decode(errors="replace")
            if chunk == "" and p.poll() is not None:
                break
            buf[0] += chunk
    raise RuntimeError(f"no '{text}' within {seconds} s; output:\n{buf[0][-1500:]}")


def one_run(binaries, trial, sig):
    prefix = f"srvgone_{os.getpid()}_{trial}"
    eal = ["--no-pci", f"--file-prefix={prefix}", "--log-level=lib.eal:error"]
    procs = []
    try:
        server = subprocess.Popen([f"{binaries}/mp_server", "-l", "0"] + eal +
                                  ["--vdev", "net_null0", "--vdev", "net_null1", "--", "-p", "3", "-n", "1"],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        procs.append(server)
        wait_text(server, [""], "Finished Process Init.", 30)
        client = subprocess.Popen([f"{binaries}/mp_client", "--lcores", "2@1", "--proc-type=secondary"] + eal +
                                  ["--", "-n", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        procs.append(client)
        out = [""]
        wait_text(client, out, "handling packets", 30)
        time.sleep(1.0)
        server.send_signal(sig)
        server.wait(timeout=10)
        gone = time.monotonic()
        noticed = wait_text(client, out, "has exited", 10)
        status = client.wait(timeout=10)
        return (noticed - gone) * 1000, (time.monotonic() - gone) * 1000, status
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(f"/var/run/dpdk/{prefix}", ignore_errors=True)
        for f in glob.glob(f"/dev/hugepages/{prefix}*"):
            os.unlink(f)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--config", default="debug", choices=["debug", "release"])
    args = ap.parse_args()
    binaries = os.path.join(ROOT, ".build", args.config)
    noticed = []
    for i in range(args.runs):
        sig = signal.SIGKILL if i % 2 == 0 else signal.SIGINT
        n, e, status = one_run(binaries, i, sig)
        print(f"server {sig.name}: client noticed after {n:.0f} ms, exited after {e:.0f} ms, status {status}", flush=True)
        noticed.append(n)
    noticed.sort()
    print(f"noticed: min {noticed[0]:.0f} ms, median {noticed[len(noticed) // 2]:.0f} ms, max {noticed[-1]:.0f} ms "
          f"over {len(noticed)} runs")


if __name__ == "__main__":
    main()
