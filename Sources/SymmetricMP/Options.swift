// The options, resolved against what the EAL found. Their parsing (SymmetricMPOptions, in the
// SampleOptions target) runs before the EAL starts; what needs the EAL is checked here.
import MPCore
import SampleOptions
import SampleSupport

/// The options symmetric_mp runs with.
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
    /// `--fwd`: what is done to each packet before it is sent (testpmd's engines).
    let fwd: ForwardingMode

    /// Checks the parsed options against the ports the EAL found. A primary needs `--num-procs`
    /// and checks it against the devices' queue limits; a secondary checks `--proc-id` against
    /// the queues the primary configured.
    static func resolve(_ parsed: SymmetricMPOptions, role: ProcessRole) throws(UsageError) -> Options {
        if parsed.numProcs == nil && role == .primary {
            throw UsageError("Invalid or missing num-procs parameter")
        }
        let ports = try selectedPorts(parsed.portMask)
        let poolOps = parsed.poolOps ?? SymmetricMPOptions.defaultPoolOps
        let available = Mempool.availableOps
        if parsed.poolOps != nil, !available.contains(poolOps) {
            throw UsageError("Unknown pool-ops '\(poolOps)': valid names are \(available.joined(separator: ", "))")
        }
        let queues = try checkQueues(ports: ports, numProcs: parsed.numProcs, procID: parsed.procID, role: role)
        return Options(ports: ports, numProcs: queues, procID: parsed.procID, statsPeriod: parsed.statsPeriod,
                       poolOps: poolOps, fwd: parsed.fwd)
    }

    /// The ports the mask names: all must exist, and come in pairs.
    private static func selectedPorts(_ mask: PortMask) throws(UsageError) -> [EthPort] {
        let available = Set(EthPort.all.map(\.id))
        var ports: [EthPort] = []
        for id in mask.ports {
            guard available.contains(id), let port = try? EthPort(id) else {
                throw UsageError("Port mask \(mask.text) names port \(id), which does not exist (\(available.count) ports available)")
            }
            ports.append(port)
        }
        guard ports.count % 2 == 0 else {
            throw UsageError("Application must use an even number of ports (port mask \(mask.text) names \(ports.count))")
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
