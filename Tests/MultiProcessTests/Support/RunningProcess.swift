import Foundation
import Testing

/// A process under test: stdin to write to, stdout and stderr merged into one transcript that
/// the test waits on line by line, with a deadline on every wait so that nothing hangs.
final class RunningProcess: @unchecked Sendable {
    let name: String
    private let process = Process()
    private let stdin = Pipe()
    private let output = Pipe()
    private let lock = NSLock()
    private var transcript = ""
    /// Set when the output pipe reached end of file: every writer (the process, and anything
    /// that inherited its output) has closed it, so the transcript is complete.
    private var outputEnded = false

    /// Starts `executable` with `arguments`.
    init(_ executable: String, _ arguments: [String], name: String? = nil) throws {
        self.name = name ?? URL(fileURLWithPath: executable).lastPathComponent
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = stdin
        process.standardOutput = output
        process.standardError = output
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            if data.isEmpty { // end of file
                handle.readabilityHandler = nil
                self.lock.withLock { self.outputEnded = true }
                return
            }
            self.lock.withLock { self.transcript += String(decoding: data, as: UTF8.self) }
        }
        // Children inherit the spawning thread's signal mask, and the threads tests run on
        // block nearly every signal: unblock SIGINT and SIGTERM around the spawn, so that a
        // program that only calls signal() (the C samples) can be interrupted like from a shell.
        var stop = sigset_t(), old = sigset_t()
        sigemptyset(&stop)
        sigaddset(&stop, SIGINT)
        sigaddset(&stop, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &stop, &old)
        defer { pthread_sigmask(SIG_SETMASK, &old, nil) }
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        output.fileHandleForReading.readabilityHandler = nil
    }

    var pid: pid_t { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// Everything the process printed so far.
    var text: String { lock.withLock { transcript } }
    /// The transcript's lines, trimmed of trailing white space.
    var lines: [String] { text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: .whitespaces) } }

    /// Writes `line` and a newline to the process's stdin.
    func send(_ line: String) {
        try? stdin.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8))
    }

    /// Closes stdin: end of input.
    func closeInput() { try? stdin.fileHandleForWriting.close() }

    func signal(_ signum: Int32) { kill(process.processIdentifier, signum) }

    /// Waits until some line satisfies `predicate`, and returns it.
    /// Fails the test (with the transcript) and throws after `timeout` seconds, or as soon as
    /// the process has exited and its whole output was read without such a line.
    @discardableResult
    func waitForLine(_ description: String, timeout: Double = 10, sourceLocation: SourceLocation = #_sourceLocation,
                     where predicate: (String) -> Bool) async throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            // Read the end-of-output mark first: lines read after it are all there will be.
            let ended = !process.isRunning && lock.withLock({ outputEnded })
            if let line = lines.first(where: predicate) { return line }
            if ended { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("\(name): no line \(description) within \(timeout)s; exited: \(!process.isRunning). Output:\n\(text)",
                     sourceLocation: sourceLocation)
        throw WaitFailed()
    }

    /// Waits for a line equal to `line`.
    @discardableResult
    func waitForLine(_ line: String, timeout: Double = 10, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        try await waitForLine("'\(line)'", timeout: timeout, sourceLocation: sourceLocation) { $0 == line }
    }

    /// Waits for the process to exit and returns its status; kills it and throws after `timeout`.
    func waitForExit(timeout: Double = 10, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            Issue.record("\(name): still running after \(timeout)s. Output:\n\(text)", sourceLocation: sourceLocation)
            throw WaitFailed()
        }
        // The transcript is complete once the pipe reached end of file, moments after the exit.
        // A child spawned by this test process at the same instant can inherit the pipe's write
        // end for a while (seen about once in 150 runs on a loaded machine): after 2 s go on with
        // what was read, which holds everything the exited process wrote; the checks of its
        // content decide.
        let drained = Date().addingTimeInterval(2)
        while !lock.withLock({ outputEnded }) && Date() < drained {
            try await Task.sleep(for: .milliseconds(5))
        }
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }

    struct WaitFailed: Error {}
}
