import Foundation
import MPCore
import Testing

/// `Rate`, and `Telemetry` answering on the process's own telemetry socket.
@Suite struct ObservabilityTests {
    @Test func rateFromTwoReadings() {
        let r = Rate(from: (packets: 1_000, bytes: 64_000), to: (packets: 3_000, bytes: 192_000), seconds: 2)
        #expect(r == Rate(packetsPerSecond: 1_000, bitsPerSecond: 512_000))
        #expect(r.description == "1.00 kpps 512.00 kbit/s")
        // A counter that went backwards (a restarted writer) gives 0, not a wrapped huge figure.
        #expect(Rate(from: (packets: 5, bytes: 5), to: (packets: 1, bytes: 1), seconds: 1) == Rate())
        #expect(Rate(from: (packets: 0, bytes: 0), to: (packets: 9, bytes: 9), seconds: 0) == Rate())
        #expect(Rate(packetsPerSecond: 14_880_952, bitsPerSecond: 7_619_047_424).description == "14.88 Mpps 7.62 Gbit/s")
        #expect(Rate().description == "0 pps 0 bit/s")
    }

    /// A registered command answers JSON on the socket: numbers, strings, arrays; a rejected
    /// request answers null, and so does every command after `unregisterAll`; help over DPDK's
    /// limit is refused with a DPDKError.
    @Test func telemetryCommandsAnswerOnTheSocket() async {
        await #expect(processExitsWith: .success) {
            let prefix = "mpcore_tel_\(getpid())"
            let eal = try EAL(arguments: ["mpcore-test", "--no-huge", "-m", "256", "--no-pci", "--file-prefix=\(prefix)",
                                          "--log-level=lib.eal:error", "-l", "0"])
            try Telemetry.register("/mpcore/test", help: "a test command") { params, reply in
                if params == "bad" { return reply.reject() }
                reply.add("n", UInt64(1) << 40)
                reply.add("i", Int32(-3))
                reply.add("s", params ?? "none")
                reply.add("a", [UInt64(1), 2, 3])
                reply.add("b", ["x", "y"])
            }
            do {
                try Telemetry.register("/mpcore/long", help: String(repeating: "h", count: 200)) { _, _ in }
                exit(10)
            } catch let error as DPDKError { guard error.code == EINVAL else { exit(11) } }

            let fd = socket(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue), 0)
            var addr = sockaddr_un()
            addr.sun_family = sa_family_t(AF_UNIX)
            let path = "/var/run/dpdk/\(prefix)/dpdk_telemetry.v2"
            withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
            let connected = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard connected == 0 else { exit(12) }
            func ask(_ command: String?) -> Any? {
                if let command { _ = command.withCString { send(fd, $0, strlen($0), 0) } }
                var buffer = [UInt8](repeating: 0, count: 16384)
                let n = recv(fd, &buffer, buffer.count, 0)
                guard n > 0 else { return nil }
                return try? JSONSerialization.jsonObject(with: Data(buffer[0..<n]))
            }
            _ = ask(nil) // greeting
            guard let reply = ask("/mpcore/test,abc") as? [String: Any], let d = reply["/mpcore/test"] as? [String: Any],
                  (d["n"] as? NSNumber)?.uint64Value == 1 << 40, (d["i"] as? NSNumber)?.intValue == -3,
                  d["s"] as? String == "abc", (d["a"] as? [NSNumber])?.map(\.uint64Value) == [1, 2, 3],
                  d["b"] as? [String] == ["x", "y"] else { exit(13) }
            guard let plain = ask("/mpcore/test") as? [String: Any], (plain["/mpcore/test"] as? [String: Any])?["s"] as? String == "none"
            else { exit(14) }
            guard let bad = ask("/mpcore/test,bad") as? [String: Any], bad["/mpcore/test"] is NSNull else { exit(15) }
            // Once unregistered (before what the handlers read is freed), the command answers null.
            Telemetry.unregisterAll()
            guard let gone = ask("/mpcore/test") as? [String: Any], gone["/mpcore/test"] is NSNull else { exit(16) }
            close(fd)
            eal.cleanup()
        }
    }
}
