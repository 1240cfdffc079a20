import CDPDK
import MPCore

/// The final report, in the C sample's format, printed after every lcore stopped, so the
/// figures are exact (C prints them from its signal handler, mid-burst).
func printFinalStatistics(ports: [EthPort], counters: CounterTable, signal: Int32) {
    output("\nExiting on signal \(signal)\n")
    for (i, port) in ports.enumerated() {
        output("Port \(port.id): RX - \(counters.total(.rx, port: i)), TX - \(counters.total(.tx, port: i)), Drop - \(counters.total(.drop, port: i))")
    }
}

/// The `--stats-period` report: per-port packet rates over the last period, and totals.
///
/// Run by one lcore only (the main lcore): from its forwarding loop through `due(now:)`, one TSC
/// read per loop iteration, or from a sleeping loop when the main lcore has no ports.
struct PeriodicReport {
    let ports: [EthPort]
    let counters: CounterTable
    /// TSC cycles per period.
    let period: UInt64
    let hz: Double
    /// TSC value at which the next report is due.
    private(set) var next: UInt64
    private var lastTime: UInt64
    private var last: [(rx: UInt64, tx: UInt64, drop: UInt64)]

    init(ports: [EthPort], counters: CounterTable, seconds: Double) {
        self.ports = ports
        self.counters = counters
        hz = Double(rte_get_tsc_hz())
        period = max(1, UInt64(seconds * hz))
        lastTime = rte_get_tsc_cycles()
        next = lastTime &+ period
        last = Array(repeating: (0, 0, 0), count: ports.count)
    }

    /// Prints the rates since the previous report and schedules the next one.
    mutating func report(now: UInt64) {
        let elapsed = Double(now &- lastTime) / hz
        var lines: [String] = []
        var sum = (rx: 0.0, tx: 0.0, drop: 0.0)
        for (i, port) in ports.enumerated() {
            let cur = (rx: counters.total(.rx, port: i), tx: counters.total(.tx, port: i),
                       drop: counters.total(.drop, port: i))
            let rate = (rx: Double(cur.rx &- last[i].rx) / elapsed, tx: Double(cur.tx &- last[i].tx) / elapsed,
                        drop: Double(cur.drop &- last[i].drop) / elapsed)
            sum = (sum.rx + rate.rx, sum.tx + rate.tx, sum.drop + rate.drop)
            lines.append("Stats: port \(port.id): RX \(Int(rate.rx)) pps, TX \(Int(rate.tx)) pps, Drop \(Int(rate.drop)) pps"
                         + " (total RX \(cur.rx), TX \(cur.tx), Drop \(cur.drop))")
            last[i] = cur
        }
        lines.append("Stats: all ports: RX \(Int(sum.rx)) pps, TX \(Int(sum.tx)) pps, Drop \(Int(sum.drop)) pps")
        output(lines.joined(separator: "\n"))
        lastTime = now
        next = now &+ period
    }
}
