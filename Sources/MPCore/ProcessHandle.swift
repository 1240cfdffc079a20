import CDPDK
import Glibc

/// A handle on another process that stays bound to it even after it exits (a Linux pidfd): no
/// race with PID reuse, and its exit is noticed with one `poll` of the descriptor.
public struct ProcessHandle: ~Copyable {
    private let fd: Int32
    /// The process ID the handle was opened for.
    public let pid: Int32

    /// Opens a handle on `pid` (`pidfd_open`).
    /// - Throws: `DPDKError` (`ESRCH`) when no such process exists.
    public init(pid: Int32) throws(DPDKError) {
        let fd = cdpdk_pidfd_open(pid)
        guard fd >= 0 else { throw DPDKError(code: errno, attempted: "opening a pidfd for process \(pid)") }
        self.fd = fd
        self.pid = pid
    }

    deinit { close(fd) }

    /// True once the process has exited (a zombie not yet reaped counts as exited).
    public var hasExited: Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, 0) == 1
    }

    /// Field 22 of `/proc/<pid>/stat`: the process's start time in clock ticks after boot, or nil
    /// when it does not run (absent, or a zombie). With the PID, it names one process for good.
    public static func startTime(of pid: Int32) -> UInt64? {
        guard let f = fopen("/proc/\(pid)/stat", "r") else { return nil }
        defer { fclose(f) }
        var buffer = [CChar](repeating: 0, count: 1024)
        guard fgets(&buffer, Int32(buffer.count), f) != nil else { return nil }
        let line = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // The command name (field 2) may hold spaces and parentheses: count after the last ')'.
        guard let close = line.lastIndex(of: ")") else { return nil }
        let fields = line[line.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), so field 22 is fields[19].
        guard fields.count > 19, fields[0] != "Z", fields[0] != "X" else { return nil }
        return UInt64(fields[19])
    }

    /// Whether `pid` still runs and is the process that started at `startTime`.
    public static func isRunning(pid: Int32, startTime: UInt64) -> Bool {
        pid > 0 && Self.startTime(of: pid) == startTime
    }
}
