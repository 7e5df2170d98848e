/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * --fast-tx: the cheapest Tx a correct netfront can do, so a benchmark
 * measures the backend. Frames are built once into a pool of pages granted
 * read-only for the whole connection (grant refs reused across requests,
 * as netfront recycles its own); per packet only the sequence number is
 * written and the requests are queued.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xnb_simguest.h"

#include "simfront.h"

/* Frames up to a page are packed at this alignment, larger ones start a
 * page each. */
#define FE_FAST_ALIGN 64u

struct frame_loc {
	unsigned int page; /* pool page of the first slot */
	uint32_t off; /* offset of the frame in that page */
	unsigned int nslots;
};

static uint32_t
stride(uint32_t len)
{
	return (len + FE_FAST_ALIGN - 1) & ~(FE_FAST_ALIGN - 1);
}

static unsigned int
pages_per_frame(uint32_t len)
{
	return (len + FE_PAGE_SIZE - 1) / FE_PAGE_SIZE;
}

unsigned int
fe_fast_pool_pages(uint32_t len)
{
	unsigned int per_page;

	if (len > FE_PAGE_SIZE)
		return FE_PKT_SEED_PERIOD * pages_per_frame(len);
	per_page = FE_PAGE_SIZE / stride(len);
	return (FE_PKT_SEED_PERIOD + per_page - 1) / per_page;
}

static void
locate(uint32_t len, unsigned int j, struct frame_loc *loc)
{
	unsigned int per_page;

	if (len > FE_PAGE_SIZE) {
		loc->nslots = pages_per_frame(len);
		loc->page = j * loc->nslots;
		loc->off = 0;
		return;
	}
	per_page = FE_PAGE_SIZE / stride(len);
	loc->nslots = 1;
	loc->page = j / per_page;
	loc->off = (j % per_page) * stride(len);
}

static uint8_t *
pool_addr(struct fe_queue *q, unsigned int page, uint32_t off)
{
	return (uint8_t *)xnb_simguest_page(q->fe->g, q->pool_pfn + page) +
	       off;
}

/* Frame j carries sequence number j until it is first sent. */
static int
build_frame(struct fe_queue *q, unsigned int j)
{
	struct fe *fe = q->fe;
	uint32_t left = fe->opt.size;
	struct fe_seg segs[FE_MAX_SLOTS];
	struct fe_pkt_spec spec;
	struct frame_loc loc;
	unsigned int i;

	locate(fe->opt.size, j, &loc);
	if (loc.nslots > FE_MAX_SLOTS)
		return -EINVAL;
	for (i = 0; i < loc.nslots; i++) {
		segs[i].base = pool_addr(q, loc.page + i, i == 0 ? loc.off : 0);
		segs[i].len = left < FE_PAGE_SIZE ? left : FE_PAGE_SIZE;
		left -= segs[i].len;
	}
	memcpy(spec.dst, fe->opt.dst_mac, 6);
	memcpy(spec.src, fe->mac, 6);
	spec.domid = fe->opt.domid;
	spec.queue = (uint16_t)q->id;
	spec.seq = j;
	spec.len = fe->opt.size;
	spec.tcp = fe->opt.gso;
	return fe_pkt_build(&spec, segs, loc.nslots);
}

int
fe_fast_setup(struct fe_queue *q)
{
	struct fe *fe = q->fe;
	unsigned int npages = fe_fast_pool_pages(fe->opt.size), i;
	int ret;

	q->pool_gref = calloc(npages, sizeof(*q->pool_gref));
	if (q->pool_gref == NULL)
		return -ENOMEM;
	for (i = 0; i < FE_PKT_SEED_PERIOD; i++) {
		ret = build_frame(q, i);
		if (ret < 0)
			goto teardown;
	}
	for (i = 0; i < npages; i++) {
		ret = xnb_simguest_grant(fe->g, fe->be_domid, q->pool_pfn + i,
					 true);
		if (ret < 0) {
			fprintf(stderr, "simfront: q%u: granting the frame "
				"pool: %s\n", q->id, strerror(-ret));
			goto teardown;
		}
		q->pool_gref[i] = (uint32_t)ret;
	}
	return 0;

teardown:
	fe_fast_teardown(q);
	return ret;
}

void
fe_fast_teardown(struct fe_queue *q)
{
	unsigned int npages = fe_fast_pool_pages(q->fe->opt.size), i;

	if (q->pool_gref == NULL)
		return;
	for (i = 0; i < npages; i++)
		if (q->pool_gref[i] != 0)
			fe_grant_end(q->fe, q->pool_gref[i]);
	free(q->pool_gref);
	q->pool_gref = NULL;
}

int
fe_fast_tx_one(struct fe_queue *q)
{
	struct fe *fe = q->fe;
	uint32_t len = fe->opt.size, left = len;
	bool gso = fe_tx_is_gso(fe);
	netif_tx_request_t *req;
	struct frame_loc loc;
	unsigned int i;
	int id;

	locate(len, (unsigned int)(q->tx_seq % FE_PKT_SEED_PERIOD), &loc);
	if (fe_tx_ring_free(q) < loc.nslots + gso ||
	    q->tx_nfree < loc.nslots)
		return 0;
	fe_pkt_set_seq(pool_addr(q, loc.page, loc.off), fe->opt.gso,
		       q->tx_seq);
	for (i = 0; i < loc.nslots; i++) {
		/* The id only matches the response; no per-id grant. */
		id = fe_tx_slot_get(q, i == 0, false);
		req = fe_tx_next_req(q);
		req->gref = q->pool_gref[loc.page + i];
		req->offset = (uint16_t)(i == 0 ? loc.off : 0);
		req->id = (uint16_t)id;
		req->flags = i + 1 < loc.nslots ? NETTXF_more_data : 0;
		req->size = (uint16_t)(left < FE_PAGE_SIZE ? left :
				       FE_PAGE_SIZE);
		left -= req->size;
		if (i == 0) {
			/* The first slot carries the whole length. */
			req->size = (uint16_t)len;
			if (fe->opt.gso)
				req->flags |= NETTXF_csum_blank |
					      NETTXF_data_validated;
			if (gso) {
				req->flags |= NETTXF_extra_info;
				fe_tx_put_gso_extra(q);
			}
		}
	}
	q->tx_seq++;
	fe->tx_good++;
	q->st.tx_pkts++;
	q->st.tx_bytes += len;
	return 1;
}
