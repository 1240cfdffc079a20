// mp_server/init.c: shared objects, ports and client rings, created in the C sample's order.
import ClientServerShared
import Glibc
import MPCore
import SampleOptions
import SampleSupport

/// `RTE_MP_RX_DESC_DEFAULT`, `RTE_MP_TX_DESC_DEFAULT`, `CLIENT_QUEUE_RINGSIZE`, `MBUF_CACHE_SIZE`.
enum Sizes {
    static let rxDescriptors = 1024
    static let txDescriptors = 1024
    static let clientRingSize = 128
    static let mbufCacheSize = 512
    /// Each registered client's return ring: room for everything it can hold at once (its ring,
    /// its burst and a TX buffer per port) many times over.
    static let returnRingSize = 2048
}

/// Per-client counters that stay in the server (`struct client.stats` in init.h): how many
/// packets went into the client's ring, and how many a full ring refused.
///
/// 64-bit, in one `CounterTable` row: the RX lcore is their only writer, and the statistics
/// lcore reads them with volatile loads (`SharedCounter`), so it never sees a torn or
/// stale-forever value. The table lives as long as any copy of this struct.
struct ClientCounters: Sendable {
    private let table: CounterTable
    /// `clients[i].stats.rx`.
    let rx: [SharedCounter]
    /// `clients[i].stats.rx_drop`.
    let rxDrop: [SharedCounter]
    /// Packets received while no client was live to take them (freed).
    let undelivered: SharedCounter

    init(clients: Int) {
        let table = CounterTable(rows: 1, columns: 2 * clients + 1)
        self.table = table
        rx = (0..<clients).map { table.counter(row: 0, column: $0) }
        rxDrop = (0..<clients).map { table.counter(row: 0, column: clients + $0) }
        undelivered = table.counter(row: 0, column: 2 * clients)
    }
}

/// Everything `init()` sets up, handed to the forwarding loop and the statistics display.
struct ServerState {
    let options: MPServerOptions
    let portInfo: PortInfo
    let pool: PacketPool
    let ports: [EthPort]
    /// RX queues, by position in `ports`: one per client where the device allows it, so that
    /// devices which want as many RX as TX queues (net_tap) work with any number of clients.
    /// The loop polls them all.
    let rxQueues: [Int]
    let rings: [Ring<Mbuf>]
    /// Client `i` gives its packets back on `returnRings[i]` (registered Swift clients only).
    let returnRings: [Ring<Mbuf>]
    let registry: ClientRegistry
    /// The owner mark: which client an mbuf was handed to.
    let mark: MbufField
}

/// A failure after the command line was accepted: one line for the user.
struct InitError: Error {
    let message: String
}

extension ServerState {
    /// `init()`: port info memzone, mbuf pool, ports, link check, client rings.
    static func initialise(_ options: MPServerOptions) throws(InitError) -> ServerState {
        let portInfo: PortInfo
        do {
            portInfo = try PortInfo.reserve(ports: options.ports)
        } catch {
            throw InitError(message: "Cannot reserve memory zone for port information: \(error)")
        }
        let pool = try initMbufPool(options)
        var ports: [EthPort] = []
        var rxQueues: [Int] = []
        for id in options.ports {
            do {
                let port = try EthPort(id)
                rxQueues.append(try initPort(port, clients: options.numClients, pool: pool))
                ports.append(port)
            } catch {
                print("")
                throw InitError(message: "Cannot initialise port \(id): \(error)")
            }
        }
        EthPort.checkAllPortsLinkStatus(ports)
        let rings = try initShmRings(clients: options.numClients)
        let (registry, mark, returnRings) = try initRegistry(clients: options.numClients, reclaim: options.reclaim)
        return ServerState(options: options, portInfo: portInfo, pool: pool, ports: ports,
                           rxQueues: rxQueues, rings: rings, returnRings: returnRings,
                           registry: registry, mark: mark)
    }

    /// The client registry, the owner mark and one return ring per client: what lets the server
    /// take back everything a registered client held when it dies.
    static func initRegistry(clients: Int, reclaim: Bool) throws(InitError) -> (ClientRegistry, MbufField, [Ring<Mbuf>]) {
        do {
            let mark = try MbufField.register(name: ClientRegistry.markFieldName)
            let registry = try ClientRegistry.reserve(mark: mark, clientsReturn: reclaim)
            var returnRings: [Ring<Mbuf>] = []
            for i in 0..<clients {
                returnRings.append(try Ring<Mbuf>.create(name: ClientServer.returnRingName(i), count: Sizes.returnRingSize,
                                                   flags: [.singleProducer, .singleConsumer]))
            }
            return (registry, mark, returnRings)
        } catch {
            throw InitError(message: "Cannot create the client registry: \(error)")
        }
    }

    /// `init_mbuf_pools`: enough mbufs for every RX descriptor, every client's ring and TX
    /// descriptors, and every lcore cache, as the C sample counts them, but with one RX queue
    /// per client on every port (C has one per port).
    static func initMbufPool(_ options: MPServerOptions) throws(InitError) -> PacketPool {
        let numPorts = options.ports.count, numClients = options.numClients
        let server = Sizes.rxDescriptors * numPorts * numClients
        let clients = numClients * (Sizes.clientRingSize + Sizes.txDescriptors * numPorts)
        let caches = (numClients + 1) * Sizes.mbufCacheSize
        let count = server + clients + caches
        print("Creating mbuf pool '\(ClientServer.poolName)' [\(count) mbufs] ...")
        do {
            return try PacketPool.create(name: ClientServer.poolName, count: count, cacheSize: Sizes.mbufCacheSize,
                                         ops: options.poolOps)
        } catch {
            throw InitError(message: "Cannot create needed mbuf pools: \(error)")
        }
    }

    /// `init_port`: one TX queue per client, RSS multi-queue mode (no hash functions, as in C),
    /// 1024 descriptors as adjusted by the device, promiscuous, started. Unlike C, as many RX
    /// queues as TX queues where the device allows (net_tap refuses fewer), all polled by the
    /// loop. Returns the number of RX queues.
    static func initPort(_ port: EthPort, clients: Int, pool: PacketPool) throws(DPDKError) -> Int {
        print("Port \(port.id) init ... ", terminator: "")
        Console.flush()
        let rxQueues = max(1, min(clients, try port.info().maxRxQueues))
        try port.configure(rxQueues: rxQueues, txQueues: clients, .init(rssHashFunctions: 0))
        let (rx, tx) = try port.adjustDescriptors(rx: Sizes.rxDescriptors, tx: Sizes.txDescriptors)
        for q in 0..<rxQueues { try port.setupRxQueue(QueueID(UInt16(q)), descriptors: rx, pool: pool) }
        for q in 0..<clients { try port.setupTxQueue(QueueID(UInt16(q)), descriptors: tx) }
        try port.enablePromiscuous()
        try port.start()
        print("done: ")
        return rxQueues
    }

    /// `init_shm_rings`: one single-producer, single-consumer ring per client.
    static func initShmRings(clients: Int) throws(InitError) -> [Ring<Mbuf>] {
        var rings: [Ring<Mbuf>] = []
        for i in 0..<clients {
            do {
                rings.append(try Ring<Mbuf>.create(name: ClientServer.clientRingName(i), count: Sizes.clientRingSize,
                                             flags: [.singleProducer, .singleConsumer]))
            } catch {
                throw InitError(message: "Cannot create rx ring queue for client \(i): \(error)")
            }
        }
        return rings
    }
}
