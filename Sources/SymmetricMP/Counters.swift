import CDPDK
import MPCore

/// Packet counters of one process: for every lcore slot, for every selected port, RX, TX and
/// Drop, 64-bit.
///
/// Ownership: slot `s` is written only by the lcore given slot `s` (single writer, one volatile
/// add per burst, no atomics), and each slot starts on its own cache line. Any thread may read
/// (volatile loads: the periodic report); the final figures are summed after every lcore joined.
/// RX is counted on the port a burst came from, TX and Drop on the port it went to, so for each
/// pair `RX(p) == TX(p ^ 1) + Drop(p ^ 1)` holds exactly at any burst boundary.
struct CounterTable: @unchecked Sendable {
    enum Kind: Int { case rx = 0, tx = 1, drop = 2 }

    private let base: UnsafeMutableRawPointer
    /// Number of selected ports.
    let portCount: Int
    /// Number of lcore slots.
    let slots: Int
    /// Bytes from one slot to the next: whole cache lines.
    private let stride: Int

    init(slots: Int, portCount: Int) {
        self.slots = slots
        self.portCount = portCount
        let bytes = 3 * portCount * MemoryLayout<UInt64>.stride
        stride = (bytes + 63) / 64 * 64
        base = .allocate(byteCount: max(stride * slots, 64), alignment: 64)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: max(stride * slots, 64))
    }

    /// Releases the storage, once every lcore has stopped.
    func deallocate() { base.deallocate() }

    /// The counters of `slot`, for its lcore to write.
    func writer(slot: Int) -> LcoreCounters {
        LcoreCounters(base: (base + slot * stride).assumingMemoryBound(to: UInt64.self), portCount: portCount)
    }

    /// The sum over all slots of one counter of the port at `index` in the selected list.
    func total(_ kind: Kind, port index: Int) -> UInt64 {
        var sum: UInt64 = 0
        for slot in 0..<slots {
            let p = (base + slot * stride).assumingMemoryBound(to: UInt64.self)
            sum &+= cdpdk_counter_read(p + kind.rawValue * portCount + index)
        }
        return sum
    }
}

/// One lcore's view of its own counters: the only writer of them.
struct LcoreCounters {
    let base: UnsafeMutablePointer<UInt64>
    let portCount: Int

    @inline(__always) func addRx(port index: Int, _ n: Int) {
        cdpdk_counter_add(base + index, UInt64(truncatingIfNeeded: n))
    }
    @inline(__always) func addTx(port index: Int, _ n: Int) {
        cdpdk_counter_add(base + portCount + index, UInt64(truncatingIfNeeded: n))
    }
    @inline(__always) func addDrop(port index: Int, _ n: Int) {
        cdpdk_counter_add(base + 2 * portCount + index, UInt64(truncatingIfNeeded: n))
    }
}
