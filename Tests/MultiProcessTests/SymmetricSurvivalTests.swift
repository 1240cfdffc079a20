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
            let primary = try RunningProcess(Self.binary, args(["-l", "0"], 0, ["--stats-period", "0.2"]), name: "primary")
            try await primary.waitForLine("APP: Finished Process Init.", timeout: 20)
            for i in 0..<8 {
                let victim = try RunningProcess(Self.binary, args(["--lcores", "1@1"], 1), name: "victim \(i)")
                // Killed while it forwards, not inside rte_eal_init: DPDK 22.11 cannot recover a
                // process killed holding the EAL's memory lock (docs/reliability.md).
                try await victim.waitForLine("APP: Finished Process Init.", timeout: 30)
                try await Task.sleep(for: .milliseconds(Int(rng.next() % 300)))
                victim.signal(SIGKILL)
                _ = try await victim.waitForExit()
            }
            let last = try RunningProcess(Self.binary, args(["--lcores", "1@1"], 1), name: "last")
            try await last.waitForLine("APP: Finished Process Init.", timeout: 20)
            #expect(last.text.contains("pool SMP_MBUF_POOL_1 rebuilt"), "seed \(seed):\n\(last.text)")
            try await Task.sleep(for: .milliseconds(300))
            last.signal(SIGINT)
            #expect(try await last.waitForExit() == 0)
            #expect(last.lines.contains("Pool SMP_MBUF_POOL_1: 32768 of 32768 mbufs free"), "seed \(seed):\n\(last.text)")

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
