/// A command line a program refuses: `message` is one line naming the problem, which the
/// program prints before its usage text. `isHelp` marks `-h`/`--help`: not a mistake, so the
/// usage goes to stdout and the exit status is 0.
public struct UsageError: Error, Sendable {
    /// One line naming the problem: "invalid portmask 'x'".
    public let message: String
    /// True for `-h`/`--help`: print the usage to stdout and exit 0.
    public var isHelp: Bool

    /// A refusal with `message`, or a help request when `isHelp` is true.
    public init(_ message: String, isHelp: Bool = false) {
        self.message = message
        self.isHelp = isHelp
    }
}
