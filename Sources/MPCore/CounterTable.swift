import CDPDK

/// Packet counters in this process's own memory: `rows` rows of `columns` 64-bit counters, each
/// row starting on a cache line of its own, zeroed at creation and freed with the table.
///
/// For counters that one process's threads share, such as one row per lcore: a row has one
/// writer (its lcore, through `row(_:)`), any thread may read (volatile loads, as `SharedCounter`).
/// The table owns the memory; `CounterRow` and `SharedCounter` views do not keep it alive (so the
/// datapath touches no reference count): keep the table until the last writer has stopped.
/// Not for sharing between processes: that is what a `Memzone` is for.
public final class CounterTable: @unchecked Sendable {
    /// Number of rows (writers).
    public let rows: Int
    /// Counters per row.
    public let columns: Int
    private let base: UnsafeMutablePointer<UInt64>
    /// Counters from one row to the next: whole cache lines.
    private let rowStride: Int

    /// Creates a zeroed table.
    public init(rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0, "CounterTable dimensions must not be negative")
        self.rows = rows
        self.columns = columns
        let perLine = 64 / MemoryLayout<UInt64>.stride
        rowStride = (columns + perLine - 1) / perLine * perLine
        let count = max(rowStride * rows, perLine)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<UInt64>.stride, alignment: 64)
        base = raw.initializeMemory(as: UInt64.self, repeating: 0, count: count)
    }

    deinit { base.deallocate() }

    /// Row `row`, for its one writer. Valid while the table lives.
    public func row(_ row: Int) -> CounterRow {
        precondition(row >= 0 && row < rows, "CounterTable row out of range")
        return CounterRow(base: base + row * rowStride, columns: columns)
    }

    /// One counter, as a handle that the row's writer adds to and anyone reads. Valid while the
    /// table lives.
    public func counter(row: Int, column: Int) -> SharedCounter { self.row(row)[column] }

    /// The sum of `column` over all rows.
    public func total(column: Int) -> UInt64 {
        precondition(column >= 0 && column < columns, "CounterTable column out of range")
        var sum: UInt64 = 0
        for r in 0..<rows { sum &+= cdpdk_counter_read(base + r * rowStride + column) }
        return sum
    }
}

/// One row of a `CounterTable`: a plain pointer, for the row's one writer to add to from a
/// datapath loop (one volatile add, no reference counting). Valid while its table lives.
public struct CounterRow: @unchecked Sendable {
    @usableFromInline let base: UnsafeMutablePointer<UInt64>
    /// Counters in the row.
    public let columns: Int

    @usableFromInline init(base: UnsafeMutablePointer<UInt64>, columns: Int) {
        self.base = base
        self.columns = columns
    }

    /// Adds `n` to counter `column`. Only the row's writer may call this.
    @inlinable @inline(__always) public func add(_ n: Int, at column: Int) {
        precondition(column >= 0 && column < columns, "CounterRow column out of range")
        cdpdk_counter_add(base + column, UInt64(truncatingIfNeeded: n))
    }

    /// Counter `column` as a handle.
    public subscript(column: Int) -> SharedCounter {
        precondition(column >= 0 && column < columns, "CounterRow column out of range")
        return SharedCounter(unsafeAddress: base + column)
    }
}
