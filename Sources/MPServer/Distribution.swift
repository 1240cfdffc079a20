// How mp_server picks the client for each packet: `--distribution round-robin|flow`.
import MPCore

/// Picks a client for each received packet. The server's loop is generic over it and chosen
/// once (a `switch` in main), so `distribute` and the loop body it is given are inlined into
/// it: no call per packet.
/// It picks only among the live clients of the current `DeliveryPlan`.
protocol Distribution: ~Copyable {
    /// Whether a share that a full ring refused may go to another live client (round-robin), or
    /// is dropped (flow affinity: a flow stays on its client, in order).
    static var spillsOver: Bool { get }
    /// The monitor published a new plan (at a burst boundary): pick among its live clients.
    mutating func follow(_ plan: DeliveryPlan)
    /// Hands every packet of `burst`, in order, to `deliver` with the client (0 ..< clients, a
    /// live one) that gets it; the burst is empty afterwards.
    mutating func distribute(_ burst: inout MbufBurst, _ deliver: (_ client: Int, consuming Mbuf) -> Void)
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

    /// Never reads the packets.
    @inline(__always)
    mutating func distribute(_ burst: inout MbufBurst, _ deliver: (_ client: Int, consuming Mbuf) -> Void) {
        burst.drain { mbuf in
            let c = Int(live[next & 15])
            next &+= 1
            if next == liveCount { next = 0 }
            deliver(c, mbuf)
        }
    }
}

/// Flow affinity: the symmetric flow hash (`FlowHash`: IP addresses, protocol and L4 ports, or
/// the MAC addresses of frames without IP) picks one of 256 buckets, the bucket table names its
/// client. A flow always maps to the same client while the table is unchanged, and each client's
/// ring keeps order, so a flow's packets leave in the order they came.
///
/// Each packet is hashed and handed out in the same pass (`BucketTable.distribute`), which
/// prefetches the headers of the whole burst first. `follow` re-points only the buckets of clients
/// that are not live, and brings them back when their client is live again
/// (`BucketTable.assign(live:)`).
struct FlowAffinity: Distribution, ~Copyable {
    var table: BucketTable

    init(clients: Int) {
        table = BucketTable(workers: clients)
    }

    static var spillsOver: Bool { false }

    mutating func follow(_ plan: DeliveryPlan) {
        let moved = table.assign(live: (0..<table.workers).map { plan.isLive(client: $0) })
        if moved > 0 {
            let live = (0..<table.workers).filter { plan.isLive(client: $0) }
            serverLog("flow distribution: \(moved) of \(BucketTable.count) buckets moved; live clients now \(live)")
        }
    }

    @inline(__always)
    mutating func distribute(_ burst: inout MbufBurst, _ deliver: (_ client: Int, consuming Mbuf) -> Void) {
        table.distribute(&burst, deliver)
    }
}
