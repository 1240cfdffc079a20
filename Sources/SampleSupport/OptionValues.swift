import ArgumentParser
import MPCore

/// A value the samples' options take, read from its text: nil when the text is not one.
public protocol OptionValue: Sendable {
    init?(optionText: String)
}

extension Int: OptionValue {
    /// A decimal number (`Int("12")`), as `strtol` with a check that all of it was read.
    public init?(optionText: String) { self.init(optionText) }
}

extension Double: OptionValue {
    /// A decimal or exponent number (`Double("0.5")`, `Double("1e3")`).
    public init?(optionText: String) { self.init(optionText) }
}

extension String: OptionValue {
    /// Any text.
    public init?(optionText: String) { self = optionText }
}

extension ForwardingMode: OptionValue {
    /// `io`, `macswap` or `5tswap`.
    public init?(optionText: String) { self.init(rawValue: optionText) }
}

/// An option's value as typed on the command line and as read.
///
/// ArgumentParser accepts any text for it, so that the sample, not ArgumentParser, words the
/// error: each sample's messages quote the text and say what is wrong with it, as its C original
/// does ("Invalid proc-id parameter 'one'"). `value` is nil when the text is not a `Value`.
public struct Given<Value: OptionValue>: ExpressibleByArgument, Sendable {
    /// The text as given.
    public let text: String
    /// The text read as a `Value`; nil when it is not one.
    public let value: Value?

    /// Keeps `argument` and reads it as a `Value`. Never fails: the sample words the error.
    public init(argument: String) {
        text = argument
        value = Value(optionText: argument)
    }
}

/// A hexadecimal port mask (`-p 3`, `-p 0x3`), as the C samples' `parse_portmask` reads it:
/// bit N selects port N.
public struct PortMask: ExpressibleByArgument, Sendable, Equatable {
    /// The text as given, for messages.
    public let text: String
    /// The mask; nil when the text is not a hexadecimal number.
    public let bits: UInt64?

    /// Reads `argument`: hexadecimal digits, optionally after `0x` or `0X`, at most 64 bits.
    /// Never fails: a text that is not a mask has `bits == nil`, for the sample to word the error.
    public init(argument: String) {
        text = argument
        var digits = Substring(argument)
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
        // Digits only: UInt64(_:radix:) would also take a sign.
        bits = !digits.isEmpty && digits.allSatisfy(\.isHexDigit) ? UInt64(digits, radix: 16) : nil
    }

    /// The ports the mask selects, in ascending id order (empty when it is not a number).
    public var ports: [PortID] {
        guard let bits else { return [] }
        return (0..<64).filter { bits & (1 << UInt64($0)) != 0 }.map { PortID(UInt16($0)) }
    }
}

extension ParsableArguments {
    /// Parses `arguments` (the program name excluded) with ArgumentParser.
    /// - Throws: `UsageError` with the first line of ArgumentParser's message ("Unknown option
    ///   '--bogus'"), or marked `isHelp` for `-h`/`--help`.
    public static func parseForSample(_ arguments: [String]) throws(UsageError) -> Self {
        do {
            return try parse(arguments)
        } catch {
            if exitCode(for: error) == .success { throw UsageError("", isHelp: true) }
            let message = message(for: error)
            throw UsageError(message.split(separator: "\n").first.map(String.init) ?? "invalid arguments")
        }
    }
}
