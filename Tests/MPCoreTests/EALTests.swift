import CDPDK
import Glibc
import MPCore
import Synchronization
import Testing

@Suite(.serialized) struct EALTests {
    var eal: EAL { _read { yield TestEAL.shared.eal } }

    @Test func processIsPrimaryWithOneWorker() {
        #expect(eal.role == .primary)
        #expect(eal.mainLcore == LcoreID(0))
        #expect(eal.workerLcores == [LcoreID(1)])
        #expect(eal.lcores == [LcoreID(0), LcoreID(1)])
        #expect(eal.applicationArguments == ["mpcore-tests"])
    }

    @Test func workRunsOnTheWorkerLcore() throws {
        let ranOn = Atomic<UInt32>(.max)
        try eal.launch(on: LcoreID(1)) {
            ranOn.store(LcoreID.current.rawValue, ordering: .relaxed)
            return 7
        }
        eal.waitForWorkers()
        #expect(ranOn.load(ordering: .relaxed) == 1)
    }

    @Test func runOnAllLcoresIncludesTheMainOne() throws {
        let results = try eal.runOnAllLcores { lcore in Int32(lcore.rawValue) + 10 }
        #expect(results == [LcoreID(0): 10, LcoreID(1): 11])
    }

    @Test func mainLcoreCannotBeLaunchedOn() {
        // rte_eal_remote_launch documents no code for the main lcore (22.11 answers EPIPE, its
        // code for a failed write to a worker's pipe): the lcore named is what matters.
        expectDPDKError(nil, naming: "0") { try eal.launch(on: LcoreID(0)) { 0 } }
    }

    /// `keepHeapHeadroom` leaves its pages in the heap as free space: without the mark it sets,
    /// freeing its allocation would give whole free pages straight back. Then an allocation that
    /// fits grows nothing, and freeing it shrinks nothing.
    @Test func heapHeadroomStaysInTheHeapAsFreeSpace() throws {
        let before = Self.heapBytes()
        let kept = try eal.keepHeapHeadroom(bytes: 16 << 20)
        let after = Self.heapBytes()
        #expect(after >= before + (16 << 20), "heap \(before) -> \(after) bytes")
        #expect(kept >= 16 << 20)
        let p = try #require(rte_malloc(nil, 8 << 20, 0))
        #expect(Self.heapBytes() == after)
        rte_free(p)
        #expect(Self.heapBytes() == after)
    }

    /// The size of socket 0's heap (`rte_malloc_get_socket_stats`).
    static func heapBytes() -> Int {
        var stats = rte_malloc_socket_stats()
        _ = rte_malloc_get_socket_stats(0, &stats)
        return Int(stats.heap_totalsz_bytes)
    }
}

@Suite(.serialized) struct EthPortTests {
    init() { _ = TestEAL.shared }

    @Test func netNullPortIsFoundAndDescribed() throws {
        let ports = EthPort.all
        #expect(EthPort.availableCount == ports.count)
        let port = try #require(ports.first)
        let info = try port.info()
        #expect(info.driverName == "net_null")
        #expect(info.maxRxQueues >= 2 && info.maxTxQueues >= 2)
        let mac = try port.macAddress().description
        #expect(mac.count == 17 && mac.split(separator: ":").count == 6)
        #expect(mac == mac.uppercased())
    }

    @Test func configureWithFallbacksStartsTheSymmetricSetup() throws {
        let port = try #require(EthPort.all.first)
        let pool = try PacketPool.create(name: TestEAL.uniqueName("NULLPOOL"), count: 4095, cacheSize: 0)
        var messages: [String] = []
        let accepted = try port.configureWithFallbacks(
            rxQueues: 2, txQueues: 2,
            requested: .init(rssHashFunctions: EthPort.Configuration.rssIP, rxOffloads: EthPort.Configuration.rxChecksum),
            report: { messages.append($0) })
        // net_null offers no RX checksum offload: the first fallback applies, with C's message.
        #expect(messages == ["Port \(port.id) configuration failed. Re-attempting with HW checksum disabled."])
        #expect(accepted.rxOffloads == 0)
        let (rx, tx) = try port.adjustDescriptors(rx: 1024, tx: 1024)
        for q in 0..<2 {
            try port.setupRxQueue(QueueID(UInt16(q)), descriptors: rx, pool: pool, offloads: accepted.rxOffloads, dropWhenFull: true)
            try port.setupTxQueue(QueueID(UInt16(q)), descriptors: tx, offloads: accepted.txOffloads)
        }
        try port.enablePromiscuous()
        try port.start()
        defer { try? port.stop() }
        #expect(try port.link().isUp)
        #expect(try port.link().description.hasPrefix("Link up at"))

        // net_null hands out 64-byte packets on every queue and frees what it is sent.
        var burst = MbufBurst(capacity: 32)
        #expect(port.receive(queue: QueueID(1), into: &burst) == 32)
        let first = try take(&burst)
        #expect(first.packetLength == 64)
        burst.append(first)
        #expect(port.transmit(queue: QueueID(1), from: &burst) == 32)
        #expect(pool.inUseCount == 0)
        let stats = try port.stats()
        #expect(stats.rxPackets == 32 && stats.txPackets == 32)
    }
}
