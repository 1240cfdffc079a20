import CDPDK

/// A named lockless FIFO in shared memory (`struct rte_ring *`), carrying pool buffers or mbufs
/// from one process to another.
///
/// A borrowed handle: the primary creates the ring, secondaries look it up by name. Enqueueing
/// hands an object's ownership to whoever dequeues it.
public struct Ring: @unchecked Sendable {
    @usableFromInline let raw: OpaquePointer

    /// Producer/consumer synchronisation modes chosen at creation (`RING_F_*`).
    public struct Flags: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// Only one thread ever enqueues (`RING_F_SP_ENQ`).
        public static let singleProducer = Flags(rawValue: UInt32(RING_F_SP_ENQ))
        /// Only one thread ever dequeues (`RING_F_SC_DEQ`).
        public static let singleConsumer = Flags(rawValue: UInt32(RING_F_SC_DEQ))
    }

    /// Creates a ring (`rte_ring_create`). Primary only.
    /// - Parameter count: slots, a power of two; the ring holds at most `count - 1` objects.
    public static func create(name: String, count: Int, socket: SocketID = .current,
                              flags: Flags = []) throws(DPDKError) -> Ring {
        guard let r = rte_ring_create(name, UInt32(count), socket.rawValue, flags.rawValue) else {
            throw DPDKError.fromErrno("creating ring \(name)")
        }
        return Ring(raw: r)
    }

    /// Finds a ring the primary created (`rte_ring_lookup`).
    public static func lookup(name: String) throws(DPDKError) -> Ring {
        guard let r = rte_ring_lookup(name) else { throw DPDKError.fromErrno("looking up ring \(name)") }
        return Ring(raw: r)
    }

    /// The ring's name.
    public var name: String {
        String(cString: cdpdk_ring_name(raw))
    }
    /// Objects it can hold (`rte_ring_get_capacity`).
    public var capacity: Int { Int(rte_ring_get_capacity(raw)) }
    /// Objects in it now (`rte_ring_count`).
    public var count: Int { Int(rte_ring_count(raw)) }
    /// Free slots now (`rte_ring_free_count`).
    public var freeCount: Int { Int(rte_ring_free_count(raw)) }
    @inlinable public var isEmpty: Bool { rte_ring_empty(raw) != 0 }

    // MARK: pool buffers (simple_mp messages)

    /// Enqueues one buffer (`rte_ring_enqueue`). Returns it back when the ring is full.
    public func enqueue(_ buffer: consuming PoolBuffer) -> PoolBuffer? {
        let pool = buffer.pool
        let p = buffer.release()
        if rte_ring_enqueue(raw, p) == 0 { return nil }
        return PoolBuffer(owning: p, pool: pool)
    }

    /// Dequeues one buffer that belongs to `pool` (`rte_ring_dequeue`), or nil when empty.
    public func dequeue(from pool: Mempool) -> PoolBuffer? {
        var obj: UnsafeMutableRawPointer?
        guard rte_ring_dequeue(raw, &obj) == 0, let obj else { return nil }
        return PoolBuffer(owning: obj, pool: pool)
    }

    // MARK: mbufs (client_server_mp)

    /// Enqueues as many of the burst's mbufs as fit (`rte_ring_enqueue_burst`); the rest stay
    /// in the burst. Returns how many were enqueued.
    @inlinable @discardableResult
    public func enqueueBurst(_ burst: inout MbufBurst) -> Int {
        let n = Int(rte_ring_enqueue_burst(raw, UnsafeRawPointer(burst.front).assumingMemoryBound(to: UnsafeMutableRawPointer?.self),
                                           UInt32(burst.count), nil))
        burst.removeFront(n)
        return n
    }

    /// Enqueues all of the burst's mbufs or none (`rte_ring_enqueue_bulk`), as the C server does.
    /// Returns true when all were enqueued; on false the burst is unchanged.
    @inlinable
    public func enqueueAll(_ burst: inout MbufBurst) -> Bool {
        let n = Int(rte_ring_enqueue_bulk(raw, UnsafeRawPointer(burst.front).assumingMemoryBound(to: UnsafeMutableRawPointer?.self),
                                          UInt32(burst.count), nil))
        burst.removeFront(n)
        return n > 0 || burst.isEmpty
    }

    /// Dequeues up to the burst's free room (`rte_ring_dequeue_burst`) onto its end.
    /// Returns how many were dequeued.
    @inlinable @discardableResult
    public func dequeueBurst(into burst: inout MbufBurst) -> Int {
        let back = burst.back()
        let n = Int(rte_ring_dequeue_burst(raw, UnsafeMutableRawPointer(back).assumingMemoryBound(to: UnsafeMutableRawPointer?.self),
                                           UInt32(burst.room), nil))
        burst.appendedBack(n)
        return n
    }
}
