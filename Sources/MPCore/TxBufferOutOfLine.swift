import CDPDK

extension TxBuffer {
    /// Queues one packet, as `buffer(_:)` does, but with the send out of line: the common case
    /// (room left) is a store and an increment inlined into the caller, and only a buffer that
    /// fills calls `flushFull()`. In a per-packet loop this keeps the inlined transmit path (and
    /// the registers it clobbers) out of the loop body. Consumes the mbuf.
    /// - Returns: packets sent by this call (0 unless the buffer filled).
    @inlinable
    public func add(_ mbuf: consuming Mbuf) -> Int {
        if cdpdk_eth_tx_buffer_put(raw, mbuf.release()) == 0 { return 0 }
        return flushFull()
    }

    /// The send of `add(_:)`, kept out of line.
    @usableFromInline @inline(never)
    func flushFull() -> Int { flush() }
}
