import CDPDK

/// Which worker each flow goes to: 256 buckets, picked by a flow hash, each naming a worker.
///
/// Every bucket has a home worker (bucket `b` belongs to worker `b % workers`, so the shares
/// differ by at most one bucket) and a current one. While all workers are live, every bucket is
/// at home. `assign(live:)` moves only the buckets whose current worker is not live, to the
/// live workers with the fewest buckets, and brings buckets home whose home worker is live again:
/// when one worker of N leaves, its `256 / N` buckets (1/N of the flows) move and no other flow
/// does; when it returns, exactly those come back. (`hash % N` would move about (N-1)/N of all
/// flows whenever N changed.)
///
/// Move-only, with its 256 entries allocated once: a datapath reads an entry with one load per
/// packet, with no copy of the table and no reference counting.
public struct BucketTable: ~Copyable {
    /// The number of buckets: a power of two, small enough to stay in four cache lines.
    public static let count = 256

    /// Workers this table distributes over, 1 ... 256.
    public let workers: Int
    /// Bucket -> worker, `count` entries.
    @usableFromInline let current: UnsafeMutablePointer<UInt8>

    /// A table with every bucket at home.
    public init(workers: Int) {
        precondition(workers >= 1 && workers <= Self.count, "BucketTable: 1 ... 256 workers")
        self.workers = workers
        current = .allocate(capacity: Self.count)
        for b in 0..<Self.count { current[b] = UInt8(b % workers) }
    }

    deinit { current.deallocate() }

    /// The worker of bucket `b`'s flows while every worker is live.
    @inlinable public func home(ofBucket b: Int) -> Int { b % workers }

    /// The worker bucket `b`'s flows go to now.
    @inlinable public func worker(ofBucket b: Int) -> Int { Int(current[b & 255]) }

    /// The bucket of a flow hash: its top eight bits (the best mixed of `FlowHash`'s).
    @inlinable @inline(__always)
    public static func bucket(forHash hash: UInt32) -> Int { Int(hash >> 24) }

    /// The worker for a packet whose flow hash is `hash`.
    @inlinable @inline(__always)
    public func worker(forHash hash: UInt32) -> Int { Int(current[Self.bucket(forHash: hash)]) }

    /// The buckets currently going to `worker`.
    public func buckets(of worker: Int) -> [Int] {
        (0..<Self.count).filter { Int(current[$0]) == worker }
    }

    /// Re-points the buckets for the workers `live` says are live (`live[w]`, one entry per
    /// worker): buckets whose home is live go home; buckets at a worker that is not live move to
    /// the live worker with the fewest buckets (the lowest index on a tie); the others stay.
    /// With no live worker nothing changes: there is nowhere to move to.
    /// - Returns: how many buckets changed worker.
    @discardableResult
    public mutating func assign(live: [Bool]) -> Int {
        precondition(live.count == workers, "assign(live:) needs one entry per worker")
        guard live.contains(true) else { return 0 }
        var next = (0..<Self.count).map { current[$0] }
        var orphans: [Int] = []
        var load = [Int](repeating: 0, count: workers)
        for b in 0..<Self.count {
            let home = b % workers
            if live[home] {
                next[b] = UInt8(home)
            } else if !live[Int(current[b])] {
                orphans.append(b)
                continue
            }
            load[Int(next[b])] += 1
        }
        for b in orphans {
            var best = -1
            for w in 0..<workers where live[w] && (best < 0 || load[w] < load[best]) { best = w }
            next[b] = UInt8(best)
            load[best] += 1
        }
        var moved = 0
        for b in 0..<Self.count where next[b] != current[b] {
            moved += 1
            current[b] = next[b]
        }
        return moved
    }
}

/// The worker picked for each packet of a burst (`BucketTable.pick`), by position in the burst:
/// storage allocated once, reused for every burst.
public struct BurstPicks: ~Copyable {
    @usableFromInline let slots: UnsafeMutablePointer<UInt8>
    /// Room: the largest burst it can hold picks for.
    public let capacity: Int

    /// Allocates room for the picks of bursts of up to `capacity` packets: the capacity of the
    /// ``MbufBurst`` it is used with (32 by default, as the burst's).
    public init(capacity: Int = 32) {
        precondition(capacity > 0)
        self.capacity = capacity
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
    }

    deinit { slots.deallocate() }

    /// The worker picked for the packet at position `i` of the last burst.
    @inlinable public subscript(i: Int) -> Int { Int(slots[i]) }
}

extension BucketTable {
    /// Picks the worker of every packet in `burst` by its symmetric flow hash (`FlowHash`): the
    /// packet at position i (first held is 0) goes to `picks[i]`. Prefetches every packet's headers
    /// first, so that the cache misses (nothing has read those lines since the PMD filled them)
    /// overlap each other and the hashing.
    @inlinable @inline(__always)
    public func pick(_ burst: borrowing MbufBurst, into picks: inout BurstPicks) {
        precondition(burst.count <= picks.capacity, "BurstPicks too small for the burst")
        let out = picks.slots
        var n = 0
        forEachWorker(burst) { worker, _ in
            out[n] = UInt8(truncatingIfNeeded: worker)
            n &+= 1
        }
    }

    /// Hands every mbuf of `burst`, first to last, to `body` with the worker its flow hash
    /// picks; the burst is empty afterwards. For a distributor's per-packet loop: hashing and
    /// handing out in one pass, with `body` inlined (no closure call or context at run time),
    /// and the headers of the whole burst prefetched before the first is hashed.
    /// `worker` is always below `workers`.
    ///
    /// If `body` traps, the mbufs not handed out yet are not freed (the process is ending).
    @inlinable @inline(__always)
    public func distribute(_ burst: inout MbufBurst, _ body: (_ worker: Int, consuming Mbuf) -> Void) {
        forEachWorker(burst) { worker, raw in body(worker, Mbuf(owning: raw)) }
        burst.head = 0
        burst.end = 0
    }

    /// The loop of `pick` and `distribute`: `body(worker, mbuf)` for every held mbuf, in order;
    /// the burst is left as it was (the caller says who owns the mbufs).
    ///
    /// Two passes: the first prefetches the headers of every packet in the burst, four at a
    /// time (one loop test per four; the mbufs themselves are in cache, the PMD has just written
    /// them), so that all the burst's misses are in flight together; the second hashes and hands
    /// out, one packet at a time (one copy of the hash in the code).
    @inlinable @inline(__always)
    func forEachWorker(_ burst: borrowing MbufBurst, _ body: (Int, OpaquePointer) -> Void) {
        let table = current, slots = burst.slots
        var i = burst.head
        let end = burst.end
        while end &- i >= 4 {
            Self.prefetchHeaders(slots[i].unsafelyUnwrapped)
            Self.prefetchHeaders(slots[i &+ 1].unsafelyUnwrapped)
            Self.prefetchHeaders(slots[i &+ 2].unsafelyUnwrapped)
            Self.prefetchHeaders(slots[i &+ 3].unsafelyUnwrapped)
            i &+= 4
        }
        while i < end {
            Self.prefetchHeaders(slots[i].unsafelyUnwrapped)
            i &+= 1
        }
        i = burst.head
        while i < end {
            let m = slots[i].unsafelyUnwrapped
            body(Self.worker(of: m, table), m)
            i &+= 1
        }
    }

    /// Prefetches the first cache line of the mbuf's data.
    @inlinable @inline(__always)
    static func prefetchHeaders(_ raw: OpaquePointer) {
        rte_prefetch0(cdpdk_mbuf_data(raw))
    }

    /// The worker of one mbuf: its first segment's flow hash, through `table`.
    @inlinable @inline(__always)
    static func worker(of raw: OpaquePointer, _ table: UnsafeMutablePointer<UInt8>) -> Int {
        let hash = FlowHash.symmetric(UnsafeRawPointer(cdpdk_mbuf_data(raw).unsafelyUnwrapped),
                                      length: Int(cdpdk_mbuf_data_len(raw)))
        return Int(table[bucket(forHash: hash)])
    }
}
