/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Guest Rx queue selection of a multi-queue guest (eth_xen_spread.c):
 * one flow always gets one queue and varied flows reach every queue, for
 * IPv4/IPv6 TCP/UDP (behind VLAN tags), fragments (by addresses only),
 * other frames (by Ethernet addresses); an mbuf RSS hash is used as is;
 * the guest's control-ring Toeplitz mapping wins where it covers the
 * frame; any bytes give a queue below the number of queues.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

#include "eth_xen_spread.h"
#include "fake_hv.h"
#include "xnb_ctrl.h"
#include "xnb_ring.h"

#define NB_MBUFS 64
#define FLOWS 256
#define MAX_NQ 16
#define HOSTILE_ROUNDS 20000

static struct rte_mempool *pool;
static int failures;

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: %s: ", __func__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		failures++; \
	} \
} while (0)

/* What a test frame looks like. */
struct frame {
	uint16_t vlans;     /* VLAN tags before the L3 type */
	uint16_t type;      /* ethertype */
	uint8_t proto;      /* IP protocol */
	uint8_t src_mac_lo;
	uint16_t sport;
	uint16_t frag;      /* IPv4 fragment_offset field (host order) */
	uint8_t fill;       /* payload byte */
};

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

/* A 128-byte frame as f says, in a fresh mbuf. */
static struct rte_mbuf *
frame_mbuf(const struct frame *f)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *p;
	unsigned int off = 12, i;

	if (m == NULL) {
		fprintf(stderr, "mbuf pool empty\n");
		exit(1);
	}
	m->data_len = 128;
	m->pkt_len = 128;
	p = rte_pktmbuf_mtod(m, uint8_t *);
	memset(p, f->fill, 128);
	memcpy(p, "\x00\x16\x3e\x00\x00\x02\x00\x16\x3e\x00\x00", 11);
	p[11] = f->src_mac_lo;
	for (i = 0; i < f->vlans; i++, off += 4) {
		put16(p + off, i == 0 && f->vlans > 1 ? RTE_ETHER_TYPE_QINQ :
			       RTE_ETHER_TYPE_VLAN);
		put16(p + off + 2, (uint16_t)(100 + i));
	}
	put16(p + off, f->type);
	off += 2;
	if (f->type == RTE_ETHER_TYPE_IPV4) {
		p[off] = 0x45;
		put16(p + off + 6, f->frag);
		p[off + 9] = f->proto;
		memcpy(p + off + 12, "\xc6\x12\x00\x01\xc6\x13\x00\x01", 8);
		off += 20;
	} else if (f->type == RTE_ETHER_TYPE_IPV6) {
		p[off] = 0x60;
		p[off + 6] = f->proto;
		for (i = 0; i < 32; i++)
			p[off + 8 + i] = (uint8_t)(0x20 + i);
		off += 40;
	}
	put16(p + off, f->sport);
	put16(p + off + 2, 80);
	return m;
}

static uint16_t
pick(const struct xnb_ctrl *ctrl, const struct frame *f, uint16_t nq)
{
	struct rte_mbuf *m = frame_mbuf(f);
	uint16_t q = eth_xen_tx_pick(ctrl, m, nq);

	rte_pktmbuf_free(m);
	return q;
}

/*
 * FLOWS flows (source ports) of base: each gets the same queue every time
 * and whatever its payload; with by_port the flows use every queue, else
 * (ports not part of the flow) all of them the same one.
 */
static void
check_flows(const char *what, const struct frame *base, uint16_t nq,
	    bool by_port)
{
	unsigned int used[MAX_NQ] = { 0 };
	struct frame f = *base;
	uint16_t q, first = 0, i;
	unsigned int n;

	for (i = 0; i < FLOWS; i++) {
		f.sport = (uint16_t)(32768 + i);
		f.fill = 0;
		q = pick(NULL, &f, nq);
		CHECK(q < nq, "%s: queue %u of %u", what, q, nq);
		if (q >= nq)
			return;
		f.fill = 0xa5;
		CHECK(pick(NULL, &f, nq) == q, "%s: flow %u moved", what, i);
		CHECK(pick(NULL, &f, nq) == q, "%s: flow %u moved", what, i);
		if (i == 0)
			first = q;
		if (!by_port)
			CHECK(q == first, "%s: port %u gave queue %u, not %u",
			      what, f.sport, q, first);
		used[q]++;
	}
	if (!by_port)
		return;
	for (n = 0; n < nq; n++)
		CHECK(used[n] > 0, "%s: queue %u of %u unused", what, n, nq);
}

static void
test_flows(void)
{
	static const uint16_t nqs[] = { 2, 3, 4, 16 };
	struct frame f;
	unsigned int i;

	for (i = 0; i < RTE_DIM(nqs); i++) {
		memset(&f, 0, sizeof(f));
		f.type = RTE_ETHER_TYPE_IPV4;
		f.proto = IPPROTO_TCP;
		check_flows("ipv4 tcp", &f, nqs[i], true);
		f.proto = IPPROTO_UDP;
		check_flows("ipv4 udp", &f, nqs[i], true);
		f.vlans = 2;
		check_flows("ipv4 udp qinq", &f, nqs[i], true);
		f.vlans = 1;
		f.type = RTE_ETHER_TYPE_IPV6;
		f.proto = IPPROTO_TCP;
		check_flows("ipv6 tcp vlan", &f, nqs[i], true);
		f.vlans = 0;
		check_flows("ipv6 tcp", &f, nqs[i], true);
		/* No ports: by addresses. */
		f.proto = IPPROTO_ICMPV6;
		check_flows("ipv6 icmp", &f, nqs[i], false);
		f.type = RTE_ETHER_TYPE_IPV4;
		f.proto = IPPROTO_TCP;
		f.frag = RTE_IPV4_HDR_MF_FLAG;
		check_flows("ipv4 first fragment", &f, nqs[i], false);
		f.frag = 185;
		check_flows("ipv4 last fragment", &f, nqs[i], false);
		f.frag = RTE_IPV4_HDR_DF_FLAG;
		check_flows("ipv4 tcp df", &f, nqs[i], true);
		/* Not IP: by Ethernet addresses and type. */
		f.type = 0x88b5;
		check_flows("l2", &f, nqs[i], false);
	}
}

/* Frames of another protocol go by their Ethernet addresses. */
static void
test_l2(void)
{
	unsigned int used[2] = { 0 };
	struct frame f;
	unsigned int i;
	uint16_t q;

	memset(&f, 0, sizeof(f));
	f.type = 0x88b5;
	for (i = 0; i < FLOWS; i++) {
		f.src_mac_lo = (uint8_t)i;
		q = pick(NULL, &f, 2);
		CHECK(q < 2, "queue %u", q);
		if (q < 2)
			used[q]++;
	}
	CHECK(used[0] > 0 && used[1] > 0, "source MACs on queues %u/%u",
	      used[0], used[1]);
}

/* An RSS hash in the mbuf is the flow hash. */
static void
test_rss(void)
{
	struct rte_mbuf *m;
	struct frame f;
	uint32_t h;

	memset(&f, 0, sizeof(f));
	f.type = RTE_ETHER_TYPE_IPV4;
	f.proto = IPPROTO_TCP;
	m = frame_mbuf(&f);
	m->ol_flags |= RTE_MBUF_F_RX_RSS_HASH;
	for (h = 0; h < 64; h++) {
		m->hash.rss = h * 0x01010101u;
		CHECK(eth_xen_flow_hash(m) == h * 0x01010101u, "hash %u", h);
		CHECK(eth_xen_tx_pick(NULL, m, 3) == h * 0x01010101u % 3,
		      "hash %u", h);
		CHECK(eth_xen_tx_pick(NULL, m, 16) == h * 0x01010101u % 16,
		      "hash %u", h);
	}
	rte_pktmbuf_free(m);
}

/* Guest bytes of any kind and length: a queue in range, nothing read
 * beyond the data (ASan). */
static void
test_hostile(void)
{
	static const uint16_t types[] = {
		RTE_ETHER_TYPE_IPV4, RTE_ETHER_TYPE_IPV6, RTE_ETHER_TYPE_VLAN,
		RTE_ETHER_TYPE_QINQ,
	};
	struct rte_mbuf *m;
	unsigned int r, i, len;
	uint16_t nq, q;
	uint8_t *p;

	srandom(1);
	for (r = 0; r < HOSTILE_ROUNDS; r++) {
		m = rte_pktmbuf_alloc(pool);
		if (m == NULL) {
			CHECK(false, "mbuf pool empty");
			return;
		}
		len = (unsigned int)random() % 100;
		/* Exactly len bytes: the data ends at the buffer's end. */
		m->data_off = (uint16_t)(m->buf_len - len);
		m->data_len = (uint16_t)len;
		m->pkt_len = len;
		p = rte_pktmbuf_mtod(m, uint8_t *);
		for (i = 0; i < len; i++)
			p[i] = (uint8_t)random();
		/* Mostly plausible types, tags and versions. */
		for (i = 12; i + 1 < len && i < 22 && (random() & 3); i += 4) {
			put16(p + i, types[random() % RTE_DIM(types)]);
			if (i + 2 < len)
				p[i + 2] = (uint8_t)((random() & 1 ? 0x40 :
					0x60) | (random() & 0xf));
		}
		nq = (uint16_t)(1 + random() % 16);
		q = eth_xen_tx_pick(NULL, m, nq);
		CHECK(q < nq, "len %u: queue %u of %u", len, q, nq);
		rte_pktmbuf_free(m);
	}
}

/* The guest's control ring, served in-process (fake_hv). */
#define RING_PAGE 0
#define KEY_PAGE 1
#define MAP_PAGE 2
#define REMOTE_PORT 9
#define CTRL_QUEUES 2
#define MAP_SIZE 8

struct ctrl_env {
	struct fake_hv *f;
	struct xnb_ctrl *ctrl;
	struct xnb_hv_evtchn *ec;
	uint32_t port;
	xen_netif_ctrl_front_ring_t front;
	uint16_t next_id;
};

/* Send one request, have the backend serve it, return the status. */
static uint32_t
ctrl_request(struct ctrl_env *e, uint16_t type, uint32_t d0, uint32_t d1,
	     uint32_t d2)
{
	struct xen_netif_ctrl_request *r;
	struct xen_netif_ctrl_response *rsp;

	r = RING_GET_REQUEST(&e->front, e->front.req_prod_pvt++);
	r->id = e->next_id++;
	r->type = type;
	r->data[0] = d0;
	r->data[1] = d1;
	r->data[2] = d2;
	RING_PUSH_REQUESTS(&e->front);
	CHECK(xnb_ctrl_process(e->ctrl) == 1, "request %u not served", type);
	rsp = RING_GET_RESPONSE(&e->front, e->front.rsp_cons++);
	return rsp->status;
}

static int
ctrl_setup(struct ctrl_env *e)
{
	int port;

	memset(e, 0, sizeof(*e));
	e->f = fake_hv_new();
	if (e->f == NULL)
		return -1;
	e->ctrl = xnb_ctrl_create(&e->f->hv);
	e->ec = e->f->hv.ops->evtchn_open(&e->f->hv);
	port = e->f->hv.ops->evtchn_bind(e->ec, FAKE_DOMID, REMOTE_PORT);
	if (e->ctrl == NULL || port <= 0)
		return -1;
	e->port = (uint32_t)port;
	XEN_FRONT_RING_INIT(&e->front, (xen_netif_ctrl_sring_t *)
			    fake_page(e->f, RING_PAGE), XNB_PAGE_SIZE);
	return xnb_ctrl_attach(e->ctrl, FAKE_DOMID, fake_page(e->f, RING_PAGE),
			       e->ec, e->port, CTRL_QUEUES);
}

static void
ctrl_teardown(struct ctrl_env *e)
{
	xnb_ctrl_detach(e->ctrl);
	xnb_ctrl_destroy(e->ctrl);
	e->f->hv.ops->evtchn_unbind(e->ec, e->port);
	e->f->hv.ops->evtchn_close(e->ec);
	fake_hv_free(e->f);
}

/* Toeplitz over IPv4 (+TCP) with a mapping table: the table decides for
 * the frames it covers, the flow hash for the others. */
static void
test_ctrl_mapping(void)
{
	const uint32_t ok = XEN_NETIF_CTRL_STATUS_SUCCESS;
	uint32_t *map, key_gref, map_gref, hash;
	struct rte_mbuf *m;
	struct ctrl_env e;
	struct frame f;
	unsigned int i, used[CTRL_QUEUES] = { 0 };
	uint8_t *key, type;
	uint16_t q;

	if (ctrl_setup(&e) != 0) {
		CHECK(false, "control ring set-up failed");
		return;
	}
	memset(&f, 0, sizeof(f));
	f.type = RTE_ETHER_TYPE_IPV4;
	f.proto = IPPROTO_TCP;
	/* Attached, hashing off: the flow hash. */
	for (i = 0; i < FLOWS; i++) {
		f.sport = (uint16_t)i;
		CHECK(pick(e.ctrl, &f, 2) == pick(NULL, &f, 2), "flow %u", i);
	}

	key = fake_page(e.f, KEY_PAGE);
	for (i = 0; i < XNB_CTRL_MAX_KEY; i++)
		key[i] = (uint8_t)(0x6d + 37 * i);
	key_gref = fake_grant(e.f, KEY_PAGE, true);
	map_gref = fake_grant(e.f, MAP_PAGE, true);
	map = fake_page(e.f, MAP_PAGE);
	CHECK(ctrl_request(&e, XEN_NETIF_CTRL_TYPE_SET_HASH_ALGORITHM,
			   XEN_NETIF_CTRL_HASH_ALGORITHM_TOEPLITZ, 0, 0) == ok,
	      "algorithm");
	CHECK(ctrl_request(&e, XEN_NETIF_CTRL_TYPE_SET_HASH_KEY, key_gref,
			   XNB_CTRL_MAX_KEY, 0) == ok, "key");
	CHECK(ctrl_request(&e, XEN_NETIF_CTRL_TYPE_SET_HASH_FLAGS,
			   XEN_NETIF_CTRL_HASH_TYPE_IPV4 |
			   XEN_NETIF_CTRL_HASH_TYPE_IPV4_TCP, 0, 0) == ok,
	      "flags");
	CHECK(ctrl_request(&e, XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING_SIZE,
			   MAP_SIZE, 0, 0) == ok, "mapping size");

	/* Everything to queue 1, whatever the flow hash says, and the RSS
	 * hash of the mbuf too. */
	for (i = 0; i < MAP_SIZE; i++)
		map[i] = 1;
	CHECK(ctrl_request(&e, XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING, map_gref,
			   MAP_SIZE, 0) == ok, "mapping");
	for (i = 0; i < FLOWS; i++) {
		f.sport = (uint16_t)i;
		CHECK(pick(e.ctrl, &f, 2) == 1, "flow %u", i);
		m = frame_mbuf(&f);
		m->ol_flags |= RTE_MBUF_F_RX_RSS_HASH;
		m->hash.rss = 0;
		CHECK(eth_xen_tx_pick(e.ctrl, m, 2) == 1, "rss flow %u", i);
		rte_pktmbuf_free(m);
	}

	/* Alternating table: entry hash % size, per flow. */
	for (i = 0; i < MAP_SIZE; i++)
		map[i] = i % 2;
	CHECK(ctrl_request(&e, XEN_NETIF_CTRL_TYPE_SET_HASH_MAPPING, map_gref,
			   MAP_SIZE, 0) == ok, "mapping");
	for (i = 0; i < FLOWS; i++) {
		f.sport = (uint16_t)i;
		m = frame_mbuf(&f);
		CHECK(xnb_ctrl_hash(e.ctrl, rte_pktmbuf_mtod(m, void *),
				    m->data_len, &hash, &type) == 0, "hash");
		q = eth_xen_tx_pick(e.ctrl, m, 2);
		CHECK(q == map[hash % MAP_SIZE], "flow %u: queue %u, table "
		      "says %u", i, q, map[hash % MAP_SIZE]);
		if (q < CTRL_QUEUES)
			used[q]++;
		rte_pktmbuf_free(m);
	}
	CHECK(used[0] > 0 && used[1] > 0, "table queues %u/%u", used[0],
	      used[1]);

	/* Types the guest did not enable: the flow hash. */
	f.type = RTE_ETHER_TYPE_IPV6;
	for (i = 0; i < FLOWS; i++) {
		f.sport = (uint16_t)i;
		CHECK(pick(e.ctrl, &f, 2) == pick(NULL, &f, 2), "v6 flow %u",
		      i);
	}
	f.type = 0x88b5;
	CHECK(pick(e.ctrl, &f, 2) == pick(NULL, &f, 2), "l2");
	ctrl_teardown(&e);
}

int
main(int argc, char **argv)
{
	char prefix[64];
	char *eal[] = { argv[0], "--no-huge", "-m", "64", "--no-pci",
			"-l", "0", "--log-level", "lib.*:error", prefix };

	(void)argc;
	snprintf(prefix, sizeof(prefix), "--file-prefix=spread%d", getpid());
	if (rte_eal_init(RTE_DIM(eal), eal) < 0)
		rte_exit(EXIT_FAILURE, "EAL init failed\n");
	pool = rte_pktmbuf_pool_create("spread", NB_MBUFS, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	if (pool == NULL)
		rte_exit(EXIT_FAILURE, "no mbuf pool\n");
	test_flows();
	test_l2();
	test_rss();
	test_hostile();
	test_ctrl_mapping();
	CHECK(rte_mempool_in_use_count(pool) == 0, "%u mbufs leaked",
	      rte_mempool_in_use_count(pool));
	rte_mempool_free(pool);
	rte_eal_cleanup();
	if (failures != 0) {
		fprintf(stderr, "%d checks failed\n", failures);
		return 1;
	}
	printf("ok\n");
	return 0;
}
