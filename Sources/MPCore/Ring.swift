import CDPDK

/// A named lockless FIFO in shared memory (`struct rte_ring *`) that carries one kind of owned
/// object from one process to another: packets (`Ring<Mbuf>`, client_server_mp) or pool buffers
/// (`Ring<PoolBuffer>`, simple_mp's messages).
///
/// The element type is fixed when the ring is created or looked up, so a ring of packets cannot
/// be handed a pool buffer, nor the reverse: DPDK's rings store bare pointers, and a process that
/// dequeued an object of the wrong kind would free it into the wrong pool. Every process must of
/// course look the ring up with the type its creator used; the name is the contract.
///
/// A borrowed handle: the primary creates the ring, secondaries look it up by name, and the handle
/// may be copied freely. Enqueueing hands an object's ownership to whoever dequeues it.
public struct Ring<Element: ~Copyable>: @unchecked Sendable {
    @usableFromInline let raw: OpaquePointer

    @usableFromInline init(raw: OpaquePointer) { self.raw = raw }
}

/// Producer/consumer synchronisation modes chosen at ring creation (`RING_F_*`).
public struct RingFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Only one thread ever enqueues (`RING_F_SP_ENQ`).
    public static let singleProducer = RingFlags(rawValue: UInt32(RING_F_SP_ENQ))
    /// Only one thread ever dequeues (`RING_F_SC_DEQ`).
    public static let singleConsumer = RingFlags(rawValue: UInt32(RING_F_SC_DEQ))
}

extension Ring where Element: ~Copyable {
    /// Creates a ring (`rte_ring_create`). Usually the primary's job; any process of the group
    /// may create one, and it stays for the life of the group.
    /// - Parameters:
    ///   - name: the ring's name, by which other processes look it up (`RTE_RING_NAMESIZE` - 1
    ///     bytes at most).
    ///   - count: slots, a power of two; the ring holds at most `count - 1` objects.
    ///   - socket: the NUMA socket to allocate on; the calling lcore's by default.
    ///   - flags: `.singleProducer` and `.singleConsumer` when only one thread will ever
    ///     enqueue, or dequeue: cheaper than the multi-thread default.
    public static func create(name: String, count: Int, socket: SocketID = .current,
                              flags: RingFlags = []) throws(DPDKError) -> Ring {
        guard let r = rte_ring_create(name, UInt32(count), socket.rawValue, flags.rawValue) else {
            throw DPDKError.fromErrno("creating ring \(name)")
        }
        return Ring(raw: r)
    }

    /// Finds a ring the primary created (`rte_ring_lookup`). The caller states what it carries.
    public static func lookup(name: String) throws(DPDKError) -> Ring {
        guard let r = rte_ring_lookup(name) else { throw DPDKError.fromErrno("looking up ring \(name)") }
        return Ring(raw: r)
    }

    /// The ring's name.
    public var name: String { String(cString: cdpdk_ring_name(raw)) }
    /// Objects it can hold (`rte_ring_get_capacity`).
    public var capacity: Int { Int(rte_ring_get_capacity(raw)) }
    /// Objects in it now (`rte_ring_count`).
    public var count: Int { Int(rte_ring_count(raw)) }
    /// Free slots now (`rte_ring_free_count`).
    public var freeCount: Int { Int(rte_ring_free_count(raw)) }
    /// True when it holds nothing now (`rte_ring_empty`).
    @inlinable public var isEmpty: Bool { rte_ring_empty(raw) != 0 }
}

// MARK: pool buffers (simple_mp messages)

extension Ring where Element == PoolBuffer {
    /// Enqueues one buffer (`rte_ring_enqueue`). Returns it back when the ring is full.
    public func enqueue(_ buffer: consuming PoolBuffer) -> PoolBuffer? {
        let pool = buffer.pool
        let p = buffer.release()
        if rte_ring_enqueue(raw, p) == 0 { return nil }
        return PoolBuffer(owning: p, pool: pool)
    }

    /// Dequeues one buffer (`rte_ring_dequeue`), or nil when empty. `pool` is the pool every
    /// buffer on this ring comes from, which it returns to when dropped.
    public func dequeue(from pool: Mempool) -> PoolBuffer? {
        var obj: UnsafeMutableRawPointer?
        guard rte_ring_dequeue(raw, &obj) == 0, let obj else { return nil }
        return PoolBuffer(owning: obj, pool: pool)
    }
}

// MARK: packets (client_server_mp)

extension Ring where Element == Mbuf {
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
