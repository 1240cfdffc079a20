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
                // Killed while it forwards (kills during start-up: killsDuringStartUpLeaveNothingLocked).
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

    /// A dead reader of the EAL's memory hotplug lock, made by hand (as a secondary killed inside
    /// `rte_eal_init` leaves it): the primary takes it back once no process it cannot vouch for
    /// maps the group's config, and a secondary then starts, forwards and exits cleanly (its
    /// `rte_eal_cleanup` write-locks that lock: with the dead reader it would wait for ever).
    @Test func deadReaderOfTheEALMemoryLockIsTakenBack() async throws {
        try await DPDKGroup.with("smp_deadreader") { group in
            let primary = try RunningProcess(Self.binary, ["-l", "0", "--proc-type=auto"] + group.eal + Self.nullPorts
                                             + ["--", "-p", "3", "--num-procs", "2", "--proc-id", "0"], name: "primary")
            try await primary.waitForLine("APP: Finished Process Init.", timeout: 20)
            try await HotplugLockWord.leaveDeadReader(in: group, takenBackBy: primary,
                                                      notVouched: "a symmetric_mp process that claimed its proc-id")
            try await Self.startForwardStop(group, procID: 1, name: "the secondary after the repair")
            primary.signal(SIGINT)
            #expect(try await primary.waitForExit() == 0, "\(primary.text)")
            #expect(primary.lines.contains("Pool SMP_MBUF_POOL: 32768 of 32768 mbufs free"), "\(primary.text)")
        }
    }

    /// 20 secondaries SIGKILLed at random instants of their start-up (most inside
    /// `rte_eal_init`, some before they claim their proc-id): dead read locks they leave are taken
    /// back, no start-up grows the shared heap, and a process restarted with the proc-id starts,
    /// forwards and exits cleanly, twice, with its pool whole.
    @Test func killsDuringStartUpLeaveNothingLocked() async throws {
        var rng = SplitMix(seed: UInt64(Date().timeIntervalSince1970 * 1000))
        let seed = rng.state
        try await DPDKGroup.with("smp_chaos_start") { group in
            let primary = try RunningProcess(Self.binary, ["-l", "0", "--proc-type=auto"] + group.eal + Self.nullPorts
                                             + ["--", "-p", "3", "--num-procs", "2", "--proc-id", "0"], name: "primary")
            try await primary.waitForLine("APP: Finished Process Init.", timeout: 20)
            let pages = group.hugepageFiles
            for i in 0..<20 {
                let victim = try RunningProcess(Self.binary, ["--lcores", "1@1", "--proc-type=auto"] + group.eal + Self.nullPorts
                                                + ["--", "-p", "3", "--num-procs", "2", "--proc-id", "1"], name: "victim \(i)")
                try await Task.sleep(for: .milliseconds(Int(rng.next() % 250)))
                victim.signal(SIGKILL)
                _ = try await victim.waitForExit()
            }
            for round in 0..<2 {
                try await Self.startForwardStop(group, procID: 1, name: "fresh process \(round) (seed \(seed))")
            }
            #expect(group.hugepageFiles == pages, "the shared heap grew from \(pages) pages (seed \(seed))")
            primary.signal(SIGINT)
            #expect(try await primary.waitForExit() == 0, "seed \(seed):\n\(primary.text)")
            #expect(primary.lines.contains("Pool SMP_MBUF_POOL: 32768 of 32768 mbufs free"), "seed \(seed):\n\(primary.text)")
            print("symmetric_mp start-up kills (seed \(seed)): " + primary.lines.filter { $0.contains("read lock(s)") }.joined(separator: "; "))
        }
    }

    /// Starts `--proc-id procID` as a secondary, waits until it has forwarded on its queue, stops
    /// it with SIGINT, and checks it exited 0 with its pool whole.
    static func startForwardStop(_ group: DPDKGroup, procID: Int, name: String) async throws {
        let traffic = try QueueTraffic(group)
        let base = try traffic.sent(queue: procID)
        let p = try RunningProcess(binary, ["--lcores", "1@1", "--proc-type=auto"] + group.eal + nullPorts
                                   + ["--", "-p", "3", "--num-procs", "2", "--proc-id", "\(procID)"], name: name)
        try await p.waitForLine("APP: Finished Process Init.", timeout: 20)
        try await traffic.waitUntilSent(QueueTraffic.enough, queue: procID, beyond: base, name)
        p.signal(SIGINT)
        #expect(try await p.waitForExit(timeout: 15) == 0, "\(name):\n\(p.text)")
        #expect(p.lines.contains("Pool SMP_MBUF_POOL_\(procID): 32768 of 32768 mbufs free"), "\(name):\n\(p.text)")
    }
}
