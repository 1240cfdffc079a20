// The Swift view of client_server_mp/shared/common.h: the names and the memzone layout that
// mp_server and mp_client share, with each other and with the C sample's processes.
import CClientServer
import Glibc
import MPCore

/// Shared object names and limits (`common.h`). The strings come from CClientServer's copies of the
/// C macros, so the Swift and C processes of one group find each other's objects.
public enum ClientServer {
    /// `MAX_CLIENTS`: client ids are 0 ..< maxClients; port info has one TX stats slot each.
    public static let maxClients = Int(CCS_MAX_CLIENTS)
    /// `PKTMBUF_POOL_NAME`.
    public static let poolName = CCS_PKTMBUF_POOL_NAME
    /// `MZ_PORT_INFO`.
    public static let portInfoName = CCS_MZ_PORT_INFO
    /// `RTE_MAX_ETHPORTS`: the size of the per-port arrays in the port info.
    public static let maxPorts = Int(CCS_MAX_PORTS)

    /// `get_rx_queue_name(id)`: the ring the server fills for client `id` ("MProc_Client_<id>_RX").
    public static func clientRingName(_ id: Int) -> String {
        CCS_CLIENT_RXQ_NAME.replacing("%u", with: String(id))
    }

    /// `PACKET_READ_SIZE` / `PKT_READ_SIZE`: burst size on both sides.
    public static let burstSize = 32
}

/// The memzone `MProc_port_info` (`struct port_info`).
///
/// Who writes what (as in `common.h`): the server writes `num_ports` and `id[]` once, before any
/// client can attach, and `rx_stats` from its RX lcore only; client N writes `tx_stats[N]` only.
/// The server's statistics display reads everything.
public struct PortInfo: @unchecked Sendable {
    /// The memzone, as the `struct ccs_port_info *` CClientServer's accessors take.
    @usableFromInline let zone: OpaquePointer

    /// Reserves and zeroes the memzone and records `ports` in it. Primary only.
    public static func reserve(ports: [PortID]) throws(DPDKError) -> PortInfo {
        precondition(ports.count <= ClientServer.maxPorts)
        let mz = try RawMemzone.reserve(name: ClientServer.portInfoName, byteCount: ccs_port_info_size)
        let info = PortInfo(zone: mz.unsafePointer)
        let ids = ccs_port_ids(info.zone)!
        for (i, p) in ports.enumerated() { ids[i] = p.rawValue }
        ccs_set_num_ports(info.zone, UInt16(ports.count))
        return info
    }

    /// Finds the memzone the server reserved.
    /// - Throws: `DPDKError` when there is none, or it records more ports than it can hold.
    public static func lookup() throws(DPDKError) -> PortInfo {
        let mz = try RawMemzone.lookup(name: ClientServer.portInfoName, byteCount: ccs_port_info_size)
        let info = PortInfo(zone: mz.unsafePointer)
        let n = ccs_num_ports(info.zone)
        guard Int(n) <= ClientServer.maxPorts else {
            throw DPDKError(code: EINVAL, attempted: "reading \(ClientServer.portInfoName) (\(n) ports recorded)")
        }
        return info
    }

    /// The ports in use, in the order of `id[]` (the server's port mask, ascending).
    public var ports: [PortID] {
        let ids = ccs_port_ids(zone)!
        return (0..<Int(ccs_num_ports(zone))).map { PortID(ids[$0]) }
    }

    /// `rx_stats.rx[index]`: packets the server received on the port at `index` in `ports`
    /// (indexed by position, as the C server does). Written by the server's RX lcore.
    public func rx(atIndex index: Int) -> SharedCounter {
        precondition(index >= 0 && index < ClientServer.maxPorts)
        return SharedCounter(unsafeAddress: ccs_rx_counters(zone) + index)
    }

    /// `tx_stats[client].tx[port]` (indexed by port id, as the C client does). Written by that client.
    public func tx(client: Int, port: PortID) -> SharedCounter {
        precondition(client >= 0 && client < ClientServer.maxClients && Int(port.rawValue) < ClientServer.maxPorts)
        return SharedCounter(unsafeAddress: ccs_tx_counters(zone, UInt32(client)) + Int(port.rawValue))
    }

    /// `tx_stats[client].tx_drop[port]`. Written by that client (its TX buffers' drop count).
    public func txDrop(client: Int, port: PortID) -> SharedCounter {
        precondition(client >= 0 && client < ClientServer.maxClients && Int(port.rawValue) < ClientServer.maxPorts)
        return SharedCounter(unsafeAddress: ccs_tx_drop_counters(zone, UInt32(client)) + Int(port.rawValue))
    }
}
