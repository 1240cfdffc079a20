import CDPDK

/// One packet buffer (`struct rte_mbuf *`), owned by exactly one holder at a time.
///
/// `Mbuf` is move-only: it is freed exactly once, by its `deinit` (`rte_pktmbuf_free`), or handed
/// on by a consuming call (a transmit, a ring enqueue, a burst append). Using it after handing it
/// on, or freeing it twice, does not compile.
@frozen public struct Mbuf: ~Copyable {
    @usableFromInline let raw: OpaquePointer

    /// Takes ownership of a raw mbuf. Internal: raw pointers stay inside MPCore.
    @inlinable init(owning raw: OpaquePointer) { self.raw = raw }

    @inlinable deinit {
        // One relaxed load of a C global: an mbuf freed after rte_eal_cleanup would write into
        // memory that is no longer mapped.
        if _slowPath(cdpdk_eal_is_up() == 0) { outlivedEAL("an Mbuf") }
        rte_pktmbuf_free(raw)
    }

    /// Gives up ownership without freeing: the caller now owns the raw mbuf.
    @inlinable consuming func release() -> OpaquePointer {
        let r = raw
        discard self
        return r
    }

    /// The port the packet arrived on (`mbuf->port`).
    @inlinable public var port: PortID {
        get { PortID(cdpdk_mbuf_port(raw)) }
        set { cdpdk_mbuf_set_port(raw, newValue.rawValue) }
    }

    /// Total packet length over all segments (`pkt_len`).
    @inlinable public var packetLength: Int { Int(cdpdk_mbuf_pkt_len(raw)) }

    /// Length of the data in the first segment (`data_len`).
    @inlinable public var dataLength: Int { Int(cdpdk_mbuf_data_len(raw)) }

    /// The RSS hash the port computed (`hash.rss`), when the port has RSS enabled.
    @inlinable public var rssHash: UInt32 { cdpdk_mbuf_rss_hash(raw) }

    /// Calls `body` with the first segment's data. Do not let the pointer escape `body`.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeRawBufferPointer(start: cdpdk_mbuf_data(raw), count: dataLength))
    }

    /// The packet's bytes (first segment), copied: for tests and diagnostics, not the datapath.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    /// Appends bytes to the packet (`rte_pktmbuf_append`).
    /// - Throws: `DPDKError` (`ENOSPC`) when the segment has no room for them.
    public mutating func append(_ bytes: some Collection<UInt8>) throws(DPDKError) {
        let count = bytes.count
        guard count <= UInt16.max, let dst = cdpdk_mbuf_append(raw, UInt16(count)) else {
            throw DPDKError(code: ENOSPC, attempted: "appending \(count) bytes to an mbuf")
        }
        let buffer = UnsafeMutableRawBufferPointer(start: dst, count: count)
        buffer.copyBytes(from: bytes)
    }
}

/// Fixed storage for a burst of mbufs, allocated once and reused for every burst.
///
/// The burst owns the mbufs it holds: what is still in it when it is dropped is freed. Receives
/// and dequeues append to it; transmits and enqueues remove what they sent from the front and
/// leave what was refused, so the caller decides: retry, or `free()` and count a drop.
public struct MbufBurst: ~Copyable {
    @usableFromInline let slots: UnsafeMutablePointer<OpaquePointer?>
    /// How many mbufs the burst can hold.
    public let capacity: Int
    /// Index of the first mbuf still held; `[head, end)` are owned.
    @usableFromInline var head: Int = 0
    @usableFromInline var end: Int = 0

    /// Allocates storage for `capacity` mbufs (32, the samples' burst size, by default).
    public init(capacity: Int = 32) {
        precondition(capacity > 0 && capacity <= Int(UInt16.max), "burst capacity must be 1...65535")
        self.capacity = capacity
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: nil, count: capacity)
    }

    deinit {
        if end > head {
            if cdpdk_eal_is_up() == 0 { outlivedEAL("an MbufBurst holding packets") }
            rte_pktmbuf_free_bulk(slots + head, UInt32(end - head))
        }
        slots.deallocate()
    }

    /// Number of mbufs held.
    @inlinable public var count: Int { end &- head }
    /// True when it holds no mbuf.
    @inlinable public var isEmpty: Bool { end == head }
    /// True when it holds `capacity` mbufs.
    @inlinable public var isFull: Bool { end &- head == capacity }

    /// Adds an mbuf at the end. The burst must not be full.
    @inlinable public mutating func append(_ mbuf: consuming Mbuf) {
        if end == capacity { compact() }
        precondition(end < capacity, "MbufBurst is full")
        slots[end] = mbuf.release()
        end &+= 1
    }

    /// Moves the held mbufs to the start of the slots, after `popFirst` or a partial send left
    /// a gap there. Rare: a datapath that sends or frees whole bursts never needs it.
    @usableFromInline mutating func compact() {
        guard head > 0 else { return }
        let n = end &- head
        if n > 0 { slots.moveInitialize(from: slots + head, count: n) } // overlapping: memmove
        head = 0
        end = n
    }

    /// Removes and returns the first mbuf, or nil when empty.
    @inlinable public mutating func popFirst() -> Mbuf? {
        guard head < end else { return nil }
        let raw = slots[head].unsafelyUnwrapped
        head &+= 1
        if head == end { head = 0; end = 0 }
        return Mbuf(owning: raw)
    }

    /// Frees every mbuf held and returns how many that was: the drop count after a partial send.
    @inlinable @discardableResult public mutating func free() -> Int {
        let n = end &- head
        if n > 0 { rte_pktmbuf_free_bulk(slots + head, UInt32(n)) }
        head = 0
        end = 0
        return n
    }

    // The seam for the send- and receive-like calls in Port, Ring and TxBuffer: plain pointer
    // arithmetic rather than closures, so nothing but the DPDK call itself runs per burst.

    /// The held mbufs as a C array: a send-like call takes ownership of the first `sent`.
    @inlinable var front: UnsafeMutablePointer<OpaquePointer?> { slots + head }

    /// Records that a send-like call took the first `sent` mbufs.
    @inlinable mutating func removeFront(_ sent: Int) {
        head &+= sent
        if head == end { head = 0; end = 0 }
    }

    /// The free tail as a C array, after compacting; room for `capacity - end`.
    @inlinable mutating func back() -> UnsafeMutablePointer<OpaquePointer?> {
        if head != 0 { compact() }
        return slots + end
    }

    /// Free slots at the end.
    @inlinable var room: Int { capacity &- end }

    /// Records that a receive-like call filled `got` slots at the end.
    @inlinable mutating func appendedBack(_ got: Int) { end &+= got }
}

extension Mbuf {
    /// The first segment's data (`rte_pktmbuf_mtod`), for MPCore's packet rewriters
    /// (`ForwardingEngine`). Internal: raw pointers stay inside MPCore.
    @inlinable var data: UnsafeMutableRawPointer { cdpdk_mbuf_data(raw).unsafelyUnwrapped }
}

/// Stops the process with a clear message when an object that frees into DPDK's shared memory
/// outlives the EAL (see `EAL.run`).
@usableFromInline @inline(never)
func outlivedEAL(_ what: StaticString) -> Never {
    fatalError("MPCore: \(what) was freed after the EAL's cleanup; packets, TX buffers and pool buffers must end inside EAL.run")
}
