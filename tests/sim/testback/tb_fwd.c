/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Datapath of the test backend. Per source queue: pull a burst of Tx
 * packets (each request copied out of the ring before it is looked at,
 * each chain validated), grant-copy them into the queue's bounce arena in
 * one call, then deliver: take the destination's Rx requests, grant-copy
 * into them in one call, write Rx responses in request order, then the Tx
 * responses. A packet whose destination lacks Rx requests waits (arming
 * the destination's req_event) and holds back the rest of its burst.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tb.h"

#define ETH_HLEN 14

struct tb_delivery {
	struct tb_pkt *p;
	struct tb_queue *dst;
	RING_IDX ridx; /* first Rx request/response slot */
	unsigned int nrx; /* Rx slots: data + GSO extra */
	bool gso;
	unsigned int op_first;
	uint16_t rx_ids[TB_MAX_SLOTS + 1];
};

/* The guest broke the protocol: stop serving the vif until it closes. */
static void
tb_fwd_fatal(struct tb *tb, struct tb_vif *v, const char *why)
{
	if (v->fatal)
		return;
	fprintf(stderr, "testback: %s: disabled: %s\n", v->be, why);
	v->fatal = true;
	tb->st.fatal++;
}

static void
notify(struct tb *tb, int port)
{
	tb->hv->ops->evtchn_notify(tb->ec, (xnb_evtchn_port_t)port);
}

/* Requests the frontend has produced, or -1 for an impossible index. */
static int
tx_available(struct tb_queue *q)
{
	RING_IDX prod = __atomic_load_n(&q->tx.sring->req_prod,
					__ATOMIC_ACQUIRE);

	if (RING_REQUEST_PROD_OVERFLOW(&q->tx, prod))
		return -1;
	return (int)(prod - q->tx.req_cons);
}

static int
rx_available(struct tb_queue *q)
{
	RING_IDX prod = __atomic_load_n(&q->rx.sring->req_prod,
					__ATOMIC_ACQUIRE);

	if (RING_REQUEST_PROD_OVERFLOW(&q->rx, prod))
		return -1;
	return (int)(prod - q->rx.req_cons);
}

static void
check_extra(struct tb_pkt *p, const netif_extra_info_t *ex)
{
	switch (ex->type) {
	case XEN_NETIF_EXTRA_TYPE_GSO:
		if (ex->u.gso.size == 0 ||
		    (ex->u.gso.type != XEN_NETIF_GSO_TYPE_TCPV4 &&
		     ex->u.gso.type != XEN_NETIF_GSO_TYPE_TCPV6))
			p->status = NETIF_RSP_ERROR;
		p->gso_type = ex->u.gso.type;
		p->gso_size = ex->u.gso.size;
		break;
	case XEN_NETIF_EXTRA_TYPE_MCAST_ADD:
	case XEN_NETIF_EXTRA_TYPE_MCAST_DEL:
	case XEN_NETIF_EXTRA_TYPE_HASH:
		break; /* no filtering, no hashing here */
	default:
		p->status = NETIF_RSP_ERROR;
		break;
	}
}

/*
 * Parse the chain at the ring's req_cons (avail requests there) into p and
 * reqs. Returns the slots it spans, 0 if incomplete, -EPROTO if fatal.
 */
static int
parse_chain(struct tb_queue *q, int avail, struct tb_pkt *p,
	    netif_tx_request_t *reqs, unsigned int *ndata)
{
	RING_IDX i = q->tx.req_cons;
	netif_tx_request_t r;
	netif_extra_info_t ex;
	uint32_t sum = 0;
	unsigned int k;
	bool more;

	memset(p, 0, sizeof(*p));
	p->status = NETIF_RSP_OKAY;
	*ndata = 0;
	if (avail < 1)
		return 0;
	RING_COPY_REQUEST(&q->tx, i, &reqs[0]);
	i++;
	p->ids[p->nslots++] = reqs[0].id;
	p->txflags = reqs[0].flags;
	more = reqs[0].flags & NETTXF_extra_info;
	while (more) {
		if ((int)(i - q->tx.req_cons) >= avail)
			return 0;
		if (p->nslots > TB_MAX_EXTRAS)
			return -EPROTO;
		/* An extra-info slot overlays the request. */
		RING_COPY_REQUEST(&q->tx, i, &r);
		memcpy(&ex, &r, sizeof(ex));
		i++;
		p->extra_mask |= 1u << p->nslots;
		p->ids[p->nslots++] = reqs[0].id;
		check_extra(p, &ex);
		more = ex.flags & XEN_NETIF_EXTRA_FLAG_MORE;
	}
	*ndata = 1;
	more = reqs[0].flags & NETTXF_more_data;
	while (more) {
		if ((int)(i - q->tx.req_cons) >= avail)
			return 0;
		if (*ndata >= TB_FATAL_SLOTS)
			return -EPROTO;
		RING_COPY_REQUEST(&q->tx, i, &r);
		i++;
		reqs[(*ndata)++] = r;
		p->ids[p->nslots++] = r.id;
		more = r.flags & NETTXF_more_data;
	}

	/* Size the first slot: total minus the rest, then validate. */
	for (k = 1; k < *ndata; k++)
		sum += reqs[k].size;
	if (*ndata > TB_MAX_SLOTS || reqs[0].size < ETH_HLEN ||
	    sum > reqs[0].size)
		p->status = NETIF_RSP_ERROR;
	reqs[0].size = (uint16_t)(reqs[0].size - sum);
	for (k = 0; k < *ndata; k++)
		if (reqs[k].offset + reqs[k].size > FE_PAGE_SIZE)
			p->status = NETIF_RSP_ERROR;
	p->len = sum + reqs[0].size;
	return (int)(i - q->tx.req_cons);
}

/* Pull a burst of packets off q's Tx ring into its arena. */
static bool
pull(struct tb *tb, struct tb_queue *q)
{
	netif_tx_request_t reqs[TB_FATAL_SLOTS];
	unsigned int n = 0, nops = 0, ndata, k;
	uint32_t used = 0, off;
	struct tb_pkt *p;
	int avail, ret;

	q->npend = 0;
	q->next = 0;
	avail = tx_available(q);
	if (avail < 0) {
		tb_fwd_fatal(tb, q->vif, "impossible Tx req_prod");
		return false;
	}
	while (avail > 0 && n < TB_BURST &&
	       used + XEN_NETIF_MAX_TX_SIZE <= TB_ARENA) {
		p = &q->pend[n];
		ret = parse_chain(q, avail, p, reqs, &ndata);
		if (ret < 0) {
			tb_fwd_fatal(tb, q->vif, "Tx chain too long");
			return false;
		}
		if (ret == 0)
			break;
		q->tx.req_cons += (RING_IDX)ret;
		avail -= ret;
		n++;
		if (p->status != NETIF_RSP_OKAY)
			continue;
		p->data = q->arena + used;
		p->op_first = nops;
		for (k = 0, off = 0; k < ndata; k++) {
			struct xnb_gcopy *op = &tb->ops[nops++];

			op->source.foreign.ref = reqs[k].gref;
			op->source.foreign.offset = reqs[k].offset;
			op->source.foreign.domid = q->vif->domid;
			op->dest.virt = p->data + off;
			op->len = reqs[k].size;
			op->flags = XNB_GCOPY_SOURCE_GREF;
			off += reqs[k].size;
		}
		p->nops = nops - p->op_first;
		used += p->len;
	}
	q->npend = n;
	if (nops > 0 && tb->hv->ops->copy_grants(tb->hv, tb->ops, nops) < 0)
		for (k = 0; k < nops; k++)
			tb->ops[k].status = XNB_GNTST_GENERAL_ERROR;
	for (n = 0; n < q->npend; n++) {
		p = &q->pend[n];
		for (k = 0; p->status == NETIF_RSP_OKAY && k < p->nops; k++) {
			int16_t st = tb->ops[p->op_first + k].status;

			if (st == XNB_GNTST_BAD_DOMAIN)
				q->vif->dead = true;
			if (st != XNB_GNTST_OKAY)
				p->status = NETIF_RSP_ERROR;
		}
		if (p->status != NETIF_RSP_OKAY)
			tb->st.tx_errors++;
	}
	return q->npend > 0;
}

/* Where p goes: the vif with its destination MAC, for broadcast the next
 * guest after the sender (or the sender alone); NULL to drop. */
static struct tb_queue *
route(struct tb *tb, struct tb_queue *src, const struct tb_pkt *p)
{
	const uint8_t *dmac = p->data;
	struct tb_vif *v;
	unsigned int i, me = 0;

	for (i = 0; i < TB_MAX_VIFS; i++) {
		v = tb->vifs[i];
		if (v == src->vif)
			me = i;
		if (!(dmac[0] & 1) && v != NULL && tb_vif_usable(v) &&
		    memcmp(v->mac, dmac, 6) == 0)
			return &v->q[src->id % v->nqueues];
	}
	if (!(dmac[0] & 1))
		return NULL;
	for (i = 1; i <= TB_MAX_VIFS; i++) {
		v = tb->vifs[(me + i) % TB_MAX_VIFS];
		if (v != NULL && tb_vif_usable(v))
			return &v->q[src->id % v->nqueues];
	}
	return NULL;
}

/*
 * Reserve dst Rx requests for p and add its copy ops. 1 when reserved,
 * 0 when dst must first post more buffers, -1 when p is dropped.
 */
static int
reserve(struct tb *tb, struct tb_delivery *d, unsigned int *nops)
{
	struct tb_pkt *p = d->p;
	struct tb_vif *dv = d->dst->vif;
	unsigned int ndata = (p->len + FE_PAGE_SIZE - 1) / FE_PAGE_SIZE, k;
	netif_rx_request_t req;
	struct xnb_gcopy *op;
	uint32_t off = 0;
	int avail;

	d->gso = p->gso_type != XEN_NETIF_GSO_TYPE_NONE;
	if ((ndata > 1 && !dv->fe_sg) ||
	    (p->gso_type == XEN_NETIF_GSO_TYPE_TCPV4 && !dv->fe_gso4) ||
	    (p->gso_type == XEN_NETIF_GSO_TYPE_TCPV6 && !dv->fe_gso6))
		return -1;
	d->nrx = ndata + d->gso;
	avail = rx_available(d->dst);
	if (avail < 0) {
		tb_fwd_fatal(tb, dv, "impossible Rx req_prod");
		return -1;
	}
	if ((unsigned int)avail < d->nrx) {
		/* Wake us when enough buffers are there (netback does too). */
		d->dst->rx.sring->req_event = d->dst->rx.req_cons + d->nrx;
		xen_mb();
		avail = rx_available(d->dst);
		if (avail < 0 || (unsigned int)avail < d->nrx)
			return 0;
	}
	d->ridx = d->dst->rx.req_cons;
	d->op_first = *nops;
	for (k = 0; k < d->nrx; k++) {
		RING_COPY_REQUEST(&d->dst->rx, d->dst->rx.req_cons, &req);
		d->dst->rx.req_cons++;
		d->rx_ids[k] = req.id;
		if (d->gso && k == 1)
			continue; /* the GSO extra-info slot */
		op = &tb->ops[(*nops)++];
		op->source.virt = p->data + off;
		op->dest.foreign.ref = req.gref;
		op->dest.foreign.offset = 0;
		op->dest.foreign.domid = dv->domid;
		op->len = (uint16_t)(p->len - off < FE_PAGE_SIZE ?
				     p->len - off : FE_PAGE_SIZE);
		op->flags = XNB_GCOPY_DEST_GREF;
		off += op->len;
	}
	return 1;
}

static uint16_t
rx_flags(const struct tb_pkt *p)
{
	if (p->txflags & NETTXF_csum_blank)
		return NETRXF_csum_blank | NETRXF_data_validated;
	if (p->txflags & NETTXF_data_validated)
		return NETRXF_data_validated;
	return 0;
}

/* Rx responses of one delivered packet, in its request slots. */
static void
respond_rx(struct tb *tb, const struct tb_delivery *d)
{
	const struct tb_pkt *p = d->p;
	unsigned int k, op = d->op_first;
	const struct xnb_gcopy *c;
	bool failed = false;
	netif_rx_response_t *rsp;
	netif_extra_info_t *ex;

	for (k = 0; k < d->nrx; k++) {
		if (d->gso && k == 1) {
			ex = (netif_extra_info_t *)RING_GET_RESPONSE(
				&d->dst->rx, d->ridx + k);
			memset(ex, 0, sizeof(*ex));
			ex->type = XEN_NETIF_EXTRA_TYPE_GSO;
			ex->u.gso.type = p->gso_type;
			ex->u.gso.size = p->gso_size;
			continue;
		}
		c = &tb->ops[op++];
		rsp = RING_GET_RESPONSE(&d->dst->rx, d->ridx + k);
		rsp->id = d->rx_ids[k];
		rsp->offset = 0;
		rsp->flags = k + 1 < d->nrx ? NETRXF_more_data : 0;
		if (k == 0)
			rsp->flags |= rx_flags(p) |
				      (d->gso ? NETRXF_extra_info : 0);
		rsp->status = c->status == XNB_GNTST_OKAY ? (int16_t)c->len :
							    NETIF_RSP_ERROR;
		if (c->status == XNB_GNTST_BAD_DOMAIN)
			d->dst->vif->dead = true;
		failed |= c->status != XNB_GNTST_OKAY;
	}
	d->dst->rx.rsp_prod_pvt = d->ridx + d->nrx;
	if (failed) {
		tb->st.rx_errors++;
	} else {
		tb->st.fwd_pkts++;
		tb->st.fwd_bytes += p->len;
	}
}

static void
respond_tx(struct tb_queue *q, const struct tb_pkt *p)
{
	netif_tx_response_t *rsp;
	unsigned int k;

	for (k = 0; k < p->nslots; k++) {
		rsp = RING_GET_RESPONSE(&q->tx, q->tx.rsp_prod_pvt);
		q->tx.rsp_prod_pvt++;
		rsp->id = p->ids[k];
		rsp->status = (p->extra_mask >> k) & 1 ? NETIF_RSP_NULL :
							 p->status;
	}
}

static void
push_rx(struct tb *tb, struct tb_queue *dst)
{
	int notify_fe;

	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&dst->rx, notify_fe);
	if (notify_fe)
		notify(tb, dst->port_rx);
}

/* Deliver q's pulled packets as far as destinations have room. */
static bool
deliver(struct tb *tb, struct tb_queue *q)
{
	struct tb_delivery dl[TB_BURST];
	unsigned int nd = 0, nops = 0, i, start = q->next;
	int ret, notify_fe;

	for (; q->next < q->npend; q->next++) {
		struct tb_pkt *p = &q->pend[q->next];
		struct tb_delivery *d = &dl[nd];

		if (p->status != NETIF_RSP_OKAY)
			continue;
		d->p = p;
		d->dst = route(tb, q, p);
		ret = d->dst == NULL ? -1 : reserve(tb, d, &nops);
		if (ret == 0)
			break;
		if (ret < 0) {
			p->status = NETIF_RSP_DROPPED;
			tb->st.drops++;
			continue;
		}
		nd++;
	}
	if (nops > 0 && tb->hv->ops->copy_grants(tb->hv, tb->ops, nops) < 0)
		for (i = 0; i < nops; i++)
			tb->ops[i].status = XNB_GNTST_GENERAL_ERROR;
	for (i = 0; i < nd; i++)
		respond_rx(tb, &dl[i]);
	for (i = 0; i < nd; i++)
		if (i == nd - 1 || dl[i].dst != dl[i + 1].dst)
			push_rx(tb, dl[i].dst);
	for (i = start; i < q->next; i++)
		respond_tx(q, &q->pend[i]);
	if (q->next == start)
		return false;
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&q->tx, notify_fe);
	if (notify_fe)
		notify(tb, q->port_tx);
	return true;
}

bool
tb_fwd_poll(struct tb *tb)
{
	bool work = false;
	unsigned int i, k;

	for (i = 0; i < TB_MAX_VIFS; i++) {
		struct tb_vif *v = tb->vifs[i];

		for (k = 0; v != NULL && k < v->nqueues; k++) {
			struct tb_queue *q = &v->q[k];

			if (!tb_vif_usable(v))
				break;
			if (q->next == q->npend)
				work |= pull(tb, q);
			if (q->next < q->npend)
				work |= deliver(tb, q);
		}
	}
	return work;
}

bool
tb_fwd_arm(struct tb *tb)
{
	unsigned int i, k;
	int more;

	for (i = 0; i < TB_MAX_VIFS; i++) {
		struct tb_vif *v = tb->vifs[i];

		for (k = 0; v != NULL && tb_vif_usable(v) && k < v->nqueues;
		     k++) {
			struct tb_queue *q = &v->q[k];

			/* A stalled queue waits on its destination's Rx. */
			if (q->next < q->npend)
				continue;
			RING_FINAL_CHECK_FOR_REQUESTS(&q->tx, more);
			if (more)
				return true;
		}
	}
	return false;
}
