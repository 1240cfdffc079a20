// mp_client's option parser.
import MPCore
import SampleOptions
import SampleSupport
import Testing

@Suite struct MPClientOptionsTests {
    @Test(arguments: [(["-n", "3"], 3), (["-n3"], 3), (["-n", "0"], 0), (["-n", "15"], 15)])
    func clientID(_ arguments: [String], _ id: Int) throws {
        let o = try MPClientOptions.parse(arguments)
        #expect(o.clientID == id)
        #expect(o.fwd == .io)
    }

    @Test(arguments: [("io", ForwardingMode.io), ("macswap", .macswap), ("5tswap", .fiveTupleSwap)])
    func engines(_ name: String, _ mode: ForwardingMode) throws {
        #expect(try MPClientOptions.parse(["-n", "1", "--fwd", name]).fwd == mode)
    }

    static let bad: [(arguments: [String], message: String)] = [
        ([], "missing client id (-n <client_id>)"),
        (["-n", "abc"], "invalid client id 'abc': not a number"),
        (["-n", "-1"], "invalid client id '-1': not a number"),
        (["-n", "16"], "invalid client id '16': must be below 16"),
        (["-n", "256"], "invalid client id '256': must be below 16"),
        (["-n", "0", "--fwd", "5tuple"], "invalid --fwd '5tuple': must be one of io, macswap, 5tswap"),
        (["-n", "0", "--distribution", "flow"], "--distribution is mp_server's option (round-robin, flow), not mp_client's"),
        (["-n", "0", "-p", "3"], "Unknown option '-p'"),
    ]

    @Test(arguments: bad)
    func refused(_ arguments: [String], _ message: String) {
        #expect(throws: UsageError(message)) { try MPClientOptions.parse(arguments) }
    }

    @Test func help() throws {
        let error = try #require(throws: UsageError.self) { try MPClientOptions.parse(["-h"]) }
        #expect(error.isHelp)
        #expect(MPClientOptions.usage(program: "mp_client").hasPrefix("Usage: mp_client [EAL args] -- -n <client_id> [--fwd <mode>]"))
    }
}
