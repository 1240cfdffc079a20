// mp_server/main.c: do_stats_display and sleep_lcore, the statistics screen.
import ClientServerShared
import Glibc
import MPCore

/// The statistics the server shows: port RX from the port info, client RX/drops from the
/// server's own counters, TX and TX drops from each client's slot of the port info.
///
/// Only reads: the datapath counters have one writer each (RX lcore, or a client process).
struct StatsDisplay: Sendable {
    let portInfo: PortInfo
    let ports: [PortID]
    /// Printable MAC addresses, read once at start-up (`get_printable_mac_addr`).
    let macAddresses: [String]
    let clients: ClientCounters
    let registry: ClientRegistry
    let pool: PacketPool
    let rings: [Ring<Mbuf>]
    /// Whether the pool's ring was found stuck (shown under the free count).
    let poolHealth: PoolHealth

    init(state: ServerState, clients: ClientCounters, poolHealth: PoolHealth) {
        portInfo = state.portInfo
        ports = state.ports.map(\.id)
        macAddresses = state.ports.map { port in
            do throws(DPDKError) { return try port.macAddress().description } catch {
                print("Failed to get MAC address (port \(port.id)): \(error.message)")
                return "00:00:00:00:00:00"
            }
        }
        self.clients = clients
        registry = state.registry
        pool = state.pool
        rings = state.rings
        self.poolHealth = poolHealth
    }

    /// The server's figures now: what the screen shows and telemetry reports, from one reading.
    func figures() -> ServerFigures {
        let numClients = clients.rx.count
        var f = ServerFigures(ports: ports.indices.map { ServerFigures.Port(id: ports[$0], rx: portInfo.rx(atIndex: $0).value) },
                              clients: (0..<numClients).map { c in
                                  ServerFigures.Client(rx: clients.rx[c].value, rxDrop: clients.rxDrop[c].value)
                              })
        for c in 0..<numClients {
            for (j, port) in ports.enumerated() {
                let tx = portInfo.tx(client: c, port: port).value
                let drop = portInfo.txDrop(client: c, port: port).value
                f.ports[j].tx += tx
                f.ports[j].txDrop += drop
                f.clients[c].tx += tx
                f.clients[c].txDrop += drop
            }
        }
        return f
    }

    /// The screen `do_stats_display` prints, without the clear-screen escape, and under each
    /// port's totals its rates over the last second (when known).
    func render(rates: [PortRate]? = nil) -> String {
        let f = figures()
        var out = "PORTS\n-----\n"
        for (i, port) in ports.enumerated() { out += "Port \(port): '\(macAddresses[i])'\t" }
        out += "\n\n"
        for (i, p) in f.ports.enumerated() {
            out += "Port \(p.id) - rx: \(pad(p.rx, 9))\ttx: \(pad(p.tx, 9))\n"
            if let rates, i < rates.count {
                out += "   rate - rx: \(rates[i].rx)\ttx: \(rates[i].tx)\n"
            }
        }
        out += "\nCLIENTS\n-------\n"
        for (c, client) in f.clients.enumerated() {
            out += "Client \(pad(UInt64(c), 2)) - rx: \(pad(client.rx, 9)), rx_drop: \(pad(client.rxDrop, 9))\n"
            out += "            tx: \(pad(client.tx, 9)), tx_drop: \(pad(client.txDrop, 9))\n"
            out += "            \(stateLine(registry.slot(c)))\n"
        }
        let undelivered = clients.undelivered.value
        if undelivered > 0 { out += "\nUndelivered (no live client): \(undelivered)\n" }
        out += "\nMBUFS\n-----\n"
        let queued = rings.reduce(0) { $0 + $1.count }
        out += "free: \(pool.availableCount) of \(pool.size) (\(pool.opsName)), queued in client rings: \(queued)\n"
        if poolHealth.damaged.load(ordering: .relaxed) {
            out += "POOL RING STUCK: a process died inside it; nothing can be freed into the pool. Restart the group.\n"
        }
        out += "\n"
        return out
    }

    /// `sleep_lcore` on the one display lcore: a longer first pause, then the screen every
    /// second until shutdown. Sleeps in 100 ms steps so that it notices shutdown promptly.
    ///
    /// On a terminal it redraws the screen as the C sample does; into a file or a pipe it
    /// prints one plain block per second instead (no clear-screen escapes), so logs stay readable.
    func run(on lcore: LcoreID, rates: PortRates) {
        print("Core \(lcore) displaying statistics")
        let terminal = isatty(STDOUT_FILENO) != 0
        guard sleep(seconds: 3) else { return }
        while sleep(seconds: 1) {
            if terminal {
                // ESC[2J clears the screen, ESC[1;1H moves to the top left.
                print("\u{1B}[2J\u{1B}[1;1H" + render(rates: rates.current), terminator: "")
            } else {
                print(render(rates: rates.current), terminator: "")
            }
            Console.flush()
        }
    }

    private func sleep(seconds: Int) -> Bool { sleepUnlessStopped(seconds: seconds) }
}

/// Sleeps in 100 ms steps, so that shutdown is noticed promptly; false when it was requested.
func sleepUnlessStopped(seconds: Int) -> Bool {
    for _ in 0..<(seconds * 10) {
        if Shutdown.requested { return false }
        usleep(100_000)
    }
    return !Shutdown.requested
}

/// One reading of the server's counters (`SharedCounter` loads only).
struct ServerFigures: Sendable {
    struct Port: Sendable {
        var id: PortID
        /// Packets the server received on the port.
        var rx: UInt64
        /// Packets the clients sent out of it, and the ones it refused.
        var tx: UInt64 = 0, txDrop: UInt64 = 0
    }
    struct Client: Sendable {
        /// Packets put into the client's ring, and the ones a full ring refused.
        var rx: UInt64, rxDrop: UInt64
        /// Packets the client sent, over all ports, and the ones the ports refused.
        var tx: UInt64 = 0, txDrop: UInt64 = 0
    }
    var ports: [Port]
    var clients: [Client]
}

/// A client's registry state: "alive, pid 1234, reclaimed 0"; C clients show as unregistered.
func stateLine(_ slot: ClientSlot) -> String {
    let status = slot.status
    var line = status.description
    if status.hasProcess { line += ", pid \(slot.pid)" }
    let reclaimed = slot.reclaimed.value
    if reclaimed > 0 { line += ", reclaimed \(reclaimed)" }
    return line
}

/// `%<width>llu`: right-aligned decimal.
func pad(_ value: UInt64, _ width: Int) -> String {
    let s = String(value)
    return s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
}
