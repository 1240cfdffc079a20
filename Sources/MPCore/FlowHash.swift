/// A symmetric flow hash: both directions of a connection get the same value, so a distributor
/// that picks a worker by it keeps a connection (and the order of its packets) on one worker.
///
/// What it covers, after up to any number of 802.1Q (0x8100) / 802.1ad (0x88A8) tags:
/// - IPv4: addresses, protocol, and for TCP, UDP and SCTP the two ports, except in fragments
///   (MF set or a non-zero offset), which carry no ports after the first: all fragments of a
///   datagram hash alike;
/// - IPv6: addresses, next header, and the ports when the next header is TCP, UDP or SCTP (an
///   extension header, a fragment header included, leaves the ports out);
/// - anything else (ARP, other EtherTypes, truncated IP headers): the two MAC addresses.
///
/// Symmetry comes from combining each source/destination pair with operations that do not care
/// about order (xor and sum), then one multiply (Fibonacci hashing, whose high bits are well
/// mixed): a few cycles on bytes the first cache line of the frame already holds. Use the high
/// bits: `BucketTable.bucket(forHash:)` takes the top eight.
public enum FlowHash {
    /// The hash of the packet's first segment.
    @inlinable @inline(__always)
    public static func symmetric(_ mbuf: borrowing Mbuf) -> UInt32 {
        symmetric(UnsafeRawPointer(mbuf.data), length: mbuf.dataLength)
    }

    /// The hash of a frame of `length` bytes at `p` (Ethernet header first).
    ///
    /// Untagged IPv4 is tested first (one compare); every other EtherType whose first byte is
    /// not one of IPv6's or the tags' goes straight to the MAC hash (one bit test); only those
    /// few get the full compares.
    @inlinable @inline(__always)
    public static func symmetric(_ p: UnsafeRawPointer, length: Int) -> UInt32 {
        guard length >= 14 else { return length >= 12 ? macHash12(p) : 0 }
        var type = p.loadUnaligned(fromByteOffset: 12, as: UInt16.self) // network order
        var offset = 14
        if type != PacketHeaders.ipv4BE {
            guard mayBeTagOrIPv6(type) else { return macHash(p) }
            if type != PacketHeaders.ipv6BE {
                guard type == PacketHeaders.vlanBE || type == PacketHeaders.qinqBE else { return macHash(p) }
                repeat {
                    guard offset &+ 4 <= length else { return macHash(p) }
                    type = p.loadUnaligned(fromByteOffset: offset &+ 2, as: UInt16.self)
                    offset &+= 4
                } while type == PacketHeaders.vlanBE || type == PacketHeaders.qinqBE
            }
        }
        var x: UInt64, s: UInt64, proto: UInt8, l4: Int
        if type == PacketHeaders.ipv4BE {
            guard offset &+ 20 <= length else { return macHash(p) }
            let a = UInt64(p.loadUnaligned(fromByteOffset: offset &+ 12, as: UInt32.self))
            let b = UInt64(p.loadUnaligned(fromByteOffset: offset &+ 16, as: UInt32.self))
            x = (a ^ b) << 32
            s = a &+ b
            proto = p.load(fromByteOffset: offset &+ 9, as: UInt8.self)
            // Flags and fragment offset: MF (0x2000) or any offset bits mean a fragment.
            let fragment = p.loadUnaligned(fromByteOffset: offset &+ 6, as: UInt16.self) & UInt16(0x3FFF).bigEndian
            l4 = fragment != 0 ? Int.max : offset &+ Int(p.load(fromByteOffset: offset, as: UInt8.self) & 0x0F) &* 4
        } else if type == PacketHeaders.ipv6BE {
            guard offset &+ 40 <= length else { return macHash(p) }
            let a0 = p.loadUnaligned(fromByteOffset: offset &+ 8, as: UInt64.self)
            let a1 = p.loadUnaligned(fromByteOffset: offset &+ 16, as: UInt64.self)
            let b0 = p.loadUnaligned(fromByteOffset: offset &+ 24, as: UInt64.self)
            let b1 = p.loadUnaligned(fromByteOffset: offset &+ 32, as: UInt64.self)
            x = (a0 ^ b0) ^ ((a1 ^ b1) &* 0x9E37_79B9_7F4A_7C15)
            s = (a0 &+ b0) ^ ((a1 &+ b1) &* 0xC2B2_AE3D_27D4_EB4F)
            proto = p.load(fromByteOffset: offset &+ 6, as: UInt8.self)
            l4 = offset &+ 40
        } else {
            return macHash(p)
        }
        // TCP 6, UDP 17, SCTP 132: source and destination ports lead the header.
        if (proto == 6 || proto == 17 || proto == 132), l4 <= length &- 4 {
            let pa = UInt64(p.loadUnaligned(fromByteOffset: l4, as: UInt16.self))
            let pb = UInt64(p.loadUnaligned(fromByteOffset: l4 &+ 2, as: UInt16.self))
            x ^= (pa ^ pb) << 16
            s ^= (pa &+ pb) << 40
        }
        return mix(x ^ s ^ UInt64(proto) << 56)
    }

    /// Whether an EtherType (as loaded, network order) may be IPv6's or a tag's: one bit test on
    /// six of its bits, true for those three and for a few others, which the full compares then
    /// sort out. Frames of other EtherTypes skip those compares on their way to the MAC hash.
    @inlinable @inline(__always)
    static func mayBeTagOrIPv6(_ type: UInt16) -> Bool {
        let set: UInt64 = 1 &<< UInt64(PacketHeaders.ipv6BE & 63) | 1 &<< UInt64(PacketHeaders.vlanBE & 63)
            | 1 &<< UInt64(PacketHeaders.qinqBE & 63)
        return (set &>> UInt64(type & 63)) & 1 != 0
    }

    /// Destination and source MAC addresses, symmetrically: both as the top 48 bits of a word,
    /// combined by xor and sum. A frame of at least 14 bytes: two loads (bytes 0-7 and 6-13)
    /// and two shifts.
    @inlinable @inline(__always)
    static func macHash(_ p: UnsafeRawPointer) -> UInt32 {
        let dst = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)) << 16 // bytes 0..5
        let src = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 6, as: UInt64.self)) << 16 // 6..11
        return macMix(dst, src)
    }

    /// `macHash` of a 12- or 13-byte frame, whose bytes 12-13 cannot be read: the same value from
    /// two overlapping loads (bytes 0-7 and 4-11), a shift and a mask.
    @inlinable @inline(__always)
    static func macHash12(_ p: UnsafeRawPointer) -> UInt32 {
        let dst = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)) << 16 // bytes 0..5
        let src = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt64.self)) & ~0xFFFF // 6..11
        return macMix(dst, src)
    }

    @inlinable @inline(__always)
    static func macMix(_ dst: UInt64, _ src: UInt64) -> UInt32 {
        mix((dst ^ src) ^ ((dst &+ src) >> 15))
    }

    /// Multiplicative (Fibonacci) hashing: one multiply, and the high half, where every input
    /// bit has reached. Buckets are taken from the top bits (`BucketTable.bucket(forHash:)`).
    @inlinable @inline(__always)
    static func mix(_ k: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: (k &* 0x9E37_79B9_7F4A_7C15) >> 32)
    }
}
