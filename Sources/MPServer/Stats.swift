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
    let rings: [Ring]

    init(state: ServerState, clients: ClientCounters) {
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
    }

    /// The screen `do_stats_display` prints, without the clear-screen escape.
    func render() -> String {
        let numClients = clients.rx.count
        var portTx = [UInt64](repeating: 0, count: ports.count), portTxDrop = portTx
        var clientTx = [UInt64](repeating: 0, count: numClients), clientTxDrop = clientTx
        for c in 0..<numClients {
            for (j, port) in ports.enumerated() {
                let tx = portInfo.tx(client: c, port: port).value
                let drop = portInfo.txDrop(client: c, port: port).value
                portTx[j] += tx
                portTxDrop[j] += drop
                clientTx[c] += tx
                clientTxDrop[c] += drop
            }
        }
        var out = "PORTS\n-----\n"
        for (i, port) in ports.enumerated() { out += "Port \(port): '\(macAddresses[i])'\t" }
        out += "\n\n"
        for (i, port) in ports.enumerated() {
            out += "Port \(port) - rx: \(pad(portInfo.rx(atIndex: i).value, 9))\ttx: \(pad(portTx[i], 9))\n"
        }
        out += "\nCLIENTS\n-------\n"
        for c in 0..<numClients {
            out += "Client \(pad(UInt64(c), 2)) - rx: \(pad(clients.rx[c].value, 9)), rx_drop: \(pad(clients.rxDrop[c].value, 9))\n"
            out += "            tx: \(pad(clientTx[c], 9)), tx_drop: \(pad(clientTxDrop[c], 9))\n"
            out += "            \(stateLine(registry.slot(c)))\n"
        }
        let undelivered = clients.undelivered.value
        if undelivered > 0 { out += "\nUndelivered (no live client): \(undelivered)\n" }
        out += "\nMBUFS\n-----\n"
        let queued = rings.reduce(0) { $0 + $1.count }
        out += "free: \(pool.mempool.availableCount) of \(pool.mempool.size) (\(pool.mempool.opsName)), queued in client rings: \(queued)\n"
        out += "\n"
        return out
    }

    /// `sleep_lcore` on the one display lcore: a longer first pause, then the screen every
    /// second until shutdown. Sleeps in 100 ms steps so that it notices shutdown promptly.
    func run(on lcore: LcoreID) {
        print("Core \(lcore) displaying statistics")
        guard sleep(seconds: 3) else { return }
        while sleep(seconds: 1) {
            // ESC[2J clears the screen, ESC[1;1H moves to the top left.
            print("\u{1B}[2J\u{1B}[1;1H" + render(), terminator: "")
            Console.flush()
        }
    }

    /// Sleeps; false when shutdown was requested meanwhile.
    private func sleep(seconds: Int) -> Bool {
        for _ in 0..<(seconds * 10) {
            if Shutdown.requested { return false }
            usleep(100_000)
        }
        return !Shutdown.requested
    }
}

/// A client's registry state: "alive, pid 1234, reclaimed 0"; C clients show as unregistered.
func stateLine(_ slot: ClientSlot) -> String {
    let status = slot.status
    var line = status.description
    if status == .alive || status == .stalled || status == .starting { line += ", pid \(slot.pid)" }
    let reclaimed = slot.reclaimed.value
    if reclaimed > 0 { line += ", reclaimed \(reclaimed)" }
    return line
}

/// `%<width>llu`: right-aligned decimal.
func pad(_ value: UInt64, _ width: Int) -> String {
    let s = String(value)
    return s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
}
