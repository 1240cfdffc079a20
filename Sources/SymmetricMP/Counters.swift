import MPCore

/// Packet counters of one process: for every lcore slot, for every selected port, RX, TX and
/// Drop, 64-bit, in an MPCore `CounterTable` (one row per lcore slot, each on its own cache lines).
///
/// Ownership: slot `s` is written only by the lcore given slot `s` (single writer, one volatile
/// add per burst, no atomics). Any thread may read (volatile loads: the periodic report,
/// telemetry); the final figures are summed after every lcore joined. RX is counted on the port
/// a burst came from, TX and Drop on the port it went to, so for each pair
/// `RX(p) == TX(p ^ 1) + Drop(p ^ 1)` holds exactly at any burst boundary.
struct PortCounters: Sendable {
    enum Kind: Int { case rx = 0, tx = 1, drop = 2 }

    /// The storage; freed when the last copy of this struct goes (after every lcore stopped:
    /// the forwarding plan holds one).
    private let table: CounterTable
    /// Number of selected ports.
    let portCount: Int

    init(slots: Int, portCount: Int) {
        table = CounterTable(rows: slots, columns: 3 * portCount)
        self.portCount = portCount
    }

    /// The counters of `slot`, for its lcore to write.
    func writer(slot: Int) -> LcoreCounters { LcoreCounters(row: table.row(slot), portCount: portCount) }

    /// The sum over all slots of one counter of the port at `index` in the selected list.
    func total(_ kind: Kind, port index: Int) -> UInt64 {
        table.total(column: kind.rawValue * portCount + index)
    }
}

/// One lcore's view of its own counters: the only writer of them. A plain pointer and a count:
/// the loop adds to them without reference counting.
struct LcoreCounters {
    let row: CounterRow
    let portCount: Int

    @inline(__always) func addRx(port index: Int, _ n: Int) { row.add(n, at: index) }
    @inline(__always) func addTx(port index: Int, _ n: Int) { row.add(n, at: portCount + index) }
    @inline(__always) func addDrop(port index: Int, _ n: Int) { row.add(n, at: 2 * portCount + index) }
}
