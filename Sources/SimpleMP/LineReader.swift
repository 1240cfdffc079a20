import Glibc
import MPCore

/// Reads stdin line by line until end of input or a stop request: a signal may be delivered to
/// any of DPDK's threads, and the handlers restart interrupted calls, so a blocking read would
/// never notice. It waits on stdin and on `Shutdown.wakeDescriptor` together.
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
            var fds = (pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: Shutdown.wakeDescriptor, events: Int16(POLLIN), revents: 0))
            let ready = withUnsafeMutableBytes(of: &fds) {
                poll($0.baseAddress!.assumingMemoryBound(to: pollfd.self), 2, -1)
            }
            if ready <= 0 || fds.0.revents == 0 { continue } // woken for a stop: check the flag
            let n = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if n > 0 {
                pending += chunk[..<n]
            } else if n == 0 || errno != EINTR {
                atEnd = true
            }
        }
    }
}
