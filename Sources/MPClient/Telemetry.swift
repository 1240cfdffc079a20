// The client's own counters for telemetry, and its log type.
import ClientServerShared
import MPCore

/// The client's log type in DPDK's log: `--log-level=mp_client:debug`.
let log = Log("mp_client") ?? .fallback

/// Publishes this run's figures in the server's `MProc_client_stats` memzone, from which the
/// server answers `/mp_client/stats,<id>` on the group's telemetry socket (DPDK 22.11 gives a
/// secondary no socket of its own): RX as the loop counts it, one plain store per burst; TX and
/// TX drops are the port info slot's, relative to `txStart`/`dropStart`.
enum ClientTelemetry {
    /// Where the forwarding loop stores this run's RX count: the client's line of the memzone,
    /// or, under a server that has none (the C sample), `unpublished`, a word nobody reads.
    static func publish(setup: ClientSetup, txStart: UInt64, dropStart: UInt64,
                        unpublished: SharedCounter) -> SharedCounter {
        let id = setup.clientID
        guard let zone = try? ClientStatsZone.lookup() else {
            log.debug("no \(ClientStatsZone.name) memzone (a server without it): client \(id) publishes no figures")
            return unpublished
        }
        zone.published(client: id).store(0)
        zone.rx(client: id).store(0)
        zone.txStart(client: id).store(txStart)
        zone.dropStart(client: id).store(dropStart)
        zone.published(client: id).store(1)
        log.debug("client \(id) publishes its figures in \(ClientStatsZone.name)")
        return zone.rx(client: id)
    }
}
