import Foundation
import Testing

/// Two network namespaces, A (198.18.0.1/24) and B (198.18.0.2/24), whose only link is a
/// forwarder's two `net_tap` ports: port 0 is tap A, port 1 is tap B.
///
/// The forwarder creates both taps in the root namespace when it starts (`vdevs`); `attach()`
/// then moves each into its namespace, turns IPv6 off (no router solicitations or MLD reports
/// to blur the counts), assigns the address and brings it up. DPDK keeps its tap file
/// descriptors across the move. Namespaces, leftover taps and whatever runs inside the
/// namespaces (iperf3) are removed before and after the test, also when it fails; their names
/// carry the test process's pid, so parallel runs and other users' interfaces are never touched.
struct TapLink {
    let nsA: String
    let nsB: String
    let tapA: String
    let tapB: String
    static let addressA = "198.18.0.1"
    static let addressB = "198.18.0.2"

    /// The EAL options that make the two taps: port 0 = tap A, port 1 = tap B.
    var vdevs: [String] { ["--vdev", "net_tap0,iface=\(tapA)", "--vdev", "net_tap1,iface=\(tapB)"] }

    /// Runs `body` with a fresh link named after `name` (a few letters) and this process.
    static func with<R>(_ name: String, _ body: (TapLink) async throws -> R) async throws -> R {
        let pid = getpid()
        // Interface names: at most 15 bytes.
        let link = TapLink(nsA: "mpt_\(name)_\(pid)_a", nsB: "mpt_\(name)_\(pid)_b",
                           tapA: "mt\(pid)\(name.prefix(3))a", tapB: "mt\(pid)\(name.prefix(3))b")
        precondition(link.tapA.utf8.count <= 15, "interface name too long: \(link.tapA)")
        link.cleanup()
        defer { link.cleanup() }
        return try await body(link)
    }

    /// Moves the taps, once the forwarder created them, into their namespaces and configures them.
    func attach(timeout: Double = 10, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await poll("taps \(tapA), \(tapB) appear", timeout: timeout, sourceLocation: sourceLocation) {
            Self.interfaceExists(tapA) && Self.interfaceExists(tapB)
        }
        for (ns, tap, address) in [(nsA, tapA, Self.addressA), (nsB, tapB, Self.addressB)] {
            try Command.check(["ip", "netns", "add", ns], sourceLocation: sourceLocation)
            try Command.check(["ip", "link", "set", tap, "netns", ns], sourceLocation: sourceLocation)
            try Command.check(["ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.\(tap).disable_ipv6=1"],
                              sourceLocation: sourceLocation)
            try Command.check(["ip", "-n", ns, "addr", "add", "\(address)/24", "dev", tap], sourceLocation: sourceLocation)
            try Command.check(["ip", "-n", ns, "link", "set", "lo", "up"], sourceLocation: sourceLocation)
            try Command.check(["ip", "-n", ns, "link", "set", tap, "up"], sourceLocation: sourceLocation)
        }
    }

    /// What `ping` reported.
    struct PingResult {
        var transmitted = 0
        var received = 0
        var output = ""
        var lossless: Bool { transmitted > 0 && received == transmitted && output.contains(" 0% packet loss") }
    }

    /// Pings B from A: `count` echo requests 50 ms apart, one second to answer each.
    func ping(count: Int = 20) throws -> PingResult {
        let r = try Command.run(["ip", "netns", "exec", nsA, "ping", "-n", "-c", "\(count)", "-i", "0.05", "-W", "1",
                                 Self.addressB], timeout: Double(count) * 0.05 + 15)
        var result = PingResult(output: r.output)
        // "20 packets transmitted, 20 received, 0% packet loss, time 1017ms"
        if let line = r.output.split(separator: "\n").first(where: { $0.contains("packets transmitted") }) {
            let numbers = line.split(separator: ",").map { Int($0.split(separator: " ").first ?? "") }
            result.transmitted = numbers.first.flatMap { $0 } ?? 0
            result.received = numbers.count > 1 ? numbers[1] ?? 0 : 0
        }
        return result
    }

    /// What an iperf3 TCP run reported.
    struct IperfResult {
        var bytesReceived: Int64 = 0
        /// Bytes the receiver counted in each interval (one a second), in order.
        var intervalBytes: [Int64] = []
        var error: String?
        var output = ""
    }

    /// A TCP transfer from A to B for `seconds`: iperf3 server in B (one test, then it exits),
    /// client in A, JSON report parsed.
    func iperf(seconds: Int = 2, parallel: Int = 1) async throws -> IperfResult {
        let server = try RunningProcess("/usr/sbin/ip", ["netns", "exec", nsB, "iperf3", "-s", "-1", "-B", Self.addressB, "--forceflush"],
                                        name: "iperf3 server")
        defer { server.signal(SIGKILL) }
        try await server.waitForLine("'Server listening'", timeout: 10) { $0.contains("Server listening") }
        let r = try Command.run(["ip", "netns", "exec", nsA, "iperf3", "-c", Self.addressB, "-t", "\(seconds)",
                                 "-P", "\(parallel)", "-J"], timeout: Double(seconds) + 20)
        var result = IperfResult(output: r.output)
        guard let data = r.output.data(using: .utf8),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            result.error = "iperf3 printed no JSON (status \(r.status))"
            return result
        }
        result.error = json["error"] as? String
        if let end = json["end"] as? [String: Any], let sum = end["sum_received"] as? [String: Any] {
            result.bytesReceived = (sum["bytes"] as? NSNumber)?.int64Value ?? 0
        }
        for interval in json["intervals"] as? [[String: Any]] ?? [] {
            let sum = interval["sum"] as? [String: Any]
            result.intervalBytes.append((sum?["bytes"] as? NSNumber)?.int64Value ?? 0)
        }
        if result.error == nil && r.status != 0 { result.error = "iperf3 exited with status \(r.status)" }
        return result
    }

    /// Removes both namespaces (killing what still runs in them first) and any tap left in the
    /// root namespace. Idempotent; ignores what is already gone.
    func cleanup() {
        for ns in [nsA, nsB] {
            if let r = try? Command.run(["ip", "netns", "pids", ns], timeout: 5), r.status == 0 {
                for pid in r.output.split(whereSeparator: \.isWhitespace).compactMap({ pid_t($0) }) { kill(pid, SIGKILL) }
            }
            _ = try? Command.run(["ip", "netns", "del", ns], timeout: 10)
        }
        for tap in [tapA, tapB] where Self.interfaceExists(tap) {
            _ = try? Command.run(["ip", "link", "del", tap], timeout: 10)
        }
    }

    /// Interfaces of this link that still exist anywhere: empty after cleanup.
    func leftovers() -> [String] {
        var found = [tapA, tapB].filter(Self.interfaceExists)
        let netns = (try? FileManager.default.contentsOfDirectory(atPath: "/var/run/netns")) ?? []
        found += [nsA, nsB].filter(netns.contains)
        return found
    }

    static func interfaceExists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: "/sys/class/net/\(name)")
    }
}

/// A short-lived command (ip, ping, iperf3 client): its status and merged output, killed after
/// a timeout.
enum Command {
    struct Result {
        let status: Int32
        let output: String
    }

    struct Failed: Error, CustomStringConvertible {
        let description: String
    }

    static func run(_ arguments: [String], timeout: Double) throws -> Result {
        // Output goes to a file, not a pipe: nothing to drain, nothing blocks on a full pipe.
        let path = NSTemporaryDirectory() + "mpt_cmd_\(getpid())_\(UInt64.random(in: 0...UInt64.max))"
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let file = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? file.close() }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        p.standardOutput = file
        p.standardError = file
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        let text = String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
        return Result(status: p.terminationStatus, output: text)
    }

    /// Runs and records a test issue (and throws) unless the command succeeds.
    static func check(_ arguments: [String], timeout: Double = 10,
                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        let r = try run(arguments, timeout: timeout)
        guard r.status == 0 else {
            let what = arguments.joined(separator: " ")
            Issue.record("'\(what)' failed (\(r.status)): \(r.output)", sourceLocation: sourceLocation)
            throw Failed(description: what)
        }
    }
}
