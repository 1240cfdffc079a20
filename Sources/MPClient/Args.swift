// mp_client/client.c: parse_app_args and usage.
import ArgumentParser
import ClientServerShared
import MPCore

/// The raw options, as ArgumentParser reads them; checked by `clientID(from:)`.
private struct ClientArguments: ParsableArguments {
    @Option(name: .customShort("n"), help: "client id: which ring to read and which TX queue to use")
    var clientID: String?
}

enum ClientOptions {
    /// The C sample's usage text.
    static func usage(program: String) -> String {
        "Usage: \(program) [EAL args] -- -n <client_id>\n"
    }

    /// Parses the arguments after `--`: `-n CLIENT_ID`, required, a decimal number below
    /// MAX_CLIENTS. Unlike the C sample, which reads `-n 256` as client 0, nothing is truncated.
    static func clientID(from arguments: [String]) throws(UsageError) -> Int {
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
        return id
    }
}
