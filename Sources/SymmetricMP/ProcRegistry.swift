// Beyond the C sample: one mbuf pool per --proc-id, and a registry of which process runs each
// proc-id. A process killed at any instant then damages only its own pool (it is the pool's only
// user: its RX queue allocates from it, its TX queue frees into it), so the others never stall
// on it; and the process restarted with its proc-id finds its dead predecessor in the registry
// and rebuilds that pool whole before it forwards again.
import CDPDK
import Glibc
import MPCore

/// The registry memzone ("SMP_proc_registry"), one `cdpdk_smp_proc_slot` per proc-id.
struct ProcRegistry: @unchecked Sendable {
    let slots: UnsafeMutablePointer<cdpdk_smp_proc_slot>
    let count: Int

    /// Reserves the registry for `count` proc-ids. Primary only.
    static func reserve(count: Int) throws(DPDKError) -> ProcRegistry {
        let mz = try RawMemzone.reserve(name: CDPDK_SMP_MZ_PROC_REGISTRY,
                                        byteCount: count * MemoryLayout<cdpdk_smp_proc_slot>.stride)
        let registry = ProcRegistry(mz, count: count)
        for i in 0..<count { registry.slots[i].device_held = -1 }
        return registry
    }

    /// The registry of a Swift primary; nil under a C primary, which has none.
    static func lookup(count: Int) -> ProcRegistry? {
        guard let mz = try? RawMemzone.lookup(name: CDPDK_SMP_MZ_PROC_REGISTRY,
                                              byteCount: count * MemoryLayout<cdpdk_smp_proc_slot>.stride) else { return nil }
        return ProcRegistry(mz, count: count)
    }

    private init(_ mz: RawMemzone, count: Int) {
        slots = UnsafeMutableRawPointer(mz.unsafePointer).assumingMemoryBound(to: cdpdk_smp_proc_slot.self)
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
        var predecessor: Int32 = 0
        while cdpdk_cas32(slot.pointer(to: \.pid)!, predecessor, me) == 0 {
            let holder = cdpdk_load32(slot.pointer(to: \.pid)!)
            if holder != 0 && ProcessHandle.isRunning(pid: holder, startTime: slot.pointee.start_time) {
                throw InUse(pid: holder)
            }
            predecessor = holder // dead, or exited: take it over from that value
        }
        slot.pointee.start_time = myStart
        let held = slot.pointee.device_held
        if held < 0 {
            // The first run of this proc-id: what the ports hold of the pool now, they always will.
            slot.pointee.device_held = Int64(pool.size - pool.availableCount)
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

    /// Gives `procID` up at a clean exit.
    func release(_ procID: Int) {
        _ = cdpdk_cas32((slots + procID).pointer(to: \.pid)!, getpid(), 0)
    }
}

extension Shared {
    /// The pool of proc-id `k`: the C sample's name for 0 (so that C secondaries find it), a
    /// numbered one for the others.
    static func poolName(procID k: Int) -> String { k == 0 ? mbufPoolName : "\(mbufPoolName)_\(k)" }

    /// Mbufs per pool: the C sample's 64k spread over the proc-ids, at least 8k each.
    static func poolSize(procs: Int) -> Int { max(mbufCount / procs, 8 * 1024) }
}
