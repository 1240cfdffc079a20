import CDPDK

extension TxBuffer {
    /// Frees the queued packets without sending them, and counts them as dropped (the drop
    /// counter given at creation). For when the port must not be touched any more, such as a
    /// secondary whose primary has exited. Returns how many packets were dropped.
    @discardableResult
    public func dropAll() -> Int {
        Int(cdpdk_eth_tx_buffer_drop(raw))
    }
}
