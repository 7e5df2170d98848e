/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A backend restarted after a kill takes over the live connection its
 * predecessor left: the test plays the toolstack, the netfront that stayed
 * Connected (rings with Tx requests and Rx buffers the dead backend never
 * answered) and the dead backend's leftovers (state Connected, responses
 * up to some point), then checks that the new vif serves the rings from
 * where the shared indices say without any state change, and that a
 * tampered ring or bad keys end in today's Closing instead.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fake_hv.h"
#include "xnb_log.h"
#include "xnb_ring.h"
#include "xnb_vif.h"

#define BE "/local/domain/0/backend/vif/7/0"
#define FE "/local/domain/7/device/vif/0"
#define TOKEN "test:be-state"
#define TX_PAGE 0
#define RX_PAGE 1
#define DATA_PAGE 10   /* Tx data pages DATA_PAGE + id */
#define BUF_PAGE 40    /* Rx buffer pages BUF_PAGE + id */
#define FE_PORT 10     /* the guest's (unbound) event channel */
#define NR_TX 5        /* Tx requests the guest queued ... */
#define TX_DONE 2      /* ... of which the dead backend answered */
#define NR_RX 8        /* Rx buffers the guest posted ... */
#define RX_DONE 3      /* ... of which the dead backend filled */
#define FRAME_LEN 60

struct env {
	struct fake_hv *f;
	struct xnb_vif *vif;
	int link_up;
	int link_down;
	unsigned int state_writes; /* backend "state" writes seen */
	uint32_t tx_gref[NR_TX];
	uint32_t rx_gref[NR_RX];
	unsigned int prepared;
	uint16_t tx_seen[NR_TX];   /* first data byte of each frame taken */
};

static struct env E;

static void
on_link(void *arg, bool up)
{
	CHECK(arg == &E);
	if (up)
		E.link_up++;
	else
		E.link_down++;
}

static const struct xnb_vif_cb cb = { .link_change = on_link };

static const char *
get(const char *path)
{
	return fake_xs_get(E.f, path);
}

static int
be_state(void)
{
	const char *s = get(BE "/state");

	CHECK(s != NULL);
	return atoi(s);
}

/* Hand the queued watch events to the vif; count the backend state
 * writes through the test's own watch (its first firing excluded). */
static void
pump(void)
{
	const struct xnb_hv_ops *ops = E.f->hv.ops;
	unsigned int num;
	char **ev;

	while ((ev = ops->xs_read_watch(&E.f->hv, &num)) != NULL) {
		CHECK_EQ(num, 2);
		if (strcmp(ev[1], TOKEN) == 0)
			E.state_writes++;
		else
			xnb_vif_watch_event(E.vif, ev[0], ev[1]);
		free(ev);
	}
}

/*
 * The device as a killed backend leaves it: the toolstack's keys, the
 * backend Connected, the frontend Connected with its keys, its Tx ring
 * holding NR_TX requests of which TX_DONE have responses, its Rx ring
 * holding NR_RX buffers of which RX_DONE have responses.
 */
static void
dead_backend_device(void)
{
	netif_tx_sring_t *tx = fake_page(E.f, TX_PAGE);
	netif_rx_sring_t *rx = fake_page(E.f, RX_PAGE);
	netif_tx_front_ring_t txf;
	netif_rx_front_ring_t rxf;
	unsigned int i;

	fake_xs_set(E.f, BE "/frontend", FE);
	fake_xs_set(E.f, BE "/frontend-id", "7");
	fake_xs_set(E.f, BE "/online", "1");
	fake_xs_set(E.f, BE "/mac", "00:16:3e:00:00:07");
	fake_xs_set(E.f, BE "/state", "4");
	fake_xs_set(E.f, FE "/backend", BE);
	fake_xs_set(E.f, FE "/request-rx-copy", "1");
	fake_xs_set(E.f, FE "/feature-rx-notify", "1");
	fake_xs_set(E.f, FE "/feature-sg", "1");
	fake_xs_set(E.f, FE "/tx-ring-ref", "%u",
		    fake_grant(E.f, TX_PAGE, false));
	fake_xs_set(E.f, FE "/rx-ring-ref", "%u",
		    fake_grant(E.f, RX_PAGE, false));
	fake_xs_set(E.f, FE "/event-channel", "%u", FE_PORT);
	fake_xs_set(E.f, FE "/state", "4");

	SHARED_RING_INIT(tx);
	FRONT_RING_INIT(&txf, tx, XNB_PAGE_SIZE);
	for (i = 0; i < NR_TX; i++) {
		netif_tx_request_t *r = RING_GET_REQUEST(&txf,
							 txf.req_prod_pvt++);
		uint8_t *p = fake_page(E.f, DATA_PAGE + i);

		memset(p, 0xa0 + i, FRAME_LEN);
		E.tx_gref[i] = fake_grant(E.f, DATA_PAGE + i, true);
		r->gref = E.tx_gref[i];
		r->offset = 0;
		r->flags = 0;
		r->id = i;
		r->size = FRAME_LEN;
	}
	RING_PUSH_REQUESTS(&txf);
	for (i = 0; i < TX_DONE; i++) {
		netif_tx_response_t *rsp = RING_GET_RESPONSE(&txf, i);

		rsp->id = i;
		rsp->status = NETIF_RSP_OKAY;
	}
	tx->rsp_prod = TX_DONE;

	SHARED_RING_INIT(rx);
	FRONT_RING_INIT(&rxf, rx, XNB_PAGE_SIZE);
	for (i = 0; i < NR_RX; i++) {
		netif_rx_request_t *r = RING_GET_REQUEST(&rxf,
							 rxf.req_prod_pvt++);

		E.rx_gref[i] = fake_grant(E.f, BUF_PAGE + i, false);
		r->id = i;
		r->gref = E.rx_gref[i];
	}
	RING_PUSH_REQUESTS(&rxf);
	rx->rsp_prod = RX_DONE;
}

static void
env_setup(void (*spoil)(void))
{
	struct xnb_vif_conf conf = {
		.domid = FAKE_DOMID, .devid = 0, .max_queues = 2,
		.cb = &cb, .cb_arg = &E,
	};

	memset(&E, 0, sizeof(E));
	E.f = fake_hv_new();
	dead_backend_device();
	if (spoil != NULL)
		spoil();
	CHECK_EQ(E.f->hv.ops->xs_watch(&E.f->hv, BE "/state", TOKEN), 0);
	pump();
	E.state_writes = 0;
	conf.hv = &E.f->hv;
	E.vif = xnb_vif_create(&conf);
	CHECK(E.vif != NULL);
	pump();
}

static void
env_teardown(void)
{
	xnb_vif_destroy(E.vif);
	CHECK_EQ(E.f->mapped, 0);
	CHECK_EQ(E.f->bound, 0);
	CHECK_EQ(E.f->hv.ops->xs_unwatch(&E.f->hv, BE "/state", TOKEN), 0);
	CHECK_EQ(E.f->nr_watches, 0);
	fake_hv_free(E.f);
}

static int
tx_prepare(void *arg, const struct xnb_tx_pkt *pkt, struct xnb_seg *segs,
	   unsigned int max_segs, void **cookie)
{
	uint8_t *buf;

	CHECK(arg == &E);
	CHECK_EQ(pkt->len, FRAME_LEN);
	CHECK(max_segs >= 1);
	buf = malloc(FRAME_LEN);
	CHECK(buf != NULL);
	segs[0].addr = buf;
	segs[0].len = FRAME_LEN;
	*cookie = buf;
	E.prepared++;
	return 1;
}

static void
tx_discard(void *arg, void *cookie)
{
	CHECK(arg == &E);
	free(cookie);
}

static const struct xnb_tx_ops tx_ops = {
	.prepare = tx_prepare, .discard = tx_discard,
};

static uint8_t rx_frame[FRAME_LEN];

static int
rx_describe(void *arg, void *cookie, struct xnb_rx_pkt *p)
{
	CHECK(arg == &E);
	CHECK(cookie == rx_frame);
	memset(p, 0, sizeof(*p));
	p->len = FRAME_LEN;
	p->nr_segs = 1;
	p->segs[0].addr = rx_frame;
	p->segs[0].len = FRAME_LEN;
	return 0;
}

static void
rx_release(void *arg, void **cookies, unsigned int n)
{
	CHECK(arg == &E);
	CHECK_EQ(n, 1);
	CHECK(cookies[0] == rx_frame);
}

static const struct xnb_rx_ops rx_ops = {
	.describe = rx_describe, .release = rx_release,
};

/* The frames the guest queued and the dead backend never answered are
 * taken (in order), answered after the old responses. */
static void
serve_tx(struct xnb_queue *q)
{
	netif_tx_sring_t *s = fake_page(E.f, TX_PAGE);
	netif_tx_front_ring_t txf;
	void *c[NR_TX];
	uint16_t n, i;

	CHECK(xnb_queue_enter(q, XNB_DIR_TX));
	n = xnb_txq_recv(xnb_queue_txq(q), &tx_ops, &E, c, NR_TX);
	xnb_queue_leave(q, XNB_DIR_TX);
	CHECK_EQ(n, NR_TX - TX_DONE);
	for (i = 0; i < n; i++) {
		CHECK_EQ(((uint8_t *)c[i])[0], 0xa0 + TX_DONE + i);
		CHECK_EQ(((uint8_t *)c[i])[FRAME_LEN - 1], 0xa0 + TX_DONE + i);
		free(c[i]);
	}
	CHECK_EQ(s->rsp_prod, NR_TX);
	FRONT_RING_ATTACH(&txf, s, NR_TX, XNB_PAGE_SIZE);
	for (i = TX_DONE; i < NR_TX; i++) {
		netif_tx_response_t *rsp = RING_GET_RESPONSE(&txf, i);

		CHECK_EQ(rsp->id, i);
		CHECK_EQ(rsp->status, NETIF_RSP_OKAY);
	}
}

/* A frame for the guest lands in the first posted buffer the dead
 * backend had not filled. */
static void
serve_rx(struct xnb_queue *q)
{
	netif_rx_sring_t *s = fake_page(E.f, RX_PAGE);
	netif_rx_front_ring_t rxf;
	netif_rx_response_t *rsp;
	void *c = rx_frame;

	memset(rx_frame, 0x5c, sizeof(rx_frame));
	CHECK(xnb_queue_enter(q, XNB_DIR_RX));
	CHECK_EQ(xnb_rxq_xmit(xnb_queue_rxq(q), &rx_ops, &E, &c, 1), 1);
	xnb_queue_leave(q, XNB_DIR_RX);
	CHECK_EQ(s->rsp_prod, RX_DONE + 1);
	FRONT_RING_ATTACH(&rxf, s, RX_DONE + 1, XNB_PAGE_SIZE);
	rsp = RING_GET_RESPONSE(&rxf, RX_DONE);
	CHECK_EQ(rsp->id, RX_DONE);
	CHECK_EQ(rsp->status, FRAME_LEN);
	CHECK_EQ(((uint8_t *)fake_page(E.f, BUF_PAGE + RX_DONE))
		 [rsp->offset], 0x5c);
	CHECK_EQ(((uint8_t *)fake_page(E.f, BUF_PAGE + RX_DONE - 1))[0], 0);
}

static void
test_adopt_and_serve(void)
{
	struct xnb_ring_info info;
	struct xnb_queue *q;
	int lport;

	env_setup(NULL);
	/* Taken over without a visible state change: the only write is
	 * Connected over Connected. */
	CHECK(xnb_vif_connected(E.vif));
	CHECK_EQ(be_state(), XNB_XB_CONNECTED);
	CHECK_EQ(E.state_writes, 1);
	CHECK(get(BE "/error") == NULL);
	CHECK(strcmp(get(BE "/feature-rx-copy"), "1") == 0);
	CHECK_EQ(E.link_up, 1);
	CHECK_EQ(E.f->mapped, 2);
	CHECK_EQ(E.f->bound, 1);
	/* The guest's port bound again and kicked once (one channel). */
	lport = fake_local_port(E.f, FE_PORT);
	CHECK(lport > 0);
	CHECK_EQ(fake_notified(E.f, lport), 1);

	/* Private cursors resumed from the shared responses. */
	q = xnb_vif_queue(E.vif, 0);
	CHECK_EQ(xnb_txq_ring_info(xnb_queue_txq(q), &info), 0);
	CHECK_EQ(info.req_prod, NR_TX);
	CHECK_EQ(info.req_cons, TX_DONE);
	CHECK_EQ(info.rsp_prod_pvt, TX_DONE);
	CHECK_EQ(xnb_rxq_ring_info(xnb_queue_rxq(q), &info), 0);
	CHECK_EQ(info.req_prod, NR_RX);
	CHECK_EQ(info.req_cons, RX_DONE);
	CHECK_EQ(info.rsp_prod_pvt, RX_DONE);

	serve_tx(q);
	serve_rx(q);
	/* From here an ordinary connection: the guest closes. */
	fake_xs_set(E.f, FE "/state", "5");
	pump();
	CHECK_EQ(be_state(), XNB_XB_CLOSING);
	CHECK_EQ(E.link_down, 1);
	CHECK_EQ(E.f->mapped, 0);
	env_teardown();
}

/* Tampered indices: more requests than the ring holds. */
static void
tx_overfull(void)
{
	netif_tx_sring_t *tx = fake_page(E.f, TX_PAGE);

	tx->req_prod = tx->rsp_prod + 257;
}

/* Responses beyond the requests (rsp_prod ahead of req_prod). */
static void
rx_ahead(void)
{
	netif_rx_sring_t *rx = fake_page(E.f, RX_PAGE);

	rx->rsp_prod = rx->req_prod + 1;
}

static void
no_rx_copy(void)
{
	fake_xs_rm(E.f, FE "/request-rx-copy");
}

static void
garbage_port(void)
{
	fake_xs_set(E.f, FE "/event-channel", "10x");
}

static void
revoked_ring(void)
{
	fake_revoke(E.f, atoi(get(FE "/rx-ring-ref")));
}

/* What a fresh connect refuses, the takeover refuses: Closing (as
 * before), the error written, nothing left mapped or bound. */
static void
test_refused(void (*spoil)(void))
{
	env_setup(spoil);
	CHECK(!xnb_vif_connected(E.vif));
	CHECK_EQ(be_state(), XNB_XB_CLOSING);
	CHECK_EQ(E.state_writes, 1);
	CHECK(get(BE "/error") != NULL);
	CHECK_EQ(E.link_up, 0);
	CHECK_EQ(E.f->mapped, 0);
	CHECK_EQ(E.f->bound, 0);
	/* The frontend follows to Closed, and so do we. */
	fake_xs_set(E.f, FE "/state", "6");
	pump();
	CHECK_EQ(be_state(), XNB_XB_CLOSED);
	env_teardown();
}

static void
fe_initialising(void)
{
	fake_xs_set(E.f, FE "/state", "1");
}

/* A frontend that is not Connected (it started over while no backend
 * was there) gets the InitWait it waits for, then connects afresh. */
static void
test_frontend_not_connected(void)
{
	env_setup(fe_initialising);
	CHECK_EQ(be_state(), XNB_XB_INITWAIT);
	CHECK_EQ(E.state_writes, 1);
	CHECK(!xnb_vif_connected(E.vif));
	CHECK_EQ(E.f->mapped, 0);
	CHECK_EQ(E.f->bound, 0);
	fake_xs_set(E.f, FE "/state", "4");
	pump();
	CHECK(xnb_vif_connected(E.vif));
	CHECK_EQ(be_state(), XNB_XB_CONNECTED);
	CHECK_EQ(E.link_up, 1);
	/* Not a takeover: no kick. */
	CHECK_EQ(fake_notified(E.f, fake_local_port(E.f, FE_PORT)), 0);
	env_teardown();
}

int
main(void)
{
	RUN(test_adopt_and_serve);
	rte_log_set_level(xnb_logtype, RTE_LOG_CRIT);
	test_refused(tx_overfull);
	test_refused(rx_ahead);
	test_refused(no_rx_copy);
	test_refused(garbage_port);
	test_refused(revoked_ring);
	RUN(test_frontend_not_connected);
	return 0;
}
