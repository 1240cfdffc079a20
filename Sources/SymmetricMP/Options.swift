import ArgumentParser
import MPCore

/// The application's own options, those after `--` (C: `smp_parse_args`).
///
/// Values are read as text and checked in `Options.parse`, so that every mistake gets a sentence
/// naming it rather than ArgumentParser's generic wording. Values are taken unconditionally, so
/// `--proc-id -1` is refused as a bad ID, not as a missing one.
struct RawOptions: ParsableArguments {
    @Option(name: .customShort("p"), parsing: .unconditional, help: "a hex bitmask indicating what ports are to be used")
    var portMask: String?

    @Option(name: .customLong("num-procs"), parsing: .unconditional, help: "the number of processes which will be used")
    var numProcs: String?

    @Option(name: .customLong("proc-id"), parsing: .unconditional, help: "the id of the current process (id < num-procs)")
    var procID: String?

    @Option(name: .customLong("stats-period"), parsing: .unconditional, help: "print per-port packet rates every SECONDS")
    var statsPeriod: String?

    @Option(name: .customLong("pool-ops"), parsing: .unconditional, help: "mempool ops of the mbuf pool (primary)")
    var poolOps: String?

    @Option(name: .customLong("fwd"), parsing: .unconditional, help: "forwarding engine: io, macswap or 5tswap")
    var fwd: String?
}

/// The validated options.
struct Options {
    /// The selected ports in id order; forwarding pairs are `ports[2k]` and `ports[2k + 1]`.
    let ports: [EthPort]
    /// `--num-procs`, or, in a secondary that omitted it, the queue count the primary configured.
    let numProcs: Int
    /// `--proc-id`: the queue this process polls and sends on, on every port.
    let procID: Int
    /// `--stats-period` in seconds; nil when off.
    let statsPeriod: Double?
    /// `--pool-ops`: the mbuf pool's mempool ops, which the primary creates it with.
    let poolOps: String

    /// `--fwd`: what is done to each packet before it is sent (testpmd's engines); `io` by default.
    let fwd: ForwardingMode

    /// `ring_mt_rts`, as mp_server's default (see docs/reliability.md).
    static let defaultPoolOps = "ring_mt_rts"

    /// The usage text, in the C sample's words (`smp_usage`).
    static func usage(program: String) -> String {
        """

        \(program) [EAL options] -- -p <port mask> --num-procs <n> --proc-id <id> [--stats-period <seconds>] [--fwd <mode>] [--pool-ops <name>]
        -p            : a hex bitmask indicating what ports are to be used
        --num-procs   : the number of processes which will be used
        --proc-id     : the id of the current process (id < num-procs)
        --stats-period: print per-port packet rates every <seconds> (default: off)
        --pool-ops    : mempool ops of the mbuf pool, primary only (default: \(defaultPoolOps))
        --fwd         : forwarding engine, as dpdk-testpmd's: \(ForwardingMode.valid) (default: io)

        """
    }

    /// Parses and checks the arguments after `--` (program name excluded) against the ports the
    /// EAL found. A primary checks `--num-procs` against the devices' queue limits; a secondary
    /// checks `--proc-id` against the queues the primary configured.
    static func parse(_ arguments: [String], role: ProcessRole) throws(UsageError) -> Options {
        let raw: RawOptions
        do {
            raw = try RawOptions.parse(splittingAttachedValues(arguments))
        } catch {
            // ArgumentParser may add lines ("or: ..."); the first names the problem.
            let message = RawOptions.message(for: error)
            var usage = UsageError(String(message.split(separator: "\n").first ?? Substring(message)))
            usage.isHelp = RawOptions.exitCode(for: error) == .success
            throw usage
        }

        // proc-id first, then num-procs, then the port mask: the C sample's order.
        guard let procText = raw.procID else { throw UsageError("Invalid or missing proc-id parameter") }
        guard let procID = Int(procText), procID >= 0, procID <= Int(UInt16.max) else {
            throw UsageError("Invalid proc-id parameter '\(procText)': not a queue number")
        }
        var numProcs: Int?
        if let text = raw.numProcs {
            guard let n = Int(text), n > 0, n <= Int(UInt16.max) else {
                throw UsageError("Invalid num-procs parameter '\(text)': must be a number from 1 to 65535")
            }
            guard procID < n else {
                throw UsageError("proc-id \(procID) must be below num-procs \(n)")
            }
            numProcs = n
        } else if role == .primary {
            throw UsageError("Invalid or missing num-procs parameter")
        }

        let ports = try selectedPorts(raw.portMask)

        var statsPeriod: Double?
        if let text = raw.statsPeriod {
            // A day at most: the period becomes a count of TSC cycles, which must fit 64 bits.
            guard let s = Double(text), s > 0, s <= 86_400 else {
                throw UsageError("Invalid stats-period '\(text)': must be a positive number of seconds, at most 86400")
            }
            statsPeriod = s
        }

        let available = Mempool.availableOps
        if let ops = raw.poolOps, !available.contains(ops) {
            throw UsageError("Unknown pool-ops '\(ops)': valid names are \(available.joined(separator: ", "))")
        }

        var fwd = ForwardingMode.io
        if let text = raw.fwd {
            guard let mode = ForwardingMode(rawValue: text) else {
                throw UsageError("Invalid --fwd '\(text)': must be one of \(ForwardingMode.valid)")
            }
            fwd = mode
        }

        let queues = try checkQueues(ports: ports, numProcs: numProcs, procID: procID, role: role)
        return Options(ports: ports, numProcs: queues, procID: procID, statsPeriod: statsPeriod,
                       poolOps: raw.poolOps ?? defaultPoolOps, fwd: fwd)
    }

    /// `-p3` as getopt reads it (C's `"p:"`): the short option with its value attached.
    private static func splittingAttachedValues(_ arguments: [String]) -> [String] {
        arguments.flatMap { arg -> [String] in
            arg.hasPrefix("-p") && arg.count > 2 ? ["-p", String(arg.dropFirst(2))] : [arg]
        }
    }

    /// The ports a hex mask names (`-p 3`, `-p 0x3`): all must exist, and come in pairs.
    private static func selectedPorts(_ text: String?) throws(UsageError) -> [EthPort] {
        guard let text else { throw UsageError("Invalid or missing port mask") }
        let digits = text.hasPrefix("0x") || text.hasPrefix("0X") ? String(text.dropFirst(2)) : text
        guard let mask = UInt64(digits, radix: 16) else {
            throw UsageError("Invalid port mask '\(text)': not a hexadecimal number")
        }
        guard mask != 0 else { throw UsageError("Invalid or missing port mask") }
        let available = Set(EthPort.all.map(\.id.rawValue))
        var ports: [EthPort] = []
        for bit in 0..<64 where mask & (1 << UInt64(bit)) != 0 {
            guard available.contains(UInt16(bit)), let port = try? EthPort(PortID(UInt16(bit))) else {
                throw UsageError("Port mask \(text) names port \(bit), which does not exist (\(available.count) ports available)")
            }
            ports.append(port)
        }
        guard ports.count % 2 == 0 else {
            throw UsageError("Application must use an even number of ports (port mask \(text) names \(ports.count))")
        }
        return ports
    }

    /// The queue count to use. A primary configures `numProcs` queues, which every device must
    /// allow; a secondary uses the queues the primary configured, which must include `procID`.
    private static func checkQueues(ports: [EthPort], numProcs: Int?, procID: Int,
                                    role: ProcessRole) throws(UsageError) -> Int {
        var configured: Int?
        for port in ports {
            let info: EthPort.Info
            do { info = try port.info() } catch { throw UsageError("\(error)") }
            switch role {
            case .primary:
                let n = numProcs! // checked by the caller for a primary
                let limit = min(info.maxRxQueues, info.maxTxQueues)
                guard n <= limit else {
                    throw UsageError("num-procs \(n) needs \(n) RX and TX queues, but port \(port.id) allows at most \(limit)")
                }
            case .secondary:
                let queues = min(info.configuredRxQueues, info.configuredTxQueues)
                guard queues > 0 else {
                    throw UsageError("Port \(port.id) was not configured by the primary process")
                }
                if let n = numProcs, n != queues {
                    throw UsageError("num-procs \(n) differs from the \(queues) queues port \(port.id) was configured with")
                }
                guard procID < queues else {
                    throw UsageError("proc-id \(procID) must be below the \(queues) queues port \(port.id) was configured with")
                }
                configured = queues
            }
        }
        return numProcs ?? configured ?? 0
    }
}
