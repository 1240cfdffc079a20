import Glibc

/// CLOCK_MONOTONIC in nanoseconds: for the samples' deadlines and the ages of heartbeats and
/// locks (not for the datapath, which reads the TSC).
public func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// CLOCK_MONOTONIC in milliseconds.
public func monotonicMilliseconds() -> Int {
    Int(monotonicNanoseconds() / 1_000_000)
}
