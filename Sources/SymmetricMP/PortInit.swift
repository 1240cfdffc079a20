import Glibc
import MPCore
import SampleSupport

/// Names and sizes shared by every symmetric_mp process of a group, C or Swift.
enum Shared {
    /// The mbuf pool the primary creates and secondaries look up (`_SMP_MBUF_POOL`).
    static let mbufPoolName = "SMP_MBUF_POOL"
    /// `NB_MBUFS`: 64k mbufs.
    static let mbufCount = 64 * 1024
    /// `MBUF_CACHE_SIZE`.
    static let mbufCacheSize = 256
    /// `RX_RING_SIZE` / `TX_RING_SIZE`, before the device adjusts them.
    static let ringSize = 1024
    /// `PKT_BURST`.
    static let burstSize = 32
}

/// Prints text that does not end a line, and shows it now (C: `printf` then `fflush`).
func printPartial(_ text: String) { output(text, terminator: "") }

/// Configures and starts one port as the C sample's `smp_port_init` does: `queues` RX and TX
/// queues, RSS on IP, fast-free when offered, rx_drop_en, promiscuous mode. Primary only.
/// Unlike C, RX queue `q` takes its mbufs from `pools[q]`, the pool of proc-id `q`.
func initialisePort(_ port: EthPort, pools: [PacketPool], queues: Int) throws(DPDKError) {
    printPartial("# Initialising port \(port.id)... ")
    let requested = EthPort.Configuration(rssHashFunctions: EthPort.Configuration.rssIP,
                                          rxOffloads: EthPort.Configuration.rxChecksum)
    let config = try port.configureWithFallbacks(rxQueues: queues, txQueues: queues, requested: requested) {
        output($0)
    }
    let descriptors = try port.adjustDescriptors(rx: Shared.ringSize, tx: Shared.ringSize)
    for q in 0..<queues {
        try port.setupRxQueue(QueueID(UInt16(q)), descriptors: descriptors.rx, pool: pools[q],
                              offloads: config.rxOffloads, dropWhenFull: true)
    }
    for q in 0..<queues {
        try port.setupTxQueue(QueueID(UInt16(q)), descriptors: descriptors.tx, offloads: config.txOffloads)
    }
    try port.enablePromiscuous()
    try port.start()
}
