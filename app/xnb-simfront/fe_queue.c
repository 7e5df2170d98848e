/* SPDX-License-Identifier: BSD-3-Clause */
/* A queue's shared rings, event channels and grants (netfront's
 * setup_netfront / xennet_disconnect_backend). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xnb_simguest.h"

#include "simfront.h"

unsigned int
fe_tx_pfn(const struct fe_queue *q, unsigned int id)
{
	return q->pfn_base + 2 + id;
}

unsigned int
fe_rx_pfn(const struct fe_queue *q, unsigned int slot)
{
	return q->pfn_base + 2 + FE_RING_SIZE + slot;
}

void
fe_notify(struct fe_queue *q, int port)
{
	int ret = xnb_simguest_evtchn_notify(q->fe->g, port);

	if (ret < 0)
		fprintf(stderr, "simfront: notify port %d: %s\n", port,
			strerror(-ret));
}

void
fe_grant_end(struct fe *fe, uint32_t gref)
{
	int ret = xnb_simguest_end_grant(fe->g, gref);

	if (ret == -EBUSY && fe->nzombies < fe->max_zombies)
		fe->zombies[fe->nzombies++] = gref;
	else if (ret < 0)
		fprintf(stderr, "simfront: end grant %u: %s\n", gref,
			strerror(-ret));
}

unsigned int
fe_grant_reclaim(struct fe *fe)
{
	unsigned int i = 0;

	while (i < fe->nzombies) {
		if (xnb_simguest_end_grant(fe->g, fe->zombies[i]) == -EBUSY)
			i++;
		else
			fe->zombies[i] = fe->zombies[--fe->nzombies];
	}
	return fe->nzombies;
}

static int
grant_ring(struct fe_queue *q, unsigned int pfn, uint32_t *gref)
{
	int ret = xnb_simguest_grant(q->fe->g, q->fe->be_domid, pfn, false);

	if (ret < 0)
		return ret;
	*gref = (uint32_t)ret;
	return 0;
}

static int
alloc_evtchn(struct fe_queue *q, int *port)
{
	int ret = xnb_simguest_evtchn_alloc_unbound(q->fe->g, q->fe->be_domid);

	if (ret < 0)
		return ret;
	*port = ret;
	return 0;
}

int
fe_queue_setup(struct fe_queue *q, bool split)
{
	struct xnb_simguest *g = q->fe->g;
	netif_tx_sring_t *txs = xnb_simguest_page(g, q->pfn_base);
	netif_rx_sring_t *rxs = xnb_simguest_page(g, q->pfn_base + 1);
	unsigned int i;
	int ret;

	q->tx_ring_gref = 0;
	q->rx_ring_gref = 0;
	q->evtchn_tx = -1;
	q->evtchn_rx = -1;
	memset(q->txs, 0, sizeof(q->txs));
	memset(q->rx_gref, 0, sizeof(q->rx_gref));
	for (i = 0; i < FE_RING_SIZE; i++)
		q->tx_free[i] = (uint16_t)(FE_RING_SIZE - 1 - i);
	q->tx_nfree = FE_RING_SIZE;
	q->tx_inflight = 0;
	q->tx_nending = 0;

	memset(txs, 0, FE_PAGE_SIZE);
	SHARED_RING_INIT(txs);
	FRONT_RING_INIT(&q->tx, txs, FE_PAGE_SIZE);
	memset(rxs, 0, FE_PAGE_SIZE);
	SHARED_RING_INIT(rxs);
	FRONT_RING_INIT(&q->rx, rxs, FE_PAGE_SIZE);

	ret = grant_ring(q, q->pfn_base, &q->tx_ring_gref);
	if (ret < 0)
		goto teardown;
	ret = grant_ring(q, q->pfn_base + 1, &q->rx_ring_gref);
	if (ret < 0)
		goto teardown;
	ret = alloc_evtchn(q, &q->evtchn_tx);
	if (ret < 0)
		goto teardown;
	if (split) {
		ret = alloc_evtchn(q, &q->evtchn_rx);
		if (ret < 0)
			goto teardown;
	} else {
		q->evtchn_rx = q->evtchn_tx;
	}
	if (q->fe->opt.fast_tx && !q->fe->opt.rx_only) {
		ret = fe_fast_setup(q);
		if (ret < 0)
			goto teardown;
	}
	/* The backend is not connected yet: fill the ring, no notify. */
	if (fe_rx_post(q) != FE_RING_SIZE) {
		ret = -ENOSPC;
		goto teardown;
	}
	RING_PUSH_REQUESTS(&q->rx);
	return 0;

teardown:
	fe_queue_teardown(q);
	return ret;
}

void
fe_queue_teardown(struct fe_queue *q)
{
	struct fe *fe = q->fe;
	unsigned int i;

	if (q->evtchn_rx >= 0 && q->evtchn_rx != q->evtchn_tx)
		xnb_simguest_evtchn_close(fe->g, q->evtchn_rx);
	if (q->evtchn_tx >= 0)
		xnb_simguest_evtchn_close(fe->g, q->evtchn_tx);
	q->evtchn_tx = -1;
	q->evtchn_rx = -1;
	for (i = 0; i < FE_RING_SIZE; i++) {
		if (q->txs[i].gref != 0)
			fe_grant_end(fe, q->txs[i].gref);
		if (q->rx_gref[i] != 0)
			fe_grant_end(fe, q->rx_gref[i]);
	}
	fe_fast_teardown(q);
	memset(q->txs, 0, sizeof(q->txs));
	memset(q->rx_gref, 0, sizeof(q->rx_gref));
	q->tx_nfree = 0;
	q->tx_inflight = 0;
	q->tx_nending = 0;
	if (q->tx_ring_gref != 0)
		fe_grant_end(fe, q->tx_ring_gref);
	if (q->rx_ring_gref != 0)
		fe_grant_end(fe, q->rx_ring_gref);
	q->tx_ring_gref = 0;
	q->rx_ring_gref = 0;
}
