/* CDPDK: the part of DPDK 22.11 that Swift cannot import by itself.
 *
 * Swift imports DPDK's functions, including its `static inline` fast paths (rte_eth_rx_burst,
 * rte_ring_enqueue_burst, rte_pktmbuf_free, ...), directly from the headers below. What is here
 * is only what the importer cannot reach: fields of `struct rte_mbuf` and `struct rte_memzone`
 * (anonymous unions and bitfields make them opaque), thread-local macros (`rte_errno`), iteration
 * macros, and the shared-memory layout of the client_server_mp sample, which must match the C
 * sample byte for byte. Every symbol is prefixed `cdpdk_`.
 */
#ifndef CDPDK_H
#define CDPDK_H

#if !__has_include(<rte_config.h>)
#error "DPDK's headers not found: install libdpdk-dev and libdpdk-swiftpm.pc (scripts/setup.sh; README, Using MPCore from your package)"
#endif
#include <rte_config.h> /* first: every DPDK header assumes it (`-include rte_config.h` in C builds) */
#include <rte_common.h>
#include <rte_vect.h>

/* DPDK's C builds pass -march=corei7 (libdpdk.pc's Cflags), which SwiftPM does not take from a
 * .pc file and which a package must not force on its users as an unsafe flag. Only rte_memcpy.h
 * needs more than baseline x86-64 (SSSE3 intrinsics), so its functions, and only those, are
 * compiled for SSSE3. Other DPDK inline functions keep the baseline target so that Swift still
 * inlines them (LLVM does not inline a callee built for more CPU features than its caller);
 * within them rte_memcpy is the compiler's memcpy, as DPDK itself defines it on arm64. */
#ifdef RTE_ARCH_X86
#pragma clang attribute push(__attribute__((target("ssse3"))), apply_to = function)
#include <rte_memcpy.h>
#pragma clang attribute pop
#define rte_memcpy(dst, src, n) memcpy((dst), (src), (n))
#endif

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_launch.h>
#include <rte_malloc.h>
#include <rte_memzone.h>
#include <rte_mempool.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_eth_ring.h>
#include <rte_cycles.h>

/* ---- errors -------------------------------------------------------------------------------- */

/* rte_errno is a per-lcore TLS variable behind a macro. */
static inline int cdpdk_errno(void) { return rte_errno; }

/* ---- console ---------------------------------------------------------------------------------- */

/* Glibc's stdout/stderr are mutable globals, which Swift 6 refuses to touch from any thread. */
static inline FILE *cdpdk_stdout(void) { return stdout; }
static inline FILE *cdpdk_stderr(void) { return stderr; }

/* ---- the stop flag --------------------------------------------------------------------------- */

/* SIGINT/SIGTERM store the signal number here; polling loops read it once per burst. A C global
 * with inline relaxed accessors is a plain load in the loop, where a Swift global would cost an
 * accessor call (lazy initialisation check) on every read. Defined in shim.c. */
extern int cdpdk_stop_flag;
static inline int cdpdk_stop_requested(void) { return __atomic_load_n(&cdpdk_stop_flag, __ATOMIC_RELAXED); }
static inline void cdpdk_set_stop(int value) { __atomic_store_n(&cdpdk_stop_flag, value, __ATOMIC_RELAXED); }

/* An int shared between two threads of this process: a flag set once (acquire/release). */
static inline int cdpdk_flag_load(const int *f) { return __atomic_load_n(f, __ATOMIC_ACQUIRE); }
static inline void cdpdk_flag_store(int *f, int v) { __atomic_store_n(f, v, __ATOMIC_RELEASE); }

/* ---- lcores ---------------------------------------------------------------------------------- */

/* RTE_LCORE_FOREACH_WORKER is a macro; this is its step. Returns RTE_MAX_LCORE past the last. */
static inline unsigned cdpdk_next_worker_lcore(unsigned after) {
    return rte_get_next_lcore(after, 1, 0);
}

/* ---- rings and mempools: both structs are opaque to Swift (cache-aligned members) ------- */

static inline const char *cdpdk_ring_name(const struct rte_ring *r) { return r->name; }
static inline const char *cdpdk_mempool_name(const struct rte_mempool *mp) { return mp->name; }
static inline uint32_t cdpdk_mempool_size(const struct rte_mempool *mp) { return mp->size; }
static inline uint32_t cdpdk_mempool_elt_size(const struct rte_mempool *mp) { return mp->elt_size; }

/* ---- mbuf fields: struct rte_mbuf imports as an opaque pointer ---------------------------- */

static inline uint16_t cdpdk_mbuf_port(const struct rte_mbuf *m) { return m->port; }
static inline void cdpdk_mbuf_set_port(struct rte_mbuf *m, uint16_t port) { m->port = port; }
static inline uint32_t cdpdk_mbuf_pkt_len(const struct rte_mbuf *m) { return m->pkt_len; }
static inline uint16_t cdpdk_mbuf_data_len(const struct rte_mbuf *m) { return m->data_len; }
static inline uint16_t cdpdk_mbuf_nb_segs(const struct rte_mbuf *m) { return m->nb_segs; }
static inline uint32_t cdpdk_mbuf_rss_hash(const struct rte_mbuf *m) { return m->hash.rss; }
/* rte_pktmbuf_mtod is a macro. */
static inline void *cdpdk_mbuf_data(struct rte_mbuf *m) { return rte_pktmbuf_mtod(m, void *); }
/* rte_pktmbuf_append returns char *, NULL when the segment has no room. */
static inline void *cdpdk_mbuf_append(struct rte_mbuf *m, uint16_t len) {
    return rte_pktmbuf_append(m, len);
}

/* ---- memzones: struct rte_memzone has an anonymous union around its address ------------- */

static inline void *cdpdk_memzone_addr(const struct rte_memzone *mz) { return mz->addr; }
static inline size_t cdpdk_memzone_len(const struct rte_memzone *mz) { return mz->len; }

/* ---- ethdev ----------------------------------------------------------------------------------- */

/* RTE_ETH_FOREACH_DEV is a macro; this is its step. Returns RTE_MAX_ETHPORTS past the last. */
static inline uint16_t cdpdk_eth_next_port(uint16_t from) {
    return (uint16_t)rte_eth_find_next_owned_by(from, RTE_ETH_DEV_NO_OWNER);
}

/* RTE_ETH_TX_BUFFER_SIZE is a macro. */
static inline size_t cdpdk_eth_tx_buffer_size(uint16_t capacity) {
    return RTE_ETH_TX_BUFFER_SIZE(capacity);
}

/* rte_eth_tx_buffer's count of queued packets lives in a struct with a flexible array. */
static inline uint16_t cdpdk_eth_tx_buffer_length(const struct rte_eth_dev_tx_buffer *b) {
    return b->length;
}

/* rte_eth_tx_buffer without its send: queues the packet and says whether the buffer is now
 * full (the caller then flushes, out of line). pkts[] is a flexible array member. */
static inline int cdpdk_eth_tx_buffer_put(struct rte_eth_dev_tx_buffer *b, struct rte_mbuf *m) {
    b->pkts[b->length++] = m;
    return b->length >= b->size;
}

/* Frees what a TX buffer holds without sending it, through its error callback so the drops
 * are counted: for when the port must not be touched (the primary is gone). pkts[] is a
 * flexible array member, which Swift does not import. */
static inline uint16_t cdpdk_eth_tx_buffer_drop(struct rte_eth_dev_tx_buffer *b) {
    uint16_t n = b->length;
    if (n != 0) {
        b->length = 0;
        b->error_callback(b->pkts, n, b->error_userdata);
    }
    return n;
}

/* The RSS and offload flags are RTE_BIT64() macros, which Swift does not import. */
static const uint64_t cdpdk_eth_rss_ip = RTE_ETH_RSS_IP;
static const uint64_t cdpdk_eth_rx_offload_checksum = RTE_ETH_RX_OFFLOAD_CHECKSUM;
static const uint64_t cdpdk_eth_tx_offload_mbuf_fast_free = RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE;

/* rte_eth_link_to_str is still marked experimental in 22.11; Swift would warn at every use. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static inline int cdpdk_eth_link_to_str(char *str, size_t len, const struct rte_eth_link *l) {
    return rte_eth_link_to_str(str, len, l);
}
#pragma GCC diagnostic pop

/* rte_eth_link packs its fields in bitfields. */
static inline int cdpdk_eth_link_is_up(const struct rte_eth_link *l) {
    return l->link_status == RTE_ETH_LINK_UP;
}

/* ---- client_server_mp shared memory (examples/multi_process/client_server_mp/shared/common.h) */

/* The server and its clients, C or Swift, share this memzone: same names, same layout. */
#define CDPDK_CS_MAX_CLIENTS 16
#define CDPDK_CS_CLIENT_RXQ_NAME "MProc_Client_%u_RX"
#define CDPDK_CS_PKTMBUF_POOL_NAME "MProc_pktmbuf_pool"
#define CDPDK_CS_MZ_PORT_INFO "MProc_port_info"

/* Written by the server's rx lcore only; read by the statistics display. */
struct cdpdk_cs_rx_stats {
    uint64_t rx[RTE_MAX_ETHPORTS];
} __rte_cache_aligned;

/* Slot N is written by client N only; read by the server's statistics display. */
struct cdpdk_cs_tx_stats {
    uint64_t tx[RTE_MAX_ETHPORTS];
    uint64_t tx_drop[RTE_MAX_ETHPORTS];
} __rte_cache_aligned;

/* Memzone "MProc_port_info": num_ports and id[] are written by the server before any client. */
struct cdpdk_cs_port_info {
    uint16_t num_ports;
    uint16_t id[RTE_MAX_ETHPORTS];
    volatile struct cdpdk_cs_rx_stats rx_stats;
    volatile struct cdpdk_cs_tx_stats tx_stats[CDPDK_CS_MAX_CLIENTS];
};

/* Guard the layout the C sample compiles to (RTE_MAX_ETHPORTS 32, 64-byte cache lines). */
_Static_assert(RTE_MAX_ETHPORTS == 32, "layout assumes Debian's RTE_MAX_ETHPORTS");
_Static_assert(RTE_CACHE_LINE_SIZE == 64, "layout assumes 64-byte cache lines");
_Static_assert(sizeof(struct cdpdk_cs_rx_stats) == 256, "rx_stats size");
_Static_assert(sizeof(struct cdpdk_cs_tx_stats) == 512, "tx_stats size");
_Static_assert(offsetof(struct cdpdk_cs_port_info, id) == 2, "port_info.id offset");
_Static_assert(offsetof(struct cdpdk_cs_port_info, rx_stats) == 128, "port_info.rx_stats offset");
_Static_assert(offsetof(struct cdpdk_cs_port_info, tx_stats) == 384, "port_info.tx_stats offset");
_Static_assert(sizeof(struct cdpdk_cs_port_info) == 384 + 16 * 512, "port_info size");

/* Arrays in C structs import as tuples; these hand Swift plain pointers into the memzone. */
static inline volatile uint64_t *cdpdk_cs_rx_counters(struct cdpdk_cs_port_info *pi) {
    return pi->rx_stats.rx;
}
static inline volatile uint64_t *cdpdk_cs_tx_counters(struct cdpdk_cs_port_info *pi, unsigned client) {
    return pi->tx_stats[client].tx;
}
static inline volatile uint64_t *cdpdk_cs_tx_drop_counters(struct cdpdk_cs_port_info *pi, unsigned client) {
    return pi->tx_stats[client].tx_drop;
}
static inline uint16_t *cdpdk_cs_port_ids(struct cdpdk_cs_port_info *pi) { return pi->id; }
/* struct cdpdk_cs_port_info is cache-aligned, so Swift does not import it: its size and
 * num_ports come through here (the memzone arrives in Swift as an OpaquePointer). */
static const size_t cdpdk_cs_port_info_size = sizeof(struct cdpdk_cs_port_info);
static inline uint16_t cdpdk_cs_num_ports(const struct cdpdk_cs_port_info *pi) { return pi->num_ports; }
static inline void cdpdk_cs_set_num_ports(struct cdpdk_cs_port_info *pi, uint16_t n) { pi->num_ports = n; }

/* ---- counters in shared memory ------------------------------------------------------------- */

/* One writer, other processes read: a volatile 64-bit load/store, as the C samples do. Swift has
 * no volatile, and a plain pointee store may be kept in a register across a busy loop. */
static inline void cdpdk_counter_add(volatile uint64_t *c, uint64_t n) { *c += n; }
static inline uint64_t cdpdk_counter_read(const volatile uint64_t *c) { return *c; }
static inline void cdpdk_counter_store(volatile uint64_t *c, uint64_t v) { *c = v; }

#endif /* CDPDK_H */
