/// A command line a program refuses: `message` is one line naming the problem, which the
/// program prints before its usage text. `isHelp` marks `-h`/`--help`: not a mistake, so the
/// usage goes to stdout and the exit status is 0.
public struct UsageError: Error, Sendable, Equatable {
    public let message: String
    public var isHelp: Bool

    public init(_ message: String, isHelp: Bool = false) {
        self.message = message
        self.isHelp = isHelp
    }
}
