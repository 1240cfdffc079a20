import CDPDK
import Glibc

/// The process-wide stop request that SIGINT and SIGTERM set.
///
/// DPDK functions are not async-signal-safe, so the handler does nothing but store to an atomic
/// (a C int, `cdpdk_stop_flag`); datapath loops poll `Shutdown.requested` (a relaxed load) once
/// per burst and leave at a burst boundary, which keeps every counter exact. A second SIGINT or
/// SIGTERM ends a process that has not stopped by then at once (exit status 128 + the signal).
public enum Shutdown {
    /// Routes SIGINT and SIGTERM to the stop flag. Call once, before the EAL starts its threads.
    ///
    /// The handler is installed with `SA_RESTART`: DPDK's own threads (interrupts, multi-process
    /// IPC, telemetry) block in system calls that they do not expect to fail with `EINTR`, and the
    /// kernel may deliver the signal to any of them. Code of ours that blocks waits on
    /// `wakeDescriptor` as well, which the handler makes readable.
    public static func installHandlers() {
        if wakeReadEnd < 0 {
            var fds: (Int32, Int32) = (-1, -1)
            let made = withUnsafeMutableBytes(of: &fds) { pipe($0.baseAddress!.assumingMemoryBound(to: Int32.self)) }
            if made == 0 {
                // Non-blocking: the handler must never block on a full pipe.
                for fd in [fds.0, fds.1] {
                    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                    _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                }
                wakeReadEnd = fds.0
                cdpdk_wake_fd_set(fds.1)
            }
        }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signum in
            // A second signal after a stop was requested: the process is stuck somewhere that
            // does not check the flag (a DPDK call that never returns). End it, as a shell user
            // pressing Ctrl-C twice expects; _exit is async-signal-safe.
            if cdpdk_stop_requested() != 0 { _exit(128 + signum) }
            cdpdk_set_stop(signum)
            Shutdown.wake()
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
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

    /// A descriptor that becomes readable once a stop is requested (by a signal or `request()`),
    /// for code that blocks: `poll` it beside the descriptor you wait on (simple_mp's prompt waits
    /// on standard input and it). -1 before `installHandlers()`.
    public static var wakeDescriptor: Int32 { wakeReadEnd }

    /// The pipe's read end; written once, before any thread that reads it starts.
    nonisolated(unsafe) private static var wakeReadEnd: Int32 = -1

    /// Makes `wakeDescriptor` readable. Async-signal-safe: one `write` to a non-blocking pipe.
    private static func wake() {
        let fd = cdpdk_wake_fd_get()
        guard fd >= 0 else { return }
        var byte: UInt8 = 1
        _ = write(fd, &byte, 1)
    }

    /// True once a stop was requested, by a signal or by `request()`.
    @inlinable public static var requested: Bool { cdpdk_stop_requested() != 0 }

    /// The signal that asked to stop, or 0 (or -1 after `request()`).
    public static var signal: Int32 { cdpdk_stop_requested() }

    /// Asks every loop to stop, as a signal would (for `quit` commands and tests).
    public static func request() {
        cdpdk_set_stop(-1)
        wake()
    }

    /// Clears the request: for tests that run several loops in one process.
    public static func reset() { cdpdk_set_stop(0) }
}
