import CDPDK
import Glibc
import Synchronization

/// Whether this process created the shared memory (primary) or attached to it (secondary).
public enum ProcessRole: Sendable, CustomStringConvertible {
    /// Created the group's shared memory (`RTE_PROC_PRIMARY`): configures ports, creates rings and pools.
    case primary
    /// Attached to a running primary's memory (`RTE_PROC_SECONDARY`): looks objects up by name.
    case secondary

    /// `primary` or `secondary`, as DPDK's messages say it.
    public var description: String { self == .primary ? "primary" : "secondary" }
}

/// The DPDK Environment Abstraction Layer of this process: initialised once, cleaned up once.
///
/// The usual way in is `EAL.run(arguments:_:)`, which cleans up when its body returns: packets,
/// TX buffers and pool buffers made inside the body are move-only and cannot be returned from it,
/// so they end before DPDK's memory goes away. One that escapes anyway (stored in a global, say)
/// traps with a message when it is freed after the cleanup, instead of writing into memory that
/// is no longer mapped.
///
/// `EAL(arguments:)` runs `rte_eal_init` on the EAL part of the command line and keeps the
/// application's own arguments (those after `--`) in `applicationArguments`, with the program
/// name first, as the C samples see `argv` after `argc -= ret`. The value is move-only:
/// `rte_eal_cleanup` runs exactly once, from `cleanup()` or, failing that, from `deinit`.
public struct EAL: ~Copyable, Sendable {
    /// rte_eal_init may run once per process, whatever happens afterwards.
    private static let initialised = Atomic<Bool>(false)

    /// The program name followed by the arguments after `--`.
    public let applicationArguments: [String]

    private let files: RuntimeFiles

    /// Initialises the EAL (`rte_eal_init`).
    /// - Parameter arguments: the whole command line, program name first.
    /// - Throws: `DPDKError` when the EAL refuses the arguments or cannot start (no hugepages,
    ///   a secondary with no primary, an lcore that does not exist, ...), or when called twice.
    public init(arguments: [String] = CommandLine.arguments) throws(DPDKError) {
        guard !EAL.initialised.exchange(true, ordering: .relaxed) else {
            throw DPDKError(code: EALREADY, attempted: "initialising the EAL a second time")
        }
        // A launcher may start us with signals blocked (Foundation's Process does), and the
        // EAL's threads inherit the mask: start them from an empty one, as a shell would.
        var none = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, nil)
        // rte_eal_init permutes argv (getopt), so hand it a private copy it may reorder.
        let cStrings = arguments.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        var argv = cStrings + [nil]
        let consumed = rte_eal_init(Int32(arguments.count), &argv)
        guard consumed >= 0 else {
            // A failed start (a secondary without a primary, say) leaves an empty runtime dir.
            rmdir(rte_eal_get_runtime_dir())
            throw DPDKError.fromErrno("initialising the EAL (see the EAL messages above)")
        }
        // As in C after `argc -= ret; argv += ret`: getopt moved the EAL options to the front
        // of argv, consumed "--", and set argv[consumed] to the program name.
        applicationArguments = argv[Int(consumed)..<arguments.count].map { String(cString: $0!) }
        files = RuntimeFiles(ealArguments: arguments)
        cdpdk_set_eal_up(1)
        // With --in-memory and no telemetry the runtime dir stays empty: leave nothing on disk.
        rmdir(files.runtimeDir)
    }

    /// Initialises the EAL, runs `body` with it, and cleans up when `body` returns or throws:
    /// the scope outside which no DPDK object of this process may live.
    ///
    /// Values `body` returns must be copyable, so no packet, TX buffer or pool buffer can leave
    /// it. If `body` returns an `Int32`, that is the exit status used should DPDK's cleanup stall
    /// (see `cleanup(exitStatus:)`).
    /// - Throws: the `DPDKError` of a failed start, or what `body` throws (after the cleanup).
    public static func run<R>(arguments: [String] = CommandLine.arguments,
                              _ body: (borrowing EAL) throws -> R) throws -> R {
        let eal = try EAL(arguments: arguments)
        let result: R
        do {
            result = try body(eal)
        } catch {
            eal.cleanup(exitStatus: 1)
            throw error
        }
        eal.cleanup(exitStatus: (result as? Int32) ?? 0)
        return result
    }

    /// Waits for the worker lcores, releases the EAL's resources (`rte_eal_cleanup`) and, if no
    /// other process of the group still runs, removes its hugepage files and runtime dir.
    /// After this no DPDK call is valid.
    /// - Parameter exitStatus: the status the program will exit with. Should DPDK's cleanup
    ///   stall (see `CleanupWatchdog`), the process exits with it after two seconds.
    public consuming func cleanup(exitStatus: Int32 = 0) {
        self.exitStatus = exitStatus
        // deinit runs when `self` is consumed here, and performs the cleanup once.
    }

    /// The status to exit with if DPDK's cleanup stalls in `deinit`.
    private var exitStatus: Int32 = 0

    deinit {
        rte_eal_mp_wait_lcore()
        cdpdk_set_eal_up(0)
        CleanupWatchdog.cleanup(exitStatus: exitStatus)
        files.removeUnused()
    }

    /// This process's role (`rte_eal_process_type`); `--proc-type=auto` is resolved by now.
    public var role: ProcessRole {
        rte_eal_process_type() == RTE_PROC_PRIMARY ? .primary : .secondary
    }

    /// Whether the primary of this group still runs (`rte_eal_primary_proc_alive`). A secondary
    /// polls this to notice that its primary is gone.
    public var primaryIsAlive: Bool { rte_eal_primary_proc_alive(nil) != 0 }

    /// The main lcore, which runs `main` (`rte_get_main_lcore`).
    public var mainLcore: LcoreID { LcoreID(rte_get_main_lcore()) }

    /// The worker lcores in ascending order (`RTE_LCORE_FOREACH_WORKER`).
    public var workerLcores: [LcoreID] {
        var result: [LcoreID] = []
        var id = cdpdk_next_worker_lcore(UInt32.max)
        while id < RTE_MAX_LCORE {
            result.append(LcoreID(id))
            id = cdpdk_next_worker_lcore(id)
        }
        return result
    }

    /// All enabled lcores, main first in id order as `RTE_LCORE_FOREACH` visits them.
    public var lcores: [LcoreID] { (workerLcores + [mainLcore]).sorted() }

    /// Starts `work` on a worker lcore (`rte_eal_remote_launch`). Wait with `waitForWorkers()`.
    /// - Throws: `DPDKError` when the lcore is not a worker or is busy.
    public func launch(on lcore: LcoreID, _ work: @escaping @Sendable () -> Int32) throws(DPDKError) {
        let box = Unmanaged.passRetained(LaunchBox(work)).toOpaque()
        let ret = rte_eal_remote_launch({ arg in
            let box = Unmanaged<LaunchBox>.fromOpaque(arg!).takeRetainedValue()
            return box.work()
        }, box, lcore.rawValue)
        if ret < 0 {
            Unmanaged<LaunchBox>.fromOpaque(box).release()
            throw DPDKError(code: -ret, attempted: "launching work on lcore \(lcore)")
        }
    }

    /// Waits for every worker lcore to finish (`rte_eal_mp_wait_lcore`).
    public func waitForWorkers() { rte_eal_mp_wait_lcore() }

    /// Runs `work` on every lcore, the main one included, and returns when all have finished,
    /// like `rte_eal_mp_remote_launch(f, arg, CALL_MAIN)`.
    /// - Returns: the values `work` returned, by lcore.
    public func runOnAllLcores(_ work: @escaping @Sendable (LcoreID) -> Int32) throws(DPDKError) -> [LcoreID: Int32] {
        let results = Mutex<[LcoreID: Int32]>([:])
        for lcore in workerLcores {
            try launch(on: lcore) {
                let r = work(lcore)
                results.withLock { $0[lcore] = r }
                return r
            }
        }
        let main = mainLcore
        let r = work(main)
        waitForWorkers()
        return results.withLock { $0[main] = r; return $0 }
    }
}

/// Carries a Swift closure through `rte_eal_remote_launch`'s `void *arg`.
private final class LaunchBox {
    let work: @Sendable () -> Int32
    init(_ work: @escaping @Sendable () -> Int32) { self.work = work }
}
