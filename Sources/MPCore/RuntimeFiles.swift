import CDPDK
import Glibc

/// The files a DPDK process group keeps on disk: hugepage files `<prefix>map_*` in each hugetlbfs
/// mount, and the runtime dir `/var/run/dpdk/<prefix>`.
///
/// DPDK leaves them behind at exit, so they keep hugepages reserved until the next primary with
/// the same prefix starts. The last process of a group to exit cleanly removes them: a file is
/// removed only when nobody holds its lock (DPDK takes a shared `flock` on every hugepage file it
/// maps, the test the EAL itself uses in `clear_hugedir`), and the runtime dir only after all of them.
struct RuntimeFiles: Sendable {
    let prefix: String
    let hugepageDirs: [String]
    let runtimeDir: String

    /// Reads the prefix and hugepage dirs from the EAL arguments; call after `rte_eal_init`.
    init(ealArguments args: [String]) {
        prefix = RuntimeFiles.option("--file-prefix", in: args) ?? "rte"
        if let dir = RuntimeFiles.option("--huge-dir", in: args) {
            hugepageDirs = [dir]
        } else {
            hugepageDirs = RuntimeFiles.hugetlbfsMounts()
        }
        runtimeDir = String(cString: rte_eal_get_runtime_dir())
    }

    /// Removes what no other process still uses. Call after `rte_eal_cleanup`.
    func removeUnused() {
        var inUse = false
        for dir in hugepageDirs {
            for name in RuntimeFiles.entries(of: dir) where name.hasPrefix(prefix + "map_") {
                let path = dir + "/" + name
                let fd = open(path, O_RDONLY)
                guard fd >= 0 else { continue }
                if flock(fd, LOCK_EX | LOCK_NB) == 0 { unlink(path) } else { inUse = true }
                close(fd)
            }
        }
        guard !inUse, !runtimeDir.isEmpty, runtimeDir.hasSuffix("/" + prefix) else { return }
        for name in RuntimeFiles.entries(of: runtimeDir) { unlink(runtimeDir + "/" + name) }
        rmdir(runtimeDir)
    }

    /// `--name=value` or `--name value`, the last one given (as getopt sees it).
    static func option(_ name: String, in args: [String]) -> String? {
        var value: String?
        var i = 0
        while i < args.count {
            if args[i] == "--" { break }
            if args[i].hasPrefix(name + "=") {
                value = String(args[i].dropFirst(name.count + 1))
            } else if args[i] == name, i + 1 < args.count {
                value = args[i + 1]
                i += 1
            }
            i += 1
        }
        return value
    }

    static func hugetlbfsMounts() -> [String] {
        guard let f = fopen("/proc/mounts", "r") else { return [] }
        defer { fclose(f) }
        var dirs: [String] = []
        var line: UnsafeMutablePointer<CChar>?
        var cap = 0
        while getline(&line, &cap, f) > 0, let line {
            let fields = String(cString: line).split(separator: " ")
            if fields.count > 2, fields[2] == "hugetlbfs" { dirs.append(String(fields[1])) }
        }
        free(line)
        return dirs
    }

    static func entries(of dir: String) -> [String] {
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}

extension EAL {
    /// This process's runtime dir (`rte_eal_get_runtime_dir`), where the group keeps its shared
    /// config and sockets. Valid once the EAL is up.
    public static var runtimeDirectory: String { String(cString: rte_eal_get_runtime_dir()) }

    /// The DPDK version this program was built against (`RTE_VERSION`, as the EAL records it in
    /// the group's shared config).
    public static var versionCode: UInt32 { cdpdk_rte_version() }

    /// Runs `body` holding the EAL's memory hotplug lock for reading (`rte_mcfg_mem_read_lock`):
    /// no process of the group can add or remove memory meanwhile. Keep `body` short.
    public static func withMemoryHotplugReadLock<R>(_ body: () throws -> R) rethrows -> R {
        rte_mcfg_mem_read_lock()
        defer { rte_mcfg_mem_read_unlock() }
        return try body()
    }

    /// The runtime dir the EAL uses for these arguments (`eal_get_runtime_dir`), known before
    /// `rte_eal_init`: `/var/run/dpdk/<prefix>` for root, else `$XDG_RUNTIME_DIR/dpdk/<prefix>`
    /// or `/tmp/dpdk/<prefix>`; the prefix is `--file-prefix`'s, `rte` by default. For what a
    /// process must do in the group's directory before it joins (mp_client's start-up gate).
    /// - Parameter arguments: the whole command line; only the EAL part (before `--`) is read.
    public static func runtimeDirectory(arguments: [String]) -> String {
        let prefix = RuntimeFiles.option("--file-prefix", in: arguments) ?? "rte"
        if getuid() == 0 { return "/var/run/dpdk/" + prefix }
        let base = getenv("XDG_RUNTIME_DIR").map { String(cString: $0) } ?? "/tmp"
        return base + "/dpdk/" + prefix
    }
}
