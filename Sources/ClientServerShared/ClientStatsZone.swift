// Memzone "MProc_client_stats": each client's own figures, published for the server's telemetry.
// Not part of the C sample: C processes neither create nor use it.
import MPCore

/// Per client, the figures the client prints when it stops ("Client N: rx a, tx b, tx_drop c"),
/// published while it runs, so that `/mp_client/stats,<id>` on the group's telemetry socket
/// answers with the client's own counters.
///
/// Why through the server: DPDK 22.11 runs telemetry only in the primary; a secondary gets no
/// socket. So the client writes its figures here and the server's telemetry thread reads them.
///
/// Layout: one 64-byte line per client id (`MAX_CLIENTS` lines), written only by that client:
/// `rx` (packets taken from its ring, this run), `txStart` and `dropStart` (its port info TX
/// slot's totals when this run began; the slot counts across restarts), `published` (1 once a
/// run has started writing here). The server reserves it zeroed; a client that finds none (a C
/// server) publishes nothing.
public struct ClientStatsZone: Sendable {
    public static let name = "MProc_client_stats"
    private static let lineBytes = 64
    private let zone: RawMemzone

    /// Reserves the zeroed memzone. Server only, before clients start.
    public static func reserve() throws(DPDKError) -> ClientStatsZone {
        ClientStatsZone(zone: try RawMemzone.reserve(name: name, byteCount: ClientServer.maxClients * lineBytes))
    }

    /// Finds the server's memzone.
    public static func lookup() throws(DPDKError) -> ClientStatsZone {
        ClientStatsZone(zone: try RawMemzone.lookup(name: name, byteCount: ClientServer.maxClients * lineBytes))
    }

    private func field(_ client: Int, _ index: Int) -> SharedCounter {
        precondition(client >= 0 && client < ClientServer.maxClients)
        let base = UnsafeMutableRawPointer(zone.unsafePointer).assumingMemoryBound(to: UInt64.self)
        return SharedCounter(unsafeAddress: base + client * (Self.lineBytes / 8) + index)
    }

    /// Packets client `client` took from its ring during its current (or last) run.
    public func rx(client: Int) -> SharedCounter { field(client, 0) }
    /// Its port info TX total when the run began.
    public func txStart(client: Int) -> SharedCounter { field(client, 1) }
    /// Its port info TX drop total when the run began.
    public func dropStart(client: Int) -> SharedCounter { field(client, 2) }
    /// 1 once a client run has published here.
    public func published(client: Int) -> SharedCounter { field(client, 3) }
}
