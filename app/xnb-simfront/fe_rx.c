/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Guest receive: one granted page per Rx request, responses read in ring
 * order (the response in slot i answers the request in slot i, as netfront
 * assumes), multi-slot packets and extra-info slots, each frame verified.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xnb_simguest.h"

#include "simfront.h"

/* Data slots a received packet may span (netfront: MAX_SKB_FRAGS + 1). */
#define FE_RX_MAX_SLOTS XEN_NETIF_NR_SLOTS_MIN

unsigned int
fe_rx_post(struct fe_queue *q)
{
	struct fe *fe = q->fe;
	unsigned int n = 0, slot;
	netif_rx_request_t *req;
	int gref;

	while (q->rx.req_prod_pvt - q->rx.rsp_cons < FE_RING_SIZE) {
		slot = q->rx.req_prod_pvt & (FE_RING_SIZE - 1);
		/* A buffer the backend did not let go of stays unposted. */
		if (q->rx_gref[slot] != 0) {
			if (xnb_simguest_end_grant(fe->g, q->rx_gref[slot]) < 0)
				break;
			q->rx_gref[slot] = 0;
		}
		gref = xnb_simguest_grant(fe->g, fe->be_domid,
					  fe_rx_pfn(q, slot), false);
		if (gref < 0)
			break;
		req = RING_GET_REQUEST(&q->rx, q->rx.req_prod_pvt);
		req->id = (uint16_t)slot;
		req->gref = (grant_ref_t)gref;
		q->rx_gref[slot] = (uint32_t)gref;
		q->rx.req_prod_pvt++;
		n++;
	}
	return n;
}

void
fe_rx_refill(struct fe_queue *q)
{
	int notify;

	if (fe_rx_post(q) == 0)
		return;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->rx, notify);
	if (notify)
		fe_notify(q, q->evtchn_rx);
}

/* One packet's responses, copied out of the ring. */
struct rx_chain {
	netif_rx_response_t rsp[FE_RING_SIZE];
	bool extra[FE_RING_SIZE];
	unsigned int n;
};

/*
 * Copy the next packet's responses: 1 when complete, 0 while the backend
 * has not pushed all of it, -EPROTO when a chain fills the whole ring.
 */
static int
rx_chain_get(struct fe_queue *q, RING_IDX prod, struct rx_chain *c)
{
	RING_IDX cons = q->rx.rsp_cons;
	bool more = true, extra = false;
	netif_rx_response_t *r;

	c->n = 0;
	while (more || extra) {
		if (cons + c->n == prod)
			return c->n == FE_RING_SIZE ? -EPROTO : 0;
		r = &c->rsp[c->n];
		RING_COPY_RESPONSE(&q->rx, cons + c->n, r);
		c->extra[c->n] = extra;
		if (extra) {
			extra = ((netif_extra_info_t *)r)->flags &
				XEN_NETIF_EXTRA_FLAG_MORE;
		} else {
			more = r->flags & NETRXF_more_data;
			if (c->n == 0)
				extra = r->flags & NETRXF_extra_info;
		}
		c->n++;
	}
	return 1;
}

/* Gather the data of a packet into the frame buffer; returns the length
 * or -EPROTO when the responses break the protocol. */
static int
rx_gather(struct fe_queue *q, const struct rx_chain *c,
	  struct fe_pkt_rx_meta *meta)
{
	RING_IDX cons = q->rx.rsp_cons;
	unsigned int i, ndata = 0, slot;
	uint32_t len = 0;

	memset(meta, 0, sizeof(*meta));
	for (i = 0; i < c->n; i++) {
		const netif_rx_response_t *r = &c->rsp[i];

		if (c->extra[i]) {
			const netif_extra_info_t *ex =
				(const netif_extra_info_t *)r;

			if (ex->type == XEN_NETIF_EXTRA_TYPE_GSO) {
				meta->gso_type = ex->u.gso.type;
				meta->gso_size = ex->u.gso.size;
			} else if (ex->type != XEN_NETIF_EXTRA_TYPE_HASH) {
				return -EPROTO;
			}
			continue;
		}
		if (++ndata > FE_RX_MAX_SLOTS || r->status < 0 ||
		    r->offset + (uint32_t)r->status > FE_PAGE_SIZE ||
		    len + (uint32_t)r->status > FE_PKT_MAX_LEN)
			return -EPROTO;
		if (i == 0) {
			meta->csum_blank = r->flags & NETRXF_csum_blank;
			meta->data_validated = r->flags & NETRXF_data_validated;
		}
		if (q->fe->opt.verify) {
			slot = (cons + i) & (FE_RING_SIZE - 1);
			memcpy(q->rx_frame + len, (uint8_t *)xnb_simguest_page(
				q->fe->g, fe_rx_pfn(q, slot)) + r->offset,
			       r->status);
		}
		len += r->status;
	}
	return (int)len;
}

static void
rx_account(struct fe_queue *q, uint32_t len, const struct fe_pkt_rx_meta *m)
{
	struct fe *fe = q->fe;
	struct fe_pkt_info info;
	struct fe_seq_delta d;
	enum fe_pkt_verdict v;

	if (fe->opt.verify) {
		v = fe_pkt_verify(q->rx_frame, len, fe->mac, m, &info);
		if (v != FE_PKT_OK) {
			q->st.rx_bad++;
			q->st.rx_why[v]++;
			return;
		}
		fe_seq_track(&fe->seq, info.domid, info.queue, info.seq, &d);
		q->st.rx_lost += d.lost;
		q->st.rx_reordered += d.reordered;
		q->st.rx_dup += d.dup;
		q->st.rx_untracked += d.untracked;
		if (d.dup != 0)
			return;
	}
	q->st.rx_pkts++;
	q->st.rx_bytes += len;
	q->st.rx_csum_blank += m->csum_blank;
	q->st.rx_gso += m->gso_type != XEN_NETIF_GSO_TYPE_NONE;
}

int
fe_rx_poll(struct fe_queue *q, unsigned int budget)
{
	RING_IDX prod = q->rx.sring->rsp_prod;
	struct fe_pkt_rx_meta meta;
	struct rx_chain c;
	unsigned int i, slot, n = 0;
	int len, ret;

	xen_rmb(); /* responses after the index that covers them */
	if (RING_RESPONSE_PROD_OVERFLOW(&q->rx, prod)) {
		fprintf(stderr, "simfront: q%u: impossible Rx rsp_prod %u "
			"(cons %u)\n", q->id, prod, q->rx.rsp_cons);
		q->fe->fail = "backend broke the ring protocol";
		return -EIO;
	}
	while (n < budget) {
		ret = rx_chain_get(q, prod, &c);
		if (ret == 0)
			break;
		len = ret < 0 ? ret : rx_gather(q, &c, &meta);
		if (len < 0) {
			q->st.rx_bad++;
			q->st.rx_proto++;
		} else {
			rx_account(q, (uint32_t)len, &meta);
		}
		for (i = 0; i < c.n; i++) {
			slot = (q->rx.rsp_cons + i) & (FE_RING_SIZE - 1);
			if (xnb_simguest_end_grant(q->fe->g,
						   q->rx_gref[slot]) == 0)
				q->rx_gref[slot] = 0;
		}
		q->rx.rsp_cons += c.n;
		n++;
	}
	return (int)n;
}
