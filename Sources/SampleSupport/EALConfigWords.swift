/// The head of a group's shared EAL config (`<runtime dir>/config`, DPDK 22.11's
/// `struct rte_mem_config`, lib/eal/common/eal_memcfg.h: magic, version, nchannel, nrank, then
/// the rwlocks mlock, qlock, mplock, the spinlock tlock, and memory_hotplug_lock, 32 bits each),
/// and the start-up gate beside it: what a primary's lock repair (`EALLockRepair`, in mp_server
/// and the symmetric_mp primary) and the Swift secondaries' start-up gate (`StartupGate`) must
/// agree on. The repair proves the hotplug lock's offset at its start.
public enum EALConfigWords {
    /// `RTE_MAGIC`: set once the primary has finished its start-up.
    public static let magic: UInt32 = 19_820_526
    public static let magicOffset = 0, versionOffset = 4, memzoneLockOffset = 16, hotplugLockOffset = 32
    /// `rte_rwlock_t`'s bits: a writer waits (1), a writer holds it (2), each reader adds 4.
    public static let wait: Int32 = 1, write: Int32 = 2, reader: Int32 = 4
    /// The file in the runtime dir a Swift secondary (mp_client, symmetric_mp) holds locked
    /// (`flock`) from just before `rte_eal_init` until it returns.
    public static let startupGateName = "secondary_startup.lock"
}
