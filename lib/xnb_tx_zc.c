/* SPDX-License-Identifier: BSD-3-Clause */
/* Guest Tx zero-copy: mapped frames in flight, released, unmapped. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_atomic.h>
#include <rte_common.h>
#include <rte_ring.h>

#include "xnb_log.h"
#include "xnb_tx_zc.h"

/* A mapped frame takes at least two slots (headers + a mapped fragment). */
#define TXZC_FRAMES (XNB_TXZC_MAX_SLOTS / 2)
/* Released frames waiting for the queue: more room than frames. */
#define TXZC_RING_SIZE (2 * TXZC_FRAMES)
#define TXZC_DRAIN_BURST 32

struct txzc_rec {
	struct xnb_tx_zc_frame zf; /* first: the caller's handle */
	struct xnb_txzc *zc;
	void *addr;                /* the mapped region */
	uint32_t nr_slots;         /* ring slots the frame holds */
	uint16_t idx;
	uint16_t nr_data;
	uint16_t nr_extra;         /* answered NETIF_RSP_NULL */
	int16_t status;            /* of every data slot */
	uint16_t ids[XNB_TX_LEGACY_SLOTS];
};

struct xnb_txzc {
	struct xnb_hv *hv;
	xnb_domid_t domid;
	uint32_t refs;   /* the queue's and one per frame in flight */
	uint32_t orphan; /* the queue let go: releases unmap themselves */
	void (*release)(void *arg);
	void *release_arg;
	struct rte_ring *done; /* released frames (MP/MC) */
	/* Queue lcore (or the control thread with the gate closed). */
	uint32_t slots;
	uint16_t nr_free;
	uint16_t free[TXZC_FRAMES];
	size_t rec_size;
	uint8_t *recs;
};

static struct txzc_rec *
rec_at(struct xnb_txzc *zc, uint16_t idx)
{
	return (struct txzc_rec *)(zc->recs + idx * zc->rec_size);
}

struct xnb_txzc *
xnb_txzc_create(struct xnb_hv *hv, xnb_domid_t domid,
		const struct xnb_txq_zc_conf *conf)
{
	size_t head = RTE_ALIGN_CEIL(sizeof(struct txzc_rec),
				     RTE_CACHE_LINE_SIZE);
	struct xnb_txzc *zc;
	uint16_t i;

	zc = calloc(1, sizeof(*zc));
	if (zc == NULL)
		return NULL;
	zc->rec_size = head + RTE_ALIGN_CEIL(conf->priv_size,
					     RTE_CACHE_LINE_SIZE);
	if (posix_memalign((void **)&zc->recs, RTE_CACHE_LINE_SIZE,
			   zc->rec_size * TXZC_FRAMES) != 0)
		goto free_zc;
	if (posix_memalign((void **)&zc->done, RTE_CACHE_LINE_SIZE,
			   rte_ring_get_memsize(TXZC_RING_SIZE)) != 0)
		goto free_recs;
	if (rte_ring_init(zc->done, "xnb_txzc", TXZC_RING_SIZE, 0) < 0)
		goto free_ring;
	memset(zc->recs, 0, zc->rec_size * TXZC_FRAMES);
	for (i = 0; i < TXZC_FRAMES; i++) {
		struct txzc_rec *r = rec_at(zc, i);

		r->zc = zc;
		r->idx = i;
		r->zf.priv = (uint8_t *)r + head;
		zc->free[i] = TXZC_FRAMES - 1 - i;
	}
	zc->nr_free = TXZC_FRAMES;
	zc->hv = hv;
	zc->domid = domid;
	zc->refs = 1;
	zc->release = conf->release;
	zc->release_arg = conf->arg;
	if (conf->hold != NULL)
		conf->hold(conf->arg);
	return zc;

free_ring:
	free(zc->done);
free_recs:
	free(zc->recs);
free_zc:
	free(zc);
	errno = ENOMEM;
	return NULL;
}

static void
txzc_put(struct xnb_txzc *zc)
{
	if (__atomic_sub_fetch(&zc->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (zc->release != NULL)
		zc->release(zc->release_arg);
	free(zc->done);
	free(zc->recs);
	free(zc);
}

/* Unmap r's region; st and zst may be NULL (nothing counted). */
static void
txzc_unmap_rec(struct xnb_txzc *zc, struct txzc_rec *r,
	       struct xnb_tx_stats *st, struct xnb_tx_zc_stats *zst)
{
	int ret;

	ret = zc->hv->ops->unmap_grants(zc->hv, r->addr, r->zf.nr_mapped);
	if (ret < 0)
		XNB_LOG_RL(ERR, "dom%u: unmap of %u Tx grants failed: %s",
			   zc->domid, r->zf.nr_mapped, strerror(-ret));
	if (st != NULL) {
		st->gunmap_calls++;
		st->gunmap_ops += r->zf.nr_mapped;
	}
	if (zst != NULL)
		zst->inflight -= r->zf.nr_mapped;
}

int
xnb_txzc_map(struct xnb_txzc *zc, const struct tx_frag *frags,
	     uint16_t nr_frags, uint32_t copy_max, uint32_t nr_slots,
	     struct xnb_tx_stats *st, struct xnb_tx_zc_stats *zst,
	     struct xnb_tx_zc_frame **out)
{
	xnb_gref_t refs[XNB_TX_LEGACY_SLOTS];
	struct txzc_rec *r;
	uint16_t i, n = 0;
	uint8_t *addr;

	for (i = 1; i < nr_frags; i++)
		if (frags[i].size > copy_max)
			refs[n++] = frags[i].gref;
	if (n == 0)
		return 0;
	if (zc->slots + nr_slots > XNB_TXZC_MAX_SLOTS || zc->nr_free == 0) {
		zst->fallback_bound++;
		return 0;
	}
	addr = zc->hv->ops->map_grants(zc->hv, zc->domid, refs, n, false,
				       NULL);
	st->gmap_calls++;
	if (addr == NULL) {
		zst->map_fail++;
		return -EIO;
	}
	st->gmap_ops += n;
	r = rec_at(zc, zc->free[--zc->nr_free]);
	r->addr = addr;
	r->nr_slots = nr_slots;
	r->zf.domid = zc->domid;
	r->zf.nr_frags = nr_frags;
	r->zf.nr_mapped = n;
	for (i = 0, n = 0; i < nr_frags; i++) {
		struct xnb_tx_zc_frag *zfr = &r->zf.frags[i];

		zfr->gref = frags[i].gref;
		zfr->offset = frags[i].offset;
		zfr->len = frags[i].size;
		zfr->page = NULL;
		if (i > 0 && frags[i].size > copy_max)
			zfr->page = addr + (size_t)n++ * XNB_PAGE_SIZE;
	}
	zc->slots += nr_slots;
	zst->inflight += n;
	if (zst->inflight > zst->inflight_peak)
		zst->inflight_peak = zst->inflight;
	__atomic_add_fetch(&zc->refs, 1, __ATOMIC_RELAXED);
	*out = &r->zf;
	return 1;
}

/* r is unmapped: back to the free list, its reference dropped. */
static void
txzc_recycle(struct xnb_txzc *zc, struct txzc_rec *r)
{
	zc->slots -= r->nr_slots;
	zc->free[zc->nr_free++] = r->idx;
	txzc_put(zc);
}

void
xnb_txzc_unmap(struct xnb_txzc *zc, struct xnb_tx_zc_frame *zf,
	       struct xnb_tx_stats *st, struct xnb_tx_zc_stats *zst)
{
	struct txzc_rec *r = (struct txzc_rec *)zf;

	txzc_unmap_rec(zc, r, st, zst);
	txzc_recycle(zc, r);
}

bool
xnb_txzc_busy(const struct xnb_txzc *zc)
{
	return zc->slots > 0;
}

void
xnb_txzc_hold(struct xnb_tx_zc_frame *zf,
	      const struct netif_tx_response *rsp, uint32_t n)
{
	struct txzc_rec *r = (struct txzc_rec *)zf;
	uint32_t i;

	r->nr_data = 0;
	r->nr_extra = 0;
	r->status = NETIF_RSP_OKAY;
	for (i = 0; i < n; i++) {
		if (rsp[i].status == NETIF_RSP_NULL) {
			r->nr_extra++;
			continue;
		}
		/* A frame taken has at most XNB_TX_LEGACY_SLOTS data slots. */
		if (r->nr_data < XNB_TX_LEGACY_SLOTS)
			r->ids[r->nr_data++] = rsp[i].id;
		r->status = rsp[i].status;
	}
}

uint32_t
xnb_txzc_drain(struct xnb_txzc *zc, struct netif_tx_response *rsp,
	       struct xnb_tx_stats *st, struct xnb_tx_zc_stats *zst)
{
	void *batch[TXZC_DRAIN_BURST];
	unsigned int n, i, k;
	uint32_t nr = 0;

	while ((n = rte_ring_dequeue_burst(zc->done, batch, RTE_DIM(batch),
					   NULL)) > 0) {
		for (i = 0; i < n; i++) {
			struct txzc_rec *r = batch[i];

			/* Netfront wants the grant unmapped before it sees
			 * the response. */
			txzc_unmap_rec(zc, r, st, zst);
			for (k = 0; k < r->nr_data; k++, nr++) {
				rsp[nr].id = r->ids[k];
				rsp[nr].status = r->status;
			}
			for (k = 0; k < r->nr_extra; k++, nr++) {
				rsp[nr].id = 0;
				rsp[nr].status = NETIF_RSP_NULL;
			}
			txzc_recycle(zc, r);
		}
	}
	return nr;
}

/* After the queue let go: unmap what was released, answer nothing. */
static void
txzc_drain_orphan(struct xnb_txzc *zc, struct xnb_tx_stats *st)
{
	void *batch[TXZC_DRAIN_BURST];
	unsigned int n, i;

	while ((n = rte_ring_dequeue_burst(zc->done, batch, RTE_DIM(batch),
					   NULL)) > 0) {
		for (i = 0; i < n; i++) {
			txzc_unmap_rec(zc, batch[i], st, NULL);
			txzc_put(zc);
		}
	}
}

void
xnb_txzc_orphan(struct xnb_txzc *zc, struct xnb_tx_stats *st,
		struct xnb_tx_zc_stats *zst)
{
	/* Pairs with the fence in xnb_tx_zc_release(): a frame enqueued
	 * after this drain sees orphan set and unmaps itself. */
	__atomic_store_n(&zc->orphan, 1, __ATOMIC_SEQ_CST);
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	txzc_drain_orphan(zc, st);
	/* The grants still mapped are no longer this queue's. */
	zst->inflight = 0;
	txzc_put(zc);
}

void
xnb_tx_zc_release(struct xnb_tx_zc_frame *zf)
{
	struct txzc_rec *r = (struct txzc_rec *)zf;
	struct xnb_txzc *zc = r->zc;

	/* Keep zc alive until we are done, whoever dequeues r. */
	__atomic_add_fetch(&zc->refs, 1, __ATOMIC_RELAXED);
	/* Cannot fail: the ring has room for every record. */
	rte_ring_mp_enqueue(zc->done, r);
	rte_atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&zc->orphan, __ATOMIC_SEQ_CST))
		txzc_drain_orphan(zc, NULL);
	txzc_put(zc);
}
