// Beyond the C samples: Swift secondaries (mp_client, symmetric_mp) enter rte_eal_init one at a
// time, and only while the EAL's memory hotplug lock is free. A secondary killed inside
// rte_eal_init can leave that lock read-held for ever (DPDK 22.11); the primary takes such a dead
// read lock back only while it holds this gate, so that no Swift secondary can be inside
// rte_eal_init then (EALLockRepair.swift). A secondary that entered while a dead read lock was
// there would wait behind the next writer (another secondary's exit) for ever, holding the gate:
// hence the check before entering.
import Glibc
import MPCore

/// An exclusive `flock` on `<runtime dir>/secondary_startup.lock`, held from just before
/// `rte_eal_init` until it returns. The kernel drops it when the process dies.
public struct StartupGate {
    let fd: Int32

    /// How long a secondary waits for the gate and for the lock to be free before it gives up.
    public static let timeoutMilliseconds = 5_000

    /// Waits until no other Swift secondary is starting and the memory hotplug lock is free, and
    /// takes the gate.
    /// - Returns: nil when no primary of the group runs (this process becomes the primary, or
    ///   the EAL says there is none) or the group keeps no shared files (`--in-memory`,
    ///   `--no-shconf`).
    /// - Throws: `SampleFailure` when the lock stays busy for `timeoutMilliseconds`.
    public static func enter(ealArguments args: [String]) throws(SampleFailure) -> StartupGate? {
        let eal = args.prefix { $0 != "--" }
        if eal.contains("--in-memory") || eal.contains("--no-shconf") || eal.contains("--proc-type=primary") { return nil }
        let dir = EAL.runtimeDirectory(arguments: args)
        // Read with pread, not through a mapping: the primary takes a dead read lock back only
        // while no process it cannot vouch for maps the config, and this one is not yet vouched for.
        let config = open(dir + "/config", O_RDONLY | O_CLOEXEC)
        guard config >= 0 else { return nil }
        defer { close(config) }
        // The primary holds a write lock on part of the config while it runs (the EAL's own
        // test, rte_eal_primary_proc_alive): without one, this process will be the primary
        // (--proc-type=auto), or its EAL will say there is none.
        guard lockf(config, F_TEST, 0) != 0 else { return nil }
        func words() -> (magic: UInt32, memzone: Int32, hotplug: Int32)? {
            typealias W = EALConfigWords
            var head = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0)) // 40 bytes, past the hotplug lock
            let n = withUnsafeMutableBytes(of: &head) { pread(config, $0.baseAddress, $0.count, 0) }
            guard n == MemoryLayout.size(ofValue: head) else { return nil }
            return withUnsafeBytes(of: &head) {
                ($0.load(fromByteOffset: W.magicOffset, as: UInt32.self),
                 $0.load(fromByteOffset: W.memzoneLockOffset, as: Int32.self),
                 $0.load(fromByteOffset: W.hotplugLockOffset, as: Int32.self))
            }
        }
        let fd = open(dir + "/" + EALConfigWords.startupGateName, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        let deadline = monotonicMilliseconds() + timeoutMilliseconds
        var hotplug: Int32 = 0
        while true {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 {
                // Only a primary that finished its start-up has a magic; before that the words mean nothing.
                guard let w = words(), w.magic == EALConfigWords.magic else { return StartupGate(fd: fd) }
                hotplug = w.hotplug
                if w.hotplug == 0 && w.memzone & (EALConfigWords.wait | EALConfigWords.write) == 0 { return StartupGate(fd: fd) }
                flock(fd, LOCK_UN) // let the primary repair it
            }
            guard monotonicMilliseconds() < deadline, !Shutdown.requested else {
                close(fd)
                throw .failed("the EAL's memory hotplug lock has stayed busy for \(timeoutMilliseconds / 1000) s (lock word \(hotplug)), or another process has been starting that long: a process of the group may have died holding it (see the primary's log)")
            }
            usleep(2_000)
        }
    }

    /// For `Sample.run`'s `gate`: enters with this process's command line, and returns what
    /// leaves the gate (nil when there was none to enter).
    public static func forSample() throws(SampleFailure) -> (() -> Void)? {
        guard let gate = try enter(ealArguments: CommandLine.arguments) else { return nil }
        return { gate.leave() }
    }

    /// Lets the next secondary start.
    public func leave() {
        close(fd)
    }
}
