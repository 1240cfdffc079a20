import Glibc
import MPCore
import Synchronization

/// Receivers that have started: the prompt appears only after their "Starting core" lines.
let receiversStarted = Atomic<Int>(0)

/// The worker lcores' loop (C `lcore_recv`): print each message from the other process and
/// return its buffer to the pool, until asked to stop.
func receiveMessages(from ring: Ring<PoolBuffer>, pool: Mempool) -> Int32 {
    let lcore = LcoreID.current
    print("Starting core \(lcore)")
    receiversStarted.add(1, ordering: .releasing)
    while !Shutdown.requested {
        guard let message = ring.dequeue(from: pool) else {
            usleep(5)
            continue
        }
        print("core \(lcore): Received '\(message.loadCString())'")
        // `message` goes back to the pool here.
    }
    return 0
}
