/* CClientServer: the shared-memory layout of DPDK's client_server_mp sample
 * (examples/multi_process/client_server_mp/shared/common.h), for mp_server and mp_client.
 *
 * The server and its clients, C or Swift, share these memzones: same names, same layout, byte for
 * byte (the _Static_asserts below guard what the C sample compiles to). The client registry is this
 * project's addition, in a memzone of its own, so the C sample's memzones stay unchanged. Kept out
 * of CDPDK, the general shim: only the client-server programs (through ClientServerShared) use it.
 * Header-only; every symbol is prefixed `ccs_`. */
#ifndef CCLIENTSERVER_H
#define CCLIENTSERVER_H

#include <rte_config.h> /* RTE_MAX_ETHPORTS, RTE_CACHE_LINE_SIZE */
#include <rte_common.h> /* __rte_cache_aligned */
#include <stddef.h>
#include <stdint.h>

/* ---- common.h: names and limits ------------------------------------------------------------ */

#define CCS_MAX_CLIENTS 16
#define CCS_MAX_PORTS RTE_MAX_ETHPORTS
#define CCS_CLIENT_RXQ_NAME "MProc_Client_%u_RX"
#define CCS_PKTMBUF_POOL_NAME "MProc_pktmbuf_pool"
#define CCS_MZ_PORT_INFO "MProc_port_info"

/* Written by the server's rx lcore only; read by the statistics display. */
struct ccs_rx_stats {
    uint64_t rx[RTE_MAX_ETHPORTS];
} __rte_cache_aligned;

/* Slot N is written by client N only; read by the server's statistics display. */
struct ccs_tx_stats {
    uint64_t tx[RTE_MAX_ETHPORTS];
    uint64_t tx_drop[RTE_MAX_ETHPORTS];
} __rte_cache_aligned;

/* Memzone "MProc_port_info" (`struct port_info`): num_ports and id[] are written by the server
 * before any client. */
struct ccs_port_info {
    uint16_t num_ports;
    uint16_t id[RTE_MAX_ETHPORTS];
    volatile struct ccs_rx_stats rx_stats;
    volatile struct ccs_tx_stats tx_stats[CCS_MAX_CLIENTS];
};

/* Guard the layout the C sample compiles to (RTE_MAX_ETHPORTS 32, 64-byte cache lines). */
_Static_assert(RTE_MAX_ETHPORTS == 32, "layout assumes Debian's RTE_MAX_ETHPORTS");
_Static_assert(RTE_CACHE_LINE_SIZE == 64, "layout assumes 64-byte cache lines");
_Static_assert(sizeof(struct ccs_rx_stats) == 256, "rx_stats size");
_Static_assert(sizeof(struct ccs_tx_stats) == 512, "tx_stats size");
_Static_assert(offsetof(struct ccs_port_info, id) == 2, "port_info.id offset");
_Static_assert(offsetof(struct ccs_port_info, rx_stats) == 128, "port_info.rx_stats offset");
_Static_assert(offsetof(struct ccs_port_info, tx_stats) == 384, "port_info.tx_stats offset");
_Static_assert(sizeof(struct ccs_port_info) == 384 + 16 * 512, "port_info size");

/* struct ccs_port_info is cache-aligned, so Swift does not import it (the memzone arrives as an
 * OpaquePointer), and arrays in C structs import as tuples: these hand Swift its size and plain
 * pointers into it. */
static const size_t ccs_port_info_size = sizeof(struct ccs_port_info);
static inline volatile uint64_t *ccs_rx_counters(struct ccs_port_info *pi) { return pi->rx_stats.rx; }
static inline volatile uint64_t *ccs_tx_counters(struct ccs_port_info *pi, unsigned client) {
    return pi->tx_stats[client].tx;
}
static inline volatile uint64_t *ccs_tx_drop_counters(struct ccs_port_info *pi, unsigned client) {
    return pi->tx_stats[client].tx_drop;
}
static inline uint16_t *ccs_port_ids(struct ccs_port_info *pi) { return pi->id; }
static inline uint16_t ccs_num_ports(const struct ccs_port_info *pi) { return pi->num_ports; }
static inline void ccs_set_num_ports(struct ccs_port_info *pi, uint16_t n) { pi->num_ports = n; }

/* ---- client registry: this project's addition, in a memzone of its own ------------------------
 * A C client simply never registers. */
#define CCS_MZ_CLIENT_REGISTRY "MProc_client_registry"
#define CCS_CLIENT_RETQ_NAME "MProc_Client_%u_RET"

/* Slot status, written by the server only (ClientStatus in Swift). */
enum {
    CCS_CLIENT_UNREGISTERED = 0, /* never claimed: the server delivers to it, as C does */
    CCS_CLIENT_STARTING = 1,     /* claimed; the server is preparing the id's rings */
    CCS_CLIENT_ALIVE = 2,
    CCS_CLIENT_STALLED = 3,      /* alive, but its heartbeat stopped */
    CCS_CLIENT_DEAD = 4,         /* exited; the server is reclaiming what it held */
    CCS_CLIENT_VACANT = 5,       /* reclaimed; the id is free again */
};

/* Padded by hand rather than __rte_cache_aligned, so that Swift imports the struct: one cache
 * line per writer. */
struct ccs_client_slot {
    /* Line 0, written by a client while it claims the id (pid by compare-and-swap, then the rest,
     * then ready_pid = pid); reset by the server once it has reclaimed a dead holder. */
    volatile int32_t pid;          /* 0: nobody holds the id */
    volatile uint32_t lcore;
    volatile uint64_t start_time;  /* /proc/<pid>/stat starttime: with pid, names the process */
    volatile uint64_t claimed_ns;  /* CLOCK_REALTIME at the claim */
    volatile int32_t ready_pid;    /* = pid once the fields above are written */
    uint8_t pad0[36];
    /* Line 1, written by the server only. */
    volatile uint32_t status;      /* CCS_CLIENT_* */
    volatile uint32_t generation;  /* registrations accepted for this id */
    volatile uint64_t reclaimed;   /* mbufs taken back from this id's dead holders */
    uint8_t pad1[48];
    /* Line 2, written by the client only: bumped on every pass of its loop. */
    volatile uint64_t heartbeat;
    uint8_t pad2[56];
};

struct ccs_client_registry {
    volatile int32_t mark_offset;     /* the owner mark: mbuf dynamic field offset (server) */
    volatile uint32_t clients_return; /* 1: clients hand every packet back (mp_server --reclaim) */
    uint8_t pad[56];
    struct ccs_client_slot slot[CCS_MAX_CLIENTS];
};
_Static_assert(sizeof(struct ccs_client_slot) == 192, "client slot: three cache lines");
_Static_assert(offsetof(struct ccs_client_slot, status) == 64, "client slot: server line");
_Static_assert(offsetof(struct ccs_client_slot, heartbeat) == 128, "client slot: client line");
_Static_assert(offsetof(struct ccs_client_registry, slot) == 64, "registry: slots on their own lines");

#endif /* CCLIENTSERVER_H */
