/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_xen software GSO (eth_xen_gso.c) on its own: a guest GSO frame, as
 * eth_xen_rx_finish() leaves it, must come out as MSS-sized TCP frames
 * with correct IP lengths, ids, sequence numbers, flags, checksums and
 * payload; a burst never returns more than it was given room for; frames
 * keep their order; frames that cannot be segmented are dropped and
 * counted; running out of mbufs only delays; nothing leaks.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_net.h>
#include <rte_tcp.h>

#include "eth_xen.h"

#define NB_MBUFS 1024
#define MAX_OUT 2048
#define IN_SEG 1000 /* input chain: mbufs of this many bytes */
#define SEQ0 0xfffff000u /* wraps inside the frame */
#define IP_ID0 0xfff0
#define TCP_FLAGS0 (RTE_TCP_CWR_FLAG | RTE_TCP_ACK_FLAG | \
		    RTE_TCP_PSH_FLAG | RTE_TCP_FIN_FLAG)

static struct rte_eth_dev_data dev_data;
static struct rte_eth_dev dev = { .data = &dev_data };
static struct eth_xen_internals internals = { .dev = &dev };
static struct eth_xen_rxq rxq;
static struct rte_mempool *in_pool;
static int failures;

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: %s: ", __func__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		failures++; \
	} \
} while (0)

static uint8_t
pattern(uint32_t i)
{
	return (uint8_t)(i * 7 + 3);
}

/* Append len bytes at p to chain m, in mbufs of at most IN_SEG bytes. */
static void
chain_append(struct rte_mbuf *m, const uint8_t *p, uint32_t len)
{
	struct rte_mbuf *tail = rte_pktmbuf_lastseg(m), *n;
	uint32_t chunk;

	while (len != 0) {
		if (tail->data_len == IN_SEG) {
			n = rte_pktmbuf_alloc(in_pool);
			if (n == NULL)
				rte_exit(EXIT_FAILURE, "input pool empty\n");
			tail->next = n;
			m->nb_segs++;
			tail = n;
		}
		chunk = RTE_MIN(len, (uint32_t)(IN_SEG - tail->data_len));
		memcpy(rte_pktmbuf_mtod_offset(tail, uint8_t *,
					       tail->data_len), p, chunk);
		tail->data_len += chunk;
		m->pkt_len += chunk;
		p += chunk;
		len -= chunk;
	}
}

/* A TCP frame with payload bytes and a GSO extra of mss, marked as
 * eth_xen_rx_finish() marks it; tcp false: UDP with a GSO extra. */
static struct rte_mbuf *
make_frame(bool ip6, bool tcp, uint32_t payload, uint16_t mss)
{
	uint8_t hdr[RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv6_hdr) +
		    sizeof(struct rte_tcp_hdr)] = { 0 };
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)hdr;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);
	struct rte_ipv6_hdr *ip6h = (struct rte_ipv6_hdr *)(eh + 1);
	uint32_t l3 = ip6 ? sizeof(*ip6h) : sizeof(*ip);
	struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)((uint8_t *)ip + l3);
	uint32_t hlen = RTE_ETHER_HDR_LEN + l3 + sizeof(*th), i;
	struct rte_net_hdr_lens hl;
	struct rte_mbuf *m;
	uint8_t *body;
	uint64_t tx;

	eh->ether_type = rte_cpu_to_be_16(ip6 ? RTE_ETHER_TYPE_IPV6 :
					  RTE_ETHER_TYPE_IPV4);
	if (ip6) {
		ip6h->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip6h->payload_len = rte_cpu_to_be_16(sizeof(*th) + payload);
		ip6h->proto = tcp ? IPPROTO_TCP : IPPROTO_UDP;
		ip6h->hop_limits = 64;
		ip6h->src_addr[15] = 1;
		ip6h->dst_addr[15] = 2;
	} else {
		ip->version_ihl = RTE_IPV4_VHL_DEF;
		ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + sizeof(*th) +
						    payload);
		ip->packet_id = rte_cpu_to_be_16(IP_ID0);
		ip->time_to_live = 64;
		ip->next_proto_id = tcp ? IPPROTO_TCP : IPPROTO_UDP;
		ip->src_addr = rte_cpu_to_be_32(0xc6120001u) /* 198.18.0.1 */;
		ip->dst_addr = rte_cpu_to_be_32(0xc6130001u);
	}
	th->src_port = rte_cpu_to_be_16(1234);
	th->dst_port = rte_cpu_to_be_16(9);
	th->sent_seq = rte_cpu_to_be_32(SEQ0);
	th->data_off = 5 << 4;
	th->tcp_flags = TCP_FLAGS0;
	th->rx_win = rte_cpu_to_be_16(512);

	m = rte_pktmbuf_alloc(in_pool);
	body = malloc(payload);
	if (m == NULL || body == NULL)
		rte_exit(EXIT_FAILURE, "no memory\n");
	for (i = 0; i < payload; i++)
		body[i] = pattern(i);
	chain_append(m, hdr, hlen);
	chain_append(m, body, payload);
	free(body);

	m->packet_type = rte_net_get_ptype(m, &hl, RTE_PTYPE_ALL_MASK);
	m->l2_len = hl.l2_len;
	m->l3_len = hl.l3_len;
	m->l4_len = hl.l4_len;
	m->tso_segsz = mss;
	m->ol_flags = RTE_MBUF_F_RX_LRO | RTE_MBUF_F_RX_L4_CKSUM_NONE;
	if (tcp) {
		tx = RTE_MBUF_F_TX_TCP_SEG | (ip6 ? RTE_MBUF_F_TX_IPV6 :
			RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM);
		m->ol_flags |= tx;
		rte_net_intel_cksum_flags_prepare(m, tx);
	}
	return m;
}

static struct rte_mbuf *
make_plain(uint8_t tag)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(in_pool);
	uint8_t b[64];

	if (m == NULL)
		rte_exit(EXIT_FAILURE, "input pool empty\n");
	memset(b, tag, sizeof(b));
	chain_append(m, b, sizeof(b));
	return m;
}

/* Run frames through software GSO in bursts of room; all mbufs out. */
static unsigned int
run(struct rte_mbuf **frames, uint16_t nb, uint16_t room,
    struct rte_mbuf **out)
{
	unsigned int total;
	uint16_t n, loops = 0;

	/* As received: the burst array has room slots, got frames. */
	memcpy(out, frames, nb * sizeof(*out));
	total = eth_xen_rx_sw_gso(&rxq, out, nb, room);
	CHECK(total <= room, "first burst returned %u > %u", total, room);
	while (rxq.pend_n != 0 && loops++ < MAX_OUT) {
		n = eth_xen_rx_pend_drain(&rxq, &out[total],
					  RTE_MIN(room, MAX_OUT - total));
		CHECK(n <= room, "burst returned %u > %u", n, room);
		total += n;
	}
	CHECK(rxq.pend_n == 0, "%u frames still pending", rxq.pend_n);
	return total;
}

static void
check_segment(struct rte_mbuf *s, bool ip6, uint32_t k, uint32_t nseg,
	      uint32_t payload, uint16_t mss)
{
	uint32_t l3 = ip6 ? sizeof(struct rte_ipv6_hdr) :
			    sizeof(struct rte_ipv4_hdr);
	uint32_t hlen = RTE_ETHER_HDR_LEN + l3 + sizeof(struct rte_tcp_hdr);
	uint32_t len = RTE_MIN((uint32_t)mss, payload - k * mss), i;
	struct rte_tcp_hdr *th;
	void *iph;
	uint8_t flags, buf[1];
	const uint8_t *p;
	int bad = 0;

	CHECK(s->pkt_len == hlen + len, "seg %u: length %u, not %u", k,
	      s->pkt_len, hlen + len);
	CHECK(s->l2_len == RTE_ETHER_HDR_LEN && s->l3_len == l3 &&
	      s->l4_len == sizeof(*th), "seg %u: header lengths", k);
	if (s->pkt_len != hlen + len)
		return;
	iph = rte_pktmbuf_mtod_offset(s, void *, RTE_ETHER_HDR_LEN);
	th = rte_pktmbuf_mtod_offset(s, struct rte_tcp_hdr *,
				     RTE_ETHER_HDR_LEN + l3);
	if (ip6) {
		struct rte_ipv6_hdr *h = iph;

		CHECK(rte_be_to_cpu_16(h->payload_len) == sizeof(*th) + len,
		      "seg %u: IPv6 payload length %u", k,
		      rte_be_to_cpu_16(h->payload_len));
	} else {
		struct rte_ipv4_hdr *h = iph;

		CHECK(rte_be_to_cpu_16(h->total_length) ==
		      sizeof(*h) + sizeof(*th) + len,
		      "seg %u: IPv4 length %u", k,
		      rte_be_to_cpu_16(h->total_length));
		CHECK(rte_be_to_cpu_16(h->packet_id) ==
		      (uint16_t)(IP_ID0 + k), "seg %u: IP id %#x", k,
		      rte_be_to_cpu_16(h->packet_id));
		CHECK(rte_raw_cksum(h, sizeof(*h)) == 0xffff,
		      "seg %u: bad IPv4 header checksum", k);
	}
	CHECK(rte_be_to_cpu_32(th->sent_seq) == SEQ0 + k * mss,
	      "seg %u: seq %#x", k, rte_be_to_cpu_32(th->sent_seq));
	flags = RTE_TCP_ACK_FLAG | (k == 0 ? RTE_TCP_CWR_FLAG : 0) |
		(k == nseg - 1 ? RTE_TCP_PSH_FLAG | RTE_TCP_FIN_FLAG : 0);
	CHECK(th->tcp_flags == flags, "seg %u: TCP flags %#x, not %#x", k,
	      th->tcp_flags, flags);
	if (rxq.sw_cksum) {
		CHECK((s->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) ==
		      RTE_MBUF_F_RX_L4_CKSUM_GOOD &&
		      !(s->ol_flags & RTE_MBUF_F_TX_L4_MASK),
		      "seg %u: flags %#" PRIx64, k, s->ol_flags);
	} else {
		uint16_t psum = ip6 ? rte_ipv6_phdr_cksum(iph, 0) :
				      rte_ipv4_phdr_cksum(iph, 0);

		CHECK((s->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) ==
		      RTE_MBUF_F_RX_L4_CKSUM_NONE &&
		      (s->ol_flags & RTE_MBUF_F_TX_L4_MASK) ==
		      RTE_MBUF_F_TX_TCP_CKSUM &&
		      (s->ol_flags & (ip6 ? RTE_MBUF_F_TX_IPV6 :
				      RTE_MBUF_F_TX_IPV4)),
		      "seg %u: flags %#" PRIx64, k, s->ol_flags);
		CHECK(th->cksum == psum, "seg %u: blank field %#x, not %#x",
		      k, th->cksum, psum);
		/* Finish it as a NIC would, then check it like the rest. */
		th->cksum = 0;
		th->cksum = ip6 ? rte_ipv6_udptcp_cksum_mbuf(s, iph,
							hlen - sizeof(*th)) :
				  rte_ipv4_udptcp_cksum_mbuf(s, iph,
							hlen - sizeof(*th));
	}
	CHECK((ip6 ? rte_ipv6_udptcp_cksum_mbuf_verify(s, iph,
						       hlen - sizeof(*th)) :
		     rte_ipv4_udptcp_cksum_mbuf_verify(s, iph,
						       hlen - sizeof(*th))) == 0,
	      "seg %u: bad TCP checksum", k);
	for (i = 0; i < len; i++) {
		p = rte_pktmbuf_read(s, hlen + i, 1, buf);
		bad |= p == NULL || *p != pattern(k * mss + i);
	}
	CHECK(!bad, "seg %u: payload differs", k);
}

/* One GSO frame between two plain ones, bursts of room. */
static void
test_frame(bool ip6, bool sw_cksum, uint16_t buf_size, uint32_t payload,
	   uint16_t mss, uint16_t room)
{
	static struct rte_mbuf *out[MAX_OUT];
	struct rte_mbuf *frames[3];
	uint32_t nseg = (payload + mss - 1) / mss, k;
	unsigned int n;

	rxq.sw_cksum = sw_cksum;
	rxq.buf_size = buf_size;
	rxq.sw_gso_pkts = rxq.sw_gso_segs = rxq.sw_gso_drop = 0;
	frames[0] = make_plain(0xa1);
	frames[1] = make_frame(ip6, true, payload, mss);
	frames[2] = make_plain(0xa2);
	n = run(frames, 3, room, out);
	CHECK(n == nseg + 2, "%u mbufs out, not %u", n, nseg + 2);
	if (n != nseg + 2) {
		rte_pktmbuf_free_bulk(out, n);
		return;
	}
	CHECK(*rte_pktmbuf_mtod(out[0], uint8_t *) == 0xa1 &&
	      *rte_pktmbuf_mtod(out[n - 1], uint8_t *) == 0xa2,
	      "order not kept");
	for (k = 0; k < nseg; k++)
		check_segment(out[k + 1], ip6, k, nseg, payload, mss);
	CHECK(rxq.sw_gso_pkts == 1 && rxq.sw_gso_segs == nseg &&
	      rxq.sw_gso_drop == 0, "counters %" PRIu64 " %" PRIu64
	      " %" PRIu64, rxq.sw_gso_pkts, rxq.sw_gso_segs,
	      rxq.sw_gso_drop);
	rte_pktmbuf_free_bulk(out, n);
}

/* Frames that cannot be segmented: dropped, counted, freed. */
static void
test_bad(void)
{
	static struct rte_mbuf *out[MAX_OUT];
	struct rte_mbuf *frames[3];
	unsigned int n;

	rxq.sw_cksum = true;
	rxq.buf_size = 2048;
	rxq.sw_gso_pkts = rxq.sw_gso_segs = rxq.sw_gso_drop = 0;
	frames[0] = make_frame(false, false, 3000, 1448); /* UDP */
	frames[1] = make_frame(false, true, 60000, 16);   /* 3750 segs */
	frames[2] = make_plain(0xb1);
	n = run(frames, 3, 32, out);
	CHECK(n == 1 && *rte_pktmbuf_mtod(out[0], uint8_t *) == 0xb1,
	      "%u mbufs out, not the plain frame alone", n);
	CHECK(rxq.sw_gso_drop == 2 && rxq.sw_gso_pkts == 0 &&
	      rxq.sw_gso_segs == 0, "drop counter %" PRIu64,
	      rxq.sw_gso_drop);
	rte_pktmbuf_free_bulk(out, n);
}

/* An output pool of 4 mbufs: segmentation stalls, then resumes. */
static void
test_nombuf(void)
{
	struct rte_mempool *small, *mp = rxq.mp;
	struct rte_mbuf *out[8];
	unsigned int got = 0, stalls = 0;
	uint16_t n;

	small = rte_pktmbuf_pool_create("gso_small", 4, 0, 0,
					RTE_MBUF_DEFAULT_BUF_SIZE,
					SOCKET_ID_ANY);
	if (small == NULL)
		rte_exit(EXIT_FAILURE, "small pool\n");
	rxq.mp = small;
	rxq.sw_cksum = true;
	rxq.buf_size = 2048;
	dev_data.rx_mbuf_alloc_failed = 0;
	out[0] = make_frame(false, true, 20 * 1000, 1000);
	n = eth_xen_rx_sw_gso(&rxq, out, 1, 8);
	while (n != 0 && got < 100) {
		CHECK(n == RTE_MIN(4u, 20 - got), "burst of %u", n);
		got += n;
		stalls += rxq.pend_n != 0;
		rte_pktmbuf_free_bulk(out, n);
		n = eth_xen_rx_pend_drain(&rxq, out, 8);
	}
	CHECK(got == 20 && rxq.pend_n == 0, "%u segments, %u pending", got,
	      rxq.pend_n);
	CHECK(dev_data.rx_mbuf_alloc_failed == stalls,
	      "%" PRIu64 " allocation failures, %u stalls",
	      dev_data.rx_mbuf_alloc_failed, stalls);
	CHECK(rte_mempool_full(small), "output mbufs leaked");
	rxq.mp = mp;
	rte_mempool_free(small);
}

int
main(int argc, char **argv)
{
	char prefix[64];
	char *eal[] = { argv[0], "--no-huge", "-m", "128", "--no-pci",
			"-l", "0", "--log-level", "lib.*:error",
			prefix };
	struct rte_mempool *out_pool;

	(void)argc;
	snprintf(prefix, sizeof(prefix), "--file-prefix=xnbgso%d", getpid());
	if (rte_eal_init(RTE_DIM(eal), eal) < 0)
		rte_exit(EXIT_FAILURE, "EAL init failed\n");
	in_pool = rte_pktmbuf_pool_create("gso_in", NB_MBUFS, 0, 0,
					  RTE_MBUF_DEFAULT_BUF_SIZE,
					  SOCKET_ID_ANY);
	out_pool = rte_pktmbuf_pool_create("gso_out", NB_MBUFS, 0, 0,
					   RTE_MBUF_DEFAULT_BUF_SIZE,
					   SOCKET_ID_ANY);
	if (in_pool == NULL || out_pool == NULL)
		rte_exit(EXIT_FAILURE, "mempool\n");
	rxq.internals = &internals;
	rxq.mp = out_pool;
	rxq.sw_gso = true;

	/* What Linux netfront sends: 64 KiB, MSS 1448, in bursts of 32. */
	test_frame(false, true, 2048, 65535 - 54, 1448, 32);
	test_frame(true, true, 2048, 65535 - 74, 1428, 32);
	/* Checksums left to offload; tiny bursts; segments in chains. */
	test_frame(false, false, 2048, 10000, 1448, 1);
	test_frame(true, false, 1024, 10000, 1448, 3);
	/* Exact multiple of the MSS; a single segment. */
	test_frame(false, true, 1024, 4 * 1000, 1000, 2);
	test_frame(false, true, 2048, 500, 1448, 32);
	test_bad();
	test_nombuf();

	CHECK(rte_mempool_full(in_pool) && rte_mempool_full(out_pool),
	      "mbufs leaked: %u/%u in, %u/%u out",
	      rte_mempool_avail_count(in_pool), NB_MBUFS,
	      rte_mempool_avail_count(out_pool), NB_MBUFS);
	rte_mempool_free(in_pool);
	rte_mempool_free(out_pool);
	rte_eal_cleanup();
	if (failures != 0) {
		fprintf(stderr, "%d checks failed\n", failures);
		return EXIT_FAILURE;
	}
	printf("ok: software GSO\n");
	return EXIT_SUCCESS;
}
