import Glibc
import MPCore
import Testing

@Suite struct RingAndPoolTests {
    init() { _ = TestEAL.shared }

    @Test func messagesCrossARingInOrderAndReturnToThePool() throws {
        let pool = try Mempool.create(name: TestEAL.uniqueName("MSG"), count: 63, elementSize: 128, cacheSize: 0)
        let ring = try Ring<PoolBuffer>.create(name: TestEAL.uniqueName("R"), count: 8)
        #expect(ring.capacity == 7)
        #expect(pool.availableCount == 63)

        for i in 0..<5 {
            let b = try pool.get()
            b.storeCString("message \(i)")
            let accepted = ring.enqueue(b) == nil
            #expect(accepted)
        }
        #expect(ring.count == 5)
        #expect(pool.inUseCount == 5)

        let found = try Ring<PoolBuffer>.lookup(name: ring.name)
        for i in 0..<5 {
            let text = found.dequeue(from: pool)?.loadCString()
            #expect(text == "message \(i)")
        }
        let empty = found.dequeue(from: pool) == nil
        #expect(empty)
        #expect(pool.inUseCount == 0) // every buffer went back when dropped
    }

    @Test func fullRingHandsTheBufferBack() throws {
        let pool = try Mempool.create(name: TestEAL.uniqueName("MSG"), count: 15, elementSize: 16)
        let ring = try Ring<PoolBuffer>.create(name: TestEAL.uniqueName("R"), count: 4)
        for _ in 0..<3 {
            let accepted = ring.enqueue(try pool.get()) == nil
            #expect(accepted)
        }
        let refused = ring.enqueue(try pool.get())
        let wasRefused = refused != nil
        #expect(wasRefused)
        #expect(pool.inUseCount == 4)
        _ = consume refused
        #expect(pool.inUseCount == 3)
    }

    @Test func storeCStringTruncatesLikeStrlcpy() throws {
        let pool = try Mempool.create(name: TestEAL.uniqueName("MSG"), count: 3, elementSize: 8)
        let b = try pool.get()
        b.storeCString("0123456789")
        #expect(b.loadCString() == "0123456")
    }

    @Test func emptyPoolIsAnError() throws {
        let pool = try Mempool.create(name: TestEAL.uniqueName("P"), count: 2, elementSize: 8)
        let a = try pool.get(), b = try pool.get()
        expectDPDKError(ENOBUFS, naming: pool.name) { _ = try pool.get() }
        _ = consume a
        _ = consume b
        #expect(pool.availableCount == 2)
    }

    @Test func duplicateNamesAreRefused() throws {
        let name = TestEAL.uniqueName("DUP")
        _ = try Ring<Mbuf>.create(name: name, count: 4)
        expectDPDKError(EEXIST, naming: name) { _ = try Ring<Mbuf>.create(name: name, count: 4) }
    }

    @Test func memzoneHoldsTheSharedStructAtTheCLayout() throws {
        let name = TestEAL.uniqueName("MZ")
        let mz = try Memzone<(UInt64, UInt64)>.reserve(name: name)
        #expect(mz.unsafePointer.pointee == (0, 0))
        let counter = SharedCounter(unsafeAddress: UnsafeMutableRawPointer(mz.unsafePointer).assumingMemoryBound(to: UInt64.self) + 1)
        counter.add(41)
        counter.add(1)
        let again = try Memzone<(UInt64, UInt64)>.lookup(name: name)
        #expect(again.unsafePointer == mz.unsafePointer)
        #expect(again.unsafePointer.pointee.1 == 42)
        // The memzone is rounded up to a cache line; a struct larger than that does not fit.
        expectDPDKError(EINVAL, naming: name) { _ = try Memzone<SIMD16<UInt64>>.lookup(name: name) }
    }
}
