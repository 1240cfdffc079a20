import Foundation
import Testing

/// `--fwd io|macswap|5tswap` on symmetric_mp and mp_client against dpdk-testpmd's engines of the
/// same names: the same capture (every kind of frame in `Frames.all()`) replayed through net_pcap
/// port 0 of each, and port 1's recording compared byte for byte; the checksums of what comes out
/// are checked too. Then the options' bad input.
extension MultiProcess {
    @Suite struct ForwardingEngines {
        static let testpmd = "/usr/bin/dpdk-testpmd"
        static let modes = ["io", "macswap", "5tswap"]

        /// A scratch folder with the input capture. Paths stay short: a secondary (the client)
        /// re-opens the files from the primary's devargs, which net_pcap keeps in 64 bytes.
        struct Captures {
            let dir: String
            let input: [[UInt8]]
            var inPath: String { dir + "/i" }
            func vdevs(_ tag: String) -> [String] {
                ["--vdev", "net_pcap0,rx_pcap=\(inPath),tx_pcap=\(dir)/\(tag)0", "--vdev", "net_pcap1,tx_pcap=\(dir)/\(tag)1"]
            }
            func output(_ tag: String, port: Int) throws -> [[UInt8]] { try Pcap.read("\(dir)/\(tag)\(port)") }

            static func with(_ body: (Captures) async throws -> Void) async throws {
                let dir = "/tmp/e\(getpid() % 10000)"
                try? FileManager.default.removeItem(atPath: dir)
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(atPath: dir) }
                let c = Captures(dir: dir, input: Frames.all())
                try Pcap.write(c.input, to: c.inPath)
                try await body(c)
            }

            /// Polls port 1's recording until it holds every input packet.
            func waitForOutput(_ tag: String, timeout: Double = 10, sourceLocation: SourceLocation = #_sourceLocation) async throws {
                try await poll("port 1's recording (\(tag)1) holds the \(input.count) packets", timeout: timeout,
                               sourceLocation: sourceLocation, detail: { "it holds \((try? output(tag, port: 1).count) ?? 0)" }) {
                    (try? output(tag, port: 1))?.count ?? 0 >= input.count
                }
            }
        }

        /// testpmd's port 1 output with engine `mode`.
        static func reference(_ mode: String, _ c: Captures) async throws -> [[UInt8]] {
            try await DPDKGroup.with("fwd_pmd") { group in
                let p = try RunningProcess(testpmd, ["-l", "0-1"] + group.eal + c.vdevs("t")
                                           + ["--", "--forward-mode=\(mode)", "--auto-start", "--no-flush-rx", "--stats-period", "1"],
                                           name: "testpmd \(mode)")
                try await c.waitForOutput("t")
                p.signal(SIGINT)
                _ = try await p.waitForExit()
                #expect(try c.output("t", port: 0).isEmpty)
            }
            let out = try c.output("t", port: 1)
            #expect(out.count == c.input.count, "testpmd \(mode) sent \(out.count) of \(c.input.count)")
            return out
        }

        /// What the reference and ours must share, and what an engine must have changed.
        static func expectSameAsTestpmd(_ ours: [[UInt8]], _ reference: [[UInt8]], mode: String, input: [[UInt8]]) {
            #expect(ours.count == input.count && reference.count == input.count)
            // Compared packet by packet, so that a failure shows the first difference, not the lot.
            let differing = (0..<min(ours.count, reference.count)).filter { ours[$0] != reference[$0] }
            if let i = differing.first {
                Issue.record("\(mode): \(differing.count) packets differ from testpmd's; the first, packet \(i):\n ours    \(hex(ours[i]))\n testpmd \(hex(reference[i]))\n input   \(hex(input[i]))")
            }
            for (i, f) in ours.enumerated() {
                if let problem = Frames.checksumProblem(f) { Issue.record("\(mode): packet \(i): bad \(problem)") }
            }
            if mode == "io" {
                #expect(ours == input)
            } else {
                // Every frame leaves with its MAC addresses swapped.
                #expect(zip(ours, input).allSatisfy { Array($0[0..<6]) == Array($1[6..<12]) && Array($0[6..<12]) == Array($1[0..<6]) })
            }
        }

        static func hex(_ b: [UInt8]) -> String { b.prefix(80).map { String(format: "%02x", $0) }.joined() }

        @Test(arguments: modes)
        func symmetricMPWritesWhatTestpmdWrites(_ mode: String) async throws {
            try await Captures.with { c in
                let reference = try await Self.reference(mode, c)
                try await DPDKGroup.with("fwd_smp") { group in
                    let p = try RunningProcess(Binaries.swift("symmetric_mp"), ["-l", "1"] + group.eal + c.vdevs("o")
                                               + ["--", "-p", "3", "--num-procs", "1", "--proc-id", "0", "--fwd", mode])
                    try await p.waitForLine("lcore 1 using queue 0 of each port", timeout: 20)
                    try await c.waitForOutput("o")
                    p.signal(SIGINT)
                    #expect(try await p.waitForExit() == 0)
                    #expect(p.text.contains("Port 0: RX - \(c.input.count), TX - 0, Drop - 0"), "\(p.text)")
                    #expect(p.text.contains("Port 1: RX - 0, TX - \(c.input.count), Drop - 0"), "\(p.text)")
                }
                Self.expectSameAsTestpmd(try c.output("o", port: 1), reference, mode: mode, input: c.input)
                #expect(try c.output("o", port: 0).isEmpty)
            }
        }

        /// The client rewrites; the server hands packets on unchanged (one client: all of them).
        @Test(arguments: modes)
        func mpClientWritesWhatTestpmdWrites(_ mode: String) async throws {
            try await Captures.with { c in
                let reference = try await Self.reference(mode, c)
                try await DPDKGroup.with("fwd_cs") { group in
                    // The ring holds 127: fewer packets than that wait there for the client.
                    #expect(c.input.count < 127)
                    let server = try RunningProcess(Binaries.swift("mp_server"), group.eal + ["-l", "0"] + c.vdevs("o")
                                                    + ["--", "-p", "3", "-n", "1"], name: "server")
                    try await server.waitForLine("Finished Process Init.") { $0.contains("Finished Process Init.") }
                    let client = try RunningProcess(Binaries.swift("mp_client"), group.eal + ["--lcores", "2@1", "--proc-type=secondary",
                                                                                             "--", "-n", "0", "--fwd", mode], name: "client")
                    try await client.waitForLine("Finished Process Init.") { $0.contains("Finished Process Init.") }
                    try await c.waitForOutput("o")
                    client.signal(SIGINT)
                    #expect(try await client.waitForExit() == 0)
                    #expect(client.lines.contains("Client 0: rx \(c.input.count), tx \(c.input.count), tx_drop 0"), "\(client.text)")
                    server.signal(SIGINT)
                    #expect(try await server.waitForExit() == 0)
                }
                Self.expectSameAsTestpmd(try c.output("o", port: 1), reference, mode: mode, input: c.input)
            }
        }

        // MARK: bad input

        @Test func symmetricMPRefusesUnknownEngine() async throws {
            try await DPDKGroup.with("fwd_bad_smp") { group in
                let p = try RunningProcess(Binaries.swift("symmetric_mp"), ["-l", "1"] + group.eal + SymmetricMP.nullPorts
                                           + ["--", "-p", "3", "--num-procs", "1", "--proc-id", "0", "--fwd", "mac"])
                #expect(try await p.waitForExit(timeout: 20) == 1)
                SymmetricMP.expectUsageError(p, Refusal("mac", naming: ["--fwd"]), usageOptions: ["--fwd"])
                #expect(group.leftovers().isEmpty, "left behind: \(group.leftovers())")
            }
        }

        static let badClientServer: [(binary: String, app: [String], refusal: Refusal, usage: [String])] = [
            ("mp_client", ["-n", "0", "--fwd", "5tuple"], Refusal("5tuple", naming: ["--fwd"]), ["-n", "--fwd"]),
            // mp_server's option given to the client, and the reverse.
            ("mp_client", ["-n", "0", "--distribution", "flow"], Refusal(naming: ["--distribution"]), ["-n", "--fwd"]),
            ("mp_server", ["-p", "3", "-n", "2", "--distribution", "hash"], Refusal("hash", naming: ["--distribution"]),
             ["-p", "-n", "--distribution"]),
            ("mp_server", ["-p", "3", "-n", "2", "--fwd", "macswap"], Refusal(naming: ["--fwd"]), ["-p", "-n", "--distribution"]),
        ]

        @Test(arguments: badClientServer)
        func clientServerRefuseMisplacedOrUnknownModes(_ binary: String, _ app: [String], _ refusal: Refusal, _ usage: [String]) async throws {
            try await DPDKGroup.with("fwd_bad_cs") { group in
                let lcores = binary == "mp_server" ? ["-l", "0"] + SymmetricMP.nullPorts : ["--lcores", "2@1", "--proc-type=secondary"]
                let p = try RunningProcess(Binaries.swift(binary), group.eal + lcores + ["--"] + app)
                #expect(try await p.waitForExit() == 1)
                expectRefusal(p, marker: "ERROR:", refusal, usage: (binary, usage))
                #expect(group.leftovers().isEmpty, "left: \(group.leftovers())")
            }
        }
    }
}
