/* SPDX-License-Identifier: BSD-3-Clause */
/* net_xen internals shared by the ethdev, datapath and stats files. */
#ifndef ETH_XEN_H
#define ETH_XEN_H

#include <stdbool.h>
#include <stdint.h>

#include <ethdev_driver.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_spinlock.h>

#include "eth_xen_args.h"
#include "eth_xen_ctrl.h"
#include "xnb_tx.h"
#include "xnb_vif.h"

/* Mbufs an Rx queue keeps allocated ahead (bulk refill). */
#define ETH_XEN_RX_CACHE 128
/* Smallest mbuf data room accepted: a 64 KiB guest frame must fit in
 * XNB_TX_MAX_SEGS segments. */
#define ETH_XEN_MIN_RX_BUF_SIZE 1024u
#define ETH_XEN_MAX_RX_PKTLEN XNB_RX_MAX_LEN
/* Software GSO: a guest frame cut into more segments than this (an MSS
 * far below any real link's) is dropped rather than amplified. */
#define ETH_XEN_SW_GSO_MAX_SEGS 1024u
/* dev_close of a port with a live guest: how long the frontend may take
 * to answer Closing, and how often to look. */
#define ETH_XEN_CLOSE_TIMEOUT_MS 1000
#define ETH_XEN_CLOSE_POLL_MS 10

struct eth_xen_internals;

/* ethdev Rx queue: guest transmit rings. */
struct eth_xen_rxq {
	struct eth_xen_internals *internals;
	struct rte_mempool *mp;
	uint16_t queue_id;
	uint16_t buf_size; /* data room of one mbuf, after headroom */
	bool sw_cksum;     /* finish blank L4 checksums in software */
	bool ip_cksum;     /* Rx IPv4 checksum offload: verify and flag */
	bool sw_gso;       /* no TCP LRO: segment guest GSO frames here */
	int intr_epfd;     /* Rx interrupt fd (eth_xen_intr.c), -1: none */
	int intr_kick;
	uint16_t nb_cache;
	struct rte_mbuf *cache[ETH_XEN_RX_CACHE];
	/* Guest frames taken but not yet delivered (software GSO made more
	 * mbufs than the burst had room for), returned first by the next
	 * burst; no guest frame is pulled while any wait. pend_seg: next
	 * segment of the first one. */
	uint16_t pend_head;
	uint16_t pend_n;
	uint16_t pend_seg;
	struct rte_mbuf *pend[XNB_TX_BURST_MAX];
	/* PMD counters (the protocol ones live in libxnb); a reset moves
	 * the baseline instead of racing the lcore. */
	uint64_t sw_cksum_pkts; /* blank checksums completed here */
	uint64_t sw_cksum_base;
	uint64_t sw_gso_pkts;   /* guest GSO frames segmented here */
	uint64_t sw_gso_base;
	uint64_t sw_gso_segs;   /* segments they became */
	uint64_t sw_gso_segs_base;
	uint64_t sw_gso_drop;   /* GSO frames that could not be segmented */
	uint64_t sw_gso_drop_base;
};

/* ethdev Tx queue: guest receive rings. */
struct eth_xen_txq {
	struct eth_xen_internals *internals;
	uint16_t queue_id;
	uint64_t link_down; /* packets refused while the guest was away */
	uint64_t link_down_base;
};

/* Per netif queue, guest receive side. Any ethdev Tx queue may send to
 * any netif queue (eth_xen_spread.c picks it per frame): lock serialises
 * them and the backlog flush of the Rx poll; a burst takes the locks of
 * several queues in ascending order. */
struct eth_xen_guest_rx {
	rte_spinlock_t lock;
	/* Features of the connection, refreshed inside the gate. */
	const struct xnb_vif_features *feat;
	/* The guest's hash configuration when it has a control ring (it
	 * then gets a hash extra with each frame it enabled hashing for),
	 * else NULL; refreshed with feat. */
	const struct xnb_ctrl *ctrl;
	uint64_t sw_cksum_pkts; /* checksums computed for the guest */
	uint64_t bad_offload;   /* offload requests that could not be met */
	uint64_t full;          /* frames refused: guest and backlog full */
	uint64_t sw_cksum_base;
	uint64_t bad_offload_base;
	uint64_t full_base;
} __rte_cache_aligned;

struct eth_xen_internals {
	struct rte_eth_dev *dev;
	struct eth_xen_args args;
	struct xnb_hv *hv;
	struct xnb_vif *vif;
	struct eth_xen_ctrl_client client;
	uint16_t max_queues;
	uint32_t backlog; /* frames a netif queue may hold for its guest */
	/* Control-thread state (under the control lock): an LSC event owed
	 * to the application; the toolstack's device is gone. */
	bool lsc_pending;
	bool removed;
	/* We asked the vif to close (rte_pmd_xen_close, dev_close): its
	 * "removed" is ours, not the toolstack's. */
	bool closing;
	/* The application turned packet types off (dev_ptypes_set with
	 * RTE_PTYPE_UNKNOWN); read by the lcores once a burst. */
	bool no_ptype;
	/* Datapath asked for xnb_vif_fatal() (set on an lcore). */
	uint32_t fatal_pending;
	struct eth_xen_guest_rx guest_rx[ETH_XEN_MAX_QUEUES];
	/* The backend "mac" key (under the control lock). */
	struct rte_ether_addr guest_mac;
	bool has_guest_mac;
	/* Control-ring counters at the last xstats reset. */
	struct xnb_ctrl_stats ctrl_base;
	/* Zero-copy guest Tx (eth_xen_zc.c): fragments longer than
	 * zc_copy_max are mapped (>= XNB_PAGE_SIZE: never). Counters at the
	 * last reset. */
	uint32_t zc_copy_max;
	struct xnb_tx_zc_stats zc_base[ETH_XEN_MAX_QUEUES];
};

uint16_t eth_xen_rx_burst(void *queue, struct rte_mbuf **pkts,
			  uint16_t nb_pkts);
uint16_t eth_xen_tx_burst(void *queue, struct rte_mbuf **pkts,
			  uint16_t nb_pkts);
/* Complete a blank L4 checksum at csum_off in the L4 header, in place
 * (headers in the first segment, lengths and packet type set). */
void eth_xen_rx_sw_cksum(struct rte_mbuf *m, uint32_t csum_off);
/* Software GSO (eth_xen_gso.c). pkts[0..got) were just received, room >=
 * got slots: returns how many mbufs pkts[] now holds, GSO frames replaced
 * by their segments; what does not fit waits in the pending queue, which
 * must be empty on entry. */
uint16_t eth_xen_rx_sw_gso(struct eth_xen_rxq *rxq, struct rte_mbuf **pkts,
			   uint16_t got, uint16_t room);
/* Deliver up to n pending mbufs to pkts; returns how many. */
uint16_t eth_xen_rx_pend_drain(struct eth_xen_rxq *rxq,
			       struct rte_mbuf **pkts, uint16_t n);
/* Free the pending frames (queue release). */
void eth_xen_rx_pend_free(struct eth_xen_rxq *rxq);
/* Hand every frame waiting in the guest Rx backlogs back to the mempool
 * (port stopped: no burst runs). */
void eth_xen_drain_backlogs(struct eth_xen_internals *internals);
/* Push what waits in netif queue qid's guest Rx backlog (eth_xen_tx.c;
 * called from the Rx poll). */
void eth_xen_tx_flush_backlog(struct eth_xen_internals *in, uint16_t qid);

/* Rx queue interrupts, set up at start when intr_conf.rxq is on. */
int eth_xen_intr_start(struct rte_eth_dev *dev);
void eth_xen_intr_stop(struct rte_eth_dev *dev);
int eth_xen_rx_intr_enable(struct rte_eth_dev *dev, uint16_t qid);
int eth_xen_rx_intr_disable(struct rte_eth_dev *dev, uint16_t qid);

int eth_xen_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *stats);
int eth_xen_stats_reset(struct rte_eth_dev *dev);
int eth_xen_xstats_get_names(struct rte_eth_dev *dev,
			     struct rte_eth_xstat_name *names,
			     unsigned int size);
int eth_xen_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xstats,
		       unsigned int n);
int eth_xen_xstats_reset(struct rte_eth_dev *dev);

#endif /* ETH_XEN_H */
