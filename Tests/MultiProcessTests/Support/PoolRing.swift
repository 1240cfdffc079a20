import Foundation

/// The producer side of a group's mbuf pool ring (DPDK 22.11 `struct rte_ring` under the
/// `ring_mt_rts` ops), found by its name in the group's hugepage files and mapped by this test
/// process: to leave the ring as a process that died inside an enqueue leaves it.
///
/// Layout (rte_ring_core.h): the name (`MP_<pool>`) at offset 0 of the cache-aligned header, the
/// producer's head/tail at 128; for RTS, `tail` {cnt, pos} at +0, `sync_type` at +8 (2 =
/// `RTE_RING_SYNC_MT_RTS`), `htd_max` at +12, `head` {cnt, pos} at +16.
final class PoolRingProducer {
    private var map: UnsafeMutableRawPointer?
    private let header: Int
    private static let pageSize = 2 << 20

    init?(prefix: String, pool: String) {
        let name = Array(("MP_" + pool).utf8) + [0]
        let dir = "/dev/hugepages"
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasPrefix(prefix + "map_") }
        for file in files {
            let fd = open(dir + "/" + file, O_RDWR)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            guard let p = mmap(nil, Self.pageSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), p != MAP_FAILED else { continue }
            var offset = 0
            while offset + 384 <= Self.pageSize {
                if memcmp(p + offset, name, name.count) == 0, p.load(fromByteOffset: offset + 136, as: UInt32.self) == 2 {
                    map = p
                    header = offset
                    return
                }
                offset += 64
            }
            munmap(p, Self.pageSize)
        }
        return nil
    }

    deinit {
        if let map { munmap(map, Self.pageSize) }
    }

    /// An enqueue that reserved slots and will never finish: the head moves one operation and
    /// `htd_max + 1` slots ahead, so every later producer waits for the tail (RTS lets the head
    /// run at most `htd_max` ahead of it). Not atomic: only while no producer of the ring runs.
    func addUnfinishedEnqueue() {
        let prod = header + 128
        let htdMax = map!.load(fromByteOffset: prod + 12, as: UInt32.self)
        let cnt = map!.load(fromByteOffset: prod + 16, as: UInt32.self)
        let pos = map!.load(fromByteOffset: prod + 20, as: UInt32.self)
        map!.storeBytes(of: UInt64(pos &+ htdMax &+ 1) << 32 | UInt64(cnt &+ 1), toByteOffset: prod + 16, as: UInt64.self)
    }
}
