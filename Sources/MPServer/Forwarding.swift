// mp_server/main.c: do_packet_forwarding, process_packets, flush_rx_queue.
import ClientServerShared
import MPCore

/// The server's datapath on its main lcore: read every port in turn, hand the packets to the
/// clients as the `Distribution` says (round-robin by default), and push each client's share
/// into its ring in one all-or-nothing bulk enqueue (`rte_ring_enqueue_bulk`), as the C server does. What a full ring refuses is freed
/// and counted as that client's `rx_drop`.
///
/// Returns at a burst boundary once `Shutdown.requested`: every packet received by then is in
/// a ring or counted as dropped, so port RX == sum over clients of (rx + rx_drop), exactly.
struct Forwarder {
    let ports: [EthPort]
    let rings: [Ring]
    /// `ports->rx_stats.rx[i]`, by position in `ports`.
    let portRx: [SharedCounter]
    let clients: ClientCounters

    init(state: ServerState, clients: ClientCounters) {
        ports = state.ports
        rings = state.rings
        portRx = state.ports.indices.map { state.portInfo.rx(atIndex: $0) }
        self.clients = clients
    }

    /// `do_packet_forwarding`, until shutdown.
    ///
    /// `process_packets` and `flush_rx_queue` are written out in the loop, on locals: stored
    /// properties would be reloaded and stored around every opaque call (the PMD's receive
    /// function), at a cost of several instructions per packet.
    ///
    /// Specialised per distribution `D`: main picks it once (`--distribution`).
    func run<D: Distribution & ~Copyable>(_ distribution: consuming D) {
        let ports = self.ports, rings = self.rings, portRx = self.portRx
        let clientRx = clients.rx, clientRxDrop = clients.rxDrop
        let numPorts = ports.count, numClients = rings.count
        // Received packets (`buf[PACKET_READ_SIZE]`) and one buffer per client (`cl_rx_buf`),
        // allocated once. All are empty whenever the loop checks for shutdown.
        var received = MbufBurst(capacity: ClientServer.burstSize)
        var perClient = FixedArray(count: numClients) { _ in MbufBurst(capacity: ClientServer.burstSize) }
        var distribution = distribution // a local: its state stays in registers
        var portIndex = 0
        while !Shutdown.requested {
            let n = ports[portIndex].receive(queue: QueueID(0), into: &received)
            if n > 0 {
                portRx[portIndex].add(UInt64(truncatingIfNeeded: n))
                // process_packets: each packet to its client...
                distribution.prepare(received)
                received.drain { mbuf in
                    let client = distribution.client(for: mbuf)
                    perClient[client].append(mbuf)
                }
                // ...then flush_rx_queue for each: all of a client's packets into its ring, or
                // none (rte_ring_enqueue_bulk), and then they are freed and counted as dropped.
                for c in 0..<numClients {
                    let count = perClient[c].count
                    if count == 0 { continue }
                    if rings[c].enqueueAll(&perClient[c]) {
                        clientRx[c].add(UInt64(truncatingIfNeeded: count))
                    } else {
                        clientRxDrop[c].add(UInt64(truncatingIfNeeded: perClient[c].free()))
                    }
                }
            }
            portIndex += 1
            if portIndex == numPorts { portIndex = 0 }
        }
    }
}
