import Glibc
import Synchronization

/// The process-wide stop request that SIGINT and SIGTERM set.
///
/// DPDK functions are not async-signal-safe, so the handler does nothing but store to an atomic;
/// datapath loops poll `Shutdown.requested` (a relaxed load) once per burst and leave at a burst
/// boundary, which keeps every counter exact.
public enum Shutdown {
    /// `let` globals are initialised before `installHandlers` returns, never inside the handler.
    @usableFromInline static let flag = Atomic<Int32>(0)

    /// Routes SIGINT and SIGTERM to the stop flag. Call once, before starting lcores.
    public static func installHandlers() {
        _ = flag.load(ordering: .relaxed) // force initialisation outside signal context
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signum in
            Shutdown.flag.store(signum, ordering: .relaxed)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0 // no SA_RESTART: a blocking read (the simple_mp prompt) wakes with EINTR
        sigaction(SIGINT, &action, nil)
        sigaction(SIGTERM, &action, nil)
        // A parent may start us with these signals blocked (Foundation's Process spawns from a
        // thread that blocks nearly all of them), and a blocked signal never reaches the handler.
        // Threads inherit the mask, so unblocking here, before rte_eal_init, covers the EAL's too.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }

    /// True once a stop was requested, by a signal or by `request()`.
    @inlinable public static var requested: Bool { flag.load(ordering: .relaxed) != 0 }

    /// The signal that asked to stop, or 0 (or -1 after `request()`).
    public static var signal: Int32 { flag.load(ordering: .relaxed) }

    /// Asks every loop to stop, as a signal would (for `quit` commands and tests).
    public static func request() { flag.store(-1, ordering: .relaxed) }

    /// Clears the request: for tests that run several loops in one process.
    public static func reset() { flag.store(0, ordering: .relaxed) }
}
