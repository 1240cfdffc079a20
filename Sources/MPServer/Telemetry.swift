// The server's commands on DPDK's telemetry socket (/var/run/dpdk/<prefix>/dpdk_telemetry.v2).
import ClientServerShared
import MPCore

/// `/mp_server/clients` and `/mp_server/ports`: the figures of the statistics screen, in JSON.
///
/// Both answer a table as one array per column, indexed alike (DPDK 22.11's telemetry has no
/// nested objects), or, given an id after a comma, that one row as a flat object:
///
///     --> /mp_server/clients
///     {"/mp_server/clients": {"client": [0, 1], "state": ["alive", "alive"], "pid": [4242, 4243],
///      "rx": [...], "rx_drop": [...], "tx": [...], "tx_drop": [...]}}
///     --> /mp_server/clients,1
///     {"/mp_server/clients": {"client": 1, "state": "alive", "pid": 4243, "rx": ..., ...}}
///
/// `pid` is 0 when the server does not know it (telemetry has no null). The handlers run on the
/// telemetry thread and only read: counters through `StatsDisplay.figures()`, rates from
/// `PortRates`, states and pids from the client registry.
enum ServerTelemetry {
    static func register(display: StatsDisplay, rates: PortRates) throws(DPDKError) {
        try Telemetry.register("/mp_server/clients", help: "Per client: state, pid (0: unknown), rx, rx_drop, tx, tx_drop. Parameters: int client_id (optional)") { params, reply in
            let f = display.figures()
            if let params {
                guard let c = Int(params), c >= 0, c < f.clients.count else { return reply.reject() }
                let slot = display.registry.slot(c)
                reply.add("client", UInt64(c))
                reply.add("state", slot.status.description)
                reply.add("pid", slot.status.hasProcess ? slot.pid : 0)
                add(f.clients[c], to: reply)
                return
            }
            let slots = f.clients.indices.map(display.registry.slot)
            reply.add("client", f.clients.indices.map { UInt64($0) })
            reply.add("state", slots.map(\.status.description))
            reply.add("pid", slots.map { $0.status.hasProcess ? $0.pid : 0 })
            reply.add("rx", f.clients.map(\.rx))
            reply.add("rx_drop", f.clients.map(\.rxDrop))
            reply.add("tx", f.clients.map(\.tx))
            reply.add("tx_drop", f.clients.map(\.txDrop))
        }

        try Telemetry.register("/mp_server/ports", help: "Per port: rx, tx, and over the last second rx_pps, tx_pps, rx_bps, tx_bps. Parameters: int port_id (optional)") { params, reply in
            let f = display.figures(), r = rates.current
            if let params {
                guard let id = UInt16(params), let i = f.ports.firstIndex(where: { $0.id.rawValue == id }) else {
                    return reply.reject()
                }
                reply.add("port", UInt64(id))
                reply.add("rx", f.ports[i].rx)
                reply.add("tx", f.ports[i].tx)
                reply.add("rx_pps", UInt64(r[i].rx.packetsPerSecond.rounded()))
                reply.add("tx_pps", UInt64(r[i].tx.packetsPerSecond.rounded()))
                reply.add("rx_bps", UInt64(r[i].rx.bitsPerSecond.rounded()))
                reply.add("tx_bps", UInt64(r[i].tx.bitsPerSecond.rounded()))
                return
            }
            reply.add("port", f.ports.map { UInt64($0.id.rawValue) })
            reply.add("rx", f.ports.map(\.rx))
            reply.add("tx", f.ports.map(\.tx))
            reply.add("rx_pps", r.map { UInt64($0.rx.packetsPerSecond.rounded()) })
            reply.add("tx_pps", r.map { UInt64($0.tx.packetsPerSecond.rounded()) })
            reply.add("rx_bps", r.map { UInt64($0.rx.bitsPerSecond.rounded()) })
            reply.add("tx_bps", r.map { UInt64($0.tx.bitsPerSecond.rounded()) })
        }
    }

    /// `/mp_client/stats,<id>`: the client's own figures, as it will print them when it stops
    /// ("Client N: rx a, tx b, tx_drop c"): what it published in `MProc_client_stats` and its
    /// port info slot since its run began. `null` for a client that never published (never ran,
    /// or a C client). The client's own process cannot answer: DPDK 22.11 gives secondaries no socket.
    static func registerClientStats(_ zone: ClientStatsZone, portInfo: PortInfo, ports: [PortID]) throws(DPDKError) {
        try Telemetry.register("/mp_client/stats", help: "A client's own figures of its current or last run: rx, tx, tx_drop. Parameters: int client_id") {
            params, reply in
            guard let params, let c = Int(params), c >= 0, c < ClientServer.maxClients,
                  zone.published(client: c).value == 1 else { return reply.reject() }
            let tx = ports.reduce(0) { $0 &+ portInfo.tx(client: c, port: $1).value }
            let drop = ports.reduce(0) { $0 &+ portInfo.txDrop(client: c, port: $1).value }
            reply.add("client", UInt64(c))
            reply.add("rx", zone.rx(client: c).value)
            reply.add("tx", tx &- zone.txStart(client: c).value)
            reply.add("tx_drop", drop &- zone.dropStart(client: c).value)
        }
    }

    private static func add(_ c: ServerFigures.Client, to reply: borrowing TelemetryReply) {
        reply.add("rx", c.rx)
        reply.add("rx_drop", c.rxDrop)
        reply.add("tx", c.tx)
        reply.add("tx_drop", c.txDrop)
    }
}
