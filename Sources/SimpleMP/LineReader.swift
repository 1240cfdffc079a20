import Glibc
import MPCore

/// Reads stdin line by line, waking every 100 ms to check the stop flag: a signal only sets the
/// flag, and it may be delivered to any of DPDK's threads, so a blocking read would not notice.
struct LineReader {
    private var pending: [UInt8] = []
    private var atEnd = false

    /// The next line without its newline; nil at end of input or once a stop is requested.
    mutating func next() -> String? {
        var chunk = [UInt8](repeating: 0, count: 512)
        while true {
            if let nl = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<nl], as: UTF8.self)
                pending.removeSubrange(...nl)
                return line
            }
            if atEnd || Shutdown.requested {
                guard !pending.isEmpty, !Shutdown.requested else { return nil }
                defer { pending.removeAll() }
                return String(decoding: pending, as: UTF8.self) // a last line without newline
            }
            var fd = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
            if poll(&fd, 1, 100) <= 0 { continue } // timeout, or EINTR: check the flag again
            let n = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if n > 0 {
                pending += chunk[..<n]
            } else if n == 0 || errno != EINTR {
                atEnd = true
            }
        }
    }
}
