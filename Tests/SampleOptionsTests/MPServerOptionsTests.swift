// mp_server's option parser and its checks against the EAL's ports and ops, given as lists.
import MPCore
import SampleOptions
import SampleSupport
import Testing

@Suite struct MPServerOptionsTests {
    @Test func fullCommandLine() throws {
        let o = try MPServerOptions.parse(["-p", "0x3", "-n", "4", "--distribution", "flow", "--reclaim",
                                           "--pool-ops", "ring_mp_mc", "--stall-timeout", "250"])
        #expect(o.ports == [PortID(0), PortID(1)])
        #expect(o.numClients == 4)
        #expect(o.distribution == .flow)
        #expect(o.reclaim)
        #expect(o.poolOps == "ring_mp_mc")
        #expect(o.stallTimeoutMilliseconds == 250)
    }

    @Test func defaults() throws {
        let o = try MPServerOptions.parse(["-p", "3", "-n", "2"])
        #expect(o.distribution == .roundRobin)
        #expect(!o.reclaim)
        #expect(o.poolOps == MPServerOptions.defaultPoolOps)
        #expect(o.stallTimeoutMilliseconds == 1000)
    }

    /// getopt's glued values: `-p3 -n2`.
    @Test func gluedShortOptions() throws {
        let o = try MPServerOptions.parse(["-p3", "-n2"])
        #expect(o.ports == [PortID(0), PortID(1)])
        #expect(o.numClients == 2)
    }

    static let bad: [(arguments: [String], message: String)] = [
        (["-n", "2"], "missing port mask (-p PORTMASK)"),
        (["-p", "0", "-n", "2"], "invalid port mask '0': it selects no ports"),
        (["-p", "xyz", "-n", "2"], "invalid port mask 'xyz': not a hexadecimal number"),
        (["-p", "3"], "missing number of clients (-n NUM_CLIENTS)"),
        (["-p", "3", "-n", "0"], "invalid number of clients '0': must be 1 to 16"),
        (["-p", "3", "-n", "17"], "invalid number of clients '17': must be 1 to 16"),
        (["-p", "3", "-n", "two"], "invalid number of clients 'two': must be 1 to 16"),
        (["-p", "3", "-n", "2", "--distribution", "hash"], "invalid --distribution 'hash': must be one of round-robin, flow"),
        (["-p", "3", "-n", "2", "--pool-ops", ""], "invalid --pool-ops '': give a mempool ops name"),
        (["-p", "3", "-n", "2", "--stall-timeout", "5"], "invalid --stall-timeout '5': must be 10 to 3600000 milliseconds"),
        (["-p", "3", "-n", "2", "--stall-timeout", "soon"], "invalid --stall-timeout 'soon': must be 10 to 3600000 milliseconds"),
        (["-p", "3", "-n", "2", "--fwd", "macswap"], "--fwd is mp_client's option (io, macswap, 5tswap), not mp_server's"),
        (["-p", "3", "-n", "2", "--bogus"], "Unknown option '--bogus'"),
    ]

    @Test(arguments: bad)
    func refused(_ arguments: [String], _ message: String) {
        #expect(throws: UsageError(message)) { try MPServerOptions.parse(arguments) }
    }

    @Test func portsAgainstTheEAL() throws {
        let both = [PortID(0), PortID(1)]
        try MPServerOptions.parse(["-p", "3", "-n", "2"]).checkPorts(available: both)
        #expect(throws: UsageError("invalid port mask '7': no port 2 (2 ports available)")) {
            try MPServerOptions.parse(["-p", "7", "-n", "2"]).checkPorts(available: both)
        }
        #expect(throws: UsageError("invalid port mask '1': no port 0 (0 ports available)")) {
            try MPServerOptions.parse(["-p", "1", "-n", "2"]).checkPorts(available: [])
        }
        #expect(throws: UsageError("application requires an even number of ports to use (port mask 1 selects 1)")) {
            try MPServerOptions.parse(["-p", "1", "-n", "2"]).checkPorts(available: both)
        }
    }

    @Test func poolOpsAgainstTheEAL() throws {
        let o = try MPServerOptions.parse(["-p", "3", "-n", "2", "--pool-ops", "nope"])
        #expect(throws: UsageError("unknown --pool-ops 'nope': valid names are ring_mp_mc, ring_mt_rts")) {
            try o.checkPoolOps(available: ["ring_mp_mc", "ring_mt_rts"])
        }
        try MPServerOptions.parse(["-p", "3", "-n", "2"]).checkPoolOps(available: ["ring_mt_rts"])
    }

    @Test func help() throws {
        let error = try #require(throws: UsageError.self) { try MPServerOptions.parse(["--help"]) }
        #expect(error.isHelp)
        #expect(MPServerOptions.usage(program: "mp_server").hasPrefix("mp_server [EAL options] -- -p PORTMASK -n NUM_CLIENTS"))
    }
}
