// symmetric_mp's option parser, without DPDK: what needs the EAL (ports exist, queues, pool ops)
// is checked by the sample and covered by MultiProcessTests.
import MPCore
import SampleOptions
import SampleSupport
import Testing

@Suite struct SymmetricMPOptionsTests {
    @Test func fullCommandLine() throws {
        let o = try SymmetricMPOptions.parse(["-p", "0x3", "--num-procs", "2", "--proc-id", "1",
                                              "--stats-period", "0.5", "--fwd", "5tswap", "--pool-ops", "ring_mp_mc"])
        #expect(o.portMask.bits == 3)
        #expect(o.portMask.ports == [PortID(0), PortID(1)])
        #expect(o.numProcs == 2)
        #expect(o.procID == 1)
        #expect(o.statsPeriod == 0.5)
        #expect(o.fwd == .fiveTupleSwap)
        #expect(o.poolOps == "ring_mp_mc")
    }

    @Test func defaults() throws {
        let o = try SymmetricMPOptions.parse(["-p", "3", "--proc-id", "0"])
        #expect(o.numProcs == nil) // a secondary may omit it; the sample requires it of a primary
        #expect(o.statsPeriod == nil)
        #expect(o.fwd == .io)
        #expect(o.poolOps == nil)
    }

    /// getopt's `-p3`, and `-p 3` written either way, are the same mask.
    @Test(arguments: [["-p3"], ["-p", "3"], ["-p0x3"], ["-pf"]])
    func portMaskSpellings(_ mask: [String]) throws {
        let o = try SymmetricMPOptions.parse(mask + ["--num-procs", "1", "--proc-id", "0"])
        #expect(o.portMask.bits == (mask.joined() == "-pf" ? 0xf : 3))
    }

    @Test func procIDMayBeNegativeLookingText() {
        // Taken as the option's value (not as an option), then refused as a bad id.
        #expect(throws: UsageError("Invalid proc-id parameter '-1': not a queue number")) {
            try SymmetricMPOptions.parse(["-p", "3", "--num-procs", "1", "--proc-id", "-1"])
        }
    }

    static let bad: [(arguments: [String], message: String)] = [
        (["-p", "3", "--num-procs", "1"], "Invalid or missing proc-id parameter"),
        (["-p", "3", "--num-procs", "1", "--proc-id", "one"], "Invalid proc-id parameter 'one': not a queue number"),
        (["-p", "3", "--num-procs", "1", "--proc-id", "65536"], "Invalid proc-id parameter '65536': not a queue number"),
        (["-p", "3", "--num-procs", "0", "--proc-id", "0"], "Invalid num-procs parameter '0': must be a number from 1 to 65535"),
        (["-p", "3", "--num-procs", "x", "--proc-id", "0"], "Invalid num-procs parameter 'x': must be a number from 1 to 65535"),
        (["-p", "3", "--num-procs", "2", "--proc-id", "2"], "proc-id 2 must be below num-procs 2"),
        (["--num-procs", "1", "--proc-id", "0"], "Invalid or missing port mask"),
        (["-p", "0", "--num-procs", "1", "--proc-id", "0"], "Invalid or missing port mask"),
        (["-p", "xyz", "--num-procs", "1", "--proc-id", "0"], "Invalid port mask 'xyz': not a hexadecimal number"),
        (["-p", "-3", "--num-procs", "1", "--proc-id", "0"], "Invalid port mask '-3': not a hexadecimal number"),
        (["-p", "0x", "--num-procs", "1", "--proc-id", "0"], "Invalid port mask '0x': not a hexadecimal number"),
        (["-p", "3", "--num-procs", "1", "--proc-id", "0", "--stats-period", "often"],
         "Invalid stats-period 'often': must be a positive number of seconds, at most 86400"),
        (["-p", "3", "--num-procs", "1", "--proc-id", "0", "--stats-period", "0"],
         "Invalid stats-period '0': must be a positive number of seconds, at most 86400"),
        (["-p", "3", "--num-procs", "1", "--proc-id", "0", "--stats-period", "1e10"],
         "Invalid stats-period '1e10': must be a positive number of seconds, at most 86400"),
        (["-p", "3", "--num-procs", "1", "--proc-id", "0", "--fwd", "mac"], "Invalid --fwd 'mac': must be one of io, macswap, 5tswap"),
        (["-p", "3", "--num-procs", "1", "--proc-id", "0", "--bogus"], "Unknown option '--bogus'"),
        (["-p", "3", "--num-procs", "1", "--proc-id"], "Missing value for '--proc-id <proc-id>'"),
    ]

    @Test(arguments: bad)
    func refused(_ arguments: [String], _ message: String) {
        #expect(throws: UsageError(message)) { try SymmetricMPOptions.parse(arguments) }
    }

    @Test(arguments: [["--help"], ["-h"], ["-p", "3", "--help"]])
    func help(_ arguments: [String]) throws {
        let error = try #require(throws: UsageError.self) { try SymmetricMPOptions.parse(arguments) }
        #expect(error.isHelp)
    }

    @Test func usageNamesEveryOption() {
        let usage = SymmetricMPOptions.usage(program: "symmetric_mp")
        #expect(usage.contains("symmetric_mp [EAL options] -- -p <port mask> --num-procs <n> --proc-id <id>"))
        for option in ["-p ", "--num-procs", "--proc-id", "--stats-period", "--pool-ops", "--fwd"] {
            #expect(usage.contains("\n" + option), "\(option)")
        }
    }
}
