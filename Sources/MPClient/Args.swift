// mp_client/client.c: parse_app_args and usage.
import ArgumentParser
import ClientServerShared
import MPCore

/// The raw options, as ArgumentParser reads them; checked by `clientID(from:)`.
private struct ClientArguments: ParsableArguments {
    @Option(name: .customShort("n"), help: "client id: which ring to read and which TX queue to use")
    var clientID: String?

    @Option(name: .customLong("fwd"), help: "forwarding engine: io, macswap or 5tswap")
    var fwd: String?
}

/// The validated options.
struct ClientArgs {
    /// `-n`: which ring to read and which TX queue to use.
    let clientID: Int
    /// `--fwd`: what is done to each packet before it is sent (testpmd's engines); `io` by default.
    let fwd: ForwardingMode
}

enum ClientOptions {
    /// The C sample's usage text.
    static func usage(program: String) -> String {
        "Usage: \(program) [EAL args] -- -n <client_id> [--fwd <mode>]\n"
            + "  --fwd: forwarding engine, as dpdk-testpmd's: \(ForwardingMode.valid) (default: io)\n"
    }

    /// Parses the arguments after `--`: `-n CLIENT_ID`, required, a decimal number below
    /// MAX_CLIENTS. Unlike the C sample, which reads `-n 256` as client 0, nothing is truncated.
    /// `--fwd MODE`, optional: one of `ForwardingMode`'s names.
    static func parse(_ arguments: [String]) throws(UsageError) -> ClientArgs {
        if arguments.contains(where: { $0 == "--distribution" || $0.hasPrefix("--distribution=") }) {
            throw UsageError("--distribution is mp_server's option (round-robin, flow), not mp_client's")
        }
        let raw: ClientArguments
        do {
            raw = try ClientArguments.parse(arguments)
        } catch {
            if ClientArguments.exitCode(for: error) == .success { throw UsageError("", isHelp: true) }
            let text = ClientArguments.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
            throw UsageError(text)
        }
        guard let text = raw.clientID else { throw UsageError("missing client id (-n <client_id>)") }
        guard let id = Int(text), id >= 0 else {
            throw UsageError("invalid client id '\(text)': not a number")
        }
        guard id < ClientServer.maxClients else {
            throw UsageError("invalid client id '\(text)': must be below \(ClientServer.maxClients)")
        }
        var fwd = ForwardingMode.io
        if let text = raw.fwd {
            guard let mode = ForwardingMode(rawValue: text) else {
                throw UsageError("invalid --fwd '\(text)': must be one of \(ForwardingMode.valid)")
            }
            fwd = mode
        }
        return ClientArgs(clientID: id, fwd: fwd)
    }
}
