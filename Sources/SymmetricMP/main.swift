// symmetric_mp: DPDK's symmetric multi-process sample (examples/multi_process/symmetric_mp) in
// Swift. Every process, primary or secondary, polls queue `--proc-id` of each selected port and
// forwards port 2k <-> 2k+1, unchanged or rewritten by a testpmd engine (--fwd). Reads as the C
// sample does: options, ordered init (the primary creates the pool and configures the ports,
// secondaries look them up), the datapath loop (Forwarding.swift), statistics (Statistics.swift).
import Glibc
import MPCore

/// Prints a line to standard output and shows it now, also when stdout is a pipe.
func output(_ text: String, terminator: String = "\n") {
    print(text, terminator: terminator)
    Console.flush()
}

/// Writes a line to standard error, after what stdout holds.
func printError(_ text: String) { Console.error(text) }

/// How `run` ended.
enum Outcome {
    /// Forwarded until SIGINT or SIGTERM: exit 0.
    case stopped
    /// `--help`: exit 0, nothing was shared yet.
    case help
    /// A mistake on the command line or a failed initialisation: exit 1.
    case failed

    var status: Int32 { self == .failed ? 1 : 0 }
}

/// Runs the application on an initialised EAL. Every failure path returns here, so the caller
/// always cleans the EAL up (nothing stays in hugepages).
func run(eal: borrowing EAL, program: String) -> Outcome {
    func usageFailure(_ message: String) -> Outcome {
        printError("Error: \(message)")
        printError(Options.usage(program: program))
        return .failed
    }

    // 1. Options, checked against the ports the EAL found.
    guard EthPort.availableCount > 0 else { return usageFailure("No Ethernet ports - bye") }
    let role = eal.role
    let options: Options
    do {
        options = try Options.parse(Array(eal.applicationArguments.dropFirst()), role: role)
    } catch where error.isHelp {
        output(Options.usage(program: program))
        return .help
    } catch {
        return usageFailure(error.message)
    }

    // 2. The mbuf pools and the ports: the one place where primary and secondary differ.
    let pool: PacketPool
    let registry: ProcRegistry?
    do {
        switch role {
        case .primary:
            var pools: [PacketPool] = []
            for k in 0..<options.numProcs {
                pools.append(try PacketPool.create(name: Shared.poolName(procID: k), count: Shared.poolSize(procs: options.numProcs),
                                                   cacheSize: Shared.mbufCacheSize, ops: options.poolOps))
            }
            for port in options.ports {
                try initialisePort(port, pools: pools, queues: options.numProcs)
            }
            EthPort.checkAllPortsLinkStatus(options.ports)
            pool = pools[options.procID]
            registry = try ProcRegistry.reserve(count: options.numProcs)
        case .secondary:
            // Under a C primary there is one pool and no registry: run as the C sample does.
            registry = ProcRegistry.lookup(count: options.numProcs)
            pool = try PacketPool.lookup(name: registry == nil ? Shared.mbufPoolName : Shared.poolName(procID: options.procID))
        }
    } catch {
        printError("\nError: \(error)")
        return .failed
    }
    if let registry {
        do throws(ProcRegistry.InUse) {
            try registry.claim(options.procID, pool: pool) { output($0) }
        } catch {
            return usageFailure("proc-id \(options.procID) is in use by process \(error.pid)")
        }
    }
    defer { registry?.release(options.procID) }

    // 3. Forward on every lcore until SIGINT or SIGTERM.
    let lcores = eal.lcores
    let plan = ForwardingPlan(
        ports: PortTable(options.ports),
        assignment: assignPortsToLcores(lcores, portCount: options.ports.count),
        slots: Dictionary(uniqueKeysWithValues: lcores.enumerated().map { ($1, $0) }),
        counters: CounterTable(slots: lcores.count, portCount: options.ports.count),
        queue: QueueID(UInt16(options.procID)), mainLcore: eal.mainLcore,
        statsPeriod: options.statsPeriod, fwd: options.fwd, portList: options.ports)
    defer {
        plan.counters.deallocate()
        plan.ports.deallocate()
    }
    // Capture (primary) and telemetry, off the datapath (Observability.swift).
    let capture = Observability.start(role: role, procID: options.procID, ports: options.ports, counters: plan.counters)
    defer { // before the counters are freed (the defer above runs after this one)
        Telemetry.unregisterAll()
        if capture { PacketCapture.disable() }
    }
    output("APP: Finished Process Init.")
    do {
        _ = try eal.runOnAllLcores { plan.runLcore($0) }
    } catch {
        Shutdown.request() // stop the lcores that did start
        eal.waitForWorkers()
        printError("Error: \(error)")
        return .failed
    }

    // 4. Statistics, exact: every lcore has stopped at a burst boundary.
    printFinalStatistics(ports: options.ports, counters: plan.counters, signal: Shutdown.signal)
    if registry != nil {
        output("Pool \(pool.name): \(pool.availableCount) of \(pool.size) mbufs free")
    }
    return .stopped
}

Shutdown.installHandlers()
let program = CommandLine.arguments.first.map { String($0.split(separator: "/").last ?? "symmetric_mp") } ?? "symmetric_mp"
let status: Int32
do {
    let eal = try EAL(arguments: CommandLine.arguments)
    status = run(eal: eal, program: program).status
    // The group's files go with the last process out; while others run they stay, for restarts.
    eal.cleanup(exitStatus: status)
} catch {
    printError("Error: Cannot init EAL: \(error)")
    status = 1
}
exit(status)
