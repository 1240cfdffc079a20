// Which clients the forwarding loop hands packets to, and whose return rings it drains: a plan
// the client monitor publishes and the loop picks up at a burst boundary.
import ClientServerShared
import Glibc
import MPCore
import Synchronization

/// The forwarding loop's view of the clients. A value: the loop keeps a copy in registers and
/// memory of its own, and replaces it only when the monitor publishes a new one.
struct DeliveryPlan {
    /// Clients that get packets, in round-robin order (`ClientStatus.receivesPackets`).
    var live = InlineArray<16, UInt8>(repeating: 0)
    var liveCount = 0
    /// Per client id: the owner mark written into the mbufs it gets (0 for unregistered clients).
    var marks = InlineArray<16, UInt32>(repeating: 0)
    /// Registered clients whose return rings the loop drains (alive or stalled).
    var returning = InlineArray<16, UInt8>(repeating: 0)
    var returningCount = 0

    /// Whether client `c` gets packets under this plan.
    func isLive(client c: Int) -> Bool {
        for i in 0..<liveCount where Int(live[i]) == c { return true }
        return false
    }

    /// The C server's plan: every client gets packets, nobody is registered.
    init(clients: Int) {
        precondition(clients <= 16)
        for c in 0..<clients { live[c] = UInt8(c) }
        liveCount = clients
    }

    /// The plan for the clients' current states. Marks and return rings only when registered
    /// clients hand their packets back (`--reclaim`).
    init(statuses: [ClientStatus], clientsReturn: Bool) {
        for (c, status) in statuses.enumerated() {
            if status.receivesPackets { live[liveCount] = UInt8(c); liveCount += 1 }
            if clientsReturn && (status == .alive || status == .stalled) {
                returning[returningCount] = UInt8(c)
                returningCount += 1
                marks[c] = ClientRegistry.markValue(client: c)
            }
        }
    }
}

/// Where the monitor publishes plans and the loop acknowledges them: a generation number the
/// loop reads once per pass. The monitor changes the plan only after the loop has acknowledged
/// the previous one, so a plain copy is never torn, and once the loop has acknowledged a plan
/// without client C it holds no mbuf for C and never touches C's rings again.
final class DeliveryBoard: @unchecked Sendable {
    /// Written by the monitor only while the loop has acknowledged every published generation.
    private var plan: DeliveryPlan
    private let published = Atomic<UInt32>(0)
    private let acknowledged = Atomic<UInt32>(0)

    init(initial: DeliveryPlan) { plan = initial }

    /// The published generation: the loop compares it with the one it holds, once per pass.
    @inline(__always) var generation: UInt32 { published.load(ordering: .acquiring) }

    /// The loop takes the current plan and acknowledges its generation.
    func take(generation: UInt32) -> DeliveryPlan {
        let plan = self.plan
        acknowledged.store(generation, ordering: .releasing)
        return plan
    }

    /// The monitor publishes `plan` and waits until the loop has taken it (or shutdown).
    /// - Returns: false when shutdown came first.
    func publish(_ plan: DeliveryPlan) -> Bool {
        self.plan = plan
        let next = generation &+ 1
        published.store(next, ordering: .releasing)
        while acknowledged.load(ordering: .acquiring) != next {
            if Shutdown.requested { return false }
            usleep(50)
        }
        return true
    }
}
