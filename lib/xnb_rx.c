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

/* Grant-copy ops one batch may build (one copy call per batch). */
#define RX_OPS_MAX 2048

/* Negotiated features packed in one word, so the control thread can
 * change them while an lcore transmits. */
#define FEAT_SG (1u << 0)
#define FEAT_GSO_TCPV4 (1u << 1)
#define FEAT_GSO_TCPV6 (1u << 2)
#define FEAT_RX_NOTIFY (1u << 3)
#define FEAT_MCAST (1u << 4)
#define FEAT_HEADROOM_SHIFT 16

/* A staged Rx ring slot: a response or, after a frame's first slot, the
 * GSO extra-info overlaying it. */
union rx_slot {
	struct netif_rx_response rsp;
	struct netif_extra_info extra;
};

struct rx_frame {
	void *cookie;
	uint32_t len;
	uint16_t rsp_first;
	uint16_t nr_rsp;
	uint16_t op_first;
	uint16_t nr_ops;
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
	/* Per-batch scratch. */
	uint16_t nr_rsp;
	uint16_t nr_done;
	struct xnb_rx_pkt pkt;
	union rx_slot rsp[XNB_RX_RING_SIZE];
	struct rx_frame frames[XNB_RX_BURST_MAX];
	void *done[XNB_RX_BURST_MAX];
	struct xnb_gcopy ops[RX_OPS_MAX];
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

/* Hand finished cookies back once the local done list is full or at the
 * end of a batch. */
static void
rx_done(struct xnb_rxq *rxq, const struct xnb_rx_ops *ops, void *arg,
	void *cookie)
{
	rxq->done[rxq->nr_done++] = cookie;
	if (rxq->nr_done == RTE_DIM(rxq->done)) {
		ops->release(arg, rxq->done, rxq->nr_done);
		rxq->nr_done = 0;
	}
}

static void
rx_done_flush(struct xnb_rxq *rxq, const struct xnb_rx_ops *ops, void *arg)
{
	if (rxq->nr_done > 0)
		ops->release(arg, rxq->done, rxq->nr_done);
	rxq->nr_done = 0;
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

/*
 * Check a described frame against what the guest negotiated. Returns the
 * number of data slots it needs, or 0 after counting a drop.
 */
static uint32_t
rx_check(struct xnb_rxq *rxq, const struct xnb_rx_pkt *pkt, uint32_t feat)
{
	uint32_t cap0 = XNB_PAGE_SIZE - (feat >> FEAT_HEADROOM_SHIFT);
	uint32_t sum = 0, slots;
	uint16_t s;

	if (pkt->nr_segs > XNB_RX_MAX_SEGS) {
		rxq->stats.drop_desc++;
		return 0;
	}
	for (s = 0; s < pkt->nr_segs; s++)
		sum += pkt->segs[s].len;
	if (pkt->len == 0 || pkt->len > XNB_RX_MAX_LEN || sum < pkt->len) {
		rxq->stats.drop_size++;
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
	slots = pkt->len <= cap0 ? 1 :
		1 + (pkt->len - cap0 + XNB_PAGE_SIZE - 1) / XNB_PAGE_SIZE;
	if (slots > XNB_RX_MAX_SLOTS || (slots > 1 && !(feat & FEAT_SG))) {
		rxq->stats.drop_size++;
		return 0;
	}
	if ((feat & FEAT_MCAST) && rx_mcast_filtered(rxq, pkt)) {
		rxq->stats.drop_mcast++;
		return 0;
	}
	return slots;
}

/* Stage the slots of one frame and build its copy ops. */
static void
rx_build(struct xnb_rxq *rxq, struct rx_frame *f, uint32_t slots,
	 uint32_t feat, uint16_t op_first)
{
	const struct xnb_rx_pkt *pkt = &rxq->pkt;
	uint32_t headroom = feat >> FEAT_HEADROOM_SHIFT;
	struct xnb_gcopy *op = &rxq->ops[op_first];
	uint32_t left = pkt->len, si = 0, seg_off = 0, s;
	bool gso = pkt->gso_type != XEN_NETIF_GSO_TYPE_NONE;
	struct netif_rx_request req;

	f->rsp_first = rxq->nr_rsp;
	for (s = 0; s < slots; s++) {
		uint32_t off = s == 0 ? headroom : 0;
		uint32_t size = RTE_MIN(left, XNB_PAGE_SIZE - off);
		union rx_slot *r = &rxq->rsp[rxq->nr_rsp++];
		uint32_t done = 0;

		RING_COPY_REQUEST(&rxq->ring, rxq->ring.req_cons, &req);
		rxq->ring.req_cons++;
		r->rsp.id = req.id;
		r->rsp.offset = off;
		r->rsp.status = size;
		r->rsp.flags = s + 1 < slots ? NETRXF_more_data : 0;
		if (s == 0) {
			if (pkt->flags & XNB_RX_F_CSUM_BLANK)
				r->rsp.flags |= NETRXF_csum_blank |
					NETRXF_data_validated;
			else if (pkt->flags & XNB_RX_F_DATA_VALIDATED)
				r->rsp.flags |= NETRXF_data_validated;
			if (gso)
				r->rsp.flags |= NETRXF_extra_info;
		}
		while (done < size) {
			uint32_t len = RTE_MIN(size - done,
					       pkt->segs[si].len - seg_off);

			if (len == 0) {
				si++;
				seg_off = 0;
				continue;
			}
			op->source.virt = (uint8_t *)pkt->segs[si].addr +
				seg_off;
			op->dest.foreign.ref = req.gref;
			op->dest.foreign.offset = off + done;
			op->dest.foreign.domid = rxq->domid;
			op->len = len;
			op->flags = XNB_GCOPY_DEST_GREF;
			op->status = XNB_GNTST_OKAY;
			op++;
			done += len;
			seg_off += len;
		}
		left -= size;
		if (s == 0 && gso) {
			/* The extra-info takes the next request's slot. */
			r = &rxq->rsp[rxq->nr_rsp++];
			rxq->ring.req_cons++;
			memset(r, 0, sizeof(*r));
			r->extra.type = XEN_NETIF_EXTRA_TYPE_GSO;
			r->extra.u.gso.type = pkt->gso_type;
			r->extra.u.gso.size = pkt->gso_size;
		}
	}
	f->nr_rsp = rxq->nr_rsp - f->rsp_first;
	f->op_first = op_first;
	f->nr_ops = op - &rxq->ops[op_first];
	f->len = pkt->len;
}

/* A frame whose copy failed: its data slots say NETIF_RSP_ERROR (the
 * chain flags stay so the guest can skip it). */
static void
rx_frame_error(struct xnb_rxq *rxq, const struct rx_frame *f)
{
	uint16_t i;

	for (i = f->rsp_first; i < f->rsp_first + f->nr_rsp; i++)
		if (i != f->rsp_first + 1 ||
		    !(rxq->rsp[f->rsp_first].rsp.flags & NETRXF_extra_info))
			rxq->rsp[i].rsp.status = NETIF_RSP_ERROR;
}

static void
rx_respond(struct xnb_rxq *rxq)
{
	RING_IDX i = rxq->ring.rsp_prod_pvt;
	uint16_t k;
	int notify;

	if (rxq->nr_rsp == 0)
		return;
	for (k = 0; k < rxq->nr_rsp; k++, i++)
		memcpy(RING_GET_RESPONSE(&rxq->ring, i), &rxq->rsp[k],
		       sizeof(rxq->rsp[k]));
	rxq->ring.rsp_prod_pvt = i;
	rxq->nr_rsp = 0;
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&rxq->ring, notify);
	if (notify) {
		rxq->hv->ops->evtchn_notify(rxq->ec, rxq->port);
		rxq->stats.notify++;
	}
}

/*
 * Deliver the frames c[0 .. nc) (nc <= XNB_RX_BURST_MAX) in order, with
 * one copy call. Returns how many were consumed (delivered or dropped);
 * fewer than nc when the guest ran out of requests or on failure.
 */
static uint32_t
rx_batch(struct xnb_rxq *rxq, const struct xnb_rx_ops *ops, void *arg,
	 void **c, uint32_t nc)
{
	uint32_t feat = __atomic_load_n(&rxq->feat, __ATOMIC_RELAXED);
	uint32_t i, avail, nr_ops = 0, nr_frames = 0, slots, need;
	RING_IDX prod;
	int ret;

	prod = *(volatile RING_IDX *)&rxq->ring.sring->req_prod;
	xen_rmb(); /* requests are read after the index that covers them */
	if (unlikely(RING_REQUEST_PROD_OVERFLOW(&rxq->ring, prod))) {
		rx_fail(rxq, "more requests than the ring holds",
			prod - rxq->ring.rsp_prod_pvt, RING_SIZE(&rxq->ring));
		return 0;
	}
	avail = prod - rxq->ring.req_cons;

	for (i = 0; i < nc; i++) {
		struct rx_frame *f = &rxq->frames[nr_frames];

		rxq->pkt.nr_segs = 0;
		if (ops->describe(arg, c[i], &rxq->pkt) < 0) {
			rxq->stats.drop_desc++;
			rx_done(rxq, ops, arg, c[i]);
			continue;
		}
		slots = rx_check(rxq, &rxq->pkt, feat);
		if (slots == 0) {
			rx_done(rxq, ops, arg, c[i]);
			continue;
		}
		need = slots + (rxq->pkt.gso_type != XEN_NETIF_GSO_TYPE_NONE);
		if (need > avail) {
			rxq->need = need;
			if (!rxq->full_seen)
				rxq->stats.ring_full++;
			rxq->full_seen = true;
			break;
		}
		if (nr_ops + slots + rxq->pkt.nr_segs > RX_OPS_MAX)
			break;
		f->cookie = c[i];
		rx_build(rxq, f, slots, feat, nr_ops);
		nr_ops += f->nr_ops;
		nr_frames++;
		avail -= need;
	}

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
	}
	for (slots = 0; slots < nr_frames; slots++) {
		struct rx_frame *f = &rxq->frames[slots];
		bool ok = true;
		uint16_t j;

		for (j = 0; j < f->nr_ops; j++)
			if (rxq->ops[f->op_first + j].status != XNB_GNTST_OKAY)
				ok = false;
		if (likely(ok)) {
			rxq->stats.packets++;
			rxq->stats.bytes += f->len;
		} else {
			rx_frame_error(rxq, f);
			rxq->stats.drop_grant++;
		}
		rx_done(rxq, ops, arg, f->cookie);
	}
	rx_respond(rxq);
	rx_done_flush(rxq, ops, arg);
	return i;
}

/* Drop cookies c[0 .. n) as backlog overflow. */
static void
rx_drop(struct xnb_rxq *rxq, const struct xnb_rx_ops *ops, void *arg,
	void **c, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		rx_done(rxq, ops, arg, c[i]);
	rx_done_flush(rxq, ops, arg);
	rxq->stats.drop_backlog += n;
}

/* Deliver from the backlog head while the guest has room. */
static void
rx_flush_backlog(struct xnb_rxq *rxq, const struct xnb_rx_ops *ops,
		 void *arg)
{
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
