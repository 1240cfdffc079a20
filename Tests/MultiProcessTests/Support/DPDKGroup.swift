import Foundation
import Testing

/// Every multi-process suite nests in this one, so the whole target runs one test at a time:
/// busy-polling processes take a CPU each, and this machine has two.
@Suite(.serialized) enum MultiProcess {}

/// One group of cooperating DPDK processes: its own `--file-prefix`, and cleanup of every
/// process, runtime dir and hugepage file that carries it, before and after the test, also when
/// the test fails.
struct DPDKGroup {
    let prefix: String

    /// `--file-prefix` and `--no-pci`, the EAL options every process of the group takes.
    var eal: [String] { ["--file-prefix=\(prefix)", "--no-pci", "--log-level=lib.eal:error"] }

    /// Runs `body` with a fresh group named after `name` and this test process.
    static func with<R>(_ name: String, _ body: (DPDKGroup) async throws -> R) async throws -> R {
        let group = DPDKGroup(prefix: "mpt_\(name)_\(getpid())")
        group.cleanup()
        defer { group.cleanup() }
        return try await body(group)
    }

    /// Kills what is left of the group and removes its files.
    func cleanup() {
        let marker = "--file-prefix=\(prefix)"
        for pid in Self.pids(withArgument: marker) { kill(pid, SIGKILL) }
        for pid in Self.pids(withArgument: marker) { Self.reap(pid) }
        let fm = FileManager.default
        try? fm.removeItem(atPath: "/var/run/dpdk/\(prefix)")
        if let files = try? fm.contentsOfDirectory(atPath: "/dev/hugepages") {
            for f in files where f.hasPrefix(prefix) { try? fm.removeItem(atPath: "/dev/hugepages/\(f)") }
        }
    }

    /// Hugepage files and runtime dir entries the group still holds: empty after cleanup.
    func leftovers() -> [String] {
        let fm = FileManager.default
        var found = (try? fm.contentsOfDirectory(atPath: "/dev/hugepages"))?.filter { $0.hasPrefix(prefix) } ?? []
        if fm.fileExists(atPath: "/var/run/dpdk/\(prefix)") { found.append("/var/run/dpdk/\(prefix)") }
        return found
    }

    /// The group's hugepage files (`<prefix>map_*`, one per 2 MiB page its shared heap holds):
    /// the count grows when some process grows the heap.
    var hugepageFiles: Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/dev/hugepages")) ?? []).filter { $0.hasPrefix(prefix + "map_") }.count
    }

    private static func pids(withArgument marker: String) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { pid_t($0) }.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return data.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == marker }
        }
    }

    private static func reap(_ pid: pid_t) {
        for _ in 0..<200 where kill(pid, 0) == 0 { usleep(10_000) }
    }
}
