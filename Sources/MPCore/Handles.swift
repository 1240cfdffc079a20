import CDPDK

/// An ethernet port number, as `uint16_t port_id` in the ethdev API.
public struct PortID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The `port_id` DPDK's ethdev calls take.
    public let rawValue: UInt16
    /// The port numbered `rawValue`. Whether it exists is checked by ``EthPort/init(_:)``.
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// The port numbered `value`, as the samples' port masks number them.
    @inlinable public init(_ value: UInt16) { self.rawValue = value }
    /// Orders ports by number, as `RTE_ETH_FOREACH_DEV` visits them.
    public static func < (a: PortID, b: PortID) -> Bool { a.rawValue < b.rawValue }
    /// The number in decimal, as the samples print it.
    public var description: String { String(rawValue) }
}

/// A queue number on a port, as `uint16_t queue_id` in `rte_eth_rx_burst`/`rte_eth_tx_burst`.
public struct QueueID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The `queue_id` DPDK's calls take.
    public let rawValue: UInt16
    /// The queue numbered `rawValue`.
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// The queue numbered `value`: in the samples, a process's proc-id or client id.
    @inlinable public init(_ value: UInt16) { self.rawValue = value }
    /// The number in decimal.
    public var description: String { String(rawValue) }
}

/// An EAL logical core, as `unsigned lcore_id` (`rte_lcore_id()`).
public struct LcoreID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The `lcore_id` DPDK's calls take.
    public let rawValue: UInt32
    /// The lcore numbered `rawValue`.
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// The lcore numbered `value`, as `-l` and `--lcores` number them.
    @inlinable public init(_ value: UInt32) { self.rawValue = value }
    /// Orders lcores by id, as `RTE_LCORE_FOREACH` visits them.
    public static func < (a: LcoreID, b: LcoreID) -> Bool { a.rawValue < b.rawValue }
    /// The id in decimal.
    public var description: String { String(rawValue) }

    /// The lcore the calling thread runs as (`rte_lcore_id()`).
    public static var current: LcoreID { LcoreID(rte_lcore_id()) }
}

/// A NUMA socket, as `int socket_id`; `.any` is `SOCKET_ID_ANY`.
public struct SocketID: RawRepresentable, Hashable, Sendable {
    /// The `socket_id` DPDK's allocating calls take.
    public let rawValue: Int32
    /// The socket numbered `rawValue` (`SOCKET_ID_ANY` is -1).
    public init(rawValue: Int32) { self.rawValue = rawValue }
    /// No preference (`SOCKET_ID_ANY`): DPDK allocates on any socket.
    public static let any = SocketID(rawValue: SOCKET_ID_ANY)
    /// The socket of the calling lcore (`rte_socket_id()`), where the C samples allocate.
    public static var current: SocketID { SocketID(rawValue: Int32(bitPattern: rte_socket_id())) }
}
