import MPCore
import Testing

/// The datapath primitives on a net_ring port, where the TX ring shows exactly what was sent:
/// TX buffer add, flush, drop-all and drop on deinit; burst drain; all-or-nothing enqueue.
@Suite(.serialized) struct DatapathTests {
    init() { _ = TestEAL.shared }

    static func frame(_ i: Int) -> [UInt8] { PacketTests.frame(i) }

    /// A drop counter in shared memory, as the samples keep theirs.
    static func dropCounter() throws -> SharedCounter {
        let zone = try Memzone<UInt64>.reserve(name: TestEAL.uniqueName("DROPS"))
        return SharedCounter(unsafeAddress: zone.unsafePointer)
    }

    /// Dequeues everything in `ring` and returns the packets' bytes, in order (freeing them).
    static func drain(_ ring: Ring<Mbuf>) -> [[UInt8]] {
        var burst = MbufBurst(capacity: 64)
        var out: [[UInt8]] = []
        while ring.dequeueBurst(into: &burst) > 0 {
            burst.drain { m in out.append(m.bytes) }
        }
        return out
    }

    // MARK: TxBuffer

    @Test func addQueuesUntilFullThenSendsTheWholeBufferInOrder() throws {
        let rig = try RingPortRig(txSlots: 64)
        defer { rig.close() }
        let drops = try Self.dropCounter()
        let tx = try TxBuffer(port: rig.port, queue: QueueID(0), capacity: 4, drops: drops)

        var sent: [Int] = []
        for i in 0..<10 { sent.append(tx.add(try rig.pool.allocate(copying: Self.frame(i)))) }
        // Each fourth add fills the buffer and sends the four it holds; the others send nothing.
        #expect(sent == [0, 0, 0, 4, 0, 0, 0, 4, 0, 0])
        let queued = tx.count
        #expect(queued == 2 && drops.value == 0)
        #expect(Self.drain(rig.txRing) == (0..<8).map { Self.frame($0) })
        #expect(rig.pool.inUseCount == 2) // the two still queued
    }

    @Test func appendSaysFullWithoutSendingAndFlushFullSendsInOrder() throws {
        let rig = try RingPortRig(txSlots: 64)
        defer { rig.close() }
        let drops = try Self.dropCounter()
        let tx = try TxBuffer(port: rig.port, queue: QueueID(0), capacity: 4, drops: drops)

        var full: [Bool] = []
        for i in 0..<4 { full.append(tx.append(try rig.pool.allocate(copying: Self.frame(i)))) }
        #expect(full == [false, false, false, true])
        #expect(rig.txRing.count == 0) // append never sends
        #expect(tx.flushFull() == 4)
        #expect(!tx.append(try rig.pool.allocate(copying: Self.frame(4))))
        #expect(tx.flush() == 1)
        #expect(Self.drain(rig.txRing) == (0..<5).map { Self.frame($0) })
        #expect(drops.value == 0 && rig.pool.inUseCount == 0)
    }

    @Test func addCountsWhatTheDeviceRefusesAsDropped() throws {
        let rig = try RingPortRig(txSlots: 4) // holds 3
        defer { rig.close() }
        let drops = try Self.dropCounter()
        let tx = try TxBuffer(port: rig.port, queue: QueueID(0), capacity: 5, drops: drops)

        var sent = 0
        for i in 0..<5 { sent += tx.add(try rig.pool.allocate(copying: Self.frame(i))) }
        let queued = tx.count
        #expect(sent == 3 && drops.value == 2 && queued == 0)
        #expect(Self.drain(rig.txRing) == (0..<3).map { Self.frame($0) })
        #expect(rig.pool.inUseCount == 0) // the refused two were freed
    }

    @Test func flushSendsWhatIsQueuedAndNothingTwice() throws {
        let rig = try RingPortRig(txSlots: 64)
        defer { rig.close() }
        let drops = try Self.dropCounter()
        let tx = try TxBuffer(port: rig.port, queue: QueueID(0), capacity: 32, drops: drops)

        #expect(tx.flush() == 0) // empty: nothing to send
        for i in 0..<3 { #expect(tx.add(try rig.pool.allocate(copying: Self.frame(i))) == 0) }
        #expect(rig.txRing.count == 0) // queued, not sent yet
        #expect(tx.flush() == 3)
        let queued = tx.count
        #expect(queued == 0)
        #expect(tx.flush() == 0)
        #expect(Self.drain(rig.txRing) == (0..<3).map { Self.frame($0) })
        #expect(drops.value == 0 && rig.pool.inUseCount == 0)
    }

    @Test func dropAllFreesAndCountsWithoutSending() throws {
        let rig = try RingPortRig(txSlots: 64)
        defer { rig.close() }
        let drops = try Self.dropCounter()
        let tx = try TxBuffer(port: rig.port, queue: QueueID(0), capacity: 32, drops: drops)

        for i in 0..<5 { _ = tx.add(try rig.pool.allocate(copying: Self.frame(i))) }
        #expect(tx.dropAll() == 5)
        let queued = tx.count
        #expect(queued == 0 && drops.value == 5)
        #expect(tx.dropAll() == 0 && drops.value == 5) // nothing left to drop
        #expect(rig.txRing.count == 0) // the port was not touched
        #expect(rig.pool.inUseCount == 0)
        let stats = try rig.port.stats()
        #expect(stats.txPackets == 0)
    }

    @Test func droppingABufferThatHoldsPacketsDropsThemCounted() throws {
        let rig = try RingPortRig(txSlots: 64)
        defer { rig.close() }
        let drops = try Self.dropCounter()
        do {
            let tx = try TxBuffer(port: rig.port, queue: QueueID(0), capacity: 32, drops: drops)
            for i in 0..<6 { _ = tx.add(try rig.pool.allocate(copying: Self.frame(i))) }
            #expect(tx.flush() == 6)
            for i in 6..<9 { _ = tx.add(try rig.pool.allocate(copying: Self.frame(i))) }
            #expect(rig.pool.inUseCount == 9)
        } // deinit: the three unflushed are freed and counted, not sent
        #expect(drops.value == 3)
        #expect(Self.drain(rig.txRing) == (0..<6).map { Self.frame($0) })
        #expect(rig.pool.inUseCount == 0)
    }

    @Test func buffersInAFixedArrayDropTheirPacketsWhenTheArrayGoes() throws {
        let rig = try RingPortRig(txSlots: 64)
        defer { rig.close() }
        let drops = try Self.dropCounter()
        do {
            let buffers = try FixedArray(count: 3) { _ throws(DPDKError) in
                try TxBuffer(port: rig.port, queue: QueueID(0), capacity: 8, drops: drops)
            }
            for i in 0..<3 {
                for _ in 0...i { _ = buffers[i].add(try rig.pool.allocate()) }
            }
            let counts = (buffers[0].count, buffers[1].count, buffers[2].count)
            #expect(counts == (1, 2, 3))
        }
        #expect(drops.value == 6 && rig.txRing.count == 0)
        #expect(rig.pool.inUseCount == 0)
    }

    // MARK: MbufBurst.drain

    @Test func drainHandsEveryMbufInOrderAndEmptiesTheBurst() throws {
        let rig = try RingPortRig(txSlots: 64)
        defer { rig.close() }
        let drops = try Self.dropCounter()
        let tx = try TxBuffer(port: rig.port, queue: QueueID(0), capacity: 32, drops: drops)

        var burst = MbufBurst(capacity: 8)
        for i in 0..<8 { burst.append(try rig.pool.allocate(copying: Self.frame(i))) }
        _ = try take(&burst) // a gap at the front: drain starts at the first still held
        var seen: [[UInt8]] = []
        burst.drain { m in
            seen.append(m.bytes)
            var m = m
            m.port = PortID(7)
            _ = tx.add(m) // the body owns each mbuf: here it hands it on
        }
        let (empty, count) = (burst.isEmpty, burst.count)
        #expect(empty && count == 0)
        #expect(seen == (1..<8).map { Self.frame($0) })
        #expect(tx.flush() == 7)
        #expect(Self.drain(rig.txRing) == (1..<8).map { Self.frame($0) })

        // An emptied burst takes packets again from its first slot.
        burst.append(try rig.pool.allocate(copying: Self.frame(9)))
        var again = 0
        burst.drain { m in again += 1; #expect(m.bytes == Self.frame(9)) }
        #expect(again == 1 && rig.pool.inUseCount == 0)
    }

    @Test func drainOfAnEmptyBurstCallsNothing() {
        var burst = MbufBurst(capacity: 4)
        var calls = 0
        burst.drain { _ in calls += 1 }
        #expect(calls == 0)
    }

    @Test func mbufsTheDrainBodyDropsAreFreed() throws {
        let pool = try PacketPool.create(name: TestEAL.uniqueName("PKT"), count: 63, cacheSize: 0)
        var burst = MbufBurst(capacity: 16)
        for _ in 0..<16 { burst.append(try pool.allocate()) }
        #expect(pool.inUseCount == 16)
        burst.drain { _ in }
        #expect(pool.inUseCount == 0)
    }

    // MARK: Ring<Mbuf>.enqueueAll

    @Test func enqueueAllTakesEveryMbufOrNone() throws {
        let pool = try PacketPool.create(name: TestEAL.uniqueName("PKT"), count: 63, cacheSize: 0)
        let ring = try Ring<Mbuf>.create(name: TestEAL.uniqueName("ALL"), count: 8, flags: [.singleProducer, .singleConsumer]) // holds 7

        var burst = MbufBurst(capacity: 8)
        for i in 0..<5 { burst.append(try pool.allocate(copying: Self.frame(i))) }
        // (#expect cannot take a move-only burst inout: results go through locals.)
        var all = ring.enqueueAll(&burst)
        let (empty, inRing) = (burst.isEmpty, ring.count)
        #expect(all && empty && inRing == 5)

        // Three more do not fit in the two free slots: none go, the burst is unchanged.
        for i in 5..<8 { burst.append(try pool.allocate(copying: Self.frame(i))) }
        all = ring.enqueueAll(&burst)
        let (left, stillInRing) = (burst.count, ring.count)
        #expect(!all && left == 3 && stillInRing == 5)
        // Without the first of them, exactly two: both go.
        let first = try take(&burst)
        #expect(first.bytes == Self.frame(5))
        _ = consume first
        all = ring.enqueueAll(&burst)
        let (emptyAgain, full) = (burst.isEmpty, ring.count)
        #expect(all && emptyAgain && full == 7)

        // An empty burst always fits.
        all = ring.enqueueAll(&burst)
        #expect(all)
        #expect(Self.drain(ring) == [0, 1, 2, 3, 4, 6, 7].map { Self.frame($0) })
        #expect(pool.inUseCount == 0)
    }

    // MARK: FixedArray

    @Test func fixedArrayMakesInOrderAndMutatesInPlace() throws {
        var array = FixedArray(count: 4) { $0 * 10 }
        #expect(array.count == 4)
        array[2] += 1
        array[unchecked: 3] = 7
        let values = (array[0], array[1], array[2], array[3])
        #expect(values == (0, 10, 21, 7))
        let empty = FixedArray<Int>(count: 0) { _ in 0 }
        #expect(empty.count == 0)
    }

    @Test func fixedArrayThatFailsToMakeAnElementDestroysTheOnesItMade() throws {
        let pool = try PacketPool.create(name: TestEAL.uniqueName("PKT"), count: 63, cacheSize: 0)
        struct Refused: Error {}
        #expect(throws: Refused.self) {
            _ = try FixedArray(count: 4) { i throws(Refused) -> MbufBurst in
                if i == 3 { throw Refused() }
                var burst = MbufBurst(capacity: 2)
                if let m = try? pool.allocate() { burst.append(m) }
                return burst
            }
        }
        #expect(pool.inUseCount == 0) // the three bursts made were dropped, mbufs freed
    }
}
