// symmetric_mp: DPDK's symmetric multi-process sample (examples/multi_process/symmetric_mp) in
// Swift. Every process, primary or secondary, polls queue `--proc-id` of each selected port and
// forwards port 2k <-> 2k+1, unchanged or rewritten by a testpmd engine (--fwd). Reads as the C
// sample does: options, ordered init (the primary creates the pool and configures the ports,
// secondaries look them up), the datapath loop (Forwarding.swift), statistics (Statistics.swift).
import Glibc
import MPCore
import SampleOptions
import SampleSupport

/// The application on an initialised EAL (the start-up skeleton is `Sample.run`). Every failure
/// throws, and the skeleton cleans the EAL up (nothing stays in hugepages).
func run(eal: borrowing EAL, parsed: SymmetricMPOptions) throws(SampleFailure) -> Int32 {
    // 1. Options, checked against the ports the EAL found.
    guard EthPort.availableCount > 0 else { throw .usage(UsageError("No Ethernet ports - bye")) }
    let role = eal.role
    let options: Options
    do {
        options = try Options.resolve(parsed, role: role)
    } catch {
        throw .usage(error)
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
            // Room in the shared heap for the secondaries' start-ups, so that none grows the heap
            // (one killed while growing it would leave the EAL's memory lock held for writing).
            keepHeapHeadroom(eal, log: log)
        case .secondary:
            // Under a C primary there is one pool and no registry: run as the C sample does.
            registry = ProcRegistry.lookup(count: options.numProcs)
            pool = try PacketPool.lookup(name: registry == nil ? Shared.mbufPoolName : Shared.poolName(procID: options.procID))
        }
    } catch {
        output("") // after a partial line ("# Initialising port 0... ")
        throw .failed("\(error)")
    }
    if let registry {
        do throws(ProcRegistry.InUse) {
            try registry.claim(options.procID, pool: pool) { output($0) }
        } catch {
            throw .usage(UsageError("proc-id \(options.procID) is in use by process \(error.pid)"))
        }
    }
    defer { registry?.release(options.procID) }

    // 3. Forward on every lcore until SIGINT or SIGTERM.
    let lcores = eal.lcores
    let plan = ForwardingPlan(
        ports: options.ports,
        assignment: assignPortsToLcores(lcores, portCount: options.ports.count),
        slots: Dictionary(uniqueKeysWithValues: lcores.enumerated().map { ($1, $0) }),
        counters: PortCounters(slots: lcores.count, portCount: options.ports.count),
        queue: QueueID(UInt16(options.procID)), mainLcore: eal.mainLcore,
        statsPeriod: options.statsPeriod, fwd: options.fwd)
    // Capture (primary) and telemetry, off the datapath (Observability.swift).
    let capture = Observability.start(role: role, procID: options.procID, ports: options.ports, counters: plan.counters)
    defer { // before the counters can be freed (the plan, which holds them, goes after this)
        Telemetry.unregisterAll()
        if capture { PacketCapture.disable() }
    }
    // The primary, once its start-up is over: takes back read locks of the EAL's memory lock
    // that secondaries killed inside rte_eal_init leave (EALLockRepair; Swift secondaries enter
    // rte_eal_init through the start-up gate, below). It vouches for the processes that claimed
    // a proc-id.
    var lockRepair: ControlThread? = nil
    if role == .primary, let registry {
        do {
            lockRepair = try EALLockRepair.startWatching(log: log, vouched: "a symmetric_mp process that claimed its proc-id") {
                registry.isClaimed(byPID: $0)
            }
        } catch {
            log.warning("EAL lock repair off: \(error)")
        }
    }
    output("APP: Finished Process Init.")
    do {
        _ = try eal.runOnAllLcores { plan.runLcore($0) }
    } catch {
        Shutdown.request() // stop the lcores that did start
        eal.waitForWorkers()
        throw .failed("\(error)")
    }

    lockRepair?.join() // stops at shutdown, as the lcores do
    // 4. Statistics, exact: every lcore has stopped at a burst boundary.
    printFinalStatistics(ports: options.ports, counters: plan.counters, signal: Shutdown.signal)
    if registry != nil {
        output("Pool \(pool.name): \(pool.availableCount) of \(pool.size) mbufs free")
    }
    return 0
}

let sample = Sample<SymmetricMPOptions>(name: "symmetric_mp", errorPrefix: "Error: ",
                                        usage: SymmetricMPOptions.usage(program:))
// Swift secondaries enter rte_eal_init one at a time, and never while a dead process's read lock
// blocks the EAL's memory lock (StartupGate); a primary starting finds no live primary and
// passes straight through.
exit(sample.run(parse: SymmetricMPOptions.parse, ealFailure: { "Cannot init EAL: \($0)" },
                gate: StartupGate.forSample, run))
