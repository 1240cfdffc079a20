import Foundation
import MPCore
import Testing

/// The MPCore pieces symmetric_mp added. rte_eal_init runs once per process, so each test runs
/// in its own child process (an exit test) with its own --file-prefix.
@Suite struct SymmetricAdditionsTests {
    /// `EthPort.Info.configuredRxQueues/TxQueues` report what `configure` set (`nb_rx_queues`).
    @Test func infoReportsConfiguredQueueCounts() async {
        await #expect(processExitsWith: .success) {
            let eal = try EAL(arguments: ["mpcore-test", "--no-huge", "-m", "256", "--no-pci", "--no-shconf",
                                          "--file-prefix=mpcore_q_\(getpid())", "--log-level=lib.eal:error",
                                          "--vdev", "net_null0"])
            let port = try EthPort(PortID(0))
            try port.configure(rxQueues: 3, txQueues: 2, .init())
            let info = try port.info()
            guard info.configuredRxQueues == 3, info.configuredTxQueues == 2 else { exit(3) }
            eal.cleanup() // also removes the runtime dir, which --no-shconf still creates
        }
    }

    /// The last process of a group to clean up removes its hugepage files and runtime directory.
    @Test func cleanupOfTheLastProcessLeavesNothing() async {
        await #expect(processExitsWith: .success) {
            let prefix = "mpcore_rm_\(getpid())"
            let eal = try EAL(arguments: ["mpcore-test", "--no-pci", "--file-prefix=\(prefix)", "--log-level=lib.eal:error",
                                          "-l", "0"])
            _ = try PacketPool.create(name: "mpcore_rm_pool", count: 1024, cacheSize: 0)
            let fm = FileManager.default
            let hugeFiles = { (try? fm.contentsOfDirectory(atPath: "/dev/hugepages"))?.filter { $0.hasPrefix(prefix) } ?? [] }
            guard !hugeFiles().isEmpty, fm.fileExists(atPath: "/var/run/dpdk/\(prefix)") else { exit(2) }
            eal.cleanup()
            guard hugeFiles().isEmpty else { exit(3) }
            guard !fm.fileExists(atPath: "/var/run/dpdk/\(prefix)") else { exit(4) }
        }
    }

    /// `Shutdown.installHandlers` also works when the process starts with SIGINT blocked.
    @Test func handlersUnblockInheritedMask() async {
        await #expect(processExitsWith: .success) {
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, SIGINT)
            pthread_sigmask(SIG_BLOCK, &set, nil)
            Shutdown.installHandlers()
            raise(SIGINT)
            guard Shutdown.requested, Shutdown.signal == SIGINT else { exit(2) }
        }
    }
}
