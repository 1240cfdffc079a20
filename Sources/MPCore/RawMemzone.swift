import CDPDK

/// A named block of shared memory of a given size, for C structs that Swift cannot import.
///
/// `Memzone<Value>` needs `Value` imported; structs with cache-aligned members (64-byte alignment,
/// such as client_server_mp's `struct port_info`) are not, so their shim functions take the
/// memory as an `OpaquePointer` and their size comes from the shim. The primary reserves and
/// zeroes it; secondaries look it up. Memzones are never freed before the EAL is.
public struct RawMemzone: @unchecked Sendable {
    /// The memzone's memory, as the opaque struct pointer the shim's accessors take. Unsafe:
    /// shared with other processes, and invalid after the EAL's cleanup.
    public let unsafePointer: OpaquePointer
    /// The size asked for at reservation (the memzone may be larger).
    public let byteCount: Int

    /// Reserves and zeroes `byteCount` bytes (`rte_memzone_reserve`). Primary only.
    public static func reserve(name: String, byteCount: Int, socket: SocketID = .current) throws(DPDKError) -> RawMemzone {
        guard let mz = rte_memzone_reserve(name, byteCount, socket.rawValue, 0) else {
            throw DPDKError.fromErrno("reserving memzone \(name)")
        }
        let addr = cdpdk_memzone_addr(mz)!
        addr.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
        return RawMemzone(unsafePointer: OpaquePointer(addr), byteCount: byteCount)
    }

    /// Finds a memzone the primary reserved (`rte_memzone_lookup`).
    /// - Throws: `DPDKError` when none has that name, or it is smaller than `byteCount`.
    public static func lookup(name: String, byteCount: Int) throws(DPDKError) -> RawMemzone {
        guard let mz = rte_memzone_lookup(name) else { throw DPDKError.fromErrno("looking up memzone \(name)") }
        guard cdpdk_memzone_len(mz) >= byteCount else {
            throw DPDKError(code: EINVAL, attempted: "looking up memzone \(name) (smaller than expected)")
        }
        return RawMemzone(unsafePointer: OpaquePointer(cdpdk_memzone_addr(mz)!), byteCount: byteCount)
    }
}
