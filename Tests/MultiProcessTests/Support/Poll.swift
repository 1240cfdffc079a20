import Foundation
import Testing

/// Polls `condition` every 20 ms until it holds; fails the test with "not within N s:
/// `description`" (and `detail()`, what was last seen) and throws after `timeout` seconds.
/// Every wait of the multi-process tests goes through this or `RunningProcess`'s waits: no
/// fixed sleeps, so a test takes as long as its condition needs and a broken one says what
/// it waited for.
func poll(_ description: String, timeout: Double = 10, sourceLocation: SourceLocation = #_sourceLocation,
          detail: () -> String = { "" }, _ condition: () throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        if try condition() { return }
        guard Date() < deadline else { break }
        try await Task.sleep(for: .milliseconds(20))
    }
    let seen = detail()
    Issue.record("not within \(timeout)s: \(description)\(seen.isEmpty ? "" : "\n\(seen)")", sourceLocation: sourceLocation)
    throw RunningProcess.WaitFailed()
}
