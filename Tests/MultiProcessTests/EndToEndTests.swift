import Foundation
import Testing

extension MultiProcess {
    /// Real traffic through the samples: two network namespaces whose only link is the forwarder
    /// under test (two `net_tap` ports), the kernel's own ping and TCP (iperf3) across it, and the
    /// forwarder's counters checked against what crossed.
    ///
    /// The kernel may add packets of its own (ARP, TCP retransmissions), so traffic figures are
    /// lower bounds; the forwarder's own invariants (what one port received, the other sent or
    /// dropped) are exact.
    ///
    /// `MP_E2E_IMPL=c` runs the same scenarios through the C samples instead, to check the
    /// harness itself; the checks the C samples cannot pass (exact counters: C prints them from
    /// its signal handler; exit totals: the C client and server print none) are skipped then.
    @Suite struct EndToEndTests {
        static let useC = ProcessInfo.processInfo.environment["MP_E2E_IMPL"] == "c"
        static let pings = 20
        /// Quiet EAL and tap driver: their notices (no multiq qdisc on this kernel) are not errors.
        static let quiet = ["--log-level=pmd.net.tap:error"]

        /// Starts `name` (Swift, or C under line-buffered stdout when `useC`).
        static func start(_ name: String, _ arguments: [String], label: String) throws -> RunningProcess {
            if useC {
                let c = try #require(Binaries.c(name), "the C sample \(name) did not build")
                // Launched children inherit blocked SIGINT/SIGTERM (the Swift samples unblock
                // them, the C ones do not): unblock, restore defaults, then exec.
                let unblock = "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); "
                    + "signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])"
                return try RunningProcess("/usr/bin/python3", ["-c", unblock, "/usr/bin/stdbuf", "-oL", c] + arguments,
                                          name: "C " + label)
            }
            return try RunningProcess(Binaries.swift(name), arguments, name: label)
        }

        /// Ping, then TCP, from A to B: zero loss, and bytes delivered without error.
        static func crossTraffic(_ link: TapLink) async throws {
            // One unchecked ping first: the taps were down a moment ago and ARP has to resolve.
            _ = try link.ping(count: 1)
            let ping = try link.ping(count: pings)
            #expect(ping.lossless, "ping through the forwarder lost packets:\n\(ping.output)")
            #expect(ping.transmitted == pings)
            let tcp = try await link.iperf(seconds: 2)
            #expect(tcp.error == nil, "iperf3: \(tcp.error ?? "")\n\(tcp.output.suffix(2000))")
            #expect(tcp.bytesReceived > 0, "iperf3 received nothing")
        }

        /// symmetric_mp's final `Port N: RX - a, TX - b, Drop - c` lines, by port.
        static func portCounters(_ p: RunningProcess) -> [Int: (rx: UInt64, tx: UInt64, drop: UInt64)] {
            var result: [Int: (rx: UInt64, tx: UInt64, drop: UInt64)] = [:]
            let pattern = /Port (\d+): RX - (\d+), TX - (\d+), Drop - (\d+)/
            for line in p.lines {
                guard let m = line.firstMatch(of: pattern), let port = Int(m.1),
                      let rx = UInt64(m.2), let tx = UInt64(m.3), let drop = UInt64(m.4) else { continue }
                result[port] = (rx, tx, drop)
            }
            return result
        }

        /// Stops a symmetric_mp with SIGINT and checks its exact invariant: for each pair, what
        /// one port received the other sent or dropped. Returns its counters.
        static func stopSymmetric(_ p: RunningProcess) async throws -> [Int: (rx: UInt64, tx: UInt64, drop: UInt64)] {
            p.signal(SIGINT)
            #expect(try await p.waitForExit(timeout: 15) == 0, "\(p.name) did not exit cleanly:\n\(p.text)")
            let c = portCounters(p)
            try #require(c[0] != nil && c[1] != nil, "\(p.name) printed no port statistics:\n\(p.text)")
            if !useC {
                #expect(c[0]!.rx == c[1]!.tx + c[1]!.drop, "\(p.name): port 0 RX != port 1 TX + Drop:\n\(p.text)")
                #expect(c[1]!.rx == c[0]!.tx + c[0]!.drop, "\(p.name): port 1 RX != port 0 TX + Drop:\n\(p.text)")
            }
            return c
        }

        @Test func symmetricOneProcessForwardsPingAndTCP() async throws {
            try await DPDKGroup.with("e2e_sym1") { group in
                try await TapLink.with("s1") { link in
                    let fwd = try Self.start("symmetric_mp", ["-l", "1"] + group.eal + Self.quiet + link.vdevs
                                             + ["--", "-p", "3", "--num-procs", "1", "--proc-id", "0"], label: "symmetric_mp")
                    try await fwd.waitForLine("APP: Finished Process Init.", timeout: 20)
                    try await link.attach()
                    try await Self.crossTraffic(link)
                    let c = try await Self.stopSymmetric(fwd)
                    // Each echo request came in on port 0 (tap A), each reply on port 1 (tap B).
                    #expect(c[0]!.rx >= UInt64(Self.pings))
                    #expect(c[1]!.rx >= UInt64(Self.pings))
                }
                if !Self.useC { #expect(group.leftovers() == [], "the last process out removes the group's files") }
            }
        }

        @Test func symmetricTwoProcessesForwardPingAndTCP() async throws {
            try await DPDKGroup.with("e2e_sym2") { group in
                try await TapLink.with("s2") { link in
                    // The same command line but for lcores and --proc-id: the first becomes the
                    // primary, the second a secondary (--proc-type=auto). Lcore IDs stay unique.
                    func args(_ lcores: [String], _ id: Int) -> [String] {
                        lcores + ["--proc-type=auto"] + group.eal + Self.quiet + link.vdevs
                            + ["--", "-p", "3", "--num-procs", "2", "--proc-id", "\(id)"]
                    }
                    let first = try Self.start("symmetric_mp", args(["-l", "0"], 0), label: "symmetric_mp 0")
                    try await first.waitForLine("APP: Finished Process Init.", timeout: 20)
                    let second = try Self.start("symmetric_mp", args(["--lcores", "1@1"], 1), label: "symmetric_mp 1")
                    try await second.waitForLine("APP: Finished Process Init.", timeout: 20)
                    try await link.attach()
                    try await Self.crossTraffic(link)
                    // Secondary first: the primary's exit takes the ports away.
                    let c1 = try await Self.stopSymmetric(second)
                    let c0 = try await Self.stopSymmetric(first)
                    // The kernel spreads flows over the two queues as it likes: count both.
                    #expect(c0[0]!.rx + c1[0]!.rx >= UInt64(Self.pings))
                    #expect(c0[1]!.rx + c1[1]!.rx >= UInt64(Self.pings))
                }
                if !Self.useC { #expect(group.leftovers() == [], "the last process out removes the group's files") }
            }
        }

        /// mp_server with one client (see `EndToEndKillTests` for two).
        @Test func serverAndClientForwardPingAndTCP() async throws {
            try await DPDKGroup.with("e2e_cs") { group in
                try await TapLink.with("cs") { link in
                    let server = try Self.start("mp_server", ["-l", "0"] + group.eal + Self.quiet + link.vdevs
                                                + ["--", "-p", "3", "-n", "1"], label: "mp_server")
                    try await server.waitForLine("APP: Finished Process Init.", timeout: 20)
                    let client = try Self.start("mp_client", ["--lcores", "2@1", "--proc-type=secondary"] + group.eal
                                                + Self.quiet + ["--", "-n", "0"], label: "mp_client")
                    try await client.waitForLine("'Client process 0 handling packets'", timeout: 20) {
                        $0.hasSuffix("Client process 0 handling packets")
                    }
                    try await link.attach()
                    try await Self.crossTraffic(link)

                    // The client first (its totals are final once it exited), then the server.
                    client.signal(Self.useC ? SIGKILL : SIGINT)
                    let clientStatus = try await client.waitForExit(timeout: 15)
                    server.signal(Self.useC ? SIGKILL : SIGINT)
                    let serverStatus = try await server.waitForExit(timeout: 15)
                    guard !Self.useC else { return } // the C samples print no totals and die on signals
                    #expect(clientStatus == 0, "mp_client:\n\(client.text)")
                    #expect(serverStatus == 0, "mp_server:\n\(server.text)")

                    // "Client 0: rx a, tx b, tx_drop c": everything it took it sent or dropped.
                    let totals = try #require(client.lines.lazy.compactMap { $0.firstMatch(of: /Client 0: rx (\d+), tx (\d+), tx_drop (\d+)/) }.first,
                                              "mp_client printed no totals:\n\(client.text)")
                    let (rx, tx, drop) = (UInt64(totals.1)!, UInt64(totals.2)!, UInt64(totals.3)!)
                    #expect(rx == tx + drop)
                    #expect(rx >= 2 * UInt64(Self.pings), "each echo request and each reply crosses the client")

                    // The server's final screen: port RX, and per client rx/rx_drop and tx/tx_drop.
                    let text = server.text
                    let final = text.range(of: "final statistics").map { String(text[$0.upperBound...]) } ?? text
                    var portRx: UInt64 = 0
                    for m in final.matches(of: /Port \d+ - rx:\s+(\d+)\s+tx:\s+(\d+)/) { portRx += UInt64(m.1)! }
                    let row = try #require(final.firstMatch(of: /Client\s+0 - rx:\s+(\d+), rx_drop:\s+(\d+)\s+tx:\s+(\d+), tx_drop:\s+(\d+)/),
                                           "mp_server printed no final client statistics:\n\(text)")
                    let (srvRx, srvRxDrop, srvTx, srvTxDrop) = (UInt64(row.1)!, UInt64(row.2)!, UInt64(row.3)!, UInt64(row.4)!)
                    // Exact: every packet the server received went into the client's ring or was
                    // dropped, or arrived after the client had gone (undelivered).
                    let undelivered = final.firstMatch(of: /Undelivered \(no live client\): (\d+)/).map { UInt64($0.1)! } ?? 0
                    #expect(portRx == srvRx + srvRxDrop + undelivered, "mp_server:\n\(text)")
                    // The client stopped first: packets the kernel sent after that stay in its ring.
                    #expect(srvRx >= rx)
                    // The client is the only writer of its TX counters, and it had stopped.
                    #expect(srvTx == tx)
                    #expect(srvTxDrop <= drop, "the client adds packets it could not route to its port-info drops")
                    #expect(portRx >= 2 * UInt64(Self.pings))
                }
                if !Self.useC { #expect(group.leftovers() == [], "the last process out removes the group's files") }
            }
        }
    }
}
