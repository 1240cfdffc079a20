import Foundation
import Testing

/// What a refused command line (or a refused start) must show, whatever its wording: one error
/// line, starting with the sample's marker (`Error:` for symmetric_mp, `ERROR:` for
/// client_server_mp), that names what was wrong (the value given, the option); the usage after
/// it. Exit status and leftovers are the caller's checks. The samples' sentences are theirs to
/// reword: tests hold them to what a user needs, not to their words.
struct Refusal: Sendable, CustomTestStringConvertible {
    /// Values the error line quotes, each as a whole token: what the user typed ("xyz", "17").
    var values: [String] = []
    /// Spellings of the option (or thing) at fault, one of which the error line names: an option
    /// token such as "-p", or words ("port mask", matched ignoring case, spaces, `-` and `_`, so
    /// that PORTMASK and port-mask match too).
    var names: [String] = []

    init(_ values: String..., naming names: [String] = []) {
        self.values = values
        self.names = names
    }

    var testDescription: String { (values.map { "'\($0)'" } + names).joined(separator: " ") }

    /// Whether `line` names what this refusal is about.
    func isNamed(in line: String) -> Bool {
        values.allSatisfy { Self.containsToken($0, in: line) }
            && (names.isEmpty || names.contains { Self.mentions($0, in: line) })
    }

    static func mentions(_ name: String, in line: String) -> Bool {
        if name.hasPrefix("-") { return containsToken(name, in: line) }
        func squeezed(_ s: String) -> String { s.lowercased().filter { !" -_".contains($0) } }
        return squeezed(line).contains(squeezed(name))
    }

    /// `token` occurs in `line` with no letter or digit right before or after it.
    static func containsToken(_ token: String, in line: String) -> Bool {
        var rest = line[...]
        while let r = rest.range(of: token) {
            let before = r.lowerBound == line.startIndex ? nil : line[line.index(before: r.lowerBound)]
            let after = r.upperBound == line.endIndex ? nil : line[r.upperBound]
            let edge = { (c: Character?) in c.map { !($0.isLetter || $0.isNumber) } ?? true }
            if edge(before) && edge(after) { return true }
            rest = line[line.index(after: r.lowerBound)...]
        }
        return false
    }
}

/// Checks that `p` printed exactly one error line (starting with `marker`, any case) and that it
/// names what `refusal` is about; with `usage`, that a usage line follows it: a line with the
/// program's name, the `--` that separates the EAL's options from the sample's, and each of
/// `usage.options`. Returns the error line.
@discardableResult
func expectRefusal(_ p: RunningProcess, marker: String, _ refusal: Refusal,
                   usage: (program: String, options: [String])? = nil,
                   sourceLocation: SourceLocation = #_sourceLocation) -> String? {
    let lines = p.lines
    let errors = lines.indices.filter { lines[$0].lowercased().hasPrefix(marker.lowercased()) }
    guard errors.count == 1, let at = errors.first else {
        Issue.record("\(p.name): expected one '\(marker)' line, got \(errors.count):\n\(p.text)", sourceLocation: sourceLocation)
        return nil
    }
    let line = lines[at]
    #expect(refusal.isNamed(in: line), "\(p.name): the error line does not name \(refusal.testDescription): \(line)",
            sourceLocation: sourceLocation)
    if let usage {
        let usageLine = lines[(at + 1)...].first { line in
            Refusal.containsToken(usage.program, in: line) && Refusal.containsToken("--", in: line)
                && usage.options.allSatisfy { Refusal.containsToken($0, in: line) }
        }
        #expect(usageLine != nil, "\(p.name): no usage naming \(usage.options) after the error line:\n\(p.text)",
                sourceLocation: sourceLocation)
    }
    return line
}
