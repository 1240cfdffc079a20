import Foundation
import Testing

extension MultiProcess {
    /// simple_mp as two real processes: the primary on lcores 0-1, the secondary on lcores 2-3
    /// mapped onto the same two CPUs (lcore IDs are unique across the group).
    @Suite struct SimpleMPTests {
        static let primaryLcores = ["-l", "0-1"]
        static let secondaryLcores = ["--lcores", "2@0,3@1", "--proc-type=secondary"]

        /// Starts a simple_mp (Swift, or C under line-buffered stdout) and waits until it is ready.
        static func start(_ binary: String, _ group: DPDKGroup, secondary: Bool, c: Bool = false) async throws -> RunningProcess {
            let args = group.eal + (secondary ? secondaryLcores : primaryLcores)
            let p = c ? try RunningProcess("/usr/bin/stdbuf", ["-oL", binary] + args, name: secondary ? "C secondary" : "C primary")
                      : try RunningProcess(binary, args, name: secondary ? "secondary" : "primary")
            try await p.waitForLine("APP: Finished Process Init.", timeout: 20)
            let lcore = secondary ? 3 : 1
            try await p.waitForLine("Starting core \(lcore)") { $0.hasSuffix("Starting core \(lcore)") }
            return p
        }

        /// Both directions between `primary` and `secondary`, then `quit` in each: exit 0.
        /// One-word messages: the C sample takes one token after `send`.
        static func exchange(primary: RunningProcess, secondary: RunningProcess) async throws {
            primary.send("send hello_from_the_primary")
            // Messages arrive while the prompt waits, so they follow it on its line, as in C.
            try await secondary.waitForLine("core 3: Received 'hello_from_the_primary'") { $0.hasSuffix("core 3: Received 'hello_from_the_primary'") }
            secondary.send("send hi_back")
            try await primary.waitForLine("core 1: Received 'hi_back'") { $0.hasSuffix("core 1: Received 'hi_back'") }
            secondary.send("quit")
            #expect(try await secondary.waitForExit() == 0)
            primary.send("quit")
            #expect(try await primary.waitForExit() == 0)
        }

        @Test func swiftPrimaryAndSwiftSecondaryExchangeBothWays() async throws {
            try await DPDKGroup.with("simple_ss") { group in
                let primary = try await Self.start(Binaries.swift("simple_mp"), group, secondary: false)
                let secondary = try await Self.start(Binaries.swift("simple_mp"), group, secondary: true)
                try await Self.exchange(primary: primary, secondary: secondary)
                // The last process out removes the group's hugepage files and runtime dir.
                #expect(group.leftovers() == [])
            }
        }

        @Test func swiftPrimaryWithCSecondary() async throws {
            let c = try #require(Binaries.c("simple_mp"), "the C sample did not build")
            try await DPDKGroup.with("simple_sc") { group in
                let primary = try await Self.start(Binaries.swift("simple_mp"), group, secondary: false)
                let secondary = try await Self.start(c, group, secondary: true, c: true)
                try await Self.exchange(primary: primary, secondary: secondary)
            }
        }

        @Test func cPrimaryWithSwiftSecondary() async throws {
            let c = try #require(Binaries.c("simple_mp"), "the C sample did not build")
            try await DPDKGroup.with("simple_cs") { group in
                let primary = try await Self.start(c, group, secondary: false, c: true)
                let secondary = try await Self.start(Binaries.swift("simple_mp"), group, secondary: true)
                try await Self.exchange(primary: primary, secondary: secondary)
            }
        }

        @Test func secondaryWithoutPrimaryFailsAtOnce() async throws {
            try await DPDKGroup.with("simple_np") { group in
                let started = Date()
                let p = try RunningProcess(Binaries.swift("simple_mp"), group.eal + Self.secondaryLcores)
                #expect(try await p.waitForExit(timeout: 10) == 1)
                #expect(Date().timeIntervalSince(started) < 5)
                // One line, the sample's "simple_mp:" first, that says a primary is what is missing.
                expectRefusal(p, marker: "simple_mp:", Refusal(naming: ["primary"]))
                #expect(group.leftovers() == [])
            }
        }

        @Test func promptCommandsReadFromAPipe() async throws {
            try await DPDKGroup.with("simple_cmd") { group in
                let p = try await Self.start(Binaries.swift("simple_mp"), group, secondary: false)
                p.send("help")
                try await p.waitForLine("send commands to the simple app. Commands supported are:")
                p.send("bogus")
                try await p.waitForLine("Command not found")
                p.send("quit now")
                try await p.waitForLine("Bad arguments")
                p.send("send")
                try await p.waitForLine("simple_mp > send")
                p.closeInput() // end of input ends the prompt like quit
                #expect(try await p.waitForExit() == 0)
                let lines = p.lines
                let help = try #require(lines.firstIndex(of: "simple_mp > help"))
                #expect(Array(lines[help...].prefix(10)) == [
                    "simple_mp > help",
                    "Simple demo example of multi-process in RTE",
                    "",
                    "This is a readline-like interface that can be used to",
                    "send commands to the simple app. Commands supported are:",
                    "",
                    "- send [string]",
                    "- help",
                    "- quit",
                    "",
                ])
                #expect(lines.filter { $0 == "Bad arguments" }.count == 2) // "quit now" and a bare "send"
                #expect(group.leftovers() == [])
            }
        }

        @Test(arguments: [SIGINT, SIGTERM])
        func signalEndsThePromptCleanly(_ signum: Int32) async throws {
            try await DPDKGroup.with("simple_sig\(signum)") { group in
                let p = try await Self.start(Binaries.swift("simple_mp"), group, secondary: false)
                p.signal(signum)
                #expect(try await p.waitForExit() == 0)
                #expect(group.leftovers() == [])
            }
        }
    }
}
