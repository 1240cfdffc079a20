import Foundation
import Testing

extension MultiProcess.EndToEndTests {
    /// TCP through mp_server (`--reclaim`) and two clients on net_tap (one RX and one TX queue per client on
    /// each tap), and one client killed with SIGKILL in the middle of the transfer: the transfer
    /// goes on through the other client, and once everything is quiet again every mbuf is where
    /// it was before the traffic (free, or held by the taps' RX queues): none lost.
    @Test func clientKilledUnderTCPLosesNoMbufs() async throws {
        guard !Self.useC else { return } // the C server has neither registry nor N RX queues
        try await DPDKGroup.with("e2e_cskill") { group in
            try await TapLink.with("ck") { link in
                let server = try Self.start("mp_server", ["-l", "0-1"] + group.eal + Self.quiet + link.vdevs
                                            + ["--", "-p", "3", "-n", "2", "--reclaim"], label: "mp_server")
                try await server.waitForLine("APP: Finished Process Init.", timeout: 20)
                var clients: [RunningProcess] = []
                for (id, lcores) in ["2@1", "3@1"].enumerated() {
                    clients.append(try Self.start("mp_client", ["--lcores", lcores, "--proc-type=secondary"] + group.eal
                                                  + Self.quiet + ["--", "-n", "\(id)"], label: "mp_client \(id)"))
                    try await server.waitForLine("client \(id) registered") { $0.contains("client \(id): registered") }
                }
                try await link.attach()
                _ = try link.ping(count: 2)
                let before = try await Self.quietMbufCount(server)

                let traffic = try QueueTraffic(group)
                let base = try traffic.sent(queue: 1)
                async let transfer = link.iperf(seconds: 4, parallel: 4)
                // Killed in the middle of the transfer: once the TCP traffic has gone through it.
                try await traffic.waitUntilSent(500, queue: 1, beyond: base, "client 1, of the TCP transfer", timeout: 3)
                clients[1].signal(SIGKILL)
                let tcp = try await transfer
                #expect(try await clients[1].waitForExit() == 128 + SIGKILL)
                #expect(tcp.error == nil, "iperf3: \(tcp.error ?? "")\n\(tcp.output.suffix(2000))")
                #expect(tcp.intervalBytes.count >= 4 && tcp.intervalBytes.suffix(2).allSatisfy { $0 > 0 },
                        "the transfer stopped after the kill: \(tcp.intervalBytes)")
                _ = try await server.waitForLine("client 1 taken back") { $0.contains("client 1: exited") }

                let after = try await Self.quietMbufCount(server)
                #expect(after == before, "mbufs not free or queued before the traffic: \(before), after the kill: \(after)\n\(server.text)")
                clients[0].signal(SIGINT)
                #expect(try await clients[0].waitForExit(timeout: 15) == 0)
                server.signal(SIGINT)
                #expect(try await server.waitForExit(timeout: 15) == 0, "mp_server:\n\(server.text)")
            }
            #expect(group.leftovers() == [], "the last process out removes the group's files")
        }
    }

    /// The number of mbufs neither free nor queued in a client ring (what the devices hold),
    /// once two statistics screens in a row, drawn after this call, agree on it.
    static func quietMbufCount(_ server: RunningProcess, timeout: Double = 10) async throws -> UInt64 {
        let start = server.lines.count
        var quiet: UInt64 = 0
        try await poll("two statistics screens in a row agree on the mbufs in use", timeout: timeout, detail: { server.text }) {
            let held = server.lines.dropFirst(start).compactMap { line -> UInt64? in
                guard let m = line.firstMatch(of: /^free: (\d+) of (\d+) \(.*\), queued in client rings: (\d+)/) else { return nil }
                return UInt64(m.2)! - UInt64(m.1)! - UInt64(m.3)!
            }
            guard held.count >= 2, held[held.count - 1] == held[held.count - 2] else { return false }
            quiet = held[held.count - 1]
            return true
        }
        return quiet
    }
}
