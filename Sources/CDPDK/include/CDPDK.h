/* CDPDK: the part of DPDK 22.11 that Swift cannot import by itself.
 *
 * Swift imports DPDK's functions, including its `static inline` fast paths (rte_eth_rx_burst,
 * rte_ring_enqueue_burst, rte_pktmbuf_free, ...), directly from the headers below. What is here
 * is only what the importer cannot reach: fields of `struct rte_mbuf` and `struct rte_memzone`
 * (anonymous unions and bitfields make them opaque), thread-local macros (`rte_errno`), iteration
 * macros, and atomic/volatile accesses to shared memory. Sample-specific layouts live elsewhere
 * (client_server_mp's in the CClientServer target). Every symbol is prefixed `cdpdk_`.
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
#include <rte_mbuf_dyn.h>
#include <rte_log.h>
#include <rte_telemetry.h>
#include <rte_pdump.h>
#include <string.h>

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

/* The write end of Shutdown's wake pipe (-1 until made): the signal handler writes a byte to it
 * (write is async-signal-safe) so that a thread blocked in poll() wakes up, whichever thread
 * the kernel delivered the signal to. Defined in shim.c. */
extern int cdpdk_wake_fd;
static inline int cdpdk_wake_fd_get(void) { return __atomic_load_n(&cdpdk_wake_fd, __ATOMIC_RELAXED); }
static inline void cdpdk_wake_fd_set(int fd) { __atomic_store_n(&cdpdk_wake_fd, fd, __ATOMIC_RELAXED); }

/* Non-zero between a successful rte_eal_init and the start of rte_eal_cleanup: packets, pool
 * buffers and TX buffers check it when they free into DPDK, so that one outliving the EAL traps
 * with a message instead of writing into unmapped shared memory. Defined in shim.c. */
extern int cdpdk_eal_up;
static inline int cdpdk_eal_is_up(void) { return __atomic_load_n(&cdpdk_eal_up, __ATOMIC_RELAXED); }
static inline void cdpdk_set_eal_up(int value) { __atomic_store_n(&cdpdk_eal_up, value, __ATOMIC_RELAXED); }

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

/* The queued packets of a TX buffer (pkts[] is a flexible array member), and emptying it
 * without freeing them: for a send whose packets go back to their owner afterwards. */
static inline struct rte_mbuf **cdpdk_eth_tx_buffer_pkts(struct rte_eth_dev_tx_buffer *b) { return b->pkts; }
static inline void cdpdk_eth_tx_buffer_clear(struct rte_eth_dev_tx_buffer *b) { b->length = 0; }

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

/* ---- mempool ops: the table is a global of cache-aligned structs ------------------------------ */

/* The ops names this process knows (drivers register them at load), by index. */
static inline unsigned cdpdk_mempool_ops_count(void) { return rte_mempool_ops_table.num_ops; }
static inline const char *cdpdk_mempool_ops_name(unsigned i) { return rte_mempool_ops_table.ops[i].name; }
/* The ops a pool was made with (`mp->ops_index`). */
static inline const char *cdpdk_mempool_ops_of(const struct rte_mempool *mp) {
    return rte_mempool_get_ops(mp->ops_index)->name;
}
/* A ring-backed pool's ring, or NULL: the pool's common store, for health checks. */
static inline struct rte_ring *cdpdk_mempool_ring(const struct rte_mempool *mp) {
    const char *ops = cdpdk_mempool_ops_of(mp);
    return strncmp(ops, "ring_", 5) == 0 ? (struct rte_ring *)mp->pool_data : NULL;
}

/* For a pool nobody uses any more: empty every lcore cache (forgetting what they held) and the
 * ring, then put `n` objects back into the ring. Ring-backed pools only (the caller checks). */
static inline int cdpdk_mempool_reset_with(struct rte_mempool *mp, void *const *objs, unsigned n) {
    if (mp->local_cache != NULL)
        for (unsigned i = 0; i < RTE_MAX_LCORE; i++) mp->local_cache[i].len = 0;
    rte_ring_reset((struct rte_ring *)mp->pool_data);
    return rte_mempool_ops_enqueue_bulk(mp, objs, n);
}
/* An mbuf in the state rte_mbuf_raw_free expects: one reference, one segment, no next. */
static inline void cdpdk_mbuf_make_free(struct rte_mbuf *m) {
    rte_mbuf_refcnt_set(m, 1);
    m->next = NULL;
    m->nb_segs = 1;
}

/* ---- mbuf references and dynamic fields ------------------------------------------------------ */

/* One more reference on every segment, so that a transmit's free only drops the PMD's. */
static inline void cdpdk_mbuf_ref_all_segs(struct rte_mbuf *m) {
    for (; m != NULL; m = m->next) rte_mbuf_refcnt_update(m, 1);
}
/* Back to a single reference on every segment: the caller is the only holder. */
static inline void cdpdk_mbuf_own_all_segs(struct rte_mbuf *m) {
    for (; m != NULL; m = m->next) rte_mbuf_refcnt_set(m, 1);
}
/* A 32-bit dynamic field (RTE_MBUF_DYNFIELD is a macro). */
static inline uint32_t cdpdk_mbuf_dyn_u32(const struct rte_mbuf *m, int offset) {
    return *RTE_MBUF_DYNFIELD(m, offset, const volatile uint32_t *);
}
static inline void cdpdk_mbuf_set_dyn_u32(struct rte_mbuf *m, int offset, uint32_t v) {
    *RTE_MBUF_DYNFIELD(m, offset, volatile uint32_t *) = v;
}

/* ---- ring positions (struct rte_ring is cache-aligned, so opaque to Swift) ------------------- */

/* Head and tail of one side, whatever its sync mode (each mode lays them out differently). */
static inline uint32_t cdpdk_ring_side_pos(const struct rte_ring *r, int producer, int head) {
    const struct rte_ring_headtail *ht = producer ? &r->prod : &r->cons;
    switch (ht->sync_type) {
    case RTE_RING_SYNC_MT_RTS: {
        const struct rte_ring_rts_headtail *rts = producer ? &r->rts_prod : &r->rts_cons;
        return head ? rts->head.val.pos : rts->tail.val.pos;
    }
    case RTE_RING_SYNC_MT_HTS: {
        const struct rte_ring_hts_headtail *hts = producer ? &r->hts_prod : &r->hts_cons;
        return head ? hts->ht.pos.head : hts->ht.pos.tail;
    }
    default:
        return head ? ht->head : ht->tail;
    }
}
static inline uint32_t cdpdk_ring_prod_head(const struct rte_ring *r) { return cdpdk_ring_side_pos(r, 1, 1); }
static inline uint32_t cdpdk_ring_prod_tail(const struct rte_ring *r) { return cdpdk_ring_side_pos(r, 1, 0); }
static inline uint32_t cdpdk_ring_cons_head(const struct rte_ring *r) { return cdpdk_ring_side_pos(r, 0, 1); }
static inline uint32_t cdpdk_ring_cons_tail(const struct rte_ring *r) { return cdpdk_ring_side_pos(r, 0, 0); }
/* For a single-producer / single-consumer ring whose other side has died: forget a
 * half-finished operation of the dead side (its head moved, its tail not). Safe only when the
 * dead process was that side's only user, and no thread uses that side while it runs. */
static inline void cdpdk_ring_forget_partial_dequeue(struct rte_ring *r) { r->cons.head = r->cons.tail; }
static inline void cdpdk_ring_forget_partial_enqueue(struct rte_ring *r) { r->prod.head = r->prod.tail; }

/* ---- processes ------------------------------------------------------------------------------- */

/* pidfd_open(2) through syscall(2), which is variadic (Swift cannot call it). */
#include <sys/syscall.h>
#include <unistd.h>
static inline int cdpdk_pidfd_open(int pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

/* ---- 32-bit words in shared memory (MPCore's SharedInt32, SharedUInt32) ------------------------ */

static inline int cdpdk_cas32(volatile int32_t *p, int32_t expected, int32_t desired) {
    return __atomic_compare_exchange_n(p, &expected, desired, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}
static inline int32_t cdpdk_load32(const volatile int32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void cdpdk_store32(volatile int32_t *p, int32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
static inline uint32_t cdpdk_loadu32(const volatile uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void cdpdk_storeu32(volatile uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

/* ---- counters in shared memory ------------------------------------------------------------- */

/* One writer, other processes read: a volatile 64-bit load/store, as the C samples do. Swift has
 * no volatile, and a plain pointee store may be kept in a register across a busy loop. */
static inline void cdpdk_counter_add(volatile uint64_t *c, uint64_t n) { *c += n; }
static inline uint64_t cdpdk_counter_read(const volatile uint64_t *c) { return *c; }
static inline void cdpdk_counter_store(volatile uint64_t *c, uint64_t v) { *c = v; }

/* ---- the EAL's memory config ------------------------------------------------------------------
 * For mp_server's repair of a read lock a dead process left (Sources/MPServer/EALLockRepair.swift,
 * through MPCore's EAL.versionCode and EAL.withMemoryHotplugReadLock): the version macro, and
 * the public rte_mcfg_mem_read_lock/unlock. */
#include <rte_version.h>
#include <rte_eal_memconfig.h>
static inline uint32_t cdpdk_rte_version(void) { return RTE_VERSION; }

/* ---- heap headroom ---------------------------------------------------------------------------
 * For MPCore's EAL.keepHeapHeadroom: a primary grows the shared heap once and keeps the pages, so
 * that secondaries' allocations never have to grow it (a secondary killed while growing the heap
 * leaves the memory hotplug lock held for writing, which nothing can safely take back).
 * rte_memseg_walk hands out const memsegs; as the EAL's own mark_freeable (eal.c) does, the walk
 * looks up the writable one and sets the flag `-m`/`--socket-mem` sets on their pages. */
static inline int cdpdk_memseg_keep(const struct rte_memseg_list *msl, const struct rte_memseg *ms, void *kept) {
    if (msl->external) return 0;
    struct rte_memseg *found = rte_mem_virt2memseg(ms->addr, msl);
    if (found != NULL && !(found->flags & RTE_MEMSEG_FLAG_DO_NOT_FREE)) {
        found->flags |= RTE_MEMSEG_FLAG_DO_NOT_FREE;
        *(size_t *)kept += found->len;
    }
    return 0;
}

/* Allocates `bytes` from the heap (growing it as needed), marks every page the heap then holds
 * as never to be given back, and frees the allocation, which so stays in the heap as free space.
 * Returns the bytes of pages newly marked (0 when all were marked already, as under --legacy-mem
 * or a large enough -m), or -ENOMEM when the allocation failed. */
static inline long cdpdk_heap_keep_headroom(size_t bytes) {
    void *p = rte_malloc(NULL, bytes, 0);
    if (p == NULL) return -ENOMEM;
    size_t kept = 0;
    rte_memseg_walk(cdpdk_memseg_keep, &kept);
    rte_free(p);
    return (long)kept;
}

#endif /* CDPDK_H */
