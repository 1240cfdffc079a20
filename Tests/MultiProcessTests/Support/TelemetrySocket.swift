import Foundation
import Testing

/// A client of DPDK's telemetry socket, as `dpdk-telemetry.py` talks to it: a SOCK_SEQPACKET
/// Unix socket in the group's runtime dir, which greets with a JSON object and then answers
/// each command ("/ethdev/stats,0") with one JSON object `{"<command>": <value>}`.
struct TelemetrySocket: ~Copyable {
    private let fd: Int32

    struct Failed: Error, CustomStringConvertible { let description: String }

    /// Connects to `/var/run/dpdk/<prefix>/dpdk_telemetry.v2` and reads the greeting.
    init(prefix: String) throws {
        let path = "/var/run/dpdk/\(prefix)/dpdk_telemetry.v2"
        fd = socket(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue), 0)
        guard fd >= 0 else { throw Failed(description: "socket: \(String(cString: strerror(errno)))") }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            let bytes = Array(path.utf8.prefix(raw.count - 1))
            raw.copyBytes(from: bytes + [0])
        }
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard ok == 0 else {
            let e = String(cString: strerror(errno))
            close(fd)
            throw Failed(description: "connect \(path): \(e)")
        }
        _ = try receive() // {"version": ..., "pid": ..., "max_output_len": ...}
    }

    deinit { close(fd) }

    /// Sends `command` and returns the value of its reply: a dictionary, an array, or NSNull
    /// when the command is unknown or refused its parameters.
    func query(_ command: String) throws -> Any {
        let sent = command.withCString { send(fd, $0, strlen($0), 0) }
        guard sent == command.utf8.count else { throw Failed(description: "send \(command): \(String(cString: strerror(errno)))") }
        let reply = try receive()
        guard let object = reply as? [String: Any], let key = command.split(separator: ",").first,
              let value = object[String(key)] else {
            throw Failed(description: "unexpected reply to \(command): \(reply)")
        }
        return value
    }

    /// A command whose reply is an object, e.g. `{"rx": 100, ...}`.
    func dictionary(_ command: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let value = try query(command)
        return try #require(value as? [String: Any], "\(command) answered \(value)", sourceLocation: sourceLocation)
    }

    private func receive() throws -> Any {
        var buffer = [UInt8](repeating: 0, count: 65536)
        // Bounded: a telemetry thread that does not answer within 5 s fails the test.
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        let n = recv(fd, &buffer, buffer.count, 0)
        guard n > 0 else { throw Failed(description: "recv: \(n == 0 ? "closed" : String(cString: strerror(errno)))") }
        return try JSONSerialization.jsonObject(with: Data(buffer[0..<n]), options: [.fragmentsAllowed])
    }
}

/// The UInt64s of a JSON array (`[1, 2]`), or of one JSON number as a one-element array.
func uint64s(_ value: Any?) -> [UInt64]? {
    if let n = value as? NSNumber { return [n.uint64Value] }
    return (value as? [Any])?.compactMap { ($0 as? NSNumber)?.uint64Value }
}
