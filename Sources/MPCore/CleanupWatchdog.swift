import CDPDK
import Glibc

/// Keeps `rte_eal_cleanup` from hanging the process at exit.
///
/// DPDK 22.11's cleanup cancels its IPC thread (`rte_mp_handle`, blocked in `recvmsg`) and joins
/// it. Now and then, with Debian 12's glibc, the cancellation is lost: the IPC thread ends up
/// waiting in `__pthread_disable_asynccancel` for a cancel signal that already came, and the join
/// waits forever. DPDK's own tools hang the same way (`dpdk-proc-info`). A thread cannot be
/// rescued from there, so a watchdog waits beside the cleanup and, if it has not finished after
/// two seconds, says so and ends the process with the status it was about to exit with.
enum CleanupWatchdog {
    /// Runs `rte_eal_cleanup` under the watchdog; `exitStatus` is used if it stalls.
    static func cleanup(exitStatus: Int32) {
        let state = UnsafeMutablePointer<WatchState>.allocate(capacity: 1)
        state.initialize(to: WatchState(done: 0, exitStatus: exitStatus))
        var thread = pthread_t()
        let started = pthread_create(&thread, nil, watchdogMain, state)
        rte_eal_cleanup()
        cdpdk_flag_store(&state.pointee.done, 1)
        if started == 0 { pthread_join(thread, nil) }
        state.deallocate()
    }

    struct WatchState {
        var done: Int32
        let exitStatus: Int32
    }

    /// The watchdog thread: polls every 50 ms for two seconds.
    static func watch(_ state: UnsafeMutablePointer<WatchState>) {
        for _ in 0..<40 {
            usleep(50_000)
            if cdpdk_flag_load(&state.pointee.done) != 0 { return }
        }
        Console.error("warning: DPDK's EAL cleanup stalled (its IPC thread did not stop); exiting without it")
        _exit(state.pointee.exitStatus)
    }
}

private func watchdogMain(_ arg: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    CleanupWatchdog.watch(arg!.assumingMemoryBound(to: CleanupWatchdog.WatchState.self))
    return nil
}
