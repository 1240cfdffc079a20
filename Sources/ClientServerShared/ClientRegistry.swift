// The client registry: this project's addition to client_server_mp's shared memory, in a memzone
// of its own ("MProc_client_registry"), so that the C sample's memzones stay byte-identical. A C
// client never registers and shows as unregistered; a Swift client claims its id here, proves
// it is alive with a heartbeat, and hands its packets back to the server through its return
// ring, so that the server can take back everything it held if it dies.
import CClientServer
import Glibc
import MPCore

/// The state of one client id, as the server sees it (`CCS_CLIENT_*` in CClientServer.h).
public enum ClientStatus: UInt32, Sendable, CustomStringConvertible {
    /// Never claimed: a C client, or nobody yet. The server delivers to it, as the C server does.
    case unregistered = 0
    /// Claimed; the server is preparing the id's rings.
    case starting = 1
    case alive = 2
    /// Alive, but its heartbeat stopped longer than the server's stall timeout.
    case stalled = 3
    /// Exited; the server is taking back what it held.
    case dead = 4
    /// Its registered client has gone and everything it held is taken back; nobody holds the id.
    /// Its share goes to the live clients until a client claims it. Shown as "dead".
    case vacant = 5

    public var description: String {
        switch self {
        case .unregistered: "unregistered"
        case .starting: "starting"
        case .alive: "alive"
        case .stalled: "stalled"
        case .dead, .vacant: "dead"
        }
    }

    /// Whether a live registered process holds the id (its pid is meaningful).
    public var hasProcess: Bool { self == .starting || self == .alive || self == .stalled }

    /// Whether the server hands packets to a client in this state.
    public var receivesPackets: Bool { self == .unregistered || self == .alive }
}

/// The registry memzone (`struct ccs_client_registry`).
public struct ClientRegistry: @unchecked Sendable {
    public static let name = CCS_MZ_CLIENT_REGISTRY
    /// The mbuf dynamic field in which the server marks which client an mbuf was handed to.
    public static let markFieldName = "mp_client_owner"

    let zone: UnsafeMutablePointer<ccs_client_registry>

    /// Reserves the registry and records the owner mark's field. Server (primary) only.
    /// - Parameter clientsReturn: whether registered clients hand every packet back to the
    ///   server through their return rings (`mp_server --reclaim`).
    public static func reserve(mark: MbufField, clientsReturn: Bool) throws(DPDKError) -> ClientRegistry {
        let mz = try Memzone<ccs_client_registry>.reserve(name: name)
        let registry = ClientRegistry(zone: mz.unsafePointer)
        SharedInt32(unsafeAddress: registry.zone.pointer(to: \.mark_offset)!).store(mark.offset)
        SharedUInt32(unsafeAddress: registry.zone.pointer(to: \.clients_return)!).store(clientsReturn ? 1 : 0)
        return registry
    }

    /// Whether registered clients hand every packet back to the server (`mp_server --reclaim`).
    public var clientsReturn: Bool { SharedUInt32(unsafeAddress: zone.pointer(to: \.clients_return)!).load() != 0 }

    /// Finds the registry of a Swift server; nil under a C server, which has none.
    public static func lookup() -> ClientRegistry? {
        guard let mz = try? Memzone<ccs_client_registry>.lookup(name: name) else { return nil }
        return ClientRegistry(zone: mz.unsafePointer)
    }

    /// The owner mark's field.
    public var mark: MbufField { MbufField(offset: SharedInt32(unsafeAddress: zone.pointer(to: \.mark_offset)!).load()) }

    /// The slot of client `id`.
    public func slot(_ id: Int) -> ClientSlot {
        precondition(id >= 0 && id < ClientServer.maxClients)
        return ClientSlot(raw: UnsafeMutableRawPointer(zone.pointer(to: \.slot)!)
            .assumingMemoryBound(to: ccs_client_slot.self) + id)
    }

    /// The mark the server writes in the mbufs it hands to client `id` (0 means none).
    public static func markValue(client id: Int) -> UInt32 { UInt32(id + 1) }
}

/// One client id's slot: who holds it and in what state. Each field has one writer (see CClientServer.h).
public struct ClientSlot: @unchecked Sendable {
    let raw: UnsafeMutablePointer<ccs_client_slot>

    // The fields, as handles that load and store them atomically (each has one writer).
    private var pidWord: SharedInt32 { SharedInt32(unsafeAddress: raw.pointer(to: \.pid)!) }
    private var readyPIDWord: SharedInt32 { SharedInt32(unsafeAddress: raw.pointer(to: \.ready_pid)!) }
    private var lcoreWord: SharedUInt32 { SharedUInt32(unsafeAddress: raw.pointer(to: \.lcore)!) }
    private var startTimeWord: SharedCounter { SharedCounter(unsafeAddress: raw.pointer(to: \.start_time)!) }
    private var claimedWord: SharedCounter { SharedCounter(unsafeAddress: raw.pointer(to: \.claimed_ns)!) }
    private var statusWord: SharedUInt32 { SharedUInt32(unsafeAddress: raw.pointer(to: \.status)!) }
    private var generationWord: SharedUInt32 { SharedUInt32(unsafeAddress: raw.pointer(to: \.generation)!) }

    public var pid: Int32 { pidWord.load() }
    public var readyPID: Int32 { readyPIDWord.load() }
    public var lcore: UInt32 { lcoreWord.load() }
    public var startTime: UInt64 { startTimeWord.value }
    public var claimedNanoseconds: UInt64 { claimedWord.value }
    public var status: ClientStatus { ClientStatus(rawValue: statusWord.load()) ?? .unregistered }
    public var generation: UInt32 { generationWord.load() }
    /// Mbufs the server took back from this id's dead holders, in all.
    public var reclaimed: SharedCounter { SharedCounter(unsafeAddress: raw.pointer(to: \.reclaimed)!) }
    /// Bumped by the client on every pass of its loop.
    public var heartbeat: SharedCounter { SharedCounter(unsafeAddress: raw.pointer(to: \.heartbeat)!) }

    // MARK: the client's side

    /// Claims the id for process `pid`: succeeds only if nobody holds it.
    public func claim(pid: Int32, startTime: UInt64, lcore: UInt32) -> Bool {
        guard pidWord.compareExchange(expected: 0, desired: pid) else { return false }
        lcoreWord.store(lcore)
        startTimeWord.store(startTime)
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        claimedWord.store(UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec))
        heartbeat.store(0)
        readyPIDWord.store(pid)
        return true
    }

    // MARK: the server's side

    /// Sets the status. Server only.
    public func setStatus(_ status: ClientStatus) { statusWord.store(status.rawValue) }

    /// Counts an accepted registration. Server only.
    public func bumpGeneration() { generationWord.store(generation &+ 1) }

    /// Frees the id for the next client, once what its holder held is taken back. Server only.
    public func release() {
        readyPIDWord.store(0)
        pidWord.store(0)
    }
}

extension ClientServer {
    /// The ring on which client `id` gives its packets back to the server ("MProc_Client_<id>_RET").
    public static func returnRingName(_ id: Int) -> String {
        CCS_CLIENT_RETQ_NAME.replacing("%u", with: String(id))
    }
}
