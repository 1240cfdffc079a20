import Foundation
import Testing

/// The packets each queue of a group's ports has sent, as the devices count them
/// (`q_opackets` of `/ethdev/stats,<port>` on the primary's telemetry socket). The counters
/// live in the ports' shared state, so they count what every process of the group sent on a
/// queue, the C samples' processes included: symmetric_mp's proc-id N and mp_client N send on
/// queue N of each port. Tests wait on them instead of letting traffic run for a fixed time.
///
/// Needs a live primary with telemetry (DPDK 22.11 gives a secondary no socket).
final class QueueTraffic {
    private let socket: TelemetrySocket
    let ports: [Int]

    /// Packets a process sends on each port before a test stops or kills something, or
    /// checks that the group goes on: traffic flows through it in both directions (debug
    /// builds on net_null: milliseconds).
    static let enough: UInt64 = 10_000

    /// Connects to the telemetry socket of `group`'s primary; `ports` are the ports to count.
    init(_ group: DPDKGroup, ports: [Int] = [0, 1]) throws {
        socket = try TelemetrySocket(prefix: group.prefix)
        self.ports = ports
    }

    /// Packets sent so far on `queue`, port by port (in `ports`' order).
    func sent(queue: Int) throws -> [UInt64] {
        try ports.map { port in
            let stats = try socket.dictionary("/ethdev/stats,\(port)")
            guard let perQueue = uint64s(stats["q_opackets"]), queue < perQueue.count else {
                throw TelemetrySocket.Failed(description: "/ethdev/stats,\(port) has no q_opackets[\(queue)]: \(stats)")
            }
            return perQueue[queue]
        }
    }

    /// Waits until queue `queue` has sent at least `count` packets on every port beyond `base`
    /// (what `sent(queue:)` read earlier; nothing by default): `who` forwards, in both directions.
    /// Returns the counts seen.
    @discardableResult
    func waitUntilSent(_ count: UInt64, queue: Int, beyond base: [UInt64]? = nil, _ who: String, timeout: Double = 10,
                       sourceLocation: SourceLocation = #_sourceLocation) async throws -> [UInt64] {
        let base = base ?? ports.map { _ in 0 }
        var seen = base
        try await poll("\(who) sent \(count) packets on queue \(queue) of ports \(ports)", timeout: timeout,
                       sourceLocation: sourceLocation, detail: { "sent: \(zip(seen, base).map { $0 &- $1 })" }) {
            seen = try sent(queue: queue)
            return zip(seen, base).allSatisfy { $0 >= $1 + count }
        }
        return seen
    }
}
