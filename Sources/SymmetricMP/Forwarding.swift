import Glibc
import MPCore
import SampleSupport

/// Which slice of the selected ports each lcore polls (C: `assign_ports_to_cores`): port pairs
/// spread evenly over all lcores in id order, the first lcores taking one extra pair each.
/// - Returns: for every lcore, a range of indices into the selected-port list (maybe empty).
func assignPortsToLcores(_ lcores: [LcoreID], portCount: Int) -> [LcoreID: Range<Int>] {
    let pairs = portCount / 2
    let perLcore = pairs / lcores.count
    var extra = pairs % lcores.count
    var assigned = 0
    var result: [LcoreID: Range<Int>] = [:]
    for lcore in lcores.sorted() {
        var n = perLcore * 2
        if extra > 0 { n += 2; extra -= 1 }
        result[lcore] = assigned..<(assigned + n)
        assigned += n
    }
    return result
}

/// The forwarding work of one lcore: ports `range` of `ports`, queue `queue` of each, forwarding
/// port `p` to port `p ^ 1` (C: `lcore_main`), each packet rewritten by `Engine` on the way
/// (`io`: unchanged, as the C sample). Specialised per engine: chosen once, in `runLcore`.
///
/// Everything the loop touches is a plain value or a pointer set up before it starts: the port
/// table is the array's storage, borrowed for the whole loop (no bounds checks, no reference
/// counting per pass), the burst storage is allocated once, counters are written through
/// `LcoreCounters`, and the stop flag is read once per pass over the ports, so every burst
/// either is fully counted or not started.
struct Forwarder<Engine: ForwardingEngine> {
    let ports: [EthPort]
    let range: Range<Int>
    let queue: QueueID
    let counters: LcoreCounters

    /// Forwards until `Shutdown.requested`. When `report` is given (the main lcore with
    /// `--stats-period`), also prints it when due: one TSC read per pass.
    func run(report: inout PeriodicReport?) {
        ports.withUnsafeBufferPointer { buffer in
            // A local of this closure, not captured by it: its indices can then live in
            // registers across the driver calls (captured, they were stored and reloaded
            // around every rx and tx call).
            var burst = MbufBurst(capacity: Shared.burstSize)
            let table = buffer.baseAddress!
            if report == nil {
                while !Shutdown.requested { forwardOnce(&burst, table) }
                return
            }
            while !Shutdown.requested {
                forwardOnce(&burst, table)
                let now = TSC.now
                if now >= report.unsafelyUnwrapped.next { report!.report(now: now) }
            }
        }
    }

    /// One pass: a burst from each port of the slice to its pair.
    @inline(__always) func forwardOnce(_ burst: inout MbufBurst, _ table: UnsafePointer<EthPort>) {
        let queue = queue
        let counters = counters
        var p = range.lowerBound
        let end = range.upperBound
        while p < end {
            let src = table[p]
            let dst = table[p ^ 1] // 0 <-> 1, 2 <-> 3, ...
            let received = src.receive(queue: queue, into: &burst)
            if received != 0 {
                counters.addRx(port: p, received)
                burst.rewrite(with: Engine.self)
                let sent = dst.transmit(queue: queue, from: &burst)
                counters.addTx(port: p ^ 1, sent)
                if sent != received {
                    // What the device refused is freed and counted as dropped on its port.
                    counters.addDrop(port: p ^ 1, burst.free())
                }
            }
            p &+= 1
        }
    }
}

/// What every lcore of this process needs to know: built once by `main`, then read-only.
struct ForwardingPlan: Sendable {
    let ports: [EthPort]
    let assignment: [LcoreID: Range<Int>]
    /// Lcore slot numbers into `counters`.
    let slots: [LcoreID: Int]
    let counters: PortCounters
    let queue: QueueID
    let mainLcore: LcoreID
    let statsPeriod: Double?
    /// `--fwd`: the engine every lcore's loop is specialised for.
    let fwd: ForwardingMode

    /// The body of each lcore (C: `lcore_main`): prints what it does, then forwards until stopped.
    func runLcore(_ lcore: LcoreID) -> Int32 {
        let range = assignment[lcore] ?? 0..<0
        var report: PeriodicReport? = nil
        if lcore == mainLcore, let seconds = statsPeriod {
            report = PeriodicReport(ports: ports, counters: counters, seconds: seconds, queue: queue)
        }
        if range.isEmpty {
            output("Lcore \(lcore) has nothing to do")
            if var report { reportUntilStopped(&report) }
            return 0
        }
        // One print per line, built first, so lines of several lcores do not interleave.
        output("Lcore \(lcore) using ports " + range.map { "\(ports[$0].id) " }.joined())
        output("lcore \(lcore) using queue \(queue) of each port")
        let writer = counters.writer(slot: slots[lcore]!)
        // The one place the engine is chosen: each case runs a loop specialised for it.
        switch fwd {
        case .io: run(IOEngine.self, range: range, counters: writer, report: &report)
        case .macswap: run(MacSwapEngine.self, range: range, counters: writer, report: &report)
        case .fiveTupleSwap: run(FiveTupleSwapEngine.self, range: range, counters: writer, report: &report)
        }
        return 0
    }

    private func run<E: ForwardingEngine>(_ engine: E.Type, range: Range<Int>, counters: LcoreCounters,
                                          report: inout PeriodicReport?) {
        Forwarder<E>(ports: ports, range: range, queue: queue, counters: counters).run(report: &report)
    }

    /// The main lcore without ports: wakes every 10 ms to print the report when due.
    private func reportUntilStopped(_ report: inout PeriodicReport) {
        while !Shutdown.requested {
            usleep(10_000)
            let now = TSC.now
            if now >= report.next { report.report(now: now) }
        }
    }
}
