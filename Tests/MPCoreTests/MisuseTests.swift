import MPCore
import Testing

/// Misuse that must stop the process rather than corrupt memory.
@Suite struct MisuseTests {
    @Test func burstOfNoCapacityTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = MbufBurst(capacity: 0)
        }
    }
}

/// FixedArray's checked subscript stops the process on an index outside `0 ..< count`, for
/// reads and for writes; a negative count is refused at creation.
@Suite struct FixedArrayBoundsTests {
    // One test per index: an exit test's body cannot capture arguments before Swift 6.3.
    @Test func readBelowZeroTraps() async {
        await #expect(processExitsWith: .failure) {
            let array = FixedArray(count: 3) { $0 }
            _ = array[-1]
        }
    }

    @Test func readAtCountTraps() async {
        await #expect(processExitsWith: .failure) {
            let array = FixedArray(count: 3) { $0 }
            _ = array[3]
        }
    }

    @Test func writeBelowZeroTraps() async {
        await #expect(processExitsWith: .failure) {
            var array = FixedArray(count: 3) { $0 }
            array[-1] = 0
        }
    }

    @Test func writeAtCountTraps() async {
        await #expect(processExitsWith: .failure) {
            var array = FixedArray(count: 3) { $0 }
            array[3] = 0
        }
    }

    @Test func emptyArrayHasNoElementZero() async {
        await #expect(processExitsWith: .failure) {
            let array = FixedArray<Int>(count: 0) { _ in 0 }
            _ = array[0]
        }
    }

    @Test func negativeCountTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = FixedArray<Int>(count: -1) { _ in 0 }
        }
    }

    /// The control: in-bounds use of the same array exits normally, so the traps above are the
    /// bounds checks and not something else in the child process.
    @Test func inBoundsUseExitsNormally() async {
        await #expect(processExitsWith: .success) {
            var array = FixedArray(count: 3) { $0 }
            array[2] = array[0] + array[1]
        }
    }
}
