import CDPDK

extension EthPort {
    /// A port's device counters (`struct rte_eth_stats`), as the PMD keeps them for all processes.
    public struct Statistics: Sendable, Equatable {
        /// Packets received (`ipackets`, or `q_ipackets[q]` for one queue).
        public var rxPackets: UInt64 = 0
        /// Packets sent (`opackets`, or `q_opackets[q]`).
        public var txPackets: UInt64 = 0
        /// Bytes received (`ibytes`, or `q_ibytes[q]`).
        public var rxBytes: UInt64 = 0
        /// Bytes sent (`obytes`, or `q_obytes[q]`).
        public var txBytes: UInt64 = 0
        /// Packets the device could not receive (`imissed`) or not send (`oerrors`).
        public var rxMissed: UInt64 = 0, txErrors: UInt64 = 0
        /// All counters 0.
        public init() {}
    }

    /// The device's counters (`rte_eth_stats_get`), over every queue and process. Some PMDs
    /// count no bytes (net_null, net_ring): then the byte counts stay 0, as testpmd shows them.
    public func statistics() throws(DPDKError) -> Statistics {
        var s = rte_eth_stats()
        try DPDKError.check(rte_eth_stats_get(id.rawValue, &s), "reading the statistics of port \(id)")
        var r = Statistics()
        (r.rxPackets, r.txPackets, r.rxBytes, r.txBytes) = (s.ipackets, s.opackets, s.ibytes, s.obytes)
        (r.rxMissed, r.txErrors) = (s.imissed, s.oerrors)
        return r
    }

    /// The device's counters of one queue (`q_ipackets[q]`, `q_ibytes[q]`, ...): the share of
    /// the process that polls it. DPDK keeps them for the first 16 queues
    /// (`RTE_ETHDEV_QUEUE_STAT_CNTRS`), and only where the PMD fills them; nil beyond.
    public func statistics(queue: QueueID) throws(DPDKError) -> Statistics? {
        var s = rte_eth_stats()
        try DPDKError.check(rte_eth_stats_get(id.rawValue, &s), "reading the statistics of port \(id)")
        let q = Int(queue.rawValue)
        guard q < Int(RTE_ETHDEV_QUEUE_STAT_CNTRS) else { return nil }
        func at(_ t: some Any) -> UInt64 {
            withUnsafeBytes(of: t) { $0.load(fromByteOffset: q * 8, as: UInt64.self) }
        }
        var r = Statistics()
        (r.rxPackets, r.txPackets) = (at(s.q_ipackets), at(s.q_opackets))
        (r.rxBytes, r.txBytes) = (at(s.q_ibytes), at(s.q_obytes))
        return r
    }
}
