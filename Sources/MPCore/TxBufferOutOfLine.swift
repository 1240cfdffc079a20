import CDPDK

extension TxBuffer {
    /// Queues one packet, as `buffer(_:)` does, but with the send out of line: the common case
    /// (room left) is a store and an increment inlined into the caller, and only a buffer that
    /// fills calls `flushFull()`. In a per-packet loop this keeps the inlined transmit path (and
    /// the registers it clobbers) out of the loop body. Consumes the mbuf.
    /// - Returns: packets sent by this call (0 unless the buffer filled).
    @inlinable
    public func add(_ mbuf: consuming Mbuf) -> Int {
        append(mbuf) ? flushFull() : 0
    }

    /// Queues one packet without sending anything: a store and an increment, reading nothing
    /// of the buffer but its storage. Consumes the mbuf.
    /// - Returns: whether the buffer is now full; send it then (`flushFull()`) before the next
    ///   `append`. For a per-packet loop that holds its buffers in a `FixedArray`: reached
    ///   through the array, `add(_:)`'s out-of-line send makes the compiler copy the whole
    ///   buffer value to the stack for every packet, `append` does not.
    @inlinable
    public func append(_ mbuf: consuming Mbuf) -> Bool {
        cdpdk_eth_tx_buffer_put(raw, mbuf.release()) != 0
    }

    /// `flush()` kept out of line: the send of a buffer that `add(_:)` or `append(_:)` filled.
    /// - Returns: packets sent.
    @inline(never)
    public func flushFull() -> Int { flush() }
}
