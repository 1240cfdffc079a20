// simple_mp: two processes exchange strings over a pair of rings, as DPDK's
// examples/multi_process/simple_mp. The primary creates the rings and the message pool; a
// secondary looks them up; each process's send ring is the other's receive ring.
import Glibc
import MPCore

// Shared object names and sizes, as in the C sample (a C and a Swift process share them).
let messagePoolName = "MSG_POOL"
let secondaryToPrimary = "SEC_2_PRI"
let primaryToSecondary = "PRI_2_SEC"
let ringSize = 64
let poolSize = 1024
let poolCache = 32
let messageSize = 128 // cmdline's STR_TOKEN_SIZE: the C sample's message buffers

func simpleMP() -> Int32 {
    Console.lineBuffered() // one line at a time, also into a pipe: the two processes talk
    Shutdown.installHandlers() // before the EAL: a signal during start-up must not kill us mid-way

    let eal: EAL
    do {
        eal = try EAL()
    } catch {
        let secondary = CommandLine.arguments.contains { $0 == "--proc-type=secondary" || $0 == "secondary" }
        Console.error(secondary
            ? "simple_mp: cannot start as a secondary process: is a primary simple_mp running with the same --file-prefix?"
            : "simple_mp: cannot initialise the EAL (\(error.message)); see the EAL messages above")
        return 1
    }
    let status = run(eal)
    eal.cleanup(exitStatus: status) // waits for the receivers, which stop on Shutdown.requested
    return status
}

func run(_ eal: borrowing EAL) -> Int32 {
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
        Console.error("simple_mp: \(error)")
        return 1
    }

    print("APP: Finished Process Init.")

    for lcore in eal.workerLcores {
        do {
            try eal.launch(on: lcore) { receiveMessages(from: receiveRing, pool: messagePool) }
        } catch {
            Console.error("simple_mp: \(error)")
            Shutdown.request()
            return 1
        }
    }

    while receiversStarted.load(ordering: .acquiring) < eal.workerLcores.count { usleep(100) }
    runPrompt(sendRing: sendRing, pool: messagePool)
    Shutdown.request() // the receivers stop at their next poll
    return 0
}

exit(simpleMP())
