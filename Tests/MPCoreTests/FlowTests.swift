import MPCore
import Testing

/// The forwarding engines on single mbufs, the symmetric flow hash, and the bucket table.
/// (Byte-for-byte agreement with dpdk-testpmd is tested end to end in MultiProcessTests.)
@Suite(.serialized) struct FlowTests {
    init() { _ = TestEAL.shared }

    static let macA: [UInt8] = [2, 0, 0, 0, 0, 0xA], macB: [UInt8] = [2, 0, 0, 0, 0, 0xB]

    /// Ethernet (+ tags) + IPv4 (or IPv6) + 4 port bytes + payload; checksums are not needed here.
    static func frame(v6: Bool = false, src: UInt8, dst: UInt8, proto: UInt8 = 6, sport: UInt16, dport: UInt16,
                      tags: [UInt16] = [], fragment: UInt16 = 0, macs: ([UInt8], [UInt8]) = (macB, macA)) -> [UInt8] {
        var f = macs.0 + macs.1
        for t in tags { f += [UInt8(t >> 8), UInt8(t & 0xFF), 0, 7] }
        if v6 {
            f += [0x86, 0xDD, 0x60, 0, 0, 0, 0, 20, proto, 64]
            f += [UInt8](repeating: 0x20, count: 15) + [src] + [UInt8](repeating: 0x20, count: 15) + [dst]
        } else {
            f += [0x08, 0x00, 0x45, 0, 0, 40, 0, 1, UInt8(fragment >> 8), UInt8(fragment & 0xFF), 64, proto, 0, 0,
                  198, 18, 0, src, 198, 18, 0, dst]
        }
        f += [UInt8(sport >> 8), UInt8(sport & 0xFF), UInt8(dport >> 8), UInt8(dport & 0xFF)]
        while f.count < 64 { f.append(UInt8(f.count)) }
        return f
    }

    func rewritten<E: ForwardingEngine>(_ bytes: [UInt8], _ engine: E.Type, pool: PacketPool) throws -> [UInt8] {
        var burst = MbufBurst(capacity: 1)
        burst.append(try pool.allocate(copying: bytes))
        burst.rewrite(with: engine)
        return burst.popFirst()!.bytes
    }

    // MARK: engines

    @Test func enginesRewriteAsTestpmd() throws {
        let pool = try PacketPool.create(name: TestEAL.uniqueName("ENG"), count: 63, cacheSize: 0)
        for tags in [[], [0x8100], [0x88A8, 0x8100]] as [[UInt16]] {
            for v6 in [false, true] {
                let out = Self.frame(v6: v6, src: 1, dst: 2, sport: 1000, dport: 80, tags: tags)
                let back = Self.frame(v6: v6, src: 2, dst: 1, sport: 80, dport: 1000, tags: tags, macs: (Self.macA, Self.macB))
                #expect(try rewritten(out, IOEngine.self, pool: pool) == out)
                #expect(try rewritten(out, FiveTupleSwapEngine.self, pool: pool) == back, "tags \(tags) v6 \(v6)")
                let macOnly = Self.frame(v6: v6, src: 1, dst: 2, sport: 1000, dport: 80, tags: tags, macs: (Self.macA, Self.macB))
                #expect(try rewritten(out, MacSwapEngine.self, pool: pool) == macOnly)
            }
        }
        // ICMP: addresses swapped, the L4 bytes not.
        let icmp = Self.frame(src: 1, dst: 2, proto: 1, sport: 0x0800, dport: 0x1234)
        #expect(try rewritten(icmp, FiveTupleSwapEngine.self, pool: pool)
                == Self.frame(src: 2, dst: 1, proto: 1, sport: 0x0800, dport: 0x1234, macs: (Self.macA, Self.macB)))
        // A frame too short for its headers is left alone past the layer that does not fit.
        let short = Array(Self.frame(src: 1, dst: 2, sport: 1, dport: 2)[0..<30])
        #expect(try rewritten(short, FiveTupleSwapEngine.self, pool: pool) == Self.macA + Self.macB + Array(short[12...]))
        let tiny: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        #expect(try rewritten(tiny, MacSwapEngine.self, pool: pool) == tiny)
        #expect(try rewritten(tiny, FiveTupleSwapEngine.self, pool: pool) == tiny)
        #expect(pool.inUseCount == 0)
    }

    /// One burst of 13 packets: the rewrite loop's groups of four (with the prefetch of the next
    /// four) and its one-at-a-time tail, with frames of 10 to 17 bytes around the 12 bytes of
    /// the two MAC addresses: bytes 0..11 swapped, the rest kept, frames under 12 bytes unchanged.
    @Test func enginesRewriteWholeBurstsAndShortFrames() throws {
        let pool = try PacketPool.create(name: TestEAL.uniqueName("ENB"), count: 63, cacheSize: 0)
        let full = Self.frame(v6: false, src: 1, dst: 2, sport: 1000, dport: 80, tags: [])
        let frames = (10...17).map { Array(full[0..<$0]) } + [full, full, Array(full[0..<14]), full, Array(full[0..<11])]
        func macSwapped(_ f: [UInt8]) -> [UInt8] { f.count < 12 ? f : Array(f[6..<12]) + Array(f[0..<6]) + Array(f[12...]) }
        func burstRewritten<E: ForwardingEngine>(_ engine: E.Type) throws -> [[UInt8]] {
            var burst = MbufBurst(capacity: frames.count)
            for f in frames { burst.append(try pool.allocate(copying: f)) }
            burst.rewrite(with: engine)
            return frames.indices.map { _ in burst.popFirst()!.bytes }
        }
        #expect(try burstRewritten(MacSwapEngine.self) == frames.map(macSwapped))
        #expect(try burstRewritten(FiveTupleSwapEngine.self) == frames.map { try rewritten($0, FiveTupleSwapEngine.self, pool: pool) })
        #expect(try burstRewritten(FiveTupleSwapEngine.self)[8]
                == Self.frame(v6: false, src: 2, dst: 1, sport: 80, dport: 1000, tags: [], macs: (Self.macA, Self.macB)))
        #expect(pool.inUseCount == 0)
    }

    // MARK: flow hash

    func hash(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { FlowHash.symmetric($0.baseAddress!, length: $0.count) } }

    @Test func flowHashIsSymmetricAndSeparatesFlows() {
        var seen: Set<UInt32> = []
        for tags in [[], [0x8100], [0x88A8, 0x8100]] as [[UInt16]] {
            for v6 in [false, true] {
                for proto: UInt8 in [6, 17] {
                    for port: UInt16 in 1000..<1010 {
                        let a = Self.frame(v6: v6, src: 1, dst: 2, proto: proto, sport: port, dport: 80, tags: tags)
                        let b = Self.frame(v6: v6, src: 2, dst: 1, proto: proto, sport: 80, dport: port, tags: tags, macs: (Self.macA, Self.macB))
                        #expect(hash(a) == hash(b), "v6 \(v6) proto \(proto) port \(port) tags \(tags)")
                        seen.insert(hash(a))
                    }
                }
            }
        }
        // The tags do not enter the hash (a flow is the same flow tagged or not); protocols,
        // ports and address families do: 2 families x 2 protocols x 10 ports.
        #expect(seen.count == 40)
        // IPv4 fragments (MF set, or an offset) leave the ports out: a datagram's pieces agree.
        let first = Self.frame(src: 1, dst: 2, proto: 17, sport: 5, dport: 6, fragment: 0x2000)
        let later = Self.frame(src: 1, dst: 2, proto: 17, sport: 0xAB, dport: 0xCD, fragment: 0x0003)
        #expect(hash(first) == hash(later))
        // Without IP: the MAC addresses, symmetrically.
        let arp = Self.macB + Self.macA + [0x08, 0x06] + [UInt8](repeating: 1, count: 46)
        let arpBack = Self.macA + Self.macB + [0x08, 0x06] + [UInt8](repeating: 2, count: 46)
        #expect(hash(arp) == hash(arpBack))
        #expect(hash(arp) != hash([2, 0, 0, 0, 0, 0xC] + Self.macA + [0x08, 0x06] + [UInt8](repeating: 1, count: 46)))
    }

    /// Frames without IP, whatever their length from 12 bytes up and whatever their EtherType
    /// (those that share a first-byte bit with IPv6's or a tag's included, and IPv6 or tagged
    /// frames cut short), hash by their MAC addresses alone, to this value: the MAC addresses as
    /// the top 48 bits of two little-endian words d and s, `(d ^ s) ^ ((d + s) >> 15)`, times
    /// 0x9E3779B97F4A7C15, the high half.
    @Test func flowHashOfFramesWithoutIPIsTheirMACHash() {
        func word(_ b: ArraySlice<UInt8>) -> UInt64 { b.reversed().reduce(0) { $0 << 8 | UInt64($1) } << 16 }
        func expected(_ macs: [UInt8]) -> UInt32 {
            let d = word(macs[0..<6]), s = word(macs[6..<12])
            return UInt32(truncatingIfNeeded: (((d ^ s) ^ ((d &+ s) >> 15)) &* 0x9E37_79B9_7F4A_7C15) >> 32)
        }
        let pairs: [[UInt8]] = [Self.macA + Self.macB, Self.macB + Self.macA, [UInt8](repeating: 0, count: 12),
                                [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56]]
        let types: [[UInt8]] = [[0x00, 0x00], [0x08, 0x06], [0x41, 0x00], [0x81, 0x01], [0x86, 0xDE], [0x88, 0xA9], [0xC8, 0x00]]
        for macs in pairs {
            let want = expected(macs)
            #expect(want == expected(Array(macs[6..<12] + macs[0..<6])))
            #expect(hash(macs) == want)
            #expect(hash(macs + [0x08]) == want)
            for type in types {
                #expect(hash(macs + type) == want, "\(type)")
                #expect(hash(macs + type + [UInt8](repeating: 0x45, count: 46)) == want, "\(type)")
            }
            // IPv4, IPv6 and tags cut short before what the hash would read.
            #expect(hash(macs + [0x08, 0x00] + [UInt8](repeating: 0x45, count: 19)) == want)
            #expect(hash(macs + [0x86, 0xDD] + [UInt8](repeating: 0x60, count: 39)) == want)
            #expect(hash(macs + [0x81, 0x00, 0, 1]) == want)
            #expect(hash(macs + [0x88, 0xA8, 0, 1, 0x81, 0x00, 0, 2, 0x08, 0x00] + [UInt8](repeating: 0x45, count: 10)) == want)
        }
        #expect(hash(Array(Self.macA[0..<5])) == 0)
    }

    @Test func flowHashSpreadsOverBuckets() {
        var buckets = [Int](repeating: 0, count: BucketTable.count)
        for a: UInt8 in 0..<64 {
            for p: UInt16 in 0..<64 {
                buckets[BucketTable.bucket(forHash: hash(Self.frame(src: a, dst: 200, sport: 1024 + p, dport: 443)))] += 1
            }
        }
        // 4096 flows over 256 buckets: 16 each on average; none empty, none above 3x.
        #expect(buckets.min()! > 0 && buckets.max()! < 48, "\(buckets)")
    }

    // MARK: bucket table

    /// `distribute` and `pick` over bursts of 0 to 13 packets (the prefetch pass's groups of
    /// four and its tail), also after the first packet was taken: every packet, in order, with
    /// the worker its own flow hash names.
    @Test func bucketTableDistributesEveryPacketByItsHash() throws {
        let pool = try PacketPool.create(name: TestEAL.uniqueName("BTD"), count: 63, cacheSize: 0)
        let table = BucketTable(workers: 3)
        var picks = BurstPicks(capacity: 16)
        for n in 0...13 {
            for skip in 0...min(1, n) {
                var burst = MbufBurst(capacity: 16)
                var frames: [[UInt8]] = []
                for k in 0..<n {
                    let f = k % 4 == 3 ? Self.macA + Self.macB + [0x08, 0x06] + [UInt8](repeating: UInt8(k), count: 46)
                        : Self.frame(v6: k % 2 == 1, src: UInt8(k), dst: 9, sport: UInt16(1000 + k), dport: 80, tags: k % 3 == 0 ? [0x8100] : [])
                    frames.append(f)
                    burst.append(try pool.allocate(copying: f))
                }
                if skip == 1 { _ = burst.popFirst(); frames.removeFirst() }
                let want = frames.map { table.worker(forHash: hash($0)) }
                table.pick(burst, into: &picks)
                #expect((0..<frames.count).map { picks[$0] } == want, "n \(n) skip \(skip)")
                var got: [(Int, [UInt8])] = []
                table.distribute(&burst) { w, mbuf in got.append((w, mbuf.bytes)) }
                #expect(got.map(\.0) == want && got.map(\.1) == frames, "n \(n) skip \(skip)")
                let left = burst.count
                #expect(left == 0)
            }
        }
        #expect(pool.inUseCount == 0)
    }

    @Test func bucketTableMovesOnlyTheLeaversShareAndBringsItBack() {
        for n in [2, 3, 4, 7, 16] {
            var table = BucketTable(workers: n)
            let start = (0..<BucketTable.count).map { table.worker(ofBucket: $0) }
            #expect(start == (0..<BucketTable.count).map { $0 % n })
            // Worker 1 leaves: exactly its buckets move, to the others, evenly.
            var live = [Bool](repeating: true, count: n)
            live[1] = false
            let share = (0..<BucketTable.count).filter { $0 % n == 1 }
            #expect(table.assign(live: live) == share.count)
            #expect(table.buckets(of: 1).isEmpty)
            for b in 0..<BucketTable.count where b % n != 1 { #expect(table.worker(ofBucket: b) == start[b]) }
            let loads = (0..<n).filter { $0 != 1 }.map { table.buckets(of: $0).count }
            #expect(loads.max()! - loads.min()! <= 1, "n \(n): \(loads)")
            // Nothing else changes while the set of live workers stays the same.
            #expect(table.assign(live: live) == 0)
            // It returns: the same buckets come back, and only those.
            #expect(table.assign(live: [Bool](repeating: true, count: n)) == share.count)
            #expect((0..<BucketTable.count).map { table.worker(ofBucket: $0) } == start)
        }
        // A second leaver moves its own buckets; the first leaver's moved buckets stay where
        // they went unless that was the second leaver.
        var table = BucketTable(workers: 4)
        _ = table.assign(live: [true, false, true, true])
        let afterFirst = (0..<BucketTable.count).map { table.worker(ofBucket: $0) }
        let moved = table.assign(live: [true, false, false, true])
        let expected = (0..<BucketTable.count).filter { afterFirst[$0] == 2 }.count
        #expect(moved == expected)
        #expect(table.buckets(of: 1).isEmpty && table.buckets(of: 2).isEmpty)
        // No live worker: nowhere to go, nothing changes.
        let before = (0..<BucketTable.count).map { table.worker(ofBucket: $0) }
        #expect(table.assign(live: [false, false, false, false]) == 0)
        #expect((0..<BucketTable.count).map { table.worker(ofBucket: $0) } == before)
    }
}
