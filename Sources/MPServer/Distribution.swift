// How mp_server picks the client for each packet: `--distribution round-robin|flow`.
import MPCore

/// Picks a client for each received packet. The server's loop is generic over it and chosen
/// once (a `switch` in main), so `client(for:)` is inlined into it: no call per packet.
/// It picks only among the live clients of the current `DeliveryPlan`.
protocol Distribution: ~Copyable {
    /// Whether a share that a full ring refused may go to another live client (round-robin), or
    /// is dropped (flow affinity: a flow stays on its client, in order).
    static var spillsOver: Bool { get }
    /// The monitor published a new plan (at a burst boundary): pick among its live clients.
    mutating func follow(_ plan: DeliveryPlan)
    /// Called with each received burst before `client(for:)` sees its packets, in order.
    mutating func prepare(_ burst: borrowing MbufBurst)
    /// The client (0 ..< clients) that gets this packet.
    mutating func client(for mbuf: borrowing Mbuf) -> Int
}

/// The C sample's `process_packets`: packet by packet, client 0, 1, ..., N-1, 0, ..., over the
/// live clients.
struct RoundRobin: Distribution {
    /// The live clients, in order, and how many there are.
    var live = InlineArray<16, UInt8>(repeating: 0)
    var liveCount: Int
    /// Position in `live` of the client the next packet goes to (`static uint8_t client`).
    var next = 0

    init(clients: Int) {
        for c in 0..<clients { live[c] = UInt8(c) }
        liveCount = clients
    }

    static var spillsOver: Bool { true }

    mutating func follow(_ plan: DeliveryPlan) {
        live = plan.live
        liveCount = plan.liveCount
        if next >= liveCount { next = 0 }
    }

    /// Nothing: round-robin never reads the packets.
    @inline(__always) mutating func prepare(_ burst: borrowing MbufBurst) {}

    @inline(__always) mutating func client(for mbuf: borrowing Mbuf) -> Int {
        let c = Int(live[next])
        next += 1
        if next == liveCount { next = 0 }
        return c
    }
}

/// Flow affinity: the symmetric flow hash (`FlowHash`: IP addresses, protocol and L4 ports, or
/// the MAC addresses of frames without IP) picks one of 256 buckets, the bucket table names its
/// client. A flow always maps to the same client while the table is unchanged, and each client's
/// ring keeps order, so a flow's packets leave in the order they came.
///
/// The clients of a burst are picked in one pass before it is handed out (`prepare`), a plain
/// loop over the burst; `client(for:)` then only reads the next pick.
/// `follow` re-points only the buckets of clients that are not live, and brings them back when
/// their client is live again (`BucketTable.assign(live:)`).
struct FlowAffinity: Distribution, ~Copyable {
    var table: BucketTable
    var picks: BurstPicks
    /// Position in the current burst.
    var next = 0

    init(clients: Int, burstSize: Int) {
        table = BucketTable(workers: clients)
        picks = BurstPicks(capacity: burstSize)
    }

    static var spillsOver: Bool { false }

    mutating func follow(_ plan: DeliveryPlan) {
        let moved = table.assign(live: (0..<table.workers).map { plan.isLive(client: $0) })
        if moved > 0 {
            let live = (0..<table.workers).filter { plan.isLive(client: $0) }
            serverLog("flow distribution: \(moved) of \(BucketTable.count) buckets moved; live clients now \(live)")
        }
    }

    @inline(__always) mutating func prepare(_ burst: borrowing MbufBurst) {
        table.pick(burst, into: &picks)
        next = 0
    }

    @inline(__always) mutating func client(for mbuf: borrowing Mbuf) -> Int {
        let c = picks[next]
        next &+= 1
        return c
    }
}
