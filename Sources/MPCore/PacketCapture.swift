import CDPDK

/// DPDK's packet capture framework (`rte_pdump`), which `dpdk-dumpcap` and `dpdk-pdump` use.
///
/// Those tools run as secondary processes and ask the primary, over the EAL's multi-process
/// channel, to add RX/TX callbacks to the ports they capture. A primary that never called
/// `rte_pdump_init` refuses them ("Packet dump enable failed: Operation not permitted").
///
/// Costs nothing while nobody captures: enabling only registers a message handler; callbacks
/// sit on the ports only between a tool's start and its exit. While a capture runs, the
/// primary copies each captured packet into the tool's pool on the lcore that received or sent it.
///
/// What a capture sees: DPDK runs a port's callbacks in the process that calls
/// `rte_eth_rx_burst` / `rte_eth_tx_burst`, and the tools can only reach the primary, so
/// packets received or sent by secondary processes (mp_client's TX, a symmetric_mp secondary's
/// queues) are not captured.
public enum PacketCapture {
    /// Lets capture tools attach to this primary (`rte_pdump_init`). Call once, after the EAL.
    /// - Throws: `DPDKError` when the handler cannot be registered.
    public static func enable() throws(DPDKError) {
        if rte_pdump_init() != 0 { throw DPDKError.fromErrno("enabling packet capture (rte_pdump_init)") }
    }

    /// Stops serving capture tools (`rte_pdump_uninit`): before `EAL.cleanup()`.
    public static func disable() { _ = rte_pdump_uninit() }
}
