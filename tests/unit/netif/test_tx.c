/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Guest Tx unit tests: the test is the frontend, writing requests on a
 * shared ring page of the fake hypervisor and reading the responses.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fake_hv.h"
#include "xnb_log.h"
#include "xnb_mcast.h"
#include "xnb_ring.h"
#include "xnb_tx.h"

#define RING_PAGE 0
#define DATA_PAGE0 10 /* data pages DATA_PAGE0 .. */
#define REMOTE_PORT 5

struct buf {
	struct xnb_tx_pkt pkt;
	uint32_t len;
	uint8_t data[];
};

struct env {
	struct fake_hv *f;
	struct xnb_mcast mcast;
	struct xnb_txq *txq;
	struct xnb_hv_evtchn *ec;
	uint32_t port;
	netif_tx_front_ring_t front;
	uint32_t data_gref[32]; /* grants of data pages */
	int fatal_calls;
	/* prepare() behaviour */
	uint32_t seg_size;      /* split buffers into segments this long */
	int nobuf_after;        /* -ENOBUFS after this many, -1: never */
	int short_segs;         /* supply one byte too little */
	int prepared;
	int discarded;
};

static struct env E;

static void
on_fatal(void *arg, uint16_t qid)
{
	CHECK(arg == &E);
	CHECK_EQ(qid, 3);
	E.fatal_calls++;
}

static int
prepare(void *arg, const struct xnb_tx_pkt *pkt, struct xnb_seg *segs,
	unsigned int max_segs, void **cookie)
{
	struct buf *b;
	uint32_t off, n = 0;

	CHECK(arg == &E);
	if (E.nobuf_after >= 0 && E.prepared >= E.nobuf_after)
		return -ENOBUFS;
	E.prepared++;
	b = calloc(1, sizeof(*b) + pkt->len);
	b->pkt = *pkt;
	b->len = pkt->len;
	for (off = 0; off < pkt->len - E.short_segs; off += E.seg_size) {
		CHECK(n < max_segs);
		segs[n].addr = b->data + off;
		segs[n].len = off + E.seg_size <= pkt->len - E.short_segs ?
			E.seg_size : pkt->len - E.short_segs - off;
		n++;
	}
	*cookie = b;
	return n;
}

static void
discard(void *arg, void *cookie)
{
	CHECK(arg == &E);
	E.discarded++;
	free(cookie);
}

static const struct xnb_tx_ops ops = {
	.prepare = prepare,
	.discard = discard,
};

static void
env_setup(RING_IDX start)
{
	struct xnb_txq_conf conf = {
		.qid = 3, .mcast = &E.mcast, .fatal = on_fatal,
		.fatal_arg = &E,
	};
	netif_tx_sring_t *s;
	unsigned int i;
	int port;

	memset(&E, 0, sizeof(E));
	E.f = fake_hv_new();
	E.seg_size = 65536;
	E.nobuf_after = -1;
	xnb_mcast_init(&E.mcast);
	conf.hv = &E.f->hv;
	E.txq = xnb_txq_create(&conf);
	CHECK(E.txq != NULL);
	E.ec = E.f->hv.ops->evtchn_open(&E.f->hv);
	port = E.f->hv.ops->evtchn_bind(E.ec, FAKE_DOMID, REMOTE_PORT);
	CHECK(port > 0);
	E.port = port;

	s = fake_page(E.f, RING_PAGE);
	SHARED_RING_INIT(s);
	FRONT_RING_ATTACH(&E.front, s, start, XNB_PAGE_SIZE);
	s->req_prod = s->rsp_prod = start;
	s->req_event = s->rsp_event = start + 1;
	for (i = 0; i < RTE_DIM(E.data_gref); i++) {
		uint8_t *p = fake_page(E.f, DATA_PAGE0 + i);
		unsigned int k;

		for (k = 0; k < XNB_PAGE_SIZE; k++)
			p[k] = (uint8_t)(i * 31 + k);
		E.data_gref[i] = fake_grant(E.f, DATA_PAGE0 + i, true);
	}
	CHECK_EQ(xnb_txq_attach(E.txq, FAKE_DOMID, s, E.ec, E.port), 0);
}

static void
env_teardown(void)
{
	xnb_txq_detach(E.txq);
	xnb_txq_destroy(E.txq);
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
extra(uint8_t type, uint8_t flags, const void *u, size_t ulen)
{
	struct netif_extra_info *x = (void *)RING_GET_REQUEST(&E.front,
		E.front.req_prod_pvt++);

	memset(x, 0, sizeof(netif_tx_request_t));
	x->type = type;
	x->flags = flags;
	memcpy(&x->u, u, ulen);
}

static void
gso_extra(uint16_t size, uint8_t type, uint8_t flags)
{
	struct { uint16_t size; uint8_t type, pad; uint16_t features; } g = {
		size, type, 0, 0,
	};

	extra(XEN_NETIF_EXTRA_TYPE_GSO, flags, &g, sizeof(g));
}

static void
push(void)
{
	RING_PUSH_REQUESTS(&E.front);
}

static uint16_t
recv(void **cookies, uint16_t n)
{
	return xnb_txq_recv(E.txq, &ops, &E, cookies, n);
}

/* Next response must be (id, status). */
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
page_data(unsigned int i, uint16_t off)
{
	return (const uint8_t *)fake_page(E.f, DATA_PAGE0 + i) + off;
}

static void
free_all(void **c, uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n; i++)
		free(c[i]);
}

static void
test_single_slot(void)
{
	const struct xnb_tx_stats *st;
	void *c[4];
	struct buf *b;

	env_setup(0);
	req(E.data_gref[0], 100, NETTXF_data_validated, 42, 60);
	push();
	CHECK_EQ(recv(c, 4), 1);
	b = c[0];
	CHECK_EQ(b->len, 60);
	CHECK_EQ(b->pkt.nr_frags, 1);
	CHECK_EQ(b->pkt.flags, XNB_TX_F_DATA_VALIDATED);
	CHECK_EQ(b->pkt.gso_type, XEN_NETIF_GSO_TYPE_NONE);
	CHECK(memcmp(b->data, page_data(0, 100), 60) == 0);
	expect_rsp(42, NETIF_RSP_OKAY);
	expect_no_rsp();
	st = xnb_txq_stats(E.txq);
	CHECK_EQ(st->packets, 1);
	CHECK_EQ(st->bytes, 60);
	CHECK_EQ(st->gcopy_calls, 1);
	CHECK_EQ(st->gcopy_ops, 1);
	CHECK_EQ(E.f->copy_calls, 1);
	/* rsp_event was rsp_prod + 1: the guest wanted a notification. */
	CHECK_EQ(st->notify, 1);
	CHECK_EQ(fake_notified(E.f, E.port), 1);
	/* Nothing more: no copy call, no response. */
	CHECK_EQ(recv(c + 1, 4), 0);
	CHECK_EQ(E.f->copy_calls, 1);
	free_all(c, 1);
	env_teardown();
}

/*
 * One-slot frames (the datapath's common case) follow the chain's rules
 * in the same order: a runt that also crosses the page is dropped, not
 * fatal; a slot ending at the page end is fine; both checksum flags pass;
 * a failed copy between good frames keeps the others, in order.
 */
static void
test_one_slot_rules(void)
{
	const struct xnb_tx_stats *st;
	void *c[8];
	struct buf *b;

	env_setup(0);
	req(E.data_gref[0], 4090, 0, 1, 10);
	req(E.data_gref[1], XNB_PAGE_SIZE - 60,
	    NETTXF_csum_blank | NETTXF_data_validated, 2, 60);
	req(5000, 0, 0, 3, 60); /* not a grant: the copy fails */
	req(E.data_gref[2], 8, NETTXF_data_validated, 4, 100);
	push();
	CHECK_EQ(recv(c, 8), 2);
	b = c[0];
	CHECK_EQ(b->len, 60);
	CHECK_EQ(b->pkt.nr_frags, 1);
	CHECK_EQ(b->pkt.flags, XNB_TX_F_CSUM_BLANK | XNB_TX_F_DATA_VALIDATED);
	CHECK_EQ(b->pkt.gso_type, XEN_NETIF_GSO_TYPE_NONE);
	CHECK_EQ(b->pkt.gso_size, 0);
	CHECK_EQ(b->pkt.hash, 0);
	CHECK(memcmp(b->data, page_data(1, XNB_PAGE_SIZE - 60), 60) == 0);
	b = c[1];
	CHECK_EQ(b->len, 100);
	CHECK_EQ(b->pkt.flags, XNB_TX_F_DATA_VALIDATED);
	CHECK(memcmp(b->data, page_data(2, 8), 100) == 0);
	expect_rsp(1, NETIF_RSP_ERROR);
	expect_rsp(2, NETIF_RSP_OKAY);
	expect_rsp(3, NETIF_RSP_ERROR);
	expect_rsp(4, NETIF_RSP_OKAY);
	expect_no_rsp();
	st = xnb_txq_stats(E.txq);
	CHECK_EQ(st->packets, 2);
	CHECK_EQ(st->bytes, 160);
	CHECK_EQ(st->drop_runt, 1);
	CHECK_EQ(st->drop_grant, 1);
	CHECK_EQ(st->gcopy_calls, 1);
	CHECK_EQ(st->gcopy_ops, 3);
	CHECK_EQ(E.discarded, 1);
	CHECK_EQ(E.fatal_calls, 0);
	CHECK(!xnb_txq_failed(E.txq));
	free_all(c, 2);
	env_teardown();
}

static void
test_multi_slot_multi_seg(void)
{
	uint8_t want[3000];
	void *c[2];
	struct buf *b;

	env_setup(0);
	E.seg_size = 700; /* destination split unlike the source */
	/* 3000 bytes: 1000 in slot 0, 1500 + 500 in the next two. */
	req(E.data_gref[0], 96, NETTXF_more_data | NETTXF_csum_blank, 1,
	    3000);
	req(E.data_gref[1], 0, NETTXF_more_data, 2, 1500);
	req(E.data_gref[2], 3596, 0, 3, 500);
	push();
	CHECK_EQ(recv(c, 2), 1);
	b = c[0];
	memcpy(want, page_data(0, 96), 1000);
	memcpy(want + 1000, page_data(1, 0), 1500);
	memcpy(want + 2500, page_data(2, 3596), 500);
	CHECK_EQ(b->len, 3000);
	CHECK_EQ(b->pkt.nr_frags, 3);
	CHECK_EQ(b->pkt.flags, XNB_TX_F_CSUM_BLANK);
	CHECK(memcmp(b->data, want, 3000) == 0);
	CHECK_EQ(E.f->copy_calls, 1);
	expect_rsp(1, NETIF_RSP_OKAY);
	expect_rsp(2, NETIF_RSP_OKAY);
	expect_rsp(3, NETIF_RSP_OKAY);
	expect_no_rsp();
	free_all(c, 1);
	env_teardown();
}

static void
test_burst_one_copy_call(void)
{
	void *c[XNB_TX_BURST_MAX];
	unsigned int i;

	env_setup(0);
	for (i = 0; i < 40; i++)
		req(E.data_gref[i % 32], i * 8, 0, 100 + i, 64 + i);
	push();
	CHECK_EQ(recv(c, 32), 32);
	CHECK_EQ(E.f->copy_calls, 1);
	CHECK_EQ(xnb_txq_stats(E.txq)->gcopy_ops, 32);
	for (i = 0; i < 32; i++) {
		CHECK_EQ(((struct buf *)c[i])->len, 64 + i);
		expect_rsp(100 + i, NETIF_RSP_OKAY);
	}
	expect_no_rsp();
	free_all(c, 32);
	CHECK_EQ(recv(c, 32), 8);
	CHECK_EQ(E.f->copy_calls, 2);
	for (i = 32; i < 40; i++)
		expect_rsp(100 + i, NETIF_RSP_OKAY);
	free_all(c, 8);
	/* n above the cap is capped. */
	for (i = 0; i < 100; i++)
		req(E.data_gref[0], 0, 0, i, 60);
	push();
	CHECK_EQ(recv(c, 200), XNB_TX_BURST_MAX);
	free_all(c, XNB_TX_BURST_MAX);
	CHECK_EQ(recv(c, 200), 100 - XNB_TX_BURST_MAX);
	free_all(c, 100 - XNB_TX_BURST_MAX);
	env_teardown();
}

static void
test_gso_and_hash_extras(void)
{
	struct { uint8_t type, alg, value[4]; } h = {
		_XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP, 1, { 0x11, 0x22, 0x33, 0x44 },
	};
	void *c[2];
	struct buf *b;

	env_setup(0);
	req(E.data_gref[0], 0, NETTXF_extra_info | NETTXF_more_data |
	    NETTXF_csum_blank, 7, 5000);
	gso_extra(1448, XEN_NETIF_GSO_TYPE_TCPV6, XEN_NETIF_EXTRA_FLAG_MORE);
	extra(XEN_NETIF_EXTRA_TYPE_HASH, 0, &h, sizeof(h));
	req(E.data_gref[1], 0, NETTXF_more_data, 8, 4000);
	req(E.data_gref[2], 0, 0, 9, 904);
	push();
	CHECK_EQ(recv(c, 2), 1);
	b = c[0];
	CHECK_EQ(b->len, 5000);
	CHECK_EQ(b->pkt.gso_type, XEN_NETIF_GSO_TYPE_TCPV6);
	CHECK_EQ(b->pkt.gso_size, 1448);
	CHECK_EQ(b->pkt.flags, XNB_TX_F_CSUM_BLANK | XNB_TX_F_HASH);
	CHECK_EQ(b->pkt.hash, 0x44332211);
	CHECK_EQ(b->pkt.hash_type, _XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP);
	CHECK_EQ(b->pkt.nr_frags, 3);
	CHECK(memcmp(b->data, page_data(0, 0), 96) == 0);
	CHECK(memcmp(b->data + 96, page_data(1, 0), 4000) == 0);
	expect_rsp(7, NETIF_RSP_OKAY);
	expect_rsp(0, NETIF_RSP_NULL);
	expect_rsp(0, NETIF_RSP_NULL);
	expect_rsp(8, NETIF_RSP_OKAY);
	expect_rsp(9, NETIF_RSP_OKAY);
	expect_no_rsp();
	free_all(c, 1);
	env_teardown();
}

/* A frame of n data slots of 100 bytes each. */
static void
chain(unsigned int n, uint16_t id0)
{
	unsigned int i;

	req(E.data_gref[0], 0, n > 1 ? NETTXF_more_data : 0, id0, n * 100);
	for (i = 1; i < n; i++)
		req(E.data_gref[i % 32], 0, i + 1 < n ? NETTXF_more_data : 0,
		    id0 + i, 100);
}

static void
test_slot_limits(void)
{
	void *c[4];
	unsigned int i;

	env_setup(0);
	chain(XNB_TX_LEGACY_SLOTS, 0);          /* 18: fine */
	chain(XNB_TX_LEGACY_SLOTS + 1, 100);    /* 19: dropped */
	chain(XNB_TX_FATAL_SLOTS, 200);         /* 20: dropped */
	req(E.data_gref[0], 0, 0, 300, 60);     /* still served */
	push();
	CHECK_EQ(recv(c, 4), 2);
	CHECK_EQ(((struct buf *)c[0])->pkt.nr_frags, 18);
	CHECK_EQ(((struct buf *)c[0])->len, 1800);
	CHECK_EQ(((struct buf *)c[1])->len, 60);
	for (i = 0; i < 18; i++)
		expect_rsp(i, NETIF_RSP_OKAY);
	for (i = 0; i < 19; i++)
		expect_rsp(100 + i, NETIF_RSP_ERROR);
	for (i = 0; i < 20; i++)
		expect_rsp(200 + i, NETIF_RSP_ERROR);
	expect_rsp(300, NETIF_RSP_OKAY);
	expect_no_rsp();
	CHECK_EQ(xnb_txq_stats(E.txq)->drop_slots, 2);
	CHECK_EQ(xnb_txq_stats(E.txq)->packets, 2);
	CHECK_EQ(E.fatal_calls, 0);
	CHECK(!xnb_txq_failed(E.txq));
	free_all(c, 2);

	/* 21 data slots: fatal, once; the chain gets no response. */
	req(E.data_gref[0], 0, 0, 400, 60);
	chain(XNB_TX_FATAL_SLOTS + 1, 500);
	req(E.data_gref[0], 0, 0, 600, 60);
	push();
	CHECK_EQ(recv(c, 4), 1);
	CHECK_EQ(((struct buf *)c[0])->len, 60);
	expect_rsp(400, NETIF_RSP_OKAY);
	expect_no_rsp();
	CHECK(xnb_txq_failed(E.txq));
	CHECK_EQ(E.fatal_calls, 1);
	CHECK_EQ(xnb_txq_stats(E.txq)->fatal, 1);
	CHECK_EQ(recv(c + 1, 4), 0);
	CHECK_EQ(E.fatal_calls, 1);
	expect_no_rsp();
	free_all(c, 1);
	env_teardown();
}

static void
test_drops(void)
{
	void *c[8];

	env_setup(0);
	/* Fragment larger than what remains of the frame. */
	req(E.data_gref[0], 0, NETTXF_more_data, 1, 500);
	req(E.data_gref[1], 0, NETTXF_more_data, 2, 300);
	req(E.data_gref[2], 0, 0, 3, 300);
	/* Runt: first slot under an Ethernet header. */
	req(E.data_gref[0], 0, 0, 4, 13);
	/* Runt by subtraction: 100 total, 90 in the next slot. */
	req(E.data_gref[0], 0, NETTXF_more_data, 5, 100);
	req(E.data_gref[1], 0, 0, 6, 90);
	/* Exactly an Ethernet header: fine. */
	req(E.data_gref[0], 0, 0, 7, 14);
	/* Revoked grant in the second slot: copy fails. */
	req(E.data_gref[0], 0, NETTXF_more_data, 8, 200);
	req(5000, 0, 0, 9, 100);
	/* An extra on a dropped frame still gets NULL. */
	req(E.data_gref[0], 0, NETTXF_extra_info, 10, 5);
	gso_extra(1000, XEN_NETIF_GSO_TYPE_TCPV4, 0);
	push();
	CHECK_EQ(recv(c, 8), 1);
	CHECK_EQ(((struct buf *)c[0])->len, 14);
	expect_rsp(1, NETIF_RSP_ERROR);
	expect_rsp(2, NETIF_RSP_ERROR);
	expect_rsp(3, NETIF_RSP_ERROR);
	expect_rsp(4, NETIF_RSP_ERROR);
	expect_rsp(5, NETIF_RSP_ERROR);
	expect_rsp(6, NETIF_RSP_ERROR);
	expect_rsp(7, NETIF_RSP_OKAY);
	expect_rsp(8, NETIF_RSP_ERROR);
	expect_rsp(9, NETIF_RSP_ERROR);
	expect_rsp(10, NETIF_RSP_ERROR);
	expect_rsp(0, NETIF_RSP_NULL);
	expect_no_rsp();
	CHECK_EQ(xnb_txq_stats(E.txq)->drop_frag_size, 1);
	CHECK_EQ(xnb_txq_stats(E.txq)->drop_runt, 3);
	CHECK_EQ(xnb_txq_stats(E.txq)->drop_grant, 1);
	CHECK_EQ(E.discarded, 1);
	CHECK_EQ(E.fatal_calls, 0);
	free_all(c, 1);

	/* The whole copy call fails: every frame of the burst is dropped. */
	E.f->copy_call_ret = -EIO;
	req(E.data_gref[0], 0, 0, 20, 60);
	req(E.data_gref[0], 0, 0, 21, 60);
	push();
	CHECK_EQ(recv(c, 8), 0);
	expect_rsp(20, NETIF_RSP_ERROR);
	expect_rsp(21, NETIF_RSP_ERROR);
	CHECK_EQ(xnb_txq_stats(E.txq)->drop_grant, 3);
	CHECK_EQ(E.discarded, 3);
	E.f->copy_call_ret = 0;

	/* Caller's buffers too short: dropped, discarded. */
	E.short_segs = 1;
	req(E.data_gref[0], 0, 0, 22, 60);
	push();
	CHECK_EQ(recv(c, 8), 0);
	expect_rsp(22, NETIF_RSP_ERROR);
	CHECK_EQ(E.discarded, 4);
	CHECK(!xnb_txq_failed(E.txq));
	env_teardown();
}

/* Each case: one good frame, then the violation; the good one is served,
 * the bad chain gets no response, the queue stops. */
static void
fatal_case(void (*bad)(void))
{
	void *c[4];

	env_setup(0);
	req(E.data_gref[0], 0, 0, 1, 60);
	bad();
	push();
	CHECK_EQ(recv(c, 4), 1);
	expect_rsp(1, NETIF_RSP_OKAY);
	expect_no_rsp();
	CHECK_EQ(E.fatal_calls, 1);
	CHECK(xnb_txq_failed(E.txq));
	CHECK_EQ(xnb_txq_stats(E.txq)->fatal, 1);
	req(E.data_gref[0], 0, 0, 2, 60);
	push();
	CHECK_EQ(recv(c + 1, 4), 0);
	expect_no_rsp();
	free_all(c, 1);
	env_teardown();
}

static void
bad_chain_past_prod(void)
{
	req(E.data_gref[0], 0, NETTXF_more_data, 2, 200);
	req(E.data_gref[0], 0, NETTXF_more_data, 3, 100);
}

static void
bad_extra_past_prod(void)
{
	req(E.data_gref[0], 0, NETTXF_extra_info, 2, 200);
	gso_extra(100, XEN_NETIF_GSO_TYPE_TCPV4, XEN_NETIF_EXTRA_FLAG_MORE);
}

static void
bad_first_crosses_page(void)
{
	req(E.data_gref[0], 4000, 0, 2, 200);
}

static void
bad_frag_crosses_page(void)
{
	req(E.data_gref[0], 0, NETTXF_more_data, 2, 300);
	req(E.data_gref[0], 4000, 0, 3, 100);
}

static void
bad_gso_size(void)
{
	req(E.data_gref[0], 0, NETTXF_extra_info, 2, 200);
	gso_extra(0, XEN_NETIF_GSO_TYPE_TCPV4, 0);
}

static void
bad_gso_type(void)
{
	req(E.data_gref[0], 0, NETTXF_extra_info, 2, 200);
	gso_extra(1000, 3, 0);
}

static void
bad_gso_type_none(void)
{
	req(E.data_gref[0], 0, NETTXF_extra_info, 2, 200);
	gso_extra(1000, XEN_NETIF_GSO_TYPE_NONE, 0);
}

static void
bad_extra_type_zero(void)
{
	uint8_t z[6] = { 0 };

	req(E.data_gref[0], 0, NETTXF_extra_info, 2, 200);
	extra(XEN_NETIF_EXTRA_TYPE_NONE, 0, z, sizeof(z));
}

static void
bad_extra_type_max(void)
{
	uint8_t z[6] = { 0 };

	req(E.data_gref[0], 0, NETTXF_extra_info, 2, 200);
	extra(XEN_NETIF_EXTRA_TYPE_MAX, 0, z, sizeof(z));
}

static void
test_fatal(void)
{
	fatal_case(bad_chain_past_prod);
	fatal_case(bad_extra_past_prod);
	fatal_case(bad_first_crosses_page);
	fatal_case(bad_frag_crosses_page);
	fatal_case(bad_gso_size);
	fatal_case(bad_gso_type);
	fatal_case(bad_gso_type_none);
	fatal_case(bad_extra_type_zero);
	fatal_case(bad_extra_type_max);
}

static void
test_overfull_ring(void)
{
	netif_tx_sring_t *s;
	void *c[4];

	/* req_prod more than a ring ahead: fatal before reading anything. */
	env_setup(0);
	E.front.sring->req_prod = XNB_TX_RING_SIZE + 1;
	CHECK_EQ(recv(c, 4), 0);
	CHECK_EQ(E.fatal_calls, 1);
	expect_no_rsp();
	env_teardown();

	/* Exactly a ring's worth is fine. */
	env_setup(0);
	while (E.front.req_prod_pvt < XNB_TX_RING_SIZE)
		req(E.data_gref[0], 0, 0, E.front.req_prod_pvt, 60);
	push();
	CHECK_EQ(recv(c, 4), 4);
	CHECK_EQ(E.fatal_calls, 0);
	free_all(c, 4);
	env_teardown();

	/* Refused at attach. */
	env_setup(0);
	xnb_txq_detach(E.txq);
	s = fake_page(E.f, RING_PAGE);
	s->req_prod = s->rsp_prod + XNB_TX_RING_SIZE + 1;
	CHECK_EQ(xnb_txq_attach(E.txq, FAKE_DOMID, s, E.ec, E.port), -EPROTO);
	CHECK_EQ(recv(c, 4), 0);
	s->req_prod = s->rsp_prod + XNB_TX_RING_SIZE;
	CHECK_EQ(xnb_txq_attach(E.txq, FAKE_DOMID, s, E.ec, E.port), 0);
	env_teardown();
}

static void
test_mcast(void)
{
	static const uint8_t a[6] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
	static const uint8_t b[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	uint8_t m[6];
	void *c[2];
	unsigned int i;

	env_setup(0);
	req(E.data_gref[0], 0, NETTXF_extra_info, 1, 0);
	extra(XEN_NETIF_EXTRA_TYPE_MCAST_ADD, 0, a, 6);
	req(E.data_gref[0], 0, NETTXF_extra_info, 2, 0);
	extra(XEN_NETIF_EXTRA_TYPE_MCAST_ADD, 0, b, 6);
	req(E.data_gref[0], 0, NETTXF_extra_info, 3, 0);
	extra(XEN_NETIF_EXTRA_TYPE_MCAST_DEL, 0, a, 6);
	push();
	CHECK_EQ(recv(c, 2), 0);
	expect_rsp(1, NETIF_RSP_OKAY);
	expect_rsp(0, NETIF_RSP_NULL);
	expect_rsp(2, NETIF_RSP_OKAY);
	expect_rsp(0, NETIF_RSP_NULL);
	expect_rsp(3, NETIF_RSP_OKAY);
	expect_rsp(0, NETIF_RSP_NULL);
	expect_no_rsp();
	CHECK(!xnb_mcast_match(&E.mcast, a));
	CHECK(xnb_mcast_match(&E.mcast, b));
	CHECK_EQ(xnb_txq_stats(E.txq)->mcast_ok, 3);
	CHECK_EQ(E.f->copy_calls, 0);

	/* The filter is bounded: the add past the bound is refused. */
	for (i = 0; i < XNB_MCAST_MAX; i++) {
		memcpy(m, b, 6);
		m[5] = 2 + i;
		req(E.data_gref[0], 0, NETTXF_extra_info, 10 + i, 0);
		extra(XEN_NETIF_EXTRA_TYPE_MCAST_ADD, 0, m, 6);
	}
	push();
	CHECK_EQ(recv(c, 2), 0);
	for (i = 0; i < XNB_MCAST_MAX; i++) {
		expect_rsp(10 + i, i + 1 < XNB_MCAST_MAX ? NETIF_RSP_OKAY :
			   NETIF_RSP_ERROR);
		expect_rsp(0, NETIF_RSP_NULL);
	}
	CHECK_EQ(xnb_txq_stats(E.txq)->mcast_err, 1);
	CHECK_EQ(E.mcast.count, XNB_MCAST_MAX);
	env_teardown();
}

static void
test_wraparound(void)
{
	void *c[16];
	unsigned int round, i, got;

	/* Indices cross 2^32 while frames and extras straddle the end. */
	env_setup(0xfffffff0u);
	for (round = 0; round < 40; round++) {
		req(E.data_gref[round % 32], 0, NETTXF_more_data |
		    NETTXF_extra_info, round, 300);
		gso_extra(100, XEN_NETIF_GSO_TYPE_TCPV4, 0);
		req(E.data_gref[(round + 1) % 32], 8, 0, 1000 + round, 200);
		push();
		got = recv(c, 16);
		CHECK_EQ(got, 1);
		CHECK_EQ(((struct buf *)c[0])->len, 300);
		CHECK(memcmp(((struct buf *)c[0])->data + 100,
			     page_data((round + 1) % 32, 8), 200) == 0);
		expect_rsp(round, NETIF_RSP_OKAY);
		expect_rsp(0, NETIF_RSP_NULL);
		expect_rsp(1000 + round, NETIF_RSP_OKAY);
		free_all(c, got);
	}
	CHECK(E.front.sring->rsp_prod < 0x100);
	/* A ring's worth across the wrap. */
	for (i = 0; i < XNB_TX_RING_SIZE; i++)
		req(E.data_gref[0], 0, 0, i, 60);
	push();
	for (i = 0; i < XNB_TX_RING_SIZE; i += got) {
		got = recv(c, 16);
		CHECK_EQ(got, 16);
		free_all(c, got);
	}
	CHECK_EQ(E.fatal_calls, 0);
	env_teardown();
}

static void
test_notify_and_arm(void)
{
	void *c[4];

	env_setup(0);
	/* The guest asks to be told only after 3 more responses. */
	E.front.sring->rsp_event = 3;
	req(E.data_gref[0], 0, 0, 1, 60);
	push();
	CHECK_EQ(recv(c, 4), 1);
	CHECK_EQ(fake_notified(E.f, E.port), 0);
	req(E.data_gref[0], 0, 0, 2, 60);
	req(E.data_gref[0], 0, 0, 3, 60);
	push();
	CHECK_EQ(recv(c + 1, 4), 2);
	CHECK_EQ(fake_notified(E.f, E.port), 1);
	CHECK_EQ(xnb_txq_stats(E.txq)->notify, 1);
	/* rsp_event behind: no more notifications. */
	req(E.data_gref[0], 0, 0, 4, 60);
	push();
	CHECK_EQ(recv(c + 3, 1), 1);
	CHECK_EQ(fake_notified(E.f, E.port), 1);
	free_all(c, 4);

	/* Arm on an empty ring: req_event = req_cons + 1, nothing waits. */
	CHECK(!xnb_txq_arm(E.txq));
	CHECK_EQ(E.front.sring->req_event, 5);
	req(E.data_gref[0], 0, 0, 5, 60);
	push();
	CHECK(xnb_txq_arm(E.txq));
	env_teardown();
}

static void
test_ring_info(void)
{
	struct xnb_ring_info ri;
	void *c[4];

	env_setup(100);
	memset(&ri, 0xa5, sizeof(ri));
	CHECK_EQ(xnb_txq_ring_info(E.txq, &ri), 0);
	CHECK_EQ(ri.req_prod, 100);
	CHECK_EQ(ri.req_event, 101);
	CHECK_EQ(ri.rsp_prod, 100);
	CHECK_EQ(ri.rsp_event, 101);
	CHECK_EQ(ri.req_cons, 100);
	CHECK_EQ(ri.rsp_prod_pvt, 100);
	CHECK_EQ(ri.backlog, 0);
	/* Two of three frames get buffers: the third stays on the ring. */
	E.nobuf_after = 2;
	req(E.data_gref[0], 0, 0, 1, 60);
	req(E.data_gref[0], 0, 0, 2, 60);
	req(E.data_gref[0], 0, 0, 3, 60);
	push();
	CHECK_EQ(recv(c, 4), 2);
	free_all(c, 2);
	CHECK_EQ(xnb_txq_ring_info(E.txq, &ri), 0);
	CHECK_EQ(ri.req_prod, 103);
	CHECK_EQ(ri.req_cons, 102);
	CHECK_EQ(ri.rsp_prod_pvt, 102);
	CHECK_EQ(ri.rsp_prod, 102);
	/* A hostile req_prod is reported as is, nothing else happens. */
	E.front.sring->req_prod = 0xdeadbeefu;
	E.front.sring->rsp_event = 7;
	CHECK_EQ(xnb_txq_ring_info(E.txq, &ri), 0);
	CHECK_EQ(ri.req_prod, 0xdeadbeefu);
	CHECK_EQ(ri.rsp_event, 7);
	CHECK_EQ(ri.req_cons, 102);
	CHECK_EQ(E.fatal_calls, 0);
	/* Detached: no ring to read. */
	xnb_txq_detach(E.txq);
	memset(&ri, 0xa5, sizeof(ri));
	CHECK_EQ(xnb_txq_ring_info(E.txq, &ri), -ENOTCONN);
	CHECK_EQ(ri.req_prod, 0);
	CHECK_EQ(ri.req_cons, 0);
	CHECK_EQ(ri.rsp_prod_pvt, 0);
	env_teardown();
}

static void
test_nobuf(void)
{
	void *c[8];

	env_setup(0);
	E.nobuf_after = 2;
	req(E.data_gref[0], 0, 0, 1, 60);
	req(E.data_gref[0], 0, NETTXF_extra_info, 2, 0);
	extra(XEN_NETIF_EXTRA_TYPE_MCAST_ADD, 0, "\x01\x00\x5e\x00\x00\x09", 6);
	req(E.data_gref[0], 0, 0, 3, 61);
	req(E.data_gref[0], 0, 0, 4, 62);
	push();
	CHECK_EQ(recv(c, 8), 2);
	expect_rsp(1, NETIF_RSP_OKAY);
	expect_rsp(2, NETIF_RSP_OKAY);
	expect_rsp(0, NETIF_RSP_NULL);
	expect_rsp(3, NETIF_RSP_OKAY);
	expect_no_rsp();
	CHECK_EQ(xnb_txq_stats(E.txq)->nobuf, 1);
	free_all(c, 2);
	E.nobuf_after = -1;
	CHECK_EQ(recv(c, 8), 1);
	CHECK_EQ(((struct buf *)c[0])->len, 62);
	expect_rsp(4, NETIF_RSP_OKAY);
	free_all(c, 1);
	env_teardown();
}

/* Garbage on the ring never crashes, never answers what was not
 * consumed, and ends either served or fatal. */
static void
test_garbage(void)
{
	unsigned int seed, i, rounds;
	void *c[XNB_TX_BURST_MAX];
	uint16_t got;

	/* Every seed ends in a (logged) protocol violation. */
	rte_log_set_level(xnb_logtype, RTE_LOG_CRIT);
	for (seed = 1; seed <= 300; seed++) {
		netif_tx_sring_t *s;

		env_setup(seed * 0x01000193u);
		srandom(seed);
		s = E.front.sring;
		for (i = 0; i < XNB_TX_RING_SIZE; i++) {
			netif_tx_request_t *r = RING_GET_REQUEST(&E.front,
								 i);

			r->gref = random() % 2 ? E.data_gref[random() % 32] :
				(uint32_t)random();
			r->offset = random() % 5 ? random() % 4096 :
				(uint16_t)random();
			r->flags = random() % 16;
			r->id = random();
			r->size = random() % 3 ? random() % 2048 :
				(uint16_t)random();
		}
		s->req_prod = s->rsp_prod + random() %
			(XNB_TX_RING_SIZE + 2);
		for (rounds = 0; rounds < 300; rounds++) {
			got = recv(c, XNB_TX_BURST_MAX);
			free_all(c, got);
			if (xnb_txq_failed(E.txq))
				break;
			/* Responses never overtake the requests. */
			CHECK((RING_IDX)(s->req_prod - s->rsp_prod) <=
			      XNB_TX_RING_SIZE + 1);
			if (got == 0 && s->rsp_prod == s->req_prod)
				break;
		}
		CHECK(xnb_txq_failed(E.txq) || s->rsp_prod == s->req_prod);
		CHECK(s->rsp_prod - E.front.rsp_cons <= XNB_TX_RING_SIZE);
		env_teardown();
	}
}

int
main(void)
{
	RUN(test_single_slot);
	RUN(test_one_slot_rules);
	RUN(test_multi_slot_multi_seg);
	RUN(test_burst_one_copy_call);
	RUN(test_gso_and_hash_extras);
	RUN(test_slot_limits);
	RUN(test_drops);
	RUN(test_fatal);
	RUN(test_overfull_ring);
	RUN(test_mcast);
	RUN(test_wraparound);
	RUN(test_notify_and_arm);
	RUN(test_nobuf);
	RUN(test_ring_info);
	RUN(test_garbage);
	return 0;
}
