/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vif control path against a fake xenstore: the test plays toolstack
 * and netfront (keys, rings, event channels) and checks the handshake,
 * hostile values, teardown and reconnect.
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
#define FE2 "/local/domain/7/device/vif/9" /* named by a later attach */
#define MAC "00:16:3e:0A:bB:0c"
#define TX_PAGE(q) (2 * (q))
#define RX_PAGE(q) (2 * (q) + 1)
#define CTRL_PAGE 100
#define DATA_PAGE 110

struct env {
	struct fake_hv *f;
	struct xnb_vif *vif;
	int link_up;
	int link_down;
	int mac_changes;
	char events[64];     /* callbacks in order: U(p), D(own), M(ac) */
	unsigned int nr_events;
	int fatal_calls;
	uint16_t fatal_qid;
	uint32_t port_base;  /* guest ports for this connection */
};

static struct env E;

static void
record(char ev)
{
	CHECK(E.nr_events + 1 < sizeof(E.events));
	E.events[E.nr_events++] = ev;
}

static void
on_link(void *arg, bool up)
{
	CHECK(arg == &E);
	record(up ? 'U' : 'D');
	if (up)
		E.link_up++;
	else
		E.link_down++;
}

static void
on_mac(void *arg)
{
	CHECK(arg == &E);
	record('M');
	E.mac_changes++;
}

static void
on_fatal(void *arg, uint16_t qid)
{
	CHECK(arg == &E);
	E.fatal_calls++;
	E.fatal_qid = qid;
}

static const struct xnb_vif_cb cb = {
	.link_change = on_link,
	.fatal = on_fatal,
	.mac_change = on_mac,
};

static const char *
get(const char *path)
{
	return fake_xs_get(E.f, path);
}

static void
pump(void)
{
	fake_xs_pump(E.f, E.vif);
}

static void
toolstack(void)
{
	fake_xs_set(E.f, BE "/frontend", FE);
	fake_xs_set(E.f, BE "/frontend-id", "7");
	fake_xs_set(E.f, BE "/online", "1");
	fake_xs_set(E.f, BE "/mac", MAC);
	fake_xs_set(E.f, BE "/state", "1");
	fake_xs_set(E.f, FE "/backend", BE);
	fake_xs_set(E.f, FE "/state", "1");
}

static void
env_open(uint16_t max_queues, bool revive)
{
	struct xnb_vif_conf conf = {
		.domid = FAKE_DOMID, .devid = 0, .max_queues = max_queues,
		.cb = &cb, .cb_arg = &E, .revive = revive,
	};

	memset(&E, 0, sizeof(E));
	E.f = fake_hv_new();
	toolstack();
	conf.hv = &E.f->hv;
	E.vif = xnb_vif_create(&conf);
	CHECK(E.vif != NULL);
	pump();
}

static void
env_setup(uint16_t max_queues)
{
	env_open(max_queues, false);
}

static void
env_teardown(void)
{
	xnb_vif_destroy(E.vif);
	CHECK_EQ(E.f->mapped, 0);
	CHECK_EQ(E.f->bound, 0);
	CHECK_EQ(E.f->handles, 0);
	CHECK_EQ(E.f->nr_watches, 0);
	fake_hv_free(E.f);
}

static int
be_state(void)
{
	const char *s = get(BE "/state");

	CHECK(s != NULL);
	return atoi(s);
}

/* Netfront's side of queue q: fresh rings, grants, keys under dir. */
static void
frontend_queue(const char *dir, unsigned int q, bool split)
{
	netif_tx_sring_t *tx = fake_page(E.f, TX_PAGE(q));
	netif_rx_sring_t *rx = fake_page(E.f, RX_PAGE(q));
	char path[256];

	SHARED_RING_INIT(tx);
	SHARED_RING_INIT(rx);
	snprintf(path, sizeof(path), "%s/tx-ring-ref", dir);
	fake_xs_set(E.f, path, "%u", fake_grant(E.f, TX_PAGE(q), false));
	snprintf(path, sizeof(path), "%s/rx-ring-ref", dir);
	fake_xs_set(E.f, path, "%u", fake_grant(E.f, RX_PAGE(q), false));
	if (split) {
		snprintf(path, sizeof(path), "%s/event-channel-tx", dir);
		fake_xs_set(E.f, path, "%u", E.port_base + 2 * q);
		snprintf(path, sizeof(path), "%s/event-channel-rx", dir);
		fake_xs_set(E.f, path, "%u", E.port_base + 2 * q + 1);
	} else {
		snprintf(path, sizeof(path), "%s/event-channel", dir);
		fake_xs_set(E.f, path, "%u", E.port_base + 2 * q);
	}
}

static void
put(const char *dir, const char *key, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	fake_xs_set(E.f, path, "%s", val);
}

/* Everything netfront at fe writes before switching to Connected. */
static void
frontend_keys_at(const char *fe, unsigned int queues, bool split)
{
	char dir[64], n[8];
	unsigned int q;

	E.port_base = 10;
	put(fe, "request-rx-copy", "1");
	put(fe, "feature-rx-notify", "1");
	put(fe, "feature-sg", "1");
	put(fe, "feature-gso-tcpv4", "1");
	put(fe, "feature-gso-tcpv6", "1");
	put(fe, "feature-ipv6-csum-offload", "1");
	if (queues == 1) {
		frontend_queue(fe, 0, split);
		return;
	}
	snprintf(n, sizeof(n), "%u", queues);
	put(fe, "multi-queue-num-queues", n);
	for (q = 0; q < queues; q++) {
		snprintf(dir, sizeof(dir), "%s/queue-%u", fe, q);
		frontend_queue(dir, q, split);
	}
}

static void
frontend_keys(unsigned int queues, bool split)
{
	frontend_keys_at(FE, queues, split);
}

static void
fe_state_at(const char *fe, int st)
{
	char v[8];

	snprintf(v, sizeof(v), "%d", st);
	put(fe, "state", v);
	pump();
}

static void
fe_state(int st)
{
	fe_state_at(FE, st);
}

static void
check_refused(const char *why)
{
	CHECK_EQ(be_state(), XNB_XB_CLOSING);
	CHECK(!xnb_vif_connected(E.vif));
	CHECK(get(BE "/error") != NULL);
	CHECK_EQ(E.link_up, 0);
	CHECK_EQ(E.f->mapped, 0);
	CHECK_EQ(E.f->bound, 0);
	CHECK(why != NULL);
}

static void
test_features_advertised(void)
{
	static const char *const keys[][2] = {
		{ "feature-sg", "1" }, { "feature-gso-tcpv4", "1" },
		{ "feature-gso-tcpv6", "1" },
		{ "feature-ipv6-csum-offload", "1" },
		{ "feature-rx-copy", "1" }, { "feature-rx-flip", "0" },
		{ "feature-split-event-channels", "1" },
		{ "multi-queue-max-queues", "4" },
		{ "feature-ctrl-ring", "1" },
		{ "feature-multicast-control", "1" },
		{ "feature-dynamic-multicast-control", "1" },
		{ "feature-xdp-headroom", "1" },
	};
	char path[128];
	uint8_t mac[6];
	unsigned int i;

	memset(&E, 0, sizeof(E));
	E.f = fake_hv_new();
	toolstack();
	E.f->txn_eagain = 2; /* the transaction is retried */
	{
		struct xnb_vif_conf conf = {
			.hv = &E.f->hv, .domid = FAKE_DOMID, .devid = 0,
			.max_queues = 4, .cb = &cb, .cb_arg = &E,
		};

		E.vif = xnb_vif_create(&conf);
	}
	CHECK(E.vif != NULL);
	pump();
	for (i = 0; i < RTE_DIM(keys); i++) {
		snprintf(path, sizeof(path), BE "/%s", keys[i][0]);
		CHECK(get(path) != NULL);
		CHECK(strcmp(get(path), keys[i][1]) == 0);
	}
	CHECK_EQ(be_state(), XNB_XB_INITWAIT);
	CHECK_EQ(xnb_vif_state(E.vif), XNB_XB_INITWAIT);
	CHECK(!xnb_vif_connected(E.vif));
	CHECK(strcmp(xnb_vif_backend_path(E.vif), BE) == 0);
	CHECK(strcmp(xnb_vif_frontend_path(E.vif), FE) == 0);
	CHECK_EQ(xnb_vif_mac(E.vif, mac), 0);
	CHECK(memcmp(mac, "\x00\x16\x3e\x0a\xbb\x0c", 6) == 0);
	CHECK_EQ(xnb_vif_max_queues(E.vif), 4);
	CHECK_EQ(xnb_vif_num_queues(E.vif), 0);
	CHECK(xnb_vif_queue(E.vif, 3) != NULL);
	CHECK(xnb_vif_queue(E.vif, 4) == NULL);
	CHECK(!xnb_queue_enter(xnb_vif_queue(E.vif, 0), XNB_DIR_TX));
	CHECK(xnb_vif_event_fd(E.vif) >= 0);
	/* Tokens of others are not ours. */
	CHECK_EQ(xnb_vif_watch_event(E.vif, FE "/state", "other"), -ENOENT);
	CHECK_EQ(xnb_vif_watch_event(E.vif, FE "/state", "xnb:7:0:zz"),
		 -ENOENT);
	env_teardown();
}

static void
test_connect_single(void)
{
	const struct xnb_vif_features *ft;
	struct xnb_queue *q;
	int lport;

	env_setup(4);
	frontend_keys(1, false);
	fe_state(XNB_XB_CONNECTED);
	CHECK_EQ(be_state(), XNB_XB_CONNECTED);
	CHECK(xnb_vif_connected(E.vif));
	CHECK_EQ(E.link_up, 1);
	CHECK_EQ(xnb_vif_num_queues(E.vif), 1);
	ft = xnb_vif_features(E.vif);
	CHECK_EQ(ft->num_queues, 1);
	CHECK(!ft->split_evtchn);
	CHECK(ft->sg && ft->gso_tcpv4 && ft->gso_tcpv6 && ft->rx_notify);
	CHECK(ft->csum_ipv4 && ft->csum_ipv6);
	CHECK(!ft->ctrl_ring && !ft->mcast_control);
	CHECK_EQ(ft->xdp_headroom, 0);
	CHECK_EQ(E.f->mapped, 2);
	CHECK_EQ(E.f->bound, 1);
	q = xnb_vif_queue(E.vif, 0);
	CHECK(xnb_queue_enter(q, XNB_DIR_TX));
	CHECK(xnb_queue_enter(q, XNB_DIR_RX));
	/* One channel: a kick wakes both directions. */
	lport = fake_local_port(E.f, 10);
	CHECK(lport > 0);
	fake_kick(E.f, 10);
	CHECK_EQ(xnb_queue_ack_events(q), 3);
	CHECK_EQ(xnb_queue_ack_events(q), 0);
	xnb_queue_leave(q, XNB_DIR_TX);
	xnb_queue_leave(q, XNB_DIR_RX);
	CHECK(!xnb_queue_enter(xnb_vif_queue(E.vif, 1), XNB_DIR_TX));
	/* A repeated Connected is ignored. */
	fe_state(XNB_XB_CONNECTED);
	CHECK_EQ(E.link_up, 1);

	/* Frontend closes: link down, everything released. */
	fe_state(XNB_XB_CLOSING);
	CHECK_EQ(be_state(), XNB_XB_CLOSING);
	CHECK_EQ(E.link_down, 1);
	CHECK_EQ(E.f->mapped, 0);
	CHECK_EQ(E.f->bound, 0);
	CHECK(!xnb_queue_enter(q, XNB_DIR_TX));
	fe_state(XNB_XB_CLOSED);
	CHECK_EQ(be_state(), XNB_XB_CLOSED);

	/* netfront reconnects with new rings and split channels. */
	fe_state(XNB_XB_INITIALISING);
	CHECK_EQ(be_state(), XNB_XB_INITWAIT);
	frontend_keys(1, true);
	fe_state(XNB_XB_CONNECTED);
	CHECK_EQ(be_state(), XNB_XB_CONNECTED);
	CHECK_EQ(E.link_up, 2);
	CHECK(xnb_vif_features(E.vif)->split_evtchn);
	CHECK_EQ(E.f->bound, 2);
	fake_kick(E.f, 11);
	CHECK(xnb_queue_enter(q, XNB_DIR_RX));
	CHECK_EQ(xnb_queue_ack_events(q), 1u << XNB_DIR_RX);
	xnb_queue_leave(q, XNB_DIR_RX);
	env_teardown();
	CHECK_EQ(E.link_down, 2);
}

static void
test_connect_multi_queue(void)
{
	struct xnb_queue_stats st;
	unsigned int q;

	env_setup(4);
	frontend_keys(3, true);
	fe_state(XNB_XB_CONNECTED);
	CHECK_EQ(be_state(), XNB_XB_CONNECTED);
	CHECK_EQ(xnb_vif_num_queues(E.vif), 3);
	CHECK_EQ(xnb_vif_features(E.vif)->num_queues, 3);
	CHECK_EQ(E.f->mapped, 6);
	CHECK_EQ(E.f->bound, 6);
	for (q = 0; q < 3; q++) {
		struct xnb_queue *qq = xnb_vif_queue(E.vif, q);

		CHECK_EQ(xnb_queue_id(qq), q);
		CHECK(xnb_queue_enter(qq, XNB_DIR_TX));
		xnb_queue_leave(qq, XNB_DIR_TX);
		CHECK(xnb_queue_event_fd(qq) >= 0);
		xnb_queue_stats_get(qq, &st);
		CHECK_EQ(st.tx.packets, 0);
	}
	CHECK(!xnb_queue_enter(xnb_vif_queue(E.vif, 3), XNB_DIR_TX));
	env_teardown();
}

/* One hostile or missing frontend value per run: the connection is
 * refused cleanly. */
static void
refuse(void (*spoil)(void), const char *why)
{
	env_setup(4);
	frontend_keys(2, false);
	spoil();
	fe_state(XNB_XB_CONNECTED);
	check_refused(why);
	/* The guest may try again after closing. */
	fe_state(XNB_XB_CLOSED);
	CHECK_EQ(be_state(), XNB_XB_CLOSED);
	fe_state(XNB_XB_INITIALISING);
	CHECK_EQ(be_state(), XNB_XB_INITWAIT);
	frontend_keys(2, false);
	fake_xs_rm(E.f, FE "/xdp-headroom");
	fake_xs_rm(E.f, FE "/ctrl-ring-ref");
	fake_xs_rm(E.f, FE "/queue-1");
	fake_xs_set(E.f, FE "/multi-queue-num-queues", "1");
	frontend_queue(FE, 0, false);
	fe_state(XNB_XB_CONNECTED);
	CHECK_EQ(be_state(), XNB_XB_CONNECTED);
	CHECK_EQ(xnb_vif_num_queues(E.vif), 1);
	env_teardown();
}

static void
no_rx_copy(void)
{
	fake_xs_rm(E.f, FE "/request-rx-copy");
}

static void
rx_copy_0(void)
{
	fake_xs_set(E.f, FE "/request-rx-copy", "0");
}

static void
too_many_queues(void)
{
	fake_xs_set(E.f, FE "/multi-queue-num-queues", "5");
}

static void
zero_queues(void)
{
	fake_xs_set(E.f, FE "/multi-queue-num-queues", "0");
}

static void
huge_queues(void)
{
	fake_xs_set(E.f, FE "/multi-queue-num-queues", "99999999999");
}

static void
negative_queues(void)
{
	fake_xs_set(E.f, FE "/multi-queue-num-queues", "-1");
}

static void
spaced_queues(void)
{
	fake_xs_set(E.f, FE "/multi-queue-num-queues", "2 ");
}

static void
missing_queue(void)
{
	fake_xs_rm(E.f, FE "/queue-1");
}

static void
bad_ring_ref(void)
{
	fake_xs_set(E.f, FE "/queue-1/tx-ring-ref", "0x10");
}

static void
huge_ring_ref(void)
{
	fake_xs_set(E.f, FE "/queue-1/rx-ring-ref", "4294967296");
}

static void
unmappable_ring(void)
{
	fake_xs_set(E.f, FE "/queue-1/rx-ring-ref", "1000");
}

static void
readonly_ring(void)
{
	fake_xs_set(E.f, FE "/queue-1/rx-ring-ref", "%u",
		    fake_grant(E.f, RX_PAGE(1), true));
}

static void
half_split(void)
{
	fake_xs_rm(E.f, FE "/queue-1/event-channel");
	fake_xs_set(E.f, FE "/queue-1/event-channel-tx", "30");
}

static void
same_split(void)
{
	fake_xs_rm(E.f, FE "/queue-1/event-channel");
	fake_xs_set(E.f, FE "/queue-1/event-channel-tx", "30");
	fake_xs_set(E.f, FE "/queue-1/event-channel-rx", "30");
}

static void
unbindable_port(void)
{
	fake_xs_set(E.f, FE "/queue-1/event-channel", "500");
}

static void
corrupt_ring(void)
{
	netif_rx_sring_t *rx = fake_page(E.f, RX_PAGE(1));

	rx->req_prod = rx->rsp_prod + XNB_RX_RING_SIZE + 1;
}

static void
bad_feature(void)
{
	fake_xs_set(E.f, FE "/feature-sg", "yes");
}

static void
bad_headroom(void)
{
	fake_xs_set(E.f, FE "/xdp-headroom", "4096");
}

static void
ctrl_without_port(void)
{
	fake_xs_set(E.f, FE "/ctrl-ring-ref", "%u",
		    fake_grant(E.f, CTRL_PAGE, false));
}

static void
foreign_ring(void)
{
	fake_xs_set(E.f, FE "/queue-1/rx-ring-ref", "%u",
		    fake_grant_to(E.f, RX_PAGE(1), false, FAKE_DOMID + 1));
}

static void
revoked_ring(void)
{
	fake_revoke(E.f, atoi(get(FE "/queue-1/tx-ring-ref")));
}

static void
test_hostile_keys(void)
{
	rte_log_set_level(xnb_logtype, RTE_LOG_CRIT);
	refuse(no_rx_copy, "request-rx-copy missing");
	refuse(rx_copy_0, "request-rx-copy 0");
	refuse(too_many_queues, "queues above the maximum");
	refuse(zero_queues, "zero queues");
	refuse(huge_queues, "huge queue count");
	refuse(negative_queues, "negative queue count");
	refuse(spaced_queues, "trailing space");
	refuse(missing_queue, "queue keys missing");
	refuse(bad_ring_ref, "non-decimal gref");
	refuse(huge_ring_ref, "gref above 32 bits");
	refuse(unmappable_ring, "unmappable gref");
	refuse(readonly_ring, "read-only ring");
	refuse(foreign_ring, "ring granted to another domain");
	refuse(revoked_ring, "ring grant revoked");
	refuse(half_split, "split channel half given");
	refuse(same_split, "split channels identical");
	refuse(unbindable_port, "port not bindable");
	refuse(corrupt_ring, "ring indices corrupt");
	refuse(bad_feature, "garbage feature flag");
	refuse(bad_headroom, "headroom too large");
	refuse(ctrl_without_port, "control ring without event channel");
	rte_log_set_level(xnb_logtype, RTE_LOG_NOTICE);
}

static void
ring_tx_garbage(void)
{
	netif_tx_front_ring_t front;
	netif_tx_sring_t *s = fake_page(E.f, TX_PAGE(0));
	netif_tx_request_t *r;

	FRONT_RING_ATTACH(&front, s, s->req_prod, XNB_PAGE_SIZE);
	r = RING_GET_REQUEST(&front, front.req_prod_pvt++);
	r->gref = 1;
	r->offset = 4000;
	r->flags = 0;
	r->id = 1;
	r->size = 500; /* crosses the page: fatal */
	RING_PUSH_REQUESTS(&front);
}

static int
noop_prepare(void *arg, const struct xnb_tx_pkt *pkt, struct xnb_seg *segs,
	     unsigned int max_segs, void **cookie)
{
	RTE_SET_USED(arg);
	RTE_SET_USED(pkt);
	RTE_SET_USED(segs);
	RTE_SET_USED(max_segs);
	RTE_SET_USED(cookie);
	return -ENOBUFS;
}

static void
noop_discard(void *arg, void *cookie)
{
	RTE_SET_USED(arg);
	RTE_SET_USED(cookie);
}

static void
test_fatal_datapath(void)
{
	static const struct xnb_tx_ops ops = {
		.prepare = noop_prepare, .discard = noop_discard,
	};
	struct xnb_queue_stats st;
	struct xnb_queue *q;
	void *c[4];

	rte_log_set_level(xnb_logtype, RTE_LOG_CRIT);
	env_setup(4);
	frontend_keys(1, false);
	fe_state(XNB_XB_CONNECTED);
	q = xnb_vif_queue(E.vif, 0);
	ring_tx_garbage();
	CHECK(xnb_queue_enter(q, XNB_DIR_TX));
	CHECK_EQ(xnb_txq_recv(xnb_queue_txq(q), &ops, NULL, c, 4), 0);
	xnb_queue_leave(q, XNB_DIR_TX);
	CHECK_EQ(E.fatal_calls, 1);
	CHECK_EQ(E.fatal_qid, 0);
	xnb_queue_stats_get(q, &st);
	CHECK_EQ(st.tx.fatal, 1);
	/* The control thread then disconnects this vif. */
	xnb_vif_fatal(E.vif);
	CHECK_EQ(be_state(), XNB_XB_CLOSING);
	CHECK(get(BE "/error") != NULL);
	CHECK_EQ(E.link_down, 1);
	CHECK_EQ(E.f->mapped, 0);
	xnb_vif_fatal(E.vif); /* idempotent */
	CHECK_EQ(E.link_down, 1);
	/* Counters survive; reset zeroes them without touching lcores. */
	xnb_queue_stats_get(q, &st);
	CHECK_EQ(st.tx.fatal, 1);
	xnb_queue_stats_reset(q);
	xnb_queue_stats_get(q, &st);
	CHECK_EQ(st.tx.fatal, 0);
	/* The guest closes and comes back: a clean connection. */
	fe_state(XNB_XB_CLOSED);
	fe_state(XNB_XB_INITIALISING);
	frontend_keys(1, false);
	fe_state(XNB_XB_CONNECTED);
	CHECK_EQ(be_state(), XNB_XB_CONNECTED);
	CHECK(xnb_queue_enter(q, XNB_DIR_TX));
	CHECK(!xnb_txq_failed(xnb_queue_txq(q)));
	xnb_queue_leave(q, XNB_DIR_TX);
	env_teardown();
	rte_log_set_level(xnb_logtype, RTE_LOG_NOTICE);
}

static void
test_toolstack_and_death(void)
{
	/* Device removal by the toolstack while connected. */
	env_setup(2);
	frontend_keys(1, false);
	fe_state(XNB_XB_CONNECTED);
	fake_xs_set(E.f, BE "/online", "0");
	fake_xs_set(E.f, BE "/state", "5");
	pump();
	CHECK_EQ(be_state(), XNB_XB_CLOSING);
	CHECK_EQ(E.link_down, 1);
	CHECK(!xnb_vif_removed(E.vif));
	fe_state(XNB_XB_CLOSED);
	CHECK_EQ(be_state(), XNB_XB_CLOSED);
	CHECK(xnb_vif_removed(E.vif));
	/* Nothing more happens after removal. */
	fe_state(XNB_XB_INITIALISING);
	CHECK_EQ(be_state(), XNB_XB_CLOSED);
	env_teardown();

	/* The guest dies: its directory vanishes. */
	env_setup(2);
	frontend_keys(1, false);
	fe_state(XNB_XB_CONNECTED);
	fake_xs_rm(E.f, "/local/domain/7");
	pump();
	CHECK_EQ(be_state(), XNB_XB_CLOSED);
	CHECK_EQ(E.f->mapped, 0);
	CHECK(!xnb_vif_removed(E.vif));
	/* Then the toolstack removes the backend directory. */
	fake_xs_rm(E.f, BE);
	pump();
	CHECK(xnb_vif_removed(E.vif));
	CHECK(get(BE "/state") == NULL); /* not recreated */
	env_teardown();

	/* Garbage in the frontend state while connected. */
	env_setup(2);
	frontend_keys(1, false);
	fe_state(XNB_XB_CONNECTED);
	fake_xs_set(E.f, FE "/state", "4x");
	pump();
	CHECK_EQ(be_state(), XNB_XB_CLOSED);
	env_teardown();
}

/* Connected, then xnb_vif_close(): link down, rings released, Closing. */
static void
close_connected(void)
{
	env_setup(2);
	frontend_keys(1, false);
	fe_state(XNB_XB_CONNECTED);
	CHECK(xnb_vif_connected(E.vif));
	CHECK_EQ(xnb_vif_close(E.vif), -EINPROGRESS);
	CHECK_EQ(be_state(), XNB_XB_CLOSING);
	CHECK_EQ(xnb_vif_state(E.vif), XNB_XB_CLOSING);
	CHECK(!xnb_vif_connected(E.vif));
	CHECK_EQ(E.link_down, 1);
	CHECK_EQ(E.f->mapped, 0);
	CHECK_EQ(E.f->bound, 0);
	CHECK(!xnb_queue_enter(xnb_vif_queue(E.vif, 0), XNB_DIR_TX));
	/* Asking again changes nothing. */
	CHECK_EQ(xnb_vif_close(E.vif), -EINPROGRESS);
	CHECK_EQ(E.link_down, 1);
}

static void
test_graceful_close(void)
{
	/* The frontend follows: Closing, then Closed; the backend too. */
	close_connected();
	fe_state(XNB_XB_CLOSING);
	CHECK_EQ(be_state(), XNB_XB_CLOSING);
	fe_state(XNB_XB_CLOSED);
	CHECK_EQ(be_state(), XNB_XB_CLOSED);
	CHECK_EQ(xnb_vif_close(E.vif), 0);
	/* Closed for good: a reconnecting frontend is not served. */
	fe_state(XNB_XB_INITIALISING);
	frontend_keys(1, false);
	fe_state(XNB_XB_CONNECTED);
	CHECK_EQ(be_state(), XNB_XB_CLOSED);
	CHECK_EQ(E.link_up, 1);
	CHECK_EQ(E.f->mapped, 0);
	env_teardown();
	CHECK_EQ(E.link_down, 1);

	/* The frontend never answers: the owner's bound ends it, destroy
	 * writes Closed. */
	close_connected();
	pump();
	CHECK_EQ(be_state(), XNB_XB_CLOSING);
	xnb_vif_destroy(E.vif);
	CHECK(get(BE "/state") != NULL && strcmp(get(BE "/state"), "6") == 0);
	CHECK_EQ(E.f->mapped, 0);
	CHECK_EQ(E.f->bound, 0);
	CHECK_EQ(E.f->nr_watches, 0);
	fake_hv_free(E.f);

	/* The guest vanishes while we wait. */
	close_connected();
	fake_xs_rm(E.f, "/local/domain/7");
	pump();
	CHECK_EQ(be_state(), XNB_XB_CLOSED);
	CHECK_EQ(xnb_vif_close(E.vif), 0);
	env_teardown();

	/* Garbage in the frontend state while we wait: as gone. */
	close_connected();
	fake_xs_set(E.f, FE "/state", "6 ");
	pump();
	CHECK_EQ(be_state(), XNB_XB_CLOSED);
	env_teardown();

	/* No frontend at all: Closed at once. */
	env_setup(2);
	fake_xs_rm(E.f, FE);
	pump();
	CHECK_EQ(be_state(), XNB_XB_INITWAIT);
	CHECK_EQ(xnb_vif_close(E.vif), 0);
	CHECK_EQ(be_state(), XNB_XB_CLOSED);
	CHECK_EQ(E.link_down, 0);
	env_teardown();
}

static void
test_reconfigure_and_mcast(void)
{
	env_setup(2);
	frontend_keys(1, false);
	fake_xs_set(E.f, FE "/xdp-headroom", "128");
	fe_state(XNB_XB_CONNECTED);
	CHECK_EQ(xnb_vif_features(E.vif)->xdp_headroom, 128);
	fake_xs_set(E.f, FE "/xdp-headroom", "256");
	fe_state(XNB_XB_RECONFIGURING);
	CHECK_EQ(be_state(), XNB_XB_RECONFIGURED);
	CHECK_EQ(xnb_vif_features(E.vif)->xdp_headroom, 256);
	CHECK(xnb_vif_connected(E.vif));
	fe_state(XNB_XB_CONNECTED);
	CHECK_EQ(be_state(), XNB_XB_CONNECTED);
	CHECK_EQ(E.link_up, 1);
	CHECK(!xnb_vif_features(E.vif)->mcast_control);
	fake_xs_set(E.f, FE "/request-multicast-control", "1");
	pump();
	CHECK(xnb_vif_features(E.vif)->mcast_control);
	fake_xs_set(E.f, FE "/request-multicast-control", "0");
	pump();
	CHECK(!xnb_vif_features(E.vif)->mcast_control);
	env_teardown();
}

static void
test_ctrl_ring(void)
{
	xen_netif_ctrl_front_ring_t front;
	xen_netif_ctrl_sring_t *s;
	struct xen_netif_ctrl_request *r;
	struct xen_netif_ctrl_response *rsp;

	env_setup(4);
	s = fake_page(E.f, CTRL_PAGE);
	XEN_FRONT_RING_INIT(&front, s, XNB_PAGE_SIZE);
	frontend_keys(2, false);
	fake_xs_set(E.f, FE "/ctrl-ring-ref", "%u",
		    fake_grant(E.f, CTRL_PAGE, false));
	fake_xs_set(E.f, FE "/event-channel-ctrl", "40");
	fe_state(XNB_XB_CONNECTED);
	CHECK_EQ(be_state(), XNB_XB_CONNECTED);
	CHECK(xnb_vif_features(E.vif)->ctrl_ring);
	CHECK_EQ(E.f->mapped, 5);
	r = RING_GET_REQUEST(&front, front.req_prod_pvt++);
	r->id = 77;
	r->type = XEN_NETIF_CTRL_TYPE_GET_HASH_MAPPING_SIZE;
	RING_PUSH_REQUESTS(&front);
	fake_kick(E.f, 40);
	CHECK_EQ(xnb_vif_handle_events(E.vif), 1);
	rsp = RING_GET_RESPONSE(&front, front.rsp_cons++);
	CHECK_EQ(rsp->id, 77);
	CHECK_EQ(rsp->status, XEN_NETIF_CTRL_STATUS_SUCCESS);
	CHECK_EQ(rsp->data, XNB_CTRL_MAX_MAPPING);
	CHECK(xnb_vif_ctrl(E.vif) != NULL);
	/* Overrunning the control ring is fatal for the vif. */
	rte_log_set_level(xnb_logtype, RTE_LOG_CRIT);
	s->req_prod += 1000;
	fake_kick(E.f, 40);
	CHECK_EQ(xnb_vif_handle_events(E.vif), -EPROTO);
	CHECK_EQ(be_state(), XNB_XB_CLOSING);
	CHECK_EQ(E.f->mapped, 0);
	rte_log_set_level(xnb_logtype, RTE_LOG_NOTICE);
	env_teardown();
}

static void
test_paths_and_mac(void)
{
	struct xnb_vif_conf conf = {
		.domid = FAKE_DOMID, .devid = 0, .cb = &cb, .cb_arg = &E,
	};
	uint8_t mac[6];

	/* A frontend path outside the guest is not trusted. */
	memset(&E, 0, sizeof(E));
	E.f = fake_hv_new();
	toolstack();
	fake_xs_set(E.f, BE "/frontend", "/local/domain/0/device/vif/0");
	fake_xs_set(E.f, BE "/mac", "00:16:3e:0a:bb");
	conf.hv = &E.f->hv;
	E.vif = xnb_vif_create(&conf);
	CHECK(E.vif != NULL);
	CHECK(strcmp(xnb_vif_frontend_path(E.vif), FE) == 0);
	CHECK_EQ(xnb_vif_mac(E.vif, mac), -ENOENT);
	CHECK_EQ(xnb_vif_max_queues(E.vif), XNB_VIF_DEFAULT_QUEUES);
	pump();
	env_teardown();

	/* Too many queues asked for. */
	memset(&E, 0, sizeof(E));
	E.f = fake_hv_new();
	conf.hv = &E.f->hv;
	conf.max_queues = XNB_VIF_MAX_QUEUES + 1;
	CHECK(xnb_vif_create(&conf) == NULL);
	CHECK_EQ(errno, EINVAL);
	fake_hv_free(E.f);
}

/* libxl's attach: one transaction re-creating both directories. */
static void
attach(const char *fe, const char *mac)
{
	fake_xs_rm(E.f, fe);
	put(fe, "backend", BE);
	put(fe, "backend-id", "0");
	put(fe, "handle", "0");
	put(fe, "mac", mac);
	put(fe, "state", "1");
	fake_xs_rm(E.f, BE);
	put(BE, "frontend", fe);
	put(BE, "frontend-id", "7");
	put(BE, "online", "1");
	put(BE, "state", "1");
	put(BE, "mac", mac);
	put(BE, "handle", "0");
	put(BE, "hotplug-status", "");
}

static bool
is(const char *path, const char *val)
{
	const char *v = get(path);

	return v != NULL && strcmp(v, val) == 0;
}

static void
create_bare(void)
{
	struct xnb_vif_conf conf = {
		.domid = FAKE_DOMID, .devid = 0, .max_queues = 2,
		.cb = &cb, .cb_arg = &E,
	};

	conf.hv = &E.f->hv;
	E.vif = xnb_vif_create(&conf);
	CHECK(E.vif != NULL);
}

/* dpdk-testpmd --vdev net_xen0,domid=7 first, xl network-attach after. */
static void
test_created_before_attach(void)
{
	uint8_t mac[6];

	memset(&E, 0, sizeof(E));
	E.f = fake_hv_new();
	create_bare();
	pump();
	CHECK_EQ(be_state(), XNB_XB_INITWAIT);
	CHECK_EQ(xnb_vif_mac(E.vif, mac), -ENOENT);
	/* An MTU before there is a frontend device: not created for it. */
	CHECK_EQ(xnb_vif_set_mtu(E.vif, 9000), 0);
	CHECK(is(BE "/mtu", "9000"));
	CHECK(get(FE "/mtu") == NULL);
	CHECK(get(FE "/state") == NULL);

	attach(FE, "00:16:3e:00:00:01");
	CHECK_EQ(be_state(), XNB_XB_INITIALISING); /* libxl waits */
	CHECK(get(BE "/feature-sg") == NULL);
	pump();
	CHECK_EQ(be_state(), XNB_XB_INITWAIT);
	CHECK(is(BE "/feature-sg", "1"));
	CHECK(is(BE "/feature-rx-copy", "1"));
	CHECK(is(BE "/multi-queue-max-queues", "2"));
	CHECK(is(BE "/mtu", "9000"));
	CHECK(is(FE "/mtu", "9000"));
	CHECK(is(FE "/state", "1"));
	CHECK_EQ(xnb_vif_mac(E.vif, mac), 0);
	CHECK(memcmp(mac, "\x00\x16\x3e\x00\x00\x01", 6) == 0);
	CHECK_EQ(E.mac_changes, 1);
	CHECK(strcmp(xnb_vif_frontend_path(E.vif), FE) == 0);
	CHECK(!xnb_vif_removed(E.vif));

	frontend_keys(1, false);
	fe_state(XNB_XB_CONNECTED);
	CHECK_EQ(be_state(), XNB_XB_CONNECTED);
	CHECK_EQ(E.link_up, 1);
	CHECK_EQ(E.link_down, 0);
	CHECK(strcmp(E.events, "MU") == 0);
	env_teardown();
}

/* The toolstack writes the device while the vif's probe is under way:
 * the probe is retried on the new keys, never answers the old ones. */
static void
toolstack_commits(struct fake_hv *f)
{
	CHECK(f == E.f);
	attach(FE, "00:16:3e:00:00:02");
	f->txn_eagain = 1; /* our transaction read what changed */
}

static void
test_probe_races_attach(void)
{
	uint8_t mac[6];

	memset(&E, 0, sizeof(E));
	E.f = fake_hv_new();
	E.f->txn_hook = toolstack_commits;
	create_bare();
	CHECK(E.f->txn_hook == NULL);
	CHECK_EQ(be_state(), XNB_XB_INITWAIT);
	CHECK(is(BE "/feature-sg", "1"));
	CHECK_EQ(xnb_vif_mac(E.vif, mac), 0);
	CHECK(memcmp(mac, "\x00\x16\x3e\x00\x00\x02", 6) == 0);
	pump();
	CHECK_EQ(be_state(), XNB_XB_INITWAIT);
	CHECK_EQ(E.mac_changes, 0); /* known at create already */
	frontend_keys(1, false);
	fe_state(XNB_XB_CONNECTED);
	CHECK_EQ(be_state(), XNB_XB_CONNECTED);
	env_teardown();
}

/* network-detach, then network-attach of the same device, to an owner
 * that keeps the vif. */
static void
test_detach_attach(void)
{
	uint8_t mac[6];

	env_open(2, true);
	frontend_keys(1, false);
	fe_state(XNB_XB_CONNECTED);
	CHECK_EQ(E.link_up, 1);
	/* libxl: Closing + offline, wait for Closed, remove. */
	fake_xs_set(E.f, BE "/online", "0");
	fake_xs_set(E.f, BE "/state", "5");
	pump();
	CHECK_EQ(be_state(), XNB_XB_CLOSING);
	fe_state(XNB_XB_CLOSED);
	CHECK_EQ(be_state(), XNB_XB_CLOSED);
	CHECK(xnb_vif_removed(E.vif));
	fake_xs_rm(E.f, FE);
	fake_xs_rm(E.f, BE);
	pump();
	CHECK(get(BE "/state") == NULL);
	/* Kept, not written into a device the toolstack removed. */
	CHECK_EQ(xnb_vif_set_mtu(E.vif, 1400), 0);
	CHECK(get(BE "/mtu") == NULL);

	/* Attached again, the toolstack naming another frontend path. */
	attach(FE2, "00:16:3e:00:00:09");
	pump();
	CHECK(!xnb_vif_removed(E.vif));
	CHECK_EQ(be_state(), XNB_XB_INITWAIT);
	CHECK(strcmp(xnb_vif_frontend_path(E.vif), FE2) == 0);
	CHECK_EQ(xnb_vif_mac(E.vif, mac), 0);
	CHECK(memcmp(mac, "\x00\x16\x3e\x00\x00\x09", 6) == 0);
	CHECK_EQ(E.mac_changes, 1);
	CHECK(is(BE "/feature-split-event-channels", "1"));
	CHECK(is(BE "/mtu", "1400"));
	CHECK(is(FE2 "/mtu", "1400"));
	/* The watches moved: the old path means nothing now. */
	CHECK_EQ(E.f->nr_watches, 4);
	fake_xs_set(E.f, FE "/state", "4");
	pump();
	CHECK_EQ(be_state(), XNB_XB_INITWAIT);
	frontend_keys_at(FE2, 1, true);
	fe_state_at(FE2, XNB_XB_CONNECTED);
	CHECK_EQ(be_state(), XNB_XB_CONNECTED);
	CHECK(xnb_vif_features(E.vif)->split_evtchn);
	CHECK_EQ(E.link_up, 2);
	CHECK(strcmp(E.events, "UDMU") == 0);
	env_teardown();
}

/* By default REMOVE is final: the owner destroys the vif and creates a
 * new one for the new device, which the old one must leave alone. */
static void
test_removed_is_final(void)
{
	env_setup(2);
	fake_xs_set(E.f, BE "/online", "0");
	pump();
	CHECK(xnb_vif_removed(E.vif));
	CHECK_EQ(be_state(), XNB_XB_CLOSED);
	fake_xs_rm(E.f, FE);
	fake_xs_rm(E.f, BE);
	pump();
	attach(FE, MAC);
	pump();
	CHECK(xnb_vif_removed(E.vif));
	CHECK_EQ(be_state(), XNB_XB_INITIALISING);
	CHECK(get(BE "/feature-sg") == NULL);
	/* Its destruction writes nothing into the new device either. */
	xnb_vif_destroy(E.vif);
	E.vif = NULL;
	CHECK_EQ(be_state(), XNB_XB_INITIALISING);
	env_teardown();
}

/* Detach and attach while the control thread was busy: all the events
 * come at once, and the stale connection must still go down first. */
static void
test_detach_attach_coalesced(void)
{
	env_setup(2);
	frontend_keys(1, false);
	fe_state(XNB_XB_CONNECTED);
	CHECK_EQ(E.f->mapped, 2);
	fake_xs_set(E.f, BE "/online", "0");
	fake_xs_set(E.f, BE "/state", "5");
	fake_xs_rm(E.f, FE);
	fake_xs_rm(E.f, BE);
	attach(FE, MAC);
	pump();
	CHECK_EQ(be_state(), XNB_XB_INITWAIT);
	CHECK(!xnb_vif_removed(E.vif));
	CHECK_EQ(E.link_down, 1);
	CHECK_EQ(E.f->mapped, 0);
	CHECK_EQ(E.f->bound, 0);
	CHECK_EQ(E.mac_changes, 0); /* the same MAC */
	CHECK(is(BE "/feature-sg", "1"));
	frontend_keys(1, false);
	fe_state(XNB_XB_CONNECTED);
	CHECK_EQ(be_state(), XNB_XB_CONNECTED);
	CHECK_EQ(E.link_up, 2);
	CHECK(strcmp(E.events, "UDU") == 0);
	env_teardown();
}

/* The frontend's events came while the device was removed (and were
 * ignored): the reprobe reads its state instead of waiting for more. */
static void
test_reprobe_reads_frontend(void)
{
	env_open(2, true);
	fake_xs_set(E.f, BE "/online", "0");
	pump();
	CHECK(xnb_vif_removed(E.vif));
	frontend_keys(1, false);
	fake_xs_set(E.f, FE "/state", "4");
	pump();
	CHECK_EQ(be_state(), XNB_XB_CLOSED);
	fake_xs_set(E.f, BE "/online", "1");
	fake_xs_set(E.f, BE "/state", "1");
	pump();
	CHECK_EQ(be_state(), XNB_XB_CONNECTED);
	CHECK_EQ(E.link_up, 1);
	env_teardown();
}

/* A frontend left Closed by an earlier connection does not close a
 * backend that waits for it; it reconnects when it starts again. */
static void
test_closed_frontend_left_over(void)
{
	struct xnb_vif_conf conf = {
		.domid = FAKE_DOMID, .devid = 0, .cb = &cb, .cb_arg = &E,
	};

	memset(&E, 0, sizeof(E));
	E.f = fake_hv_new();
	toolstack();
	fake_xs_set(E.f, FE "/state", "6");
	conf.hv = &E.f->hv;
	E.vif = xnb_vif_create(&conf);
	CHECK(E.vif != NULL);
	pump();
	CHECK_EQ(be_state(), XNB_XB_INITWAIT);
	fe_state(XNB_XB_INITIALISING);
	CHECK_EQ(be_state(), XNB_XB_INITWAIT);
	frontend_keys(1, false);
	fe_state(XNB_XB_CONNECTED);
	CHECK_EQ(be_state(), XNB_XB_CONNECTED);
	env_teardown();
}

/* "frontend" values that must not be followed (the default is used). */
static void
test_hostile_frontend_path(void)
{
	static const char *const bad[] = {
		"", "/", "local/domain/7/device/vif/0", "/local/domain/7",
		"/local/domain/7/", "/local/domain/70/device/vif/0",
		"/local/domain/7//device/vif/0", "/local/domain/7/device/",
		"/local/domain/7/../0/backend/vif/7/0",
		"/local/domain/7/device/vif/0 ", "/local/domain/7/dev ice",
		"/local/domain/0/backend/vif/7/0", "/local/domain/7/x\n",
		"/local/domain/7/@introduceDomain",
	};
	static const char nul[] = "/local/domain/7/de\0vice/vif/0";
	char big[400];
	unsigned int i;

	rte_log_set_level(xnb_logtype, RTE_LOG_CRIT);
	env_setup(2);
	for (i = 0; i <= RTE_DIM(bad) + 1; i++) {
		if (i < RTE_DIM(bad)) {
			fake_xs_set(E.f, BE "/frontend", "%s", bad[i]);
		} else if (i == RTE_DIM(bad)) {
			CHECK_EQ(E.f->hv.ops->xs_write(&E.f->hv,
				XNB_XS_TXN_NULL, BE "/frontend", nul,
				sizeof(nul) - 1), 0);
		} else {
			memset(big, 'a', sizeof(big));
			memcpy(big, "/local/domain/7/", 16);
			big[sizeof(big) - 1] = '\0';
			fake_xs_set(E.f, BE "/frontend", "%s", big);
		}
		fake_xs_set(E.f, BE "/state", "1");
		pump();
		CHECK_EQ(be_state(), XNB_XB_INITWAIT);
		CHECK(strcmp(xnb_vif_frontend_path(E.vif), FE) == 0);
	}
	/* A plain path inside the guest is followed. */
	fake_xs_set(E.f, BE "/frontend", FE2);
	fake_xs_set(E.f, BE "/state", "1");
	pump();
	CHECK(strcmp(xnb_vif_frontend_path(E.vif), FE2) == 0);
	CHECK_EQ(E.f->nr_watches, 4);
	/* Garbage in the backend's own keys is no reprobe. */
	fake_xs_set(E.f, BE "/state", "1x");
	pump();
	CHECK(is(BE "/state", "1x"));
	fake_xs_set(E.f, BE "/state", "1");
	fake_xs_set(E.f, BE "/online", "0");
	pump();
	CHECK_EQ(be_state(), XNB_XB_CLOSED);
	CHECK(xnb_vif_removed(E.vif));
	env_teardown();
	rte_log_set_level(xnb_logtype, RTE_LOG_NOTICE);
}

static void
test_mtu(void)
{
	env_setup(2);
	CHECK_EQ(xnb_vif_set_mtu(E.vif, 0), -EINVAL);
	CHECK_EQ(xnb_vif_set_mtu(E.vif, XNB_VIF_MIN_MTU - 1), -EINVAL);
	CHECK_EQ(xnb_vif_set_mtu(E.vif, XNB_VIF_MAX_MTU + 1), -EINVAL);
	CHECK_EQ(xnb_vif_set_mtu(E.vif, UINT32_MAX), -EINVAL);
	CHECK(get(BE "/mtu") == NULL);
	CHECK(get(FE "/mtu") == NULL);
	CHECK_EQ(xnb_vif_set_mtu(E.vif, XNB_VIF_MIN_MTU), 0);
	CHECK(is(BE "/mtu", "68"));
	CHECK(is(FE "/mtu", "68"));
	CHECK_EQ(xnb_vif_set_mtu(E.vif, XNB_VIF_MAX_MTU), 0);
	CHECK(is(BE "/mtu", "65517"));
	CHECK(is(FE "/mtu", "65517"));
	/* Connected: written at once as well. */
	frontend_keys(1, false);
	fe_state(XNB_XB_CONNECTED);
	CHECK_EQ(xnb_vif_set_mtu(E.vif, 1500), 0);
	CHECK(is(FE "/mtu", "1500"));
	CHECK(xnb_vif_connected(E.vif));
	/* The guest's device is gone: nothing is created in its tree. */
	fake_xs_rm(E.f, "/local/domain/7");
	pump();
	CHECK_EQ(xnb_vif_set_mtu(E.vif, 9000), 0);
	CHECK(is(BE "/mtu", "9000"));
	CHECK(get(FE "/mtu") == NULL);
	CHECK(get(FE "/state") == NULL);
	env_teardown();
}

/* The MAC is read again before each connection. */
static void
test_mac_at_connect(void)
{
	uint8_t mac[6];

	env_setup(2);
	fake_xs_set(E.f, BE "/mac", "00:16:3e:11:22:33");
	pump();
	CHECK_EQ(E.mac_changes, 0);
	frontend_keys(1, false);
	fe_state(XNB_XB_CONNECTED);
	CHECK_EQ(E.mac_changes, 1);
	CHECK(strcmp(E.events, "MU") == 0);
	CHECK_EQ(xnb_vif_mac(E.vif, mac), 0);
	CHECK(memcmp(mac, "\x00\x16\x3e\x11\x22\x33", 6) == 0);
	/* Garbage from the toolstack: no MAC. */
	fake_xs_set(E.f, BE "/mac", "00:16:3e:11:22:3g");
	fe_state(XNB_XB_CLOSING);
	fe_state(XNB_XB_CLOSED);
	fe_state(XNB_XB_INITIALISING);
	frontend_keys(1, false);
	fe_state(XNB_XB_CONNECTED);
	CHECK_EQ(be_state(), XNB_XB_CONNECTED);
	CHECK_EQ(E.mac_changes, 2);
	CHECK_EQ(xnb_vif_mac(E.vif, mac), -ENOENT);
	CHECK(strcmp(E.events, "MUDMU") == 0);
	env_teardown();
}

int
main(void)
{
	RUN(test_features_advertised);
	RUN(test_connect_single);
	RUN(test_connect_multi_queue);
	RUN(test_hostile_keys);
	RUN(test_fatal_datapath);
	RUN(test_toolstack_and_death);
	RUN(test_reconfigure_and_mcast);
	RUN(test_ctrl_ring);
	RUN(test_paths_and_mac);
	RUN(test_created_before_attach);
	RUN(test_probe_races_attach);
	RUN(test_detach_attach);
	RUN(test_detach_attach_coalesced);
	RUN(test_removed_is_final);
	RUN(test_reprobe_reads_frontend);
	RUN(test_closed_frontend_left_over);
	RUN(test_graceful_close);
	RUN(test_hostile_frontend_path);
	RUN(test_mtu);
	RUN(test_mac_at_connect);
	return 0;
}
