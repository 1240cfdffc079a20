// Beyond the C sample: Swift clients enter rte_eal_init one at a time, and only while the EAL's
// memory hotplug lock is free. A client killed inside rte_eal_init can leave that lock read-held
// for ever (DPDK 22.11); the server takes such a dead read lock back only while it holds this
// gate, so that no Swift client can be inside rte_eal_init then (MPServer/EALLockRepair.swift).
// A client that entered while a dead read lock was there would wait behind the next writer
// (another client's exit) for ever, holding the gate: hence the check before entering.
import ClientServerShared
import Glibc
import MPCore

/// An exclusive `flock` on `<runtime dir>/mp_client_startup.lock`, held from just before
/// `rte_eal_init` until it returns. The kernel drops it when the process dies.
struct StartupGate {
    let fd: Int32

    /// How long a client waits for the gate and for the lock to be free before it gives up.
    static let timeoutMilliseconds = 5_000

    /// Waits until no other Swift client is starting and the memory hotplug lock is free, and
    /// takes the gate.
    /// - Returns: nil when the group has no runtime dir yet (no server: the EAL says so) or
    ///   keeps no shared files (`--in-memory`, `--no-shconf`).
    /// - Throws: `InitError` when the lock stays busy for `timeoutMilliseconds`.
    static func enter(ealArguments args: [String]) throws(InitError) -> StartupGate? {
        let eal = args.prefix { $0 != "--" }
        if eal.contains("--in-memory") || eal.contains("--no-shconf") { return nil }
        let dir = EAL.runtimeDirectory(arguments: args)
        // Read with pread, not through a mapping: the server takes a dead read lock back only
        // while no process it cannot vouch for maps the config, and this one is not yet a client.
        let config = open(dir + "/config", O_RDONLY | O_CLOEXEC)
        guard config >= 0 else { return nil }
        defer { close(config) }
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
                flock(fd, LOCK_UN) // let the server repair it
            }
            guard monotonicMilliseconds() < deadline, !Shutdown.requested else {
                close(fd)
                throw InitError(message: "the EAL's memory hotplug lock has stayed busy for \(timeoutMilliseconds / 1000) s (lock word \(hotplug)), or another client has been starting that long: a process of the group may have died holding it (see the server's log)")
            }
            usleep(2_000)
        }
    }

    /// Lets the next client start.
    func leave() {
        close(fd)
    }
}
