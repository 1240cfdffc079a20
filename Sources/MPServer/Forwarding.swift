// mp_server/main.c: do_packet_forwarding, process_packets, flush_rx_queue.
import ClientServerShared
import MPCore

/// The server's datapath on its main lcore: read every port in turn, hand the packets to the
/// clients round-robin, and push each client's share into its ring in one all-or-nothing bulk
/// enqueue (`rte_ring_enqueue_bulk`), as the C server does. What a full ring refuses is freed
/// and counted as that client's `rx_drop`.
///
/// Returns at a burst boundary once `Shutdown.requested`: every packet received by then is in
/// a ring or counted as dropped, so port RX == sum over clients of (rx + rx_drop), exactly.
struct Forwarder: ~Copyable {
    let ports: [EthPort]
    let rings: [Ring]
    /// `ports->rx_stats.rx[i]`, by position in `ports`.
    let portRx: [SharedCounter]
    let clients: ClientCounters

    /// Received packets (`buf[PACKET_READ_SIZE]`), allocated once.
    private var received = MbufBurst(capacity: ClientServer.burstSize)
    /// One buffer per client (`cl_rx_buf`), allocated once.
    private var perClient: FixedArray<MbufBurst>
    /// The client the next packet goes to (`static uint8_t client`).
    private var nextClient = 0

    init(state: ServerState, clients: ClientCounters) {
        ports = state.ports
        rings = state.rings
        portRx = state.ports.indices.map { state.portInfo.rx(atIndex: $0) }
        self.clients = clients
        perClient = FixedArray(count: state.rings.count) { _ in MbufBurst(capacity: ClientServer.burstSize) }
    }

    /// `do_packet_forwarding`, until shutdown.
    mutating func run() {
        let numPorts = ports.count
        var portIndex = 0
        while !Shutdown.requested {
            let n = ports[portIndex].receive(queue: QueueID(0), into: &received)
            if n > 0 {
                portRx[portIndex].add(UInt64(truncatingIfNeeded: n))
                processPackets()
            }
            portIndex += 1
            if portIndex == numPorts { portIndex = 0 }
        }
        // Every burst was flushed above; this only matters if that ever changes.
        for c in 0..<rings.count { flush(client: c) }
    }

    /// `process_packets`: round-robin over the clients, then one flush per client.
    @inline(__always)
    private mutating func processPackets() {
        let numClients = rings.count
        var client = nextClient
        while let mbuf = received.popFirst() {
            perClient[client].append(mbuf)
            client += 1
            if client == numClients { client = 0 }
        }
        nextClient = client
        for c in 0..<numClients { flush(client: c) }
    }

    /// `flush_rx_queue`: all of the client's packets into its ring, or none (freed, counted).
    @inline(__always)
    private mutating func flush(client c: Int) {
        let count = perClient[c].count
        if count == 0 { return }
        if rings[c].enqueueAll(&perClient[c]) {
            clients.rx[c].add(UInt64(truncatingIfNeeded: count))
        } else {
            clients.rxDrop[c].add(UInt64(truncatingIfNeeded: perClient[c].free()))
        }
    }
}
