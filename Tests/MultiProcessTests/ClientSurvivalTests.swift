import Foundation
import Testing

/// The client-server group beyond the C sample: clients that die at any instant, stall, or ask
/// for an id another client holds. The free-mbuf count the server prints at exit is the proof
/// that nothing leaked: on net_null no mbuf is in flight once everything has stopped.
extension MultiProcess.ClientServerTests {
    /// 20 SIGKILLs at random instants (before, during and after start-up) of clients under
    /// full load: afterwards every mbuf is back and a fresh client forwards as fast as before.
    @Test func randomKillsLeaveThePoolWhole() async throws {
        var rng = SplitMix(seed: UInt64(Date().timeIntervalSince1970 * 1000))
        let seed = rng.state
        try await DPDKGroup.with("cs_chaos") { group in
            let server = try await startServer(group, lcores: ["-l", "0"])
            let before = try await measureClient(group, id: 0, lcores: "2@1")
            var kills = 0
            for i in 0..<20 {
                let id = i % 2
                let victim = try RunningProcess(Binaries.swift("mp_client"),
                                                group.eal + ["--lcores", id == 0 ? "2@1" : "3@1", "--proc-type=secondary", "--", "-n", "\(id)"],
                                                name: "victim \(i)")
                try await Task.sleep(for: .milliseconds(Int(rng.next() % 400) + 5))
                victim.signal(SIGKILL)
                if try await victim.waitForExit() == 128 + SIGKILL { kills += 1 }
            }
            #expect(kills >= 18, "most victims must die by the kill, not by themselves (seed \(seed))")
            let after = try await measureClient(group, id: 0, lcores: "2@1")
            #expect(after >= 0.9 * before, "a fresh client forwarded \(after) pps after the kills, \(before) before (seed \(seed))")
            let stats = try await stopServer(server)
            #expect(stats.allMbufsAccountedFor, "mbufs lost after 20 kills (seed \(seed)):\n\(server.text)")
            #expect(stats.portRx.reduce(0, +) == stats.clients.reduce(0) { $0 + $1.rx + $1.rxDrop } + stats.undelivered)
        }
    }

    /// A client that stops (SIGSTOP) gets no packets once its heartbeat is older than the stall
    /// timeout; the other takes its share; it gets them again when it resumes.
    @Test func stalledClientLosesItsShareUntilItResumes() async throws {
        try await DPDKGroup.with("cs_stall") { group in
            let server = try await startServer(group, lcores: ["-l", "0"], app: ["-p", "3", "-n", "2", "--stall-timeout", "200"])
            let c0 = try await startClient(group, id: 0, lcores: "2@1")
            let c1 = try await startClient(group, id: 1, lcores: "3@1")
            try await server.waitForLine("client 1 registered") { $0.contains("client 1: registered") }
            c1.signal(SIGSTOP)
            try await server.waitForLine("client 1 stalled", timeout: 3) { $0.contains("client 1: stalled") }
            c1.signal(SIGCONT)
            try await server.waitForLine("client 1 alive again", timeout: 3) { $0.contains("client 1: alive again") }
            try await Task.sleep(for: .milliseconds(300))
            let t1 = try await stopClient(c1, id: 1)
            let t0 = try await stopClient(c0, id: 0)
            #expect(t0.tx > 0 && t1.tx > 0)
            let stats = try await stopServer(server)
            #expect(stats.allMbufsAccountedFor, "mbufs lost:\n\(server.text)")
            #expect(stats.portRx.reduce(0, +) == stats.clients.reduce(0) { $0 + $1.rx + $1.rxDrop } + stats.undelivered)
        }
    }

    /// A second client asking for an id that a live client holds is refused, and the holder
    /// goes on; once the holder is killed, the id is free again within moments.
    @Test func idHeldByALiveClientIsRefused() async throws {
        try await DPDKGroup.with("cs_dupid") { group in
            let server = try await startServer(group, lcores: ["-l", "0"])
            let holder = try await startClient(group, id: 0, lcores: "2@1")
            let second = try RunningProcess(Binaries.swift("mp_client"), group.eal + ["--lcores", "3@1", "--proc-type=secondary", "--", "-n", "0"])
            #expect(try await second.waitForExit() == 1)
            expectOneError(second, containing: "client id 0 is in use by process \(holder.pid)")
            #expect(holder.isRunning)
            holder.signal(SIGKILL)
            _ = try await holder.waitForExit()
            let next = try await startClient(group, id: 0, lcores: "3@1")
            try await Task.sleep(for: .milliseconds(300))
            let t = try await stopClient(next, id: 0)
            #expect(t.tx > 0)
            let stats = try await stopServer(server)
            #expect(stats.allMbufsAccountedFor, "mbufs lost:\n\(server.text)")
        }
    }

    /// Packets per second forwarded by a fresh client over one second (its own totals).
    func measureClient(_ group: DPDKGroup, id: Int, lcores: String) async throws -> Double {
        let client = try await startClient(group, id: id, lcores: lcores)
        try await client.waitForLine("handling packets") { $0.contains("handling packets") }
        try await Task.sleep(for: .milliseconds(300))
        let start = Date()
        let first = try await stopClientAfter(client, seconds: 1, id: id)
        return Double(first) / Date().timeIntervalSince(start)
    }

    private func stopClientAfter(_ client: RunningProcess, seconds: Double, id: Int) async throws -> UInt64 {
        try await Task.sleep(for: .seconds(seconds))
        return try await stopClient(client, id: id).tx
    }
}

/// A small seeded generator, so that a failing run names the instants it used.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
