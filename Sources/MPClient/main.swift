// mp_client: a secondary of DPDK's client_server_mp sample, in Swift.
//
//   mp_client [EAL options] -- -n CLIENT_ID [--fwd io|macswap|5tswap]
//
// Takes the packets mp_server (Swift or C) puts in ring MProc_Client_<CLIENT_ID>_RX, rewrites
// them as dpdk-testpmd's engine of that name would (io: unchanged, the default), and sends each
// out of the port paired with the one it arrived on (id[2k] <-> id[2k+1] in the server's port
// info), on TX queue CLIENT_ID. SIGINT or SIGTERM: flush, print this run's totals
// ("Client N: rx a, tx b, tx_drop c", with rx == tx + tx_drop), exit 0. If the server exits,
// the client notices within about 100 ms, prints why, and exits with status 2.
import ClientServerShared
import Glibc
import MPCore

/// Exit status when the server went away under a running client.
let exitServerGone: Int32 = 2

/// The whole client; returns the exit status. The EAL is cleaned up on every path once it is up.
func runClient(_ arguments: [String]) -> Int32 {
    let program = arguments.first.map { String($0.split(separator: "/").last ?? "mp_client") } ?? "mp_client"
    // The options after `--` are checked first, so that a bad id is reported as such even
    // when no server runs (the EAL of a secondary fails without one).
    let args: ClientArgs
    do {
        let app = arguments.firstIndex(of: "--").map { Array(arguments[($0 + 1)...]) } ?? []
        args = try ClientOptions.parse(app)
    } catch {
        if !error.isHelp { printError(error.message) }
        print(ClientOptions.usage(program: program))
        return error.isHelp ? 0 : 1
    }

    Shutdown.installHandlers()
    // One Swift client at a time inside rte_eal_init, and never while a dead process's read
    // lock blocks the EAL's memory lock (StartupGate).
    let gate: StartupGate?
    do { gate = try StartupGate.enter(ealArguments: arguments) } catch {
        printError(error.message)
        return 1
    }
    let eal: EAL
    do {
        eal = try EAL(arguments: arguments)
        gate?.leave()
    } catch {
        gate?.leave()
        printError("Cannot initialise the EAL as a secondary process (\(error.message)): is the server running?")
        return 1
    }
    let status = forward(eal: eal, clientID: args.clientID, fwd: args.fwd)
    eal.cleanup(exitStatus: status)
    return status
}

/// Everything after the EAL is up; returns the exit status.
func forward(eal: borrowing EAL, clientID: Int, fwd: ForwardingMode) -> Int32 {
    guard eal.role == .secondary else {
        printError("mp_client started as the primary process: is the server running? (use --proc-type=secondary and the server's --file-prefix)")
        return 1
    }

    let setup: ClientSetup
    let registration: Registration?
    let txBuffers: FixedArray<TxBuffer>
    do {
        setup = try ClientSetup.attach(clientID: clientID)
        registration = try Registration.register(clientID: clientID, lcore: eal.mainLcore)
        txBuffers = try setup.makeTxBuffers(returning: registration?.returnPath ?? nil)
    } catch {
        printError(error.message)
        return 1
    }
    var forwarder = ClientForwarder(setup: setup, txBuffers: txBuffers,
                                    heartbeat: registration?.slot.heartbeat ?? ClientForwarder.unwatchedHeartbeat)

    // This run's totals are differences: the slot keeps counting across restarts of a client.
    let txStart = forwarder.txTotal(setup), dropStart = forwarder.txDropTotal(setup)
    forwarder.publishedRx = ClientTelemetry.publish(setup: setup, txStart: txStart, dropStart: dropStart)

    print("APP: Finished Process Init.")
    print("\nClient process \(clientID) handling packets")
    print("[Press Ctrl-C to quit ...]")

    // The one place the engine is chosen: each case runs a loop specialised for it.
    let interval = TSC.cycles(milliseconds: 100)
    let reason: StopReason
    switch fwd {
    case .io: reason = forwarder.run(IOEngine.self, eal: eal, checkInterval: interval)
    case .macswap: reason = forwarder.run(MacSwapEngine.self, eal: eal, checkInterval: interval)
    case .fiveTupleSwap: reason = forwarder.run(FiveTupleSwapEngine.self, eal: eal, checkInterval: interval)
    }
    if reason == .serverGone {
        printError("the server (primary process) has exited: client \(clientID) stopping")
    }
    // Once the server has gone its ports may be gone too: send nothing more, drop and count.
    if eal.primaryIsAlive {
        forwarder.flushAll()
    } else {
        forwarder.dropAll()
    }
    let tx = forwarder.txTotal(setup) &- txStart
    let drops = forwarder.txDropTotal(setup) &- dropStart
    print("Client \(clientID): rx \(forwarder.received), tx \(tx), tx_drop \(drops)")
    _ = consume forwarder // TX buffers go back to DPDK's heap before the EAL does
    return reason == .serverGone ? exitServerGone : 0
}

extension ClientForwarder {
    /// This client's TX count over all ports, from its port info slot.
    func txTotal(_ setup: ClientSetup) -> UInt64 {
        setup.ports.reduce(0) { $0 &+ setup.portInfo.tx(client: setup.clientID, port: $1.id).value }
    }
    /// This client's TX drops over all ports.
    func txDropTotal(_ setup: ClientSetup) -> UInt64 {
        setup.ports.reduce(0) { $0 &+ setup.portInfo.txDrop(client: setup.clientID, port: $1.id).value }
    }
}

Console.lineBuffered()
exit(runClient(CommandLine.arguments))
