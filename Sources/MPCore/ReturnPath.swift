import CDPDK

/// The way back for mbufs that another process lent to this one: a ring on which this process is
/// the only producer and the lender the only consumer, which frees what comes back.
///
/// A process that sends its packets through a returning `TxBuffer` never frees an mbuf into the
/// shared pool, and so never stands inside an operation on the pool's ring or its lcore cache:
/// killed at any instant, it can damage only its own two rings (the one it reads and this one),
/// which the lender can repair, and the mbufs it held, which the lender finds by their owner
/// mark. Each mbuf comes back with one reference, the lender's, whatever the device did with it.
public struct ReturnPath: Sendable {
    /// The ring back to the lender (mp_server's `MProc_Client_<N>_RET`).
    public let ring: Ring<Mbuf>
    /// The owner mark the lender wrote; cleared here only if a packet must be freed locally.
    public let mark: MbufField

    /// A way back through `ring`, for mbufs the lender marked in `mark`.
    /// - Parameters:
    ///   - ring: the lender's return ring for this process; the lender is the primary process.
    ///   - mark: the owner mark's field.
    public init(ring: Ring<Mbuf>, mark: MbufField) {
        self.ring = ring
        self.mark = mark
    }

    /// Transmits what `buffer` holds with an extra reference on every packet (so the device's
    /// free only drops its own), counts what the device refused as dropped, and gives every
    /// packet back. Returns packets sent.
    @inlinable
    func transmit(port: PortID, queue: QueueID, _ buffer: UnsafeMutablePointer<rte_eth_dev_tx_buffer>,
                  drops: SharedCounter) -> Int {
        let n = cdpdk_eth_tx_buffer_length(buffer)
        if n == 0 { return 0 }
        let pkts = cdpdk_eth_tx_buffer_pkts(buffer)!
        var i = 0
        while i < Int(n) { cdpdk_mbuf_ref_all_segs(pkts[i]); i &+= 1 }
        let sent = rte_eth_tx_burst(port.rawValue, queue.rawValue, pkts, n)
        if sent < n {
            // Refused: the device took no reference, so ours is the only one again.
            var j = Int(sent)
            while j < Int(n) { cdpdk_mbuf_own_all_segs(pkts[j]); j &+= 1 }
            drops.add(UInt64(n &- sent))
        }
        if rte_ring_enqueue_bulk(ring.raw, UnsafeRawPointer(pkts).assumingMemoryBound(to: UnsafeMutableRawPointer?.self),
                                 UInt32(n), nil) == 0 {
            giveBackSlowly(pkts, count: Int(n))
        }
        cdpdk_eth_tx_buffer_clear(buffer)
        return Int(sent)
    }

    /// Gives back packets that were never sent (a buffer dropped with packets in it): counted as
    /// dropped.
    func giveBack(_ pkts: UnsafeMutablePointer<OpaquePointer?>, count: Int, drops: SharedCounter) {
        guard count > 0 else { return }
        drops.add(UInt64(count))
        if rte_ring_enqueue_bulk(ring.raw, UnsafeRawPointer(pkts).assumingMemoryBound(to: UnsafeMutableRawPointer?.self),
                                 UInt32(count), nil) == 0 {
            giveBackSlowly(pkts, count: count)
        }
    }

    /// The ring was full: wait for the lender to make room, and free the packets here only once
    /// the lender (the primary) is gone (then nobody else will; the owner mark is cleared first, as every free
    /// of a marked mbuf must).
    @usableFromInline @inline(never)
    func giveBackSlowly(_ pkts: UnsafeMutablePointer<OpaquePointer?>, count: Int) {
        let objs = UnsafeRawPointer(pkts).assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
        var spins = 0
        while rte_ring_enqueue_bulk(ring.raw, objs, UInt32(count), nil) == 0 {
            spins += 1
            if spins % 4096 == 0 && rte_eal_primary_proc_alive(nil) == 0 {
                for i in 0..<count {
                    let m = pkts[i]!
                    cdpdk_mbuf_set_dyn_u32(m, mark.offset, 0)
                    rte_pktmbuf_free(m)
                }
                return
            }
            rte_pause()
        }
    }
}
