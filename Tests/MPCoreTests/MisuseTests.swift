import Glibc
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

/// Packets cannot outlive the EAL: `EAL.run` cleans up when its body returns, and a packet that
/// escaped the body anyway (here through a class) stops the process when it is freed afterwards,
/// instead of writing into DPDK memory that is no longer mapped.
@Suite struct LifetimeTests {
    /// Holds a packet past the scope it was made in: the escape the type system cannot stop.
    final class Stash: @unchecked Sendable { var packet: Mbuf? = nil }

    static let arguments = ["mpcore-lifetime", "--in-memory", "--no-pci", "-l", "0",
                            "--log-level=lib.eal:error", "--no-telemetry"]

    @Test func packetFreedAfterCleanupTraps() async {
        // SIGILL: Swift's own trap (the lifetime check), not a SIGSEGV from the free itself, nor
        // a normal exit with the free gone unnoticed.
        await #expect(processExitsWith: .signal(SIGILL)) {
            let stash = Stash()
            try EAL.run(arguments: LifetimeTests.arguments) { _ in
                let pool = try PacketPool.create(name: "LIFE", count: 63, cacheSize: 0)
                stash.packet = try pool.allocate()
            }
            stash.packet = nil // the free after rte_eal_cleanup
        }
    }

    /// The control: the same packet ended inside the scope, and the process exits normally with
    /// the body's status.
    @Test func packetEndedInsideTheScopeExitsNormally() async {
        await #expect(processExitsWith: .success) {
            let status = try EAL.run(arguments: LifetimeTests.arguments) { _ -> Int32 in
                let pool = try PacketPool.create(name: "LIFE", count: 63, cacheSize: 0)
                let packet = try pool.allocate()
                _ = consume packet
                return pool.inUseCount == 0 ? 0 : 1
            }
            exit(status)
        }
    }
}
