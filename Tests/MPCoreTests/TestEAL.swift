import MPCore
import Testing

/// One EAL for the whole test process (rte_eal_init runs once per process): in memory, no
/// PCI, nothing on disk (hugepages through memfd); lcores 0 and 1 (a worker waits blocked in
/// DPDK until launched, so it costs no CPU); one net_null port.
final class TestEAL: Sendable {
    let eal: EAL

    private init() {
        do {
            eal = try EAL(arguments: ["mpcore-tests", "--in-memory", "--no-pci",
                                      "-l", "0-1", "--vdev=net_null0", "--log-level=lib.eal:error", "--no-telemetry"])
        } catch {
            fatalError("cannot start the test EAL: \(error)")
        }
    }

    static let shared = TestEAL()

    /// A name no other test uses, for the EAL's global namespace of rings, pools and memzones.
    static func uniqueName(_ base: String) -> String {
        let n = counter.add(1, ordering: .relaxed).newValue
        return "\(base)_\(n)"
    }
    private static let counter = Atomic<Int>(0)
}

import Synchronization
