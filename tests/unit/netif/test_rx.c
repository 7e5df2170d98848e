/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Guest Rx unit tests: the test is the frontend, posting Rx requests on a
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
#include "xnb_rx.h"

#define RING_PAGE 0
#define RX_PAGE0 10 /* guest Rx buffers: pages RX_PAGE0 .. + 256 */
#define NR_RX_PAGES 200
#define REMOTE_PORT 6

struct pkt {
	uint32_t len;
	uint16_t flags;
	uint8_t gso_type;
	uint16_t gso_size;
	int describe_ret;
	/* The bytes follow the struct; a pointer rather than a flexible
	 * array because gcc 12 -O3 misreads the latter (stringop-overflow). */
	uint8_t *data;
};

struct env {
	struct fake_hv *f;
	struct xnb_mcast mcast;
	struct xnb_rxq *rxq;
	struct xnb_hv_evtchn *ec;
	uint32_t port;
	netif_rx_front_ring_t front;
	uint32_t gref[NR_RX_PAGES];
	uint32_t next_buf;      /* next guest page to post */
	uint32_t seg_size;      /* describe() splits packets like this */
	int fatal_calls;
	unsigned int released;
	void *rel[512];         /* released cookies, in order */
	int release_calls;
};

static struct env E;

static void
on_fatal(void *arg, uint16_t qid)
{
	CHECK(arg == &E);
	CHECK_EQ(qid, 1);
	E.fatal_calls++;
}

static int
describe(void *arg, void *cookie, struct xnb_rx_pkt *p)
{
	struct pkt *k = cookie;
	uint32_t off;

	CHECK(arg == &E);
	if (k->describe_ret != 0)
		return k->describe_ret;
	p->len = k->len;
	p->flags = k->flags;
	p->gso_type = k->gso_type;
	p->gso_size = k->gso_size;
	p->nr_segs = 0;
	for (off = 0; off < k->len; off += E.seg_size) {
		if (p->nr_segs == XNB_RX_MAX_SEGS)
			return -E2BIG;
		p->segs[p->nr_segs].addr = k->data + off;
		p->segs[p->nr_segs].len = RTE_MIN(E.seg_size, k->len - off);
		p->nr_segs++;
	}
	return 0;
}

static void
release(void *arg, void **cookies, unsigned int n)
{
	unsigned int i;

	CHECK(arg == &E);
	CHECK(n > 0);
	E.release_calls++;
	for (i = 0; i < n; i++) {
		CHECK(E.released < RTE_DIM(E.rel));
		E.rel[E.released++] = cookies[i];
	}
}

static const struct xnb_rx_ops ops = {
	.describe = describe,
	.release = release,
};

static struct xnb_rx_features
features(bool sg, bool gso, uint16_t headroom, bool notify, bool mcast)
{
	struct xnb_rx_features f = {
		.sg = sg, .gso_tcpv4 = gso, .gso_tcpv6 = gso,
		.rx_notify = notify, .mcast_filter = mcast,
		.xdp_headroom = headroom,
	};

	return f;
}

static void
env_setup(RING_IDX start, uint32_t backlog, struct xnb_rx_features feat)
{
	struct xnb_rxq_conf conf = {
		.qid = 1, .backlog = backlog, .mcast = &E.mcast,
		.fatal = on_fatal, .fatal_arg = &E,
	};
	netif_rx_sring_t *s;
	unsigned int i;
	int port;

	memset(&E, 0, sizeof(E));
	E.f = fake_hv_new();
	E.seg_size = 2048;
	xnb_mcast_init(&E.mcast);
	conf.hv = &E.f->hv;
	E.rxq = xnb_rxq_create(&conf);
	CHECK(E.rxq != NULL);
	E.ec = E.f->hv.ops->evtchn_open(&E.f->hv);
	port = E.f->hv.ops->evtchn_bind(E.ec, FAKE_DOMID, REMOTE_PORT);
	CHECK(port > 0);
	E.port = port;
	s = fake_page(E.f, RING_PAGE);
	SHARED_RING_INIT(s);
	FRONT_RING_ATTACH(&E.front, s, start, XNB_PAGE_SIZE);
	s->req_prod = s->rsp_prod = start;
	s->req_event = s->rsp_event = start + 1;
	for (i = 0; i < NR_RX_PAGES; i++)
		E.gref[i] = fake_grant(E.f, RX_PAGE0 + i, false);
	CHECK_EQ(xnb_rxq_attach(E.rxq, FAKE_DOMID, s, E.ec, E.port, &feat),
		 0);
}

static void
free_released(void)
{
	unsigned int i;

	for (i = 0; i < E.released; i++)
		free(E.rel[i]);
	E.released = 0;
}

static void
env_teardown(void)
{
	xnb_rxq_drain(E.rxq, &ops, &E);
	free_released();
	xnb_rxq_detach(E.rxq);
	xnb_rxq_destroy(E.rxq);
	E.f->hv.ops->evtchn_unbind(E.ec, E.port);
	E.f->hv.ops->evtchn_close(E.ec);
	fake_hv_free(E.f);
}

/* Post n Rx requests; request ids are 1000 + the page index. */
static void
post(unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		netif_rx_request_t *r = RING_GET_REQUEST(&E.front,
			E.front.req_prod_pvt++);
		uint32_t b = E.next_buf++ % NR_RX_PAGES;

		r->id = 1000 + b;
		r->gref = E.gref[b];
	}
	RING_PUSH_REQUESTS(&E.front);
}

static struct pkt *
mkpkt(uint32_t len, uint8_t seed)
{
	struct pkt *k = calloc(1, sizeof(*k) + len);
	uint32_t i;

	if (k == NULL)
		abort();
	k->data = (uint8_t *)(k + 1);
	k->len = len;
	for (i = 0; i < len; i++)
		k->data[i] = (uint8_t)(seed + i * 7);
	if (len >= 6)
		k->data[0] = 0x02; /* unicast, locally administered */
	return k;
}

static uint16_t
xmit(struct pkt **k, uint16_t n)
{
	return xnb_rxq_xmit(E.rxq, &ops, &E, (void **)k, n);
}

static netif_rx_response_t *
next_rsp(void)
{
	CHECK(E.front.rsp_cons != E.front.sring->rsp_prod);
	return RING_GET_RESPONSE(&E.front, E.front.rsp_cons++);
}

/* The page a response's slot refers to (responses sit in their request's
 * slot, and this test posts pages in order). */
static const uint8_t *
rsp_page(RING_IDX slot_index_from_start)
{
	return fake_page(E.f, RX_PAGE0 + slot_index_from_start % NR_RX_PAGES);
}

static void
expect_no_rsp(void)
{
	CHECK_EQ(E.front.sring->rsp_prod, E.front.rsp_cons);
}

static void
test_single(void)
{
	struct pkt *k = mkpkt(60, 1);
	netif_rx_response_t *r;

	env_setup(0, 16, features(true, true, 0, true, false));
	post(4);
	CHECK_EQ(xmit(&k, 1), 1);
	r = next_rsp();
	CHECK_EQ(r->id, 1000);
	CHECK_EQ(r->offset, 0);
	CHECK_EQ(r->flags, 0);
	CHECK_EQ(r->status, 60);
	expect_no_rsp();
	CHECK(memcmp(rsp_page(0), k->data, 60) == 0);
	CHECK_EQ(E.released, 1);
	CHECK(E.rel[0] == k);
	CHECK_EQ(xnb_rxq_stats(E.rxq)->packets, 1);
	CHECK_EQ(xnb_rxq_stats(E.rxq)->bytes, 60);
	CHECK_EQ(xnb_rxq_stats(E.rxq)->gcopy_calls, 1);
	CHECK_EQ(fake_notified(E.f, E.port), 1);
	CHECK_EQ(xnb_rxq_arm(E.rxq), XNB_RXQ_IDLE);
	env_teardown();
}

static void
test_csum_flags_and_burst(void)
{
	struct pkt *k[3] = { mkpkt(100, 1), mkpkt(200, 2), mkpkt(300, 3) };
	netif_rx_response_t *r;

	env_setup(0, 16, features(true, true, 0, true, false));
	k[0]->flags = XNB_RX_F_CSUM_BLANK;
	k[1]->flags = XNB_RX_F_DATA_VALIDATED;
	post(3);
	CHECK_EQ(xmit(k, 3), 3);
	CHECK_EQ(E.f->copy_calls, 1);
	r = next_rsp();
	CHECK_EQ(r->flags, NETRXF_csum_blank | NETRXF_data_validated);
	CHECK_EQ(r->status, 100);
	r = next_rsp();
	CHECK_EQ(r->flags, NETRXF_data_validated);
	CHECK_EQ(r->status, 200);
	r = next_rsp();
	CHECK_EQ(r->flags, 0);
	CHECK_EQ(r->status, 300);
	CHECK(memcmp(rsp_page(2), k[2]->data, 300) == 0);
	/* One release batch, in order. */
	CHECK_EQ(E.release_calls, 1);
	CHECK(E.rel[0] == k[0] && E.rel[1] == k[1] && E.rel[2] == k[2]);
	env_teardown();
}

static void
test_multi_slot(void)
{
	struct pkt *k = mkpkt(9000, 9);
	netif_rx_response_t *r;

	env_setup(0, 16, features(true, false, 0, true, false));
	post(4);
	CHECK_EQ(xmit(&k, 1), 1);
	r = next_rsp();
	CHECK_EQ(r->flags, NETRXF_more_data);
	CHECK_EQ(r->status, 4096);
	CHECK_EQ(r->offset, 0);
	r = next_rsp();
	CHECK_EQ(r->id, 1001);
	CHECK_EQ(r->flags, NETRXF_more_data);
	CHECK_EQ(r->status, 4096);
	r = next_rsp();
	CHECK_EQ(r->flags, 0);
	CHECK_EQ(r->status, 808);
	expect_no_rsp();
	CHECK(memcmp(rsp_page(0), k->data, 4096) == 0);
	CHECK(memcmp(rsp_page(1), k->data + 4096, 4096) == 0);
	CHECK(memcmp(rsp_page(2), k->data + 8192, 808) == 0);
	/* Segments end at 2, 4, 6, 8 KiB, pages at 4 and 8: 5 copy ops. */
	CHECK_EQ(xnb_rxq_stats(E.rxq)->gcopy_ops, 5);
	env_teardown();

	/* Without feature-sg a frame must fit one page. */
	env_setup(0, 16, features(false, false, 0, true, false));
	post(4);
	k = mkpkt(9000, 9);
	CHECK_EQ(xmit(&k, 1), 1);
	expect_no_rsp();
	CHECK_EQ(xnb_rxq_stats(E.rxq)->drop_size, 1);
	CHECK_EQ(E.released, 1);
	k = mkpkt(4096, 1);
	CHECK_EQ(xmit(&k, 1), 1);
	CHECK_EQ(next_rsp()->status, 4096);
	env_teardown();
}

static void
test_headroom(void)
{
	struct pkt *k = mkpkt(5000, 4);
	netif_rx_response_t *r;

	env_setup(0, 16, features(true, false, 256, true, false));
	post(4);
	CHECK_EQ(xmit(&k, 1), 1);
	r = next_rsp();
	CHECK_EQ(r->offset, 256);
	CHECK_EQ(r->status, 4096 - 256);
	CHECK_EQ(r->flags, NETRXF_more_data);
	r = next_rsp();
	CHECK_EQ(r->offset, 0);
	CHECK_EQ(r->status, 5000 - 3840);
	CHECK(memcmp(rsp_page(0) + 256, k->data, 3840) == 0);
	CHECK(memcmp(rsp_page(1), k->data + 3840, 1160) == 0);
	/* Headroom changes at run time (Reconfiguring). */
	{
		struct xnb_rx_features f = features(true, false, 0, true,
						    false);

		xnb_rxq_set_features(E.rxq, &f);
	}
	k = mkpkt(100, 5);
	CHECK_EQ(xmit(&k, 1), 1);
	CHECK_EQ(next_rsp()->offset, 0);
	env_teardown();
}

static void
test_gso(void)
{
	struct netif_extra_info *x;
	netif_rx_response_t *r;
	struct pkt *k;

	env_setup(0, 16, features(true, true, 0, true, false));
	post(8);
	k = mkpkt(6000, 6);
	k->flags = XNB_RX_F_CSUM_BLANK;
	k->gso_type = XEN_NETIF_GSO_TYPE_TCPV4;
	k->gso_size = 1448;
	CHECK_EQ(xmit(&k, 1), 1);
	r = next_rsp();
	CHECK_EQ(r->flags, NETRXF_extra_info | NETRXF_more_data |
		 NETRXF_csum_blank | NETRXF_data_validated);
	CHECK_EQ(r->status, 4096);
	x = (void *)next_rsp();
	CHECK_EQ(x->type, XEN_NETIF_EXTRA_TYPE_GSO);
	CHECK_EQ(x->flags, 0);
	CHECK_EQ(x->u.gso.type, XEN_NETIF_GSO_TYPE_TCPV4);
	CHECK_EQ(x->u.gso.size, 1448);
	r = next_rsp();
	CHECK_EQ(r->id, 1002);
	CHECK_EQ(r->flags, 0);
	CHECK_EQ(r->status, 6000 - 4096);
	/* The data slot after the extra holds the rest of the frame. */
	CHECK(memcmp(rsp_page(2), k->data + 4096, 6000 - 4096) == 0);
	/* Zero MSS and unknown types are dropped. */
	k = mkpkt(6000, 6);
	k->gso_type = XEN_NETIF_GSO_TYPE_TCPV6;
	k->gso_size = 0;
	CHECK_EQ(xmit(&k, 1), 1);
	k = mkpkt(6000, 6);
	k->gso_type = 9;
	k->gso_size = 100;
	CHECK_EQ(xmit(&k, 1), 1);
	CHECK_EQ(xnb_rxq_stats(E.rxq)->drop_gso, 2);
	expect_no_rsp();
	env_teardown();

	/* A guest without GSO gets no GSO frames. */
	env_setup(0, 16, features(true, false, 0, true, false));
	post(8);
	k = mkpkt(6000, 6);
	k->gso_type = XEN_NETIF_GSO_TYPE_TCPV6;
	k->gso_size = 1400;
	CHECK_EQ(xmit(&k, 1), 1);
	expect_no_rsp();
	CHECK_EQ(xnb_rxq_stats(E.rxq)->drop_gso, 1);
	env_teardown();
}

static void
test_sizes(void)
{
	struct pkt *k;

	env_setup(0, 16, features(true, true, 2048, true, false));
	post(40);
	/* Largest frame: 17 slots with 2 KiB headroom. */
	k = mkpkt(XNB_RX_MAX_LEN, 1);
	E.seg_size = 4000;
	CHECK_EQ(xmit(&k, 1), 1);
	CHECK_EQ(xnb_rxq_stats(E.rxq)->packets, 1);
	CHECK_EQ(E.front.sring->rsp_prod, 17);
	k = mkpkt(XNB_RX_MAX_LEN + 1, 1);
	CHECK_EQ(xmit(&k, 1), 1);
	k = mkpkt(0, 1);
	CHECK_EQ(xmit(&k, 1), 1);
	CHECK_EQ(xnb_rxq_stats(E.rxq)->drop_size, 2);
	/* Too many segments, or describe() refusing: drop_desc. */
	E.seg_size = 1;
	k = mkpkt(XNB_RX_MAX_SEGS + 1, 1);
	CHECK_EQ(xmit(&k, 1), 1);
	E.seg_size = 2048;
	k = mkpkt(100, 1);
	k->describe_ret = -EINVAL;
	CHECK_EQ(xmit(&k, 1), 1);
	CHECK_EQ(xnb_rxq_stats(E.rxq)->drop_desc, 2);
	CHECK_EQ(E.front.sring->rsp_prod, 17);
	CHECK_EQ(E.released, 5);
	env_teardown();
}

static void
test_backlog(void)
{
	struct pkt *k[5];
	unsigned int i;

	env_setup(0, 2, features(true, false, 0, true, false));
	for (i = 0; i < 5; i++)
		k[i] = mkpkt(100 + i, i);
	post(2);
	CHECK_EQ(xmit(k, 5), 5);
	/* 2 delivered, 2 wait, the fifth is dropped. */
	CHECK_EQ(next_rsp()->status, 100);
	CHECK_EQ(next_rsp()->status, 101);
	expect_no_rsp();
	CHECK_EQ(xnb_rxq_backlog(E.rxq), 2);
	CHECK_EQ(xnb_rxq_stats(E.rxq)->drop_backlog, 1);
	CHECK_EQ(xnb_rxq_stats(E.rxq)->ring_full, 1);
	CHECK_EQ(E.released, 3);
	CHECK(E.rel[2] == k[4]);
	/* Sleep is safe: the guest will notify when one more is posted. */
	CHECK_EQ(xnb_rxq_arm(E.rxq), XNB_RXQ_WAIT);
	CHECK_EQ(E.front.sring->req_event, 3);
	post(1);
	CHECK_EQ(xnb_rxq_arm(E.rxq), XNB_RXQ_POLL);
	post(1);
	CHECK_EQ(xmit(NULL, 0), 0);
	CHECK_EQ(next_rsp()->status, 102);
	CHECK_EQ(next_rsp()->status, 103);
	CHECK_EQ(xnb_rxq_backlog(E.rxq), 0);
	CHECK_EQ(E.released, 5);
	CHECK(E.rel[3] == k[2] && E.rel[4] == k[3]);
	CHECK_EQ(xnb_rxq_arm(E.rxq), XNB_RXQ_IDLE);
	/* New frames queue behind the backlog, in order. */
	k[0] = mkpkt(200, 0);
	k[1] = mkpkt(201, 0);
	k[2] = mkpkt(202, 0);
	CHECK_EQ(xmit(k, 2), 2);
	CHECK_EQ(xnb_rxq_backlog(E.rxq), 2);
	post(1);
	CHECK_EQ(xmit(&k[2], 1), 1);
	CHECK_EQ(next_rsp()->status, 200);
	CHECK_EQ(xnb_rxq_backlog(E.rxq), 2);
	/* Drain gives everything back. */
	xnb_rxq_drain(E.rxq, &ops, &E);
	CHECK_EQ(xnb_rxq_backlog(E.rxq), 0);
	CHECK_EQ(E.released, 8);
	CHECK(E.rel[6] == k[1] && E.rel[7] == k[2]);
	CHECK_EQ(xnb_rxq_stats(E.rxq)->drop_backlog, 3);
	env_teardown();

	/* A guest without feature-rx-notify must be polled. */
	env_setup(0, 2, features(true, false, 0, false, false));
	k[0] = mkpkt(60, 0);
	CHECK_EQ(xmit(k, 1), 1);
	CHECK_EQ(xnb_rxq_arm(E.rxq), XNB_RXQ_POLL);
	env_teardown();

	/* No backlog at all: what does not fit is dropped at once. */
	env_setup(0, 0, features(true, false, 0, true, false));
	k[0] = mkpkt(60, 0);
	CHECK_EQ(xmit(k, 1), 1);
	CHECK_EQ(E.released, 1);
	CHECK_EQ(xnb_rxq_stats(E.rxq)->drop_backlog, 1);
	env_teardown();
}

static void
test_ring_info(void)
{
	struct xnb_ring_info ri;
	struct pkt *k[3];
	unsigned int i;

	env_setup(50, 4, features(true, false, 0, true, false));
	memset(&ri, 0xa5, sizeof(ri));
	CHECK_EQ(xnb_rxq_ring_info(E.rxq, &ri), 0);
	CHECK_EQ(ri.req_prod, 50);
	CHECK_EQ(ri.req_event, 51);
	CHECK_EQ(ri.rsp_prod, 50);
	CHECK_EQ(ri.rsp_event, 51);
	CHECK_EQ(ri.req_cons, 50);
	CHECK_EQ(ri.rsp_prod_pvt, 50);
	CHECK_EQ(ri.backlog, 0);
	for (i = 0; i < 3; i++)
		k[i] = mkpkt(100, i);
	post(2);
	CHECK_EQ(xmit(k, 3), 3);
	CHECK_EQ(xnb_rxq_ring_info(E.rxq, &ri), 0);
	CHECK_EQ(ri.req_prod, 52);
	CHECK_EQ(ri.req_cons, 52);
	CHECK_EQ(ri.rsp_prod_pvt, 52);
	CHECK_EQ(ri.rsp_prod, 52);
	CHECK_EQ(ri.backlog, 1);
	/* Hostile shared indices are only reported. */
	E.front.sring->req_prod = 0xfffffff0u;
	E.front.sring->rsp_event = 9;
	CHECK_EQ(xnb_rxq_ring_info(E.rxq, &ri), 0);
	CHECK_EQ(ri.req_prod, 0xfffffff0u);
	CHECK_EQ(ri.rsp_event, 9);
	CHECK_EQ(ri.req_cons, 52);
	CHECK_EQ(E.fatal_calls, 0);
	/* Detached: no ring, but the backlog still waits. */
	xnb_rxq_detach(E.rxq);
	memset(&ri, 0xa5, sizeof(ri));
	CHECK_EQ(xnb_rxq_ring_info(E.rxq, &ri), -ENOTCONN);
	CHECK_EQ(ri.req_prod, 0);
	CHECK_EQ(ri.req_cons, 0);
	CHECK_EQ(ri.backlog, 1);
	env_teardown();
}

static void
test_grant_errors(void)
{
	netif_rx_response_t *r;
	struct pkt *k[4];

	env_setup(0, 16, features(true, false, 0, true, false));
	fake_revoke(E.f, E.gref[1]);
	E.f->grants[E.gref[3]].readonly = true;
	E.f->grants[E.gref[4]].grantee = FAKE_DOMID + 1; /* not ours */
	post(5);
	k[0] = mkpkt(100, 0);
	k[1] = mkpkt(100, 1);
	k[2] = mkpkt(5000, 2); /* slots 2 and 3: the second is read-only */
	k[3] = mkpkt(100, 3);
	CHECK_EQ(xmit(k, 4), 4);
	CHECK_EQ(next_rsp()->status, 100);
	CHECK_EQ(next_rsp()->status, NETIF_RSP_ERROR);
	r = next_rsp();
	CHECK_EQ(r->status, NETIF_RSP_ERROR);
	CHECK_EQ(r->flags, NETRXF_more_data);
	CHECK_EQ(next_rsp()->status, NETIF_RSP_ERROR);
	CHECK_EQ(next_rsp()->status, NETIF_RSP_ERROR);
	CHECK_EQ(xnb_rxq_stats(E.rxq)->drop_grant, 3);
	CHECK_EQ(xnb_rxq_stats(E.rxq)->packets, 1);
	CHECK_EQ(E.released, 4);
	env_teardown();
}

static void
test_mcast_filter(void)
{
	static const uint8_t group[6] = { 0x01, 0x00, 0x5e, 0, 0, 7 };
	struct pkt *k[4];
	unsigned int i;

	env_setup(0, 16, features(true, false, 0, true, true));
	xnb_mcast_add(&E.mcast, group);
	for (i = 0; i < 4; i++)
		k[i] = mkpkt(60, i);
	memcpy(k[0]->data, group, 6);          /* subscribed */
	memcpy(k[1]->data, group, 6);
	k[1]->data[5] = 8;                     /* not subscribed */
	memset(k[2]->data, 0xff, 6);           /* broadcast */
	post(4);
	E.seg_size = 3;  /* the address spans two segments */
	CHECK_EQ(xmit(k, 4), 4);
	CHECK_EQ(xnb_rxq_stats(E.rxq)->drop_mcast, 1);
	CHECK_EQ(xnb_rxq_stats(E.rxq)->packets, 3);
	env_teardown();
}

static void
test_wrap_and_notify(void)
{
	struct pkt *k;
	unsigned int i;

	env_setup(0xfffffff8u, 16, features(true, true, 0, true, false));
	E.front.sring->rsp_event = 0xfffffff8u + 1000; /* far away */
	for (i = 0; i < 20; i++) {
		netif_rx_response_t *r;
		struct netif_extra_info *x;

		post(3);
		k = mkpkt(5000, i);
		k->flags = XNB_RX_F_CSUM_BLANK;
		k->gso_type = XEN_NETIF_GSO_TYPE_TCPV6;
		k->gso_size = 1000;
		CHECK_EQ(xmit(&k, 1), 1);
		r = next_rsp();
		CHECK_EQ(r->status, 4096);
		x = (void *)next_rsp();
		CHECK_EQ(x->type, XEN_NETIF_EXTRA_TYPE_GSO);
		r = next_rsp();
		CHECK_EQ(r->status, 904);
		CHECK(memcmp(rsp_page(3 * i + 2), k->data + 4096, 904) == 0);
		free_released();
	}
	CHECK(E.front.sring->rsp_prod < 0x100);
	CHECK_EQ(fake_notified(E.f, E.port), 0);
	/* rsp_event inside the next push: notified once. */
	E.front.sring->rsp_event = E.front.rsp_cons + 1;
	post(1);
	k = mkpkt(60, 1);
	CHECK_EQ(xmit(&k, 1), 1);
	CHECK_EQ(fake_notified(E.f, E.port), 1);
	CHECK_EQ(xnb_rxq_stats(E.rxq)->notify, 1);
	env_teardown();
}

static void
test_overfull_and_detached(void)
{
	struct pkt *k[2];

	env_setup(0, 16, features(true, false, 0, true, false));
	E.front.sring->req_prod = XNB_RX_RING_SIZE + 1;
	k[0] = mkpkt(60, 0);
	k[1] = mkpkt(60, 1);
	CHECK_EQ(xmit(k, 2), 2);
	CHECK_EQ(E.fatal_calls, 1);
	CHECK(xnb_rxq_failed(E.rxq));
	CHECK_EQ(E.released, 2);
	expect_no_rsp();
	env_teardown();

	env_setup(0, 16, features(true, false, 0, true, false));
	xnb_rxq_detach(E.rxq);
	k[0] = mkpkt(60, 0);
	CHECK_EQ(xmit(k, 1), 1);
	CHECK_EQ(E.released, 1);
	CHECK_EQ(xnb_rxq_stats(E.rxq)->drop_backlog, 1);
	E.front.sring->req_prod = XNB_RX_RING_SIZE + 1;
	CHECK_EQ(xnb_rxq_attach(E.rxq, FAKE_DOMID, E.front.sring, E.ec,
				E.port, &(struct xnb_rx_features){ 0 }),
		 -EPROTO);
	env_teardown();
}

/* Hostile Rx requests (random grants and ids) never crash; every slot
 * answered is either data of the right size or an error. */
static void
test_garbage(void)
{
	unsigned int seed, i;

	rte_log_set_level(xnb_logtype, RTE_LOG_CRIT);
	for (seed = 1; seed <= 100; seed++) {
		struct pkt *k[8];

		env_setup(seed * 7919u, 64, features(true, true, 0, true,
						     false));
		srandom(seed);
		for (i = 0; i < XNB_RX_RING_SIZE; i++) {
			netif_rx_request_t *r = RING_GET_REQUEST(&E.front,
				E.front.req_prod_pvt++);

			r->id = random();
			r->gref = random() % 3 ? E.gref[random() %
							NR_RX_PAGES] :
				(uint32_t)random();
		}
		RING_PUSH_REQUESTS(&E.front);
		for (i = 0; i < 8; i++) {
			k[i] = mkpkt(1 + random() % 20000, i);
			k[i]->gso_type = random() % 3;
			k[i]->gso_size = random() % 2000;
		}
		CHECK_EQ(xmit(k, 8), 8);
		while (E.front.rsp_cons != E.front.sring->rsp_prod) {
			netif_rx_response_t *r = next_rsp();

			CHECK(r->status == NETIF_RSP_ERROR ||
			      (r->status >= 0 && r->status <= 4096) ||
			      ((struct netif_extra_info *)r)->type ==
			      XEN_NETIF_EXTRA_TYPE_GSO);
		}
		CHECK_EQ(E.fatal_calls, 0);
		env_teardown();
	}
}

int
main(void)
{
	RUN(test_single);
	RUN(test_csum_flags_and_burst);
	RUN(test_multi_slot);
	RUN(test_headroom);
	RUN(test_gso);
	RUN(test_sizes);
	RUN(test_backlog);
	RUN(test_grant_errors);
	RUN(test_ring_info);
	RUN(test_mcast_filter);
	RUN(test_wrap_and_notify);
	RUN(test_overfull_and_detached);
	RUN(test_garbage);
	return 0;
}
