import CDPDK

/// The application's own type in DPDK's log (`rte_log`), so that `--log-level` controls its
/// messages as it does DPDK's: `--log-level=mp_server:debug`, `--log-level=mp_client,warning`.
///
/// For diagnostics beside the samples' own output, which stays on stdout as the C samples
/// print it. DPDK writes log lines to stdout (and syslog); each starts with the type's name.
public struct Log: Sendable {
    /// DPDK's levels (`RTE_LOG_ERR` ... `RTE_LOG_DEBUG`).
    public enum Level: UInt32, Sendable {
        /// `RTE_LOG_ERR`: something failed.
        case error = 4
        /// `RTE_LOG_WARNING`: something is wrong but work goes on.
        case warning = 5
        /// `RTE_LOG_NOTICE`: a normal but significant event (a client's state changed).
        case notice = 6
        /// `RTE_LOG_INFO`: the default level of a type registered here.
        case info = 7
        /// `RTE_LOG_DEBUG`: diagnostics, shown with `--log-level=<name>:debug`.
        case debug = 8
    }

    /// The type id `rte_log_register_type_and_pick_level` returned.
    public let type: UInt32
    /// The type's name, the prefix of each line.
    public let name: String

    /// Registers the log type `name` (`rte_log_register_type_and_pick_level`), at `level` unless
    /// `--log-level` named it. Call after the EAL is initialised: the EAL keeps the
    /// `--log-level` patterns and applies them when the type registers.
    /// - Returns: nil if DPDK refuses the name (then `Log.fallback` logs as `user1`).
    public init?(_ name: String, level: Level = .info) {
        let t = rte_log_register_type_and_pick_level(name, level.rawValue)
        guard t >= 0 else { return nil }
        type = UInt32(t)
        self.name = name
    }

    private init(type: UInt32, name: String) {
        self.type = type
        self.name = name
    }

    /// `RTE_LOGTYPE_USER1`, what DPDK's C samples log with.
    public static let fallback = Log(type: UInt32(RTE_LOGTYPE_USER1), name: "USER1")

    /// Whether a message at `level` would be written: nothing is formatted otherwise.
    public func enabled(_ level: Level) -> Bool { rte_log_can_log(type, level.rawValue) }

    /// Writes `"<name>: <message>\n"` at `level`, if the level is enabled.
    public func log(_ level: Level, _ message: @autoclosure () -> String) {
        guard enabled(level) else { return }
        let line = "\(name): \(message())\n"
        line.withCString { text in
            _ = withVaList([text]) { rte_vlog(level.rawValue, type, "%s", $0) }
        }
    }

    /// Writes `message` at ``Level/error``, if enabled.
    public func error(_ message: @autoclosure () -> String) { log(.error, message()) }
    /// Writes `message` at ``Level/warning``, if enabled.
    public func warning(_ message: @autoclosure () -> String) { log(.warning, message()) }
    /// Writes `message` at ``Level/notice``, if enabled.
    public func notice(_ message: @autoclosure () -> String) { log(.notice, message()) }
    /// Writes `message` at ``Level/info``, if enabled.
    public func info(_ message: @autoclosure () -> String) { log(.info, message()) }
    /// Writes `message` at ``Level/debug``, if enabled; the message is not built otherwise.
    public func debug(_ message: @autoclosure () -> String) { log(.debug, message()) }
}
