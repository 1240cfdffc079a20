import CDPDK
import Glibc

/// The process-wide stop request that SIGINT and SIGTERM set.
///
/// DPDK functions are not async-signal-safe, so the handler does nothing but store to an atomic
/// (a C int, `cdpdk_stop_flag`); datapath loops poll `Shutdown.requested` (a relaxed load) once
/// per burst and leave at a burst boundary, which keeps every counter exact. A second SIGINT or
/// SIGTERM ends a process that has not stopped by then at once (exit status 128 + the signal).
public enum Shutdown {
    /// Routes SIGINT and SIGTERM to the stop flag. Call once, before starting lcores.
    public static func installHandlers() {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signum in
            // A second signal after a stop was requested: the process is stuck somewhere that
            // does not check the flag (a DPDK call that never returns). End it, as a shell user
            // pressing Ctrl-C twice expects; _exit is async-signal-safe.
            if cdpdk_stop_requested() != 0 { _exit(128 + signum) }
            cdpdk_set_stop(signum)
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
    @inlinable public static var requested: Bool { cdpdk_stop_requested() != 0 }

    /// The signal that asked to stop, or 0 (or -1 after `request()`).
    public static var signal: Int32 { cdpdk_stop_requested() }

    /// Asks every loop to stop, as a signal would (for `quit` commands and tests).
    public static func request() { cdpdk_set_stop(-1) }

    /// Clears the request: for tests that run several loops in one process.
    public static func reset() { cdpdk_set_stop(0) }
}
