import MPCore

/// A sample's primary keeps `EAL.defaultHeapHeadroom` of shared heap for its secondaries
/// (`EAL.keepHeapHeadroom`: no secondary's start-up then grows the heap, so none can die holding
/// the EAL's memory lock for writing). Without enough hugepages it warns and goes on, as the C
/// samples run. Call before anything that checks the lock for dead readers starts: the
/// headroom's memseg walk read-locks it.
public func keepHeapHeadroom(_ eal: borrowing EAL, log: Log) {
    do {
        let kept = try eal.keepHeapHeadroom()
        log.log(.debug, "kept \(kept >> 20) MiB of hugepages for the shared heap, \(EAL.defaultHeapHeadroom >> 20) MiB of it free for secondaries")
    } catch {
        log.warning("\(error): a secondary killed while its start-up grows the heap can leave the group unjoinable (-m or --socket-mem avoids it)")
    }
}
