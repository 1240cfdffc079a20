import CDPDK

/// An ethernet port (`uint16_t port_id` in the ethdev API).
///
/// Configuration (primary only) follows DPDK's order: `configure`, `setupRxQueue`/`setupTxQueue`,
/// `start`. Secondaries use a port as the primary configured it: they only receive and send on
/// their own queues. The receive and transmit calls are `@inlinable` and compile down to DPDK's
/// own inline `rte_eth_rx_burst` / `rte_eth_tx_burst`.
public struct EthPort: Hashable, Sendable, CustomStringConvertible {
    /// The port's number in the ethdev API (`port_id`).
    public let id: PortID

    /// A port that exists and is not owned by another entity (`rte_eth_dev_is_valid_port`).
    public init(_ id: PortID) throws(DPDKError) {
        guard rte_eth_dev_is_valid_port(id.rawValue) != 0 else {
            throw DPDKError(code: ENODEV, attempted: "using port \(id)")
        }
        self.id = id
    }

    @inlinable init(unchecked id: PortID) { self.id = id }

    /// "port N", as the samples' messages name a port.
    public var description: String { "port \(id)" }

    /// Number of usable ports (`rte_eth_dev_count_avail`).
    public static var availableCount: Int { Int(rte_eth_dev_count_avail()) }

    /// Every usable port in id order (`RTE_ETH_FOREACH_DEV`).
    public static var all: [EthPort] {
        var ports: [EthPort] = []
        var p = cdpdk_eth_next_port(0)
        while p < RTE_MAX_ETHPORTS {
            ports.append(EthPort(unchecked: PortID(p)))
            p = cdpdk_eth_next_port(p + 1)
        }
        return ports
    }

    /// Creates a port backed by rings (`rte_eth_from_rings`, the net_ring driver): what is
    /// enqueued on an RX ring arrives on that RX queue, and what is sent on a TX queue lands in
    /// that TX ring. Exact packets in and out, with no device: for tests and for wiring stages.
    public static func fromRings(name: String, rx: [Ring<Mbuf>], tx: [Ring<Mbuf>], socket: SocketID = .current) throws(DPDKError) -> EthPort {
        let rxRings: [OpaquePointer?] = rx.map { $0.raw }
        let txRings: [OpaquePointer?] = tx.map { $0.raw }
        let id = rte_eth_from_rings(name, rxRings, UInt32(rx.count), txRings, UInt32(tx.count), UInt32(bitPattern: socket.rawValue))
        guard id >= 0 else { throw DPDKError.fromErrno("creating ring-backed port \(name)") }
        return EthPort(unchecked: PortID(UInt16(id)))
    }

    /// What the device supports (`rte_eth_dev_info_get`).
    public struct Info: @unchecked Sendable {
        /// The poll-mode driver's name (`driver_name`): `net_null`, `net_tap`, `net_ring`, ...
        public let driverName: String
        /// The most RX queues the device can be configured with (`max_rx_queues`).
        public let maxRxQueues: Int
        /// The most TX queues the device can be configured with (`max_tx_queues`).
        public let maxTxQueues: Int
        /// RX offloads the device supports (`rx_offload_capa`, `RTE_ETH_RX_OFFLOAD_*` bits).
        public let rxOffloadCapabilities: UInt64
        /// TX offloads the device supports (`tx_offload_capa`, `RTE_ETH_TX_OFFLOAD_*` bits).
        public let txOffloadCapabilities: UInt64
        /// The RSS hash functions the device can apply (`flow_type_rss_offloads`,
        /// `RTE_ETH_RSS_*` bits).
        public let flowTypeRSSOffloads: UInt64
        /// RX queues the port is configured with now (`nb_rx_queues`; 0 before `configure`).
        /// Shared with secondaries: they read what the primary configured.
        public let configuredRxQueues: Int
        /// TX queues the port is configured with now (`nb_tx_queues`; 0 before `configure`).
        public let configuredTxQueues: Int
        let raw: rte_eth_dev_info
    }

    /// What the device supports and how it is configured now (`rte_eth_dev_info_get`).
    /// - Throws: `DPDKError` when the driver cannot report it.
    public func info() throws(DPDKError) -> Info {
        var raw = rte_eth_dev_info()
        try DPDKError.check(rte_eth_dev_info_get(id.rawValue, &raw), "getting device info of port \(id)")
        return Info(driverName: raw.driver_name.map { String(cString: $0) } ?? "?",
                    maxRxQueues: Int(raw.max_rx_queues), maxTxQueues: Int(raw.max_tx_queues),
                    rxOffloadCapabilities: raw.rx_offload_capa, txOffloadCapabilities: raw.tx_offload_capa,
                    flowTypeRSSOffloads: raw.flow_type_rss_offloads,
                    configuredRxQueues: Int(raw.nb_rx_queues), configuredTxQueues: Int(raw.nb_tx_queues), raw: raw)
    }

    /// The NUMA socket the device sits on (`rte_eth_dev_socket_id`).
    public var socket: SocketID { SocketID(rawValue: rte_eth_dev_socket_id(id.rawValue)) }

    // MARK: configuration (primary)

    /// What `configure` asks of the device.
    public struct Configuration: Sendable, Equatable {
        /// Hash functions for RSS over the RX queues (`RTE_ETH_RSS_*`); nil for no RSS.
        public var rssHashFunctions: UInt64?
        /// RX offloads (`RTE_ETH_RX_OFFLOAD_*`), such as `rxChecksum`.
        public var rxOffloads: UInt64
        /// TX offloads (`RTE_ETH_TX_OFFLOAD_*`), such as `fastFree`.
        public var txOffloads: UInt64

        /// A configuration with the given RSS hash functions (nil: no RSS, one queue gets all)
        /// and offloads; `.init()` asks for nothing, as the client-server sample does.
        public init(rssHashFunctions: UInt64? = nil, rxOffloads: UInt64 = 0, txOffloads: UInt64 = 0) {
            self.rssHashFunctions = rssHashFunctions
            self.rxOffloads = rxOffloads
            self.txOffloads = txOffloads
        }

        /// `RTE_ETH_RSS_IP`.
        public static let rssIP = cdpdk_eth_rss_ip
        /// `RTE_ETH_RX_OFFLOAD_CHECKSUM`.
        public static let rxChecksum = cdpdk_eth_rx_offload_checksum
        /// `RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE`.
        public static let fastFree = cdpdk_eth_tx_offload_mbuf_fast_free
    }

    /// Configures RX/TX queue counts and offloads (`rte_eth_dev_configure`).
    public func configure(rxQueues: Int, txQueues: Int, _ config: Configuration) throws(DPDKError) {
        var conf = rte_eth_conf()
        if let rss = config.rssHashFunctions {
            conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS
            conf.rx_adv_conf.rss_conf.rss_hf = rss
        }
        conf.rxmode.offloads = config.rxOffloads
        conf.txmode.offloads = config.txOffloads
        try DPDKError.check(rte_eth_dev_configure(id.rawValue, UInt16(rxQueues), UInt16(txQueues), &conf),
                            "configuring port \(id) with \(rxQueues) RX and \(txQueues) TX queues")
    }

    /// Configures the port as the C symmetric_mp does, with its fallbacks: RSS limited to what
    /// the device hashes, fast-free when offered, and on refusal a retry without RX checksum
    /// offload (`EINVAL`), then without RSS (`ENOTSUP`). `report` receives the C sample's messages.
    /// - Returns: the configuration the device accepted.
    public func configureWithFallbacks(rxQueues: Int, txQueues: Int, requested: Configuration,
                                       report: (String) -> Void) throws(DPDKError) -> Configuration {
        let info = try info()
        var config = requested
        if info.txOffloadCapabilities & Configuration.fastFree != 0 { config.txOffloads |= Configuration.fastFree }
        if let rss = config.rssHashFunctions, rss & info.flowTypeRSSOffloads != rss {
            config.rssHashFunctions = rss & info.flowTypeRSSOffloads
            report("Port \(id) modified RSS hash function based on hardware support,requested:\(hex(rss)) configured:\(hex(rss & info.flowTypeRSSOffloads))")
        }
        // As C: retry without RX checksum on EINVAL, then without RSS on ENOTSUP, whichever
        // attempt returned it.
        var failure = attempt(rxQueues, txQueues, config)
        if failure?.code == EINVAL, config.rxOffloads & Configuration.rxChecksum != 0 {
            report("Port \(id) configuration failed. Re-attempting with HW checksum disabled.")
            config.rxOffloads &= ~Configuration.rxChecksum
            failure = attempt(rxQueues, txQueues, config)
        }
        if failure?.code == ENOTSUP, config.rssHashFunctions != nil {
            report("Port \(id) configuration failed. Re-attempting with HW RSS disabled.")
            config.rssHashFunctions = nil
            failure = attempt(rxQueues, txQueues, config)
        }
        if let failure { throw failure }
        return config
    }

    /// One `configure`, its error as a value.
    private func attempt(_ rx: Int, _ tx: Int, _ config: Configuration) -> DPDKError? {
        do {
            try configure(rxQueues: rx, txQueues: tx, config)
            return nil
        } catch {
            return error
        }
    }

    /// Clamps descriptor counts to the device's limits (`rte_eth_dev_adjust_nb_rx_tx_desc`).
    public func adjustDescriptors(rx: Int, tx: Int) throws(DPDKError) -> (rx: Int, tx: Int) {
        var r = UInt16(rx), t = UInt16(tx)
        try DPDKError.check(rte_eth_dev_adjust_nb_rx_tx_desc(id.rawValue, &r, &t),
                            "adjusting descriptor counts of port \(id)")
        return (Int(r), Int(t))
    }

    /// Sets up an RX queue filling from `pool` (`rte_eth_rx_queue_setup`). Uses the device's
    /// default RX configuration with `offloads`, and drops when the queue is full if `dropWhenFull`.
    public func setupRxQueue(_ queue: QueueID, descriptors: Int, pool: PacketPool, offloads: UInt64 = 0,
                             dropWhenFull: Bool = false) throws(DPDKError) {
        var rxconf = try info().raw.default_rxconf
        rxconf.offloads = offloads
        if dropWhenFull { rxconf.rx_drop_en = 1 }
        try DPDKError.check(rte_eth_rx_queue_setup(id.rawValue, queue.rawValue, UInt16(descriptors),
                                                   UInt32(bitPattern: socket.rawValue), &rxconf, pool.mempool.raw),
                            "setting up RX queue \(queue) of port \(id)")
    }

    /// Sets up a TX queue (`rte_eth_tx_queue_setup`) with the device's default TX configuration
    /// and `offloads`.
    public func setupTxQueue(_ queue: QueueID, descriptors: Int, offloads: UInt64 = 0) throws(DPDKError) {
        var txconf = try info().raw.default_txconf
        txconf.offloads = offloads
        try DPDKError.check(rte_eth_tx_queue_setup(id.rawValue, queue.rawValue, UInt16(descriptors),
                                                   UInt32(bitPattern: socket.rawValue), &txconf),
                            "setting up TX queue \(queue) of port \(id)")
    }

    /// `rte_eth_promiscuous_enable`.
    public func enablePromiscuous() throws(DPDKError) {
        try DPDKError.check(rte_eth_promiscuous_enable(id.rawValue), "enabling promiscuous mode on port \(id)")
    }

    /// `rte_eth_dev_start`.
    public func start() throws(DPDKError) {
        try DPDKError.check(rte_eth_dev_start(id.rawValue), "starting port \(id)")
    }

    /// `rte_eth_dev_stop`.
    public func stop() throws(DPDKError) {
        try DPDKError.check(rte_eth_dev_stop(id.rawValue), "stopping port \(id)")
    }

    /// `rte_eth_dev_close`: releases the port; it cannot be used afterwards.
    public func close() throws(DPDKError) {
        try DPDKError.check(rte_eth_dev_close(id.rawValue), "closing port \(id)")
    }

    // MARK: status

    /// Link state (`rte_eth_link_get_nowait`).
    public struct Link: Sendable, CustomStringConvertible {
        /// Whether the link is up (`link_status`).
        public let isUp: Bool
        /// The link speed in Mbit/s (`link_speed`; 0 when unknown or down).
        public let speedMbps: UInt32
        /// `rte_eth_link_to_str`: "Link up at 10 Gbps FDX Fixed" or "Link down".
        public let description: String
    }

    /// The link state now, without waiting for it to settle (`rte_eth_link_get_nowait`).
    /// - Throws: `DPDKError` when the driver cannot report it.
    public func link() throws(DPDKError) -> Link {
        var link = rte_eth_link()
        try DPDKError.check(rte_eth_link_get_nowait(id.rawValue, &link), "getting link status of port \(id)")
        var text = [CChar](repeating: 0, count: Int(RTE_ETH_LINK_MAX_STR_LEN))
        cdpdk_eth_link_to_str(&text, text.count, &link)
        return Link(isUp: cdpdk_eth_link_is_up(&link) != 0, speedMbps: link.link_speed,
                    description: String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    /// The port's MAC address (`rte_eth_macaddr_get`).
    public func macAddress() throws(DPDKError) -> MACAddress {
        var addr = rte_ether_addr()
        try DPDKError.check(rte_eth_macaddr_get(id.rawValue, &addr), "getting the MAC address of port \(id)")
        return MACAddress(bytes: withUnsafeBytes(of: addr.addr_bytes) { Array($0) })
    }

    /// Basic counters (`rte_eth_stats_get`).
    public struct Stats: Sendable, Equatable {
        /// Packets received (`ipackets`).
        public let rxPackets: UInt64
        /// Packets sent (`opackets`).
        public let txPackets: UInt64
        /// Bytes received (`ibytes`); 0 from drivers that count no bytes, such as net_null.
        public let rxBytes: UInt64
        /// Bytes sent (`obytes`); 0 from drivers that count no bytes.
        public let txBytes: UInt64
        /// Packets the device dropped because its RX queues were full (`imissed`).
        public let rxMissed: UInt64
        /// Erroneous packets received (`ierrors`).
        public let rxErrors: UInt64
        /// Packets the device failed to send (`oerrors`).
        public let txErrors: UInt64
        /// Receives that failed for want of an mbuf in the pool (`rx_nombuf`).
        public let rxNoMbuf: UInt64
    }

    /// The device's basic counters, summed over all queues and processes (`rte_eth_stats_get`).
    /// - Throws: `DPDKError` when the driver cannot report them.
    public func stats() throws(DPDKError) -> Stats {
        var s = rte_eth_stats()
        try DPDKError.check(rte_eth_stats_get(id.rawValue, &s), "reading statistics of port \(id)")
        return Stats(rxPackets: s.ipackets, txPackets: s.opackets, rxBytes: s.ibytes, txBytes: s.obytes,
                     rxMissed: s.imissed, rxErrors: s.ierrors, txErrors: s.oerrors, rxNoMbuf: s.rx_nombuf)
    }

    /// `rte_eth_stats_reset`.
    public func resetStats() throws(DPDKError) {
        try DPDKError.check(rte_eth_stats_reset(id.rawValue), "resetting statistics of port \(id)")
    }

    // MARK: datapath

    /// Receives up to the burst's free room from `queue` onto its end (`rte_eth_rx_burst`).
    /// Returns how many packets arrived.
    @inlinable @discardableResult
    public func receive(queue: QueueID, into burst: inout MbufBurst) -> Int {
        let back = burst.back()
        let n = Int(rte_eth_rx_burst(id.rawValue, queue.rawValue, back, UInt16(truncatingIfNeeded: burst.room)))
        burst.appendedBack(n)
        return n
    }

    /// Transmits the burst's mbufs on `queue` (`rte_eth_tx_burst`). The device takes the first
    /// `n` it accepts; those it refused stay in the burst for the caller to retry or `free()`.
    /// Returns how many were accepted.
    @inlinable @discardableResult
    public func transmit(queue: QueueID, from burst: inout MbufBurst) -> Int {
        let n = Int(rte_eth_tx_burst(id.rawValue, queue.rawValue, burst.front, UInt16(truncatingIfNeeded: burst.count)))
        burst.removeFront(n)
        return n
    }
}

/// A 48-bit ethernet address, printed as DPDK's `rte_ether_format_addr` does (`02:00:00:00:00:01`).
public struct MACAddress: Hashable, Sendable, CustomStringConvertible {
    /// The six bytes, in transmission order.
    public let bytes: [UInt8]
    /// Six upper-case hexadecimal pairs separated by colons.
    public var description: String {
        bytes.map { b in
            let h = String(b, radix: 16, uppercase: true)
            return b < 16 ? "0" + h : h
        }.joined(separator: ":")
    }
}

private func hex(_ v: UInt64) -> String { v == 0 ? "0" : "0x" + String(v, radix: 16) }
