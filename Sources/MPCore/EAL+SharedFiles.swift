import CDPDK
import Glibc

extension EAL {
    /// Cleans the EAL up (`rte_eal_cleanup`) and then, in a primary, removes the files its group
    /// left behind: hugepage files no process maps any more, and then, if none is left, the
    /// runtime directory (`/var/run/dpdk/PREFIX`).
    ///
    /// For a primary that gives up (a bad command line, a port that will not start) before any
    /// other process could use its shared memory: `rte_eal_cleanup` unmaps the hugepages but
    /// leaves the files (and their reserved pages) behind, and secondaries need them only while
    /// the group runs. A file still mapped by another process is locked by it (`flock`) and is
    /// kept, as DPDK's own startup sweep does. A secondary removes nothing.
    public consuming func cleanupRemovingSharedFiles() {
        let isPrimary = role == .primary
        let runtimeDir = String(cString: rte_eal_get_runtime_dir())
        cleanup()
        guard isPrimary, let prefix = runtimeDir.split(separator: "/").last.map(String.init) else { return }
        var allRemoved = true
        for dir in hugetlbfsMounts() {
            guard let d = opendir(dir) else { continue }
            defer { closedir(d) }
            while let entry = readdir(d) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                guard name.hasPrefix(prefix + "map_") else { continue }
                let path = dir + "/" + name
                let fd = open(path, O_RDONLY)
                guard fd >= 0 else { continue }
                if flock(fd, LOCK_EX | LOCK_NB) == 0 { unlink(path) } else { allRemoved = false }
                close(fd)
            }
        }
        guard allRemoved, let d = opendir(runtimeDir) else { return }
        while let entry = readdir(d) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { unlink(runtimeDir + "/" + name) }
        }
        closedir(d)
        rmdir(runtimeDir)
    }
}

/// Mount points of hugetlbfs file systems (from `/proc/mounts`), where DPDK keeps hugepage files.
private func hugetlbfsMounts() -> [String] {
    guard let f = fopen("/proc/mounts", "r") else { return [] }
    defer { fclose(f) }
    var mounts: [String] = []
    var line = [CChar](repeating: 0, count: 4096)
    while fgets(&line, Int32(line.count), f) != nil {
        let fields = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .split(separator: " ")
        if fields.count > 2 && fields[2] == "hugetlbfs" { mounts.append(String(fields[1])) }
    }
    return mounts
}
