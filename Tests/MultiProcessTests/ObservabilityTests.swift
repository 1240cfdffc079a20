import Foundation
import Testing

/// DPDK's own tools against the samples: dpdk-dumpcap captures from a running primary, and the
/// telemetry socket answers the samples' commands with the figures they print at exit.
///
/// Traffic comes from net_pcap ports. For the telemetry tests a capture is replayed once, so the
/// counters stop changing; the test waits for that, queries, then stops the programs and compares
/// with their final figures, which must be equal. For the capture tests the capture is replayed
/// endlessly (`infinite_rx=1`): dumpcap attaches at some point of the replay and its ring may
/// overflow, so which packets it gets is not known in advance, but each must be one of the
/// replayed packets, byte for byte.
///
/// dpdk-dumpcap 22.11 takes lcore ID 0 and cannot be told otherwise; its capture pool has
/// per-lcore caches that the primary's capturing lcore also uses, so the primaries here run
/// their datapath as lcore 1 (`--lcores 1@0`, `-l 1`).
extension MultiProcess {
    @Suite struct Observability {
        static let dumpcap = "/usr/bin/dpdk-dumpcap"

        // MARK: telemetry

        @Test func serverTelemetryMatchesItsFinalStatistics() async throws {
            try await withDirectory("obs_srv") { dir in
                let input = (0..<100).map(MultiProcess.ClientServerTests.testPacket)
                try Pcap.write(input, to: "\(dir)/in.pcap")
                // One TX queue per client on each port: one tx_pcap each (client 1 never sends).
                let vdevs = ["--vdev", "net_pcap0,rx_pcap=\(dir)/in.pcap,tx_pcap=/dev/null,tx_pcap=/dev/null",
                             "--vdev", "net_pcap1,tx_pcap=\(dir)/out1.pcap,tx_pcap=/dev/null"]
                try await DPDKGroup.with("obs_srv") { group in
                    let server = try await Self.start(group, Binaries.swift("mp_server"), ["-l", "0-1"] + vdevs + ["--", "-p", "3", "-n", "2"], name: "server")
                    let client = try await Self.start(group, Binaries.swift("mp_client"), ["--lcores", "2@1", "--proc-type=secondary", "--", "-n", "0"], name: "client 0")
                    let t = try TelemetrySocket(prefix: group.prefix)
                    // Settled: client 0 sent its 50 (round robin: the odd packets wait in client 1's ring,
                    // which holds them all; client 1 never runs).
                    try await poll("client 0 sent 50 packets") { uint64s(try t.dictionary("/mp_server/clients,0")["tx"]) == [50] }
                    // The rates of the last second fall to 0 once traffic has stopped.
                    try await poll("rates back to 0", timeout: 5) { uint64s(try t.dictionary("/mp_server/ports")["rx_pps"]) == [0, 0] }

                    let clients = try t.dictionary("/mp_server/clients")
                    let ports = try t.dictionary("/mp_server/ports")
                    let one = try t.dictionary("/mp_server/clients,1")
                    let port1 = try t.dictionary("/mp_server/ports,1")
                    #expect(try t.query("/mp_server/clients,2") is NSNull, "client id beyond -n")
                    #expect(try t.query("/mp_server/ports,7") is NSNull, "a port the server does not use")
                    #expect(try t.query("/mp_server/clients,x") is NSNull)

                    // The screen, printed into a pipe: plain blocks, with rates, no clear-screen escapes.
                    try await server.waitForLine("a second statistics block", timeout: 8) { _ in
                        server.text.components(separatedBy: "\nCLIENTS\n").count > 2
                    }
                    #expect(!server.text.contains("\u{1B}"))
                    #expect(server.lines.contains { $0.hasPrefix("rate - rx: 0 pps 0 bit/s") })

                    let totals = try await Self.stopClient(client, id: 0)
                    let stats = try await Self.stopServer(server)
                    #expect(totals == ClientTotals(rx: 50, tx: 50, drop: 0))
                    #expect(uint64s(ports["port"]) == [0, 1])
                    #expect(uint64s(ports["rx"]) == stats.portRx)
                    #expect(uint64s(ports["tx"]) == stats.portTx)
                    #expect(stats.portRx == [100, 0] && stats.portTx == [0, 50])
                    for key in ["rx_pps", "tx_pps", "rx_bps", "tx_bps"] { #expect(uint64s(ports[key]) == [0, 0], "\(key)") }
                    #expect(uint64s(clients["client"]) == [0, 1])
                    #expect(uint64s(clients["rx"]) == stats.clients.map(\.rx))
                    #expect(uint64s(clients["rx_drop"]) == stats.clients.map(\.rxDrop))
                    #expect(uint64s(clients["tx"]) == stats.clients.map(\.tx))
                    #expect(uint64s(clients["tx_drop"]) == stats.clients.map(\.txDrop))
                    let states = try #require(clients["state"] as? [String])
                    // Client 0 (Swift) registered; nobody ever claimed id 1. pid 0: none.
                    #expect(states == ["alive", "unregistered"])
                    #expect(uint64s(clients["pid"]) == [UInt64(client.pid), 0])
                    #expect(stats.clients.map(\.rx) == [50, 50] && stats.clients.map(\.rxDrop) == [0, 0])
                    #expect(uint64s(one["client"]) == [1] && uint64s(one["rx"]) == [50] && uint64s(one["rx_drop"]) == [0]
                            && uint64s(one["tx"]) == [0] && uint64s(one["tx_drop"]) == [0])
                    #expect(one["state"] as? String == "unregistered" && uint64s(one["pid"]) == [0])
                    #expect(uint64s(port1["port"]) == [1] && uint64s(port1["tx"]) == [50] && uint64s(port1["rx"]) == [0])
                    #expect(try Pcap.read("\(dir)/out1.pcap") == input.enumerated().filter { $0.offset % 2 == 0 }.map(\.element))
                }
            }
        }

        /// A client's own figures reach the group's socket through the server (DPDK 22.11 gives a
        /// secondary no telemetry socket): the client publishes them, `/mp_client/stats,<id>` reads them.
        @Test func clientTelemetryMatchesItsTotals() async throws {
            try await withDirectory("obs_cli") { dir in
                let input = (0..<100).map(MultiProcess.ClientServerTests.testPacket)
                try Pcap.write(input, to: "\(dir)/in.pcap")
                let vdevs = ["--vdev", "net_pcap0,rx_pcap=\(dir)/in.pcap", "--vdev", "net_pcap1,tx_pcap=\(dir)/out1.pcap"]
                try await DPDKGroup.with("obs_cli") { group in
                    let server = try await Self.start(group, Binaries.swift("mp_server"), ["-l", "0"] + vdevs + ["--", "-p", "3", "-n", "1"], name: "server")
                    let t = try TelemetrySocket(prefix: group.prefix)
                    #expect(try t.query("/mp_client/stats,0") is NSNull, "no client has run yet")
                    let client = try await Self.start(group, Binaries.swift("mp_client"), ["--lcores", "2@1", "--proc-type=secondary", "--", "-n", "0"], name: "client 0")
                    try await poll("client 0 sent 100 packets") { (try? t.dictionary("/mp_client/stats,0")).flatMap { uint64s($0["tx"]) } == [100] }
                    let mine = try t.dictionary("/mp_client/stats,0")
                    #expect(try t.query("/mp_client/stats,1") is NSNull)
                    #expect(try t.query("/mp_client/stats") is NSNull, "the client id is required")
                    let totals = try await Self.stopClient(client, id: 0)
                    _ = try await Self.stopServer(server)
                    #expect(uint64s(mine["client"]) == [0])
                    #expect(uint64s(mine["rx"]) == [totals.rx] && uint64s(mine["tx"]) == [totals.tx] && uint64s(mine["tx_drop"]) == [totals.drop])
                    #expect(totals == ClientTotals(rx: 100, tx: 100, drop: 0))
                }
            }
        }

        @Test func symmetricTelemetryMatchesItsFinalStatistics() async throws {
            try await withDirectory("obs_smp") { dir in
                let packets = (0..<1000).map(MultiProcess.ClientServerTests.testPacket)
                try Pcap.write(packets, to: "\(dir)/in.pcap")
                try await DPDKGroup.with("obs_smp") { group in
                    let p = try await Self.start(group, Binaries.swift("symmetric_mp"), ["-l", "1",
                        "--vdev", "net_pcap0,rx_pcap=\(dir)/in.pcap", "--vdev", "net_pcap1,tx_pcap=\(dir)/out1.pcap",
                        "--", "-p", "3", "--num-procs", "1", "--proc-id", "0", "--stats-period", "0.5"], name: "symmetric_mp")
                    let t = try TelemetrySocket(prefix: group.prefix)
                    try await poll("1000 packets forwarded") { uint64s(try t.dictionary("/symmetric_mp/stats")["tx"]) == [0, 1000] }
                    let all = try t.dictionary("/symmetric_mp/stats")
                    let port0 = try t.dictionary("/symmetric_mp/stats,0")
                    #expect(try t.query("/symmetric_mp/stats,5") is NSNull)
                    // A report with bit rates: the bytes of this process's queue (net_pcap counts them).
                    let bytes = packets.reduce(0) { $0 + $1.count }
                    try await p.waitForLine("a report of the total", timeout: 5) {
                        $0.hasPrefix("Stats: port 1: RX 0 pps 0 bit/s, TX 0 pps 0 bit/s, Drop 0 pps (total RX 0, TX 1000, Drop 0)")
                    }
                    let bitRates = p.lines.compactMap { $0.firstMatch(of: /^Stats: port 0: RX \d+ pps (\d+) bit\/s/).map { UInt64($0.1)! } }
                    #expect(bitRates.contains { $0 > 0 }, "no report saw the \(bytes) bytes arrive:\n\(p.text)")
                    p.signal(SIGINT)
                    #expect(try await p.waitForExit() == 0)
                    let stats = try SymmetricMP.expectExactStats(p, ports: [0, 1])
                    #expect(uint64s(all["proc_id"]) == [0])
                    #expect(uint64s(all["port"]) == [0, 1])
                    #expect(uint64s(all["rx"]) == [stats[0]!.rx, stats[1]!.rx])
                    #expect(uint64s(all["tx"]) == [stats[0]!.tx, stats[1]!.tx])
                    #expect(uint64s(all["drop"]) == [stats[0]!.drop, stats[1]!.drop])
                    #expect(uint64s(port0["rx"]) == [1000] && uint64s(port0["port"]) == [0] && uint64s(port0["proc_id"]) == [0])
                }
            }
        }

        // MARK: log

        /// The samples log through DPDK's log with their own type, which --log-level controls.
        @Test func logLevelControlsTheSamplesLogType() async throws {
            let vdevs = ["--vdev", "net_null0", "--vdev", "net_null1"]
            for (level, shown) in [("mp_server:debug", true), ("mp_server:info", false)] {
                try await DPDKGroup.with("obs_log") { group in
                    let server = try await Self.start(group, Binaries.swift("mp_server"), ["-l", "0", "--log-level=\(level)"] + vdevs
                                                      + ["--", "-p", "3", "-n", "1"], name: "server")
                    _ = try await Self.stopServer(server)
                    let line = "mp_server: packet capture enabled; telemetry commands /mp_server/clients, /mp_server/ports, /mp_client/stats"
                    #expect(server.lines.contains(line) == shown, "--log-level=\(level):\n\(server.text)")
                }
            }
        }

        // MARK: capture

        /// dpdk-dumpcap attaches to a running mp_server and records what port 0 receives.
        @Test func dumpcapCapturesServerRx() async throws {
            try await captureTest("obs_dcs", binary: Binaries.swift("mp_server"), eal: ["--lcores", "2@0"], app: ["-p", "3", "-n", "1"],
                                  interface: "0", dumpcapCPU: 1)
        }

        /// dpdk-dumpcap attaches to a running symmetric_mp primary and records what it sends out of port 1.
        @Test func dumpcapCapturesSymmetricTx() async throws {
            try await captureTest("obs_dcsym", binary: Binaries.swift("symmetric_mp"), eal: ["-l", "1"],
                                  app: ["-p", "3", "--num-procs", "1", "--proc-id", "0"], interface: "1", dumpcapCPU: 0)
        }

        /// dpdk-dumpcap runs pinned to `dumpcapCPU`, the CPU the primary's datapath does not use,
        /// so its lcore ID (its first CPU, 22.11's dumpcap takes no lcore option) differs from the
        /// datapath's and it never preempts the datapath. The second matters: DPDK 22.11's pdump
        /// removes its RX/TX callbacks without waiting for one in flight (later releases wait,
        /// `pdump_cb_wait`), and dumpcap frees the pool and ring the callback copies into as it
        /// exits; a datapath preempted inside the callback by dumpcap itself resumes on freed
        /// memory (seen once: mp_server SIGSEGV in librte_mbuf as dumpcap finished).
        func captureTest(_ name: String, binary: String, eal: [String], app: [String], interface: String,
                         dumpcapCPU: Int) async throws {
            try #require(FileManager.default.isExecutableFile(atPath: Self.dumpcap), "dpdk-dumpcap missing (package dpdk-dev)")
            try await withDirectory(name) { dir in
                let input = (0..<100).map(MultiProcess.ClientServerTests.testPacket)
                try Pcap.write(input, to: "\(dir)/in.pcap")
                try await DPDKGroup.with(name) { group in
                    let program = try await Self.start(group, binary, eal + [
                        "--vdev", "net_pcap0,rx_pcap=\(dir)/in.pcap,infinite_rx=1", "--vdev", "net_pcap1,tx_pcap=/dev/null", "--"] + app,
                                                        name: "primary")
                    // -P: classic pcap, as Pcap.read expects; -q: no running count.
                    let capture = try RunningProcess("/usr/bin/taskset", ["-c", "\(dumpcapCPU)", Self.dumpcap,
                                                                          "--file-prefix=\(group.prefix)", "-i", interface, "-c", "300",
                                                                          "-P", "-q", "-w", "\(dir)/cap.pcap"], name: "dpdk-dumpcap")
                    #expect(try await capture.waitForExit(timeout: 20) == 0, "\(capture.text)")
                    #expect(capture.text.contains("Capturing on 'net_pcap\(interface)'"), "\(capture.text)")
                    #expect(program.isRunning)
                    program.signal(SIGINT)
                    #expect(try await program.waitForExit() == 0, "\(program.text)")
                    let captured = try Pcap.read("\(dir)/cap.pcap")
                    // dumpcap stops at the first burst that reaches the count: 300 or a few more.
                    #expect(captured.count >= 300 && captured.count < 300 + 32)
                    var seen = Set<Int>()
                    for (k, packet) in captured.enumerated() {
                        // Packet i carries i (big endian) after its Ethernet header.
                        let i = packet.count >= 18 ? packet[14..<18].reduce(0) { $0 << 8 | Int($1) } : -1
                        #expect(i >= 0 && i < input.count && packet == input[i], "captured packet \(k) is none of the replayed ones")
                        seen.insert(i)
                    }
                    #expect(seen.count > 1)
                }
            }
        }

        // MARK: helpers

        static func start(_ group: DPDKGroup, _ binary: String, _ arguments: [String], name: String) async throws -> RunningProcess {
            let p = try RunningProcess(binary, group.eal + arguments, name: name)
            try await p.waitForLine("Finished Process Init.", timeout: 20) { $0.contains("Finished Process Init.") }
            return p
        }

        static func stopClient(_ client: RunningProcess, id: Int) async throws -> ClientTotals {
            client.signal(SIGINT)
            #expect(try await client.waitForExit() == 0)
            return try ClientTotals(parsing: client, id: id)
        }

        static func stopServer(_ server: RunningProcess) async throws -> ServerStats {
            server.signal(SIGINT)
            #expect(try await server.waitForExit() == 0)
            let parts = server.text.components(separatedBy: "final statistics:")
            #expect(parts.count == 2, "no final statistics:\n\(server.text)")
            return try ServerStats(parsing: parts.last ?? "")
        }
    }
}

/// A fresh temporary directory, short-named (net_pcap truncates long paths in secondaries), removed afterwards.
func withDirectory<R>(_ name: String, _ body: (String) async throws -> R) async throws -> R {
    let dir = "/tmp/\(name)_\(getpid())"
    try? FileManager.default.removeItem(atPath: dir)
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    return try await body(dir)
}
