/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Guest Rx (backend -> frontend): one netif Rx ring.
 *
 * The caller hands packets over as opaque cookies (mbufs, for the PMD) and
 * describes each on request as segments (local data, or data in another
 * guest's granted page) plus offload flags. xnb_rxq_xmit() takes the
 * guest's Rx requests (each copied out of the ring once), grant-copies the
 * frames into the granted pages in one copy_grants call per burst (per 64
 * copy ops, as netback, each part answered and pushed so that a guest
 * taking large frames can start on them), answers each request in its own
 * ring slot (netfront ignores ids), splits frames over several slots with
 * NETRXF_more_data when the guest has feature-sg, adds extra-info slots
 * after the first data slot (GSO when the guest negotiated that GSO type,
 * then the Toeplitz hash when the caller gives one; chained with
 * XEN_NETIF_EXTRA_FLAG_MORE), starts every frame at the guest's
 * xdp-headroom, and notifies according to rsp_event.
 *
 * Frames the guest has no room for wait in a bounded per-queue backlog
 * (FIFO); beyond it they are dropped and counted (XSA-392). Cookies of
 * delivered and dropped frames go back through ops->release().
 *
 * Threading: one rxq is used by one lcore at a time (inside the queue gate,
 * xnb_queue.h); create/attach/detach/set_features/destroy belong to the
 * control thread (set_features may run while an lcore transmits).
 */
#ifndef XNB_RX_H
#define XNB_RX_H

#include <stdbool.h>
#include <stdint.h>

#include "xnb_hv.h"
#include "xnb_ring.h"
#include "xnb_stats.h"
#include "xnb_tx.h" /* struct xnb_ring_info */

struct xnb_mcast;
struct xnb_rxq;

/* Cookies processed per internal batch (one grant-copy call each). */
#define XNB_RX_BURST_MAX 64
/* Most segments one frame may be described with. */
#define XNB_RX_MAX_SEGS 64
/* Largest frame (bytes) the guest can be given. */
#define XNB_RX_MAX_LEN 65535u

/* xnb_rx_pkt.flags */
#define XNB_RX_F_CSUM_BLANK 0x1     /* L4 csum not filled: NETRXF_csum_blank
				     * | NETRXF_data_validated */
#define XNB_RX_F_DATA_VALIDATED 0x2 /* NETRXF_data_validated */
#define XNB_RX_F_HASH 0x4           /* hash, hash_type valid: the guest
				     * gets a XEN_NETIF_EXTRA_TYPE_HASH */

/* xnb_rx_seg.flags */
#define XNB_RX_SEG_GREF 0x1 /* copy from the grant (domid, gref, offset) */

/*
 * One piece of a frame. addr is where the data can be read here (for the
 * multicast filter). When the data is another guest's page mapped here
 * (zero-copy guest Tx), the copy must name that grant instead: Xen refuses
 * a local copy source that is itself a foreign mapping. Such a segment
 * sets XNB_RX_SEG_GREF and must lie within its page (offset + len <=
 * XNB_PAGE_SIZE), else the frame is dropped (drop_desc).
 */
struct xnb_rx_seg {
	void *addr;
	uint32_t len;
	uint16_t flags;       /* XNB_RX_SEG_* */
	xnb_domid_t domid;    /* XNB_RX_SEG_GREF: the granting domain, */
	xnb_gref_t gref;      /* its grant */
	uint16_t offset;      /* and the data's offset in the page */
};

struct xnb_rx_pkt {
	uint32_t len;       /* frame length (at most the sum of segs) */
	uint16_t flags;     /* XNB_RX_F_* */
	uint16_t gso_size;  /* MSS when gso_type != XEN_NETIF_GSO_TYPE_NONE */
	uint8_t gso_type;   /* XEN_NETIF_GSO_TYPE_{NONE,TCPV4,TCPV6} */
	uint8_t hash_type;  /* XNB_RX_F_HASH: _XEN_NETIF_CTRL_HASH_TYPE_* */
	uint16_t nr_segs;
	uint32_t hash;      /* XNB_RX_F_HASH: the Toeplitz hash (xnb_ctrl) */
	struct xnb_rx_seg segs[XNB_RX_MAX_SEGS];
};

struct xnb_rx_ops {
	/*
	 * Describe the frame behind cookie into pkt (library scratch): every
	 * field, but hash and hash_type only with XNB_RX_F_HASH and a
	 * segment's domid, gref and offset only with XNB_RX_SEG_GREF. Return
	 * 0, or a negative errno to have the frame dropped (counted
	 * drop_desc), e.g. -E2BIG for more than XNB_RX_MAX_SEGS segments. May
	 * be called more than once for a backlogged cookie; the data must
	 * stay valid until release().
	 */
	int (*describe)(void *arg, void *cookie, struct xnb_rx_pkt *pkt);
	/* Frames done with (delivered or dropped): free them. */
	void (*release)(void *arg, void **cookies, unsigned int n);
};

/* Features the frontend negotiated (xnb_vif sets them at connect). */
struct xnb_rx_features {
	bool sg;            /* feature-sg: frames may span slots */
	bool gso_tcpv4;     /* feature-gso-tcpv4 */
	bool gso_tcpv6;     /* feature-gso-tcpv6 */
	bool rx_notify;     /* feature-rx-notify: guest kicks when it posts */
	bool mcast_filter;  /* request-multicast-control: filter multicast */
	uint16_t xdp_headroom; /* offset of every frame in its first page */
};

struct xnb_rxq_conf {
	struct xnb_hv *hv;
	uint16_t qid;             /* reported to fatal() */
	uint32_t backlog;         /* frames that may wait (0: none) */
	struct xnb_mcast *mcast;  /* the vif's multicast filter (required) */
	/* As in xnb_txq_conf. */
	void (*fatal)(void *arg, uint16_t qid);
	void *fatal_arg;
};

enum xnb_rxq_state {
	XNB_RXQ_IDLE,   /* nothing waits */
	XNB_RXQ_WAIT,   /* frames wait; the guest will notify when it posts
			 * buffers: sleeping on the event channel is safe */
	XNB_RXQ_POLL,   /* frames wait and the guest will not notify (no
			 * feature-rx-notify): call xnb_rxq_xmit() again */
};

/* Allocate a detached rxq. NULL + errno. */
struct xnb_rxq *xnb_rxq_create(const struct xnb_rxq_conf *conf);
/* Free a detached rxq whose backlog was drained. */
void xnb_rxq_destroy(struct xnb_rxq *rxq);

/* Attach to a mapped Rx shared ring; -EPROTO when req_prod - rsp_prod
 * exceeds the ring size. The backlog survives detach/attach. */
int xnb_rxq_attach(struct xnb_rxq *rxq, xnb_domid_t domid, void *sring,
		   struct xnb_hv_evtchn *ec, xnb_evtchn_port_t port,
		   const struct xnb_rx_features *feat);
void xnb_rxq_detach(struct xnb_rxq *rxq);
/* Change negotiated features of an attached queue (xdp-headroom after
 * Reconfiguring, request-multicast-control). */
void xnb_rxq_set_features(struct xnb_rxq *rxq,
			  const struct xnb_rx_features *feat);

/*
 * Take n cookies (any n) and deliver what the guest has room for, backlog
 * first. Returns n: every cookie now belongs to the library and comes
 * back through ops->release(), possibly in a later call. When detached,
 * all of them are dropped (drop_backlog) and released at once.
 */
uint16_t xnb_rxq_xmit(struct xnb_rxq *rxq, const struct xnb_rx_ops *ops,
		      void *arg, void **cookies, uint16_t n);

/*
 * Before sleeping: what the backlog needs. For XNB_RXQ_WAIT req_event has
 * been set so the guest notifies when it posts its next request (and the
 * ring re-checked after, so no wakeup is lost).
 */
enum xnb_rxq_state xnb_rxq_arm(struct xnb_rxq *rxq);

/* Frames waiting in the backlog. */
uint32_t xnb_rxq_backlog(const struct xnb_rxq *rxq);
/* Release every backlogged cookie (counted drop_backlog). */
void xnb_rxq_drain(struct xnb_rxq *rxq, const struct xnb_rx_ops *ops,
		   void *arg);

/* As xnb_txq_ring_info(), with info->backlog = xnb_rxq_backlog() (filled
 * also when detached: the backlog survives a reconnect). */
int xnb_rxq_ring_info(const struct xnb_rxq *rxq, struct xnb_ring_info *info);

bool xnb_rxq_failed(const struct xnb_rxq *rxq);

const struct xnb_rx_stats *xnb_rxq_stats(const struct xnb_rxq *rxq);

#endif /* XNB_RX_H */
