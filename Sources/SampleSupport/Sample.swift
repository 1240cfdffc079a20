import Glibc
import MPCore

/// The start-up skeleton every sample runs: options, signal handlers, EAL, the sample's own
/// work, cleanup, exit status. One place decides the order, so every sample gets it right:
///
/// 1. The options after `--` are parsed before the EAL starts, so that a mistake leaves no DPDK
///    state behind (and a secondary's mistake is reported even when no primary runs). What needs
///    the EAL (which ports exist, queue limits, mempool ops) is checked by `body`, which throws
///    `SampleFailure.usage` for it.
/// 2. `Shutdown.installHandlers()`, before the EAL starts its threads.
/// 3. `EAL.run(arguments:_:)`; a failed start is one error line, exit 1.
/// 4. `body` inside it; the EAL is cleaned up with its status on every path, and nothing the
///    body made (packets, TX buffers) outlives it.
///
/// Errors are one line on stderr, `errorPrefix` and a sentence naming the problem; a usage
/// mistake adds the usage text (on stderr) and exits 1. `-h`/`--help` prints the usage on stdout
/// and exits 0.
public struct Sample<Options>: Sendable {
    /// The program name for usage texts: the last path component of `argv[0]`.
    public let program: String
    /// What starts every error line: `"Error: "` (symmetric_mp), `"ERROR: "` (client_server_mp).
    public let errorPrefix: String
    private let usageText: @Sendable (String) -> String

    /// - Parameters:
    ///   - name: the program name when `argv[0]` gives none.
    ///   - errorPrefix: what starts every error line.
    ///   - arguments: the whole command line, `argv[0]` first.
    ///   - usage: the usage text for a program name.
    public init(name: String, errorPrefix: String, arguments: [String] = CommandLine.arguments,
                usage: @escaping @Sendable (String) -> String) {
        program = arguments.first.flatMap { $0.split(separator: "/").last.map(String.init) } ?? name
        self.errorPrefix = errorPrefix
        usageText = usage
    }

    /// The usage text.
    public var usage: String { usageText(program) }

    /// Writes one error line, `errorPrefix` and `message`, on stderr after what stdout holds.
    public func printError(_ message: String) { Console.error(errorPrefix + message) }

    /// Reports a refused command line: the error line and the usage (stderr), or for `--help`
    /// the usage alone (stdout). Returns the exit status: 0 for help, 1 otherwise.
    public func report(_ error: UsageError) -> Int32 {
        if error.isHelp {
            output(usage)
            return 0
        }
        printError(error.message)
        Console.error(usage)
        return 1
    }

    /// Runs the sample and returns its exit status (see the type's description for the order).
    /// - Parameters:
    ///   - arguments: the whole command line; the options are those after `--`.
    ///   - parse: reads the options after `--` (program name excluded) without the EAL.
    ///   - ealFailure: the error line's sentence when the EAL cannot start.
///   - gate: entered after the signal handlers and before `rte_eal_init` (mp_client's start-up
///     gate); returns what leaves it, called as soon as `rte_eal_init` has returned.
    ///   - body: the sample on an initialised EAL; returns the exit status, or throws a failure
    ///     that becomes one error line (and the usage, for `SampleFailure.usage`), exit 1.
    public func run(arguments: [String] = CommandLine.arguments,
                    parse: ([String]) throws(UsageError) -> Options,
                    ealFailure: (DPDKError) -> String,
                    gate: (() throws(SampleFailure) -> (() -> Void)?)? = nil,
                    _ body: (borrowing EAL, Options) throws(SampleFailure) -> Int32) -> Int32 {
        Console.lineBuffered()
        let options: Options
        do {
            options = try parse(Self.applicationArguments(arguments))
        } catch {
            return report(error)
        }

        Shutdown.installHandlers()
        let leaveGate: (() -> Void)?
        do {
            leaveGate = try gate?() ?? nil
        } catch {
            switch error {
            case .usage(let usage): return report(usage)
            case .failed(let message): printError(message); return 1
            }
        }
        do {
            // EAL.run cleans up with the body's status on every path; the group's files go
            // with the last process out, and stay while others run, for restarts.
            return try EAL.run(arguments: arguments) { eal -> Int32 in
                leaveGate?()
                do throws(SampleFailure) {
                    return try body(eal, options)
                } catch {
                    switch error {
                    case .usage(let usage): return report(usage)
                    case .failed(let message): printError(message); return 1
                    }
                }
            }
        } catch {
            // The body reports its own failures: only the EAL's start throws out of run.
            leaveGate?()
            printError(ealFailure(error as? DPDKError ?? DPDKError(code: EINVAL, attempted: "\(error)")))
            return 1
        }
    }

    /// The arguments after the first `--`: the application's own (none without `--`).
    public static func applicationArguments(_ arguments: [String]) -> [String] {
        arguments.firstIndex(of: "--").map { Array(arguments[($0 + 1)...]) } ?? []
    }
}

/// How a sample's work ends when it cannot go on.
public enum SampleFailure: Error {
    /// The command line is wrong in a way only the EAL can tell (no such port, too many
    /// queues): the error line and the usage, exit 1.
    case usage(UsageError)
    /// Anything else (a shared object missing, a port that does not start): the error line, exit 1.
    case failed(String)
}

/// The options of a sample that takes none of its own (simple_mp, as its C original): whatever
/// follows `--` is ignored.
public struct NoOptions: Sendable, Equatable {
    /// No options.
    public init() {}

    /// Accepts any arguments.
    public static func parse(_ arguments: [String]) throws(UsageError) -> NoOptions { NoOptions() }
}
