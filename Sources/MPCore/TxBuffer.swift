import CDPDK
import Glibc

/// A transmit buffer for one port and queue (`struct rte_eth_dev_tx_buffer`): packets are queued
/// one at a time and sent in bursts when the buffer fills or on `flush()`.
///
/// What the device refuses at a flush is freed and added to the drop counter given at creation
/// (DPDK's own `rte_eth_tx_buffer_count_callback`, so no Swift code runs per dropped packet).
/// Send what it holds with `flush()` (counting what it returns as sent) before dropping it: a
/// buffer dropped while holding packets frees them and counts them as dropped, so that no packet
/// leaves uncounted and nothing is sent on a port that may be gone.
///
/// A *returning* buffer (`returning:` at creation) frees nothing itself: it transmits with a
/// reference of its own on every packet and then puts every packet, sent or refused, on a ring
/// back to the process that handed it out, which frees it. A process that only ever transmits
/// this way never touches the shared pool, so its death at any instant leaves the pool whole
/// (see `ReturnPath`).
public struct TxBuffer: ~Copyable {
    @usableFromInline let raw: UnsafeMutablePointer<rte_eth_dev_tx_buffer>
    /// The port the buffer sends on.
    public let port: EthPort
    /// The TX queue of ``port`` it sends on.
    public let queue: QueueID
    @usableFromInline let drops: SharedCounter
    @usableFromInline let returnPath: ReturnPath?

    /// Allocates a buffer for up to `capacity` packets (`rte_eth_tx_buffer_init`), in this
    /// process's own memory.
    /// - Parameters:
    ///   - port: the port the buffer sends on.
    ///   - queue: the TX queue of `port`; one buffer per queue, used by one thread.
    ///   - capacity: packets queued before a send; 32, the samples' burst size, by default.
    ///   - drops: incremented by the number of packets a flush could not send.
    ///   - returning: where sent and refused packets go instead of being freed; nil to free them.
    /// - Throws: `DPDKError` (`ENOMEM`) when the buffer's memory cannot be allocated.
    public init(port: EthPort, queue: QueueID, capacity: Int = 32, drops: SharedCounter,
                returning: ReturnPath? = nil) throws(DPDKError) {
        // Process-private memory, not DPDK's shared heap (rte_zmalloc): only this process uses
        // the buffer, and a process killed inside rte_malloc would leave the heap's lock taken
        // for every other process of the group.
        let size = cdpdk_eth_tx_buffer_size(UInt16(capacity))
        guard let mem = calloc(1, size) else {
            throw DPDKError(code: ENOMEM, attempted: "allocating a TX buffer for port \(port.id)")
        }
        let buffer = mem.assumingMemoryBound(to: rte_eth_dev_tx_buffer.self)
        rte_eth_tx_buffer_init(buffer, UInt16(capacity))
        rte_eth_tx_buffer_set_err_callback(buffer, rte_eth_tx_buffer_count_callback, drops.pointer)
        self.raw = buffer
        self.port = port
        self.queue = queue
        self.drops = drops
        self.returnPath = returning
    }

    deinit {
        if count > 0 && cdpdk_eal_is_up() == 0 { outlivedEAL("a TxBuffer holding packets") }
        if let returnPath {
            returnPath.giveBack(cdpdk_eth_tx_buffer_pkts(raw), count: count, drops: drops)
            cdpdk_eth_tx_buffer_clear(raw)
        } else {
            cdpdk_eth_tx_buffer_drop(raw)
        }
        free(raw)
    }

    /// Packets waiting to be sent.
    public var count: Int { Int(cdpdk_eth_tx_buffer_length(raw)) }

    /// Queues one packet (`rte_eth_tx_buffer`); when that fills the buffer, sends the whole burst.
    /// - Returns: packets sent by this call (0 unless the buffer filled).
    @inlinable
    public func buffer(_ mbuf: consuming Mbuf) -> Int {
        if cdpdk_eth_tx_buffer_put(raw, mbuf.release()) == 0 { return 0 }
        return flush()
    }

    /// Sends what is queued (`rte_eth_tx_buffer_flush`); what the device refuses is freed (or
    /// handed back) and counted as dropped. Returns packets sent.
    @inlinable @discardableResult
    public func flush() -> Int {
        guard let returnPath else { return Int(rte_eth_tx_buffer_flush(port.id.rawValue, queue.rawValue, raw)) }
        return returnPath.transmit(port: port.id, queue: queue, raw, drops: drops)
    }
}
