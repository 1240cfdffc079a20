@testable import MPCore
import Testing

/// Counter tables and shared words: plain memory, no EAL needed.
@Suite struct CounterTableTests {
    @Test func rowsAreSeparateAndTotalsAddUp() {
        let table = CounterTable(rows: 3, columns: 5)
        for r in 0..<3 {
            let row = table.row(r)
            #expect(row.columns == 5)
            for c in 0..<5 { row.add(10 * r + c, at: c) }
        }
        for c in 0..<5 { #expect(table.total(column: c) == UInt64(0 + 10 + 20 + 3 * c)) }
        #expect(table.counter(row: 2, column: 4).value == 24)
        table.counter(row: 1, column: 0).store(7)
        #expect(table.total(column: 0) == 0 + 7 + 20)
    }

    @Test func startsZeroed() {
        let table = CounterTable(rows: 4, columns: 9)
        #expect((0..<9).allSatisfy { table.total(column: $0) == 0 })
    }

    /// Each row starts a cache line of its own: one writer per line.
    @Test func rowsStartOnCacheLines() {
        let table = CounterTable(rows: 3, columns: 9) // 72 bytes: two lines a row
        let addresses = (0..<3).map { UInt(bitPattern: table.counter(row: $0, column: 0).pointer) }
        #expect(addresses.allSatisfy { $0 % 64 == 0 })
        #expect(addresses[1] - addresses[0] == 128 && addresses[2] - addresses[1] == 128)
    }

    @Test func emptyTable() {
        let table = CounterTable(rows: 0, columns: 0)
        #expect(table.rows == 0 && table.columns == 0)
    }

    @Test func rowColumnOutOfRangeTraps() async {
        await #expect(processExitsWith: .failure) {
            CounterTable(rows: 1, columns: 2).row(0).add(1, at: 2)
        }
        await #expect(processExitsWith: .failure) {
            _ = CounterTable(rows: 1, columns: 2).row(1)
        }
    }

    @Test func sharedInt32CompareExchange() {
        var word: Int32 = 0
        withUnsafeMutablePointer(to: &word) { p in
            let shared = SharedInt32(unsafeAddress: p)
            #expect(shared.compareExchange(expected: 0, desired: 42))
            #expect(!shared.compareExchange(expected: 0, desired: 7))
            #expect(shared.load() == 42)
            shared.store(-1)
            #expect(shared.load() == -1)
        }
    }

    @Test func sharedUInt32() {
        var word: UInt32 = 5
        withUnsafeMutablePointer(to: &word) { p in
            let shared = SharedUInt32(unsafeAddress: p)
            #expect(shared.load() == 5)
            shared.store(.max)
            #expect(shared.load() == .max)
        }
    }
}
