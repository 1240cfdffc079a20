import CDPDK

/// What a forwarder does to each packet before sending it on: the forwarding engines of
/// `dpdk-testpmd` (`--forward-mode=io|macswap|5tswap`), written byte for byte as testpmd writes
/// them (DPDK 22.11 `app/test-pmd/macswap.h`, `5tswap.c`; no TX offloads configured).
///
/// A forwarder is generic over its engine and chooses it once, before its loop
/// (a `switch` over `ForwardingMode` that calls the loop with `IOEngine.self`, ...: passing an
/// `any ForwardingEngine.Type` instead would run an unspecialised loop); the engine's methods are static and inlined into the specialised
/// loop, so no witness table or closure is called per packet and nothing is allocated.
public protocol ForwardingEngine {
    /// False for `io`, which sends packets unchanged: lets a loop skip the per-packet pass.
    static var rewritesPackets: Bool { get }
    /// Rewrites one packet in place (first segment only, as testpmd).
    static func rewrite(_ mbuf: inout Mbuf)
}

/// The command-line names of the engines: `--fwd io|macswap|5tswap`.
public enum ForwardingMode: String, CaseIterable, Sendable {
    /// Forward unchanged (testpmd `io`).
    case io
    /// Swap the Ethernet source and destination addresses (testpmd `macswap`).
    case macswap
    /// Swap MAC addresses, IPv4/IPv6 addresses and TCP/UDP ports (testpmd `5tswap`).
    case fiveTupleSwap = "5tswap"

    /// The valid values as a usage text lists them: "io, macswap, 5tswap".
    public static var valid: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// testpmd `io`: the packet goes out as it came in.
public enum IOEngine: ForwardingEngine {
    @inlinable public static var rewritesPackets: Bool { false }
    @inlinable @inline(__always) public static func rewrite(_ mbuf: inout Mbuf) {}
}

/// testpmd `macswap`: destination and source MAC addresses exchanged, nothing else touched.
/// A frame shorter than the two addresses is sent unchanged (testpmd would read past it).
public enum MacSwapEngine: ForwardingEngine {
    @inlinable public static var rewritesPackets: Bool { true }
    @inlinable @inline(__always) public static func rewrite(_ mbuf: inout Mbuf) {
        let length = mbuf.dataLength
        if _fastPath(length >= 16) {
            PacketHeaders.swapMACs16(mbuf.data)
        } else if length >= 12 {
            PacketHeaders.swapMACs(mbuf.data)
        }
    }
}

/// testpmd `5tswap`: swaps the MAC addresses; then, after any number of 802.1Q (0x8100) and
/// 802.1ad (0x88A8) tags, the IPv4 or IPv6 source and destination addresses; then, when the IPv4
/// protocol or the IPv6 next header (no extension headers are followed) is UDP or TCP, the two
/// ports at the start of the L4 header. Like testpmd it does not look at fragment offsets: a
/// non-first IPv4 fragment of a UDP or TCP datagram gets its first four payload bytes swapped
/// as ports. Swapping 16-bit-aligned words keeps every checksum valid.
///
/// Where testpmd would read or write past the end of the frame (a truncated header), this engine
/// stops at that layer instead: testpmd's bytes there are undefined.
public enum FiveTupleSwapEngine: ForwardingEngine {
    @inlinable public static var rewritesPackets: Bool { true }
    @inlinable @inline(__always) public static func rewrite(_ mbuf: inout Mbuf) {
        let length = mbuf.dataLength
        guard length >= 14 else {
            if length >= 12 { PacketHeaders.swapMACs(mbuf.data) }
            return
        }
        let p = mbuf.data
        PacketHeaders.swapMACs(p)
        var type = p.loadUnaligned(fromByteOffset: 12, as: UInt16.self) // network order
        var offset = 14
        while type == PacketHeaders.vlanBE || type == PacketHeaders.qinqBE {
            guard offset &+ 4 <= length else { return }
            type = p.loadUnaligned(fromByteOffset: offset &+ 2, as: UInt16.self)
            offset &+= 4
        }
        let next: UInt8
        if type == PacketHeaders.ipv4BE {
            guard offset &+ 20 <= length else { return }
            PacketHeaders.swap(p + (offset &+ 12), p + (offset &+ 16), as: UInt32.self)
            next = p.load(fromByteOffset: offset &+ 9, as: UInt8.self)
            offset &+= Int(p.load(fromByteOffset: offset, as: UInt8.self) & 0x0F) &* 4
        } else if type == PacketHeaders.ipv6BE {
            guard offset &+ 40 <= length else { return }
            PacketHeaders.swap(p + (offset &+ 8), p + (offset &+ 24), as: UInt64.self)
            PacketHeaders.swap(p + (offset &+ 16), p + (offset &+ 32), as: UInt64.self)
            next = p.load(fromByteOffset: offset &+ 6, as: UInt8.self)
            offset &+= 40
        } else {
            return
        }
        if next == 17 || next == 6 { // UDP, TCP
            guard offset &+ 4 <= length else { return }
            PacketHeaders.swap(p + offset, p + (offset &+ 2), as: UInt16.self)
        }
    }
}

/// Header-level helpers shared by the engines and the flow hash.
@usableFromInline enum PacketHeaders {
    // EtherTypes as they lie in memory (network order), compared without byte swapping;
    // computed, so no global's lazy initialiser is checked per packet.
    @inlinable static var vlanBE: UInt16 { UInt16(0x8100).bigEndian }
    @inlinable static var qinqBE: UInt16 { UInt16(0x88A8).bigEndian }
    @inlinable static var ipv4BE: UInt16 { UInt16(0x0800).bigEndian }
    @inlinable static var ipv6BE: UInt16 { UInt16(0x86DD).bigEndian }

    /// Exchanges the 6-byte destination and source MAC addresses at `p` (bytes 0..11, nothing
    /// beyond): two loads, two stores, 9 instructions. Each load covers exactly what one store
    /// wrote, so when net_null hands the same buffer back a few bursts later its loads are
    /// forwarded from the stores (two overlapping 8-byte loads at 0 and 4 and two funnel shifts
    /// would be 7 instructions, but the load of bytes 4..11 is covered by neither earlier store
    /// alone, a store-forwarding stall). For frames of 12 to 15 bytes only: longer ones take
    /// `swapMACs16`, which reads and writes bytes 12..15.
    @inlinable @inline(__always) static func swapMACs(_ p: UnsafeMutableRawPointer) {
        let w = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)) // bytes 0..7
        let v = UInt64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt32.self))) // 8..11
        let dst = w & 0xFFFF_FFFF_FFFF
        let src = (w >> 48) | (v << 16)
        p.storeBytes(of: (src | (dst << 48)).littleEndian, as: UInt64.self)
        p.storeBytes(of: UInt32(truncatingIfNeeded: dst >> 16).littleEndian, toByteOffset: 8, as: UInt32.self)
    }

    /// `swapMACs` for a frame of at least 16 bytes: testpmd's one 16-byte load and store
    /// (bytes 12..15 written back unchanged), the words permuted by four SSE2 shuffles
    /// (`pshuflw`, `pshufd`, `pshuflw`, `pshufhw`), 6 instructions where the scalar swap takes 9,
    /// one of them a `shld` (several micro-ops on AMD). testpmd permutes with one SSSE3 `pshufb`;
    /// the package passes no `-march` (Package.swift), so LLVM lowers this swizzle with SSE2.
    @inlinable @inline(__always) static func swapMACs16(_ p: UnsafeMutableRawPointer) {
        let x = p.loadUnaligned(as: SIMD8<UInt16>.self)
        p.storeBytes(of: SIMD8(x[3], x[4], x[5], x[0], x[1], x[2], x[6], x[7]), as: SIMD8<UInt16>.self)
    }

    /// Exchanges two non-overlapping values of type `T`, at any alignment.
    @inlinable @inline(__always)
    static func swap<T: FixedWidthInteger>(_ a: UnsafeMutableRawPointer, _ b: UnsafeMutableRawPointer, as: T.Type) {
        let x = a.loadUnaligned(as: T.self)
        a.storeBytes(of: b.loadUnaligned(as: T.self), as: T.self)
        b.storeBytes(of: x, as: T.self)
    }
}

extension MbufBurst {
    /// Rewrites every held mbuf with engine `E`, in order; the burst keeps them all. Nothing
    /// runs for an engine that does not rewrite (`io`). As testpmd's x86 engines do
    /// (`macswap_sse.h`), it goes four packets at a time, prefetching the next four packets'
    /// data (`rte_prefetch0`) before rewriting these four: a quarter of the loop's own
    /// instructions per packet, and the data of a real NIC's packets four rewrites ahead. The
    /// last 0-3 packets go one at a time, each prefetching the next.
    @inlinable @inline(__always)
    public mutating func rewrite<E: ForwardingEngine>(with engine: E.Type) {
        guard E.rewritesPackets else { return }
        // In a local: otherwise the packet stores make the compiler reload it from the burst.
        let slots = slots
        var i = head
        let stop = end
        while stop &- i >= 4 {
            if stop &- i >= 8 {
                rte_prefetch0(cdpdk_mbuf_data(slots[i &+ 4].unsafelyUnwrapped))
                rte_prefetch0(cdpdk_mbuf_data(slots[i &+ 5].unsafelyUnwrapped))
                rte_prefetch0(cdpdk_mbuf_data(slots[i &+ 6].unsafelyUnwrapped))
                rte_prefetch0(cdpdk_mbuf_data(slots[i &+ 7].unsafelyUnwrapped))
            }
            Self.rewriteOne(slots[i], with: engine)
            Self.rewriteOne(slots[i &+ 1], with: engine)
            Self.rewriteOne(slots[i &+ 2], with: engine)
            Self.rewriteOne(slots[i &+ 3], with: engine)
            i &+= 4
        }
        while i < stop {
            if i &+ 1 < stop { rte_prefetch0(cdpdk_mbuf_data(slots[i &+ 1].unsafelyUnwrapped)) }
            Self.rewriteOne(slots[i], with: engine)
            i &+= 1
        }
    }

    @inlinable @inline(__always)
    static func rewriteOne<E: ForwardingEngine>(_ slot: OpaquePointer?, with engine: E.Type) {
        var mbuf = Mbuf(owning: slot.unsafelyUnwrapped)
        E.rewrite(&mbuf)
        _ = mbuf.release()
    }
}
