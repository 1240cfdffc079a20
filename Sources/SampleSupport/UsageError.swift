/// A command line a program refuses: `message` is one line naming the problem, which the
/// program prints before its usage text. `isHelp` marks `-h`/`--help`: not a mistake, so the
/// usage goes to stdout and the exit status is 0.
public struct UsageError: Error, Sendable, Equatable {
    /// One sentence naming the problem and the option ("Invalid proc-id parameter 'one': ...").
    public let message: String
    /// Whether this is `-h`/`--help` rather than a mistake.
    public var isHelp: Bool

    /// A refusal with `message`, or with `isHelp`, a request for the usage.
    public init(_ message: String, isHelp: Bool = false) {
        self.message = message
        self.isHelp = isHelp
    }
}
