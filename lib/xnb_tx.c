/* SPDX-License-Identifier: BSD-3-Clause */
/* Guest Tx: parse, validate, grant-copy and answer a netif Tx ring. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>

#include "xnb_log.h"
#include "xnb_mcast.h"
#include "xnb_tx.h"
#include "xnb_tx_zc.h"

/* Grant-copy ops one burst may build; a frame that might not fit waits
 * for the next burst so each burst makes exactly one copy call. */
#define TX_OPS_MAX 2048

/* A staged response of a zero-copy frame: answered when it is released. */
#define TX_RSP_HELD INT16_MIN

/* A frame accepted in the current burst. */
struct tx_frame {
	struct xnb_tx_pkt pkt;
	struct xnb_tx_zc_frame *zf; /* zero-copy, else NULL */
	uint16_t rsp_first;  /* its first staged response */
	uint16_t nr_rsp;     /* slots it used (data and extra-info) */
	uint16_t op_first;
	uint16_t nr_ops;
	struct tx_frag frags[XNB_TX_LEGACY_SLOTS];
};

/* What parsing one request chain found. */
enum tx_verdict {
	TX_OK,
	TX_DROP,
	TX_CTRL,   /* multicast filter update: answered, no frame */
	TX_FATAL,
};

struct xnb_txq {
	/* Connection. */
	netif_tx_back_ring_t ring;
	bool attached;
	bool failed;
	xnb_domid_t domid;
	struct xnb_hv_evtchn *ec;
	xnb_evtchn_port_t port;
	/* Fixed. */
	struct xnb_hv *hv;
	uint16_t qid;
	struct xnb_mcast *mcast;
	void (*fatal)(void *arg, uint16_t qid);
	void *fatal_arg;
	struct xnb_tx_stats stats;
	/* Zero-copy: settings, the connection's state (NULL: copy only). */
	bool zc_on;
	struct xnb_txq_zc_conf zc_conf;
	struct xnb_txzc *zc;
	struct xnb_tx_zc_stats zc_stats;
	/* Per-burst scratch: new slots (at most a ring) plus released
	 * zero-copy frames (whose held entries are still staged). */
	uint16_t nr_rsp;
	struct netif_tx_response rsp[XNB_TX_RING_SIZE + XNB_TXZC_MAX_SLOTS];
	struct tx_frame frames[XNB_TX_BURST_MAX];
	struct xnb_seg segs[XNB_TX_MAX_SEGS];
	struct xnb_gcopy ops[TX_OPS_MAX];
};

struct xnb_txq *
xnb_txq_create(const struct xnb_txq_conf *conf)
{
	struct xnb_txq *txq;

	if (conf->hv == NULL || conf->mcast == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if (posix_memalign((void **)&txq, RTE_CACHE_LINE_SIZE,
			   sizeof(*txq)) != 0) {
		errno = ENOMEM;
		return NULL;
	}
	memset(txq, 0, sizeof(*txq));
	txq->hv = conf->hv;
	txq->qid = conf->qid;
	txq->mcast = conf->mcast;
	txq->fatal = conf->fatal;
	txq->fatal_arg = conf->fatal_arg;
	return txq;
}

/* Start a connection's zero-copy state (control thread). */
static void
tx_zc_start(struct xnb_txq *txq)
{
	if (!txq->zc_on || txq->zc != NULL)
		return;
	txq->zc = xnb_txzc_create(txq->hv, txq->domid, &txq->zc_conf);
	if (txq->zc == NULL)
		XNB_LOG(ERR, "dom%u q%u: no memory for zero-copy Tx, copying",
			txq->domid, txq->qid);
}

/* The connection ends: frames still held unmap when released. */
static void
tx_zc_stop(struct xnb_txq *txq)
{
	if (txq->zc == NULL)
		return;
	xnb_txzc_orphan(txq->zc, &txq->stats, &txq->zc_stats);
	txq->zc = NULL;
}

void
xnb_txq_destroy(struct xnb_txq *txq)
{
	if (txq == NULL)
		return;
	tx_zc_stop(txq);
	free(txq);
}

int
xnb_txq_zc_enable(struct xnb_txq *txq, const struct xnb_txq_zc_conf *conf)
{
	if ((conf->hold == NULL) != (conf->release == NULL))
		return -EINVAL;
	txq->zc_conf = *conf;
	txq->zc_on = conf->copy_max < XNB_PAGE_SIZE;
	if (txq->attached)
		tx_zc_start(txq);
	return 0;
}

const struct xnb_tx_zc_stats *
xnb_txq_zc_stats(const struct xnb_txq *txq)
{
	return &txq->zc_stats;
}

int
xnb_txq_attach(struct xnb_txq *txq, xnb_domid_t domid, void *sring,
	       struct xnb_hv_evtchn *ec, xnb_evtchn_port_t port)
{
	netif_tx_sring_t *s = sring;
	RING_IDX req_prod, rsp_prod;

	req_prod = *(volatile RING_IDX *)&s->req_prod;
	rsp_prod = *(volatile RING_IDX *)&s->rsp_prod;
	BACK_RING_ATTACH(&txq->ring, s, rsp_prod, XNB_PAGE_SIZE);
	if (req_prod - rsp_prod > RING_SIZE(&txq->ring)) {
		XNB_LOG(ERR, "dom%u q%u: Tx ring has %u requests in %u slots",
			domid, txq->qid, req_prod - rsp_prod,
			RING_SIZE(&txq->ring));
		return -EPROTO;
	}
	txq->domid = domid;
	txq->ec = ec;
	txq->port = port;
	txq->failed = false;
	txq->attached = true;
	tx_zc_start(txq);
	return 0;
}

void
xnb_txq_detach(struct xnb_txq *txq)
{
	tx_zc_stop(txq);
	txq->attached = false;
	memset(&txq->ring, 0, sizeof(txq->ring));
}

int
xnb_txq_ring_info(const struct xnb_txq *txq, struct xnb_ring_info *info)
{
	const volatile netif_tx_sring_t *s;

	memset(info, 0, sizeof(*info));
	if (!__atomic_load_n(&txq->attached, __ATOMIC_ACQUIRE))
		return -ENOTCONN;
	s = txq->ring.sring;
	info->req_prod = s->req_prod;
	info->req_event = s->req_event;
	info->rsp_prod = s->rsp_prod;
	info->rsp_event = s->rsp_event;
	/* Read in the reverse of the datapath's update order (rsp_prod,
	 * then rsp_prod_pvt, then req_cons) so the snapshot keeps
	 * rsp_prod <= rsp_prod_pvt <= req_cons. */
	info->rsp_prod_pvt = __atomic_load_n(&txq->ring.rsp_prod_pvt,
					     __ATOMIC_ACQUIRE);
	info->req_cons = __atomic_load_n(&txq->ring.req_cons, __ATOMIC_ACQUIRE);
	return 0;
}

bool
xnb_txq_failed(const struct xnb_txq *txq)
{
	return txq->failed;
}

const struct xnb_tx_stats *
xnb_txq_stats(const struct xnb_txq *txq)
{
	return &txq->stats;
}

static void
tx_fail(struct xnb_txq *txq, const char *why, unsigned int a, unsigned int b)
{
	if (txq->failed)
		return;
	txq->failed = true;
	txq->stats.fatal++;
	XNB_LOG_RL(ERR, "dom%u q%u: guest Tx protocol violation: %s (%u, %u); "
		   "disabling the vif", txq->domid, txq->qid, why, a, b);
	if (txq->fatal != NULL)
		txq->fatal(txq->fatal_arg, txq->qid);
}

/*
 * Copy request idx out of the shared ring: a plain copy (two loads, where
 * RING_COPY_REQUEST's volatile struct copy loads each field on its own),
 * then a compiler barrier, so no later use can re-read the slot in place
 * of the copy.
 */
static inline void
tx_copy_request(const struct xnb_txq *txq, RING_IDX idx,
		struct netif_tx_request *req)
{
	memcpy(req, &txq->ring.sring->ring[idx & (XNB_TX_RING_SIZE - 1)].req,
	       sizeof(*req));
	rte_compiler_barrier();
}

static void
stage_rsp(struct xnb_txq *txq, uint16_t id, int16_t status)
{
	txq->rsp[txq->nr_rsp++] = (struct netif_tx_response){
		.id = id, .status = status,
	};
}

/* Answer the data slots of staged responses [first, first + n) with
 * NETIF_RSP_ERROR; extra-info slots keep NETIF_RSP_NULL. */
static void
rsp_error(struct xnb_txq *txq, uint16_t first, uint32_t n)
{
	uint32_t i;

	for (i = first; i < first + n; i++)
		if (txq->rsp[i].status != NETIF_RSP_NULL)
			txq->rsp[i].status = NETIF_RSP_ERROR;
}

/* Apply a multicast extra; the request is answered like a frame of one
 * slot (plus its extras). */
static int16_t
tx_mcast(struct xnb_txq *txq, const struct netif_extra_info *add,
	 const struct netif_extra_info *del)
{
	int ret;

	if (add->type != XEN_NETIF_EXTRA_TYPE_NONE)
		ret = xnb_mcast_add(txq->mcast, add->u.mcast.addr);
	else
		ret = xnb_mcast_del(txq->mcast, del->u.mcast.addr);
	/* Deleting an absent address is not an error (as Linux). */
	if (ret == -ENOSPC) {
		txq->stats.mcast_err++;
		return NETIF_RSP_ERROR;
	}
	txq->stats.mcast_ok++;
	return NETIF_RSP_OKAY;
}

/* A valid frame whose first slot is first, remaining bytes of it in that
 * slot, taking n ring slots: everything but the extra-info fields. */
static inline void
tx_frame_init(struct tx_frame *f, const struct netif_tx_request *first,
	      uint32_t remaining, uint16_t rsp_first, uint32_t n,
	      uint32_t nr_data)
{
	/* The two checksum flags keep their bit positions. */
	RTE_BUILD_BUG_ON(NETTXF_csum_blank != XNB_TX_F_CSUM_BLANK ||
			 NETTXF_data_validated != XNB_TX_F_DATA_VALIDATED);
	f->frags[0].gref = first->gref;
	f->frags[0].offset = first->offset;
	f->frags[0].size = remaining;
	f->rsp_first = rsp_first;
	f->nr_rsp = n;
	f->pkt = (struct xnb_tx_pkt){
		.len = first->size,
		.flags = first->flags &
			 (NETTXF_csum_blank | NETTXF_data_validated),
		.gso_type = XEN_NETIF_GSO_TYPE_NONE,
		.nr_frags = nr_data,
	};
}

/*
 * Parse the chain at req_cons, of which work slots are produced. Every
 * slot is read once into a local copy. Stages the responses (statuses of
 * TX_OK frames are final only after the copy) and advances *used.
 */
static enum tx_verdict
tx_parse(struct xnb_txq *txq, RING_IDX cons, uint32_t work,
	 struct tx_frame *f, uint32_t *used)
{
	struct netif_extra_info extras[XEN_NETIF_EXTRA_TYPE_MAX - 1];
	const struct netif_extra_info *gso, *hash;
	struct netif_tx_request first, req;
	uint32_t n = 0, nr_extras = 0, nr_data, remaining;
	uint16_t rsp_first = txq->nr_rsp;
	uint64_t *drop = NULL;
	bool more;

	tx_copy_request(txq, cons + n, &first);
	n++;
	stage_rsp(txq, first.id, NETIF_RSP_OKAY);

	/* The common frame: one slot, no extra-info; same rules, same
	 * order as the general path below. */
	if (likely(!(first.flags & (NETTXF_extra_info | NETTXF_more_data)))) {
		*used = 1;
		if (unlikely(first.size < XNB_ETH_HLEN)) {
			txq->stats.drop_runt++;
			txq->rsp[rsp_first].status = NETIF_RSP_ERROR;
			return TX_DROP;
		}
		if (unlikely((uint32_t)first.offset + first.size >
			     XNB_PAGE_SIZE)) {
			tx_fail(txq, "first slot crosses the page",
				first.offset, first.size);
			return TX_FATAL;
		}
		tx_frame_init(f, &first, first.size, rsp_first, 1, 1);
		return TX_OK;
	}

	memset(extras, 0, sizeof(extras));
	more = first.flags & NETTXF_extra_info;
	while (more) {
		struct netif_extra_info ex;

		if (n >= work) {
			tx_fail(txq, "extra-info past req_prod", n, work);
			return TX_FATAL;
		}
		tx_copy_request(txq, cons + n, &req);
		n++;
		nr_extras++;
		memcpy(&ex, &req, sizeof(ex));
		stage_rsp(txq, 0, NETIF_RSP_NULL);
		if (ex.type == XEN_NETIF_EXTRA_TYPE_NONE ||
		    ex.type >= XEN_NETIF_EXTRA_TYPE_MAX) {
			tx_fail(txq, "unknown extra-info type", ex.type, n);
			return TX_FATAL;
		}
		extras[ex.type - 1] = ex;
		more = ex.flags & XEN_NETIF_EXTRA_FLAG_MORE;
	}

	if (extras[XEN_NETIF_EXTRA_TYPE_MCAST_ADD - 1].type != 0 ||
	    extras[XEN_NETIF_EXTRA_TYPE_MCAST_DEL - 1].type != 0) {
		txq->rsp[rsp_first].status = tx_mcast(txq,
			&extras[XEN_NETIF_EXTRA_TYPE_MCAST_ADD - 1],
			&extras[XEN_NETIF_EXTRA_TYPE_MCAST_DEL - 1]);
		*used = n;
		return TX_CTRL;
	}

	gso = &extras[XEN_NETIF_EXTRA_TYPE_GSO - 1];
	if (gso->type != 0) {
		if (gso->u.gso.size == 0) {
			tx_fail(txq, "GSO size 0", gso->u.gso.type, 0);
			return TX_FATAL;
		}
		if (gso->u.gso.type != XEN_NETIF_GSO_TYPE_TCPV4 &&
		    gso->u.gso.type != XEN_NETIF_GSO_TYPE_TCPV6) {
			tx_fail(txq, "unknown GSO type", gso->u.gso.type,
				gso->u.gso.size);
			return TX_FATAL;
		}
	}

	/* Data slots after the first; first.size is the frame length. */
	remaining = first.size;
	nr_data = 1;
	more = first.flags & NETTXF_more_data;
	while (more) {
		if (n >= work) {
			tx_fail(txq, "chain past req_prod", n, work);
			return TX_FATAL;
		}
		if (nr_data >= XNB_TX_FATAL_SLOTS) {
			tx_fail(txq, "too many slots", nr_data + 1,
				XNB_TX_FATAL_SLOTS);
			return TX_FATAL;
		}
		if (drop == NULL && nr_data >= XNB_TX_LEGACY_SLOTS)
			drop = &txq->stats.drop_slots;
		tx_copy_request(txq, cons + n, &req);
		n++;
		stage_rsp(txq, req.id, NETIF_RSP_OKAY);
		/* A frame >= 64 KiB overflows first.size: buggy, not hostile. */
		if (drop == NULL && req.size > remaining)
			drop = &txq->stats.drop_frag_size;
		remaining -= req.size;
		if ((uint32_t)req.offset + req.size > XNB_PAGE_SIZE) {
			tx_fail(txq, "slot crosses the page", req.offset,
				req.size);
			return TX_FATAL;
		}
		if (drop == NULL) {
			f->frags[nr_data].gref = req.gref;
			f->frags[nr_data].offset = req.offset;
			f->frags[nr_data].size = req.size;
		}
		nr_data++;
		more = req.flags & NETTXF_more_data;
	}
	*used = n;

	if (drop == NULL && remaining < XNB_ETH_HLEN)
		drop = &txq->stats.drop_runt;
	if (drop != NULL) {
		(*drop)++;
		rsp_error(txq, rsp_first, n);
		return TX_DROP;
	}
	if ((uint32_t)first.offset + remaining > XNB_PAGE_SIZE) {
		tx_fail(txq, "first slot crosses the page", first.offset,
			remaining);
		return TX_FATAL;
	}

	tx_frame_init(f, &first, remaining, rsp_first, n, nr_data);
	if (gso->type != 0) {
		f->pkt.gso_type = gso->u.gso.type;
		f->pkt.gso_size = gso->u.gso.size;
	}
	hash = &extras[XEN_NETIF_EXTRA_TYPE_HASH - 1];
	if (hash->type != 0 &&
	    hash->u.hash.type <= _XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP) {
		f->pkt.flags |= XNB_TX_F_HASH;
		f->pkt.hash_type = hash->u.hash.type;
		f->pkt.hash = (uint32_t)hash->u.hash.value[0] |
			(uint32_t)hash->u.hash.value[1] << 8 |
			(uint32_t)hash->u.hash.value[2] << 16 |
			(uint32_t)hash->u.hash.value[3] << 24;
	}
	return TX_OK;
}

/*
 * Copy ops from the frame's guest fragments into segs; 0, or -EINVAL when
 * the caller's segments are shorter than the frame.
 */
static int
tx_build_ops(struct xnb_txq *txq, struct tx_frame *f, uint16_t op_first,
	     unsigned int nr_segs)
{
	struct xnb_gcopy *op = &txq->ops[op_first];
	unsigned int fi, si = 0;
	uint32_t seg_off = 0;

	f->op_first = op_first;
	/* The common frame: one copied slot into one segment. */
	if (likely(f->pkt.nr_frags == 1 && f->zf == NULL && nr_segs >= 1 &&
		   txq->segs[0].len >= f->frags[0].size)) {
		op->source.foreign.ref = f->frags[0].gref;
		op->source.foreign.offset = f->frags[0].offset;
		op->source.foreign.domid = txq->domid;
		op->dest.virt = txq->segs[0].addr;
		op->len = f->frags[0].size;
		op->flags = XNB_GCOPY_SOURCE_GREF;
		op->status = XNB_GNTST_OKAY;
		f->nr_ops = 1;
		return 0;
	}
	for (fi = 0; fi < f->pkt.nr_frags; fi++) {
		const struct tx_frag *fr = &f->frags[fi];
		uint32_t done = 0;

		if (f->zf != NULL && f->zf->frags[fi].page != NULL) {
			/* The caller's segments stop at a mapped fragment. */
			if (seg_off != 0) {
				if (seg_off != txq->segs[si].len)
					return -EINVAL;
				si++;
				seg_off = 0;
			}
			continue;
		}
		while (done < fr->size) {
			uint32_t len;

			if (si == nr_segs)
				return -EINVAL;
			len = RTE_MIN((uint32_t)fr->size - done,
				      txq->segs[si].len - seg_off);
			if (len == 0) {
				si++;
				seg_off = 0;
				continue;
			}
			op->source.foreign.ref = fr->gref;
			op->source.foreign.offset = fr->offset + done;
			op->source.foreign.domid = txq->domid;
			op->dest.virt = (uint8_t *)txq->segs[si].addr + seg_off;
			op->len = len;
			op->flags = XNB_GCOPY_SOURCE_GREF;
			op->status = XNB_GNTST_OKAY;
			op++;
			done += len;
			seg_off += len;
		}
	}
	f->nr_ops = op - &txq->ops[op_first];
	return 0;
}


/* Write the staged responses in ring order and notify if asked to. */
static void
tx_respond(struct xnb_txq *txq)
{
	netif_tx_sring_t *sring = txq->ring.sring;
	RING_IDX i = txq->ring.rsp_prod_pvt;
	uint16_t k;
	int notify;

	if (txq->nr_rsp == 0)
		return;
	if (txq->zc == NULL) {
		/* Nothing can be held back. */
		for (k = 0; k < txq->nr_rsp; k++, i++)
			sring->ring[i & (XNB_TX_RING_SIZE - 1)].rsp =
				txq->rsp[k];
	} else {
		for (k = 0; k < txq->nr_rsp; k++) {
			if (txq->rsp[k].status == TX_RSP_HELD)
				continue;
			sring->ring[i & (XNB_TX_RING_SIZE - 1)].rsp =
				txq->rsp[k];
			i++;
		}
	}
	txq->nr_rsp = 0;
	if (i == txq->ring.rsp_prod_pvt)
		return;
	txq->ring.rsp_prod_pvt = i;
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&txq->ring, notify);
	if (notify) {
		txq->hv->ops->evtchn_notify(txq->ec, txq->port);
		txq->stats.notify++;
	}
}

/*
 * Zero-copy attempt for a parsed frame: the number of copy segments the
 * caller gave (f->zf and *cookie set), -ENOTSUP to copy the frame,
 * -ENOBUFS to end the burst, -EIO when the map failed (drop the frame).
 */
static int
tx_prepare_zc(struct xnb_txq *txq, struct tx_frame *f,
	      const struct xnb_tx_ops *ops, void *arg, void **cookie)
{
	struct xnb_tx_zc_frame *zf;
	int ret;

	ret = xnb_txzc_map(txq->zc, f->frags, f->pkt.nr_frags,
			   txq->zc_conf.copy_max, f->nr_rsp, &txq->stats,
			   &txq->zc_stats, &zf);
	if (ret <= 0)
		return ret == 0 ? -ENOTSUP : -EIO;
	ret = ops->prepare_zc(arg, &f->pkt, zf, txq->segs, XNB_TX_MAX_SEGS,
			      cookie);
	if (ret < 0) {
		xnb_txzc_unmap(txq->zc, zf, &txq->stats, &txq->zc_stats);
		if (ret == -ENOTSUP)
			txq->zc_stats.fallback_caller++;
		return ret == -ENOTSUP ? -ENOTSUP : -ENOBUFS;
	}
	f->zf = zf;
	return ret;
}

/* A zero-copy frame was taken or dropped: its staged responses wait in
 * its record until the caller releases it. */
static void
tx_zc_hold(struct xnb_txq *txq, struct tx_frame *f)
{
	uint16_t i;

	xnb_txzc_hold(f->zf, &txq->rsp[f->rsp_first], f->nr_rsp);
	for (i = f->rsp_first; i < f->rsp_first + f->nr_rsp; i++)
		txq->rsp[i].status = TX_RSP_HELD;
}

uint16_t
xnb_txq_recv(struct xnb_txq *txq, const struct xnb_tx_ops *ops, void *arg,
	     void **cookies, uint16_t n)
{
	uint32_t work, used, nr_ops = 0;
	uint16_t nr_frames = 0, i, k;
	uint64_t bytes = 0;
	RING_IDX prod, cons;
	int16_t status = 0;
	bool zc;
	int ret;

	if (unlikely(!txq->attached || txq->failed))
		return 0;
	n = RTE_MIN(n, (uint16_t)XNB_TX_BURST_MAX);

	prod = *(volatile RING_IDX *)&txq->ring.sring->req_prod;
	xen_rmb(); /* requests are read after the index that covers them */
	if (unlikely(RING_REQUEST_PROD_OVERFLOW(&txq->ring, prod))) {
		tx_fail(txq, "more requests than the ring holds",
			prod - txq->ring.rsp_prod_pvt, RING_SIZE(&txq->ring));
		return 0;
	}
	cons = txq->ring.req_cons;
	work = prod - cons;
	txq->nr_rsp = 0;
	/* An idle poll: nothing to take, no released frame to answer. */
	if (work == 0 && txq->zc == NULL)
		return 0;
	zc = txq->zc != NULL && ops->prepare_zc != NULL;

	/* The caller's handle of frame i goes straight to cookies[i]. */
	while (work > 0 && nr_frames < n) {
		struct tx_frame *f = &txq->frames[nr_frames];
		void **cookie = &cookies[nr_frames];
		enum tx_verdict v;
		uint16_t rsp_mark = txq->nr_rsp;

		if (nr_ops + XNB_TX_FATAL_SLOTS + XNB_TX_MAX_SEGS > TX_OPS_MAX)
			break;
		v = tx_parse(txq, cons, work, f, &used);
		if (v == TX_FATAL) {
			txq->nr_rsp = rsp_mark;
			break;
		}
		if (v == TX_OK) {
			f->zf = NULL;
			ret = -ENOTSUP;
			if (zc && !(txq->zc_conf.copy_gso &&
			      f->pkt.gso_type != XEN_NETIF_GSO_TYPE_NONE))
				ret = tx_prepare_zc(txq, f, ops, arg, cookie);
			if (ret == -EIO) {
				rsp_error(txq, f->rsp_first, f->nr_rsp);
				txq->stats.drop_grant++;
				cons += used;
				work -= used;
				continue;
			}
			if (ret == -ENOTSUP)
				ret = ops->prepare(arg, &f->pkt, txq->segs,
						   XNB_TX_MAX_SEGS, cookie);
			if (ret < 0) {
				/* Leave the frame on the ring for later. */
				txq->nr_rsp = rsp_mark;
				txq->stats.nobuf++;
				break;
			}
			if (tx_build_ops(txq, f, nr_ops,
					 RTE_MIN((unsigned int)ret,
						 (unsigned int)XNB_TX_MAX_SEGS))
			    < 0) {
				rsp_error(txq, f->rsp_first, f->nr_rsp);
				txq->stats.drop_grant++;
				if (f->zf != NULL)
					tx_zc_hold(txq, f);
				ops->discard(arg, *cookie);
			} else {
				nr_ops += f->nr_ops;
				bytes += f->pkt.len;
				nr_frames++;
			}
		}
		cons += used;
		work -= used;
	}
	txq->ring.req_cons = cons;

	if (nr_ops > 0) {
		ret = txq->hv->ops->copy_grants(txq->hv, txq->ops, nr_ops);
		txq->stats.gcopy_calls++;
		txq->stats.gcopy_ops += nr_ops;
		if (unlikely(ret < 0)) {
			XNB_LOG_RL(ERR, "dom%u q%u: grant copy failed: %s",
				   txq->domid, txq->qid, strerror(-ret));
			for (i = 0; i < nr_ops; i++)
				txq->ops[i].status = XNB_GNTST_GENERAL_ERROR;
		}
		/* XNB_GNTST_OKAY is 0: any bit set is a failed op. */
		for (i = 0; i < nr_ops; i++)
			status |= txq->ops[i].status;
	}

	/* Every copy worked and no frame is held back: cookies[] is final. */
	k = nr_frames;
	if (likely(status == XNB_GNTST_OKAY && !zc))
		goto account;
	for (i = 0, k = 0; i < nr_frames; i++) {
		struct tx_frame *f = &txq->frames[i];
		void *cookie = cookies[i];
		bool ok = true;
		uint16_t j;

		for (j = 0; j < f->nr_ops; j++)
			if (txq->ops[f->op_first + j].status != XNB_GNTST_OKAY)
				ok = false;
		if (unlikely(!ok)) {
			rsp_error(txq, f->rsp_first, f->nr_rsp);
			txq->stats.drop_grant++;
			if (f->zf != NULL)
				tx_zc_hold(txq, f);
			ops->discard(arg, cookie);
			bytes -= f->pkt.len;
			continue;
		}
		if (f->zf != NULL) {
			tx_zc_hold(txq, f);
			txq->zc_stats.frames++;
		}
		cookies[k++] = cookie;
	}
account:
	txq->stats.packets += k;
	txq->stats.bytes += bytes;
	/* Released zero-copy frames: unmapped, then answered with the rest
	 * in one push. */
	if (txq->zc != NULL)
		txq->nr_rsp += xnb_txzc_drain(txq->zc, &txq->rsp[txq->nr_rsp],
					      &txq->stats, &txq->zc_stats);
	tx_respond(txq);
	return k;
}

bool
xnb_txq_arm(struct xnb_txq *txq)
{
	int work;

	if (!txq->attached || txq->failed)
		return false;
	if (txq->zc != NULL && xnb_txzc_busy(txq->zc))
		return true;
	RING_FINAL_CHECK_FOR_REQUESTS(&txq->ring, work);
	return work != 0;
}
