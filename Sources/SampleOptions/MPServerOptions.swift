// mp_server's own options (args.c: parse_app_args, usage), as far as they can be checked
// without the EAL; `checkPorts(available:)` and `checkPoolOps(available:)` finish the job once
// it is up.
import ArgumentParser
import ClientServerShared
import MPCore
import SampleSupport

/// How mp_server spreads packets over its clients (`--distribution`).
public enum DistributionMode: String, CaseIterable, Sendable, OptionValue {
    /// Packet by packet, over the live clients in turn (the C sample's way).
    case roundRobin = "round-robin"
    /// By a symmetric flow hash: both directions of a connection go to one client.
    case flow

    /// The valid values as the usage lists them.
    public static var valid: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// `round-robin` or `flow`.
    public init?(optionText: String) { self.init(rawValue: optionText) }
}

/// The command line as ArgumentParser reads it.
struct MPServerArguments: ParsableArguments {
    @Option(name: .customShort("p", allowingJoined: true), parsing: .unconditional)
    var portMask: PortMask?

    @Option(name: .customShort("n", allowingJoined: true), parsing: .unconditional)
    var numClients: Given<Int>?

    @Option(name: .customLong("pool-ops"), parsing: .unconditional)
    var poolOps: String?

    @Option(name: .customLong("stall-timeout"), parsing: .unconditional)
    var stallTimeout: Given<Int>?

    @Option(name: .customLong("distribution"), parsing: .unconditional)
    var distribution: Given<DistributionMode>?

    @Flag(name: .customLong("reclaim"))
    var reclaim = false
}

/// mp_server's options, checked.
public struct MPServerOptions: Sendable, Equatable {
    /// `-p PORTMASK`: non-zero; that its ports exist and pair up is `checkPorts(available:)`'s.
    public var portMask: PortMask
    /// Client processes to serve (`-n NUM_CLIENTS`), 1 ... MAX_CLIENTS.
    public var numClients: Int
    /// How packets are spread over the clients (`--distribution`), round-robin by default.
    public var distribution: DistributionMode = .roundRobin
    /// `--reclaim`: registered clients hand every packet back, so that a client killed at any
    /// instant loses nothing; it costs them speed (they write every mbuf), so it is off by default.
    public var reclaim = false
    /// The mbuf pool's mempool ops (`--pool-ops NAME`), checked against the EAL's list.
    public var poolOps: String = MPServerOptions.defaultPoolOps
    /// How long a registered client's heartbeat may stand still before it counts as stalled
    /// (`--stall-timeout MS`), 10 ... 3600000.
    public var stallTimeoutMilliseconds: Int = 1000

    /// The ports `-p` selects, ascending.
    public var ports: [PortID] { portMask.ports }

    /// `ring_mt_rts`: DPDK's ring with relaxed tail sync, which a preempted user does not block
    /// for long (see docs/reliability.md for the measurements behind the choice).
    public static let defaultPoolOps = "ring_mt_rts"

    /// The C sample's usage text (`usage()` in args.c), less its `[-s NUM_SOCKETS]`, an option it never accepted.
    public static func usage(program: String) -> String {
        """
        \(program) [EAL options] -- -p PORTMASK -n NUM_CLIENTS [--distribution MODE] [--reclaim] [--pool-ops NAME] [--stall-timeout MS]
         -p PORTMASK: hexadecimal bitmask of ports to use
         -n NUM_CLIENTS: number of client processes to use
         --pool-ops NAME: mempool ops of the mbuf pool (default \(defaultPoolOps))
         --stall-timeout MS: a registered client whose heartbeat stops this long gets no packets (default 1000)
         --reclaim: registered clients hand every packet back, so that a client killed at any instant
           loses nothing (slower clients: see docs/reliability.md)
         --distribution MODE: \(DistributionMode.valid) (default: round-robin): packet by packet, or
           by a symmetric flow hash that keeps both directions of a connection on one client
        """
    }

    /// Parses the arguments after `--` (`parse_app_args`). Unlike the C sample, a client count
    /// above MAX_CLIENTS is refused rather than truncated to 8 bits.
    public static func parse(_ arguments: [String]) throws(UsageError) -> MPServerOptions {
        if arguments.contains(where: { $0 == "--fwd" || $0.hasPrefix("--fwd=") }) {
            throw UsageError("--fwd is mp_client's option (\(ForwardingMode.valid)), not mp_server's")
        }
        let raw = try MPServerArguments.parseForSample(arguments)
        guard let mask = raw.portMask else { throw UsageError("missing port mask (-p PORTMASK)") }
        guard let bits = mask.bits else { throw UsageError("invalid port mask '\(mask.text)': not a hexadecimal number") }
        guard bits != 0 else { throw UsageError("invalid port mask '\(mask.text)': it selects no ports") }
        guard let clients = raw.numClients else { throw UsageError("missing number of clients (-n NUM_CLIENTS)") }
        guard let numClients = clients.value, numClients >= 1, numClients <= ClientServer.maxClients else {
            throw UsageError("invalid number of clients '\(clients.text)': must be 1 to \(ClientServer.maxClients)")
        }
        var options = MPServerOptions(portMask: mask, numClients: numClients)
        options.reclaim = raw.reclaim
        if let given = raw.distribution {
            guard let mode = given.value else {
                throw UsageError("invalid --distribution '\(given.text)': must be one of \(DistributionMode.valid)")
            }
            options.distribution = mode
        }
        if let ops = raw.poolOps {
            guard !ops.isEmpty else { throw UsageError("invalid --pool-ops '': give a mempool ops name") }
            options.poolOps = ops
        }
        if let given = raw.stallTimeout {
            guard let ms = given.value, ms >= 10, ms <= 3_600_000 else {
                throw UsageError("invalid --stall-timeout '\(given.text)': must be 10 to 3600000 milliseconds")
            }
            options.stallTimeoutMilliseconds = ms
        }
        return options
    }

    /// The port mask against the ports the EAL found (`RTE_ETH_FOREACH_DEV`): every selected port
    /// must exist (the C sample only warns), and they must pair up.
    public func checkPorts(available: [PortID]) throws(UsageError) {
        let missing = ports.filter { !available.contains($0) }
        guard missing.isEmpty else {
            let names = missing.map { String($0.rawValue) }.joined(separator: ", ")
            throw UsageError("invalid port mask '\(portMask.text)': no port \(names) (\(available.count) ports available)")
        }
        guard ports.count % 2 == 0 else {
            throw UsageError("application requires an even number of ports to use (port mask \(portMask.text) selects \(ports.count))")
        }
    }

    /// `--pool-ops` against the ops this process's EAL registered.
    public func checkPoolOps(available: [String]) throws(UsageError) {
        guard available.contains(poolOps) else {
            throw UsageError("unknown --pool-ops '\(poolOps)': valid names are \(available.joined(separator: ", "))")
        }
    }
}
