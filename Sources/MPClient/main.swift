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
import SampleOptions
import SampleSupport

/// Exit status when the server went away under a running client.
let exitServerGone: Int32 = 2

/// Everything after the EAL is up (the start-up skeleton is `Sample.run`); returns the exit status.
func forward(eal: borrowing EAL, options: MPClientOptions) throws(SampleFailure) -> Int32 {
    let clientID = options.clientID
    guard eal.role == .secondary else {
        throw .failed("mp_client started as the primary process: is the server running? (use --proc-type=secondary and the server's --file-prefix)")
    }

    let setup: ClientSetup
    let registration: Registration?
    let txBuffers: FixedArray<TxBuffer>
    do {
        setup = try ClientSetup.attach(clientID: clientID)
        registration = try Registration.register(clientID: clientID, lcore: eal.mainLcore)
        txBuffers = try setup.makeTxBuffers(returning: registration?.returnPath ?? nil)
    } catch {
        throw .failed(error.message)
    }
    // Words of this process's own for what nobody watches: the heartbeat under a server without
    // a registry (the C sample), the RX count under one without the stats memzone.
    let ownCounters = CounterTable(rows: 1, columns: 2)
    defer { withExtendedLifetime(ownCounters) {} }
    // This run's totals are differences: the slot keeps counting across restarts of a client.
    let txStart = setup.txTotal(), dropStart = setup.txDropTotal()
    let publishedRx = ClientTelemetry.publish(setup: setup, txStart: txStart, dropStart: dropStart,
                                              unpublished: ownCounters.counter(row: 0, column: 1))
    var forwarder = ClientForwarder(setup: setup, txBuffers: txBuffers,
                                    heartbeat: registration?.slot.heartbeat ?? ownCounters.counter(row: 0, column: 0),
                                    publishedRx: publishedRx)

    print("APP: Finished Process Init.")
    print("\nClient process \(clientID) handling packets")
    print("[Press Ctrl-C to quit ...]")

    // The one place the engine is chosen: each case runs a loop specialised for it.
    let interval = TSC.cycles(milliseconds: 100)
    let reason: StopReason
    switch options.fwd {
    case .io: reason = forwarder.run(IOEngine.self, eal: eal, checkInterval: interval)
    case .macswap: reason = forwarder.run(MacSwapEngine.self, eal: eal, checkInterval: interval)
    case .fiveTupleSwap: reason = forwarder.run(FiveTupleSwapEngine.self, eal: eal, checkInterval: interval)
    }
    if reason == .serverGone {
        sample.printError("the server (primary process) has exited: client \(clientID) stopping")
    }
    // Once the server has gone its ports may be gone too: send nothing more, drop and count.
    if eal.primaryIsAlive {
        forwarder.flushAll()
    } else {
        forwarder.dropAll()
    }
    let tx = setup.txTotal() &- txStart
    let drops = setup.txDropTotal() &- dropStart
    print("Client \(clientID): rx \(forwarder.received), tx \(tx), tx_drop \(drops)")
    _ = consume forwarder // TX buffers go back to DPDK's heap before the EAL does
    return reason == .serverGone ? exitServerGone : 0
}

extension ClientSetup {
    /// This client's TX count over all ports, from its port info slot.
    func txTotal() -> UInt64 {
        ports.reduce(0) { $0 &+ portInfo.tx(client: clientID, port: $1.id).value }
    }
    /// This client's TX drops over all ports.
    func txDropTotal() -> UInt64 {
        ports.reduce(0) { $0 &+ portInfo.txDrop(client: clientID, port: $1.id).value }
    }
}

// The options are checked before the EAL, so that a bad id is reported as such even when no
// server runs (the EAL of a secondary fails without one).
let sample = Sample<MPClientOptions>(name: "mp_client", errorPrefix: "ERROR: ", usage: MPClientOptions.usage(program:))
// One Swift client at a time inside rte_eal_init, and never while a dead process's read lock
// blocks the EAL's memory lock (StartupGate).
exit(sample.run(parse: MPClientOptions.parse,
                ealFailure: { "Cannot initialise the EAL as a secondary process (\($0.message)): is the server running?" },
                gate: StartupGate.forSample, forward))
