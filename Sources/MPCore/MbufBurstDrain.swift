import CDPDK

extension MbufBurst {
    /// Hands every held mbuf, first to last, to `body`, which owns it; the burst is empty
    /// afterwards. For per-packet loops: `body` is inlined into the caller (no closure call or
    /// context at run time) and the positions stay in registers, where `popFirst` stores them
    /// back and resets them on every packet.
    ///
    /// If `body` traps, the mbufs not handed out yet are not freed (the process is ending).
    @inlinable @inline(__always)
    public mutating func drain(_ body: (consuming Mbuf) -> Void) {
        var i = head
        let stop = end
        head = 0
        end = 0
        while i < stop {
            body(Mbuf(owning: slots[i].unsafelyUnwrapped))
            i &+= 1
        }
    }
}

extension MbufBurst {
    /// Starts loading the first cache line of every held packet's data (`rte_prefetch0`), for a
    /// pass that reads headers next (a flow hash): the misses then overlap instead of stalling
    /// one packet at a time.
    @inlinable @inline(__always)
    public func prefetchData() {
        var i = head
        while i < end {
            rte_prefetch0(cdpdk_mbuf_data(slots[i].unsafelyUnwrapped))
            i &+= 1
        }
    }
}
