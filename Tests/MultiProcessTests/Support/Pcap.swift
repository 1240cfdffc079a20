import Foundation

/// Classic pcap files (microsecond timestamps, Ethernet link type), packet bytes only: the input
/// the net_pcap vdev replays and the output it records, for the byte-exact forwarding tests.
enum Pcap {
    static func write(_ packets: [[UInt8]], to path: String) throws {
        var d = Data()
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        u32(0xA1B2_C3D4); u16(2); u16(4); u32(0); u32(0); u32(65535); u32(1)
        for (i, p) in packets.enumerated() {
            u32(1); u32(UInt32(i)); u32(UInt32(p.count)); u32(UInt32(p.count))
            d.append(contentsOf: p)
        }
        try d.write(to: URL(fileURLWithPath: path))
    }

    static func read(_ path: String) throws -> [[UInt8]] {
        let d = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        func u32(_ o: Int) -> Int { Int(d[o]) | Int(d[o + 1]) << 8 | Int(d[o + 2]) << 16 | Int(d[o + 3]) << 24 }
        guard d.count >= 24 else { return [] }
        var packets: [[UInt8]] = [], o = 24
        while o + 16 <= d.count {
            let length = u32(o + 8)
            guard o + 16 + length <= d.count else { break } // a record still being written
            packets.append(Array(d[(o + 16)..<(o + 16 + length)]))
            o += 16 + length
        }
        return packets
    }
}
