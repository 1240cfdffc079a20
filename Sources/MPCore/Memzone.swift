import CDPDK

/// A named block of shared memory holding one `Value` (`struct rte_memzone *`).
///
/// `Value` must be plain bits (`BitwiseCopyable`: a C struct, an integer, a tuple of them) whose
/// layout every process agrees on, whatever language it is written in: a Swift class, string or
/// array holds pointers into one process's private memory and means nothing to another. The
/// primary reserves and zeroes it; secondaries look it up. Memzones are never freed before the
/// EAL is.
public struct Memzone<Value: BitwiseCopyable>: @unchecked Sendable {
    /// The memzone's memory. Unsafe: other processes read and write it concurrently, so use the
    /// shared counter and atomic helpers for any field that another process writes, and never
    /// keep the pointer past the EAL's cleanup.
    public let unsafePointer: UnsafeMutablePointer<Value>

    /// Reserves and zeroes a memzone the size of `Value` (`rte_memzone_reserve`). Primary only.
    public static func reserve(name: String, socket: SocketID = .current) throws(DPDKError) -> Memzone {
        Memzone(try RawMemzone.reserve(name: name, byteCount: MemoryLayout<Value>.size, socket: socket))
    }

    /// Finds a memzone the primary reserved (`rte_memzone_lookup`).
    /// - Throws: `DPDKError` when none has that name, or it is smaller than `Value`.
    public static func lookup(name: String) throws(DPDKError) -> Memzone {
        Memzone(try RawMemzone.lookup(name: name, byteCount: MemoryLayout<Value>.size))
    }

    private init(_ raw: RawMemzone) {
        unsafePointer = UnsafeMutableRawPointer(raw.unsafePointer).assumingMemoryBound(to: Value.self)
    }
}

/// A 64-bit counter in shared memory with one writer; other processes read it.
///
/// Loads and stores are volatile, as the C samples' `volatile uint64_t` fields, so a busy loop
/// publishes every update and readers in other processes see whole values.
public struct SharedCounter: @unchecked Sendable {
    @usableFromInline let pointer: UnsafeMutablePointer<UInt64>

    /// Wraps a field of a memzone struct. The memory must outlive every use of the counter.
    public init(unsafeAddress pointer: UnsafeMutablePointer<UInt64>) { self.pointer = pointer }

    /// Adds `n`. Only the field's one writer may call this.
    @inlinable public func add(_ n: UInt64) { cdpdk_counter_add(pointer, n) }

    /// The current value.
    @inlinable public var value: UInt64 { cdpdk_counter_read(pointer) }

    /// Sets the value (resetting statistics at start-up, publishing a total). Only the field's one writer may call this.
    @inlinable public func store(_ v: UInt64) { cdpdk_counter_store(pointer, v) }
}
