import MPCore
import Testing

/// Checks that `body` throws a `DPDKError` of `code` (a named errno constant, never a number;
/// nil where DPDK documents no particular one) whose sentence names each of `names` (the object,
/// the port, the lcore) as a whole word: what a user needs from it, not its wording, which is
/// MPCore's to change.
func expectDPDKError(_ code: Int32?, naming names: String..., sourceLocation: SourceLocation = #_sourceLocation,
                     _ body: () throws -> Void) {
    let error = #expect(throws: DPDKError.self, sourceLocation: sourceLocation) { try body() }
    guard let error else { return }
    if let code { #expect(error.code == code, "\(error): code \(error.code), expected \(code)", sourceLocation: sourceLocation) }
    let words = "\(error)".split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init)
    for name in names {
        #expect(words.contains(name), "'\(error)' does not name \(name)", sourceLocation: sourceLocation)
    }
}
