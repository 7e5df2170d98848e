/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xnb-simfront: a simulated guest (one process = one domain) whose netif
 * frontend behaves like Linux xen-netfront, for tests and benchmarks.
 */
#ifndef SIMFRONT_H
#define SIMFRONT_H

#include <stdbool.h>
#include <stdint.h>

#include "fe_pkt.h"
#include "fe_seq.h"
#include "fe_wire.h"

struct xs_handle;
struct xnb_simguest;
struct fe_hostile;

#define FE_MAX_QUEUES 8u
/* Flows per queue (--flows): 8 queues of 8 fill a receiver's stream
 * table (FE_SEQ_MAX_STREAMS). */
#define FE_MAX_FLOWS 8u
/* Guest pages per queue: Tx ring, Rx ring, a page per Tx id and Rx slot. */
#define FE_PAGES_PER_QUEUE (2u + 2u * FE_RING_SIZE)
/* Most data slots a packet may use (netif.h: the minimum a backend takes). */
#define FE_MAX_SLOTS XEN_NETIF_NR_SLOTS_MIN
/* Packets handled per queue per loop iteration. */
#define FE_BURST 64u

struct fe_opts {
	const char *dir;
	uint16_t domid;
	unsigned int devid;
	unsigned int queues;
	unsigned int flows; /* TCP source ports per queue, in turn */
	uint32_t size;
	uint64_t rate; /* packets per second, 0: as fast as possible */
	uint64_t count; /* good packets to send, 0: unbounded */
	double duration; /* seconds of traffic, 0: unbounded */
	double timeout; /* bound on the handshake and on the final drain */
	double stats_interval;
	uint64_t expect_rx;
	uint8_t dst_mac[6];
	bool verify;
	bool rx_only;
	bool tx_only;
	bool single_evtchn; /* one event channel even when split is offered */
	bool no_sg;
	bool no_gso;
	bool gso;
	bool allow_loss;
	bool wait_start; /* send only after SIGUSR1 */
	bool fast_tx; /* pre-built, persistently granted frames */
	const struct fe_hostile *hostile;
	int cpu;
};

struct fe_qstats {
	uint64_t tx_pkts;
	uint64_t tx_bytes;
	uint64_t tx_errors; /* NETIF_RSP_ERROR on a good packet */
	uint64_t tx_dropped; /* NETIF_RSP_DROPPED on a good packet */
	uint64_t tx_bad_rsp; /* responses with an unknown id */
	uint64_t hostile_sent;
	uint64_t hostile_rejected;
	uint64_t hostile_accepted;
	uint64_t rx_pkts; /* verified good (all received with --no-verify) */
	uint64_t rx_bytes;
	uint64_t rx_bad; /* failed verification or broken Rx responses */
	uint64_t rx_proto; /* of rx_bad: broken responses (status, offset) */
	int64_t rx_lost;
	uint64_t rx_reordered;
	uint64_t rx_dup;
	uint64_t rx_untracked;
	uint64_t rx_csum_blank;
	uint64_t rx_gso;
	uint64_t rx_why[FE_PKT_VERDICT_MAX];
};

enum fe_txslot_state {
	FE_TXS_FREE = 0,
	FE_TXS_INFLIGHT,
	FE_TXS_ENDING, /* responded, grant still in use by the backend */
};

struct fe_txslot {
	uint32_t gref; /* 0: page not granted */
	uint8_t state;
	bool head; /* first slot of its packet: the packet is counted here */
	bool hostile;
};

struct fe_queue {
	struct fe *fe;
	unsigned int id;
	unsigned int pfn_base;
	netif_tx_front_ring_t tx;
	netif_rx_front_ring_t rx;
	uint32_t tx_ring_gref;
	uint32_t rx_ring_gref;
	int evtchn_tx;
	int evtchn_rx; /* == evtchn_tx without split event channels */
	struct fe_txslot txs[FE_RING_SIZE];
	uint16_t tx_free[FE_RING_SIZE]; /* stack of free ids */
	unsigned int tx_nfree;
	unsigned int tx_inflight; /* ids not yet responded */
	unsigned int tx_nending;
	uint32_t rx_gref[FE_RING_SIZE]; /* by ring slot, 0: none */
	uint64_t tx_seq;
	uint64_t flow_seq[FE_MAX_FLOWS]; /* next sequence number per flow */
	uint64_t tx_turn; /* alternates good and hostile packets */
	unsigned int pool_pfn; /* --fast-tx frame pool: first page */
	uint32_t *pool_gref; /* by pool page, 0: not granted */
	uint8_t *rx_frame; /* reassembly buffer for verification */
	struct fe_qstats st;
};

struct fe {
	struct fe_opts opt;
	struct xnb_simguest *g;
	struct xs_handle *xs;
	char fe_dir[64];
	char *be_path; /* NULL until the toolstack attached the device */
	char *be_state_path;
	uint16_t be_domid;
	uint8_t mac[6];
	int state; /* our XenbusState as last written */
	int be_state; /* backend XenbusState as last read */
	bool be_sg;
	bool be_gso4;
	const char *fail; /* why the run cannot go on, NULL while it can */
	bool retry; /* a connect attempt must be retried soon */
	unsigned int nqueues; /* queues set up, 0 when disconnected */
	unsigned int queues_used; /* by the last connection */
	struct fe_queue q[FE_MAX_QUEUES];
	uint32_t *zombies; /* grants to end once the backend lets go */
	unsigned int nzombies;
	unsigned int max_zombies;
	struct fe_seq_table seq;
	uint64_t connects;
	uint64_t tx_good; /* good packets put on rings, for --count */
};

/* A class of malformed Tx input (--hostile). */
struct fe_hostile {
	const char *name;
	const char *help;
	/* Put one malformed packet on the Tx ring: 1 when done, 0 when the
	 * ring has no room now, -errno on failure. */
	int (*emit)(struct fe_queue *q);
};

/* fe_opts.c: 0, 1 after --help, -EINVAL (message printed). */
int fe_opts_parse(int argc, char **argv, struct fe_opts *o);

/* fe_xenbus.c: the xenbus handshake, as xen-netfront does it. */
int fe_xenbus_open(struct fe *fe);
void fe_xenbus_close(struct fe *fe);
int fe_xenbus_fd(struct fe *fe);
/* Handle queued watch events (and retries); reacts to backend states. */
void fe_xenbus_poll(struct fe *fe);
/* True while both ends are Connected and rings are set up. */
bool fe_xenbus_ready(const struct fe *fe);
/* Netfront's remove: Closing, wait for the backend, Closed (bounded). */
void fe_xenbus_shutdown(struct fe *fe);
/* The guest re-probes the device (driver unbind + bind): remove, then the
 * handshake again from Initialising. */
void fe_xenbus_rebind(struct fe *fe);

/* fe_queue.c: shared rings, event channels and grants of a queue. */
int fe_queue_setup(struct fe_queue *q, bool split);
void fe_queue_teardown(struct fe_queue *q);
/* End a grant now or, while the backend still uses it, later. */
void fe_grant_end(struct fe *fe, uint32_t gref);
/* Retry deferred grant ends; returns how many are still pending. */
unsigned int fe_grant_reclaim(struct fe *fe);
/* Guest page of Tx id / Rx ring slot. */
unsigned int fe_tx_pfn(const struct fe_queue *q, unsigned int id);
unsigned int fe_rx_pfn(const struct fe_queue *q, unsigned int slot);
void fe_notify(struct fe_queue *q, int port);

/* fe_tx.c */
int fe_tx_send(struct fe_queue *q, unsigned int budget);
int fe_tx_complete(struct fe_queue *q);
unsigned int fe_tx_ring_free(const struct fe_queue *q);
/* Take a free Tx id for a slot of a packet; -ENOSPC when none. */
int fe_tx_slot_get(struct fe_queue *q, bool head, bool hostile);
/* Grant the page of Tx id read-only to the backend; gref or -errno. */
int fe_tx_slot_grant(struct fe_queue *q, unsigned int id);
/* Undo fe_tx_slot_get (+ grant) for a packet that was not queued. */
void fe_tx_slot_put(struct fe_queue *q, unsigned int id);
netif_tx_request_t *fe_tx_next_req(struct fe_queue *q);
void fe_tx_push(struct fe_queue *q);

/* Shared with fe_fast.c: a GSO extra follows the first slot. */
bool fe_tx_is_gso(const struct fe *fe);
void fe_tx_put_gso_extra(struct fe_queue *q);

/*
 * fe_fast.c (--fast-tx): FE_PKT_SEED_PERIOD frames per queue built once in
 * a page pool granted read-only once per connection; a packet only gets its
 * sequence number written. A frame is rewritten FE_PKT_SEED_PERIOD packets
 * later, when the ring (FE_RING_SIZE ids) guarantees its response came.
 */
/* Pool pages per queue for frames of len bytes. */
unsigned int fe_fast_pool_pages(uint32_t len);
int fe_fast_setup(struct fe_queue *q);
void fe_fast_teardown(struct fe_queue *q);
/* Queue one good frame; 1 when queued, 0 when out of room. */
int fe_fast_tx_one(struct fe_queue *q);

/* fe_rx.c */
int fe_rx_poll(struct fe_queue *q, unsigned int budget);
/* Post Rx buffers into every free ring slot; returns how many. */
unsigned int fe_rx_post(struct fe_queue *q);
void fe_rx_refill(struct fe_queue *q);

/* fe_hostile.c */
const struct fe_hostile *fe_hostile_find(const char *name);
void fe_hostile_list(void);

/* fe_stats.c */
void fe_stats_sum(const struct fe *fe, struct fe_qstats *sum);
void fe_stats_interval(const struct fe *fe, double elapsed);
void fe_stats_json(const struct fe *fe, double elapsed, bool ok,
		   const char *why);

#endif /* SIMFRONT_H */
