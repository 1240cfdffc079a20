import CDPDK

// Taking back what a dead process held. DPDK's shared objects assume their users do not die
// half-way through an operation; these calls let a survivor that knows exactly which process
// died, and that the dead process was the only user of one side of a ring, undo its half-done
// operations and recover the mbufs it held. None of them is safe while that side is in use.

/// Head and tail of a ring's producer and consumer sides: a diagnostic view.
public struct RingPositions: Equatable, Sendable, CustomStringConvertible {
    /// Where the next enqueue starts: moved by a producer before it writes its entries.
    public let producerHead: UInt32
    /// The end of what producers have published: moved once their entries are written.
    public let producerTail: UInt32
    /// Where the next dequeue starts: moved by a consumer before it copies its entries out.
    public let consumerHead: UInt32
    /// The end of what consumers have released: moved once their entries are copied.
    public let consumerTail: UInt32
    /// True when a producer or consumer moved its head and has not (yet) moved its tail.
    public var hasOperationInProgress: Bool { producerHead != producerTail || consumerHead != consumerTail }
    /// `prod HEAD/TAIL cons HEAD/TAIL`.
    public var description: String {
        "prod \(producerHead)/\(producerTail) cons \(consumerHead)/\(consumerTail)"
    }

    init(_ ring: OpaquePointer) {
        producerHead = cdpdk_ring_prod_head(ring); producerTail = cdpdk_ring_prod_tail(ring)
        consumerHead = cdpdk_ring_cons_head(ring); consumerTail = cdpdk_ring_cons_tail(ring)
    }
}

extension Ring where Element: ~Copyable {
    /// The ring's head and tail positions now.
    public var positions: RingPositions { RingPositions(raw) }

    /// Empties a single-consumer ring whose consumer has died, forgetting a dequeue it had
    /// started (the entries it had copied out are in the dead process's hands: recover those by
    /// other means, such as an owner mark). Returns the number of entries discarded. The
    /// pointers are dropped, not freed.
    ///
    /// Safe only while no other thread dequeues from this ring.
    public func unsafeDiscardAfterDeadConsumer() -> Int {
        cdpdk_ring_forget_partial_dequeue(raw)
        var discarded = 0
        var scratch: UnsafeMutableRawPointer? = nil
        while rte_ring_dequeue(raw, &scratch) == 0 { discarded += 1 }
        return discarded
    }

    /// Forgets a dequeue that a dead single consumer had started and not finished (head moved,
    /// tail not): those entries stay in the ring for the next consumer.
    ///
    /// Safe only while no other thread dequeues from this ring.
    public func unsafeForgetDequeueOfDeadConsumer() {
        cdpdk_ring_forget_partial_dequeue(raw)
    }

    /// Forgets an enqueue that a dead single producer had started and not finished (head moved,
    /// tail not): the entries it may have written were never published, and are still the dead
    /// process's. What it had published stays in the ring for the consumer.
    ///
    /// Safe only while no other thread enqueues to this ring.
    public func unsafeForgetEnqueueOfDeadProducer() {
        cdpdk_ring_forget_partial_enqueue(raw)
    }
}

extension PacketPool {
    /// Frees every mbuf of the pool whose dynamic field `field` holds `value`, after clearing the
    /// field and making the caller the only reference holder of every segment: the recovery of
    /// the mbufs a dead process held, when every mbuf handed to it carried that mark and every
    /// path that returns an mbuf to the pool clears the mark first. Returns how many were freed.
    ///
    /// Safe only if no live thread holds an mbuf with that mark, and none will set it meanwhile.
    /// Walks every object of the pool (`rte_mempool_obj_iter`): milliseconds, not for a datapath.
    public func unsafeReclaim(marked field: MbufField, value: UInt32) -> Int {
        var search = MarkSearch(offset: field.offset, value: value)
        withUnsafeMutablePointer(to: &search) { ctx in
            _ = rte_mempool_obj_iter(mempool.raw, { _, arg, obj, _ in
                let search = arg!.assumingMemoryBound(to: MarkSearch.self)
                let m = OpaquePointer(obj!)
                if cdpdk_mbuf_dyn_u32(m, search.pointee.offset) == search.pointee.value {
                    search.pointee.found.append(m)
                }
            }, ctx)
        }
        for m in search.found {
            cdpdk_mbuf_set_dyn_u32(m, field.offset, 0)
            cdpdk_mbuf_own_all_segs(m)
            rte_pktmbuf_free(m)
        }
        return search.found.count
    }
}

/// The state `unsafeReclaim` threads through `rte_mempool_obj_iter`'s callback.
private struct MarkSearch {
    let offset: Int32
    let value: UInt32
    var found: [OpaquePointer] = []
}

extension PacketPool {
    /// Rebuilds a pool that a dead process was the only user of: every lcore cache and the ring
    /// are emptied (whatever a half-finished operation left there is forgotten), and every object
    /// of the pool goes back into the ring as a free mbuf. Returns how many objects were neither
    /// in the ring nor in a cache before: what the dead process held. Ring-backed pools only
    /// (nil otherwise, and nothing is done).
    ///
    /// Safe only when no thread of any process uses the pool, and no device holds any of its
    /// mbufs (an RX queue that pre-allocates, such as net_tap's, does): those would be freed
    /// under the device.
    public func unsafeRebuildUnused() -> Int? {
        guard mempool.storeRing != nil else { return nil }
        let missing = mempool.size - mempool.availableCount
        var objects: [UnsafeMutableRawPointer?] = []
        objects.reserveCapacity(mempool.size)
        withUnsafeMutablePointer(to: &objects) { ctx in
            _ = rte_mempool_obj_iter(mempool.raw, { _, arg, obj, _ in
                arg!.assumingMemoryBound(to: [UnsafeMutableRawPointer?].self).pointee.append(obj)
            }, ctx)
        }
        for obj in objects { cdpdk_mbuf_make_free(OpaquePointer(obj!)) }
        let ret = objects.withUnsafeBufferPointer {
            cdpdk_mempool_reset_with(mempool.raw, $0.baseAddress, UInt32($0.count))
        }
        precondition(ret == 0, "a pool's ring takes all of its objects back")
        return missing
    }
}
