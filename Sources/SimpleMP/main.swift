// simple_mp: two processes exchange strings over a pair of rings, as DPDK's
// examples/multi_process/simple_mp. The primary creates the rings and the message pool; a
// secondary looks them up; each process's send ring is the other's receive ring.
import Glibc
import MPCore
import SampleSupport

// Shared object names and sizes, as in the C sample (a C and a Swift process share them).
let messagePoolName = "MSG_POOL"
let secondaryToPrimary = "SEC_2_PRI"
let primaryToSecondary = "PRI_2_SEC"
let ringSize = 64
let poolSize = 1024
let poolCache = 32
let messageSize = 128 // cmdline's STR_TOKEN_SIZE: the C sample's message buffers

/// The sample on an initialised EAL (the start-up skeleton is `Sample.run`).
func run(_ eal: borrowing EAL, _ options: NoOptions) throws(SampleFailure) -> Int32 {
    // The one place the role matters: create, or look up; everything after is role-blind.
    let sendRing: Ring<PoolBuffer>, receiveRing: Ring<PoolBuffer>, messagePool: Mempool
    do {
        switch eal.role {
        case .primary:
            sendRing = try Ring<PoolBuffer>.create(name: primaryToSecondary, count: ringSize)
            receiveRing = try Ring<PoolBuffer>.create(name: secondaryToPrimary, count: ringSize)
            messagePool = try Mempool.create(name: messagePoolName, count: poolSize, elementSize: messageSize,
                                             cacheSize: poolCache)
        case .secondary:
            receiveRing = try Ring<PoolBuffer>.lookup(name: primaryToSecondary)
            sendRing = try Ring<PoolBuffer>.lookup(name: secondaryToPrimary)
            messagePool = try Mempool.lookup(name: messagePoolName)
        }
    } catch {
        throw .failed("\(error)")
    }

    print("APP: Finished Process Init.")

    for lcore in eal.workerLcores {
        do {
            try eal.launch(on: lcore) { receiveMessages(from: receiveRing, pool: messagePool) }
        } catch {
            Shutdown.request() // the receivers already started stop; cleanup waits for them
            throw .failed("\(error)")
        }
    }

    while receiversStarted.load(ordering: .acquiring) < eal.workerLcores.count { usleep(100) }
    runPrompt(sendRing: sendRing, pool: messagePool)
    Shutdown.request() // the receivers stop at their next poll
    return 0
}

// Like the C sample, simple_mp takes no options of its own: whatever follows `--` is ignored.
let sample = Sample<NoOptions>(name: "simple_mp", errorPrefix: "simple_mp: ") { "\($0) [EAL options]\n" }
exit(sample.run(parse: NoOptions.parse, ealFailure: { error in
    let secondary = CommandLine.arguments.contains { $0 == "--proc-type=secondary" || $0 == "secondary" }
    return secondary
        ? "cannot start as a secondary process: is a primary simple_mp running with the same --file-prefix?"
        : "cannot initialise the EAL (\(error.message)); see the EAL messages above"
}, run))
