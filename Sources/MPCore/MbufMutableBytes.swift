import CDPDK

extension Mbuf {
    /// Calls `body` with the first segment's data, writable: for changing a packet in place
    /// (addresses, a TTL) on the datapath. Do not let the pointer escape `body`.
    @inlinable
    public mutating func withUnsafeMutableBytes<R, E: Error>(
        _ body: (UnsafeMutableRawBufferPointer) throws(E) -> R
    ) throws(E) -> R {
        try body(UnsafeMutableRawBufferPointer(start: cdpdk_mbuf_data(raw), count: dataLength))
    }
}
