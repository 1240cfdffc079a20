// Beyond the C sample: a process killed inside an operation on the mbuf pool's ring (a C client,
// which frees into the pool, or any DPDK tool attached to the group) leaves the ring's head ahead
// of its tail for good, and every later user of that side waits forever. Swift clients never
// touch the pool; this check makes such damage loud instead of a silent starvation.
import MPCore
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
        if report {
            damaged.store(true, ordering: .relaxed)
            serverLog("ERROR: the mbuf pool's ring (\(pool.opsName)) has been stuck mid-operation for 300 ms (\(now)): "
                      + "a process died inside it; its users will wait forever. Restart the group.", level: .error)
        }
    }
}
