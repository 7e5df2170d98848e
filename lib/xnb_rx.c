/* SPDX-License-Identifier: BSD-3-Clause */
/* Guest Rx: fill the guest's Rx requests from local frames by grant copy. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>

#include "xnb_log.h"
#include "xnb_mcast.h"
#include "xnb_rx.h"

/*
 * Copy ops after which the frames built so far are flushed: copied,
 * answered and pushed (netback's COPY_BATCH_SIZE). Small frames still go
 * in one copy call per burst; a guest taking large frames gets the first
 * ones, and can post new buffers, while later ones are being copied
 * instead of after the whole ring is filled.
 */
#define RX_FLUSH_OPS 64
/* An op ends at a slot or a segment boundary. */
#define RX_FRAME_OPS_MAX (XNB_RX_MAX_SLOTS + XNB_RX_MAX_SEGS - 1)

/* Negotiated features packed in one word, so the control thread can
 * change them while an lcore transmits. */
#define FEAT_SG (1u << 0)
#define FEAT_GSO_TCPV4 (1u << 1)
#define FEAT_GSO_TCPV6 (1u << 2)
#define FEAT_RX_NOTIFY (1u << 3)
#define FEAT_MCAST (1u << 4)
#define FEAT_HEADROOM_SHIFT 16

/* The shared slot of ring index idx: a request, then its response. */
#define RX_SLOT(s, idx) (&(s)->ring[(idx) & (XNB_RX_RING_SIZE - 1)])

/* A frame of the batch, for the status pass. */
struct rx_frame {
	uint32_t len;
	uint16_t op_end;    /* one past its last copy op */
	uint8_t nr_slots;   /* data slots */
	uint8_t nr_extra;   /* extra-info slots, after the first data slot */
};

struct xnb_rxq {
	/* Connection. */
	netif_rx_back_ring_t ring;
	bool attached;
	bool failed;
	xnb_domid_t domid;
	struct xnb_hv_evtchn *ec;
	xnb_evtchn_port_t port;
	uint32_t feat; /* FEAT_* and headroom, atomic */
	/* Fixed. */
	struct xnb_hv *hv;
	uint16_t qid;
	struct xnb_mcast *mcast;
	void (*fatal)(void *arg, uint16_t qid);
	void *fatal_arg;
	struct xnb_rx_stats stats;
	/* Backlog: FIFO of cookies, at most bl_max, in a power-of-2 ring. */
	void **bl;
	uint32_t bl_max;
	uint32_t bl_mask;
	uint32_t bl_head;
	uint32_t bl_tail;
	bool full_seen; /* ring_full counted for this call */
	uint32_t need;  /* slots the backlog head waits for */
	uint32_t need_feat; /* features need was computed with */
	/* Per-batch scratch. */
	struct xnb_rx_pkt pkt;
	struct rx_frame frames[XNB_RX_BURST_MAX];
	struct xnb_gcopy ops[RX_FLUSH_OPS - 1 + RX_FRAME_OPS_MAX];
};

struct xnb_rxq *
xnb_rxq_create(const struct xnb_rxq_conf *conf)
{
	struct xnb_rxq *rxq;
	uint32_t cap;

	if (conf->hv == NULL || conf->mcast == NULL ||
	    conf->backlog > (1u << 20)) {
		errno = EINVAL;
		return NULL;
	}
	if (posix_memalign((void **)&rxq, RTE_CACHE_LINE_SIZE,
			   sizeof(*rxq)) != 0) {
		errno = ENOMEM;
		return NULL;
	}
	memset(rxq, 0, sizeof(*rxq));
	cap = rte_align32pow2(RTE_MAX(conf->backlog, 1u));
	rxq->bl = calloc(cap, sizeof(*rxq->bl));
	if (rxq->bl == NULL) {
		free(rxq);
		errno = ENOMEM;
		return NULL;
	}
	rxq->bl_max = conf->backlog;
	rxq->bl_mask = cap - 1;
	rxq->hv = conf->hv;
	rxq->qid = conf->qid;
	rxq->mcast = conf->mcast;
	rxq->fatal = conf->fatal;
	rxq->fatal_arg = conf->fatal_arg;
	return rxq;
}

void
xnb_rxq_destroy(struct xnb_rxq *rxq)
{
	if (rxq == NULL)
		return;
	free(rxq->bl);
	free(rxq);
}

static uint32_t
pack_features(const struct xnb_rx_features *f)
{
	return (f->sg ? FEAT_SG : 0) |
		(f->gso_tcpv4 ? FEAT_GSO_TCPV4 : 0) |
		(f->gso_tcpv6 ? FEAT_GSO_TCPV6 : 0) |
		(f->rx_notify ? FEAT_RX_NOTIFY : 0) |
		(f->mcast_filter ? FEAT_MCAST : 0) |
		(uint32_t)RTE_MIN(f->xdp_headroom, XNB_MAX_XDP_HEADROOM)
			<< FEAT_HEADROOM_SHIFT;
}

void
xnb_rxq_set_features(struct xnb_rxq *rxq, const struct xnb_rx_features *feat)
{
	__atomic_store_n(&rxq->feat, pack_features(feat), __ATOMIC_RELAXED);
}

int
xnb_rxq_attach(struct xnb_rxq *rxq, xnb_domid_t domid, void *sring,
	       struct xnb_hv_evtchn *ec, xnb_evtchn_port_t port,
	       const struct xnb_rx_features *feat)
{
	netif_rx_sring_t *s = sring;
	RING_IDX req_prod, rsp_prod;

	req_prod = *(volatile RING_IDX *)&s->req_prod;
	rsp_prod = *(volatile RING_IDX *)&s->rsp_prod;
	BACK_RING_ATTACH(&rxq->ring, s, rsp_prod, XNB_PAGE_SIZE);
	if (req_prod - rsp_prod > RING_SIZE(&rxq->ring)) {
		XNB_LOG(ERR, "dom%u q%u: Rx ring has %u requests in %u slots",
			domid, rxq->qid, req_prod - rsp_prod,
			RING_SIZE(&rxq->ring));
		return -EPROTO;
	}
	rxq->domid = domid;
	rxq->ec = ec;
	rxq->port = port;
	xnb_rxq_set_features(rxq, feat);
	rxq->failed = false;
	rxq->attached = true;
	return 0;
}

void
xnb_rxq_detach(struct xnb_rxq *rxq)
{
	rxq->attached = false;
	memset(&rxq->ring, 0, sizeof(rxq->ring));
}

int
xnb_rxq_ring_info(const struct xnb_rxq *rxq, struct xnb_ring_info *info)
{
	const volatile netif_rx_sring_t *s;

	memset(info, 0, sizeof(*info));
	info->backlog = __atomic_load_n(&rxq->bl_tail, __ATOMIC_RELAXED) -
		__atomic_load_n(&rxq->bl_head, __ATOMIC_RELAXED);
	if (!__atomic_load_n(&rxq->attached, __ATOMIC_ACQUIRE))
		return -ENOTCONN;
	s = rxq->ring.sring;
	info->req_prod = s->req_prod;
	info->req_event = s->req_event;
	info->rsp_prod = s->rsp_prod;
	info->rsp_event = s->rsp_event;
	/* Read in the reverse of the datapath's update order (rsp_prod,
	 * then rsp_prod_pvt, then req_cons) so the snapshot keeps
	 * rsp_prod <= rsp_prod_pvt <= req_cons. */
	info->rsp_prod_pvt = __atomic_load_n(&rxq->ring.rsp_prod_pvt,
					     __ATOMIC_ACQUIRE);
	info->req_cons = __atomic_load_n(&rxq->ring.req_cons, __ATOMIC_ACQUIRE);
	return 0;
}

bool
xnb_rxq_failed(const struct xnb_rxq *rxq)
{
	return rxq->failed;
}

const struct xnb_rx_stats *
xnb_rxq_stats(const struct xnb_rxq *rxq)
{
	return &rxq->stats;
}

uint32_t
xnb_rxq_backlog(const struct xnb_rxq *rxq)
{
	return rxq->bl_tail - rxq->bl_head;
}

static void
rx_fail(struct xnb_rxq *rxq, const char *why, unsigned int a, unsigned int b)
{
	if (rxq->failed)
		return;
	rxq->failed = true;
	rxq->stats.fatal++;
	XNB_LOG_RL(ERR, "dom%u q%u: guest Rx protocol violation: %s (%u, %u); "
		   "disabling the vif", rxq->domid, rxq->qid, why, a, b);
	if (rxq->fatal != NULL)
		rxq->fatal(rxq->fatal_arg, rxq->qid);
}

/* Multicast (not broadcast) destination the guest did not subscribe to. */
static bool
rx_mcast_filtered(struct xnb_rxq *rxq, const struct xnb_rx_pkt *pkt)
{
	uint8_t dst[XNB_ETH_ALEN];
	uint32_t got = 0, k;
	uint16_t s;

	for (s = 0; s < pkt->nr_segs && got < XNB_ETH_ALEN; s++) {
		k = RTE_MIN(pkt->segs[s].len, XNB_ETH_ALEN - got);
		memcpy(dst + got, pkt->segs[s].addr, k);
		got += k;
	}
	if (!(dst[0] & 1))
		return false;
	for (k = 0; k < XNB_ETH_ALEN; k++)
		if (dst[k] != 0xff)
			break;
	if (k == XNB_ETH_ALEN)
		return false;
	return !xnb_mcast_match(rxq->mcast, dst);
}

/* Segments copied from a foreign grant must stay inside their page. */
static bool
rx_gref_segs_ok(const struct xnb_rx_pkt *pkt)
{
	uint16_t s;

	for (s = 0; s < pkt->nr_segs; s++)
		if ((pkt->segs[s].flags & XNB_RX_SEG_GREF) &&
		    (uint32_t)pkt->segs[s].offset + pkt->segs[s].len >
		    XNB_PAGE_SIZE)
			return false;
	return true;
}

/*
 * Check a described frame against what the guest negotiated. Returns the
 * number of data slots it needs, or 0 after counting a drop.
 */
static uint32_t
rx_check(struct xnb_rxq *rxq, const struct xnb_rx_pkt *pkt, uint32_t feat)
{
	uint32_t cap0 = XNB_PAGE_SIZE - (feat >> FEAT_HEADROOM_SHIFT);
	uint32_t len = pkt->len, slots;
	uint16_t s, nr_segs = pkt->nr_segs, seg_flags = 0;
	uint64_t sum = 0;

	if (likely(nr_segs == 1)) {
		sum = pkt->segs[0].len;
		seg_flags = pkt->segs[0].flags;
	} else {
		if (unlikely(nr_segs > XNB_RX_MAX_SEGS)) {
			rxq->stats.drop_desc++;
			return 0;
		}
		for (s = 0; s < nr_segs; s++) {
			sum += pkt->segs[s].len;
			seg_flags |= pkt->segs[s].flags;
		}
	}
	if (unlikely(len == 0 || len > XNB_RX_MAX_LEN || sum < len)) {
		rxq->stats.drop_size++;
		return 0;
	}
	if (unlikely(seg_flags != 0) && !rx_gref_segs_ok(pkt)) {
		rxq->stats.drop_desc++;
		return 0;
	}
	if (pkt->gso_type != XEN_NETIF_GSO_TYPE_NONE &&
	    (pkt->gso_size == 0 ||
	     !((pkt->gso_type == XEN_NETIF_GSO_TYPE_TCPV4 &&
		(feat & FEAT_GSO_TCPV4)) ||
	       (pkt->gso_type == XEN_NETIF_GSO_TYPE_TCPV6 &&
		(feat & FEAT_GSO_TCPV6))))) {
		rxq->stats.drop_gso++;
		return 0;
	}
	slots = 1;
	if (len > cap0) {
		slots += (len - cap0 + XNB_PAGE_SIZE - 1) / XNB_PAGE_SIZE;
		if (slots > XNB_RX_MAX_SLOTS || !(feat & FEAT_SG)) {
			rxq->stats.drop_size++;
			return 0;
		}
	}
	if ((feat & FEAT_MCAST) && rx_mcast_filtered(rxq, pkt)) {
		rxq->stats.drop_mcast++;
		return 0;
	}
	return slots;
}

/* Extra-info slots a checked frame takes after its first data slot. */
static uint32_t
rx_nr_extra(const struct xnb_rx_pkt *pkt)
{
	return (pkt->gso_type != XEN_NETIF_GSO_TYPE_NONE) +
		((pkt->flags & XNB_RX_F_HASH) != 0);
}

/* Write the nr extra-info slots of pkt from ring index idx on, in type
 * order as netback does (GSO, then hash), each but the last with MORE. */
static void
rx_put_extras(netif_rx_sring_t *s, RING_IDX idx, const struct xnb_rx_pkt *pkt,
	      uint32_t nr)
{
	struct netif_extra_info x;

	if (pkt->gso_type != XEN_NETIF_GSO_TYPE_NONE) {
		memset(&x, 0, sizeof(x));
		x.type = XEN_NETIF_EXTRA_TYPE_GSO;
		x.flags = --nr > 0 ? XEN_NETIF_EXTRA_FLAG_MORE : 0;
		x.u.gso.type = pkt->gso_type;
		x.u.gso.size = pkt->gso_size;
		memcpy(&RX_SLOT(s, idx++)->rsp, &x, sizeof(x));
	}
	if (pkt->flags & XNB_RX_F_HASH) {
		memset(&x, 0, sizeof(x));
		x.type = XEN_NETIF_EXTRA_TYPE_HASH;
		x.u.hash.type = pkt->hash_type;
		x.u.hash.algorithm = XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ;
		/* Least significant byte first. */
		x.u.hash.value[0] = (uint8_t)pkt->hash;
		x.u.hash.value[1] = (uint8_t)(pkt->hash >> 8);
		x.u.hash.value[2] = (uint8_t)(pkt->hash >> 16);
		x.u.hash.value[3] = (uint8_t)(pkt->hash >> 24);
		memcpy(&RX_SLOT(s, idx)->rsp, &x, sizeof(x));
	}
}

/* NETRXF_* checksum flags of the first slot, by XNB_RX_F_* & 3. */
static const uint16_t rx_csum_flags[4] = {
	[0] = 0,
	[XNB_RX_F_CSUM_BLANK] = NETRXF_csum_blank | NETRXF_data_validated,
	[XNB_RX_F_DATA_VALIDATED] = NETRXF_data_validated,
	[XNB_RX_F_CSUM_BLANK | XNB_RX_F_DATA_VALIDATED] =
		NETRXF_csum_blank | NETRXF_data_validated,
};

/*
 * Frame builders: each takes the frame's requests from the ring (reading
 * each once: the guest may rewrite it), builds its copy ops at op and
 * writes its responses straight into the request slots. The guest sees
 * none of them before rx_respond() moves rsp_prod; a failed copy only
 * rewrites a status.
 *
 * The common frame: one local segment into one slot, no extra-info.
 */
static void
rx_build_one(struct xnb_rxq *rxq, const struct xnb_rx_pkt *pkt,
	     uint32_t headroom, struct xnb_gcopy *op)
{
	netif_rx_sring_t *s = rxq->ring.sring;
	RING_IDX idx = rxq->ring.req_cons;
	netif_rx_response_t rsp;
	netif_rx_request_t req;

	req = *(volatile netif_rx_request_t *)&RX_SLOT(s, idx)->req;
	op->source.virt = pkt->segs[0].addr;
	op->dest.foreign.ref = req.gref;
	op->dest.foreign.offset = headroom;
	op->dest.foreign.domid = rxq->domid;
	op->len = pkt->len;
	op->flags = XNB_GCOPY_DEST_GREF;
	rsp = (netif_rx_response_t){
		.id = req.id,
		.offset = headroom,
		.flags = rx_csum_flags[pkt->flags & 3],
		.status = pkt->len,
	};
	memcpy(&RX_SLOT(s, idx)->rsp, &rsp, sizeof(rsp));
	rxq->ring.req_cons = idx + 1;
}

/* One local segment over several slots (a jumbo or 64 KiB mbuf): one op
 * a slot. Returns the number of ops. */
static uint32_t
rx_build_linear(struct xnb_rxq *rxq, const struct xnb_rx_pkt *pkt,
		uint32_t slots, uint32_t nr_extra, uint32_t headroom,
		struct xnb_gcopy *op)
{
	netif_rx_sring_t *s = rxq->ring.sring;
	const uint8_t *src = pkt->segs[0].addr;
	RING_IDX idx = rxq->ring.req_cons;
	xnb_domid_t domid = rxq->domid;
	uint32_t left = pkt->len, off = headroom, sl;
	uint16_t flags = rx_csum_flags[pkt->flags & 3] |
		(nr_extra > 0 ? NETRXF_extra_info : 0);

	for (sl = 0; sl < slots; sl++) {
		uint32_t size = RTE_MIN(left, XNB_PAGE_SIZE - off);
		netif_rx_response_t rsp;
		netif_rx_request_t req;

		req = *(volatile netif_rx_request_t *)&RX_SLOT(s, idx)->req;
		left -= size;
		op[sl] = (struct xnb_gcopy){
			.source.virt = (void *)(uintptr_t)src,
			.dest.foreign = { .ref = req.gref, .offset = off,
					  .domid = domid },
			.len = size,
			.flags = XNB_GCOPY_DEST_GREF,
		};
		rsp = (netif_rx_response_t){
			.id = req.id,
			.offset = off,
			.flags = flags | (left > 0 ? NETRXF_more_data : 0),
			.status = size,
		};
		memcpy(&RX_SLOT(s, idx)->rsp, &rsp, sizeof(rsp));
		idx++;
		src += size;
		if (sl == 0) {
			if (nr_extra > 0)
				rx_put_extras(s, idx, pkt, nr_extra);
			idx += nr_extra;
			flags = 0;
			off = 0;
		}
	}
	rxq->ring.req_cons = idx;
	return slots;
}

/* Any frame: takes its requests, builds its copy ops at op (an op ends at
 * a slot or a segment boundary). Returns the number of ops. */
static uint32_t
rx_build(struct xnb_rxq *rxq, const struct xnb_rx_pkt *pkt, uint32_t slots,
	 uint32_t nr_extra, uint32_t headroom, struct xnb_gcopy *op)
{
	netif_rx_sring_t *s = rxq->ring.sring;
	const struct xnb_rx_seg *seg = pkt->segs;
	struct xnb_gcopy *op0 = op;
	RING_IDX idx = rxq->ring.req_cons;
	uint32_t left = pkt->len, seg_off = 0, off = headroom, sl;
	uint16_t flags = rx_csum_flags[pkt->flags & 3] |
		(nr_extra > 0 ? NETRXF_extra_info : 0);

	for (sl = 0; sl < slots; sl++) {
		uint32_t size = RTE_MIN(left, XNB_PAGE_SIZE - off), done = 0;
		netif_rx_response_t rsp;
		netif_rx_request_t req;

		req = *(volatile netif_rx_request_t *)&RX_SLOT(s, idx)->req;
		while (done < size) {
			uint32_t len = RTE_MIN(size - done, seg->len - seg_off);

			if (len == 0) {
				seg++;
				seg_off = 0;
				continue;
			}
			if (likely(!(seg->flags & XNB_RX_SEG_GREF))) {
				op->source.virt = (uint8_t *)seg->addr +
					seg_off;
				op->flags = XNB_GCOPY_DEST_GREF;
			} else {
				op->source.foreign.ref = seg->gref;
				op->source.foreign.offset = seg->offset +
					seg_off;
				op->source.foreign.domid = seg->domid;
				op->flags = XNB_GCOPY_SOURCE_GREF |
					XNB_GCOPY_DEST_GREF;
			}
			op->dest.foreign.ref = req.gref;
			op->dest.foreign.offset = off + done;
			op->dest.foreign.domid = rxq->domid;
			op->len = len;
			op++;
			done += len;
			seg_off += len;
		}
		left -= size;
		rsp = (netif_rx_response_t){
			.id = req.id,
			.offset = off,
			.flags = flags | (left > 0 ? NETRXF_more_data : 0),
			.status = size,
		};
		memcpy(&RX_SLOT(s, idx)->rsp, &rsp, sizeof(rsp));
		idx++;
		if (sl == 0 && nr_extra > 0) {
			rx_put_extras(s, idx, pkt, nr_extra);
			idx += nr_extra;
		}
		flags = 0;
		off = 0;
	}
	rxq->ring.req_cons = idx;
	return op - op0;
}

/* A frame whose copy failed: its data slots from ring index idx on say
 * NETIF_RSP_ERROR (the chain flags stay so the guest can skip it). */
static void
rx_frame_error(struct xnb_rxq *rxq, const struct rx_frame *f, RING_IDX idx)
{
	netif_rx_sring_t *s = rxq->ring.sring;
	uint32_t sl;

	for (sl = 0; sl < f->nr_slots; sl++) {
		RX_SLOT(s, idx)->rsp.status = NETIF_RSP_ERROR;
		idx += sl == 0 ? 1u + f->nr_extra : 1u;
	}
}

/* Every op of frames[0 .. nr_frames), whose slots start at ring index idx,
 * is done: count the frames whose ops all succeeded as delivered, the
 * others as dropped (their slots marked). */
static void
rx_account(struct xnb_rxq *rxq, uint32_t nr_frames, uint32_t nr_ops,
	   uint64_t bytes, RING_IDX idx)
{
	const struct xnb_gcopy *ops = rxq->ops;
	uint32_t i, k = 0;
	int16_t bad = 0;

	for (i = 0; i < nr_ops; i++)
		bad |= ops[i].status;
	rxq->stats.packets += nr_frames;
	rxq->stats.bytes += bytes;
	if (likely(bad == 0))
		return;
	for (i = 0; i < nr_frames; i++) {
		const struct rx_frame *f = &rxq->frames[i];

		bad = 0;
		for (; k < f->op_end; k++)
			bad |= ops[k].status;
		if (bad != 0) {
			rx_frame_error(rxq, f, idx);
			rxq->stats.packets--;
			rxq->stats.bytes -= f->len;
			rxq->stats.drop_grant++;
		}
		idx += f->nr_slots + f->nr_extra;
	}
}

/* Publish the responses written up to req_cons; notify if the guest asked. */
static void
rx_respond(struct xnb_rxq *rxq)
{
	int notify;

	if (rxq->ring.rsp_prod_pvt == rxq->ring.req_cons)
		return;
	__atomic_store_n(&rxq->ring.rsp_prod_pvt, rxq->ring.req_cons,
			 __ATOMIC_RELEASE);
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&rxq->ring, notify);
	if (notify) {
		rxq->hv->ops->evtchn_notify(rxq->ec, rxq->port);
		rxq->stats.notify++;
	}
}

/* The head frame needs more requests than the guest has posted. */
static void
rx_ring_full(struct xnb_rxq *rxq, uint32_t need, uint32_t feat)
{
	rxq->need = need;
	rxq->need_feat = feat;
	if (!rxq->full_seen)
		rxq->stats.ring_full++;
	rxq->full_seen = true;
}

/* Copy the nr_ops ops of frames[0 .. nr_frames), whose slots start at
 * ring index first, then answer them. */
static void
rx_flush(struct xnb_rxq *rxq, uint32_t nr_frames, uint32_t nr_ops,
	 uint64_t bytes, RING_IDX first)
{
	int ret;

	if (nr_ops > 0) {
		ret = rxq->hv->ops->copy_grants(rxq->hv, rxq->ops, nr_ops);
		rxq->stats.gcopy_calls++;
		rxq->stats.gcopy_ops += nr_ops;
		if (unlikely(ret < 0)) {
			uint32_t k;

			XNB_LOG_RL(ERR, "dom%u q%u: grant copy failed: %s",
				   rxq->domid, rxq->qid, strerror(-ret));
			for (k = 0; k < nr_ops; k++)
				rxq->ops[k].status = XNB_GNTST_GENERAL_ERROR;
		}
		rx_account(rxq, nr_frames, nr_ops, bytes, first);
	}
	rx_respond(rxq);
}

/*
 * Deliver the frames c[0 .. nc) (nc <= XNB_RX_BURST_MAX) in order, one
 * copy call per RX_FLUSH_OPS ops. Returns how many were consumed
 * (delivered or dropped): released, in order, after their copy; fewer
 * than nc when the guest ran out of requests or on failure.
 */
static uint32_t
rx_batch(struct xnb_rxq *rxq, const struct xnb_rx_ops *ops, void *arg,
	 void **c, uint32_t nc)
{
	uint32_t feat = __atomic_load_n(&rxq->feat, __ATOMIC_RELAXED);
	uint32_t headroom = feat >> FEAT_HEADROOM_SHIFT;
	/* Room in a first slot for a frame that needs no filtering. */
	uint32_t cap0 = feat & FEAT_MCAST ? 0 : XNB_PAGE_SIZE - headroom;
	struct xnb_rx_pkt *pkt = &rxq->pkt;
	uint32_t i, avail, nr_ops = 0, nr_frames = 0, slots, nr_extra, need;
	uint32_t released = 0;
	RING_IDX prod, first = rxq->ring.req_cons;
	uint64_t bytes = 0;

	prod = *(volatile RING_IDX *)&rxq->ring.sring->req_prod;
	xen_rmb(); /* requests are read after the index that covers them */
	if (unlikely(RING_REQUEST_PROD_OVERFLOW(&rxq->ring, prod))) {
		rx_fail(rxq, "more requests than the ring holds",
			prod - rxq->ring.rsp_prod_pvt, RING_SIZE(&rxq->ring));
		return 0;
	}
	avail = prod - first;

	for (i = 0; i < nc; i++) {
		struct rx_frame *f = &rxq->frames[nr_frames];
		uint32_t len;

		if (unlikely(ops->describe(arg, c[i], pkt) < 0)) {
			rxq->stats.drop_desc++;
			continue;
		}
		len = pkt->len;
		/* The common frame (one local segment, one slot, no extra,
		 * nothing to filter) passes every check of rx_check(). */
		if (likely(pkt->nr_segs == 1 && pkt->segs[0].flags == 0 &&
			   len - 1 < cap0 && len <= pkt->segs[0].len &&
			   pkt->gso_type == XEN_NETIF_GSO_TYPE_NONE &&
			   !(pkt->flags & XNB_RX_F_HASH))) {
			if (unlikely(avail == 0)) {
				rx_ring_full(rxq, 1, feat);
				break;
			}
			rx_build_one(rxq, pkt, headroom, &rxq->ops[nr_ops]);
			nr_ops++;
			*f = (struct rx_frame){ .len = len, .op_end = nr_ops,
						.nr_slots = 1 };
			avail--;
		} else {
			slots = rx_check(rxq, pkt, feat);
			if (unlikely(slots == 0))
				continue;
			nr_extra = rx_nr_extra(pkt);
			need = slots + nr_extra;
			if (need > avail) {
				rx_ring_full(rxq, need, feat);
				break;
			}
			if (pkt->nr_segs == 1 && pkt->segs[0].flags == 0)
				nr_ops += rx_build_linear(rxq, pkt, slots,
							  nr_extra, headroom,
							  &rxq->ops[nr_ops]);
			else
				nr_ops += rx_build(rxq, pkt, slots, nr_extra,
						   headroom,
						   &rxq->ops[nr_ops]);
			*f = (struct rx_frame){ .len = len, .op_end = nr_ops,
						.nr_slots = slots,
						.nr_extra = nr_extra };
			avail -= need;
		}
		bytes += len;
		nr_frames++;
		if (unlikely(nr_ops >= RX_FLUSH_OPS)) {
			rx_flush(rxq, nr_frames, nr_ops, bytes, first);
			ops->release(arg, &c[released], i + 1 - released);
			released = i + 1;
			nr_ops = 0;
			nr_frames = 0;
			bytes = 0;
			first = rxq->ring.req_cons;
		}
	}
	rx_flush(rxq, nr_frames, nr_ops, bytes, first);
	if (i > released)
		ops->release(arg, &c[released], i - released);
	return i;
}

/* Drop cookies c[0 .. n) as backlog overflow. */
static void
rx_drop(struct xnb_rxq *rxq, const struct xnb_rx_ops *ops, void *arg,
	void **c, uint32_t n)
{
	if (n > 0)
		ops->release(arg, c, n);
	rxq->stats.drop_backlog += n;
}

/* Deliver from the backlog head while the guest has room. */
static void
rx_flush_backlog(struct xnb_rxq *rxq, const struct xnb_rx_ops *ops,
		 void *arg)
{
	uint32_t feat = __atomic_load_n(&rxq->feat, __ATOMIC_RELAXED);

	if (rxq->bl_tail == rxq->bl_head)
		return;
	/* The head did not fit last time: unless the guest has posted
	 * enough since (or the features changed), it still does not, and
	 * describing it again would only cost (a stalled guest is polled). */
	if (rxq->need_feat == feat &&
	    *(volatile RING_IDX *)&rxq->ring.sring->req_prod -
	    rxq->ring.req_cons < rxq->need) {
		rx_ring_full(rxq, rxq->need, feat);
		return;
	}
	while (rxq->bl_tail != rxq->bl_head && !rxq->failed) {
		uint32_t head = rxq->bl_head & rxq->bl_mask;
		uint32_t chunk = RTE_MIN(rxq->bl_tail - rxq->bl_head,
					 rxq->bl_mask + 1 - head);
		uint32_t got;

		chunk = RTE_MIN(chunk, (uint32_t)XNB_RX_BURST_MAX);
		got = rx_batch(rxq, ops, arg, &rxq->bl[head], chunk);
		rxq->bl_head += got;
		if (got == 0)
			break;
	}
}

void
xnb_rxq_drain(struct xnb_rxq *rxq, const struct xnb_rx_ops *ops, void *arg)
{
	while (rxq->bl_tail != rxq->bl_head) {
		uint32_t head = rxq->bl_head & rxq->bl_mask;
		uint32_t chunk = RTE_MIN(rxq->bl_tail - rxq->bl_head,
					 rxq->bl_mask + 1 - head);

		rx_drop(rxq, ops, arg, &rxq->bl[head], chunk);
		rxq->bl_head += chunk;
	}
}

uint16_t
xnb_rxq_xmit(struct xnb_rxq *rxq, const struct xnb_rx_ops *ops, void *arg,
	     void **cookies, uint16_t n)
{
	uint32_t taken = 0, room, got;

	rxq->full_seen = false;
	if (likely(rxq->attached && !rxq->failed)) {
		rx_flush_backlog(rxq, ops, arg);
		while (taken < n && rxq->bl_tail == rxq->bl_head &&
		       !rxq->failed) {
			got = rx_batch(rxq, ops, arg, &cookies[taken],
				       RTE_MIN((uint32_t)(n - taken),
					       (uint32_t)XNB_RX_BURST_MAX));
			taken += got;
			if (got == 0)
				break;
		}
	}
	if (unlikely(!rxq->attached || rxq->failed)) {
		xnb_rxq_drain(rxq, ops, arg);
		rx_drop(rxq, ops, arg, &cookies[taken], n - taken);
		return n;
	}
	room = rxq->bl_max - (rxq->bl_tail - rxq->bl_head);
	while (taken < n && room > 0) {
		rxq->bl[rxq->bl_tail++ & rxq->bl_mask] = cookies[taken++];
		room--;
	}
	if (taken < n)
		rx_drop(rxq, ops, arg, &cookies[taken], n - taken);
	return n;
}

enum xnb_rxq_state
xnb_rxq_arm(struct xnb_rxq *rxq)
{
	uint32_t feat = __atomic_load_n(&rxq->feat, __ATOMIC_RELAXED);
	RING_IDX cons = rxq->ring.req_cons;
	uint32_t need = RTE_MAX(rxq->need, 1u);

	if (!rxq->attached || rxq->failed || rxq->bl_tail == rxq->bl_head)
		return XNB_RXQ_IDLE;
	if (!(feat & FEAT_RX_NOTIFY))
		return XNB_RXQ_POLL;
	if (*(volatile RING_IDX *)&rxq->ring.sring->req_prod - cons >= need)
		return XNB_RXQ_POLL;
	/* Notify once the guest has posted enough for the head frame. */
	rxq->ring.sring->req_event = cons + need;
	xen_mb(); /* the guest sees req_event before we look again */
	if (*(volatile RING_IDX *)&rxq->ring.sring->req_prod - cons >= need)
		return XNB_RXQ_POLL;
	return XNB_RXQ_WAIT;
}
