/* SPDX-License-Identifier: BSD-3-Clause */
/* Guest transmit: test frames onto the Tx ring, responses off it. */
#include <errno.h>
#include <stdio.h>

#include "xnb_simguest.h"

#include "simfront.h"

unsigned int
fe_tx_ring_free(const struct fe_queue *q)
{
	return FE_RING_SIZE - (q->tx.req_prod_pvt - q->tx.rsp_cons);
}

int
fe_tx_slot_get(struct fe_queue *q, bool head, bool hostile)
{
	struct fe_txslot *s;
	uint16_t id;

	if (q->tx_nfree == 0)
		return -ENOSPC;
	id = q->tx_free[--q->tx_nfree];
	s = &q->txs[id];
	s->state = FE_TXS_INFLIGHT;
	s->head = head;
	s->hostile = hostile;
	s->gref = 0;
	q->tx_inflight++;
	return id;
}

int
fe_tx_slot_grant(struct fe_queue *q, unsigned int id)
{
	int ret = xnb_simguest_grant(q->fe->g, q->fe->be_domid,
				     fe_tx_pfn(q, id), true);

	if (ret > 0)
		q->txs[id].gref = (uint32_t)ret;
	return ret;
}

/* Give an id back once its grant is ended. */
static void
slot_release(struct fe_queue *q, unsigned int id)
{
	q->txs[id].state = FE_TXS_FREE;
	q->txs[id].gref = 0;
	q->tx_free[q->tx_nfree++] = (uint16_t)id;
}

void
fe_tx_slot_put(struct fe_queue *q, unsigned int id)
{
	if (q->txs[id].gref != 0)
		fe_grant_end(q->fe, q->txs[id].gref);
	q->tx_inflight--;
	slot_release(q, id);
}

netif_tx_request_t *
fe_tx_next_req(struct fe_queue *q)
{
	return RING_GET_REQUEST(&q->tx, q->tx.req_prod_pvt++);
}

void
fe_tx_push(struct fe_queue *q)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&q->tx, notify);
	if (notify)
		fe_notify(q, q->evtchn_tx);
}

/* First-slot offset of packet seq: varies like skb->data does. */
static uint32_t
first_offset(const struct fe_queue *q, uint32_t len)
{
	uint32_t off = (uint32_t)(q->tx_seq & 31) * 2;

	if (!q->fe->be_sg && off + len > FE_PAGE_SIZE)
		off = 0;
	return off;
}

bool
fe_tx_is_gso(const struct fe *fe)
{
	return fe->opt.gso && fe->opt.size -
	       (FE_PKT_MIN_TCP - FE_PKT_HDR_LEN) > FE_PKT_MSS;
}

void
fe_tx_put_gso_extra(struct fe_queue *q)
{
	netif_extra_info_t *ex = (netif_extra_info_t *)fe_tx_next_req(q);

	memset(ex, 0, sizeof(*ex));
	ex->type = XEN_NETIF_EXTRA_TYPE_GSO;
	ex->u.gso.size = FE_PKT_MSS;
	ex->u.gso.type = XEN_NETIF_GSO_TYPE_TCPV4;
}

/* Queue one good test frame; 1 when queued, 0 when out of room. */
static int
tx_one(struct fe_queue *q)
{
	struct fe *fe = q->fe;
	uint32_t len = fe->opt.size;
	uint32_t off = first_offset(q, len);
	unsigned int nslots = (off + len + FE_PAGE_SIZE - 1) / FE_PAGE_SIZE;
	bool gso = fe_tx_is_gso(fe);
	unsigned int flow = (unsigned int)(q->tx_seq % fe->opt.flows);
	struct fe_seg segs[FE_MAX_SLOTS] = { { NULL, 0 } };
	int ids[FE_MAX_SLOTS];
	struct fe_pkt_spec spec;
	uint32_t left = len, seg_off = off;
	netif_tx_request_t *req;
	unsigned int i;
	int ret;

	if (fe_tx_ring_free(q) < nslots + gso || q->tx_nfree < nslots)
		return 0;
	for (i = 0; i < nslots; i++) {
		ids[i] = fe_tx_slot_get(q, i == 0, false);
		segs[i].base = (uint8_t *)xnb_simguest_page(fe->g,
					fe_tx_pfn(q, ids[i])) + seg_off;
		segs[i].len = left < FE_PAGE_SIZE - seg_off ? left :
			      FE_PAGE_SIZE - seg_off;
		left -= segs[i].len;
		seg_off = 0;
	}

	memcpy(spec.dst, fe->opt.dst_mac, 6);
	memcpy(spec.src, fe->mac, 6);
	spec.domid = fe->opt.domid;
	/* Each flow is a stream of its own (test header "queue", TCP source
	 * port) numbered from 0: the receiver checks its order. */
	spec.queue = (uint16_t)(q->id * fe->opt.flows + flow);
	spec.seq = q->flow_seq[flow];
	spec.len = len;
	spec.tcp = fe->opt.gso;
	ret = fe_pkt_build(&spec, segs, nslots);
	for (i = 0; ret == 0 && i < nslots; i++) {
		ret = fe_tx_slot_grant(q, ids[i]);
		ret = ret < 0 ? ret : 0;
	}
	if (ret < 0) {
		for (i = 0; i < nslots; i++)
			fe_tx_slot_put(q, ids[i]);
		return ret;
	}

	for (i = 0; i < nslots; i++) {
		req = fe_tx_next_req(q);
		req->gref = q->txs[ids[i]].gref;
		req->offset = (uint16_t)(segs[i].base - (uint8_t *)
			xnb_simguest_page(fe->g, fe_tx_pfn(q, ids[i])));
		req->id = (uint16_t)ids[i];
		req->flags = i + 1 < nslots ? NETTXF_more_data : 0;
		req->size = (uint16_t)segs[i].len;
		if (i == 0) {
			/* The first slot carries the whole length. */
			req->size = (uint16_t)len;
			if (spec.tcp)
				req->flags |= NETTXF_csum_blank |
					      NETTXF_data_validated;
			if (gso) {
				req->flags |= NETTXF_extra_info;
				fe_tx_put_gso_extra(q);
			}
		}
	}
	q->tx_seq++;
	q->flow_seq[flow]++;
	fe->tx_good++;
	q->st.tx_pkts++;
	q->st.tx_bytes += len;
	return 1;
}

int
fe_tx_send(struct fe_queue *q, unsigned int budget)
{
	const struct fe_hostile *h = q->fe->opt.hostile;
	unsigned int n = 0;
	int ret = 0;

	while (n < budget) {
		/* With --hostile every other packet is malformed. */
		if (h != NULL && (q->tx_turn & 1)) {
			ret = h->emit(q);
			if (ret > 0)
				q->st.hostile_sent++;
		} else {
			if (q->fe->opt.count != 0 &&
			    q->fe->tx_good >= q->fe->opt.count)
				break;
			ret = q->fe->opt.fast_tx ? fe_fast_tx_one(q) :
			      tx_one(q);
			n += ret > 0;
		}
		if (ret <= 0)
			break;
		q->tx_turn++;
	}
	if (q->tx.req_prod_pvt != q->tx.sring->req_prod)
		fe_tx_push(q);
	return ret < 0 ? ret : (int)n;
}

static void
account(struct fe_queue *q, const struct fe_txslot *s, int16_t status)
{
	bool ok = status == NETIF_RSP_OKAY;

	if (!s->head)
		return;
	if (s->hostile) {
		if (ok)
			q->st.hostile_accepted++;
		else
			q->st.hostile_rejected++;
	} else if (status == NETIF_RSP_DROPPED) {
		q->st.tx_dropped++;
	} else if (!ok) {
		q->st.tx_errors++;
	}
}

/* Retry ending the grants the backend still held at response time. */
static void
reclaim_ending(struct fe_queue *q)
{
	unsigned int id;

	for (id = 0; id < FE_RING_SIZE && q->tx_nending > 0; id++) {
		struct fe_txslot *s = &q->txs[id];

		if (s->state != FE_TXS_ENDING ||
		    xnb_simguest_end_grant(q->fe->g, s->gref) == -EBUSY)
			continue;
		q->tx_nending--;
		slot_release(q, id);
	}
}

int
fe_tx_complete(struct fe_queue *q)
{
	RING_IDX cons, prod = q->tx.sring->rsp_prod;
	netif_tx_response_t rsp;
	struct fe_txslot *s;
	int n = 0, ret;

	xen_rmb(); /* responses after the index that covers them */
	if (RING_RESPONSE_PROD_OVERFLOW(&q->tx, prod)) {
		fprintf(stderr, "simfront: q%u: impossible Tx rsp_prod %u "
			"(cons %u)\n", q->id, prod, q->tx.rsp_cons);
		q->fe->fail = "backend broke the ring protocol";
		return -EIO;
	}
	for (cons = q->tx.rsp_cons; cons != prod; cons++, n++) {
		RING_COPY_RESPONSE(&q->tx, cons, &rsp);
		if (rsp.status == NETIF_RSP_NULL)
			continue; /* an extra-info slot */
		s = rsp.id < FE_RING_SIZE ? &q->txs[rsp.id] : NULL;
		if (s == NULL || s->state != FE_TXS_INFLIGHT) {
			q->st.tx_bad_rsp++;
			continue;
		}
		account(q, s, rsp.status);
		q->tx_inflight--;
		ret = s->gref != 0 ? xnb_simguest_end_grant(q->fe->g,
							    s->gref) : 0;
		if (ret == -EBUSY) {
			s->state = FE_TXS_ENDING;
			q->tx_nending++;
		} else {
			slot_release(q, rsp.id);
		}
	}
	q->tx.rsp_cons = prod;
	reclaim_ending(q);
	return n;
}
