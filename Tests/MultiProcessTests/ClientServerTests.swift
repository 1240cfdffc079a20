import Foundation
import Testing

/// mp_server and mp_client (DPDK's client_server_mp), in Swift and against the C sample.
///
/// Lcores are unique within a group and mapped onto the machine's two CPUs: the server takes
/// `-l 0-1` (RX on lcore 0, statistics on lcore 1) or `-l 0`, clients `--lcores 2@1`, `3@0`.
extension MultiProcess {
    @Suite struct ClientServerTests {
        static let nullPorts = ["--vdev", "net_null0", "--vdev", "net_null1"]

        // MARK: traffic

        @Test func serverAndTwoClientsForwardWithExactAccounting() async throws {
            try await DPDKGroup.with("cs_two") { group in
                let server = try await startServer(group)
                let clients = [try await startClient(group, id: 0, lcores: "2@1"),
                               try await startClient(group, id: 1, lcores: "3@0")]
                let traffic = try QueueTraffic(group)
                for id in 0..<2 { try await traffic.waitUntilSent(QueueTraffic.enough, queue: id, "client \(id)") }
                var totals: [ClientTotals] = []
                for (id, client) in clients.enumerated() {
                    let t = try await stopClient(client, id: id)
                    #expect(t.tx > 0, "client \(id) forwarded nothing")
                    totals.append(t)
                }
                let stats = try await stopServer(server)
                #expect(stats.portRx.reduce(0, +) > 0)
                #expect(stats.portRx.reduce(0, +) == stats.clients.reduce(0) { $0 + $1.rx + $1.rxDrop } + stats.undelivered)
                // The server reads each client's TX counters from the shared port info.
                for id in 0..<2 {
                    #expect(stats.clients[id].tx == totals[id].tx)
                    #expect(stats.clients[id].txDrop == totals[id].drop)
                }
                #expect(stats.portTx.reduce(0, +) == totals.reduce(0) { $0 + $1.tx })
            }
        }

        /// Known packets into port 0 (a pcap file) come out of port 1 byte for byte, in order.
        ///
        /// The client transmits from a secondary process: net_pcap supports that by opening the
        /// tx_pcap file in the secondary too (checked: the secondary's dumper writes the file,
        /// flushed after every burst). With one client and fewer packets (100) than the ring holds
        /// (127), nothing can be dropped before the client attaches.
        @Test func packetsComeOutByteIdenticalAndInOrder() async throws {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cs_pcap_\(getpid())")
            try? FileManager.default.removeItem(at: dir)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let input = (0..<100).map(Self.testPacket)
            try Pcap.write(input, to: dir.appendingPathComponent("in.pcap").path)
            let out0 = dir.appendingPathComponent("out0.pcap").path, out1 = dir.appendingPathComponent("out1.pcap").path
            let vdevs = ["--vdev", "net_pcap0,rx_pcap=\(dir.path)/in.pcap,tx_pcap=\(out0)", "--vdev", "net_pcap1,tx_pcap=\(out1)"]
            try await DPDKGroup.with("cs_pcap") { group in
                let server = try await startServer(group, lcores: ["-l", "0"], vdevs: vdevs, app: ["-p", "3", "-n", "1"])
                let client = try await startClient(group, id: 0, lcores: "2@1")
                try await poll("port 1 recorded the \(input.count) packets", detail: { "recorded: \((try? Pcap.read(out1).count) ?? 0)" }) {
                    (try? Pcap.read(out1))?.count ?? 0 >= input.count
                }
                let totals = try await stopClient(client, id: 0)
                #expect(totals == ClientTotals(rx: 100, tx: 100, drop: 0))
                let stats = try await stopServer(server)
                #expect(stats.portRx == [100, 0])
                #expect(stats.clients.first?.rx == 100)
                let output = try Pcap.read(out1)
                #expect(output.count == input.count)
                #expect(output == input, "port 1 did not send the packets port 0 received, byte for byte and in order")
                #expect(try Pcap.read(out0).isEmpty)
            }
        }

        @Test func clientKilledAndRestartedForwardsAgain() async throws {
            try await DPDKGroup.with("cs_restart") { group in
                let server = try await startServer(group)
                let first = try await startClient(group, id: 0, lcores: "2@1")
                let other = try await startClient(group, id: 1, lcores: "3@0")
                let traffic = try QueueTraffic(group)
                try await traffic.waitUntilSent(QueueTraffic.enough, queue: 0, "client 0") // killed while it forwards
                first.signal(SIGKILL)
                #expect(try await first.waitForExit() == 128 + SIGKILL)
                // The others go on: the server, and client 1, which keeps forwarding.
                try await traffic.waitUntilSent(QueueTraffic.enough, queue: 1, beyond: try traffic.sent(queue: 1), "client 1 after the kill")
                #expect(server.isRunning)
                #expect(other.isRunning)
                let base = try traffic.sent(queue: 0)
                let again = try await startClient(group, id: 0, lcores: "2@1")
                try await traffic.waitUntilSent(QueueTraffic.enough, queue: 0, beyond: base, "the restarted client 0")
                let t0 = try await stopClient(again, id: 0)
                #expect(t0.tx > 0, "the restarted client forwarded nothing")
                let t1 = try await stopClient(other, id: 1)
                #expect(t1.tx > 0)
                let stats = try await stopServer(server)
                #expect(stats.portRx.reduce(0, +) == stats.clients.reduce(0) { $0 + $1.rx + $1.rxDrop } + stats.undelivered)
            }
        }

        // MARK: interoperability with the C sample

        @Test func cClientAgainstSwiftServer() async throws {
            let cClient = try #require(Binaries.c("mp_client"), "C samples did not build")
            try await DPDKGroup.with("cs_cclient") { group in
                let server = try await startServer(group)
                let c = try await startClient(group, id: 0, lcores: "2@1", binary: cClient)
                let swift = try await startClient(group, id: 1, lcores: "3@0")
                let traffic = try QueueTraffic(group)
                try await traffic.waitUntilSent(QueueTraffic.enough, queue: 0, "the C client 0")
                try await traffic.waitUntilSent(QueueTraffic.enough, queue: 1, "client 1")
                // The C client has no signal handler: it dies wherever it is, possibly inside an
                // operation on the shared mbuf pool's ring, which would leave every other user of
                // the pool spinning on it forever. So it goes last, once nobody else polls.
                let t1 = try await stopClient(swift, id: 1)
                let stats = try await stopServer(server)
                c.signal(SIGKILL)
                _ = try await c.waitForExit()
                #expect(stats.clients[0].tx > 0, "the C client's TX counters did not reach the Swift server")
                #expect(stats.clients[1].tx == t1.tx)
                #expect(stats.portRx.reduce(0, +) == stats.clients.reduce(0) { $0 + $1.rx + $1.rxDrop } + stats.undelivered)
            }
        }

        @Test func swiftClientAgainstCServer() async throws {
            let cServer = try #require(Binaries.c("mp_server"), "C samples did not build")
            try await DPDKGroup.with("cs_cserver") { group in
                // stdbuf: the C server's stdout is a pipe; line buffering shows each screen as it is drawn.
                let server = try RunningProcess("/usr/bin/stdbuf", ["-oL", cServer] + group.eal + ["-l", "0-1"] + Self.nullPorts
                                                + ["--", "-p", "3", "-n", "1"], name: "C server")
                try await server.waitForLine("Finished Process Init.") { $0.contains("Finished Process Init.") }
                let client = try await startClient(group, id: 0, lcores: "2@1")
                try await QueueTraffic(group).waitUntilSent(QueueTraffic.enough, queue: 0, "client 0")
                let totals = try await stopClient(client, id: 0)
                #expect(totals.tx > 0)
                let screensBefore = server.text.components(separatedBy: "\u{1B}[2J").count
                // The C server shows its screen 3 s after start, then every second: wait for one
                // begun after the client stopped and complete (the next one has begun), then stop
                // the server (its SIGINT handler exits).
                var screens: [String] = []
                try await poll("a whole statistics screen of the C server drawn after the client stopped",
                               detail: { server.text }) {
                    screens = server.text.components(separatedBy: "\u{1B}[2J")
                    return screens.count >= screensBefore + 2
                }
                server.signal(SIGINT)
                _ = try await server.waitForExit()
                let stats = try ServerStats(parsing: screens[screensBefore])
                #expect(stats.clients.first?.tx == totals.tx, "the Swift client's TX counters are not where the C server reads them")
                #expect(stats.clients.first?.txDrop == totals.drop)
            }
        }

        // MARK: the server goes away

        @Test(arguments: [SIGKILL, SIGINT])
        func clientsStopWhenTheServerExits(signal: Int32) async throws {
            try await DPDKGroup.with("cs_srvgone\(signal)") { group in
                let server = try await startServer(group)
                let clients = [try await startClient(group, id: 0, lcores: "2@1"),
                               try await startClient(group, id: 1, lcores: "3@0")]
                let traffic = try QueueTraffic(group)
                for id in 0..<2 { try await traffic.waitUntilSent(QueueTraffic.enough, queue: id, "client \(id)") }
                server.signal(signal)
                _ = try await server.waitForExit()
                let gone = Date()
                for (id, client) in clients.enumerated() {
                    #expect(try await client.waitForExit(timeout: 2) == 2)
                    let elapsed = Date().timeIntervalSince(gone)
                    #expect(elapsed < 2, "client \(id) took \(elapsed) s to notice")
                    expectRefusal(client, marker: "ERROR:", Refusal(naming: ["server", "primary"]))
                    let t = try ClientTotals(parsing: client, id: id)
                    #expect(t.rx == t.tx + t.drop)
                }
            }
        }

        // MARK: bad input

        struct BadServerInput: Sendable, CustomTestStringConvertible {
            let app: [String]
            let vdevs: [String]
            /// What the error line must name.
            let refusal: Refusal
            var testDescription: String { app.joined(separator: " ") + " (\(vdevs.count / 2) ports)" }
        }

        static let portMask = ["-p", "port mask"], clientCount = ["-n", "clients"]
        static let badServerInputs: [BadServerInput] = [
            .init(app: ["-n", "2"], vdevs: nullPorts, refusal: Refusal(naming: portMask)),
            .init(app: ["-p", "0", "-n", "2"], vdevs: nullPorts, refusal: Refusal("0", naming: portMask)),
            .init(app: ["-p", "xyz", "-n", "2"], vdevs: nullPorts, refusal: Refusal("xyz", naming: portMask)),
            .init(app: ["-p", "1", "-n", "2"], vdevs: [], refusal: Refusal("1", naming: portMask)),
            .init(app: ["-p", "7", "-n", "2"], vdevs: nullPorts, refusal: Refusal("7", naming: portMask)),
            // An odd number of ports.
            .init(app: ["-p", "1", "-n", "2"], vdevs: nullPorts, refusal: Refusal(naming: portMask + ["ports"])),
            .init(app: ["-p", "3"], vdevs: nullPorts, refusal: Refusal(naming: clientCount)),
            .init(app: ["-p", "3", "-n", "0"], vdevs: nullPorts, refusal: Refusal("0", naming: clientCount)),
            .init(app: ["-p", "3", "-n", "17"], vdevs: nullPorts, refusal: Refusal("17", naming: clientCount)),
            .init(app: ["-p", "3", "-n", "two"], vdevs: nullPorts, refusal: Refusal("two", naming: clientCount)),
            .init(app: ["-p", "3", "-n", "2", "--pool-ops", "nope"], vdevs: nullPorts, refusal: Refusal("nope", naming: ["--pool-ops"])),
            .init(app: ["-p", "3", "-n", "2", "--stall-timeout", "5"], vdevs: nullPorts, refusal: Refusal("5", naming: ["--stall-timeout"])),
        ]

        @Test(arguments: badServerInputs)
        func serverRefusesBadInput(_ input: BadServerInput) async throws {
            try await DPDKGroup.with("cs_badsrv") { group in
                let p = try RunningProcess(Binaries.swift("mp_server"), group.eal + ["-l", "0"] + input.vdevs + ["--"] + input.app)
                #expect(try await p.waitForExit() == 1)
                expectRefusal(p, marker: "ERROR:", input.refusal, usage: Self.serverUsage)
                #expect(group.leftovers().isEmpty, "left: \(group.leftovers())")
            }
        }

        @Test func serverRefusesToRunAsSecondary() async throws {
            try await DPDKGroup.with("cs_srvsec") { group in
                let server = try await startServer(group)
                let second = try RunningProcess(Binaries.swift("mp_server"),
                                                group.eal + ["--lcores", "2@1", "--proc-type=secondary"] + Self.nullPorts + ["--", "-p", "3", "-n", "2"])
                #expect(try await second.waitForExit() == 1)
                expectRefusal(second, marker: "ERROR:", Refusal(naming: ["primary", "secondary"]))
                #expect(server.isRunning)
                _ = try await stopServer(server)
            }
        }

        static let clientID = ["-n", "client id"]
        static let badClientIDs: [(app: [String], refusal: Refusal)] = [
            ([], Refusal(naming: clientID)),
            (["-n", "abc"], Refusal("abc", naming: clientID)),
            (["-n", "16"], Refusal("16", naming: clientID)),
            (["-n", "256"], Refusal("256", naming: clientID)),
        ]

        @Test(arguments: badClientIDs)
        func clientRefusesBadID(_ app: [String], _ refusal: Refusal) async throws {
            try await DPDKGroup.with("cs_badcli") { group in
                let p = try RunningProcess(Binaries.swift("mp_client"), group.eal + ["--lcores", "2@1", "--proc-type=secondary", "--"] + app)
                #expect(try await p.waitForExit() == 1)
                expectRefusal(p, marker: "ERROR:", refusal, usage: Self.clientUsage)
                #expect(group.leftovers().isEmpty, "left: \(group.leftovers())")
            }
        }

        @Test func clientWithoutServer() async throws {
            try await DPDKGroup.with("cs_noserver") { group in
                let secondary = try RunningProcess(Binaries.swift("mp_client"), group.eal + ["--lcores", "2@1", "--proc-type=secondary", "--", "-n", "0"])
                #expect(try await secondary.waitForExit() == 1)
                // It says why: no server (primary) runs.
                expectRefusal(secondary, marker: "ERROR:", Refusal(naming: ["server"]))
                // Without --proc-type=secondary the EAL starts as a primary: refused as well.
                let primary = try RunningProcess(Binaries.swift("mp_client"), group.eal + ["--lcores", "2@1", "--", "-n", "0"])
                #expect(try await primary.waitForExit() == 1)
                expectRefusal(primary, marker: "ERROR:", Refusal(naming: ["server"]))
                #expect(group.leftovers().isEmpty, "left: \(group.leftovers())")
            }
        }

        @Test func clientWithoutRing() async throws {
            try await DPDKGroup.with("cs_noring") { group in
                let server = try await startServer(group)
                let p = try RunningProcess(Binaries.swift("mp_client"), group.eal + ["--lcores", "2@1", "--proc-type=secondary", "--", "-n", "5"])
                #expect(try await p.waitForExit() == 1)
                expectRefusal(p, marker: "ERROR:", Refusal("5"))
                #expect(server.isRunning)
                _ = try await stopServer(server)
            }
        }

        // MARK: helpers

        func startServer(_ group: DPDKGroup, binary: String = Binaries.swift("mp_server"), lcores: [String] = ["-l", "0-1"],
                         vdevs: [String] = nullPorts, app: [String] = ["-p3", "-n2"]) async throws -> RunningProcess { // getopt's glued values, as C takes them
            let p = try RunningProcess(binary, group.eal + lcores + vdevs + ["--"] + app, name: "server")
            try await p.waitForLine("Finished Process Init.") { $0.contains("Finished Process Init.") }
            return p
        }

        func startClient(_ group: DPDKGroup, id: Int, lcores: String,
                         binary: String = Binaries.swift("mp_client")) async throws -> RunningProcess {
            let p = try RunningProcess(binary, group.eal + ["--lcores", lcores, "--proc-type=secondary", "--", "-n", "\(id)"],
                                   name: "client \(id)")
            try await p.waitForLine("Finished Process Init.") { $0.contains("Finished Process Init.") }
            return p
        }

        /// SIGINT, exit 0, and the totals it printed, which must add up: rx == tx + tx_drop.
        func stopClient(_ client: RunningProcess, id: Int, sourceLocation: SourceLocation = #_sourceLocation) async throws -> ClientTotals {
            client.signal(SIGINT)
            #expect(try await client.waitForExit() == 0, sourceLocation: sourceLocation)
            let t = try ClientTotals(parsing: client, id: id)
            #expect(t.rx == t.tx + t.drop, "client \(id): rx \(t.rx) != tx \(t.tx) + tx_drop \(t.drop)", sourceLocation: sourceLocation)
            return t
        }

        /// SIGINT, exit 0, and the final statistics it printed.
        func stopServer(_ server: RunningProcess) async throws -> ServerStats {
            server.signal(SIGINT)
            #expect(try await server.waitForExit() == 0)
            let parts = server.text.components(separatedBy: "final statistics:")
            #expect(parts.count == 2, "no final statistics:\n\(server.text)")
            return try ServerStats(parsing: parts.last ?? "")
        }

        /// The usage lines: program name, `--`, and the options a user must give.
        static let serverUsage = (program: "mp_server", options: ["-p", "-n"])
        static let clientUsage = (program: "mp_client", options: ["-n"])

        /// Packet `i` of the pcap test: distinct bytes, lengths from 60 to 1514.
        static func testPacket(_ i: Int) -> [UInt8] {
            let length = 60 + (i * 373) % 1455
            var p: [UInt8] = [0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02, 0x88, 0xB5]
            p += withUnsafeBytes(of: UInt32(i).bigEndian, Array.init)
            while p.count < length { p.append(UInt8(truncatingIfNeeded: p.count &* 7 &+ i)) }
            return p
        }
    }
}

/// "Client N: rx a, tx b, tx_drop c", the line mp_client prints at exit.
struct ClientTotals: Equatable, CustomStringConvertible {
    var rx: UInt64, tx: UInt64, drop: UInt64

    init(rx: UInt64, tx: UInt64, drop: UInt64) { (self.rx, self.tx, self.drop) = (rx, tx, drop) }

    init(parsing p: RunningProcess, id: Int) throws {
        guard let line = p.lines.last(where: { $0.hasPrefix("Client \(id): rx ") }) else {
            Issue.record("no totals line from client \(id):\n\(p.text)")
            throw RunningProcess.WaitFailed()
        }
        let n = numbers(in: line)
        guard n.count == 4 else { Issue.record("bad totals line: \(line)"); throw RunningProcess.WaitFailed() }
        (rx, tx, drop) = (n[1], n[2], n[3])
    }

    var description: String { "rx \(rx), tx \(tx), tx_drop \(drop)" }
}

/// The PORTS and CLIENTS blocks of the server's statistics screen (Swift or C, same format).
struct ServerStats {
    struct Client { var rx, rxDrop, tx, txDrop: UInt64 }
    var portRx: [UInt64] = [], portTx: [UInt64] = []
    var clients: [Client] = []
    /// "Undelivered (no live client): N" (Swift server only; absent means 0).
    var undelivered: UInt64 = 0
    /// "free: X of Y (ops), queued in client rings: Z" in the MBUFS block (Swift server only).
    var mbufs: (free: UInt64, total: UInt64, queued: UInt64)?
    /// True when every mbuf is free or waits in a client's ring: nothing leaked.
    var allMbufsAccountedFor: Bool { mbufs.map { $0.free + $0.queued == $0.total } ?? false }

    init(parsing text: String) throws {
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        for (i, line) in lines.enumerated() {
            if line.hasPrefix("Port "), line.contains(" - rx:") {
                let n = numbers(in: line) // port, rx, tx
                if n.count == 3 { portRx.append(n[1]); portTx.append(n[2]) }
            } else if line.hasPrefix("Client "), line.contains(" - rx:"), i + 1 < lines.count {
                let a = numbers(in: line), b = numbers(in: lines[i + 1]) // id, rx, rx_drop / tx, tx_drop
                if a.count == 3, b.count == 2 { clients.append(Client(rx: a[1], rxDrop: a[2], tx: b[0], txDrop: b[1])) }
            } else if line.hasPrefix("Undelivered (no live client): ") {
                undelivered = numbers(in: line).first ?? 0
            } else if line.hasPrefix("free: ") {
                let n = numbers(in: line)
                if n.count == 3 { mbufs = (n[0], n[1], n[2]) }
            }
        }
        guard !portRx.isEmpty, !clients.isEmpty else {
            Issue.record("no statistics in:\n\(text)")
            throw RunningProcess.WaitFailed()
        }
    }
}

/// The decimal numbers in a line, in order ("tx_drop" contributes none).
private func numbers(in line: String) -> [UInt64] {
    line.split(whereSeparator: { !$0.isNumber }).compactMap { UInt64($0) }
}
