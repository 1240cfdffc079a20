import CDPDK
import Glibc

/// A DPDK control thread (`rte_ctrl_thread_create`): a named thread off the lcores, on the CPUs
/// the EAL leaves to control work, for housekeeping that must not share an lcore's loop.
public struct ControlThread: ~Copyable {
    private let thread: pthread_t

    /// Starts `body` on a new control thread named `name` (at most 15 characters show).
    public init(name: String, _ body: @escaping @Sendable () -> Void) throws(DPDKError) {
        let box = Unmanaged.passRetained(ThreadBox(body)).toOpaque()
        var thread = pthread_t()
        let ret = rte_ctrl_thread_create(&thread, name, nil, { arg in
            let box = Unmanaged<ThreadBox>.fromOpaque(arg!).takeRetainedValue()
            box.body()
            return nil
        }, box)
        if ret != 0 {
            Unmanaged<ThreadBox>.fromOpaque(box).release()
            throw DPDKError(code: ret < 0 ? -ret : ret, attempted: "starting control thread \(name)")
        }
        self.thread = thread
    }

    /// Waits for the thread's body to return.
    public consuming func join() {
        pthread_join(thread, nil)
        discard self
    }

    deinit { pthread_join(thread, nil) }
}

private final class ThreadBox {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
}
