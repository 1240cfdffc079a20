// Beyond the C sample: a process killed inside an operation on the mbuf pool's ring (a C client,
// which frees into the pool, a Swift client without --reclaim, or any DPDK tool attached to the
// group) leaves the ring's head ahead of its tail for good, and every later user of that side
// waits forever. With --reclaim Swift clients never touch the pool; this check makes such damage
// loud instead of a silent starvation.
import Glibc
import MPCore
import SampleSupport
import Synchronization

/// Watches the pool's ring for an operation that never finishes.
final class PoolHealth: Sendable {
    /// Set once the ring was seen stuck: the server then exits non-zero.
    let damaged = Atomic<Bool>(false)
    private let last = Mutex<(positions: RingPositions?, sameFor: Int)>((nil, 0))

    /// Called every 100 ms by the monitor: the same unfinished operation three times running
    /// (300 ms; a live process finishes one in microseconds) is reported, once.
    func check(_ pool: PacketPool) {
        guard let now = pool.storePositions else { return }
        let report: Bool = last.withLock { state in
            if now.hasOperationInProgress && now == state.positions {
                state.sameFor += 1
            } else {
                state.sameFor = 0
            }
            state.positions = now
            return state.sameFor == 3
        }
        if report { reportDamage(pool, now) }
    }

    /// Whether a free into the pool can finish: true at once when no operation on its ring is in
    /// progress, or as soon as the operations in progress move on; false when the same one stays
    /// unfinished for 300 ms (the damage is then reported as `check` reports it). For the
    /// monitor, which must not wait for ever inside a free into a ring a process died in (a
    /// client that frees into the pool itself, without --reclaim).
    func isUsable(_ pool: PacketPool) -> Bool {
        guard var seen = pool.storePositions else { return true }
        var since = monotonicNanoseconds()
        while seen.hasOperationInProgress {
            usleep(1_000)
            guard let now = pool.storePositions else { return true }
            if now != seen {
                seen = now
                since = monotonicNanoseconds()
            } else if monotonicNanoseconds() &- since > 300_000_000 {
                reportDamage(pool, now)
                return false
            }
        }
        return true
    }

    /// Marks the pool damaged and says so, once.
    private func reportDamage(_ pool: PacketPool, _ positions: RingPositions) {
        guard damaged.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return }
        serverLog("ERROR: the mbuf pool's ring (\(pool.opsName)) has been stuck mid-operation for 300 ms (\(positions)): "
                  + "a process died inside it; its users will wait forever. Restart the group.", level: .error)
    }
}
