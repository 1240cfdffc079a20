import CDPDK

/// A named pool of fixed-size objects in shared memory (`struct rte_mempool *`).
///
/// A borrowed handle: the primary creates the pool, secondaries look it up by name, and both use
/// the same objects. The handle itself owns nothing and may be copied freely.
public struct Mempool: @unchecked Sendable {
    @usableFromInline let raw: OpaquePointer

    init(raw: OpaquePointer) { self.raw = raw }

    /// Creates a pool (`rte_mempool_create`, no constructors, as simple_mp does). Primary only.
    public static func create(name: String, count: Int, elementSize: Int, cacheSize: Int = 0,
                              socket: SocketID = .current) throws(DPDKError) -> Mempool {
        guard let p = rte_mempool_create(name, UInt32(count), UInt32(elementSize), UInt32(cacheSize), 0,
                                         nil, nil, nil, nil, socket.rawValue, 0) else {
            throw DPDKError.fromErrno("creating mempool \(name)")
        }
        return Mempool(raw: p)
    }

    /// Finds a pool the primary created (`rte_mempool_lookup`).
    public static func lookup(name: String) throws(DPDKError) -> Mempool {
        guard let p = rte_mempool_lookup(name) else { throw DPDKError.fromErrno("looking up mempool \(name)") }
        return Mempool(raw: p)
    }

    /// The pool's name.
    public var name: String {
        String(cString: cdpdk_mempool_name(raw))
    }
    /// Size of each object in bytes.
    public var elementSize: Int { Int(cdpdk_mempool_elt_size(raw)) }
    /// Number of objects the pool holds in all.
    public var size: Int { Int(cdpdk_mempool_size(raw)) }
    /// Objects currently free, including those in per-lcore caches (`rte_mempool_avail_count`).
    public var availableCount: Int { Int(rte_mempool_avail_count(raw)) }
    /// Objects currently taken (`rte_mempool_in_use_count`).
    public var inUseCount: Int { Int(rte_mempool_in_use_count(raw)) }

    /// The name of the mempool ops (the common store's driver) the pool was made with:
    /// `ring_mp_mc`, `ring_mt_rts`, `stack`, ...
    public var opsName: String { String(cString: cdpdk_mempool_ops_of(raw)) }

    /// The pool's common store, when it is a ring (the `ring_*` ops). Internal: its entries are
    /// bare objects of the pool, not owned values of any type.
    var storeRing: OpaquePointer? { cdpdk_mempool_ring(raw) }

    /// Head and tail positions of the pool's common store, when it is a ring (the `ring_*` ops):
    /// a health check sees there an operation that a process died inside and never finished.
    public var storePositions: RingPositions? { storeRing.map(RingPositions.init) }

    /// The mempool ops names this process can create pools with, in registration order (the
    /// order is the ops index, which must agree between the processes that share a pool). Valid
    /// once the EAL has loaded its drivers.
    public static var availableOps: [String] {
        (0..<cdpdk_mempool_ops_count()).map { String(cString: cdpdk_mempool_ops_name($0)) }
    }

    /// Takes an object from the pool (`rte_mempool_get`).
    /// - Throws: `DPDKError` when the pool is empty (`ENOBUFS` from DPDK 22.11's ring-backed
    ///   pools, although `rte_mempool_get`'s documentation says `ENOENT`).
    public func get() throws(DPDKError) -> PoolBuffer {
        var obj: UnsafeMutableRawPointer?
        let ret = rte_mempool_get(raw, &obj)
        guard ret == 0, let obj else { throw DPDKError(code: -ret, attempted: "taking a buffer from mempool \(name)") }
        return PoolBuffer(owning: obj, pool: self)
    }
}

/// One object taken from a `Mempool`, returned to it exactly once (`rte_mempool_put` in `deinit`),
/// unless a consuming call such as `Ring.enqueue` hands it on.
public struct PoolBuffer: ~Copyable {
    let pointer: UnsafeMutableRawPointer
    /// The pool the buffer returns to.
    public let pool: Mempool

    init(owning pointer: UnsafeMutableRawPointer, pool: Mempool) {
        self.pointer = pointer
        self.pool = pool
    }

    deinit {
        if cdpdk_eal_is_up() == 0 { outlivedEAL("a PoolBuffer") }
        rte_mempool_put(pool.raw, pointer)
    }

    /// Gives up ownership without returning the object to its pool.
    consuming func release() -> UnsafeMutableRawPointer {
        let p = pointer
        discard self
        return p
    }

    /// Size of the object in bytes.
    public var count: Int { pool.elementSize }

    /// Calls `body` with the object's bytes. Do not let the pointer escape `body`.
    public func withUnsafeMutableBytes<R, E: Error>(_ body: (UnsafeMutableRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(UnsafeMutableRawBufferPointer(start: pointer, count: count))
    }

    /// Stores `text` as a NUL-terminated C string, truncated to fit (like `strlcpy`).
    public func storeCString(_ text: String) {
        withUnsafeMutableBytes { buf in
            let utf8 = Array(text.utf8.prefix(buf.count - 1))
            buf.copyBytes(from: utf8)
            buf[utf8.count] = 0
        }
    }

    /// Reads the object as a NUL-terminated C string (up to its size).
    public func loadCString() -> String {
        withUnsafeMutableBytes { buf in
            String(decoding: UnsafeRawBufferPointer(buf).prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}

/// A named pool of packet mbufs (`rte_pktmbuf_pool_create`), shared by all processes of a group.
///
/// Its objects leave it only as `Mbuf`s: the underlying `Mempool` is not public, so no code can
/// take an mbuf out as a raw `PoolBuffer` and write over its header.
public struct PacketPool: @unchecked Sendable {
    /// The underlying mempool.
    let mempool: Mempool

    /// The pool's name.
    public var name: String { mempool.name }
    /// Number of mbufs the pool holds in all.
    public var size: Int { mempool.size }
    /// Mbufs currently free, including those in per-lcore caches (`rte_mempool_avail_count`).
    public var availableCount: Int { mempool.availableCount }
    /// Mbufs currently taken (`rte_mempool_in_use_count`).
    public var inUseCount: Int { mempool.inUseCount }
    /// The mempool ops the pool was made with (`ring_mt_rts`, `ring_mp_mc`, `stack`, ...).
    public var opsName: String { mempool.opsName }
    /// Head and tail positions of the pool's ring, for ring-backed ops (see `Mempool.storePositions`).
    public var storePositions: RingPositions? { mempool.storePositions }

    /// Creates a packet pool. Primary only.
    /// - Parameters:
    ///   - name: the pool's name, by which secondaries look it up (`RTE_MEMPOOL_NAMESIZE` - 1
    ///     bytes at most).
    ///   - count: mbufs in the pool; a power of two minus one fills its ring exactly.
    ///   - cacheSize: free mbufs each lcore keeps for itself (0 for none); at most
    ///     `RTE_MEMPOOL_CACHE_MAX_SIZE` (512) and `count / 1.5`.
    ///   - privateSize: bytes of application data after each mbuf's header, 0 by default.
    ///   - socket: the NUMA socket to allocate on; the calling lcore's by default.
    ///   - dataRoomSize: buffer size per mbuf, `RTE_MBUF_DEFAULT_BUF_SIZE` (2176) by default.
    ///   - ops: the mempool ops of the common store (`rte_pktmbuf_pool_create_by_ops`), one of
    ///     `Mempool.availableOps`; nil for DPDK's default (`ring_mp_mc`).
    public static func create(name: String, count: Int, cacheSize: Int, privateSize: Int = 0,
                              dataRoomSize: Int = PacketPool.defaultDataRoomSize,
                              ops: String? = nil,
                              socket: SocketID = .current) throws(DPDKError) -> PacketPool {
        guard let p = rte_pktmbuf_pool_create_by_ops(name, UInt32(count), UInt32(cacheSize), UInt16(privateSize),
                                                     UInt16(dataRoomSize), socket.rawValue, ops) else {
            throw DPDKError.fromErrno("creating mbuf pool \(name) of \(count) mbufs" + (ops.map { " with ops \($0)" } ?? ""))
        }
        return PacketPool(mempool: Mempool(raw: p))
    }

    /// Finds a packet pool the primary created (`rte_mempool_lookup`).
    public static func lookup(name: String) throws(DPDKError) -> PacketPool {
        PacketPool(mempool: try Mempool.lookup(name: name))
    }

    /// `RTE_MBUF_DEFAULT_BUF_SIZE`: 2048 bytes of data room plus the headroom.
    public static let defaultDataRoomSize = 2048 + Int(RTE_PKTMBUF_HEADROOM)

    /// Allocates an empty packet (`rte_pktmbuf_alloc`).
    /// - Throws: `DPDKError` (`ENOMEM`) when the pool is exhausted.
    public func allocate() throws(DPDKError) -> Mbuf {
        guard let m = rte_pktmbuf_alloc(mempool.raw) else {
            throw DPDKError(code: ENOMEM, attempted: "allocating an mbuf from \(mempool.name)")
        }
        return Mbuf(owning: m)
    }

    /// Allocates a packet holding a copy of `bytes`.
    public func allocate(copying bytes: some Collection<UInt8>) throws(DPDKError) -> Mbuf {
        var m = try allocate()
        try m.append(bytes)
        return m
    }
}
