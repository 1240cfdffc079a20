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

/// The whole server: EAL, options, init, forwarding, final statistics. Returns the exit status;
/// the EAL is cleaned up on every path once it is up.
func runServer(_ arguments: [String]) -> Int32 {
    let program = arguments.first.map { String($0.split(separator: "/").last ?? "mp_server") } ?? "mp_server"
    // The options after `--` are checked before the EAL starts, as far as they can be without
    // it, so that most mistakes leave no DPDK state behind; the ports are checked below.
    do {
        let app = arguments.firstIndex(of: "--").map { Array(arguments[($0 + 1)...]) } ?? []
        _ = try ServerOptions.parse(app, available: nil)
    } catch {
        if !error.isHelp { printError(error.message) }
        print(ServerOptions.usage(program: program))
        return error.isHelp ? 0 : 1
    }

    Shutdown.installHandlers()
    let eal: EAL
    do {
        eal = try EAL(arguments: arguments)
    } catch {
        printError("Cannot initialise the EAL: \(error)")
        return 1
    }
    let status = serve(eal: eal, program: program)
    eal.cleanup(exitStatus: status)
    return status
}

/// Everything after the EAL is up; returns the exit status.
func serve(eal: borrowing EAL, program: String) -> Int32 {
    guard eal.role == .primary else {
        printError("mp_server must run as the primary process (it creates the shared objects), not as a secondary")
        return 1
    }

    let options: ServerOptions
    do {
        options = try ServerOptions.parse(Array(eal.applicationArguments.dropFirst()),
                                          available: EthPort.all.map(\.id))
    } catch {
        if !error.isHelp { printError(error.message) }
        print(ServerOptions.usage(program: program))
        return error.isHelp ? 0 : 1
    }

    let state: ServerState
    do {
        state = try ServerState.initialise(options)
    } catch {
        printError(error.message)
        return 1
    }
    print("APP: Finished Process Init.")

    let counters = ClientCounters(clients: options.numClients)
    defer { counters.deallocate() }
    let display = StatsDisplay(state: state, clients: counters)

    // sleep_lcore: the first worker, if any, shows the statistics; the others stay idle.
    if let statsLcore = eal.workerLcores.first {
        do {
            try eal.launch(on: statsLcore) { display.run(on: statsLcore); return 0 }
        } catch {
            printError("Cannot start the statistics display on lcore \(statsLcore): \(error)")
        }
    }

    // The one place the distribution is chosen: each case runs a loop specialised for it.
    let forwarder = Forwarder(state: state, clients: counters)
    switch options.distribution {
    case .roundRobin: forwarder.run(RoundRobin(clients: options.numClients))
    case .flow: forwarder.run(FlowAffinity(clients: options.numClients, burstSize: ClientServer.burstSize))
    }
    eal.waitForWorkers()

    print("\nmp_server stopping (signal \(Shutdown.signal)); final statistics:")
    print(display.render(), terminator: "")
    Console.flush()
    return 0
}

Console.lineBuffered()
exit(runServer(CommandLine.arguments))
