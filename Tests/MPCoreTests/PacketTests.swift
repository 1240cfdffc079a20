import Glibc
import MPCore
import Testing

/// Mbuf ownership and ports on net_ring (`rte_eth_from_rings`): exact packets in and out.
@Suite(.serialized) struct PacketTests {
    init() { _ = TestEAL.shared }

    static func frame(_ i: Int, length: Int = 60) -> [UInt8] {
        (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ i) }
    }

    @Test func mbufCarriesBytesAndIsFreedOnce() throws {
        let pool = try PacketPool.create(name: TestEAL.uniqueName("PKT"), count: 63, cacheSize: 0)
        do {
            var m = try pool.allocate(copying: Self.frame(1))
            #expect(m.packetLength == 60 && m.dataLength == 60)
            #expect(m.bytes == Self.frame(1))
            m.port = PortID(3)
            #expect(m.port == PortID(3))
            #expect(pool.inUseCount == 1)
        }
        #expect(pool.inUseCount == 0)
    }

    @Test func burstOwnsWhatItHolds() throws {
        let pool = try PacketPool.create(name: TestEAL.uniqueName("PKT"), count: 63, cacheSize: 0)
        var burst = MbufBurst(capacity: 4)
        for i in 0..<4 { burst.append(try pool.allocate(copying: Self.frame(i))) }
        let (full, count) = (burst.isFull, burst.count)
        #expect(full && count == 4)
        let first = try take(&burst)
        #expect(first.bytes == Self.frame(0))
        let left = burst.count
        #expect(left == 3)
        #expect(pool.inUseCount == 4)
        _ = consume first
        #expect(pool.inUseCount == 3)
        #expect(burst.free() == 3)
        let empty = burst.isEmpty
        #expect(empty && pool.inUseCount == 0)

        do {
            var held = MbufBurst(capacity: 2)
            held.append(try pool.allocate())
            #expect(pool.inUseCount == 1)
        }
        #expect(pool.inUseCount == 0) // dropping a burst frees what it held
    }

    @Test func packetsCrossARingPortExactlyAndInOrder() throws {
        let rig = try RingPortRig(txSlots: 64, flags: [.singleProducer, .singleConsumer])
        defer { rig.close() }
        let (pool, rxRing, txRing, port) = (rig.pool, rig.rxRing, rig.txRing, rig.port)
        #expect(try port.link().isUp)

        // 20 known packets in through the RX ring...
        var burst = MbufBurst(capacity: 32)
        for i in 0..<20 { burst.append(try pool.allocate(copying: Self.frame(i, length: 60 + i))) }
        #expect(rxRing.enqueueBurst(&burst) == 20)

        // ...arrive on queue 0, in order, byte for byte...
        #expect(port.receive(queue: QueueID(0), into: &burst) == 20)
        #expect(port.receive(queue: QueueID(0), into: &burst) == 0)
        // ...and leave through the TX ring unchanged.
        #expect(port.transmit(queue: QueueID(0), from: &burst) == 20)
        let empty = burst.isEmpty
        #expect(empty)
        #expect(txRing.dequeueBurst(into: &burst) == 20)
        for i in 0..<20 {
            let m = try take(&burst)
            #expect(m.bytes == Self.frame(i, length: 60 + i))
        }
        let stats = try port.stats()
        #expect(stats.rxPackets == 20 && stats.txPackets == 20)
        #expect(pool.inUseCount == 0)
    }

    @Test func partialTransmitLeavesExactlyTheUnsentInTheBurst() throws {
        let rig = try RingPortRig(txSlots: 8) // holds 7
        defer { rig.close() }
        let (pool, txRing, port) = (rig.pool, rig.txRing, rig.port)

        var burst = MbufBurst(capacity: 10)
        for i in 0..<10 { burst.append(try pool.allocate(copying: Self.frame(i))) }
        #expect(port.transmit(queue: QueueID(0), from: &burst) == 7)
        let unsent = burst.count
        #expect(unsent == 3)
        // The unsent are the last three, in order, still ours.
        let next = try take(&burst)
        #expect(next.bytes == Self.frame(7))
        _ = consume next
        #expect(burst.free() == 2)
        #expect(pool.inUseCount == 7) // exactly the seven in the TX ring
        #expect(txRing.dequeueBurst(into: &burst) == 7)
        #expect(burst.free() == 7)
        #expect(pool.inUseCount == 0)
    }

    @Test func txBufferCountsWhatItCannotSend() throws {
        let rig = try RingPortRig(txSlots: 4) // holds 3
        defer { rig.close() }
        let (pool, txRing, port) = (rig.pool, rig.txRing, rig.port)

        let counters = try Memzone<UInt64>.reserve(name: TestEAL.uniqueName("DROPS"))
        let drops = SharedCounter(unsafeAddress: counters.unsafePointer)
        let tx = try TxBuffer(port: port, queue: QueueID(0), capacity: 4, drops: drops)
        var sent = 0
        for i in 0..<3 { sent += tx.buffer(try pool.allocate(copying: Self.frame(i))) }
        let queued = tx.count
        #expect(sent == 0 && queued == 3)
        sent += tx.buffer(try pool.allocate(copying: Self.frame(3))) // fills: sends 3, drops 1
        let queuedAfter = tx.count
        #expect(sent == 3 && drops.value == 1 && queuedAfter == 0)
        #expect(tx.buffer(try pool.allocate()) == 0)
        #expect(tx.flush() == 0 && drops.value == 2) // the ring is still full
        #expect(pool.inUseCount == 3)
        var burst = MbufBurst()
        #expect(txRing.dequeueBurst(into: &burst) == 3)
    }
}

/// A started port on net_ring with one RX and one TX queue, its rings and a pool: the rig for
/// exact packets in and out. The TX ring holds `txSlots - 1` packets.
struct RingPortRig {
    let pool: PacketPool
    let rxRing: Ring<Mbuf>
    let txRing: Ring<Mbuf>
    let port: EthPort

    init(txSlots: Int = 64, flags: RingFlags = []) throws {
        pool = try PacketPool.create(name: TestEAL.uniqueName("PKT"), count: 255, cacheSize: 0)
        rxRing = try Ring<Mbuf>.create(name: TestEAL.uniqueName("RX"), count: 64, flags: flags)
        txRing = try Ring<Mbuf>.create(name: TestEAL.uniqueName("TX"), count: txSlots, flags: flags)
        port = try EthPort.fromRings(name: TestEAL.uniqueName("net_ring_t"), rx: [rxRing], tx: [txRing])
        try port.configure(rxQueues: 1, txQueues: 1, .init())
        try port.setupRxQueue(QueueID(0), descriptors: 64, pool: pool)
        try port.setupTxQueue(QueueID(0), descriptors: 64)
        try port.start()
    }

    func close() {
        try? port.stop()
        try? port.close()
    }
}

struct EmptyBurst: Error {}

/// `#require` cannot take a move-only value: this is its stand-in for a burst's first mbuf.
func take(_ burst: inout MbufBurst) throws -> Mbuf {
    guard let m = burst.popFirst() else { throw EmptyBurst() }
    return m
}

@Suite struct MbufMutableBytesTests {
    init() { _ = TestEAL.shared }

    @Test func changesArriveInThePacketAndOnlyInTheFirstDataLengthBytes() throws {
        let pool = try PacketPool.create(name: TestEAL.uniqueName("PKT"), count: 63, cacheSize: 0)
        var m = try pool.allocate(copying: PacketTests.frame(1))
        let count = m.withUnsafeMutableBytes { bytes in
            bytes[0] = 0xAB
            bytes[59] = 0xCD
            return bytes.count
        }
        var expected = PacketTests.frame(1)
        expected[0] = 0xAB
        expected[59] = 0xCD
        #expect(count == 60 && m.bytes == expected && m.packetLength == 60)
    }
}
