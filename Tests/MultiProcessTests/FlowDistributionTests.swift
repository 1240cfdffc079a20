import Foundation
import Testing

/// mp_server `--distribution flow`: both directions of every connection reach the same client,
/// in order. Each client sends on its own TX queue (queue = client id), and net_pcap records
/// each queue in its own file (one `tx_pcap` per queue), so the test sees which client forwarded
/// which packet. A secondary re-opens (truncates) every file of the device when it attaches, so
/// the clients run one after the other: the server puts the whole capture into the two rings
/// (its statistics screen says how many packets each got), then client 0 forwards its share and
/// stops, its file is read, then client 1. The same capture with `round-robin` splits
/// connections: the check can fail.
extension MultiProcess {
    @Suite struct FlowDistribution {
        /// A frame of connection `flow`, direction `reverse`, carrying (flow, seq) in its last
        /// four bytes. Kinds rotate: IPv4/TCP, IPv4/UDP tagged, IPv6/TCP, QinQ IPv6/UDP, and
        /// frames without IP (an EtherType of 0x88B5 between two MAC addresses).
        static func frame(flow: Int, seq: Int, reverse: Bool) -> [UInt8] {
            let lo = UInt8(flow & 0xFF), kind = flow % 5
            var macs: ([UInt8], [UInt8]) = ([2, 0, 0, 0, 1, lo], [2, 0, 0, 0, 2, lo])
            if kind == 4 { macs.0[3] = UInt8(flow) } // distinct MAC pairs for the frames without IP
            var f = reverse ? macs.1 + macs.0 : macs.0 + macs.1
            let tags: [UInt8] = kind == 1 ? [0x81, 0, 0, 5] : kind == 3 ? [0x88, 0xA8, 0, 5, 0x81, 0, 0, 6] : []
            f += tags
            var (sport, dport): (UInt16, UInt16) = (UInt16(20000 + flow), 443)
            if reverse { swap(&sport, &dport) }
            let ports = [UInt8(sport >> 8), UInt8(sport & 0xFF), UInt8(dport >> 8), UInt8(dport & 0xFF)]
            switch kind {
            case 0, 1:
                var (a, b): ([UInt8], [UInt8]) = ([198, 18, 1, lo], [198, 19, 2, UInt8(flow % 7)])
                if reverse { swap(&a, &b) }
                f += [0x08, 0x00, 0x45, 0, 0, 46, 0, 0, 0x40, 0, 64, kind == 0 ? 6 : 17, 0, 0] + a + b + ports
            case 2, 3:
                var (a, b): ([UInt8], [UInt8]) = ([0x20, 1, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [lo],
                                                  [0x20, 1, 0x0d, 0xb8] + [UInt8](repeating: 9, count: 11) + [UInt8(flow % 3)])
                if reverse { swap(&a, &b) }
                f += [0x86, 0xDD, 0x60, 0, 0, 0, 0, 26, kind == 2 ? 6 : 17, 64] + a + b + ports
            default:
                f += [0x88, 0xB5]
            }
            while f.count < 60 { f.append(0xEE) }
            return f + [UInt8(flow >> 8), UInt8(flow & 0xFF), UInt8(seq >> 8), UInt8(seq & 0xFF)]
        }

        static func tag(_ f: [UInt8]) -> (flow: Int, seq: Int) {
            let n = f.count
            return (Int(f[n - 4]) << 8 | Int(f[n - 3]), Int(f[n - 2]) << 8 | Int(f[n - 1]))
        }

        /// 41 connections x 3 packets, the directions alternating, connections interleaved (an
        /// odd count, so that round-robin does not happen to keep them together): 123 packets,
        /// fewer than one client ring holds (127), so none is dropped, however the hash falls.
        static let input: [[UInt8]] = (0..<3).flatMap { seq in (0..<41).map { frame(flow: $0, seq: seq, reverse: ($0 + seq) % 2 == 1) } }

        /// Runs the server with `distribution` and then each of two clients; returns what each
        /// client sent on port 1.
        static func run(_ distribution: String) async throws -> [[[UInt8]]] {
            // Short paths: a client re-opens the files from the server's devargs, which net_pcap
            // keeps in 64 bytes.
            let dir = "/tmp/q\(getpid() % 10000)"
            try? FileManager.default.removeItem(atPath: dir)
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try Pcap.write(input, to: dir + "/i")
            // Queue q of port p is recorded in file <q><p> (a: queue 0, b: queue 1); client c sends on queue c.
            let vdevs = (0..<2).flatMap { port in
                ["--vdev", "net_pcap\(port)," + (port == 0 ? "rx_pcap=\(dir)/i," : "") + "tx_pcap=\(dir)/a\(port),tx_pcap=\(dir)/b\(port)"]
            }
            return try await DPDKGroup.with("flow_\(distribution.prefix(2))") { group in
                let server = try RunningProcess(Binaries.swift("mp_server"), group.eal + ["-l", "0-1"] + vdevs
                                                + ["--", "-p", "3", "-n", "2", "--distribution", distribution], name: "server")
                // The shares, from the statistics screen once the whole capture is in the rings.
                var shares: [Int] = []
                try await poll("the server put the \(input.count) packets into the clients' rings", detail: { server.text }) {
                    guard let screen = server.text.components(separatedBy: "\u{1B}[2J\u{1B}[1;1H").last, screen.contains("CLIENTS"),
                          let stats = try? ServerStats(parsing: screen), stats.clients.count == 2,
                          stats.clients.reduce(0, { $0 + $1.rx }) == UInt64(input.count) else { return false }
                    #expect(stats.clients.allSatisfy { $0.rxDrop == 0 })
                    shares = stats.clients.map { Int($0.rx) }
                    return true
                }
                var perClient: [[[UInt8]]] = []
                for id in 0..<2 {
                    let output = "\(dir)/\(id == 0 ? "a" : "b")1"
                    let c = try RunningProcess(Binaries.swift("mp_client"), group.eal + ["--lcores", "\(2 + id)@1", "--proc-type=secondary",
                                                                                        "--", "-n", "\(id)"], name: "client \(id)")
                    try await poll("client \(id) sent its \(shares[id]) packets", detail: { c.text }) {
                        (try? Pcap.read(output))?.count ?? 0 >= shares[id]
                    }
                    c.signal(SIGINT)
                    #expect(try await c.waitForExit() == 0)
                    #expect(c.lines.contains("Client \(id): rx \(shares[id]), tx \(shares[id]), tx_drop 0"), "\(c.text)")
                    perClient.append(try Pcap.read(output))
                }
                server.signal(SIGINT)
                #expect(try await server.waitForExit() == 0)
                return perClient
            }
        }

        @Test func flowKeepsEachConnectionOnOneClientInOrder() async throws {
            let perClient = try await Self.run("flow")
            #expect(perClient.map(\.count).reduce(0, +) == Self.input.count)
            #expect(perClient.allSatisfy { !$0.isEmpty }, "one client got everything: \(perClient.map(\.count))")
            var owner: [Int: Int] = [:]
            for (client, packets) in perClient.enumerated() {
                var lastSeq: [Int: Int] = [:]
                for p in packets {
                    let (flow, seq) = Self.tag(p)
                    #expect(owner[flow, default: client] == client, "connection \(flow) reached both clients")
                    owner[flow] = client
                    #expect(seq > lastSeq[flow, default: -1], "connection \(flow): packet \(seq) after \(lastSeq[flow]!)")
                    lastSeq[flow] = seq
                }
            }
            #expect(owner.count == 41)
            // Unchanged bytes: what came out is what went in, as a multiset.
            #expect(perClient.flatMap { $0 }.sorted { $0.lexicographicallyPrecedes($1) }
                    == Self.input.sorted { $0.lexicographicallyPrecedes($1) })
        }

        @Test func roundRobinSplitsConnections() async throws {
            let perClient = try await Self.run("round-robin")
            #expect(perClient.map(\.count) == [62, 61])
            let flows = perClient.map { Set($0.map { Self.tag($0).flow }) }
            #expect(!flows[0].isDisjoint(with: flows[1]))
        }
    }
}
