// mp_server/args.c: the application's own options, after the EAL's and `--`.
import ArgumentParser
import ClientServerShared
import MPCore

/// What the command line asks of the server.
struct ServerOptions {
    /// The ports to use (`-p PORTMASK`), ascending; an even number, all present.
    var ports: [PortID]
    /// Client processes to serve (`-n NUM_CLIENTS`), 1 ... MAX_CLIENTS.
    var numClients: Int
    /// How packets are spread over the clients (`--distribution`), round-robin by default.
    var distribution: DistributionMode = .roundRobin
    /// `--reclaim`: registered clients hand every packet back, so that a client killed at any
    /// instant loses nothing; it costs them speed (they write every mbuf), so it is off by default.
    var reclaim = false
    /// The mbuf pool's mempool ops (`--pool-ops NAME`), checked against the EAL's list.
    var poolOps: String = ServerOptions.defaultPoolOps
    /// How long a registered client's heartbeat may stand still before it counts as stalled
    /// (`--stall-timeout MS`).
    var stallTimeoutMilliseconds: Int = 1000

    /// `ring_mt_rts`: DPDK's ring with relaxed tail sync, which a preempted user does not block
    /// for long (see docs/reliability.md for the measurements behind the choice).
    static let defaultPoolOps = "ring_mt_rts"
}

/// The raw options, as ArgumentParser reads them; checked by `ServerOptions.parse`.
private struct ServerArguments: ParsableArguments {
    @Option(name: .customShort("p"), help: "hexadecimal bitmask of ports to use")
    var portmask: String?

    @Option(name: .customShort("n"), help: "number of client processes to use")
    var numClients: String?

    @Option(name: .customLong("pool-ops"), help: "mempool ops of the mbuf pool")
    var poolOps: String?

    @Option(name: .customLong("stall-timeout"), help: "milliseconds without a heartbeat before a client counts as stalled")
    var stallTimeout: String?

    @Option(name: .customLong("distribution"), help: "round-robin or flow")
    var distribution: String?

    @Flag(name: .customLong("reclaim"), help: "clients hand every packet back: nothing lost when one dies")
    var reclaim = false
}

extension ServerOptions {
    /// The C sample's usage text (`usage()` in args.c), less its `[-s NUM_SOCKETS]`, an option it never accepted.
    static func usage(program: String) -> String {
        """
        \(program) [EAL options] -- -p PORTMASK -n NUM_CLIENTS [--distribution MODE] [--reclaim] [--pool-ops NAME] [--stall-timeout MS]
         -p PORTMASK: hexadecimal bitmask of ports to use
         -n NUM_CLIENTS: number of client processes to use
         --pool-ops NAME: mempool ops of the mbuf pool (default \(ServerOptions.defaultPoolOps))
         --stall-timeout MS: a registered client whose heartbeat stops this long gets no packets (default 1000)
         --reclaim: registered clients hand every packet back, so that a client killed at any instant
           loses nothing (slower clients: see docs/reliability.md)
         --distribution MODE: \(DistributionMode.valid) (default: round-robin): packet by packet, or
           by a symmetric flow hash that keeps both directions of a connection on one client
        """
    }

    /// Parses the arguments after `--` (`parse_app_args`). Unlike the C sample, a mask that names
    /// a port that does not exist is an error, not a warning, and a client count above
    /// MAX_CLIENTS is refused rather than truncated to 8 bits.
    /// - Parameter available: the ports the EAL found (`RTE_ETH_FOREACH_DEV`); nil before the
    ///   EAL is initialised, to check everything but the ports' existence and count.
    static func parse(_ arguments: [String], available: [PortID]?) throws(UsageError) -> ServerOptions {
        if arguments.contains(where: { $0 == "--fwd" || $0.hasPrefix("--fwd=") }) {
            throw UsageError("--fwd is mp_client's option (\(ForwardingMode.valid)), not mp_server's")
        }
        let raw: ServerArguments
        do {
            raw = try ServerArguments.parse(arguments)
        } catch {
            if ServerArguments.exitCode(for: error) == .success { throw UsageError("", isHelp: true) }
            let text = ServerArguments.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
            throw UsageError(text)
        }
        guard let mask = raw.portmask else { throw UsageError("missing port mask (-p PORTMASK)") }
        let ports = try parsePortmask(mask, available: available)
        guard let clients = raw.numClients else { throw UsageError("missing number of clients (-n NUM_CLIENTS)") }
        let numClients = try parseNumClients(clients)
        guard available == nil || ports.count % 2 == 0 else {
            throw UsageError("application requires an even number of ports to use (port mask \(mask) selects \(ports.count))")
        }
        var options = ServerOptions(ports: ports, numClients: numClients)
        options.reclaim = raw.reclaim
        if let text = raw.distribution {
            guard let mode = DistributionMode(rawValue: text) else {
                throw UsageError("invalid --distribution '\(text)': must be one of \(DistributionMode.valid)")
            }
            options.distribution = mode
        }
        if let ops = raw.poolOps {
            guard !ops.isEmpty else { throw UsageError("invalid --pool-ops '': give a mempool ops name") }
            options.poolOps = ops
        }
        if let text = raw.stallTimeout {
            guard let ms = Int(text), ms >= 10, ms <= 3_600_000 else {
                throw UsageError("invalid --stall-timeout '\(text)': must be 10 to 3600000 milliseconds")
            }
            options.stallTimeoutMilliseconds = ms
        }
        return options
    }

    /// `--pool-ops` against the ops this process's EAL registered.
    static func checkPoolOps(_ name: String, available: [String]) throws(UsageError) {
        guard available.contains(name) else {
            throw UsageError("unknown --pool-ops '\(name)': valid names are \(available.joined(separator: ", "))")
        }
    }

    /// `parse_portmask`: a hexadecimal mask (optional 0x), non-zero, naming only present ports.
    static func parsePortmask(_ text: String, available: [PortID]?) throws(UsageError) -> [PortID] {
        var digits = Substring(text)
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") { digits = digits.dropFirst(2) }
        guard !digits.isEmpty, let mask = UInt64(digits, radix: 16) else {
            throw UsageError("invalid port mask '\(text)': not a hexadecimal number")
        }
        guard mask != 0 else { throw UsageError("invalid port mask '\(text)': it selects no ports") }
        var ports: [PortID] = []
        var missing: [Int] = []
        for bit in 0..<64 where mask & (1 << UInt64(bit)) != 0 {
            if let available, !available.contains(PortID(UInt16(bit))) {
                missing.append(bit)
            } else {
                ports.append(PortID(UInt16(bit)))
            }
        }
        guard missing.isEmpty else {
            let names = missing.map(String.init).joined(separator: ", ")
            throw UsageError("invalid port mask '\(text)': no port \(names) (\(available?.count ?? 0) ports available)")
        }
        return ports
    }

    /// `parse_num_clients`: a decimal number, 1 ... MAX_CLIENTS.
    static func parseNumClients(_ text: String) throws(UsageError) -> Int {
        guard let n = Int(text), n >= 1, n <= ClientServer.maxClients else {
            throw UsageError("invalid number of clients '\(text)': must be 1 to \(ClientServer.maxClients)")
        }
        return n
    }
}
