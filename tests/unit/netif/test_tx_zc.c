/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Guest Tx zero-copy unit tests: the test is the frontend on a ring page
 * of the fake hypervisor, and the caller that holds mapped frames.
 * The fake maps one grant per call, so frames here map one fragment each.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "check.h"
#include "fake_hv.h"
#include "xnb_log.h"
#include "xnb_mcast.h"
#include "xnb_ring.h"
#include "xnb_tx.h"

#define RING_PAGE 0
#define DATA_PAGE0 10
#define REMOTE_PORT 5
#define NR_DATA 8

/* A frame as the caller got it: its copied bytes, in frame order. */
struct zbuf {
	struct xnb_tx_zc_frame *zf; /* NULL: copied whole */
	uint32_t len;
	uint8_t data[];
};

struct env {
	struct fake_hv *f;
	struct xnb_hv_ops ops;  /* the fake's, with unmap spied on */
	int (*unmap)(struct xnb_hv *hv, void *addr, uint32_t count);
	struct xnb_mcast mcast;
	struct xnb_txq *txq;
	struct xnb_hv_evtchn *ec;
	uint32_t port;
	netif_tx_front_ring_t front;
	uint32_t gref[NR_DATA];
	int zc_ret;             /* prepare_zc() result when < 0 */
	int nobuf;              /* prepare() says -ENOBUFS */
	int prepared_zc;
	int holds;
	int releases;
	RING_IDX rsp_prod_at_unmap;
};

static struct env E;

/* Netfront's rule: a grant is unmapped before its response is visible. */
static int
unmap_spy(struct xnb_hv *hv, void *addr, uint32_t count)
{
	E.rsp_prod_at_unmap = E.front.sring->rsp_prod;
	return E.unmap(hv, addr, count);
}

static int
prepare(void *arg, const struct xnb_tx_pkt *pkt, struct xnb_seg *segs,
	unsigned int max_segs __rte_unused, void **cookie)
{
	struct zbuf *b;

	CHECK(arg == &E);
	if (E.nobuf)
		return -ENOBUFS;
	b = calloc(1, sizeof(*b) + pkt->len);
	b->len = pkt->len;
	segs[0].addr = b->data;
	segs[0].len = pkt->len;
	*cookie = b;
	return 1;
}

/* One segment per run of copied fragments, the runs packed in data. */
static int
prepare_zc(void *arg, const struct xnb_tx_pkt *pkt,
	   struct xnb_tx_zc_frame *zf, struct xnb_seg *segs,
	   unsigned int max_segs, void **cookie)
{
	unsigned int i, n = 0;
	bool open = false;
	uint32_t off = 0;
	struct zbuf *b;

	CHECK(arg == &E);
	CHECK(zf->nr_mapped > 0);
	CHECK(zf->frags[0].page == NULL);
	CHECK_EQ(zf->domid, FAKE_DOMID);
	if (E.zc_ret < 0)
		return E.zc_ret;
	E.prepared_zc++;
	b = calloc(1, sizeof(*b) + pkt->len);
	b->zf = zf;
	for (i = 0; i < zf->nr_frags; i++) {
		if (zf->frags[i].page != NULL) {
			open = false;
			continue;
		}
		if (!open) {
			CHECK(n < max_segs);
			segs[n].addr = b->data + off;
			segs[n].len = 0;
			n++;
			open = true;
		}
		segs[n - 1].len += zf->frags[i].len;
		off += zf->frags[i].len;
	}
	b->len = off;
	*cookie = b;
	return n;
}

/* The caller is done with a frame: release its pages, free it. */
static void
put(void *cookie)
{
	struct zbuf *b = cookie;

	if (b->zf != NULL)
		xnb_tx_zc_release(b->zf);
	free(b);
}

static void
discard(void *arg, void *cookie)
{
	CHECK(arg == &E);
	put(cookie);
}

static const struct xnb_tx_ops ops = {
	.prepare = prepare,
	.discard = discard,
	.prepare_zc = prepare_zc,
};

static void
hold(void *arg)
{
	CHECK(arg == &E);
	E.holds++;
}

static void
release(void *arg)
{
	CHECK(arg == &E);
	E.releases++;
}

static void
zc_enable(uint32_t copy_max)
{
	struct xnb_txq_zc_conf zc = {
		.copy_max = copy_max, .priv_size = 24,
		.hold = hold, .release = release, .arg = &E,
	};

	CHECK_EQ(xnb_txq_zc_enable(E.txq, &zc), 0);
}

static void
env_setup(uint32_t copy_max)
{
	struct xnb_txq_conf conf = { .qid = 1, .mcast = &E.mcast };
	netif_tx_sring_t *s;
	unsigned int i, k;
	int port;

	memset(&E, 0, sizeof(E));
	E.f = fake_hv_new();
	E.ops = *E.f->hv.ops;
	E.unmap = E.ops.unmap_grants;
	E.ops.unmap_grants = unmap_spy;
	E.f->hv.ops = &E.ops;
	xnb_mcast_init(&E.mcast);
	conf.hv = &E.f->hv;
	E.txq = xnb_txq_create(&conf);
	CHECK(E.txq != NULL);
	zc_enable(copy_max);
	CHECK_EQ(E.holds, 0); /* nothing before a connection */
	E.ec = E.f->hv.ops->evtchn_open(&E.f->hv);
	port = E.f->hv.ops->evtchn_bind(E.ec, FAKE_DOMID, REMOTE_PORT);
	CHECK(port > 0);
	E.port = port;
	s = fake_page(E.f, RING_PAGE);
	SHARED_RING_INIT(s);
	FRONT_RING_INIT(&E.front, s, XNB_PAGE_SIZE);
	for (i = 0; i < NR_DATA; i++) {
		uint8_t *p = fake_page(E.f, DATA_PAGE0 + i);

		for (k = 0; k < XNB_PAGE_SIZE; k++)
			p[k] = (uint8_t)(i * 37 + k);
		E.gref[i] = fake_grant(E.f, DATA_PAGE0 + i, true);
	}
	CHECK_EQ(xnb_txq_attach(E.txq, FAKE_DOMID, s, E.ec, E.port), 0);
	CHECK_EQ(E.holds, copy_max < XNB_PAGE_SIZE ? 1 : 0);
}

static void
env_teardown(void)
{
	xnb_txq_detach(E.txq);
	xnb_txq_destroy(E.txq);
	CHECK_EQ(E.releases, E.holds);
	CHECK_EQ(E.f->mapped, 0);
	E.f->hv.ops->evtchn_unbind(E.ec, E.port);
	E.f->hv.ops->evtchn_close(E.ec);
	fake_hv_free(E.f);
}

static void
req(uint32_t gref, uint16_t offset, uint16_t flags, uint16_t id,
    uint16_t size)
{
	netif_tx_request_t *r = RING_GET_REQUEST(&E.front,
						 E.front.req_prod_pvt++);

	r->gref = gref;
	r->offset = offset;
	r->flags = flags;
	r->id = id;
	r->size = size;
}

static void
gso_extra(void)
{
	struct netif_extra_info *x = (void *)RING_GET_REQUEST(&E.front,
		E.front.req_prod_pvt++);

	memset(x, 0, sizeof(netif_tx_request_t));
	x->type = XEN_NETIF_EXTRA_TYPE_GSO;
	x->u.gso.size = 1448;
	x->u.gso.type = XEN_NETIF_GSO_TYPE_TCPV4;
}

/* A two-slot frame: 60 header bytes from gref[0], len more from g. */
static void
frame2(uint32_t g, uint16_t id, uint16_t len)
{
	req(E.gref[0], 0, NETTXF_more_data, id, 60 + len);
	req(g, 0, 0, id + 1, len);
}

static uint16_t
recv(void **c, uint16_t n)
{
	RING_PUSH_REQUESTS(&E.front);
	return xnb_txq_recv(E.txq, &ops, &E, c, n);
}

static void
expect_rsp(uint16_t id, int16_t status)
{
	netif_tx_response_t *r;

	CHECK(E.front.rsp_cons != E.front.sring->rsp_prod);
	r = RING_GET_RESPONSE(&E.front, E.front.rsp_cons++);
	if (status != NETIF_RSP_NULL)
		CHECK_EQ(r->id, id);
	CHECK_EQ(r->status, status);
}

static void
expect_no_rsp(void)
{
	CHECK_EQ(E.front.sring->rsp_prod, E.front.rsp_cons);
}

static const uint8_t *
page(unsigned int i)
{
	return fake_page(E.f, DATA_PAGE0 + i);
}

static void
test_map_respond_after_release(void)
{
	const struct xnb_tx_zc_stats *zs;
	const struct xnb_tx_stats *st;
	RING_IDX before;
	struct zbuf *b;
	void *c[4];

	env_setup(0);
	zs = xnb_txq_zc_stats(E.txq);
	st = xnb_txq_stats(E.txq);
	/* 1000 header bytes copied, 3000 at offset 100 of page 1 mapped. */
	req(E.gref[0], 0, NETTXF_more_data | NETTXF_extra_info, 1, 4000);
	gso_extra();
	req(E.gref[1], 100, 0, 2, 3000);
	CHECK_EQ(recv(c, 4), 1);
	b = c[0];
	CHECK(b->zf != NULL);
	CHECK_EQ(b->zf->nr_frags, 2);
	CHECK_EQ(b->zf->nr_mapped, 1);
	CHECK(b->zf->frags[1].page == page(1));
	CHECK_EQ(b->zf->frags[1].gref, E.gref[1]);
	CHECK_EQ(b->zf->frags[1].offset, 100);
	CHECK_EQ(b->zf->frags[1].len, 3000);
	CHECK(b->zf->priv != NULL);
	CHECK_EQ(b->len, 1000);
	CHECK(memcmp(b->data, page(0), 1000) == 0);
	CHECK_EQ(E.f->map_calls, 1);
	CHECK_EQ(E.f->mapped, 1);
	CHECK_EQ(st->gmap_calls, 1);
	CHECK_EQ(st->gmap_ops, 1);
	CHECK_EQ(st->packets, 1);
	CHECK_EQ(st->bytes, 4000);
	CHECK_EQ(zs->frames, 1);
	CHECK_EQ(zs->inflight, 1);
	CHECK_EQ(zs->inflight_peak, 1);
	/* Held: no response, however often the queue is polled, and the
	 * queue must not sleep while frames are out. */
	expect_no_rsp();
	CHECK_EQ(recv(c + 1, 4), 0);
	expect_no_rsp();
	CHECK_EQ(E.f->unmap_calls, 0);
	CHECK(xnb_txq_arm(E.txq));

	put(b);
	/* Released, not yet answered: the queue's poll does that. */
	expect_no_rsp();
	CHECK_EQ(E.f->mapped, 1);
	before = E.front.sring->rsp_prod;
	E.front.sring->rsp_event = before + 1;
	CHECK_EQ(recv(c, 4), 0);
	CHECK_EQ(E.f->unmap_calls, 1);
	CHECK_EQ(E.f->mapped, 0);
	CHECK_EQ(E.rsp_prod_at_unmap, before);
	expect_rsp(1, NETIF_RSP_OKAY);
	expect_rsp(2, NETIF_RSP_OKAY);
	expect_rsp(0, NETIF_RSP_NULL);
	expect_no_rsp();
	CHECK_EQ(fake_notified(E.f, E.port), 1);
	CHECK_EQ(st->gunmap_calls, 1);
	CHECK_EQ(st->gunmap_ops, 1);
	CHECK_EQ(zs->inflight, 0);
	CHECK_EQ(zs->inflight_peak, 1);
	CHECK(!xnb_txq_arm(E.txq));
	env_teardown();
}

static void
test_threshold(void)
{
	struct zbuf *b;
	void *c[2];

	/* A fragment exactly copy_max long is copied. */
	env_setup(1000);
	frame2(E.gref[1], 1, 1000);
	CHECK_EQ(recv(c, 2), 1);
	b = c[0];
	CHECK(b->zf == NULL);
	CHECK_EQ(E.f->map_calls, 0);
	CHECK(memcmp(b->data + 60, page(1), 1000) == 0);
	expect_rsp(1, NETIF_RSP_OKAY);
	expect_rsp(2, NETIF_RSP_OKAY);
	put(b);
	frame2(E.gref[1], 3, 1001);
	CHECK_EQ(recv(c, 2), 1);
	b = c[0];
	CHECK(b->zf != NULL);
	CHECK_EQ(E.f->map_calls, 1);
	expect_no_rsp();
	put(b);
	/* Single-slot frames have nothing to map. */
	req(E.gref[2], 0, 0, 5, 3000);
	CHECK_EQ(recv(c, 2), 1);
	CHECK(((struct zbuf *)c[0])->zf == NULL);
	CHECK_EQ(E.f->map_calls, 1);
	/* This poll's frames first, then the released ones. */
	expect_rsp(5, NETIF_RSP_OKAY);
	expect_rsp(3, NETIF_RSP_OKAY);
	expect_rsp(4, NETIF_RSP_OKAY);
	expect_no_rsp();
	put(c[0]);
	env_teardown();

	/* copy_max of a page: zero-copy off. */
	env_setup(XNB_PAGE_SIZE);
	frame2(E.gref[1], 1, 4000);
	CHECK_EQ(recv(c, 2), 1);
	CHECK(((struct zbuf *)c[0])->zf == NULL);
	CHECK_EQ(E.f->map_calls, 0);
	put(c[0]);
	env_teardown();
}

static void
test_bound_copies(void)
{
	const struct xnb_tx_zc_stats *zs;
	void *c[XNB_TX_BURST_MAX];
	void *held[XNB_TX_BURST_MAX];
	unsigned int i, nzc = 0, got;
	RING_IDX before;

	env_setup(0);
	zs = xnb_txq_zc_stats(E.txq);
	/* 70 two-slot frames: 64 fill the bound of 128 slots, 6 copied. */
	for (i = 0; i < 70; i++)
		frame2(E.gref[1 + i % 4], 2 * i, 100);
	got = recv(c, XNB_TX_BURST_MAX);
	CHECK_EQ(got, XNB_TX_BURST_MAX);
	memcpy(held, c, sizeof(c));
	got = recv(c, XNB_TX_BURST_MAX);
	CHECK_EQ(got, 6);
	for (i = 0; i < XNB_TX_BURST_MAX; i++)
		nzc += ((struct zbuf *)held[i])->zf != NULL;
	CHECK_EQ(nzc, XNB_TXZC_MAX_SLOTS / 2);
	CHECK_EQ(zs->frames, XNB_TXZC_MAX_SLOTS / 2);
	CHECK_EQ(zs->fallback_bound, 6);
	CHECK_EQ(zs->inflight, XNB_TXZC_MAX_SLOTS / 2);
	CHECK_EQ(E.f->mapped, XNB_TXZC_MAX_SLOTS / 2);
	/* The copied ones are answered at once. */
	for (i = 64; i < 70; i++) {
		CHECK(((struct zbuf *)c[i - 64])->zf == NULL);
		expect_rsp(2 * i, NETIF_RSP_OKAY);
		expect_rsp(2 * i + 1, NETIF_RSP_OKAY);
	}
	expect_no_rsp();
	for (i = 0; i < 6; i++)
		put(c[i]);
	/* All released: one poll unmaps each, one push, one notify. */
	for (i = 0; i < XNB_TX_BURST_MAX; i++)
		put(held[i]);
	before = E.front.sring->rsp_prod;
	E.front.sring->rsp_event = before + 1;
	CHECK_EQ(recv(c, 4), 0);
	CHECK_EQ(E.f->unmap_calls, XNB_TXZC_MAX_SLOTS / 2);
	CHECK_EQ(E.f->mapped, 0);
	CHECK_EQ(E.front.sring->rsp_prod - before, 128);
	CHECK_EQ(fake_notified(E.f, E.port), 2);
	for (i = 0; i < 64; i++) {
		expect_rsp(2 * i, NETIF_RSP_OKAY);
		expect_rsp(2 * i + 1, NETIF_RSP_OKAY);
	}
	expect_no_rsp();
	CHECK_EQ(zs->inflight, 0);
	CHECK_EQ(zs->inflight_peak, 64);
	/* The bound is free again. */
	frame2(E.gref[1], 500, 100);
	CHECK_EQ(recv(c, 4), 1);
	CHECK(((struct zbuf *)c[0])->zf != NULL);
	put(c[0]);
	env_teardown();
}

static void
test_map_failure_drops(void)
{
	const struct xnb_tx_zc_stats *zs;
	const struct xnb_tx_stats *st;
	struct zbuf *b;
	void *c[4];

	env_setup(0);
	zs = xnb_txq_zc_stats(E.txq);
	st = xnb_txq_stats(E.txq);
	/* A hostile grant in the mapped fragment. */
	frame2(0x7fffff00, 1, 2000);
	frame2(E.gref[2], 3, 2000);
	CHECK_EQ(recv(c, 4), 1);
	b = c[0];
	CHECK(b->zf != NULL);
	CHECK_EQ(b->zf->frags[1].gref, E.gref[2]);
	expect_rsp(1, NETIF_RSP_ERROR);
	expect_rsp(2, NETIF_RSP_ERROR);
	expect_no_rsp();
	CHECK_EQ(E.prepared_zc, 1);
	CHECK_EQ(st->drop_grant, 1);
	CHECK_EQ(zs->map_fail, 1);
	CHECK_EQ(st->gmap_calls, 2);
	CHECK_EQ(st->gmap_ops, 1);
	CHECK_EQ(E.f->mapped, 1);
	put(b);

	/* The header copy fails, the fragment was mapped: answered
	 * NETIF_RSP_ERROR only once the caller dropped it and it is
	 * unmapped, in the same poll. */
	fake_revoke(E.f, E.gref[0]);
	frame2(E.gref[3], 5, 2000);
	CHECK_EQ(recv(c, 4), 0);
	CHECK_EQ(E.f->mapped, 0);
	CHECK_EQ(E.f->unmap_calls, 2);
	expect_rsp(3, NETIF_RSP_OKAY);
	expect_rsp(4, NETIF_RSP_OKAY);
	expect_rsp(5, NETIF_RSP_ERROR);
	expect_rsp(6, NETIF_RSP_ERROR);
	expect_no_rsp();
	CHECK_EQ(st->drop_grant, 2);
	CHECK_EQ(st->packets, 1);
	env_teardown();
}

static void
test_caller_declines(void)
{
	const struct xnb_tx_zc_stats *zs;
	struct zbuf *b;
	void *c[4];

	env_setup(0);
	zs = xnb_txq_zc_stats(E.txq);
	/* -ENOTSUP: unmapped and copied. */
	E.zc_ret = -ENOTSUP;
	frame2(E.gref[1], 1, 2000);
	CHECK_EQ(recv(c, 4), 1);
	b = c[0];
	CHECK(b->zf == NULL);
	CHECK_EQ(b->len, 2060);
	CHECK(memcmp(b->data, page(0), 60) == 0);
	CHECK(memcmp(b->data + 60, page(1), 2000) == 0);
	CHECK_EQ(E.f->map_calls, 1);
	CHECK_EQ(E.f->unmap_calls, 1);
	CHECK_EQ(E.f->mapped, 0);
	CHECK_EQ(zs->fallback_caller, 1);
	CHECK_EQ(zs->frames, 0);
	CHECK_EQ(zs->inflight, 0);
	expect_rsp(1, NETIF_RSP_OKAY);
	expect_rsp(2, NETIF_RSP_OKAY);
	put(b);
	/* -ENOBUFS: unmapped, the frame stays on the ring. */
	E.zc_ret = -ENOBUFS;
	frame2(E.gref[1], 3, 2000);
	CHECK_EQ(recv(c, 4), 0);
	CHECK_EQ(E.f->unmap_calls, 2);
	CHECK_EQ(E.f->mapped, 0);
	CHECK_EQ(xnb_txq_stats(E.txq)->nobuf, 1);
	expect_no_rsp();
	E.zc_ret = 0;
	CHECK_EQ(recv(c, 4), 1);
	b = c[0];
	CHECK(b->zf != NULL);
	put(b);
	CHECK_EQ(recv(c, 4), 0);
	expect_rsp(3, NETIF_RSP_OKAY);
	expect_rsp(4, NETIF_RSP_OKAY);
	expect_no_rsp();
	env_teardown();
}

static void
test_teardown_in_flight(void)
{
	const struct xnb_tx_stats *st;
	RING_IDX before;
	void *c[4];

	env_setup(0);
	st = xnb_txq_stats(E.txq);
	frame2(E.gref[1], 1, 2000);
	frame2(E.gref[2], 3, 2000);
	frame2(E.gref[3], 5, 2000);
	CHECK_EQ(recv(c, 4), 3);
	CHECK_EQ(E.f->mapped, 3);
	/* One released before the guest goes; no poll after. */
	put(c[0]);
	before = E.front.sring->rsp_prod;
	xnb_txq_detach(E.txq);
	/* The released one is unmapped by the detach, the held ones stay
	 * mapped while the application uses them. */
	CHECK_EQ(E.f->mapped, 2);
	CHECK_EQ(st->gunmap_calls, 1);
	CHECK_EQ(E.releases, 0);
	CHECK_EQ(xnb_txq_zc_stats(E.txq)->inflight, 0);
	put(c[1]);
	CHECK_EQ(E.f->mapped, 1);
	/* The queue itself may go first. */
	xnb_txq_destroy(E.txq);
	E.txq = NULL;
	CHECK_EQ(E.f->mapped, 1);
	CHECK_EQ(E.releases, 0);
	put(c[2]);
	CHECK_EQ(E.f->mapped, 0);
	CHECK_EQ(E.releases, 1);
	/* Nothing was ever answered after the detach. */
	CHECK_EQ(E.front.sring->rsp_prod, before);
	expect_no_rsp();
	E.f->hv.ops->evtchn_unbind(E.ec, E.port);
	E.f->hv.ops->evtchn_close(E.ec);
	fake_hv_free(E.f);
}

static void
test_reattach(void)
{
	void *c[4];

	env_setup(0);
	frame2(E.gref[1], 1, 2000);
	CHECK_EQ(recv(c, 4), 1);
	xnb_txq_detach(E.txq);
	/* The guest reconnects: a fresh state; the old one waits. */
	SHARED_RING_INIT(E.front.sring);
	FRONT_RING_INIT(&E.front, E.front.sring, XNB_PAGE_SIZE);
	CHECK_EQ(xnb_txq_attach(E.txq, FAKE_DOMID, E.front.sring, E.ec,
				E.port), 0);
	CHECK_EQ(E.holds, 2);
	CHECK_EQ(E.releases, 0);
	put(c[0]);
	CHECK_EQ(E.releases, 1);
	CHECK_EQ(E.f->mapped, 0);
	frame2(E.gref[2], 7, 2000);
	CHECK_EQ(recv(c, 4), 1);
	CHECK(((struct zbuf *)c[0])->zf != NULL);
	put(c[0]);
	CHECK_EQ(recv(c, 4), 0);
	expect_rsp(7, NETIF_RSP_OKAY);
	expect_rsp(8, NETIF_RSP_OKAY);
	expect_no_rsp();
	env_teardown();
}

static void *
release_thread(void *arg)
{
	put(arg);
	return NULL;
}

static void
test_release_other_thread(void)
{
	pthread_t t[3];
	void *c[4];
	unsigned int i;

	env_setup(0);
	for (i = 0; i < 3; i++)
		frame2(E.gref[1 + i], 2 * i, 2000);
	CHECK_EQ(recv(c, 4), 3);
	for (i = 0; i < 3; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, release_thread, c[i]), 0);
	for (i = 0; i < 3; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_EQ(E.f->mapped, 3);
	CHECK_EQ(recv(c, 4), 0);
	CHECK_EQ(E.f->mapped, 0);
	CHECK_EQ(E.front.sring->rsp_prod, 6);
	env_teardown();
}

/* Mostly plausible chains of 1..4 slots, each field sometimes junk. */
static void
garbage_ring(void)
{
	unsigned int i = 0, k, n;
	uint16_t size[4];
	uint32_t total;

	while (i < XNB_TX_RING_SIZE) {
		n = 1 + random() % 4;
		total = 0;
		for (k = 0; k < n; k++) {
			size[k] = 1 + random() % 3000;
			total += size[k];
		}
		for (k = 0; k < n && i < XNB_TX_RING_SIZE; k++, i++) {
			netif_tx_request_t *r = RING_GET_REQUEST(&E.front, i);

			r->gref = random() % 8 ? E.gref[random() % NR_DATA] :
				(uint32_t)random();
			r->size = k == 0 ? total : size[k];
			if (k == 0 && random() % 2)
				r->size = 60 + random() % 1000 + total -
					  size[0];
			if (random() % 10 == 0)
				r->size = random();
			r->offset = random() % 10 ? random() %
				(XNB_PAGE_SIZE - size[k] + 1) : random();
			r->flags = k + 1 < n ? NETTXF_more_data : 0;
			if (random() % 10 == 0)
				r->flags = random() % 16;
			r->id = random();
		}
	}
}

/* Random rings with zero-copy on: whatever the guest writes, every
 * mapping is undone and every slot answered once its frame is back. */
static void
test_garbage(void)
{
	void *held[8 * XNB_TX_BURST_MAX];
	unsigned int seed, i, rounds, nheld;
	void *c[XNB_TX_BURST_MAX];
	uint64_t zc_frames = 0, map_fail = 0;
	netif_tx_sring_t *s;
	uint16_t got;

	rte_log_set_level(xnb_logtype, RTE_LOG_CRIT);
	for (seed = 1; seed <= 300; seed++) {
		srandom(seed);
		env_setup(random() % 3 ? random() % 200 : random() % 4097);
		s = E.front.sring;
		garbage_ring();
		s->req_prod = random() % (XNB_TX_RING_SIZE + 2);
		nheld = 0;
		for (rounds = 0; rounds < 300; rounds++) {
			got = xnb_txq_recv(E.txq, &ops, &E, c, RTE_DIM(c));
			/* Keep every other frame a while. */
			for (i = 0; i < got; i++) {
				if (i % 2 == 0 && nheld < RTE_DIM(held))
					held[nheld++] = c[i];
				else
					put(c[i]);
			}
			if (xnb_txq_failed(E.txq))
				break;
			CHECK((RING_IDX)(s->req_prod - s->rsp_prod) <=
			      XNB_TX_RING_SIZE + 1);
			if (got == 0) {
				while (nheld > 0)
					put(held[--nheld]);
				if (s->rsp_prod == s->req_prod)
					break;
			}
		}
		CHECK(xnb_txq_failed(E.txq) || s->rsp_prod == s->req_prod);
		CHECK_EQ(xnb_txq_zc_stats(E.txq)->inflight,
			 xnb_txq_failed(E.txq) ? E.f->mapped : 0);
		while (nheld > 0)
			put(held[--nheld]);
		zc_frames += xnb_txq_zc_stats(E.txq)->frames;
		map_fail += xnb_txq_zc_stats(E.txq)->map_fail;
		env_teardown();
	}
	/* Both paths were taken. */
	printf("  %" PRIu64 " zero-copy frames, %" PRIu64 " failed maps\n",
	       zc_frames, map_fail);
	CHECK(zc_frames > 0);
	CHECK(map_fail > 0);
}

int
main(void)
{
	RUN(test_map_respond_after_release);
	RUN(test_threshold);
	RUN(test_bound_copies);
	RUN(test_map_failure_drops);
	RUN(test_caller_declines);
	RUN(test_teardown_in_flight);
	RUN(test_reattach);
	RUN(test_release_other_thread);
	RUN(test_garbage);
	return 0;
}
