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
/// A plain value with inline storage: a datapath keeps it in a local and reads it with one load
/// per packet, without reference counting.
public struct BucketTable: Sendable {
    /// The number of buckets: a power of two, small enough to stay in four cache lines.
    public static let count = 256

    /// Workers this table distributes over, 1 ... 256.
    public let workers: Int
    @usableFromInline var current: InlineArray<256, UInt8>

    /// A table with every bucket at home.
    public init(workers: Int) {
        precondition(workers >= 1 && workers <= Self.count, "BucketTable: 1 ... 256 workers")
        self.workers = workers
        current = InlineArray(repeating: 0)
        for b in 0..<Self.count { current[b] = UInt8(b % workers) }
    }

    /// The worker of bucket `b`'s flows while every worker is live.
    @inlinable public func home(ofBucket b: Int) -> Int { b % workers }

    /// The worker bucket `b`'s flows go to now.
    @inlinable public func worker(ofBucket b: Int) -> Int { Int(current[b & 255]) }

    /// The worker for a packet whose flow hash is `hash`.
    @inlinable @inline(__always)
    public func worker(forHash hash: UInt32) -> Int { Int(current[Int(hash & 255)]) }

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
        var next = current
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
        for b in 0..<Self.count where next[b] != current[b] { moved += 1 }
        current = next
        return moved
    }
}
