// The client's own counters on DPDK's telemetry socket (`/mp_client/stats`), and its log type.
import ClientServerShared
import MPCore

/// The client's log type in DPDK's log: `--log-level=mp_client:debug`.
let log = Log("mp_client") ?? .fallback

/// `/mp_client/stats`: `{"client": id, "rx": n, "tx": n, "tx_drop": n}`, this run's figures, the
/// ones the client prints at exit ("Client N: rx a, tx b, tx_drop c").
///
/// Where to ask: DPDK 22.11 gives a process a telemetry socket only if it can bind
/// `/var/run/dpdk/<prefix>/dpdk_telemetry.v2`, which the server (the primary) already holds; a
/// secondary then runs without one. So a client answers only when the server was started with
/// `--no-telemetry` (and then only the first client to start), or under a DPDK that gives
/// secondaries sockets of their own. The server's `/mp_server/clients` reports every client's
/// TX figures, which the clients write into the shared port info, at any time.
enum ClientTelemetry {
    /// This run's RX count, stored by the forwarding loop after each burst (process-local:
    /// only the telemetry thread reads it).
    static let received = SharedCounter(unsafeAddress: {
        let p = UnsafeMutablePointer<UInt64>.allocate(capacity: 8) // a cache line of its own
        p.initialize(repeating: 0, count: 8)
        return p
    }())

    /// Registers `/mp_client/stats`. `txStart`/`dropStart`: the slot's figures when this run
    /// began (the slot counts across restarts of a client).
    static func register(setup: ClientSetup, txStart: UInt64, dropStart: UInt64) {
        let id = setup.clientID
        do {
            try Telemetry.register("/mp_client/stats", help: "This client: client id, rx, tx, tx_drop of this run. No parameters") {
                params, reply in
                if params != nil { return reply.reject() }
                let tx = setup.ports.reduce(0) { $0 &+ setup.portInfo.tx(client: id, port: $1.id).value }
                let drop = setup.ports.reduce(0) { $0 &+ setup.portInfo.txDrop(client: id, port: $1.id).value }
                reply.add("client", UInt64(id))
                reply.add("rx", received.value)
                reply.add("tx", tx &- txStart)
                reply.add("tx_drop", drop &- dropStart)
            }
        } catch {
            log.warning("telemetry command unavailable: \(error)")
        }
    }
}
