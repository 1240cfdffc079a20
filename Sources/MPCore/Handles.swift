import CDPDK

/// An ethernet port number, as `uint16_t port_id` in the ethdev API.
public struct PortID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }
    @inlinable public init(_ value: UInt16) { self.rawValue = value }
    public static func < (a: PortID, b: PortID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { String(rawValue) }
}

/// A queue number on a port, as `uint16_t queue_id` in `rte_eth_rx_burst`/`rte_eth_tx_burst`.
public struct QueueID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }
    @inlinable public init(_ value: UInt16) { self.rawValue = value }
    public var description: String { String(rawValue) }
}

/// An EAL logical core, as `unsigned lcore_id` (`rte_lcore_id()`).
public struct LcoreID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }
    @inlinable public init(_ value: UInt32) { self.rawValue = value }
    public static func < (a: LcoreID, b: LcoreID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { String(rawValue) }

    /// The lcore the calling thread runs as (`rte_lcore_id()`).
    public static var current: LcoreID { LcoreID(rte_lcore_id()) }
}

/// A NUMA socket, as `int socket_id`; `.any` is `SOCKET_ID_ANY`.
public struct SocketID: RawRepresentable, Hashable, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }
    public static let any = SocketID(rawValue: SOCKET_ID_ANY)
    /// The socket of the calling lcore (`rte_socket_id()`), where the C samples allocate.
    public static var current: SocketID { SocketID(rawValue: Int32(bitPattern: rte_socket_id())) }
}
