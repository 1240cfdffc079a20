import CDPDK
import Glibc

/// A thread of this process that is not an lcore (`rte_ctrl_thread_create`): named, and on
/// the EAL's control CPU set, like DPDK's own telemetry and interrupt threads. For work beside
/// the datapath (sampling rates, watching client processes); never for packets.
public struct ControlThread: ~Copyable, Sendable {
    private let thread: pthread_t

    /// Starts `body` on a new control thread named `name` (15 characters at most shown).
    /// - Throws: `DPDKError` when the thread cannot be created.
    public init(name: String, _ body: @escaping @Sendable () -> Void) throws(DPDKError) {
        let box = Unmanaged.passRetained(ThreadBox(body)).toOpaque()
        var thread = pthread_t()
        let ret = rte_ctrl_thread_create(&thread, name, nil, { arg in
            Unmanaged<ThreadBox>.fromOpaque(arg!).takeRetainedValue().body()
            return nil
        }, box)
        if ret != 0 {
            Unmanaged<ThreadBox>.fromOpaque(box).release()
            throw DPDKError(code: ret < 0 ? -ret : ret, attempted: "starting control thread \(name)")
        }
        self.thread = thread
    }

    /// Waits for the thread's body to return: before the EAL is cleaned up.
    public consuming func join() {
        pthread_join(thread, nil)
        discard self
    }

    /// A thread dropped without `join()` is joined here: its body must return by then.
    deinit { pthread_join(thread, nil) }
}

/// Carries a Swift closure through `rte_ctrl_thread_create`'s `void *arg`.
private final class ThreadBox {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
}
