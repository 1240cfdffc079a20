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
