// The rates the statistics screen and telemetry show: sampled once a second on a control
// thread, off the datapath.
import MPCore
import Synchronization

/// A port's rates over the last second: received and sent.
struct PortRate: Sendable, Equatable {
    var rx = Rate(), tx = Rate()
}

/// Per-port packets and bits per second over the last second.
///
/// Packets come from the server's own counters (the same figures the screen shows), bytes
/// from the devices' counters (`rte_eth_stats`: every process's traffic on the port; 0 on PMDs
/// that count no bytes, such as net_null). `sample()` runs once a second on a control thread;
/// readers (the screen's lcore, the telemetry thread) take the latest result under a lock.
final class PortRates: Sendable {
    private struct Reading {
        var time: UInt64
        var rx: [(packets: UInt64, bytes: UInt64)], tx: [(packets: UInt64, bytes: UInt64)]
    }
    private struct State {
        var last: Reading?
        var rates: [PortRate]
    }

    private let ports: [EthPort]
    private let display: StatsDisplay
    private let state: Mutex<State>

    init(ports: [EthPort], display: StatsDisplay) {
        self.ports = ports
        self.display = display
        state = Mutex(State(last: nil, rates: Array(repeating: PortRate(), count: ports.count)))
    }

    /// The rates of the last complete second (zero until two samples were taken).
    var current: [PortRate] { state.withLock { $0.rates } }

    /// Reads the counters and updates the rates since the previous reading.
    func sample() {
        let f = display.figures()
        var now = Reading(time: TSC.now, rx: [], tx: [])
        for (i, port) in ports.enumerated() {
            let s = (try? port.statistics()) ?? EthPort.Statistics()
            now.rx.append((f.ports[i].rx, s.rxBytes))
            now.tx.append((f.ports[i].tx, s.txBytes))
        }
        state.withLock { st in
            if let last = st.last {
                let seconds = Double(now.time &- last.time) / Double(TSC.hz)
                st.rates = ports.indices.map { i in
                    PortRate(rx: Rate(from: last.rx[i], to: now.rx[i], seconds: seconds),
                             tx: Rate(from: last.tx[i], to: now.tx[i], seconds: seconds))
                }
            }
            st.last = now
        }
    }

    /// Samples every second until shutdown, on a control thread of its own.
    func startSampling() throws(DPDKError) -> ControlThread {
        try ControlThread(name: "mp_server-rates") { [self] in
            sample()
            while sleepUnlessStopped(seconds: 1) { sample() }
        }
    }
}
