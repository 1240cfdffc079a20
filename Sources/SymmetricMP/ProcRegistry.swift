// Beyond the C sample: one mbuf pool per --proc-id, and a registry of which process runs each
// proc-id. A process killed at any instant then damages only its own pool (it is the pool's only
// user: its RX queue allocates from it, its TX queue frees into it), so the others never stall
// on it; and the process restarted with its proc-id finds its dead predecessor in the registry
// and rebuilds that pool whole before it forwards again.
import Glibc
import MPCore

/// One proc-id's slot in the registry: one cache line. Only Swift symmetric_mp processes use
/// the registry (a C primary has none), so its layout is this struct's.
struct ProcSlot {
    /// 0: nobody runs this proc-id; set by compare-and-swap.
    var pid: Int32
    var pad0: UInt32
    /// /proc/<pid>/stat starttime of that process: with pid, names the process.
    var startTime: UInt64
    /// Mbufs of its pool the ports held when the id first ran; -1: unknown.
    var deviceHeld: Int64
    var pad1: (UInt64, UInt64, UInt64, UInt64, UInt64)
}

/// The registry memzone ("SMP_proc_registry"), one `ProcSlot` per proc-id.
struct ProcRegistry: @unchecked Sendable {
    static let name = "SMP_proc_registry"
    let slots: UnsafeMutablePointer<ProcSlot>
    let count: Int

    /// Reserves the registry for `count` proc-ids. Primary only.
    static func reserve(count: Int) throws(DPDKError) -> ProcRegistry {
        let mz = try RawMemzone.reserve(name: name,
                                        byteCount: count * MemoryLayout<ProcSlot>.stride)
        let registry = ProcRegistry(mz, count: count)
        for i in 0..<count { registry.slots[i].deviceHeld = -1 }
        return registry
    }

    /// The registry of a Swift primary; nil under a C primary, which has none.
    static func lookup(count: Int) -> ProcRegistry? {
        guard let mz = try? RawMemzone.lookup(name: name,
                                              byteCount: count * MemoryLayout<ProcSlot>.stride) else { return nil }
        return ProcRegistry(mz, count: count)
    }

    private init(_ mz: RawMemzone, count: Int) {
        precondition(MemoryLayout<ProcSlot>.stride == 64, "a ProcSlot is one cache line")
        slots = UnsafeMutableRawPointer(mz.unsafePointer).assumingMemoryBound(to: ProcSlot.self)
        self.count = count
    }

    /// Why a proc-id cannot be taken.
    struct InUse: Error { let pid: Int32 }

    /// Takes `procID` for this process. If the process that had it died, first rebuilds its
    /// pool (see `PacketPool.unsafeRebuildUnused`) when the ports hold none of the pool's mbufs,
    /// and reports the loss otherwise.
    /// - Throws: `InUse` when a live process runs this proc-id.
    func claim(_ procID: Int, pool: PacketPool, say: (String) -> Void) throws(InUse) {
        let slot = slots + procID
        let me = getpid()
        let myStart = ProcessHandle.startTime(of: me) ?? 0
        let pid = SharedInt32(unsafeAddress: slot.pointer(to: \.pid)!)
        var predecessor: Int32 = 0
        while !pid.compareExchange(expected: predecessor, desired: me) {
            let holder = pid.load()
            if holder != 0 && ProcessHandle.isRunning(pid: holder, startTime: slot.pointee.startTime) {
                throw InUse(pid: holder)
            }
            predecessor = holder // dead, or exited: take it over from that value
        }
        slot.pointee.startTime = myStart
        let held = slot.pointee.deviceHeld
        if held < 0 {
            // The first run of this proc-id: what the ports hold of the pool now, they always will.
            slot.pointee.deviceHeld = Int64(pool.size - pool.availableCount)
            return
        }
        guard predecessor != 0 else {
            // The previous process exited cleanly: its lcore cache may still hold free mbufs,
            // which only a process with its lcore ID would use. Rebuilding returns them too.
            if held == 0 { _ = pool.unsafeRebuildUnused() }
            return
        }
        if held == 0, let missing = pool.unsafeRebuildUnused() {
            say("proc-id \(procID): process \(predecessor) had died; pool \(pool.name) rebuilt, \(missing) mbufs it held taken back")
        } else {
            let missing = pool.size - pool.availableCount - Int(held)
            say("proc-id \(procID): process \(predecessor) had died holding \(missing) mbufs of pool \(pool.name); "
                + "they cannot be taken back while the ports hold \(held) mbufs of it in their RX queues")
        }
    }

    /// Whether `pid` is the process that claimed one of the proc-ids (so it has returned from
    /// rte_eal_init): the processes the primary's lock repair vouches for.
    func isClaimed(byPID pid: Int32) -> Bool {
        guard let start = ProcessHandle.startTime(of: pid) else { return false }
        return (0..<count).contains { SharedInt32(unsafeAddress: (slots + $0).pointer(to: \.pid)!).load() == pid && slots[$0].startTime == start }
    }

    /// Gives `procID` up at a clean exit.
    func release(_ procID: Int) {
        _ = SharedInt32(unsafeAddress: (slots + procID).pointer(to: \.pid)!).compareExchange(expected: getpid(), desired: 0)
    }
}

extension Shared {
    /// The pool of proc-id `k`: the C sample's name for 0 (so that C secondaries find it), a
    /// numbered one for the others.
    static func poolName(procID k: Int) -> String { k == 0 ? mbufPoolName : "\(mbufPoolName)_\(k)" }

    /// Mbufs per pool: the C sample's 64k spread over the proc-ids, at least 8k each.
    static func poolSize(procs: Int) -> Int { max(mbufCount / procs, 8 * 1024) }
}
