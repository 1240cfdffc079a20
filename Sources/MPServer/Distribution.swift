// How mp_server picks the client for each packet: `--distribution round-robin|flow`.
import MPCore

/// `--distribution`: the C sample's packet-by-packet round-robin (the default), or flow
/// affinity, which keeps both directions of a connection on one client.
enum DistributionMode: String, CaseIterable {
    case roundRobin = "round-robin"
    case flow

    /// The valid values as the usage lists them.
    static var valid: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Picks a client for each received packet. The server's loop is generic over it and chosen
/// once (a `switch` in main), so `client(for:)` is inlined into it: no call per packet.
protocol Distribution {
    /// Called with each received burst before `client(for:)` sees its packets.
    func prepare(_ burst: borrowing MbufBurst)
    /// The client (0 ..< clients) that gets this packet.
    mutating func client(for mbuf: borrowing Mbuf) -> Int
}

/// The C sample's `process_packets`: packet by packet, client 0, 1, ..., N-1, 0, ...
struct RoundRobin: Distribution {
    let clients: Int
    /// The client the next packet goes to (`static uint8_t client`).
    var next = 0

    /// Nothing: round-robin never reads the packets.
    @inline(__always) func prepare(_ burst: borrowing MbufBurst) {}

    @inline(__always) mutating func client(for mbuf: borrowing Mbuf) -> Int {
        let c = next
        next += 1
        if next == clients { next = 0 }
        return c
    }
}

/// Flow affinity: the symmetric flow hash (`FlowHash`: IP addresses, protocol and L4 ports, or
/// the MAC addresses of frames without IP) picks one of 256 buckets, the bucket table names its
/// client. A flow always maps to the same client while the table is unchanged, and each client's
/// ring keeps order, so a flow's packets leave in the order they came.
///
/// `table.assign(live:)` moves only the buckets of clients that are not live (see `BucketTable`).
struct FlowAffinity: Distribution {
    var table: BucketTable

    init(clients: Int) { table = BucketTable(workers: clients) }

    /// The hash reads each packet's headers, which nothing has touched since the NIC (or
    /// net_null) wrote them: loading them all first overlaps the cache misses.
    @inline(__always) func prepare(_ burst: borrowing MbufBurst) { burst.prefetchData() }

    @inline(__always) mutating func client(for mbuf: borrowing Mbuf) -> Int {
        table.worker(forHash: FlowHash.symmetric(mbuf))
    }
}
