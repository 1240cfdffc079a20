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
