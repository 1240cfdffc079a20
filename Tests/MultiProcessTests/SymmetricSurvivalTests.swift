import Foundation
import Testing

extension MultiProcess.SymmetricMP {
    /// A secondary killed at random instants of its forwarding, again and again, while the primary forwards: the
    /// primary never stalls (each proc-id has a pool of its own), and the process restarted with
    /// the proc-id rebuilds the pool its predecessor held, so that it is whole at the end.
    @Test func killedProcessRestartsWithItsPoolWhole() async throws {
        var rng = SplitMix(seed: UInt64(Date().timeIntervalSince1970 * 1000))
        let seed = rng.state
        try await DPDKGroup.with("smp_chaos") { group in
            func args(_ lcores: [String], _ id: Int, _ extra: [String] = []) -> [String] {
                lcores + ["--proc-type=auto"] + group.eal + Self.nullPorts
                    + ["--", "-p", "3", "--num-procs", "2", "--proc-id", "\(id)"] + extra
            }
            let primary = try RunningProcess(Self.binary, args(["-l", "0"], 0, ["--stats-period", "0.1"]), name: "primary")
            try await primary.waitForLine("APP: Finished Process Init.", timeout: 20)
            let pages = group.hugepageFiles
            let traffic = try QueueTraffic(group)
            for i in 0..<8 {
                let base = try traffic.sent(queue: 1)
                let victim = try RunningProcess(Self.binary, args(["--lcores", "1@1"], 1), name: "victim \(i)")
                // Killed while it forwards, not inside rte_eal_init: DPDK 22.11 cannot recover a
                // process killed holding the EAL's memory lock (docs/reliability.md).
                try await victim.waitForLine("APP: Finished Process Init.", timeout: 30)
                // A random instant of its forwarding: once it has sent a random number of packets
                // on each port (up to about 300 ms' worth in a debug build).
                try await traffic.waitUntilSent(rng.next() % 500_000, queue: 1, beyond: base, "victim \(i) (seed \(seed))", timeout: 20)
                victim.signal(SIGKILL)
                _ = try await victim.waitForExit()
            }
            let base = try traffic.sent(queue: 1)
            let last = try RunningProcess(Self.binary, args(["--lcores", "1@1"], 1), name: "last")
            try await last.waitForLine("APP: Finished Process Init.", timeout: 20)
            #expect(last.text.contains("pool SMP_MBUF_POOL_1 rebuilt"), "seed \(seed):\n\(last.text)")
            // The primary's heap headroom: no secondary's start-up grew the shared heap.
            #expect(group.hugepageFiles == pages, "the shared heap grew from \(pages) pages (seed \(seed))")
            try await traffic.waitUntilSent(QueueTraffic.enough, queue: 1, beyond: base, "the restarted process (seed \(seed))")
            last.signal(SIGINT)
            #expect(try await last.waitForExit() == 0)
            #expect(last.lines.contains("Pool SMP_MBUF_POOL_1: 32768 of 32768 mbufs free"), "seed \(seed):\n\(last.text)")

            // Ten reports at least, the later ones from the kills on (one every 0.1 s).
            try await poll("ten reports from the primary", timeout: 5, detail: { primary.text }) {
                primary.lines.filter { $0.hasPrefix("Stats: all ports: RX ") }.count >= 10
            }
            primary.signal(SIGINT)
            #expect(try await primary.waitForExit() == 0)
            #expect(primary.lines.contains("Pool SMP_MBUF_POOL: 32768 of 32768 mbufs free"), "\(primary.text)")
            // Every report of the primary, during the kills too, shows packets forwarded.
            let rates = primary.lines.compactMap { $0.firstMatch(of: /^Stats: all ports: RX (\d+) pps/).map { Int($0.1)! } }
            #expect(rates.count >= 10, "\(primary.text)")
            #expect(rates.dropFirst().allSatisfy { $0 > 0 }, "the primary stalled (seed \(seed)): \(rates)")
        }
    }
}
