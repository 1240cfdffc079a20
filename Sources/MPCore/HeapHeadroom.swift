import CDPDK

extension EAL {
    /// The headroom the samples' primaries keep (`keepHeapHeadroom`): 32 MiB, room for the
    /// start-ups of about 200 secondaries SIGKILLed after `rte_service_init` (each leaks its
    /// two allocations, 155,904 bytes, which only `rte_eal_cleanup` would free) besides what
    /// live secondaries allocate.
    public static let defaultHeapHeadroom = 32 << 20

    /// Grows the group's shared heap by `bytes` now and keeps every page it holds for the life
    /// of the primary, as `-m`/`--socket-mem` keep theirs: afterwards secondaries allocate from
    /// free space the heap already has, instead of growing it.
    ///
    /// Why: a secondary that grows the heap holds the EAL's memory hotplug lock for writing and
    /// the heap's spinlock while it asks the primary for pages. Killed at that instant, it leaves
    /// both held, and then no process of the group can allocate, join or leave cleanly; nothing
    /// can take such a lock back safely (what it guards may be half changed). A secondary's
    /// `rte_eal_init` allocates (`rte_service_init`), so a start-up that finds the heap full
    /// grows it. With headroom it does not, until the headroom is used up.
    ///
    /// Call in the primary, after its own allocations and before secondaries join. The headroom
    /// is on the calling lcore's NUMA socket, the heap the secondaries on that socket use. The
    /// pages are given back at exit (`rte_eal_cleanup` marks them freeable again). Under
    /// `--legacy-mem`, or with `-m` large enough, nothing new is kept: the heap never grows.
    /// - Returns: the bytes of hugepages newly kept (every page the heap held, the headroom's
    ///   and the ones before it).
    /// - Throws: `DPDKError` (`ENOMEM`) when there are not enough free hugepages for `bytes`;
    ///   nothing is kept then.
    @discardableResult
    public func keepHeapHeadroom(bytes: Int = EAL.defaultHeapHeadroom) throws(DPDKError) -> Int {
        precondition(role == .primary, "keepHeapHeadroom: a primary's call (secondaries would grow the heap themselves)")
        precondition(bytes > 0)
        let kept = cdpdk_heap_keep_headroom(bytes)
        if kept < 0 {
            throw DPDKError(code: Int32(-kept), attempted: "keeping \(bytes >> 20) MiB of shared heap headroom")
        }
        return kept
    }
}
