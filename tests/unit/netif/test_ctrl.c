/* SPDX-License-Identifier: BSD-3-Clause */
/* Control ring: hash configuration requests, validation, queue steering. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define XEN_NETIF_DEFINE_TOEPLITZ /* the reference implementation */
#include "check.h"
#include "fake_hv.h"
#include "xnb_ctrl.h"
#include "xnb_log.h"
#include "xnb_ring.h"

#define RING_PAGE 0
#define KEY_PAGE 1
#define MAP_PAGE 2
#define REMOTE_PORT 9
#define NUM_QUEUES 4

/* The Microsoft RSS verification key. */
static const uint8_t ms_key[40] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
	0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
	0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

struct env {
	struct fake_hv *f;
	struct xnb_ctrl *ctrl;
	struct xnb_hv_evtchn *ec;
	uint32_t port;
	xen_netif_ctrl_front_ring_t front;
	uint32_t key_gref;
	uint32_t map_gref;
	uint16_t next_id;
};

static struct env E;

static void
env_setup(void)
{
	xen_netif_ctrl_sring_t *s;
	int port;

	memset(&E, 0, sizeof(E));
	E.f = fake_hv_new();
	E.ctrl = xnb_ctrl_create(&E.f->hv);
	CHECK(E.ctrl != NULL);
	E.ec = E.f->hv.ops->evtchn_open(&E.f->hv);
	port = E.f->hv.ops->evtchn_bind(E.ec, FAKE_DOMID, REMOTE_PORT);
	CHECK(port > 0);
	E.port = port;
	s = fake_page(E.f, RING_PAGE);
	XEN_FRONT_RING_INIT(&E.front, s, XNB_PAGE_SIZE);
	E.key_gref = fake_grant(E.f, KEY_PAGE, true);
	E.map_gref = fake_grant(E.f, MAP_PAGE, true);
	memcpy(fake_page(E.f, KEY_PAGE), ms_key, sizeof(ms_key));
	CHECK_EQ(xnb_ctrl_attach(E.ctrl, FAKE_DOMID, s, E.ec, E.port,
				 NUM_QUEUES), 0);
}

static void
env_teardown(void)
{
	xnb_ctrl_detach(E.ctrl);
	xnb_ctrl_destroy(E.ctrl);
	E.f->hv.ops->evtchn_unbind(E.ec, E.port);
	E.f->hv.ops->evtchn_close(E.ec);
	fake_hv_free(E.f);
}

static void
send(uint16_t type, uint32_t d0, uint32_t d1, uint32_t d2)
{
	struct xen_netif_ctrl_request *r = RING_GET_REQUEST(&E.front,
		E.front.req_prod_pvt++);

	r->id = E.next_id++;
	r->type = type;
	r->data[0] = d0;
	r->data[1] = d1;
	r->data[2] = d2;
}

/* Send one request, serve it, return its status (and data). */
static uint32_t
request(uint16_t type, uint32_t d0, uint32_t d1, uint32_t d2,
	uint32_t *data)
{
	struct xen_netif_ctrl_response *rsp;
	uint16_t id = E.next_id;

	send(type, d0, d1, d2);
	RING_PUSH_REQUESTS(&E.front);
	CHECK_EQ(xnb_ctrl_process(E.ctrl), 1);
	CHECK(E.front.rsp_cons != E.front.sring->rsp_prod);
	rsp = RING_GET_RESPONSE(&E.front, E.front.rsp_cons++);
	CHECK_EQ(rsp->id, id);
	CHECK_EQ(rsp->type, type);
	if (data != NULL)
		*data = rsp->data;
	return rsp->status;
}

#define OK XEN_NETIF_CTRL_STATUS_SUCCESS
#define NOTSUP XEN_NETIF_CTRL_STATUS_NOT_SUPPORTED
#define INVAL XEN_NETIF_CTRL_STATUS_INVALID_PARAMETER
#define OVERFLOW XEN_NETIF_CTRL_STATUS_BUFFER_OVERFLOW

/* An Ethernet + IPv4 + TCP frame 66.9.149.187:2794 -> 161.142.100.80:1766
 * (the RSS verification suite's first vector). */
static unsigned int
ipv4_tcp_frame(uint8_t *p, bool vlan)
{
	static const uint8_t ip[] = {
		0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0,
		66, 9, 149, 187, 161, 142, 100, 80,
		0x0a, 0xea, 0x06, 0xe6, /* ports 2794, 1766 */
	};
	unsigned int l2 = vlan ? 18 : 14;

	memset(p, 0, 128);
	if (vlan) {
		p[12] = 0x81;
		p[16] = 0x08;
	} else {
		p[12] = 0x08;
	}
	memcpy(p + l2, ip, sizeof(ip));
	return l2 + 40;
}

static unsigned int
ipv6_tcp_frame(uint8_t *p)
{
	unsigned int i;

	memset(p, 0, 128);
	p[12] = 0x86;
	p[13] = 0xdd;
	p[14] = 0x60;
	p[14 + 6] = 6; /* next header TCP */
	for (i = 0; i < 32; i++)
		p[14 + 8 + i] = 0x20 + i;
	p[54] = 0x12;
	p[55] = 0x34;
	p[56] = 0x56;
	p[57] = 0x78;
	return 14 + 40 + 20;
}

static void
configure_toeplitz(uint32_t flags)
{
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM,
			 XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ, 0, 0, NULL), OK);
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_SET_HASH_KEY, E.key_gref, 40, 0,
			 NULL), OK);
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS, flags, 0, 0,
			 NULL), OK);
}

static void
test_requests(void)
{
	uint32_t data;

	env_setup();
	/* Nothing works before an algorithm is chosen. */
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_GET_HASH_FLAGS, 0, 0, 0, NULL),
		 NOTSUP);
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS, 1, 0, 0, NULL),
		 NOTSUP);
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM, 2, 0, 0,
			 NULL), INVAL);
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM,
			 XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ, 0, 0, NULL), OK);
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_GET_HASH_FLAGS, 0, 0, 0, &data),
		 OK);
	CHECK_EQ(data, 0xf);
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS, 0x10, 0, 0, NULL),
		 INVAL);
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS, 0x3, 0, 0, NULL),
		 OK);
	/* Keys: size bound, grant errors. */
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_SET_HASH_KEY, E.key_gref, 41, 0,
			 NULL), OVERFLOW);
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_SET_HASH_KEY, 999, 40, 0, NULL),
		 INVAL);
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_SET_HASH_KEY, E.key_gref, 40, 0,
			 NULL), OK);
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_SET_HASH_KEY, 999, 0, 0, NULL),
		 OK); /* an empty key needs no grant */
	/* Mapping size. */
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_GET_HASH_MAPPING_SIZE, 0, 0, 0,
			 &data), OK);
	CHECK_EQ(data, XNB_CTRL_MAX_MAPPING);
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE,
			 XNB_CTRL_MAX_MAPPING + 1, 0, 0, NULL), INVAL);
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE, 8, 0, 0,
			 NULL), OK);
	/* Unsupported types. */
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_INVALID, 0, 0, 0, NULL), NOTSUP);
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_GET_GREF_MAPPING_SIZE, 0, 0, 0,
			 NULL), NOTSUP);
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_ADD_GREF_MAPPING, 0, 1, 1, NULL),
		 NOTSUP);
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_DEL_GREF_MAPPING, 0, 1, 1, NULL),
		 NOTSUP);
	CHECK_EQ(request(0xffff, 0, 0, 0, NULL), NOTSUP);
	CHECK_EQ(xnb_ctrl_stats(E.ctrl)->requests, 19);
	CHECK_EQ(xnb_ctrl_stats(E.ctrl)->errors, 12);
	env_teardown();
}

static void
test_mapping(void)
{
	uint32_t *m;
	unsigned int i;

	env_setup();
	m = fake_page(E.f, MAP_PAGE);
	configure_toeplitz(0);
	/* Size 0: modulo the number of queues. */
	for (i = 0; i < 16; i++)
		CHECK_EQ(xnb_ctrl_queue(E.ctrl, i), i % NUM_QUEUES);
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE, 8, 0, 0,
			 NULL), OK);
	/* A fresh table is all zeros. */
	for (i = 0; i < 16; i++)
		CHECK_EQ(xnb_ctrl_queue(E.ctrl, i), 0);
	for (i = 0; i < 8; i++)
		m[i] = 3 - i % 4;
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING, E.map_gref, 8,
			 0, NULL), OK);
	for (i = 0; i < 16; i++)
		CHECK_EQ(xnb_ctrl_queue(E.ctrl, i), 3 - i % 4);
	/* One bad entry rejects the whole update; the old table stays. */
	m[0] = 1;
	m[1] = NUM_QUEUES;
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING, E.map_gref, 2,
			 4, NULL), INVAL);
	for (i = 0; i < 8; i++)
		CHECK_EQ(xnb_ctrl_queue(E.ctrl, i), 3 - i % 4);
	m[1] = 0xffffffff;
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING, E.map_gref, 2,
			 4, NULL), INVAL);
	/* Sub-table: only [6, 8) changes. */
	m[0] = 0;
	m[1] = 0;
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING, E.map_gref, 2,
			 6, NULL), OK);
	CHECK_EQ(xnb_ctrl_queue(E.ctrl, 5), 2);
	CHECK_EQ(xnb_ctrl_queue(E.ctrl, 6), 0);
	CHECK_EQ(xnb_ctrl_queue(E.ctrl, 7), 0);
	/* Out of range, overflowing, too large, bad grant. */
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING, E.map_gref, 2,
			 7, NULL), INVAL);
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING, E.map_gref, 2,
			 0xffffffff, NULL), INVAL);
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING, E.map_gref,
			 1025, 0, NULL), OVERFLOW);
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING, E.map_gref,
			 0x40000001, 0, NULL), OVERFLOW);
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING, 4000, 2, 0,
			 NULL), INVAL);
	CHECK_EQ(xnb_ctrl_queue(E.ctrl, 0), 3);
	CHECK_EQ(xnb_ctrl_queue(E.ctrl, 6), 0);
	/* A new size invalidates the table. */
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE, 4, 0, 0,
			 NULL), OK);
	CHECK_EQ(xnb_ctrl_queue(E.ctrl, 0), 0);
	env_teardown();
}

static void
test_hash(void)
{
	uint8_t frame[128];
	uint32_t hash, want;
	unsigned int len;
	uint8_t type;

	env_setup();
	len = ipv4_tcp_frame(frame, false);
	/* Off until configured. */
	CHECK_EQ(xnb_ctrl_hash(E.ctrl, frame, len, &hash, &type), -ENOENT);
	CHECK_EQ(xnb_ctrl_select_queue(E.ctrl, frame, len), 0);

	configure_toeplitz(XEN_NETIF_CTRL_HASH_TYPE_IPV4 |
			   XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP |
			   XEN_NETIF_CTRL_HASH_TYPE_IPV6);
	CHECK_EQ(xnb_ctrl_hash(E.ctrl, frame, len, &hash, &type), 0);
	CHECK_EQ(type, _XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP);
	CHECK_EQ(hash, 0x51ccc178); /* the published vector */
	CHECK_EQ(hash, xen_netif_toeplitz_hash(ms_key, 40, frame + 26, 12));
	CHECK_EQ(xnb_ctrl_select_queue(E.ctrl, frame, len),
		 0x51ccc178 % NUM_QUEUES);
	/* The same behind a VLAN tag. */
	len = ipv4_tcp_frame(frame, true);
	CHECK_EQ(xnb_ctrl_hash(E.ctrl, frame, len, &hash, &type), 0);
	CHECK_EQ(hash, 0x51ccc178);
	/* A later fragment has no ports: address hash. */
	frame[18 + 7] = 0x10;
	CHECK_EQ(xnb_ctrl_hash(E.ctrl, frame, len, &hash, &type), 0);
	CHECK_EQ(type, _XEN_NETIF_CTRL_HASH_TYPE_IPV4);
	CHECK_EQ(hash, 0x323e8fc2); /* published 2-tuple vector */
	/* IPv6: only the address type is enabled. */
	len = ipv6_tcp_frame(frame);
	CHECK_EQ(xnb_ctrl_hash(E.ctrl, frame, len, &hash, &type), 0);
	CHECK_EQ(type, _XEN_NETIF_CTRL_HASH_TYPE_IPV6);
	CHECK_EQ(hash, xen_netif_toeplitz_hash(ms_key, 40, frame + 22, 32));
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS, 0xf, 0, 0, NULL),
		 OK);
	CHECK_EQ(xnb_ctrl_hash(E.ctrl, frame, len, &hash, &type), 0);
	CHECK_EQ(type, _XEN_NETIF_CTRL_HASH_TYPE_IPV6_TCP);
	CHECK_EQ(hash, xen_netif_toeplitz_hash(ms_key, 40, frame + 22, 36));
	/* A short key is zero-padded. */
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_SET_HASH_KEY, E.key_gref, 16, 0,
			 NULL), OK);
	CHECK_EQ(xnb_ctrl_hash(E.ctrl, frame, len, &hash, &type), 0);
	want = xen_netif_toeplitz_hash(ms_key, 16, frame + 22, 36);
	CHECK_EQ(hash, want);
	/* Truncated and non-IP frames have no hash. */
	CHECK_EQ(xnb_ctrl_hash(E.ctrl, frame, 50, &hash, &type), -ENOENT);
	CHECK_EQ(xnb_ctrl_hash(E.ctrl, frame, 10, &hash, &type), -ENOENT);
	frame[12] = 0x08;
	frame[13] = 0x06; /* ARP */
	CHECK_EQ(xnb_ctrl_hash(E.ctrl, frame, len, &hash, &type), -ENOENT);
	/* Algorithm none turns it off. */
	CHECK_EQ(request(XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM,
			 XEN_NETIF_CTRL_HASH_ALGORITHM_NONE, 0, 0, NULL), OK);
	len = ipv4_tcp_frame(frame, false);
	CHECK_EQ(xnb_ctrl_hash(E.ctrl, frame, len, &hash, &type), -ENOENT);
	env_teardown();
}

static void
test_ring(void)
{
	xen_netif_ctrl_sring_t *s;
	unsigned int i;

	env_setup();
	/* Batches are served in one call, in order, with one notify. */
	for (i = 0; i < 5; i++)
		send(XEN_NETIF_CTRL_TYPE_GET_HASH_MAPPING_SIZE, 0, 0, 0);
	RING_PUSH_REQUESTS(&E.front);
	CHECK_EQ(xnb_ctrl_process(E.ctrl), 5);
	CHECK_EQ(E.front.sring->rsp_prod, 5);
	CHECK_EQ(fake_notified(E.f, E.port), 1);
	CHECK_EQ(E.front.sring->req_event, 6);
	CHECK_EQ(xnb_ctrl_process(E.ctrl), 0);
	/* Overrun is fatal. */
	E.front.sring->req_prod += XNB_CTRL_RING_SIZE + 1;
	CHECK_EQ(xnb_ctrl_process(E.ctrl), -EPROTO);
	env_teardown();

	/* A corrupt ring is refused at attach. */
	env_setup();
	xnb_ctrl_detach(E.ctrl);
	CHECK_EQ(xnb_ctrl_process(E.ctrl), 0);
	s = fake_page(E.f, RING_PAGE);
	s->req_prod = s->rsp_prod + XNB_CTRL_RING_SIZE + 1;
	CHECK_EQ(xnb_ctrl_attach(E.ctrl, FAKE_DOMID, s, E.ec, E.port, 1),
		 -EPROTO);
	CHECK_EQ(xnb_ctrl_attach(E.ctrl, FAKE_DOMID, s, E.ec, E.port, 0),
		 -EINVAL);
	env_teardown();
}

/* Random requests: every one answered with a defined status. */
static void
test_garbage(void)
{
	unsigned int seed, i;

	rte_log_set_level(xnb_logtype, RTE_LOG_CRIT);
	env_setup();
	for (seed = 1; seed <= 2000; seed++) {
		struct xen_netif_ctrl_response *rsp;

		srandom(seed);
		send(random() % 12, random() % 3 ? random() % 200 :
		     (uint32_t)random(), random() % 3 ? random() % 200 :
		     (uint32_t)random(), random() % 3 ? random() % 200 :
		     (uint32_t)random());
		RING_PUSH_REQUESTS(&E.front);
		CHECK_EQ(xnb_ctrl_process(E.ctrl), 1);
		rsp = RING_GET_RESPONSE(&E.front, E.front.rsp_cons++);
		CHECK(rsp->status <= OVERFLOW);
		for (i = 0; i < 8; i++)
			CHECK(xnb_ctrl_queue(E.ctrl, random()) < NUM_QUEUES);
	}
	env_teardown();
}

int
main(void)
{
	RUN(test_requests);
	RUN(test_mapping);
	RUN(test_hash);
	RUN(test_ring);
	RUN(test_garbage);
	return 0;
}
