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
	uint8_t hash_type;
	uint32_t hash;
	int describe_ret;
	/* Bytes [gref_from, len) are described as the foreign grant gref at
	 * gref_off (data also readable at data + gref_from); 0: all local. */
	uint32_t gref_from;
	uint32_t gref;
	uint16_t gref_off;
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
	unsigned int describe_calls;
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
	E.describe_calls++;
	if (k->describe_ret != 0)
		return k->describe_ret;
	p->len = k->len;
	p->flags = k->flags;
	p->gso_type = k->gso_type;
	p->gso_size = k->gso_size;
	p->hash = k->hash;
	p->hash_type = k->hash_type;
	p->nr_segs = 0;
	off = 0;
	while (off < k->len) {
		struct xnb_rx_seg *sg = &p->segs[p->nr_segs];
		uint32_t end = RTE_MIN(off + E.seg_size, k->len);

		if (p->nr_segs == XNB_RX_MAX_SEGS)
			return -E2BIG;
		if (k->gref_from != 0 && off < k->gref_from)
			end = RTE_MIN(end, k->gref_from);
		sg->addr = k->data + off;
		sg->len = end - off;
		sg->flags = 0;
		if (k->gref_from != 0 && off >= k->gref_from) {
			sg->flags = XNB_RX_SEG_GREF;
			sg->domid = FAKE_DOMID;
			sg->gref = k->gref;
			sg->offset = k->gref_off + (off - k->gref_from);
		}
		p->nr_segs++;
		off = end;
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

/* Copy ops as the library built them (after the fake ran them), and per
 * copy call its op count and the responses the guest could see then. */
static struct xnb_gcopy rec[64];
static unsigned int nr_rec;
static unsigned int call_ops[16];
static RING_IDX call_rsp_prod[16];
static unsigned int nr_calls;
static const struct xnb_hv_ops *fake_ops;
static struct xnb_hv_ops rec_table;

static int
rec_copy_grants(struct xnb_hv *hv, struct xnb_gcopy *ops, uint32_t count)
{
	int ret = fake_ops->copy_grants(hv, ops, count);
	uint32_t i;

	for (i = 0; i < count && nr_rec < RTE_DIM(rec); i++)
		rec[nr_rec++] = ops[i];
	CHECK(nr_calls < RTE_DIM(call_ops));
	call_ops[nr_calls] = count;
	call_rsp_prod[nr_calls++] = E.front.sring->rsp_prod;
	return ret;
}

static void
record_ops(void)
{
	fake_ops = E.f->hv.ops;
	rec_table = *fake_ops;
	rec_table.copy_grants = rec_copy_grants;
	E.f->hv.ops = &rec_table;
	nr_rec = 0;
	nr_calls = 0;
}

static void
check_op(unsigned int i, uint16_t flags, uint32_t dref, uint16_t doff,
	 uint16_t len)
{
	CHECK(i < nr_rec);
	CHECK_EQ(rec[i].flags, flags);
	CHECK_EQ(rec[i].dest.foreign.domid, FAKE_DOMID);
	CHECK_EQ(rec[i].dest.foreign.ref, dref);
	CHECK_EQ(rec[i].dest.foreign.offset, doff);
	CHECK_EQ(rec[i].len, len);
	CHECK_EQ(rec[i].status, XNB_GNTST_OKAY);
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

	/* One segment: one op per slot, the first at the headroom. */
	env_setup(0, 16, features(true, false, 256, true, false));
	record_ops();
	E.seg_size = 65536;
	post(4);
	k = mkpkt(9000, 10);
	k->flags = XNB_RX_F_DATA_VALIDATED;
	CHECK_EQ(xmit(&k, 1), 1);
	CHECK_EQ(nr_rec, 3);
	check_op(0, XNB_GCOPY_DEST_GREF, E.gref[0], 256, 4096 - 256);
	CHECK(rec[0].source.virt == k->data);
	check_op(1, XNB_GCOPY_DEST_GREF, E.gref[1], 0, 4096);
	CHECK(rec[1].source.virt == k->data + 4096 - 256);
	check_op(2, XNB_GCOPY_DEST_GREF, E.gref[2], 0, 9000 - 8192 + 256);
	CHECK(rec[2].source.virt == k->data + 8192 - 256);
	r = next_rsp();
	CHECK_EQ(r->id, 1000);
	CHECK_EQ(r->offset, 256);
	CHECK_EQ(r->flags, NETRXF_more_data | NETRXF_data_validated);
	CHECK_EQ(r->status, 4096 - 256);
	r = next_rsp();
	CHECK_EQ(r->id, 1001);
	CHECK_EQ(r->offset, 0);
	CHECK_EQ(r->flags, NETRXF_more_data);
	CHECK_EQ(r->status, 4096);
	r = next_rsp();
	CHECK_EQ(r->id, 1002);
	CHECK_EQ(r->flags, 0);
	CHECK_EQ(r->status, 9000 - 8192 + 256);
	expect_no_rsp();
	CHECK(memcmp(rsp_page(0) + 256, k->data, 4096 - 256) == 0);
	CHECK(memcmp(rsp_page(1), k->data + 4096 - 256, 4096) == 0);
	CHECK(memcmp(rsp_page(2), k->data + 8192 - 256, 9000 - 8192 + 256)
	      == 0);
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
		E.seg_size = seed % 2 ? 65536 : 1 + random() % 5000;
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
			k[i]->flags = random() % 8;
			k[i]->hash = random();
			k[i]->hash_type = random() % 4;
		}
		CHECK_EQ(xmit(k, 8), 8);
		while (E.front.rsp_cons != E.front.sring->rsp_prod) {
			netif_rx_response_t *r = next_rsp();

			const struct netif_extra_info *x = (void *)r;

			CHECK(r->status == NETIF_RSP_ERROR ||
			      (r->status >= 0 && r->status <= 4096) ||
			      x->type == XEN_NETIF_EXTRA_TYPE_GSO ||
			      x->type == XEN_NETIF_EXTRA_TYPE_HASH);
		}
		CHECK_EQ(E.fatal_calls, 0);
		env_teardown();
	}
}

static void
check_hash_extra(const struct netif_extra_info *x, uint8_t flags,
		 uint8_t type, uint32_t hash)
{
	CHECK_EQ(x->type, XEN_NETIF_EXTRA_TYPE_HASH);
	CHECK_EQ(x->flags, flags);
	CHECK_EQ(x->u.hash.type, type);
	CHECK_EQ(x->u.hash.algorithm, XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ);
	/* The value goes least significant byte first. */
	CHECK_EQ(x->u.hash.value[0], hash & 0xff);
	CHECK_EQ(x->u.hash.value[1], (hash >> 8) & 0xff);
	CHECK_EQ(x->u.hash.value[2], (hash >> 16) & 0xff);
	CHECK_EQ(x->u.hash.value[3], hash >> 24);
}

static void
test_hash_extra(void)
{
	struct pkt *k[2] = { mkpkt(60, 1), mkpkt(70, 2) };
	netif_rx_response_t *r;

	env_setup(0, 16, features(true, true, 0, true, false));
	k[0]->flags = XNB_RX_F_HASH | XNB_RX_F_DATA_VALIDATED;
	k[0]->hash = 0x12345678;
	k[0]->hash_type = _XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP;
	post(3);
	CHECK_EQ(xmit(k, 2), 2);
	/* With a hash: data slot, then the hash extra in the next slot. */
	r = next_rsp();
	CHECK_EQ(r->id, 1000);
	CHECK_EQ(r->flags, NETRXF_extra_info | NETRXF_data_validated);
	CHECK_EQ(r->status, 60);
	check_hash_extra((void *)next_rsp(), 0,
			 _XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP, 0x12345678);
	/* Without: no extra. */
	r = next_rsp();
	CHECK_EQ(r->id, 1002);
	CHECK_EQ(r->flags, 0);
	CHECK_EQ(r->status, 70);
	expect_no_rsp();
	CHECK(memcmp(rsp_page(0), k[0]->data, 60) == 0);
	CHECK(memcmp(rsp_page(2), k[1]->data, 70) == 0);
	CHECK_EQ(xnb_rxq_stats(E.rxq)->packets, 2);
	CHECK_EQ(E.released, 2);
	free_released();

	/* The extra needs its own request: with one posted, the frame
	 * waits for two. */
	k[0] = mkpkt(60, 3);
	k[0]->flags = XNB_RX_F_HASH;
	k[0]->hash = 0xa1b2c3d4;
	k[0]->hash_type = _XEN_NETIF_CTRL_HASH_TYPE_IPV6;
	post(1);
	CHECK_EQ(xmit(k, 1), 1);
	expect_no_rsp();
	CHECK_EQ(xnb_rxq_backlog(E.rxq), 1);
	CHECK_EQ(xnb_rxq_arm(E.rxq), XNB_RXQ_WAIT);
	CHECK_EQ(E.front.sring->req_event, 3 + 2);
	post(1);
	CHECK_EQ(xmit(NULL, 0), 0);
	CHECK_EQ(next_rsp()->flags, NETRXF_extra_info);
	check_hash_extra((void *)next_rsp(), 0, _XEN_NETIF_CTRL_HASH_TYPE_IPV6,
			 0xa1b2c3d4);
	expect_no_rsp();
	env_teardown();
}

/* GSO and hash extras together: GSO first, chained to the hash with
 * XEN_NETIF_EXTRA_FLAG_MORE, both between the first and second data
 * slots; a failed copy marks the data slots only. */
static void
test_gso_and_hash_extras(void)
{
	struct netif_extra_info *x;
	netif_rx_response_t *r;
	struct pkt *k;
	unsigned int round;

	/* Rounds: 1 bit: a failed copy; 2 bit: one segment (else 2 KiB
	 * segments). */
	for (round = 0; round < 4; round++) {
		env_setup(0, 16, features(true, true, 0, true, false));
		E.seg_size = round & 2 ? 65536 : 2048;
		if (round & 1)
			fake_revoke(E.f, E.gref[3]); /* the second data slot */
		post(4);
		k = mkpkt(6000, 6);
		k->flags = XNB_RX_F_CSUM_BLANK | XNB_RX_F_HASH;
		k->gso_type = XEN_NETIF_GSO_TYPE_TCPV6;
		k->gso_size = 1440;
		k->hash = 0x01020304;
		k->hash_type = _XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP;
		CHECK_EQ(xmit(&k, 1), 1);
		r = next_rsp();
		CHECK_EQ(r->id, 1000);
		CHECK_EQ(r->flags, NETRXF_extra_info | NETRXF_more_data |
			 NETRXF_csum_blank | NETRXF_data_validated);
		CHECK_EQ(r->status, round & 1 ? NETIF_RSP_ERROR : 4096);
		x = (void *)next_rsp();
		CHECK_EQ(x->type, XEN_NETIF_EXTRA_TYPE_GSO);
		CHECK_EQ(x->flags, XEN_NETIF_EXTRA_FLAG_MORE);
		CHECK_EQ(x->u.gso.type, XEN_NETIF_GSO_TYPE_TCPV6);
		CHECK_EQ(x->u.gso.size, 1440);
		CHECK_EQ(x->u.gso.pad, 0);
		CHECK_EQ(x->u.gso.features, 0);
		check_hash_extra((void *)next_rsp(), 0,
				 _XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP,
				 0x01020304);
		r = next_rsp();
		CHECK_EQ(r->id, 1003);
		CHECK_EQ(r->flags, 0);
		CHECK_EQ(r->status, round & 1 ? NETIF_RSP_ERROR :
			 6000 - 4096);
		expect_no_rsp();
		if (!(round & 1)) {
			CHECK(memcmp(rsp_page(0), k->data, 4096) == 0);
			CHECK(memcmp(rsp_page(3), k->data + 4096,
				     6000 - 4096) == 0);
			CHECK_EQ(xnb_rxq_stats(E.rxq)->packets, 1);
			CHECK_EQ(xnb_rxq_stats(E.rxq)->bytes, 6000);
		} else {
			CHECK_EQ(xnb_rxq_stats(E.rxq)->packets, 0);
			CHECK_EQ(xnb_rxq_stats(E.rxq)->bytes, 0);
			CHECK_EQ(xnb_rxq_stats(E.rxq)->drop_grant, 1);
		}
		CHECK_EQ(E.released, 1);
		env_teardown();
	}
}

/* Data that lives in another guest's granted page (a zero-copy mbuf) is
 * copied grant to grant: the op names the source grant, never its local
 * mapping. */
static void
test_foreign_source(void)
{
	const uint32_t src_page = RX_PAGE0 + NR_RX_PAGES;
	struct pkt *k;
	uint8_t *src;

	env_setup(0, 16, features(true, false, 0, true, false));
	record_ops();
	post(4);
	/* 3000 local bytes, then 2000 from the grant at offset 96: the
	 * grant part crosses the first slot's end. */
	k = mkpkt(5000, 5);
	k->gref = fake_grant(E.f, src_page, true);
	k->gref_off = 96;
	k->gref_from = 3000;
	E.seg_size = 4096;
	src = fake_page(E.f, src_page);
	memcpy(src + 96, k->data + 3000, 2000);
	CHECK_EQ(xmit(&k, 1), 1);
	CHECK_EQ(nr_rec, 3);
	check_op(0, XNB_GCOPY_DEST_GREF, E.gref[0], 0, 3000);
	CHECK(rec[0].source.virt == k->data);
	check_op(1, XNB_GCOPY_SOURCE_GREF | XNB_GCOPY_DEST_GREF, E.gref[0],
		 3000, 1096);
	CHECK_EQ(rec[1].source.foreign.domid, FAKE_DOMID);
	CHECK_EQ(rec[1].source.foreign.ref, k->gref);
	CHECK_EQ(rec[1].source.foreign.offset, 96);
	check_op(2, XNB_GCOPY_SOURCE_GREF | XNB_GCOPY_DEST_GREF, E.gref[1],
		 0, 904);
	CHECK_EQ(rec[2].source.foreign.domid, FAKE_DOMID);
	CHECK_EQ(rec[2].source.foreign.ref, k->gref);
	CHECK_EQ(rec[2].source.foreign.offset, 96 + 1096);
	CHECK_EQ(next_rsp()->status, 4096);
	CHECK_EQ(next_rsp()->status, 904);
	expect_no_rsp();
	CHECK(memcmp(rsp_page(0), k->data, 4096) == 0);
	CHECK(memcmp(rsp_page(1), k->data + 4096, 904) == 0);

	/* A whole one-slot frame from a grant, at the guest's headroom. */
	{
		struct xnb_rx_features f = features(true, false, 128, true,
						    false);

		xnb_rxq_set_features(E.rxq, &f);
	}
	nr_rec = 0;
	k = mkpkt(100, 6);
	k->gref = fake_grant(E.f, src_page + 1, true);
	k->gref_off = 4096 - 100;
	k->gref_from = 1; /* byte 0 local, the rest from the grant */
	memcpy((uint8_t *)fake_page(E.f, src_page + 1) + 4096 - 100,
	       k->data + 1, 99);
	CHECK_EQ(xmit(&k, 1), 1);
	CHECK_EQ(nr_rec, 2);
	check_op(0, XNB_GCOPY_DEST_GREF, E.gref[2], 128, 1);
	check_op(1, XNB_GCOPY_SOURCE_GREF | XNB_GCOPY_DEST_GREF, E.gref[2],
		 129, 99);
	CHECK_EQ(rec[1].source.foreign.offset, 4096 - 100);
	CHECK_EQ(next_rsp()->status, 100);
	CHECK(memcmp(rsp_page(2) + 128, k->data, 100) == 0);

	/* A grant segment past its page is the caller's bug: dropped, no
	 * op built. */
	nr_rec = 0;
	k = mkpkt(100, 7);
	k->gref = fake_grant(E.f, src_page + 1, true);
	k->gref_off = 4096 - 98;
	k->gref_from = 1;
	CHECK_EQ(xmit(&k, 1), 1);
	CHECK_EQ(nr_rec, 0);
	expect_no_rsp();
	CHECK_EQ(xnb_rxq_stats(E.rxq)->drop_desc, 1);
	CHECK_EQ(xnb_rxq_stats(E.rxq)->packets, 2);
	CHECK_EQ(E.released, 3);

	/* A revoked source grant fails the frame like a bad destination. */
	k = mkpkt(100, 8);
	k->gref = fake_grant(E.f, src_page + 2, true);
	k->gref_from = 1;
	fake_revoke(E.f, k->gref);
	CHECK_EQ(xmit(&k, 1), 1);
	CHECK_EQ(next_rsp()->status, NETIF_RSP_ERROR);
	CHECK_EQ(xnb_rxq_stats(E.rxq)->drop_grant, 1);
	env_teardown();
}

/* A backlog head that did not fit is not described again until the guest
 * posted enough requests for it, or the features changed. */
static void
test_backlog_head_waits(void)
{
	struct pkt *k = mkpkt(3000, 1);

	env_setup(0, 4, features(true, false, 0, true, false));
	CHECK_EQ(xmit(&k, 1), 1);
	CHECK_EQ(E.describe_calls, 1);
	CHECK_EQ(xnb_rxq_backlog(E.rxq), 1);
	CHECK_EQ(xnb_rxq_stats(E.rxq)->ring_full, 1);
	CHECK_EQ(xmit(NULL, 0), 0);
	CHECK_EQ(E.describe_calls, 1);
	CHECK_EQ(xnb_rxq_stats(E.rxq)->ring_full, 2); /* once per call */
	/* 3000 bytes at 2 KiB headroom need two slots. */
	{
		struct xnb_rx_features f = features(true, false, 2048, true,
						    false);

		xnb_rxq_set_features(E.rxq, &f);
	}
	post(1);
	CHECK_EQ(xmit(NULL, 0), 0);
	CHECK_EQ(E.describe_calls, 2);
	CHECK_EQ(xnb_rxq_backlog(E.rxq), 1);
	CHECK_EQ(xnb_rxq_arm(E.rxq), XNB_RXQ_WAIT);
	CHECK_EQ(E.front.sring->req_event, 2);
	CHECK_EQ(xmit(NULL, 0), 0);
	CHECK_EQ(E.describe_calls, 2);
	post(1);
	CHECK_EQ(xmit(NULL, 0), 0);
	CHECK_EQ(E.describe_calls, 3);
	CHECK_EQ(xnb_rxq_backlog(E.rxq), 0);
	CHECK_EQ(next_rsp()->status, 2048);
	CHECK_EQ(next_rsp()->status, 3000 - 2048);
	expect_no_rsp();
	env_teardown();
}

/* A burst is copied and answered every 64 ops (as netback): frames of a
 * flush are visible to the guest before the next copy call. */
static void
test_flush_every_64_ops(void)
{
	struct pkt *k[12];
	unsigned int i;

	env_setup(0, 64, features(true, false, 0, true, false));
	record_ops();
	E.seg_size = 1; /* 20 ops per 20-byte frame */
	for (i = 0; i < 12; i++)
		k[i] = mkpkt(i < 10 ? 20 : 64, i);
	post(12);
	CHECK_EQ(xmit(k, 12), 12);
	/* 4 x 20 = 80 ops, then 4 x 20 again, then 2 x 20 + 64 = 104,
	 * then the last frame's 64. */
	CHECK_EQ(nr_calls, 4);
	CHECK_EQ(call_ops[0], 80);
	CHECK_EQ(call_rsp_prod[0], 0);
	CHECK_EQ(call_ops[1], 80);
	CHECK_EQ(call_rsp_prod[1], 4);
	CHECK_EQ(call_ops[2], 104);
	CHECK_EQ(call_rsp_prod[2], 8);
	CHECK_EQ(call_ops[3], 64);
	CHECK_EQ(call_rsp_prod[3], 11);
	CHECK_EQ(xnb_rxq_stats(E.rxq)->gcopy_calls, 4);
	CHECK_EQ(xnb_rxq_stats(E.rxq)->gcopy_ops, 10 * 20 + 2 * 64);
	CHECK_EQ(xnb_rxq_stats(E.rxq)->packets, 12);
	/* Each flush releases its frames, in order. */
	CHECK_EQ(E.release_calls, 4);
	for (i = 0; i < 12; i++) {
		CHECK_EQ(next_rsp()->status, k[i]->len);
		CHECK(memcmp(rsp_page(i), k[i]->data, k[i]->len) == 0);
		CHECK(E.rel[i] == k[i]);
	}
	expect_no_rsp();
	env_teardown();
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
	RUN(test_hash_extra);
	RUN(test_gso_and_hash_extras);
	RUN(test_foreign_source);
	RUN(test_backlog_head_waits);
	RUN(test_flush_every_64_ops);
	RUN(test_garbage);
	return 0;
}
