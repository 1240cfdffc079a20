/// Ethernet frames of every kind a forwarding engine must handle, with valid checksums, and a
/// checker for the checksums of what comes out: the input of the engine tests.
enum Frames {
    static let macA: [UInt8] = [0x02, 0x00, 0x00, 0x00, 0x00, 0x0A]
    static let macB: [UInt8] = [0x02, 0x00, 0x00, 0x00, 0x00, 0x0B]
    static let ipA: [UInt8] = [198, 18, 0, 1], ipB: [UInt8] = [198, 19, 7, 2]
    static let ip6A: [UInt8] = [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1]
    static let ip6B: [UInt8] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0x42] + [UInt8](repeating: 0, count: 7) + [2]

    /// One of each kind, then a mixed tail, so that bursts hold different kinds side by side.
    static func all() -> [[UInt8]] {
        var frames: [[UInt8]] = [
            ipv4(proto: 6, l4: tcp(payload: bytes(20, seed: 1))),             // IPv4/TCP
            ipv4(proto: 17, l4: udp(payload: bytes(33, seed: 2))),            // IPv4/UDP, odd length
            ipv4(proto: 1, l4: icmpEcho(payload: bytes(56, seed: 3))),        // IPv4/ICMP echo
            ipv4(proto: 6, l4: tcp(payload: bytes(9, seed: 4)), options: 8),  // IPv4 options (IHL 7)
            ipv4(proto: 17, l4: udp(payload: []), pad: true),                 // shortest: 60 bytes
            ipv4(proto: 6, l4: tcp(payload: bytes(1460, seed: 5))),           // longest: 1514 bytes
            ipv4(proto: 17, l4: udp(payload: bytes(1472, seed: 6)), vlans: [0x8100]), // 1518, tagged
            ipv4(proto: 6, l4: tcp(payload: bytes(100, seed: 7)), vlans: [0x8100]),   // VLAN IPv4/TCP
            ipv4(proto: 17, l4: udp(payload: bytes(40, seed: 8)), vlans: [0x88A8, 0x8100]), // QinQ
            ipv4(proto: 47, l4: bytes(24, seed: 9)),                          // IPv4/GRE: no ports
            ipv4Fragment(first: true), ipv4Fragment(first: false),           // fragments of UDP
            ipv6(next: 6, l4: tcp(payload: bytes(64, seed: 10))),             // IPv6/TCP
            ipv6(next: 17, l4: udp(payload: []), pad: false),                 // IPv6/UDP, 62 bytes
            ipv6(next: 58, l4: icmp6Echo(payload: bytes(32, seed: 11))),      // ICMPv6
            ipv6(next: 17, l4: udp(payload: bytes(77, seed: 12)), vlans: [0x8100]),   // VLAN IPv6/UDP
            ipv6(next: 44, l4: [17, 0, 0, 1, 0, 0, 0, 9] + udp(payload: bytes(16, seed: 13), skipChecksum: true)), // fragment header
            arp(), arp(vlans: [0x8100]),                                      // ARP, plain and tagged
            ethernet(type: 0x88B5, payload: bytes(50, seed: 14)),             // other EtherType
            ethernet(type: 0x88CC, payload: bytes(46, seed: 15), dst: [0x01, 0x80, 0xC2, 0, 0, 0x0E]), // LLDP
            ethernet(type: 0x0800, payload: bytes(46, seed: 16), dst: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]), // broadcast, bogus IPv4
        ]
        for i in 0..<60 { frames.append(frames[(i * 7) % frames.count]) }
        return frames
    }

    static func bytes(_ n: Int, seed: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed &* 17) } }

    static func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    static func ethernet(type: Int, payload: [UInt8], vlans: [Int] = [], dst: [UInt8] = macB, pad: Bool = true) -> [UInt8] {
        var f = dst + macA
        for (i, tpid) in vlans.enumerated() { f += be16(tpid) + be16(100 + i) }
        f += be16(type) + payload
        if pad { while f.count < 60 { f.append(0) } }
        return f
    }

    static func tcp(payload: [UInt8]) -> [UInt8] {
        be16(40000) + be16(80) + [0, 0, 0x10, 0x01, 0, 0, 0, 0x02, 0x50, 0x18] + be16(8192) + [0, 0, 0, 0] + payload
    }

    static func udp(payload: [UInt8], skipChecksum: Bool = false) -> [UInt8] {
        be16(5353) + be16(53) + be16(8 + payload.count) + [0, 0] + payload
    }

    static func icmpEcho(payload: [UInt8]) -> [UInt8] {
        var m: [UInt8] = [8, 0, 0, 0, 0x12, 0x34, 0, 1] + payload
        m.replaceSubrange(2..<4, with: be16(Int(checksum(m))))
        return m
    }

    static func icmp6Echo(payload: [UInt8]) -> [UInt8] { [128, 0, 0, 0, 0x12, 0x34, 0, 1] + payload }

    /// An IPv4 packet with correct header and L4 checksums.
    static func ipv4(proto: UInt8, l4: [UInt8], options: Int = 0, vlans: [Int] = [], pad: Bool = true,
                     flagsFragment: Int = 0x4000, totalL4: [UInt8]? = nil) -> [UInt8] {
        let ihl = 5 + options / 4
        var h: [UInt8] = [UInt8(0x40 | ihl), 0] + be16(ihl * 4 + l4.count) + [0x1c, 0x46] + be16(flagsFragment) + [64, proto, 0, 0]
            + ipA + ipB + [UInt8](repeating: 1, count: options)
        h.replaceSubrange(10..<12, with: be16(Int(checksum(h))))
        var l4 = l4
        if let offset = l4ChecksumOffset(proto), flagsFragment & 0x3FFF == 0 {
            l4.replaceSubrange(offset..<(offset + 2), with: [0, 0])
            let sum = checksum(ipA + ipB + [0, proto] + be16(l4.count) + l4)
            l4.replaceSubrange(offset..<(offset + 2), with: be16(Int(sum == 0 && proto == 17 ? 0xFFFF : sum)))
        }
        return ethernet(type: 0x0800, payload: h + l4, vlans: vlans, pad: pad)
    }

    /// The two fragments of a UDP datagram: the first carries the UDP header (checksum over the
    /// whole datagram), the second only payload, at offset 24 (3 x 8 bytes).
    static func ipv4Fragment(first: Bool) -> [UInt8] {
        var datagram = udp(payload: bytes(40, seed: 20))
        let sum = checksum(ipA + ipB + [0, 17] + be16(datagram.count) + datagram)
        datagram.replaceSubrange(6..<8, with: be16(Int(sum)))
        return first ? ipv4(proto: 17, l4: Array(datagram[0..<24]), flagsFragment: 0x2000)
                     : ipv4(proto: 17, l4: Array(datagram[24...]), flagsFragment: 3)
    }

    /// An IPv6 packet with a correct L4 checksum (when `next` is TCP, UDP or ICMPv6).
    static func ipv6(next: UInt8, l4: [UInt8], vlans: [Int] = [], pad: Bool = true) -> [UInt8] {
        var l4 = l4
        if let offset = l4ChecksumOffset(next) {
            l4.replaceSubrange(offset..<(offset + 2), with: [0, 0])
            let sum = checksum(ip6A + ip6B + [0, 0] + be16(l4.count) + [0, 0, 0, next] + l4)
            l4.replaceSubrange(offset..<(offset + 2), with: be16(Int(sum == 0 ? 0xFFFF : sum)))
        }
        let h: [UInt8] = [0x60, 0, 0, 0] + be16(l4.count) + [next, 64] + ip6A + ip6B
        return ethernet(type: 0x86DD, payload: h + l4, vlans: vlans, pad: pad)
    }

    static func arp(vlans: [Int] = []) -> [UInt8] {
        ethernet(type: 0x0806, payload: [0, 1, 8, 0, 6, 4, 0, 1] + macA + ipA + [0, 0, 0, 0, 0, 0] + ipB,
                 vlans: vlans, dst: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
    }

    static func l4ChecksumOffset(_ proto: UInt8) -> Int? {
        switch proto { case 6: 16; case 17: 6; case 58: 2; default: nil }
    }

    /// The Internet checksum (RFC 1071) of `data`.
    static func checksum(_ data: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var i = 0
        while i + 1 < data.count { sum += UInt32(data[i]) << 8 | UInt32(data[i + 1]); i += 2 }
        if i < data.count { sum += UInt32(data[i]) << 8 }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        return ~UInt16(sum)
    }

    /// Checks the IPv4 header checksum and the TCP/UDP/ICMP/ICMPv6 checksums of an unfragmented
    /// packet; returns what is wrong, or nil. Frames without IP pass.
    static func checksumProblem(_ f: [UInt8]) -> String? {
        var o = 12
        var type = Int(f[o]) << 8 | Int(f[o + 1])
        while type == 0x8100 || type == 0x88A8 { o += 4; type = Int(f[o]) << 8 | Int(f[o + 1]) }
        o += 2
        if type == 0x0800 {
            guard f[o] >> 4 == 4, f.count >= o + 20 else { return nil } // the bogus broadcast frame
            let ihl = Int(f[o] & 0x0F) * 4, total = Int(f[o + 2]) << 8 | Int(f[o + 3])
            if checksum(Array(f[o..<(o + ihl)])) != 0 { return "IPv4 header checksum" }
            let frag = (Int(f[o + 6]) << 8 | Int(f[o + 7])) & 0x3FFF
            let proto = f[o + 9]
            let l4 = Array(f[(o + ihl)..<(o + total)])
            if frag != 0 { return nil }
            if proto == 1 { return checksum(l4) == 0 ? nil : "ICMP checksum" }
            guard l4ChecksumOffset(proto) != nil else { return nil }
            let sum = checksum(Array(f[(o + 12)..<(o + 20)]) + [0, proto] + be16(l4.count) + l4)
            return sum == 0 ? nil : "IPv4 L4 (\(proto)) checksum"
        }
        if type == 0x86DD {
            let next = f[o + 6], length = Int(f[o + 4]) << 8 | Int(f[o + 5])
            guard l4ChecksumOffset(next) != nil else { return nil }
            let l4 = Array(f[(o + 40)..<(o + 40 + length)])
            let sum = checksum(Array(f[(o + 8)..<(o + 40)]) + [0, 0] + be16(l4.count) + [0, 0, 0, next] + l4)
            return sum == 0 ? nil : "IPv6 L4 (\(next)) checksum"
        }
        return nil
    }
}
