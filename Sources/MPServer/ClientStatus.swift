// What the server knows of each client process beyond its counters: the seam between the
// client registry and what the server reports (telemetry `/mp_server/clients`).
import ClientServerShared
import Glibc
import Synchronization

/// A client's state as the server reports it.
enum ClientState: String, Sendable {
    /// Registered and making progress.
    case alive
    /// Registered, its process runs, but it has not taken packets from its ring lately.
    case stalled
    /// Was registered; its process has gone.
    case dead
    /// Never registered with this server (or the registry does not know it).
    case unregistered
}

/// One client's entry: its state and, when known, its process id.
struct ClientStatus: Sendable, Equatable {
    var state: ClientState
    var pid: pid_t?

    static let unknown = ClientStatus(state: .unregistered, pid: nil)
}

/// The table the telemetry reads client states from: one entry per client id, all
/// `.unregistered` with no pid until the server's client registry fills them in.
///
/// THE SEAM: the registry (whichever thread runs it, never the RX lcore) calls
/// `ClientStatusBoard.set(client, ClientStatus(state: .alive, pid: pid))` whenever it learns
/// something; the telemetry thread calls `ClientStatusBoard.get(client)`. No closures: a plain
/// table behind a lock, which neither side holds for more than a copy.
enum ClientStatusBoard {
    private static let table = Mutex<[ClientStatus]>(Array(repeating: .unknown, count: ClientServer.maxClients))

    /// Records what the registry knows of `client` (0 ..< MAX_CLIENTS).
    static func set(_ client: Int, _ status: ClientStatus) {
        precondition(client >= 0 && client < ClientServer.maxClients)
        table.withLock { $0[client] = status }
    }

    /// What is known of `client`; `.unknown` for an id out of range.
    static func get(_ client: Int) -> ClientStatus {
        guard client >= 0 && client < ClientServer.maxClients else { return .unknown }
        return table.withLock { $0[client] }
    }
}
