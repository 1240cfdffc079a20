import CDPDK

/// The CPU's time-stamp counter, as DPDK reads it (`rte_get_tsc_cycles`, `rte_get_tsc_hz`).
///
/// A clock cheap enough for a polling loop to read once per empty poll: periodic checks (is the
/// primary still alive?) without a system call on every iteration.
public enum TSC {
    /// Cycles since an arbitrary origin (`rte_get_tsc_cycles`, an inlined `rdtsc`).
    @inlinable public static var now: UInt64 { rte_get_tsc_cycles() }

    /// Cycles per second (`rte_get_tsc_hz`), measured by the EAL at init: call after `EAL(...)`.
    public static var hz: UInt64 { rte_get_tsc_hz() }

    /// Cycles in `milliseconds` ms.
    public static func cycles(milliseconds: UInt64) -> UInt64 { hz / 1000 * milliseconds }
}
