// mp_server/main.c: do_packet_forwarding, process_packets, flush_rx_queue.
import ClientServerShared
import MPCore

/// The server's datapath on its main lcore: read every RX queue of every port in turn, hand the
/// packets to the clients as the `Distribution` says (round-robin by default, or by flow), and
/// push each client's share into its ring in one all-or-nothing bulk enqueue
/// (`rte_ring_enqueue_bulk`), as the C server does.
///
/// Beyond C: only clients the monitor lists as live get packets (a dead or stalled client's
/// share goes to the others); under round-robin, a share whose ring is full goes to the next
/// live client with room before it is dropped (a preempted client does not cost packets while
/// another can take them; flow affinity drops instead, to keep each flow on one client);
/// every mbuf handed to a registered client carries that client's owner mark; and what
/// registered clients give back through their return rings is freed here.
///
/// Returns at a burst boundary once `Shutdown.requested`: every packet received by then is in
/// a ring or counted as dropped, so port RX == sum over clients of (rx + rx_drop) + undelivered.
struct Forwarder {
    let ports: [EthPort]
    /// RX queues by port position.
    let rxQueues: [Int]
    let rings: [Ring<Mbuf>]
    let returnRings: [Ring<Mbuf>]
    /// `ports->rx_stats.rx[i]`, by position in `ports`.
    let portRx: [SharedCounter]
    let clients: ClientCounters
    let board: DeliveryBoard
    let mark: MbufField
    let registry: ClientRegistry

    init(state: ServerState, clients: ClientCounters, board: DeliveryBoard) {
        ports = state.ports
        rxQueues = state.rxQueues
        rings = state.rings
        returnRings = state.returnRings
        portRx = state.ports.indices.map { state.portInfo.rx(atIndex: $0) }
        self.clients = clients
        self.board = board
        mark = state.mark
        registry = state.registry
    }

    /// `do_packet_forwarding`, until shutdown.
    ///
    /// `process_packets` and `flush_rx_queue` are written out in the loop, on locals: stored
    /// properties would be reloaded and stored around every opaque call (the PMD's receive
    /// function), at a cost of several instructions per packet.
    ///
    /// Specialised per distribution `D`: main picks it once (`--distribution`).
    func run<D: Distribution & ~Copyable>(_ distribution: consuming D) {
        let ports = self.ports, rings = self.rings, returnRings = self.returnRings, portRx = self.portRx
        let clientRx = clients.rx, clientRxDrop = clients.rxDrop, undelivered = clients.undelivered
        let board = self.board, mark = self.mark, marking = registry.clientsReturn
        let numPorts = ports.count, numClients = rings.count, rxQueues = self.rxQueues
        // Received packets (`buf[PACKET_READ_SIZE]`), one buffer per client (`cl_rx_buf`), and
        // packets given back, allocated once. All are empty whenever the loop checks for shutdown
        // or takes a new plan.
        var received = MbufBurst(capacity: ClientServer.burstSize)
        var returned = MbufBurst(capacity: 4 * ClientServer.burstSize)
        var perClient = FixedArray(count: numClients) { _ in MbufBurst(capacity: ClientServer.burstSize) }
        var distribution = distribution // a local: its state stays in registers
        var seen = board.generation
        var plan = board.take(generation: seen)
        distribution.follow(plan)
        var portIndex = 0, queue: UInt16 = 0
        while !Shutdown.requested {
            let generation = board.generation
            if generation != seen {
                seen = generation
                plan = board.take(generation: generation)
                distribution.follow(plan)
            }
            let n = ports[portIndex].receive(queue: QueueID(queue), into: &received)
            if n > 0 {
                portRx[portIndex].add(UInt64(truncatingIfNeeded: n))
                if plan.liveCount == 0 {
                    undelivered.add(UInt64(truncatingIfNeeded: received.free()))
                } else {
                    // process_packets: each packet to its client, marked with the client's
                    // owner mark when clients give packets back (--reclaim; without it every
                    // mark is 0 and stays 0, so the loop leaves the mbufs' dynamic field alone)...
                    // (`c` is a live client: below numClients, and below 16.)
                    if marking {
                        distribution.distribute(&received) { c, mbuf in
                            mbuf[mark] = plan.marks[c & 15]
                            perClient[unchecked: c].append(mbuf)
                        }
                    } else {
                        distribution.distribute(&received) { c, mbuf in perClient[unchecked: c].append(mbuf) }
                    }
                    // ...then flush_rx_queue for each: all of a client's packets into its ring,
                    // or (round-robin) into the next live client's with room, or dropped.
                    for i in 0..<plan.liveCount {
                        let c = Int(plan.live[i])
                        let count = perClient[c].count
                        if count == 0 { continue }
                        if rings[c].enqueueAll(&perClient[c]) {
                            clientRx[c].add(UInt64(truncatingIfNeeded: count))
                        } else if D.spillsOver {
                            spill(from: i, &perClient[c], plan: plan, rings: rings, counters: clients)
                        } else {
                            perClient[c].setField(mark, to: 0)
                            clientRxDrop[c].add(UInt64(truncatingIfNeeded: perClient[c].free()))
                        }
                    }
                }
            }
            // What registered clients gave back: unmarked, then freed here, the one process
            // that never dies inside the pool.
            for r in 0..<plan.returningCount {
                _ = freeGivenBack(from: returnRings[Int(plan.returning[r])], using: &returned, mark: mark)
            }
            queue &+= 1
            if Int(queue) == rxQueues[portIndex] {
                queue = 0
                portIndex += 1
                if portIndex == numPorts { portIndex = 0 }
            }
        }
    }

    /// After the loop and the monitor have stopped: free what registered clients gave back
    /// since the loop's last pass, so that the final count of free mbufs is exact.
    func drainReturns() {
        var returned = MbufBurst(capacity: 4 * ClientServer.burstSize)
        for (c, ring) in returnRings.enumerated() {
            let status = registry.slot(c).status
            guard status == .alive || status == .stalled else { continue }
            while freeGivenBack(from: ring, using: &returned, mark: mark) {}
        }
    }

    /// A live client's ring was full: offer its share to the following live clients in turn,
    /// re-marked for each; if none has room, free it (unmarked first, as every free of a marked
    /// mbuf must be) and count it as the first client's rx_drop. Out of line: rare.
    @inline(never)
    func spill(from position: Int, _ share: inout MbufBurst, plan: DeliveryPlan, rings: [Ring<Mbuf>],
               counters: ClientCounters) {
        let count = share.count
        var step = 1
        while step < plan.liveCount {
            let d = Int(plan.live[(position + step) % plan.liveCount])
            share.setField(mark, to: plan.marks[d])
            if rings[d].enqueueAll(&share) {
                counters.rx[d].add(UInt64(count))
                return
            }
            step += 1
        }
        let c = Int(plan.live[position])
        share.setField(mark, to: 0)
        counters.rxDrop[c].add(UInt64(truncatingIfNeeded: share.free()))
    }
}

/// Takes one burst of what a registered client gave back from its return ring, clears the owner
/// marks (every free of a marked mbuf must) and frees it. Returns whether there was any.
@inline(__always)
func freeGivenBack(from ring: Ring<Mbuf>, using burst: inout MbufBurst, mark: MbufField) -> Bool {
    guard ring.dequeueBurst(into: &burst) > 0 else { return false }
    burst.setField(mark, to: 0)
    burst.free()
    return true
}
