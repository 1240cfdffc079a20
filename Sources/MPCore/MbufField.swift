import CDPDK

/// A 32-bit dynamic field in every mbuf (`rte_mbuf_dynfield_register`): per-packet metadata
/// that processes of one group agree on by name, such as the owner mark of client_server_mp.
///
/// The field lives in the mbuf's reserved `dynfield1` area (its second cache line). Registering
/// is global to the group (the registration is itself in shared memory) and idempotent.
public struct MbufField: Sendable, Equatable {
    /// The byte offset in `struct rte_mbuf`.
    public let offset: Int32

    /// Registers (or finds, if already registered with the same size) a 32-bit field.
    public static func register(name: String) throws(DPDKError) -> MbufField {
        var params = rte_mbuf_dynfield()
        withUnsafeMutableBytes(of: &params.name) { buf in
            let utf8 = Array(name.utf8.prefix(buf.count - 1))
            buf.copyBytes(from: utf8)
        }
        params.size = 4
        params.align = 4
        let off = rte_mbuf_dynfield_register(&params)
        guard off >= 0 else { throw DPDKError.fromErrno("registering mbuf dynamic field \(name)") }
        return MbufField(offset: off)
    }

    /// Finds a field that another process registered (`rte_mbuf_dynfield_lookup`).
    public static func lookup(name: String) throws(DPDKError) -> MbufField {
        let off = rte_mbuf_dynfield_lookup(name, nil)
        guard off >= 0 else { throw DPDKError.fromErrno("looking up mbuf dynamic field \(name)") }
        return MbufField(offset: off)
    }

    /// Wraps an offset that another process published (in a memzone, say).
    public init(offset: Int32) { self.offset = offset }
}

extension Mbuf {
    /// The value of a 32-bit dynamic field of this packet.
    @inlinable public subscript(field: MbufField) -> UInt32 {
        get { cdpdk_mbuf_dyn_u32(raw, field.offset) }
        nonmutating set { cdpdk_mbuf_set_dyn_u32(raw, field.offset, newValue) }
    }
}

extension MbufBurst {
    /// Sets a dynamic field of every held mbuf: one store per packet, for marking a burst
    /// before it is handed on.
    @inlinable public func setField(_ field: MbufField, to value: UInt32) {
        var i = head
        while i < end {
            cdpdk_mbuf_set_dyn_u32(slots[i].unsafelyUnwrapped, field.offset, value)
            i &+= 1
        }
    }
}
