/// Packets and bits per second over an interval, from two readings of growing counters.
public struct Rate: Sendable, Equatable, CustomStringConvertible {
    /// Packets per second.
    public var packetsPerSecond: Double
    /// Bits per second (bytes times 8; Ethernet's preamble and gap not included).
    public var bitsPerSecond: Double

    /// A rate of the given figures; both 0 by default.
    public init(packetsPerSecond: Double = 0, bitsPerSecond: Double = 0) {
        self.packetsPerSecond = packetsPerSecond
        self.bitsPerSecond = bitsPerSecond
    }

    /// The rate between a reading of (`packets`, `bytes`) and a later one, `seconds` apart.
    /// Counters that went backwards (a restarted writer) give 0, not a huge number.
    public init(from old: (packets: UInt64, bytes: UInt64), to new: (packets: UInt64, bytes: UInt64), seconds: Double) {
        guard seconds > 0 else { self.init(); return }
        let p = new.packets >= old.packets ? new.packets - old.packets : 0
        let b = new.bytes >= old.bytes ? new.bytes - old.bytes : 0
        self.init(packetsPerSecond: Double(p) / seconds, bitsPerSecond: Double(b) * 8 / seconds)
    }

    /// "14.88 Mpps 7.62 Gbit/s": SI prefixes, three significant digits at most.
    public var description: String {
        "\(Rate.si(packetsPerSecond))pps \(Rate.si(bitsPerSecond))bit/s"
    }

    /// `1234567` -> "1.23 M", `999` -> "999 ".
    static func si(_ value: Double) -> String {
        let prefixes = ["", "k", "M", "G", "T"]
        var v = value, i = 0
        while v >= 1000, i < prefixes.count - 1 { v /= 1000; i += 1 }
        if i == 0 { return "\(Int(v.rounded())) " }
        let hundredths = Int((v * 100).rounded())
        let frac = hundredths % 100
        return "\(hundredths / 100).\(frac < 10 ? "0" : "")\(frac) \(prefixes[i])"
    }
}
