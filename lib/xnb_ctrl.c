/* SPDX-License-Identifier: BSD-3-Clause */
/* The netif control ring: Toeplitz hash configuration and queue steering. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_seqlock.h>
#include <rte_thash.h>

#include "xnb_ctrl.h"
#include "xnb_log.h"

/* rte_softrss() reads one key word past the input: 9 input words at most
 * (IPv6 + ports) need 10 key words; keep the rest zero. */
#define KEY_WORDS 12

struct hash_cfg {
	uint32_t alg;
	uint32_t flags;
	uint32_t size;      /* mapping entries; 0: modulo num_queues */
	uint32_t key[KEY_WORDS]; /* big-endian key bytes, zero padded */
	uint32_t mapping[XNB_CTRL_MAX_MAPPING];
};

struct xnb_ctrl {
	xen_netif_ctrl_back_ring_t ring;
	bool attached;
	xnb_domid_t domid;
	struct xnb_hv_evtchn *ec;
	xnb_evtchn_port_t port;
	uint16_t num_queues;
	struct xnb_hv *hv;
	struct xnb_ctrl_stats stats;
	rte_seqlock_t lock;  /* guards live against lcore readers */
	struct hash_cfg live;
	/* A new mapping is assembled and validated here first (XSA-270). */
	uint32_t staging[XNB_CTRL_MAX_MAPPING];
};

struct xnb_ctrl *
xnb_ctrl_create(struct xnb_hv *hv)
{
	struct xnb_ctrl *ctrl;

	ctrl = calloc(1, sizeof(*ctrl));
	if (ctrl == NULL)
		return NULL;
	ctrl->hv = hv;
	ctrl->num_queues = 1;
	rte_seqlock_init(&ctrl->lock);
	return ctrl;
}

void
xnb_ctrl_destroy(struct xnb_ctrl *ctrl)
{
	free(ctrl);
}

const struct xnb_ctrl_stats *
xnb_ctrl_stats(const struct xnb_ctrl *ctrl)
{
	return &ctrl->stats;
}

int
xnb_ctrl_attach(struct xnb_ctrl *ctrl, xnb_domid_t domid, void *sring,
		struct xnb_hv_evtchn *ec, xnb_evtchn_port_t port,
		uint16_t num_queues)
{
	xen_netif_ctrl_sring_t *s = sring;
	RING_IDX req_prod, rsp_prod;

	if (num_queues == 0)
		return -EINVAL;
	req_prod = *(volatile RING_IDX *)&s->req_prod;
	rsp_prod = *(volatile RING_IDX *)&s->rsp_prod;
	BACK_RING_ATTACH(&ctrl->ring, s, rsp_prod, XNB_PAGE_SIZE);
	if (req_prod - rsp_prod > RING_SIZE(&ctrl->ring)) {
		XNB_LOG(ERR, "dom%u: control ring has %u requests in %u slots",
			domid, req_prod - rsp_prod, RING_SIZE(&ctrl->ring));
		return -EPROTO;
	}
	rte_seqlock_write_lock(&ctrl->lock);
	memset(&ctrl->live, 0, sizeof(ctrl->live));
	ctrl->num_queues = num_queues;
	rte_seqlock_write_unlock(&ctrl->lock);
	ctrl->domid = domid;
	ctrl->ec = ec;
	ctrl->port = port;
	ctrl->attached = true;
	return 0;
}

void
xnb_ctrl_detach(struct xnb_ctrl *ctrl)
{
	ctrl->attached = false;
	memset(&ctrl->ring, 0, sizeof(ctrl->ring));
	rte_seqlock_write_lock(&ctrl->lock);
	memset(&ctrl->live, 0, sizeof(ctrl->live));
	rte_seqlock_write_unlock(&ctrl->lock);
}

/* Grant-copy len bytes from the start of the guest's gref into dst. */
static int
ctrl_fetch(struct xnb_ctrl *ctrl, xnb_gref_t gref, void *dst, uint32_t len)
{
	struct xnb_gcopy op = {
		.source.foreign = { .ref = gref, .offset = 0,
				    .domid = ctrl->domid },
		.dest.virt = dst,
		.len = len,
		.flags = XNB_GCOPY_SOURCE_GREF,
	};
	int ret;

	ret = ctrl->hv->ops->copy_grants(ctrl->hv, &op, 1);
	ctrl->stats.gcopy_calls++;
	ctrl->stats.gcopy_ops++;
	if (ret < 0 || op.status != XNB_GNTST_OKAY)
		return -EIO;
	return 0;
}

static uint32_t
set_key(struct xnb_ctrl *ctrl, xnb_gref_t gref, uint32_t len)
{
	uint32_t key[KEY_WORDS] = { 0 };

	if (len > XNB_CTRL_MAX_KEY)
		return XEN_NETIF_CTRL_STATUS_BUFFER_OVERFLOW;
	if (len > 0 && ctrl_fetch(ctrl, gref, key, len) < 0)
		return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
	rte_seqlock_write_lock(&ctrl->lock);
	memcpy(ctrl->live.key, key, sizeof(key));
	rte_seqlock_write_unlock(&ctrl->lock);
	return XEN_NETIF_CTRL_STATUS_SUCCESS;
}

static uint32_t
set_mapping_size(struct xnb_ctrl *ctrl, uint32_t size)
{
	if (size > XNB_CTRL_MAX_MAPPING)
		return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
	rte_seqlock_write_lock(&ctrl->lock);
	ctrl->live.size = size;
	memset(ctrl->live.mapping, 0, sizeof(ctrl->live.mapping));
	rte_seqlock_write_unlock(&ctrl->lock);
	return XEN_NETIF_CTRL_STATUS_SUCCESS;
}

static uint32_t
set_mapping(struct xnb_ctrl *ctrl, xnb_gref_t gref, uint32_t len,
	    uint32_t off)
{
	uint32_t size = ctrl->live.size, i;

	if ((uint64_t)len * sizeof(uint32_t) > XNB_PAGE_SIZE)
		return XEN_NETIF_CTRL_STATUS_BUFFER_OVERFLOW;
	if ((uint64_t)off + len > size)
		return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
	memcpy(ctrl->staging, ctrl->live.mapping, sizeof(ctrl->staging));
	if (len > 0 && ctrl_fetch(ctrl, gref, &ctrl->staging[off],
				  len * sizeof(uint32_t)) < 0)
		return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
	for (i = off; i < off + len; i++)
		if (ctrl->staging[i] >= ctrl->num_queues)
			return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
	rte_seqlock_write_lock(&ctrl->lock);
	memcpy(ctrl->live.mapping, ctrl->staging, sizeof(ctrl->staging));
	rte_seqlock_write_unlock(&ctrl->lock);
	return XEN_NETIF_CTRL_STATUS_SUCCESS;
}

static uint32_t
serve(struct xnb_ctrl *ctrl, const struct xen_netif_ctrl_request *req,
      uint32_t *data)
{
	*data = 0;
	switch (req->type) {
	case XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM:
		if (req->data[0] != XEN_NETIF_CTRL_HASH_ALGORITHM_NONE &&
		    req->data[0] != XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ)
			return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
		rte_seqlock_write_lock(&ctrl->lock);
		ctrl->live.alg = req->data[0];
		rte_seqlock_write_unlock(&ctrl->lock);
		return XEN_NETIF_CTRL_STATUS_SUCCESS;
	case XEN_NETIF_CTRL_TYPE_GET_HASH_FLAGS:
		if (ctrl->live.alg == XEN_NETIF_CTRL_HASH_ALGORITHM_NONE)
			return XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED;
		*data = XNB_CTRL_HASH_TYPES;
		return XEN_NETIF_CTRL_STATUS_SUCCESS;
	case XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS:
		if (ctrl->live.alg == XEN_NETIF_CTRL_HASH_ALGORITHM_NONE)
			return XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED;
		if (req->data[0] & ~XNB_CTRL_HASH_TYPES)
			return XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER;
		rte_seqlock_write_lock(&ctrl->lock);
		ctrl->live.flags = req->data[0];
		rte_seqlock_write_unlock(&ctrl->lock);
		return XEN_NETIF_CTRL_STATUS_SUCCESS;
	case XEN_NETIF_CTRL_TYPE_SET_HASH_KEY:
		return set_key(ctrl, req->data[0], req->data[1]);
	case XEN_NETIF_CTRL_TYPE_GET_HASH_MAPPING_SIZE:
		*data = XNB_CTRL_MAX_MAPPING;
		return XEN_NETIF_CTRL_STATUS_SUCCESS;
	case XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE:
		return set_mapping_size(ctrl, req->data[0]);
	case XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING:
		return set_mapping(ctrl, req->data[0], req->data[1],
				   req->data[2]);
	default: /* INVALID, static grants (8-10), unknown */
		return XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED;
	}
}

int
xnb_ctrl_process(struct xnb_ctrl *ctrl)
{
	struct xen_netif_ctrl_request req;
	struct xen_netif_ctrl_response *rsp;
	int served = 0, more, notify;
	RING_IDX prod, cons;

	if (!ctrl->attached)
		return 0;
	do {
		prod = *(volatile RING_IDX *)&ctrl->ring.sring->req_prod;
		xen_rmb(); /* requests after the index that covers them */
		if (RING_REQUEST_PROD_OVERFLOW(&ctrl->ring, prod)) {
			XNB_LOG_RL(ERR, "dom%u: control ring overrun (%u)",
				   ctrl->domid,
				   prod - ctrl->ring.rsp_prod_pvt);
			return -EPROTO;
		}
		for (cons = ctrl->ring.req_cons; cons != prod; cons++) {
			uint32_t data;

			RING_COPY_REQUEST(&ctrl->ring, cons, &req);
			rsp = RING_GET_RESPONSE(&ctrl->ring,
						ctrl->ring.rsp_prod_pvt);
			rsp->status = serve(ctrl, &req, &data);
			rsp->id = req.id;
			rsp->type = req.type;
			rsp->data = data;
			if (rsp->status != XEN_NETIF_CTRL_STATUS_SUCCESS)
				ctrl->stats.errors++;
			ctrl->ring.rsp_prod_pvt++;
			ctrl->stats.requests++;
			served++;
		}
		ctrl->ring.req_cons = cons;
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&ctrl->ring, notify);
		if (notify) {
			ctrl->hv->ops->evtchn_notify(ctrl->ec, ctrl->port);
			ctrl->stats.notify++;
		}
		RING_FINAL_CHECK_FOR_REQUESTS(&ctrl->ring, more);
	} while (more);
	return served;
}

/* Header fields of a frame, as the hash types need them. */
struct flow {
	bool v6;
	bool tcp;
	uint32_t words[9]; /* addresses then ports, host order */
};

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

static bool
parse_flow(const uint8_t *p, uint32_t len, struct flow *fl)
{
	uint32_t l3 = XNB_ETH_HLEN, i, ihl;
	uint16_t proto;

	if (len < XNB_ETH_HLEN)
		return false;
	proto = (uint16_t)p[12] << 8 | p[13];
	if (proto == 0x8100 && len >= XNB_ETH_HLEN + 4) {
		proto = (uint16_t)p[16] << 8 | p[17];
		l3 += 4;
	}
	memset(fl, 0, sizeof(*fl));
	if (proto == 0x0800) {
		if (len < l3 + 20 || (p[l3] >> 4) != 4)
			return false;
		ihl = (p[l3] & 0xf) * 4u;
		if (ihl < 20)
			return false;
		for (i = 0; i < 2; i++)
			fl->words[i] = be32(&p[l3 + 12 + 4 * i]);
		/* TCP, not a later fragment, ports present. */
		fl->tcp = p[l3 + 9] == 6 &&
			((((uint16_t)p[l3 + 6] << 8) | p[l3 + 7]) & 0x3fff)
				== 0 &&
			len >= l3 + ihl + 4;
		if (fl->tcp)
			fl->words[2] = be32(&p[l3 + ihl]);
		return true;
	}
	if (proto == 0x86dd) {
		if (len < l3 + 40 || (p[l3] >> 4) != 6)
			return false;
		fl->v6 = true;
		for (i = 0; i < 8; i++)
			fl->words[i] = be32(&p[l3 + 8 + 4 * i]);
		fl->tcp = p[l3 + 6] == 6 && len >= l3 + 40 + 4;
		if (fl->tcp)
			fl->words[8] = be32(&p[l3 + 40]);
		return true;
	}
	return false;
}

int
xnb_ctrl_hash(const struct xnb_ctrl *ctrl, const void *frame, uint32_t len,
	      uint32_t *hash, uint8_t *type)
{
	uint32_t key[KEY_WORDS], flags, alg, sn, nwords;
	struct flow fl;

	/* Configuration first: a guest with hashing off costs no parse. */
	do {
		sn = rte_seqlock_read_begin(&ctrl->lock);
		alg = ctrl->live.alg;
		flags = ctrl->live.flags;
		memcpy(key, ctrl->live.key, sizeof(key));
	} while (rte_seqlock_read_retry(&ctrl->lock, sn));
	if (alg != XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ)
		return -ENOENT;
	if (!parse_flow(frame, len, &fl))
		return -ENOENT;

	/* The maximal enabled type applies (netif.h). */
	if (!fl.v6 && fl.tcp && (flags & XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP)) {
		*type = _XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP;
		nwords = 3;
	} else if (!fl.v6 && (flags & XEN_NETIF_CTRL_HASH_TYPE_IPV4)) {
		*type = _XEN_NETIF_CTRL_HASH_TYPE_IPV4;
		nwords = 2;
	} else if (fl.v6 && fl.tcp &&
		   (flags & XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP)) {
		*type = _XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP;
		nwords = 9;
	} else if (fl.v6 && (flags & XEN_NETIF_CTRL_HASH_TYPE_IPV6)) {
		*type = _XEN_NETIF_CTRL_HASH_TYPE_IPV6;
		nwords = 8;
	} else {
		return -ENOENT;
	}
	*hash = rte_softrss(fl.words, nwords, (const uint8_t *)key);
	return 0;
}

uint16_t
xnb_ctrl_queue(const struct xnb_ctrl *ctrl, uint32_t hash)
{
	uint32_t size, q, sn;

	do {
		sn = rte_seqlock_read_begin(&ctrl->lock);
		size = RTE_MIN(ctrl->live.size, XNB_CTRL_MAX_MAPPING);
		q = size > 0 ? ctrl->live.mapping[hash % size] :
			hash % RTE_MAX(ctrl->num_queues, (uint16_t)1);
	} while (rte_seqlock_read_retry(&ctrl->lock, sn));
	return q;
}

uint16_t
xnb_ctrl_select_queue(const struct xnb_ctrl *ctrl, const void *frame,
		      uint32_t len)
{
	uint32_t hash;
	uint8_t type;

	if (xnb_ctrl_hash(ctrl, frame, len, &hash, &type) < 0)
		return 0;
	return xnb_ctrl_queue(ctrl, hash);
}
