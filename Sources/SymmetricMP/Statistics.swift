import MPCore
import SampleSupport

/// The final report, in the C sample's format, printed after every lcore stopped, so the
/// figures are exact (C prints them from its signal handler, mid-burst).
func printFinalStatistics(ports: [EthPort], counters: PortCounters, signal: Int32) {
    output("\nExiting on signal \(signal)\n")
    for (i, port) in ports.enumerated() {
        output("Port \(port.id): RX - \(counters.total(.rx, port: i)), TX - \(counters.total(.tx, port: i)), Drop - \(counters.total(.drop, port: i))")
    }
}

/// The `--stats-period` report: per-port packet and bit rates over the last period, and totals.
/// Packets from this process's own counters; bits from the device's byte counters of this
/// process's queue (`q_ibytes`/`q_obytes`, first 16 queues, PMDs that count bytes: net_pcap,
/// net_tap, not net_null), read once per period, never on the datapath.
///
/// Run by one lcore only (the main lcore): from its forwarding loop through `due(now:)`, one TSC
/// read per loop iteration, or from a sleeping loop when the main lcore has no ports.
struct PeriodicReport {
    let ports: [EthPort]
    let counters: PortCounters
    /// TSC cycles per period.
    let period: UInt64
    let hz: Double
    /// TSC value at which the next report is due.
    private(set) var next: UInt64
    private var lastTime: UInt64
    private var last: [(rx: UInt64, tx: UInt64, drop: UInt64)]
    /// This process's queue: its byte counters give the bit rates.
    let queue: QueueID
    private var lastBytes: [(rx: UInt64, tx: UInt64)?]

    init(ports: [EthPort], counters: PortCounters, seconds: Double, queue: QueueID) {
        self.queue = queue
        self.ports = ports
        self.counters = counters
        hz = Double(TSC.hz)
        period = max(1, UInt64(seconds * hz))
        lastTime = TSC.now
        next = lastTime &+ period
        last = Array(repeating: (0, 0, 0), count: ports.count)
        lastBytes = ports.map { PeriodicReport.bytes(of: $0, queue: queue) }
    }

    /// The bytes this process's queue received and sent on `port`, as the device counts them
    /// (`q_ibytes` / `q_obytes`): nil when the device keeps no per-queue figures for it.
    static func bytes(of port: EthPort, queue: QueueID) -> (rx: UInt64, tx: UInt64)? {
        guard let s = try? port.statistics(queue: queue) else { return nil }
        return (s.rxBytes, s.txBytes)
    }

    /// Prints the rates since the previous report and schedules the next one.
    mutating func report(now: UInt64) {
        let elapsed = Double(now &- lastTime) / hz
        var lines: [String] = []
        var sum = (rx: 0.0, tx: 0.0, drop: 0.0)
        var sumBits = (rx: 0.0, tx: 0.0)
        for (i, port) in ports.enumerated() {
            let cur = (rx: counters.total(.rx, port: i), tx: counters.total(.tx, port: i),
                       drop: counters.total(.drop, port: i))
            let rate = (rx: Double(cur.rx &- last[i].rx) / elapsed, tx: Double(cur.tx &- last[i].tx) / elapsed,
                        drop: Double(cur.drop &- last[i].drop) / elapsed)
            sum = (sum.rx + rate.rx, sum.tx + rate.tx, sum.drop + rate.drop)
            // Bits per second from the device's byte counters of this process's queue, when it has them.
            let bytes = PeriodicReport.bytes(of: port, queue: queue)
            var bits = (rx: "", tx: "")
            if let b = bytes, let l = lastBytes[i] {
                let r = (rx: Rate(from: (0, l.rx), to: (0, b.rx), seconds: elapsed),
                         tx: Rate(from: (0, l.tx), to: (0, b.tx), seconds: elapsed))
                bits = (" \(Int(r.rx.bitsPerSecond)) bit/s", " \(Int(r.tx.bitsPerSecond)) bit/s")
                sumBits = (sumBits.rx + r.rx.bitsPerSecond, sumBits.tx + r.tx.bitsPerSecond)
            }
            lastBytes[i] = bytes
            lines.append("Stats: port \(port.id): RX \(Int(rate.rx)) pps\(bits.rx), TX \(Int(rate.tx)) pps\(bits.tx), Drop \(Int(rate.drop)) pps"
                         + " (total RX \(cur.rx), TX \(cur.tx), Drop \(cur.drop))")
            last[i] = cur
        }
        lines.append("Stats: all ports: RX \(Int(sum.rx)) pps \(Int(sumBits.rx)) bit/s, TX \(Int(sum.tx)) pps \(Int(sumBits.tx)) bit/s, Drop \(Int(sum.drop)) pps")
        output(lines.joined(separator: "\n"))
        lastTime = now
        next = now &+ period
    }
}
