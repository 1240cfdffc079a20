// Beyond the C samples: a secondary (an mp_client, a symmetric_mp secondary) killed inside
// rte_eal_init can leave the EAL's memory hotplug lock read-held for ever. DPDK 22.11's
// rte_eal_memory_init read-locks it (lib/eal/common/eal_common_memory.c) and only
// rte_eal_malloc_heap_init unlocks it (lib/eal/common/malloc_heap.c), and a reader killed inside rte_rwlock_read_lock between its
// increment and its back-out (lib/eal/include/generic/rte_rwlock.h) leaves the same +4. Nothing
// in DPDK ever takes it back. It blocks every later writer (heap growth and shrinking, and every
// secondary's rte_eal_cleanup, which write-locks it in rte_eal_memory_detach), and a waiting
// writer blocks every new reader: no process can join the group any more.
//
// The primary (mp_server, the symmetric_mp primary) takes such a dead read lock back when, and
// only when, it can prove that nobody alive holds one (docs/reliability.md, "Kills during
// start-up"):
//  1. It holds the secondaries' start-up gate (StartupGate), so no Swift secondary is inside
//     rte_eal_init (one past it but not yet registered is an unknown process in 2).
//  2. It reads the lock word, then lists every live process that maps the group's shared
//     config (/proc/<pid>/maps): a process can change the word only through that mapping. Each
//     one must be this primary or a process it vouches for: a Swift secondary that has claimed
//     its slot in the sample's registry (so is past rte_eal_init). By DPDK 22.11's source
//     neither ever read-locks the hotplug lock: the primary after its own start-up (the caller
//     makes sure of that: start the checks only then), and a secondary after rte_eal_init, only
//     write-lock it (heap growth, rte_eal_cleanup). Any other process attached (a C secondary,
//     a tool) stops the repair.
//  3. So every reader counted in the word belongs to a dead process, and a compare-and-swap from
//     the value read in 1 to the same value without readers takes exactly those back; if the
//     word moved in between, nothing is changed and the check runs again later.
import Glibc
import MPCore

/// Watches and repairs the lock words at the head of the group's `struct rte_mem_config`
/// (their layout: `EALConfigWords`).
public struct EALLockRepair: @unchecked Sendable {
    typealias Words = EALConfigWords

    let base: UnsafeMutableRawPointer
    let configPath: String
    let gatePath: String
    /// Where the repair's lines go (the sample's own log type).
    let log: Log
    /// What the processes the caller vouches for are, for the log: "a registered client".
    let vouched: String

    /// Maps the group's shared config and checks that the lock word is where DPDK 22.11 keeps
    /// it: the magic and version fields, then this process's own read lock seen in the word.
    /// - Parameters:
    ///   - log: the sample's log, for every line the repair writes.
    ///   - vouched: what the processes `check` vouches for are ("a registered client").
    /// - Returns: nil (and a warning) when any check fails: the primary then only reports.
    public init?(log: Log, vouched: String) {
        self.log = log
        self.vouched = vouched
        let dir = EAL.runtimeDirectory
        configPath = dir + "/config"
        gatePath = dir + "/" + Words.startupGateName
        let fd = open(configPath, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else {
            log.warning("EAL lock repair off: cannot open \(configPath)")
            return nil
        }
        // Never closed: closing any descriptor of a file drops every fcntl lock this process
        // holds on it, and the EAL's write lock on this file is how secondaries see that their
        // primary is alive (rte_eal_primary_proc_alive).
        guard let p = mmap(nil, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), p != MAP_FAILED else {
            log.warning("EAL lock repair off: cannot map \(configPath)")
            return nil
        }
        base = p
        guard p.load(fromByteOffset: Words.magicOffset, as: UInt32.self) == Words.magic,
              p.load(fromByteOffset: Words.versionOffset, as: UInt32.self) == EAL.versionCode else {
            log.warning("EAL lock repair off: \(configPath) is not a DPDK 22.11 memory config this build knows")
            munmap(p, 4096)
            return nil
        }
        // The word must move by one reader while this process holds the lock for reading, and
        // back after. Retried: another process may take it at the same instant.
        var proven = false
        for _ in 0..<100 where !proven {
            let before = word(Words.hotplugLockOffset)
            let held = EAL.withMemoryHotplugReadLock { word(Words.hotplugLockOffset) }
            let after = word(Words.hotplugLockOffset)
            proven = held == before &+ Words.reader && after == before
        }
        guard proven else {
            log.warning("EAL lock repair off: the memory hotplug lock is not at offset \(Words.hotplugLockOffset) of \(configPath)")
            munmap(p, 4096)
            return nil
        }
    }

    func word(_ offset: Int) -> Int32 {
        lockWord(offset).load()
    }

    /// What `check` remembers between calls.
    public struct State {
        /// Consecutive checks that saw readers, or only the waiting-writer bit.
        var readerChecks = 0, waitChecks = 0
        /// Processes already named as a reason not to repair (logged once each).
        var named: Set<Int32> = []
        var writeHeldSince: UInt64?
        var writeReported = false
        var memzoneWriteSince: UInt64?
        var memzoneReported = false
        /// Read locks taken back so far.
        public internal(set) var repaired = 0

        public init() {}
    }

    /// One look; call every 100 ms, from a control thread, once this process's start-up is over.
    /// - Parameters:
    ///   - vouchedFor: whether a process (by pid) is one past `rte_eal_init` that never
    ///     read-locks the hotplug lock: one that claimed its slot in the sample's registry,
    ///     checked with its start time.
    ///   - now: CLOCK_MONOTONIC in nanoseconds.
    public func check(_ state: inout State, vouchedFor: (Int32) -> Bool, now: UInt64) {
        let v = word(Words.hotplugLockOffset)
        reportLongWrites(&state, hotplug: v, now: now)
        if v >> 2 == 0 {
            state.readerChecks = 0
            // Only "a writer waits" and no writer ever came for 300 ms: left by a writer killed
            // while it waited. The bit only makes new readers wait; a live writer that waits
            // sets it again, so clearing it can delay a writer, never break the lock.
            if v == Words.wait {
                state.waitChecks += 1
                if state.waitChecks >= 3, lockWord(Words.hotplugLockOffset).compareExchange(expected: v, desired: 0) {
                    log.warning("EAL memory hotplug lock: cleared the waiting-writer mark of a writer that died while it waited")
                    state.waitChecks = 0
                }
            } else {
                state.waitChecks = 0
            }
            return
        }
        // Readers come and go within microseconds; two looks 100 ms apart before the (costly) proof.
        state.readerChecks += 1
        guard state.readerChecks >= 2 else { return }
        let gate = open(gatePath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard gate >= 0 else { return }
        defer { close(gate) } // also unlocks it
        guard flock(gate, LOCK_EX | LOCK_NB) == 0 else { return } // a secondary is starting: later
        let observed = word(Words.hotplugLockOffset)
        guard observed >> 2 > 0 else { return }
        guard let mappers = processesMapping(configPath) else { return }
        let me = getpid()
        for pid in mappers where pid != me && !vouchedFor(pid) {
            if state.named.insert(pid).inserted {
                log.log(.notice, "EAL memory hotplug lock: \(observed >> 2) reader(s) that may be dead, but process \(pid) (\(commandName(pid))) is attached and is not \(vouched), so a live reader cannot be ruled out: not repaired while it is")
            }
            return
        }
        let readers = observed >> 2
        if lockWord(Words.hotplugLockOffset).compareExchange(expected: observed, desired: observed & (Words.wait | Words.write)) {
            state.repaired += Int(readers)
            state.readerChecks = 0
            log.warning("EAL memory hotplug lock: took back \(readers) read lock(s) left by dead processes (lock word \(observed) -> \(observed & 3)); \(state.repaired) so far")
        }
    }

    /// At exit, after the checks have stopped: whether the memory hotplug lock stays held for
    /// writing through one second of looks. A live writer (a secondary growing the heap, or
    /// exiting) holds it for milliseconds; one that stays is a writer that died holding it, and every
    /// teardown step that takes it (rte_pdump_uninit's memzone free, the EAL's cleanup) would
    /// wait for ever.
    public func writerDiedHoldingTheLock() -> Bool {
        for _ in 0..<20 {
            guard word(Words.hotplugLockOffset) & Words.write != 0 else { return false }
            usleep(50_000)
        }
        return true
    }

    private func lockWord(_ offset: Int) -> SharedInt32 {
        SharedInt32(unsafeAddress: base.advanced(by: offset).assumingMemoryBound(to: Int32.self))
    }

    /// A lock held for writing for seconds: a writer died holding it. The data it guards may be
    /// half changed, so it is reported, never released.
    private func reportLongWrites(_ state: inout State, hotplug: Int32, now: UInt64) {
        func watch(_ value: Int32, since: inout UInt64?, reported: inout Bool, name: String) {
            guard value & Words.write != 0 else { since = nil; reported = false; return }
            let start = since ?? now
            since = start
            if !reported && now &- start > 2_000_000_000 {
                reported = true
                log.error("EAL \(name) has been held for writing for 2 s (lock word \(value)): if its holder died, no process can join the group; restart the group")
            }
        }
        watch(hotplug, since: &state.writeHeldSince, reported: &state.writeReported, name: "memory hotplug lock")
        watch(word(Words.memzoneLockOffset), since: &state.memzoneWriteSince, reported: &state.memzoneReported, name: "memzone lock")
    }

}

/// The live processes whose address space maps the file at `path`; nil when one cannot be read.
/// Matched by device and inode, as /proc/<pid>/maps shows them: its path column is the
/// resolved one (/run/dpdk/... for /var/run/dpdk/...).
private func processesMapping(_ path: String) -> [Int32]? {
    guard let myStart = ProcessHandle.startTime(of: getpid()) else { return nil }
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    let dev = UInt64(st.st_dev)
    let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~UInt64(0xfff))
    let minor = (dev & 0xff) | ((dev >> 12) & ~UInt64(0xff))
    let device = hex2(major) + ":" + hex2(minor)
    let inode = String(st.st_ino)
    guard let proc = opendir("/proc") else { return nil }
    defer { closedir(proc) }
    var result: [Int32] = []
    while let e = readdir(proc) {
        let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        guard let pid = Int32(name) else { continue }
        guard let f = fopen("/proc/\(pid)/maps", "r") else {
            if errno == ENOENT || errno == ESRCH { continue } // gone
            // A process more privileged than this one (the container's init, say) cannot be
            // read. One that was running before this primary started cannot be a process of
            // its group (no secondary attaches without its primary), unless it has exec'd a
            // DPDK program since: a case this check accepts as too contrived to stop for.
            if errno == EACCES, let start = ProcessHandle.startTime(of: pid), start < myStart { continue }
            return nil
        }
        defer { fclose(f) }
        var line: UnsafeMutablePointer<CChar>?
        var cap = 0
        defer { free(line) }
        while getline(&line, &cap, f) > 0, let line {
            // address perms offset dev inode [path]
            let fields = String(cString: line).split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            if fields.count >= 5, fields[4] == inode, fields[3] == device {
                result.append(pid)
                break
            }
        }
    }
    return result
}

/// Two or more lower-case hex digits, as /proc/<pid>/maps prints a device number.
private func hex2(_ v: UInt64) -> String {
    let h = String(v, radix: 16)
    return h.count < 2 ? "0" + h : h
}

/// /proc/<pid>/comm, for a log line.
private func commandName(_ pid: Int32) -> String {
    guard let f = fopen("/proc/\(pid)/comm", "r") else { return "?" }
    defer { fclose(f) }
    var buf = [CChar](repeating: 0, count: 64)
    guard fgets(&buf, 64, f) != nil else { return "?" }
    return String(decoding: buf.prefix { $0 != 0 && $0 != 10 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

extension EALLockRepair {
    /// For a primary with no monitor thread of its own to call `check` from (symmetric_mp):
    /// checks every 100 ms on a control thread until shutdown. Call once the primary's start-up
    /// is over. nil when the repair is off (`init` said why).
    public static func startWatching(log: Log, vouched: String,
                                     vouchedFor: @escaping @Sendable (Int32) -> Bool) throws(DPDKError) -> ControlThread? {
        guard let repair = EALLockRepair(log: log, vouched: vouched) else { return nil }
        return try ControlThread(name: "eal-lock-repair") {
            var state = State()
            while !Shutdown.requested {
                usleep(100_000)
                repair.check(&state, vouchedFor: vouchedFor, now: monotonicNanoseconds())
            }
        }
    }
}
