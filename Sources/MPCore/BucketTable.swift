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
    /// packet at position i (first held is 0) goes to `picks[i]`. One plain loop that prefetches
    /// the headers of the packet four places ahead while it hashes this one, so that the cache
    /// misses (nothing has read those lines since the PMD filled them) overlap the work.
    @inlinable @inline(__always)
    public func pick(_ burst: borrowing MbufBurst, into picks: inout BurstPicks) {
        precondition(burst.count <= picks.capacity, "BurstPicks too small for the burst")
        let table = current, out = picks.slots
        var i = burst.head, n = 0
        let end = burst.end
        let ahead = 4
        var p = i
        while p < end && p < i &+ ahead {
            rte_prefetch0(cdpdk_mbuf_data(burst.slots[p].unsafelyUnwrapped))
            p &+= 1
        }
        while i < end {
            if i &+ ahead < end { rte_prefetch0(cdpdk_mbuf_data(burst.slots[i &+ ahead].unsafelyUnwrapped)) }
            let raw = burst.slots[i].unsafelyUnwrapped
            let hash = FlowHash.symmetric(UnsafeRawPointer(cdpdk_mbuf_data(raw).unsafelyUnwrapped),
                                          length: Int(cdpdk_mbuf_data_len(raw)))
            out[n] = table[Self.bucket(forHash: hash)]
            i &+= 1
            n &+= 1
        }
    }
}
