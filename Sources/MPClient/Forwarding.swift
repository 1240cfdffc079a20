// mp_client/client.c: the main loop and handle_packet.
import ClientServerShared
import MPCore

/// Why the loop ended.
enum StopReason {
    /// SIGINT or SIGTERM.
    case requested
    /// The primary (mp_server) exited: nothing more will arrive.
    case serverGone
}

/// The client's datapath: dequeue from its ring, rewrite each packet with the `--fwd` engine
/// (`io`: unchanged, as the C client), send it out of the port paired with the one it arrived on through a 32-packet TX buffer, and flush the buffers when the ring
/// comes up empty. TX and TX drops are counted in this client's slot of the port info.
struct ClientForwarder: ~Copyable {
    let ring: Ring<Mbuf>
    /// By input port id: position of the output port (see `ClientSetup.outputOf`).
    let outputOf: [Int]
    /// `tx_stats[client].tx[port]`, by position.
    let txCount: [SharedCounter]
    /// One TX buffer per port, by position.
    var txBuffers: FixedArray<TxBuffer>
    /// Bumped on every pass of the loop: the server's proof that this client is not stuck.
    let heartbeat: SharedCounter

    /// Packets taken from the ring.
    private(set) var received: UInt64 = 0
    /// Where `received` is published after each burst, for telemetry (`ClientTelemetry`).
    let publishedRx: SharedCounter

    init(setup: ClientSetup, txBuffers: consuming FixedArray<TxBuffer>, heartbeat: SharedCounter,
         publishedRx: SharedCounter) {
        ring = setup.ring
        outputOf = setup.outputOf
        txCount = setup.ports.map { setup.portInfo.tx(client: setup.clientID, port: $0.id) }
        self.txBuffers = txBuffers
        self.heartbeat = heartbeat
        self.publishedRx = publishedRx
    }

    /// Forwards until shutdown, or until the server is gone. Checks on the server cost nothing
    /// while packets flow: only an empty poll reads the TSC, and only every `checkInterval`
    /// cycles does it ask the EAL whether the primary is alive (a few system calls).
    ///
    /// The burst and the tables the loop reads are locals, so that the compiler keeps them in
    /// registers: stored properties of `self` are reloaded and stored around every opaque call
    /// (the PMD's transmit function), which cost several instructions per packet.
    ///
    /// Specialised per engine `E` (the caller switches over `ForwardingMode` once); `io`
    /// compiles to the same loop as without an engine.
    mutating func run<E: ForwardingEngine>(_ engine: E.Type, eal: borrowing EAL, checkInterval: UInt64) -> StopReason {
        let ring = self.ring, txCount = self.txCount, heartbeat = self.heartbeat
        // The port table as a fixed-size local: its bounds are a constant, not a load.
        precondition(outputOf.count == 32, "RTE_MAX_ETHPORTS is 32 in the port info layout")
        var outputs = InlineArray<32, UInt8>(repeating: 0)
        for (port, out) in outputOf.enumerated() {
            precondition(out >= 0 && out < txBuffers.count)
            outputs[port] = UInt8(out)
        }
        // Dequeued packets (`pkts[PKT_READ_SIZE]`), allocated once; empty whenever the loop
        // checks for shutdown.
        var burst = MbufBurst(capacity: ClientServer.burstSize)
        var received: UInt64 = 0
        defer { self.received &+= received }
        // Where this run's RX count is published for telemetry: one plain store per burst.
        let published = publishedRx
        var needFlush = false
        var nextCheck = TSC.now &+ checkInterval
        while !Shutdown.requested {
            heartbeat.add(1)
            let n = ring.dequeueBurst(into: &burst)
            if n == 0 {
                if needFlush {
                    flushAll()
                    needFlush = false
                } else {
                    let now = TSC.now
                    if now >= nextCheck {
                        if !eal.primaryIsAlive { return .serverGone }
                        nextCheck = now &+ checkInterval
                    }
                }
                continue
            }
            received &+= UInt64(truncatingIfNeeded: n)
            published.store(received)
            // The engine's pass over the whole burst: a plain loop, nothing at all for io.
            burst.rewrite(with: E.self)
            // handle_packet: into the TX buffer of the paired port.
            burst.drain { mbuf in
                // A port id is below RTE_MAX_ETHPORTS (32): the mask only spares a bounds check.
                let out = Int(outputs[Int(mbuf.port.rawValue) & 31])
                // `outputs` holds only positions below txBuffers.count (checked above).
                // `append` and a separate send of a full buffer, not `add`: see `append`.
                if txBuffers[unchecked: out].append(mbuf) {
                    let sent = txBuffers[unchecked: out].flushFull()
                    if sent > 0 { txCount[out].add(UInt64(truncatingIfNeeded: sent)) }
                }
            }
            needFlush = true
        }
        return .requested
    }

    /// Frees what every TX buffer holds without sending, counted as dropped.
    mutating func dropAll() {
        for i in 0..<txBuffers.count { txBuffers[i].dropAll() }
    }

    /// Sends what every TX buffer holds; what a port refuses is freed and counted as dropped.
    mutating func flushAll() {
        for i in 0..<txBuffers.count {
            let sent = txBuffers[i].flush()
            if sent > 0 { txCount[i].add(UInt64(truncatingIfNeeded: sent)) }
        }
    }
}
