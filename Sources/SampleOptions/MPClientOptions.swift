// mp_client's own options (client.c: parse_app_args, usage). Nothing here needs the EAL.
import ArgumentParser
import ClientServerShared
import MPCore
import SampleSupport

/// The command line as ArgumentParser reads it.
struct MPClientArguments: ParsableArguments {
    @Option(name: .customShort("n", allowingJoined: true), parsing: .unconditional)
    var clientID: Given<Int>?

    @Option(name: .customLong("fwd"), parsing: .unconditional)
    var fwd: Given<ForwardingMode>?
}

/// mp_client's options, checked.
public struct MPClientOptions: Sendable, Equatable {
    /// `-n`: which ring to read and which TX queue to use, below `ClientServer.maxClients`.
    public var clientID: Int
    /// `--fwd`: what is done to each packet before it is sent (testpmd's engines); `io` by default.
    public var fwd: ForwardingMode

    /// The C sample's usage text.
    public static func usage(program: String) -> String {
        "Usage: \(program) [EAL args] -- -n <client_id> [--fwd <mode>]\n"
            + "  --fwd: forwarding engine, as dpdk-testpmd's: \(ForwardingMode.valid) (default: io)\n"
    }

    /// Parses the arguments after `--`: `-n CLIENT_ID`, required, a decimal number below
    /// MAX_CLIENTS (unlike the C sample, which reads `-n 256` as client 0, nothing is truncated);
    /// `--fwd MODE`, optional.
    public static func parse(_ arguments: [String]) throws(UsageError) -> MPClientOptions {
        if arguments.contains(where: { $0 == "--distribution" || $0.hasPrefix("--distribution=") }) {
            throw UsageError("--distribution is mp_server's option (\(DistributionMode.valid)), not mp_client's")
        }
        let raw = try MPClientArguments.parseForSample(arguments)
        guard let given = raw.clientID else { throw UsageError("missing client id (-n <client_id>)") }
        guard let id = given.value, id >= 0 else {
            throw UsageError("invalid client id '\(given.text)': not a number")
        }
        guard id < ClientServer.maxClients else {
            throw UsageError("invalid client id '\(given.text)': must be below \(ClientServer.maxClients)")
        }
        var fwd = ForwardingMode.io
        if let given = raw.fwd {
            guard let mode = given.value else {
                throw UsageError("invalid --fwd '\(given.text)': must be one of \(ForwardingMode.valid)")
            }
            fwd = mode
        }
        return MPClientOptions(clientID: id, fwd: fwd)
    }
}
