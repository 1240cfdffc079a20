// mp_server: the primary of DPDK's client_server_mp sample, in Swift.
//
//   mp_server [EAL options] -- -p PORTMASK -n NUM_CLIENTS [--distribution round-robin|flow]
//
// Receives on every port of PORTMASK and distributes the packets round-robin (or by flow, both
// directions of a connection to one client) over the rings of NUM_CLIENTS mp_client processes
// (Swift or C), which forward them. A second lcore, if given, shows the statistics every second. SIGINT or SIGTERM stops it at a burst boundary; it then
// prints the final statistics and exits 0.
import ClientServerShared
import Glibc
import MPCore
import SampleOptions
import SampleSupport

/// Exit status when the mbuf pool's ring was found stuck by a process that died inside it.
let exitPoolDamaged: Int32 = 3
/// Exit status when a dead process holds the EAL's memory lock for writing (see `serve`).
let exitEALLocked: Int32 = 4

/// Everything after the EAL is up (the start-up skeleton is `Sample.run`); returns the exit status.
func serve(eal: borrowing EAL, options: MPServerOptions) throws(SampleFailure) -> Int32 {
    guard eal.role == .primary else {
        throw .failed("mp_server must run as the primary process (it creates the shared objects), not as a secondary")
    }
    do {
        try options.checkPorts(available: EthPort.all.map(\.id))
        try options.checkPoolOps(available: Mempool.availableOps)
    } catch {
        throw .usage(error)
    }

    let state: ServerState
    do {
        state = try ServerState.initialise(options)
    } catch {
        throw .failed(error.message)
    }
    // Before the monitor starts: keeping the headroom read-locks the EAL's memory lock (its
    // memseg walk), and the monitor's repair of dead read locks counts on this process never
    // holding one once it runs (EALLockRepair).
    keepHeapHeadroom(eal, log: log)
    let counters = ClientCounters(clients: options.numClients)
    let poolHealth = PoolHealth()
    let display = StatsDisplay(state: state, clients: counters, poolHealth: poolHealth)
    let board = DeliveryBoard(initial: DeliveryPlan(clients: options.numClients))
    let watcher = ClientMonitor(state: state, board: board, poolHealth: poolHealth)
    let monitor: ControlThread
    do {
        monitor = try ControlThread(name: "mp-client-mon") { watcher.run() }
    } catch {
        throw .failed("Cannot start the client monitor: \(error)")
    }

    // Observability, off the datapath: rates sampled on a control thread, the telemetry
    // commands, and packet capture for dpdk-dumpcap / dpdk-pdump (Observability.swift).
    // Before clients may attach: they look up the memzone it reserves for their figures.
    let rates = PortRates(ports: state.ports, display: display)
    let observer = Observability.start(display: display, rates: rates)
    print("APP: Finished Process Init.")

    // sleep_lcore: the first worker, if any, shows the statistics; the others stay idle.
    if let statsLcore = eal.workerLcores.first {
        do {
            try eal.launch(on: statsLcore) { display.run(on: statsLcore, rates: rates); return 0 }
        } catch {
            sample.printError("Cannot start the statistics display on lcore \(statsLcore): \(error)")
        }
    }

    // The one place the distribution is chosen: each case runs a loop specialised for it.
    let forwarder = Forwarder(state: state, clients: counters, board: board)
    switch options.distribution {
    case .roundRobin: forwarder.run(RoundRobin(clients: options.numClients))
    case .flow: forwarder.run(FlowAffinity(clients: options.numClients))
    }
    monitor.join()
    eal.waitForWorkers()
    forwarder.drainReturns()
    // A process that died holding the EAL's memory lock for writing (a client killed while its
    // start-up grew the shared heap) makes every teardown step that takes the lock wait for
    // ever: then the server says so after its final figures and leaves without them.
    let ealLocked = watcher.lockRepair?.writerDiedHoldingTheLock() ?? false
    if !ealLocked { observer.stop() }

    print("\nmp_server stopping (signal \(Shutdown.signal)); final statistics:")
    print(display.render(rates: rates.current), terminator: "")
    Console.flush()
    if ealLocked {
        sample.printError("the EAL's memory hotplug lock is held for writing by a process that died (a client killed while growing the shared heap): no process can join this group and DPDK's shared memory cannot be released; exiting without the EAL's cleanup. Restart the group; a larger mp_server -m or --socket-mem keeps client start-ups from growing the heap")
        Console.flush()
        _exit(exitEALLocked)
    }
    // A check as well as a server: damage found in the shared pool makes the exit status say so.
    return poolHealth.damaged.load(ordering: .relaxed) ? exitPoolDamaged : 0
}

let sample = Sample<MPServerOptions>(name: "mp_server", errorPrefix: "ERROR: ", usage: MPServerOptions.usage(program:))
exit(sample.run(parse: MPServerOptions.parse, ealFailure: { "Cannot initialise the EAL: \($0)" }, serve))
