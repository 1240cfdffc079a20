// symmetric_mp's own options, those after `--` (C: smp_parse_args, smp_usage), as far as they
// can be checked without the EAL. What needs it (the ports exist, queue limits, mempool ops) is
// checked by symmetric_mp once the EAL is up.
import ArgumentParser
import MPCore
import SampleSupport

/// The command line as ArgumentParser reads it. Values are taken unconditionally, so
/// `--proc-id -1` is refused as a bad id, not as a missing one.
struct SymmetricMPArguments: ParsableArguments {
    @Option(name: .customShort("p", allowingJoined: true), parsing: .unconditional)
    var portMask: PortMask?

    @Option(name: .customLong("num-procs"), parsing: .unconditional)
    var numProcs: Given<Int>?

    @Option(name: .customLong("proc-id"), parsing: .unconditional)
    var procID: Given<Int>?

    @Option(name: .customLong("stats-period"), parsing: .unconditional)
    var statsPeriod: Given<Double>?

    @Option(name: .customLong("pool-ops"), parsing: .unconditional)
    var poolOps: String?

    @Option(name: .customLong("fwd"), parsing: .unconditional)
    var fwd: Given<ForwardingMode>?
}

/// symmetric_mp's options, checked.
public struct SymmetricMPOptions: Sendable, Equatable {
    /// `-p`: the selected ports (non-zero mask); that they exist and pair up is checked with the EAL.
    public var portMask: PortMask
    /// `--num-procs`: 1 ... 65535; nil when omitted (a secondary may omit it).
    public var numProcs: Int?
    /// `--proc-id`: the queue this process polls and sends on, below `numProcs`.
    public var procID: Int
    /// `--stats-period` in seconds, (0, 86400]; nil when off.
    public var statsPeriod: Double?
    /// `--pool-ops`: nil for `defaultPoolOps`; checked against the EAL's list once it is up.
    public var poolOps: String?
    /// `--fwd`: the testpmd engine; `io` by default.
    public var fwd: ForwardingMode

    /// `ring_mt_rts`, as mp_server's default (see docs/reliability.md).
    public static let defaultPoolOps = "ring_mt_rts"

    /// The usage text, in the C sample's words (`smp_usage`).
    public static func usage(program: String) -> String {
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

    /// Parses the arguments after `--` (program name excluded). Checks proc-id first, then
    /// num-procs, then the port mask: the C sample's order.
    public static func parse(_ arguments: [String]) throws(UsageError) -> SymmetricMPOptions {
        let raw = try SymmetricMPArguments.parseForSample(arguments)

        guard let proc = raw.procID else { throw UsageError("Invalid or missing proc-id parameter") }
        guard let procID = proc.value, procID >= 0, procID <= Int(UInt16.max) else {
            throw UsageError("Invalid proc-id parameter '\(proc.text)': not a queue number")
        }
        var numProcs: Int?
        if let given = raw.numProcs {
            guard let n = given.value, n > 0, n <= Int(UInt16.max) else {
                throw UsageError("Invalid num-procs parameter '\(given.text)': must be a number from 1 to 65535")
            }
            guard procID < n else { throw UsageError("proc-id \(procID) must be below num-procs \(n)") }
            numProcs = n
        }

        guard let mask = raw.portMask else { throw UsageError("Invalid or missing port mask") }
        guard let bits = mask.bits else {
            throw UsageError("Invalid port mask '\(mask.text)': not a hexadecimal number")
        }
        guard bits != 0 else { throw UsageError("Invalid or missing port mask") }

        var statsPeriod: Double?
        if let given = raw.statsPeriod {
            // A day at most: the period becomes a count of TSC cycles, which must fit 64 bits.
            guard let s = given.value, s > 0, s <= 86_400 else {
                throw UsageError("Invalid stats-period '\(given.text)': must be a positive number of seconds, at most 86400")
            }
            statsPeriod = s
        }

        var fwd = ForwardingMode.io
        if let given = raw.fwd {
            guard let mode = given.value else {
                throw UsageError("Invalid --fwd '\(given.text)': must be one of \(ForwardingMode.valid)")
            }
            fwd = mode
        }
        return SymmetricMPOptions(portMask: mask, numProcs: numProcs, procID: procID, statsPeriod: statsPeriod,
                                  poolOps: raw.poolOps, fwd: fwd)
    }
}
