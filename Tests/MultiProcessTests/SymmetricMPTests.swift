import Foundation
import Testing

/// symmetric_mp, run as separate processes sharing one `--file-prefix` (see DPDKGroup).
///
/// Devices: `net_null` ports (endless 64-byte packets) for traffic between processes, and
/// `net_pcap` ports for the exact test: a pcap-backed port replays a file once (no
/// `infinite_rx`), and the other port records what it transmits, so the test knows every packet
/// that went in and can read back every packet that came out. `net_ring` ports cannot be fed
/// from outside the process that runs symmetric_mp, so they are not used here.
///
/// A secondary may omit `--vdev` while its primary runs: DPDK's vdev bus asks the primary for its
/// devices (`twoProcessesForwardWithExactCounts`). Once the primary is gone nobody answers
/// ("Failed to request vdev from primary", then no ports), so a process (re)started as a
/// secondary after that must name the same vdevs; `restartAfterKill` passes them to every process.
extension MultiProcess {
    @Suite struct SymmetricMP {
        static let binary = Binaries.swift("symmetric_mp")
        static let nullPorts = ["--vdev", "net_null0", "--vdev", "net_null1"]

        // MARK: traffic

        @Test func twoProcessesForwardWithExactCounts() async throws {
            try await DPDKGroup.with("smp_two") { group in
                let first = try RunningProcess(Self.binary, ["-l", "1", "--proc-type=auto"] + group.eal + Self.nullPorts
                                               + ["--", "-p", "3", "--num-procs", "2", "--proc-id", "0"], name: "smp0")
                try await first.waitForLine("lcore 1 using queue 0 of each port", timeout: 20)
                #expect(first.lines.contains("Lcore 1 using ports 0 1"))
                let second = try RunningProcess(Self.binary, ["--lcores", "2@0", "--proc-type=auto"] + group.eal
                                                + ["--", "-p3", "--num-procs", "2", "--proc-id", "1"], name: "smp1") // getopt's glued -p3
                try await second.waitForLine("lcore 2 using queue 1 of each port", timeout: 20)
                // The secondary neither configures ports nor checks links.
                #expect(!second.text.contains("# Initialising port"))
                let traffic = try QueueTraffic(group)
                try await traffic.waitUntilSent(QueueTraffic.enough, queue: 0, "smp0")
                try await traffic.waitUntilSent(QueueTraffic.enough, queue: 1, "smp1")

                for p in [second, first] {
                    p.signal(SIGINT)
                    #expect(try await p.waitForExit() == 0, "\(p.name): \(p.text)")
                    #expect(p.text.contains("\nExiting on signal 2\n\n"))
                    let stats = try Self.expectExactStats(p, ports: [0, 1])
                    #expect(stats[0]!.rx > 0 && stats[1]!.rx > 0, "\(p.name) forwarded nothing: \(p.text)")
                }
            }
        }

        /// Every packet of a known capture crosses from port 0 to port 1, unchanged and in order,
        /// and the printed counts are exact.
        @Test func pcapForwardingIsExactAndInOrder() async throws {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("smp_pcap_\(getpid())").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let packets = (0..<1000).map { i in
                [0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00] + (0..<(46 + i % 300)).map { UInt8(truncatingIfNeeded: i &* 7 &+ $0) }
            }
            try Pcap.write(packets, to: dir + "/in.pcap")
            try await DPDKGroup.with("smp_pcap") { group in
                let p = try RunningProcess(Self.binary, ["-l", "1"] + group.eal + [
                    "--vdev", "net_pcap0,rx_pcap=\(dir)/in.pcap,tx_pcap=\(dir)/out0.pcap",
                    "--vdev", "net_pcap1,tx_pcap=\(dir)/out1.pcap",
                    "--", "-p3", "--num-procs=1", "--proc-id=0"]) // getopt's attached forms, as C accepts
                try await p.waitForLine("lcore 1 using queue 0 of each port", timeout: 20)
                try await QueueTraffic(group, ports: [1]).waitUntilSent(1000, queue: 0, "symmetric_mp, from port 0 to port 1")
                p.signal(SIGINT)
                #expect(try await p.waitForExit() == 0)
                let stats = try Self.expectExactStats(p, ports: [0, 1])
                #expect(stats[0]! == Counts(rx: 1000, tx: 0, drop: 0))
                #expect(stats[1]! == Counts(rx: 0, tx: 1000, drop: 0))
            }
            #expect(try Pcap.read(dir + "/out1.pcap") == packets)
            #expect(try Pcap.read(dir + "/out0.pcap").isEmpty)
        }

        /// Several lcores in one process split the port pairs as C's assign_ports_to_cores does;
        /// a main lcore left without ports prints the periodic statistics.
        @Test func lcoresSplitPortPairsAndIdleMainReports() async throws {
            try await DPDKGroup.with("smp_lcores") { group in
                let p = try RunningProcess(Self.binary, ["--lcores", "0@1,1@1,2@1", "--main-lcore", "2"] + group.eal
                                           + ["--vdev", "net_null0", "--vdev", "net_null1", "--vdev", "net_null2", "--vdev", "net_null3",
                                              "--", "-p", "f", "--num-procs", "1", "--proc-id", "0", "--stats-period", "0.5"])
                try await p.waitForLine("Lcore 2 has nothing to do", timeout: 20)
                try await p.waitForLine("Lcore 0 using ports 0 1")
                try await p.waitForLine("Lcore 1 using ports 2 3")
                try await p.waitForLine("a periodic report", timeout: 5) { $0.hasPrefix("Stats: all ports: RX ") }
                #expect(p.lines.contains { $0.hasPrefix("Stats: port 3: RX ") })
                p.signal(SIGTERM)
                #expect(try await p.waitForExit() == 0)
                #expect(p.text.contains("\nExiting on signal 15\n\n"))
                let stats = try Self.expectExactStats(p, ports: [0, 1, 2, 3])
                #expect(stats.values.allSatisfy { $0.rx > 0 })
            }
        }

        /// kill -9 a secondary and restart it with its ID; then kill -9 the primary and restart
        /// it as a secondary: the group keeps forwarding each time.
        @Test func restartAfterKill() async throws {
            try await DPDKGroup.with("smp_restart") { group in
                let args = { (id: Int) in ["--", "-p", "3", "--num-procs", "2", "--proc-id", "\(id)"] }
                let primary = try RunningProcess(Self.binary, ["-l", "1", "--proc-type=auto"] + group.eal + Self.nullPorts + args(0), name: "primary")
                try await primary.waitForLine("lcore 1 using queue 0 of each port", timeout: 20)
                let second = try RunningProcess(Self.binary, ["--lcores", "2@0", "--proc-type=auto"] + group.eal + Self.nullPorts + args(1), name: "second")
                try await second.waitForLine("lcore 2 using queue 1 of each port", timeout: 20)
                let traffic = try QueueTraffic(group)
                try await traffic.waitUntilSent(QueueTraffic.enough, queue: 1, "second") // killed while it forwards
                second.signal(SIGKILL)
                _ = try await second.waitForExit()

                // The restarted processes report their totals (no telemetry once the primary is gone).
                let reporting = ["--stats-period", "0.1"]
                let base = try traffic.sent(queue: 1)
                let second2 = try RunningProcess(Self.binary, ["--lcores", "2@0", "--proc-type=secondary"] + group.eal + Self.nullPorts
                                                 + args(1) + reporting, name: "second, restarted")
                try await second2.waitForLine("lcore 2 using queue 1 of each port", timeout: 20)
                try await traffic.waitUntilSent(QueueTraffic.enough, queue: 1, beyond: base, "the restarted second")
                try await traffic.waitUntilSent(QueueTraffic.enough, queue: 0, beyond: try traffic.sent(queue: 0), "the primary, after the restart")
                #expect(primary.isRunning)
                primary.signal(SIGKILL)
                _ = try await primary.waitForExit()
                let reportsBeforeKill = second2.lines.count

                let first2 = try RunningProcess(Self.binary, ["--lcores", "1@1", "--proc-type=secondary"] + group.eal + Self.nullPorts
                                                + args(0) + reporting, name: "primary, restarted as secondary")
                try await first2.waitForLine("lcore 1 using queue 0 of each port", timeout: 20)
                try await Self.waitUntilReportedSent(first2, QueueTraffic.enough)
                try await Self.waitUntilReportedSent(second2, QueueTraffic.enough, afterLine: reportsBeforeKill)
                #expect(second2.isRunning)

                for p in [first2, second2] {
                    p.signal(SIGINT)
                    #expect(try await p.waitForExit() == 0, "\(p.name): \(p.text)")
                    let stats = try Self.expectExactStats(p, ports: [0, 1])
                    #expect(stats[0]!.rx > 0 && stats[1]!.rx > 0, "\(p.name) forwarded nothing: \(p.text)")
                }
            }
        }

        /// The C sample runs as a secondary of the Swift primary: same pool, same port setup.
        @Test func cSecondaryWithSwiftPrimary() async throws {
            let cBinary = try #require(Binaries.c("symmetric_mp"), "C samples did not build")
            try await DPDKGroup.with("smp_mixed") { group in
                let swift = try RunningProcess(Self.binary, ["-l", "1", "--proc-type=auto"] + group.eal + Self.nullPorts
                                               + ["--", "-p", "3", "--num-procs", "2", "--proc-id", "0"], name: "swift primary")
                try await swift.waitForLine("lcore 1 using queue 0 of each port", timeout: 20)
                // stdbuf: the C sample's stdout is a pipe; line buffering shows when it forwards.
                let c = try RunningProcess("/usr/bin/stdbuf", ["-oL", cBinary, "--lcores", "2@0", "--proc-type=auto"]
                                                             + group.eal + ["--", "-p", "3", "--num-procs", "2", "--proc-id", "1"],
                                                             name: "C secondary")
                try await c.waitForLine("lcore 2 using queue 1 of each port", timeout: 20)
                let traffic = try QueueTraffic(group)
                try await traffic.waitUntilSent(QueueTraffic.enough, queue: 1, "the C secondary")
                try await traffic.waitUntilSent(QueueTraffic.enough, queue: 0, "the Swift primary")
                #expect(c.isRunning)
                c.signal(SIGINT)
                #expect(try await c.waitForExit() == 0)
                let cStats = Self.parseStats(c.text)
                #expect(cStats[0].map { $0.rx > 0 } == true, "C secondary forwarded nothing: \(c.text)")
                #expect(cStats[1].map { $0.rx > 0 } == true)

                swift.signal(SIGINT)
                #expect(try await swift.waitForExit() == 0)
                let stats = try Self.expectExactStats(swift, ports: [0, 1])
                #expect(stats[0]!.rx > 0)
            }
        }

        /// The Swift sample runs as a secondary of the C primary, and omits --num-procs (C allows
        /// that in a secondary): it takes the queue count from the ports.
        @Test func swiftSecondaryWithCPrimary() async throws {
            let cBinary = try #require(Binaries.c("symmetric_mp"), "C samples did not build")
            try await DPDKGroup.with("smp_mixed2") { group in
                // stdbuf: the C sample's stdout is a pipe; line buffering shows when it forwards.
                let c = try RunningProcess("/usr/bin/stdbuf", ["-oL", cBinary, "-l", "1", "--proc-type=auto"]
                                                             + group.eal + Self.nullPorts
                                                             + ["--", "-p", "3", "--num-procs", "2", "--proc-id", "0"], name: "C primary")
                try await c.waitForLine("lcore 1 using queue 0 of each port", timeout: 20)
                let swift = try RunningProcess(Self.binary, ["--lcores", "2@0", "--proc-type=auto"] + group.eal
                                               + ["--", "-p", "3", "--proc-id", "1"], name: "swift secondary")
                try await swift.waitForLine("lcore 2 using queue 1 of each port", timeout: 20)
                let traffic = try QueueTraffic(group)
                try await traffic.waitUntilSent(QueueTraffic.enough, queue: 1, "the Swift secondary")
                try await traffic.waitUntilSent(QueueTraffic.enough, queue: 0, "the C primary")

                swift.signal(SIGINT)
                #expect(try await swift.waitForExit() == 0)
                let stats = try Self.expectExactStats(swift, ports: [0, 1])
                #expect(stats[0]!.rx > 0 && stats[1]!.rx > 0, "Swift secondary forwarded nothing: \(swift.text)")

                c.signal(SIGINT)
                #expect(try await c.waitForExit() == 0)
                #expect(Self.parseStats(c.text)[0].map { $0.rx > 0 } == true, "C primary forwarded nothing: \(c.text)")
            }
        }

        // MARK: bad input

        struct BadInput: CustomTestStringConvertible, Sendable {
            let name: String
            let vdevs: [String]
            let app: [String]
            /// What the error line must name.
            let refusal: Refusal
            var testDescription: String { name }

            init(_ name: String, _ app: [String], _ refusal: Refusal, vdevs: [String] = SymmetricMP.nullPorts) {
                self.name = name; self.app = app; self.refusal = refusal; self.vdevs = vdevs
            }
        }

        static let portMask = ["-p", "port mask"], procID = ["--proc-id", "proc id"], numProcs = ["--num-procs", "num procs"]
        static let statsPeriod = ["--stats-period", "stats period"]
        static let badInputs: [BadInput] = [
            BadInput("port mask missing", ["--num-procs", "1", "--proc-id", "0"], Refusal(naming: portMask)),
            BadInput("port mask zero", ["-p", "0", "--num-procs", "1", "--proc-id", "0"], Refusal(naming: portMask)),
            BadInput("port mask not hex", ["-p", "xyz", "--num-procs", "1", "--proc-id", "0"], Refusal("xyz", naming: portMask)),
            BadInput("port mask names a missing port", ["-p", "c", "--num-procs", "1", "--proc-id", "0"], Refusal("c", "2", naming: portMask)),
            BadInput("odd number of ports", ["-p", "1", "--num-procs", "1", "--proc-id", "0"], Refusal("1", naming: portMask + ["ports"])),
            BadInput("proc-id missing", ["-p", "3", "--num-procs", "1"], Refusal(naming: procID)),
            BadInput("proc-id not a number", ["-p", "3", "--num-procs", "1", "--proc-id", "one"], Refusal("one", naming: procID)),
            BadInput("proc-id negative", ["-p", "3", "--num-procs", "1", "--proc-id", "-1"], Refusal("-1", naming: procID)),
            BadInput("proc-id not below num-procs", ["-p", "3", "--num-procs", "2", "--proc-id", "2"], Refusal("2", naming: procID)),
            BadInput("num-procs missing in a primary", ["-p", "3", "--proc-id", "0"], Refusal(naming: numProcs)),
            BadInput("num-procs zero", ["-p", "3", "--num-procs", "0", "--proc-id", "0"], Refusal("0", naming: numProcs)),
            BadInput("more queues than the device allows", ["-p", "3", "--num-procs", "5000", "--proc-id", "0"],
                     Refusal("5000", naming: numProcs + ["queues"])),
            BadInput("stats-period not a number", ["-p", "3", "--num-procs", "1", "--proc-id", "0", "--stats-period", "often"],
                     Refusal("often", naming: statsPeriod)),
            BadInput("stats-period too long", ["-p", "3", "--num-procs", "1", "--proc-id", "0", "--stats-period", "1e10"],
                     Refusal("1e10", naming: statsPeriod)),
            BadInput("unknown pool-ops", ["-p", "3", "--num-procs", "1", "--proc-id", "0", "--pool-ops", "nope"],
                     Refusal("nope", naming: ["--pool-ops", "pool ops"])),
            BadInput("unknown option", ["-p", "3", "--num-procs", "1", "--proc-id", "0", "--bogus"], Refusal("--bogus")),
            BadInput("no ports at all", ["-p", "3", "--num-procs", "1", "--proc-id", "0"], Refusal(naming: ["ports"]), vdevs: []),
        ]

        @Test(arguments: badInputs)
        func badInputIsRefused(_ input: BadInput) async throws {
            try await DPDKGroup.with("smp_bad") { group in
                let p = try RunningProcess(Self.binary, ["-l", "1"] + group.eal + input.vdevs + ["--"] + input.app)
                #expect(try await p.waitForExit(timeout: 20) == 1)
                Self.expectUsageError(p, input.refusal)
                #expect(group.leftovers().isEmpty, "left behind: \(group.leftovers())")
            }
        }

        /// A secondary checks its ID against the queues the primary configured.
        @Test func secondaryWithBadIDIsRefused() async throws {
            try await DPDKGroup.with("smp_badsec") { group in
                let primary = try RunningProcess(Self.binary, ["-l", "1", "--proc-type=auto"] + group.eal + Self.nullPorts
                                                 + ["--", "-p", "3", "--num-procs", "2", "--proc-id", "0"], name: "primary")
                try await primary.waitForLine("lcore 1 using queue 0 of each port", timeout: 20)
                let cases: [([String], Refusal)] = [
                    (["--proc-id", "2"], Refusal("2", naming: Self.procID)), // beyond the primary's 2 queues
                    (["--num-procs", "3", "--proc-id", "2"], Refusal("3", naming: Self.numProcs)), // not the primary's 2
                    (["--num-procs", "2", "--proc-id", "2"], Refusal("2", naming: Self.procID)),
                ]
                for (app, refusal) in cases {
                    let p = try RunningProcess(Self.binary, ["--lcores", "2@0", "--proc-type=secondary"] + group.eal
                                               + ["--", "-p", "3"] + app, name: "secondary \(app)")
                    #expect(try await p.waitForExit(timeout: 20) == 1)
                    Self.expectUsageError(p, refusal)
                }
                #expect(primary.isRunning)
                primary.signal(SIGINT)
                #expect(try await primary.waitForExit() == 0)
            }
        }

        // MARK: helpers

        struct Counts: Equatable { var rx, tx, drop: UInt64 }

        /// Waits until a `--stats-period` report of `p` from line `afterLine` on shows, on each
        /// port, a TX total at least `count` above the last one reported before that line: `p`
        /// forwards in both directions. For processes no telemetry reaches (secondaries whose
        /// primary has gone).
        static func waitUntilReportedSent(_ p: RunningProcess, _ count: UInt64, afterLine: Int = 0, ports: [Int] = [0, 1],
                                          timeout: Double = 10, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            // "Stats: port 1: RX ... pps, TX ... pps, Drop ... pps (total RX a, TX b, Drop c)"
            func totals(_ lines: ArraySlice<String>) -> [Int: UInt64] {
                var tx: [Int: UInt64] = [:]
                for line in lines {
                    if let m = line.firstMatch(of: /^Stats: port (\d+): .*\(total RX \d+, TX (\d+), Drop \d+\)$/) {
                        tx[Int(m.1)!] = UInt64(m.2)!
                    }
                }
                return tx
            }
            let lines = p.lines
            let before = totals(lines.prefix(min(afterLine, lines.count)))
            try await poll("\(p.name) reported \(count) packets sent on ports \(ports)", timeout: timeout,
                           sourceLocation: sourceLocation, detail: { p.text }) {
                let now = totals(p.lines.dropFirst(afterLine))
                return ports.allSatisfy { now[$0, default: 0] >= before[$0, default: 0] + count }
            }
        }

        /// The `Port N: RX - a, TX - b, Drop - c` lines, by port.
        static func parseStats(_ text: String) -> [Int: Counts] {
            var result: [Int: Counts] = [:]
            for line in text.split(separator: "\n") {
                let words = line.split(whereSeparator: { " :,-".contains($0) })
                // Port N RX a TX b Drop c
                guard words.count == 8, words[0] == "Port", words[2] == "RX", words[4] == "TX", words[6] == "Drop",
                      let port = Int(words[1]), let rx = UInt64(words[3]), let tx = UInt64(words[5]),
                      let drop = UInt64(words[7]) else { continue }
                result[port] = Counts(rx: rx, tx: tx, drop: drop)
            }
            return result
        }

        /// Parses the final statistics and checks the accounting rule for each pair:
        /// RX of a port == TX + Drop of its pair.
        @discardableResult
        static func expectExactStats(_ p: RunningProcess, ports: [Int],
                                     sourceLocation: SourceLocation = #_sourceLocation) throws -> [Int: Counts] {
            let stats = parseStats(p.text)
            #expect(Set(stats.keys) == Set(ports), "\(p.name): \(p.text)", sourceLocation: sourceLocation)
            for port in ports {
                let here = try #require(stats[port], sourceLocation: sourceLocation)
                let pair = try #require(stats[port ^ 1], sourceLocation: sourceLocation)
                #expect(here.rx == pair.tx + pair.drop, "\(p.name) port \(port): \(here) vs \(pair)", sourceLocation: sourceLocation)
            }
            return stats
        }

        /// One line "Error: ..." naming what `refusal` is about, then the usage with the sample's
        /// options (and `usageOptions`).
        static func expectUsageError(_ p: RunningProcess, _ refusal: Refusal, usageOptions: [String] = [],
                                     sourceLocation: SourceLocation = #_sourceLocation) {
            expectRefusal(p, marker: "Error:", refusal,
                          usage: ("symmetric_mp", ["-p", "--num-procs", "--proc-id"] + usageOptions), sourceLocation: sourceLocation)
        }
    }
}
