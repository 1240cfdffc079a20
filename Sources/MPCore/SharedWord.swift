import CDPDK

/// A signed 32-bit word in shared memory that several processes read, write and compare-and-swap
/// atomically: a process id claiming a slot, an offset published once.
///
/// Loads acquire, stores release and `compareExchange` is acquire-release, so what a process wrote
/// before a store is visible to a process that loads the stored value.
public struct SharedInt32: @unchecked Sendable {
    @usableFromInline let pointer: UnsafeMutablePointer<Int32>

    /// Wraps a field of a memzone struct. The memory must outlive every use of the word.
    public init(unsafeAddress pointer: UnsafeMutablePointer<Int32>) { self.pointer = pointer }

    /// The current value (acquire).
    @inlinable public func load() -> Int32 { cdpdk_load32(pointer) }

    /// Sets the value (release).
    @inlinable public func store(_ value: Int32) { cdpdk_store32(pointer, value) }

    /// Sets the value to `desired` if it is `expected`, atomically.
    /// - Returns: whether it was exchanged.
    @inlinable public func compareExchange(expected: Int32, desired: Int32) -> Bool {
        cdpdk_cas32(pointer, expected, desired) != 0
    }
}

/// An unsigned 32-bit word in shared memory with one writer (a status, a flag, a generation);
/// other processes read it. Loads acquire, stores release.
public struct SharedUInt32: @unchecked Sendable {
    @usableFromInline let pointer: UnsafeMutablePointer<UInt32>

    /// Wraps a field of a memzone struct. The memory must outlive every use of the word.
    public init(unsafeAddress pointer: UnsafeMutablePointer<UInt32>) { self.pointer = pointer }

    /// The current value (acquire).
    @inlinable public func load() -> UInt32 { cdpdk_loadu32(pointer) }

    /// Sets the value (release). Only the word's one writer may call this.
    @inlinable public func store(_ value: UInt32) { cdpdk_storeu32(pointer, value) }
}
