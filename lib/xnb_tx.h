/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Guest Tx (frontend -> backend): one netif Tx ring.
 *
 * xnb_txq_recv() copies each request out of the shared ring exactly once,
 * validates the chain (see the verdicts below), asks the caller for
 * destination buffers, grant-copies all frames of the burst in ONE
 * copy_grants call, writes the responses in ring order and notifies the
 * guest only when rsp_event asks for it.
 *
 * Verdicts:
 *  - fatal (the queue stops, the fatal callback fires once, the vif must be
 *    disconnected): req_prod more than a ring ahead; a chain or extra-info
 *    running past req_prod; more than XNB_TX_FATAL_SLOTS data slots;
 *    offset + size beyond the page; GSO extra with size 0 or an unknown
 *    type; an extra-info of unknown type.
 *  - drop (every slot answered NETIF_RSP_ERROR, counted): more than
 *    XNB_TX_LEGACY_SLOTS data slots; a fragment larger than what remains
 *    of the frame; first slot shorter than an Ethernet header; a failed
 *    grant copy.
 * Every extra-info slot is answered NETIF_RSP_NULL. A request carrying a
 * multicast add/del extra is a filter update, not a frame: it is answered
 * NETIF_RSP_OKAY (NETIF_RSP_ERROR when the filter is full).
 *
 * Zero-copy (xnb_txq_zc_enable): the fragments after the first slot that
 * are longer than copy_max are grant-mapped (one map call per frame) and
 * handed to the caller's prepare_zc() to attach; the first slot (the
 * headers) and short fragments are still copied. Such a frame's slots are
 * answered only after the caller released it (xnb_tx_zc_release(), any
 * thread): the next xnb_txq_recv() unmaps every released frame (one unmap
 * call each) before it writes their responses. Frames in flight hold at
 * most XNB_TXZC_MAX_SLOTS ring slots; past that, frames are copied, so a
 * caller that holds frames long never starves the guest. A failed map
 * drops the frame like a failed copy. On detach, frames still held stay
 * mapped until released (then unmapped on the releasing thread) and are
 * never answered.
 *
 * Threading: one txq is used by one lcore at a time (inside the queue gate,
 * xnb_queue.h); create/attach/detach/destroy belong to the control thread.
 */
#ifndef XNB_TX_H
#define XNB_TX_H

#include <stdbool.h>
#include <stdint.h>

#include "xnb_hv.h"
#include "xnb_ring.h"
#include "xnb_stats.h"

struct xnb_mcast;
struct xnb_txq;

/* Most packets one xnb_txq_recv() call returns; larger n is capped. */
#define XNB_TX_BURST_MAX 64
/* Most destination segments a caller may give for one packet. */
#define XNB_TX_MAX_SEGS 64
/* Ring slots zero-copy frames in flight may hold per queue (half the
 * ring: the guest always keeps the other half). */
#define XNB_TXZC_MAX_SLOTS (XNB_TX_RING_SIZE / 2)

/* xnb_tx_pkt.flags */
#define XNB_TX_F_CSUM_BLANK 0x1     /* NETTXF_csum_blank: L4 csum not filled */
#define XNB_TX_F_DATA_VALIDATED 0x2 /* NETTXF_data_validated */
#define XNB_TX_F_HASH 0x4           /* hash and hash_type are valid */

/* A validated guest frame, as the caller sees it before its data moves. */
struct xnb_tx_pkt {
	uint32_t len;       /* frame length in bytes (>= XNB_ETH_HLEN) */
	uint16_t flags;     /* XNB_TX_F_* */
	uint16_t gso_size;  /* MSS when gso_type != XEN_NETIF_GSO_TYPE_NONE */
	uint8_t gso_type;   /* XEN_NETIF_GSO_TYPE_{NONE,TCPV4,TCPV6} */
	uint8_t hash_type;  /* _XEN_NETIF_CTRL_HASH_TYPE_* if XNB_TX_F_HASH */
	uint16_t nr_frags;  /* guest data slots the frame spans */
	uint32_t hash;      /* guest-computed flow hash if XNB_TX_F_HASH */
};

/*
 * A snapshot of a ring's indices (xnb_txq_ring_info, xnb_rxq_ring_info).
 * The shared ones are read from the guest's page, the private ones are the
 * backend's own (req_cons: next request to take; rsp_prod_pvt: responses
 * written, not necessarily pushed).
 */
struct xnb_ring_info {
	uint32_t req_prod, req_event;   /* shared, guest-written */
	uint32_t rsp_prod, rsp_event;   /* shared */
	uint32_t req_cons, rsp_prod_pvt; /* backend private */
	uint32_t backlog;               /* Rx only: frames waiting (else 0) */
};

/* One data fragment of a zero-copy frame, in frame order. */
struct xnb_tx_zc_frag {
	void *page;       /* its mapped guest page (read only); NULL: copied */
	xnb_gref_t gref;  /* the grant it came from */
	uint16_t offset;  /* of the data in the page */
	uint16_t len;
};

/*
 * A frame some of whose fragments are grant-mapped. frags[0] (the headers)
 * is always copied. Valid, with its pages mapped, until the caller's
 * xnb_tx_zc_release().
 */
struct xnb_tx_zc_frame {
	xnb_domid_t domid;
	uint16_t nr_frags;
	uint16_t nr_mapped;
	void *priv;       /* caller's area, xnb_txq_zc_conf.priv_size bytes */
	struct xnb_tx_zc_frag frags[XNB_TX_LEGACY_SLOTS];
};

struct xnb_tx_ops {
	/*
	 * Supply buffers for pkt: fill segs[0 .. max_segs) with local buffers
	 * whose lengths add up to at least pkt->len, store the caller's handle
	 * in *cookie and return the number of segments used (> 0). Return
	 * -ENOBUFS to end the burst: the frame stays on the ring for the next
	 * call. Called on the datapath lcore; must not block.
	 */
	int (*prepare)(void *arg, const struct xnb_tx_pkt *pkt,
		       struct xnb_seg *segs, unsigned int max_segs,
		       void **cookie);
	/* The grant copy of a prepared frame failed; the frame was answered
	 * NETIF_RSP_ERROR and counted. Free the buffers behind cookie. */
	void (*discard)(void *arg, void *cookie);
	/*
	 * Optional (zero-copy): as prepare, for frame zf. segs describe only
	 * the bytes of the copied fragments, in frame order, and a segment
	 * never spans a mapped fragment (each run of copied fragments fills
	 * whole segments). The caller attaches every mapped page and calls
	 * xnb_tx_zc_release(zf) once it no longer uses any of them (discard
	 * included). Return -ENOTSUP to have the frame copied instead: it is
	 * unmapped and handed to prepare(). On -ENOBUFS nothing may be
	 * attached.
	 */
	int (*prepare_zc)(void *arg, const struct xnb_tx_pkt *pkt,
			  struct xnb_tx_zc_frame *zf, struct xnb_seg *segs,
			  unsigned int max_segs, void **cookie);
};

/* Zero-copy settings of a txq. */
struct xnb_txq_zc_conf {
	/* Fragments longer than this are mapped; >= XNB_PAGE_SIZE: none. */
	uint32_t copy_max;
	/* Per-frame area for the caller (xnb_tx_zc_frame.priv). */
	uint32_t priv_size;
	/* Copy GSO frames (the caller segments them by copying anyway). */
	bool copy_gso;
	/* Called (any thread) once per zero-copy state of a connection when
	 * it is created (hold) and when its last frame is gone (release):
	 * the hypervisor connection must stay open in between. */
	void (*hold)(void *arg);
	void (*release)(void *arg);
	void *arg;
};

/* Zero-copy counters of a txq (maps and unmaps: struct xnb_tx_stats). */
struct xnb_tx_zc_stats {
	uint64_t frames;          /* frames handed out with mapped pages */
	uint64_t fallback_bound;  /* copied: in-flight bound reached */
	uint64_t fallback_caller; /* copied: prepare_zc() declined */
	uint64_t map_fail;        /* frames dropped: map failed */
	uint64_t inflight;        /* grants mapped now */
	uint64_t inflight_peak;
};

struct xnb_txq_conf {
	struct xnb_hv *hv;
	uint16_t qid;             /* reported to fatal() */
	struct xnb_mcast *mcast;  /* the vif's multicast filter (required) */
	/* Datapath lcore, once per connection: the guest broke the protocol.
	 * Must only schedule the disconnect (see xnb_vif_fatal()). */
	void (*fatal)(void *arg, uint16_t qid);
	void *fatal_arg;
};

/* Allocate a detached txq. NULL + errno. */
struct xnb_txq *xnb_txq_create(const struct xnb_txq_conf *conf);
/* Free a detached txq. */
void xnb_txq_destroy(struct xnb_txq *txq);

/*
 * Attach to a mapped Tx shared ring of guest domid, notifying port of ec.
 * The ring is distrusted: -EPROTO when req_prod - rsp_prod exceeds the
 * ring size. Responses continue from the ring's rsp_prod.
 */
int xnb_txq_attach(struct xnb_txq *txq, xnb_domid_t domid, void *sring,
		   struct xnb_hv_evtchn *ec, xnb_evtchn_port_t port);
/* Forget the ring (the caller unmaps it afterwards). */
void xnb_txq_detach(struct xnb_txq *txq);

/*
 * Receive up to n (<= XNB_TX_BURST_MAX) frames. cookies[i] are the
 * prepare() handles of the frames whose data is now in their buffers, in
 * ring order; returns how many. Returns 0 when detached or after a fatal
 * error.
 */
uint16_t xnb_txq_recv(struct xnb_txq *txq, const struct xnb_tx_ops *ops,
		      void *arg, void **cookies, uint16_t n);

/*
 * Before sleeping on the queue's event channel: ask the guest to notify on
 * its next request (req_event). Returns true when requests are already
 * waiting or zero-copy frames are still out (their responses need polls:
 * a guest waiting for them may send nothing more): do not sleep.
 */
bool xnb_txq_arm(struct xnb_txq *txq);

/* True once the guest broke the protocol on this connection. */
bool xnb_txq_failed(const struct xnb_txq *txq);

/*
 * Fill *info from the attached ring; -ENOTCONN (and *info zeroed) when
 * detached. Callable from a non-datapath thread while an lcore polls: the
 * values are a racy snapshot (each index read once, not all at the same
 * instant). The caller must keep the ring mapped meanwhile (hold off
 * detach, e.g. by running on the vif's control thread or under its lock).
 */
int xnb_txq_ring_info(const struct xnb_txq *txq, struct xnb_ring_info *info);

const struct xnb_tx_stats *xnb_txq_stats(const struct xnb_txq *txq);

/*
 * Turn zero-copy on (copy_max < XNB_PAGE_SIZE) for the connections from
 * now on (and the current one). Control thread, while no lcore polls the
 * queue. 0 or -errno.
 */
int xnb_txq_zc_enable(struct xnb_txq *txq, const struct xnb_txq_zc_conf *conf);
const struct xnb_tx_zc_stats *xnb_txq_zc_stats(const struct xnb_txq *txq);

/* The caller no longer uses any page of zf: any thread, once per frame. */
void xnb_tx_zc_release(struct xnb_tx_zc_frame *zf);

#endif /* XNB_TX_H */
