/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xnb-testback: a minimal netif backend for the sim tests, written only
 * against the hypervisor seam (xnb_hv.h). It forwards every packet from a
 * guest's Tx ring to another guest's Rx ring (by destination MAC; broadcast
 * to the next guest; back to the sender when it is alone) with batched
 * grant copies through a bounce buffer. It is lossless by back-pressure: a
 * packet whose destination has no Rx buffers waits (and so does the rest of
 * its source queue). A test tool, not the product.
 */
#ifndef TB_H
#define TB_H

#include <stdbool.h>
#include <stdint.h>

#include "fe_wire.h"
#include "xnb_hv.h"

#define TB_MAX_VIFS 16u
#define TB_MAX_QUEUES 8u
#define TB_BURST 32u
/* Data slots a packet may use; more is dropped, beyond TB_FATAL_SLOTS the
 * vif is disabled (netback's max_skb_slots / fatal_skb_slots). */
#define TB_MAX_SLOTS XEN_NETIF_NR_SLOTS_MIN
#define TB_FATAL_SLOTS 20u
#define TB_MAX_EXTRAS (XEN_NETIF_EXTRA_TYPE_MAX - 1)
#define TB_PKT_SLOTS (TB_FATAL_SLOTS + TB_MAX_EXTRAS)
/* Per-queue bounce arena: what one burst may hold. */
#define TB_ARENA (4u * 65536u)

struct tb_stats {
	uint64_t vifs_seen;
	uint64_t connects;
	uint64_t disconnects;
	uint64_t fwd_pkts;
	uint64_t fwd_bytes;
	uint64_t tx_errors; /* malformed Tx packets or failed Tx copies */
	uint64_t rx_errors; /* failed copies into guest Rx buffers */
	uint64_t drops; /* no destination or it cannot take the packet */
	uint64_t fatal; /* vifs disabled for breaking the protocol */
	uint64_t dead; /* frontends found dead */
};

/* One guest Tx packet between pulling it off the ring and responding. */
struct tb_pkt {
	uint8_t *data; /* in the queue's bounce arena */
	uint32_t len;
	int16_t status; /* NETIF_RSP_* for every Tx slot */
	uint16_t txflags; /* NETTXF_* of the first slot */
	uint8_t gso_type;
	uint16_t gso_size;
	unsigned int nslots; /* Tx ring slots, extras included */
	uint16_t ids[TB_PKT_SLOTS];
	uint32_t extra_mask; /* which slots are extra-info */
	unsigned int op_first; /* its Tx copy ops */
	unsigned int nops;
};

struct tb_vif;

struct tb_queue {
	struct tb_vif *vif;
	unsigned int id;
	netif_tx_back_ring_t tx;
	netif_rx_back_ring_t rx;
	xnb_gref_t tx_ref;
	void *tx_map;
	void *rx_map;
	int port_tx;
	int port_rx; /* == port_tx without split event channels */
	uint8_t *arena;
	struct tb_pkt pend[TB_BURST];
	unsigned int npend; /* pulled */
	unsigned int next; /* first not yet delivered */
};

struct tb_vif {
	uint16_t domid;
	unsigned int devid;
	char *be; /* our backend directory */
	char *fe; /* the frontend directory */
	char *fe_state_path;
	uint8_t mac[6];
	int state; /* our XenbusState as last written */
	bool present; /* still listed under backend/vif (reconcile) */
	bool connected;
	bool fatal;
	bool dead;
	bool fe_stale; /* frontend was Connected before we said InitWait */
	bool fe_sg;
	bool fe_gso4;
	bool fe_gso6;
	unsigned int nqueues;
	struct tb_queue q[TB_MAX_QUEUES];
};

struct tb {
	struct xnb_hv *hv;
	struct xnb_hv_evtchn *ec;
	char *vifdir; /* <own domain path>/backend/vif */
	unsigned int max_queues;
	struct tb_vif *vifs[TB_MAX_VIFS];
	struct xnb_gcopy ops[TB_BURST * TB_PKT_SLOTS];
	struct tb_stats st;
	unsigned int mapped; /* ring pages mapped now */
	unsigned int bound; /* event-channel ports bound now */
};

/* tb_vif.c: xenstore side */
int tb_vif_init(struct tb *tb);
/* Bring every vif in line with xenstore (after any watch event). */
void tb_vif_reconcile(struct tb *tb);
/* Disconnect vifs whose frontend died: found by the datapath, or (probe)
 * by a grant copy after @releaseDomain. */
void tb_vif_check_dead(struct tb *tb, bool probe);
/* Backend going away: every vif to Closed. */
void tb_vif_shutdown(struct tb *tb);
bool tb_vif_usable(const struct tb_vif *v);

/* tb_fwd.c: datapath */
/* One pass over every queue; true if anything moved. */
bool tb_fwd_poll(struct tb *tb);
/* Arm notifications before sleeping; true if work arrived meanwhile. */
bool tb_fwd_arm(struct tb *tb);

#endif /* TB_H */
