/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_xen's packet-type parser (pmd-xen/eth_xen_ptype.h) against DPDK's
 * rte_net_get_ptype() (L2-L4): for every frame the same packet type and
 * the same l2/l3/l4 lengths (what the PMD puts in the mbuf), from both
 * the whole parser and its in-line fast path wherever that one answers.
 * Frames: hand-made corner cases (tags, IPv4 options and fragments, bad
 * IHL, IPv6 extension headers, ARP and other EtherTypes, MPLS), each
 * truncated to every shorter length and split into two segments at every
 * point, then pseudo-random frames from a printed seed (XNB_PTYPE_SEED
 * replays one).
 */
#include <inttypes.h>
#include <stdbool.h>
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
#include <rte_udp.h>

#include "eth_xen_ptype.h"

#define NB_MBUFS 64
#define FRAME_MAX 512
#define RANDOM_FRAMES 300000u
#define EXPECT_ANY UINT32_MAX
#define MAX_REPORTS 20

#define L2 RTE_PTYPE_L2_ETHER
#define V4 (L2 | RTE_PTYPE_L3_IPV4)
#define V4X (L2 | RTE_PTYPE_L3_IPV4_EXT)
#define V6 (L2 | RTE_PTYPE_L3_IPV6)
#define V6X (L2 | RTE_PTYPE_L3_IPV6_EXT)

static struct rte_mempool *pool;
static int failures;
static uint64_t frames, fast_l2, fast_udp, fast_tcp;

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		if (++failures <= MAX_REPORTS) { \
			fprintf(stderr, "%s:%d: %s: ", __func__, __LINE__, \
				#cond); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
		} \
	} \
} while (0)

/* A frame under construction. */
struct frame {
	uint8_t b[FRAME_MAX];
	uint16_t len;
};

static void
put(struct frame *f, const void *p, uint16_t n)
{
	if (f->len + n > FRAME_MAX)
		rte_exit(EXIT_FAILURE, "frame too long\n");
	memcpy(&f->b[f->len], p, n);
	f->len += n;
}

static void
put_be16(struct frame *f, uint16_t v)
{
	uint16_t be = rte_cpu_to_be_16(v);

	put(f, &be, sizeof(be));
}

static void
put_fill(struct frame *f, uint8_t byte, uint16_t n)
{
	uint8_t buf[FRAME_MAX];

	memset(buf, byte, n);
	put(f, buf, n);
}

static void
eth(struct frame *f, uint16_t type)
{
	static const uint8_t macs[12] = {
		0x00, 0x16, 0x3e, 0x00, 0x00, 0x02,
		0x00, 0x16, 0x3e, 0x00, 0x00, 0x01,
	};

	f->len = 0;
	put(f, macs, sizeof(macs));
	put_be16(f, type);
}

/* A VLAN tag carrying type. */
static void
vlan(struct frame *f, uint16_t type)
{
	put_be16(f, 0x2064);
	put_be16(f, type);
}

/* IPv4 header of ihl 32-bit words (options: NOPs), fragment field frag. */
static void
ipv4(struct frame *f, uint8_t ihl, uint16_t frag, uint8_t proto)
{
	struct rte_ipv4_hdr ip = {
		.version_ihl = (uint8_t)(0x40 | (ihl & 0xf)),
		.total_length = rte_cpu_to_be_16(100),
		.packet_id = rte_cpu_to_be_16(0x1234),
		.fragment_offset = rte_cpu_to_be_16(frag),
		.time_to_live = 64,
		.next_proto_id = proto,
		.src_addr = RTE_BE32(0x0a000001),
		.dst_addr = RTE_BE32(0x0a000002),
	};

	put(f, &ip, sizeof(ip));
	if (ihl > 5)
		put_fill(f, 1, (uint16_t)((ihl - 5) * 4));
}

static void
ipv6(struct frame *f, uint8_t proto)
{
	struct rte_ipv6_hdr ip = {
		.vtc_flow = RTE_BE32(0x60000000),
		.payload_len = rte_cpu_to_be_16(100),
		.proto = proto,
		.hop_limits = 64,
		.src_addr = { 0xfe, 0x80, [15] = 1 },
		.dst_addr = { 0xfe, 0x80, [15] = 2 },
	};

	put(f, &ip, sizeof(ip));
}

/* An IPv6 extension header of (hlen + 1) * 8 bytes. */
static void
ipv6_ext(struct frame *f, uint8_t next, uint8_t hlen)
{
	uint8_t h[2] = { next, hlen };

	put(f, h, sizeof(h));
	put_fill(f, 0, (uint16_t)((hlen + 1) * 8 - 2));
}

/* IPv6 fragment header: offset in 8-byte units, more fragments. */
static void
ipv6_frag(struct frame *f, uint8_t next, uint16_t off, int more)
{
	uint8_t h[2] = { next, 0 };

	put(f, h, sizeof(h));
	put_be16(f, (uint16_t)(off << 3 | (more ? 1 : 0)));
	put_fill(f, 0xab, 4);
}

/* TCP header of doff 32-bit words (data_off taken as given). */
static void
tcp(struct frame *f, uint8_t doff)
{
	struct rte_tcp_hdr th = {
		.src_port = RTE_BE16(1234),
		.dst_port = RTE_BE16(80),
		.data_off = (uint8_t)(doff << 4),
		.tcp_flags = RTE_TCP_ACK_FLAG,
		.rx_win = RTE_BE16(1024),
	};

	put(f, &th, sizeof(th));
	if (doff > 5)
		put_fill(f, 1, (uint16_t)((doff - 5) * 4));
}

static void
udp(struct frame *f)
{
	struct rte_udp_hdr uh = {
		.src_port = RTE_BE16(1234),
		.dst_port = RTE_BE16(53),
		.dgram_len = RTE_BE16(8),
	};

	put(f, &uh, sizeof(uh));
}

/* An mbuf holding p[0..len), in two segments split at split when
 * 0 < split < len. */
static struct rte_mbuf *
mbuf_of(const uint8_t *p, uint16_t len, uint16_t split)
{
	struct rte_mbuf *m, *tail;

	if (split == 0 || split >= len)
		split = len;
	m = rte_pktmbuf_alloc(pool);
	if (m == NULL)
		rte_exit(EXIT_FAILURE, "mbuf pool empty\n");
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), p, split);
	m->data_len = split;
	m->pkt_len = len;
	if (split == len)
		return m;
	tail = rte_pktmbuf_alloc(pool);
	if (tail == NULL)
		rte_exit(EXIT_FAILURE, "mbuf pool empty\n");
	memcpy(rte_pktmbuf_mtod(tail, uint8_t *), p + split, len - split);
	tail->data_len = len - split;
	m->next = tail;
	m->nb_segs = 2;
	return m;
}

static void
hexdump_head(const uint8_t *p, uint16_t len)
{
	uint16_t i;

	if (failures > MAX_REPORTS)
		return;
	fprintf(stderr, "  frame (%u bytes):", len);
	for (i = 0; i < len && i < 96; i++)
		fprintf(stderr, "%s%02x", i % 16 == 0 ? "\n    " : " ", p[i]);
	fputc('\n', stderr);
}

static bool
same_lens(const struct rte_net_hdr_lens *a, const struct rte_net_hdr_lens *b)
{
	return a->l2_len == b->l2_len && a->l3_len == b->l3_len &&
	       a->l4_len == b->l4_len;
}

/* One frame, one segmentation: parser and fast path against DPDK; the
 * whole parser's type against expect unless EXPECT_ANY. */
static void
check_one(const char *what, const uint8_t *p, uint16_t len, uint16_t split,
	  uint32_t expect)
{
	struct rte_net_hdr_lens ref, got, fast;
	uint32_t ref_pt, got_pt, fast_pt;
	struct rte_mbuf *m = mbuf_of(p, len, split);
	int before = failures;

	memset(&ref, 0, sizeof(ref));
	ref_pt = rte_net_get_ptype(m, &ref, ETH_XEN_PTYPE_LAYERS);
	/* Poisoned: every length the PMD uses must be written. */
	memset(&got, 0xa5, sizeof(got));
	got_pt = eth_xen_ptype(m, &got);
	memset(&fast, 0xa5, sizeof(fast));
	fast_pt = eth_xen_ptype_fast(m, &fast);
	frames++;

	CHECK(got_pt == ref_pt && same_lens(&got, &ref),
	      "%s, len %u split %u: %#x l2 %u l3 %u l4 %u, DPDK %#x "
	      "l2 %u l3 %u l4 %u", what, len, split, got_pt, got.l2_len,
	      got.l3_len, got.l4_len, ref_pt, ref.l2_len, ref.l3_len,
	      ref.l4_len);
	if (fast_pt != 0) {
		CHECK(fast_pt == ref_pt && same_lens(&fast, &ref),
		      "%s, len %u split %u: fast %#x l2 %u l3 %u l4 %u, DPDK "
		      "%#x l2 %u l3 %u l4 %u", what, len, split, fast_pt,
		      fast.l2_len, fast.l3_len, fast.l4_len, ref_pt,
		      ref.l2_len, ref.l3_len, ref.l4_len);
		switch (fast_pt & RTE_PTYPE_L4_MASK) {
		case RTE_PTYPE_L4_TCP:
			fast_tcp++;
			break;
		case RTE_PTYPE_L4_UDP:
			fast_udp++;
			break;
		default:
			fast_l2++;
			break;
		}
	}
	if (expect != EXPECT_ANY)
		CHECK(got_pt == expect, "%s, len %u split %u: %#x, not %#x",
		      what, len, split, got_pt, expect);
	if (failures != before)
		hexdump_head(p, len);
	rte_pktmbuf_free(m);
}

/* A whole frame (expect: its type), then every truncation of it (a runt
 * or a cut header: the same as DPDK, whatever that is), each in one
 * segment and split at every point. */
static void
check_frame(const char *what, const struct frame *f, uint32_t expect)
{
	uint32_t want;
	uint16_t len, split;

	for (len = 0; len <= f->len; len++) {
		want = len == f->len ? expect : EXPECT_ANY;
		check_one(what, f->b, len, 0, want);
		for (split = 1; split < len; split++)
			check_one(what, f->b, len, split, want);
	}
}

/* Every length 0..64 of a frame padded to 64 bytes. */
static void
check_runts(const char *what, struct frame *f)
{
	if (f->len < RTE_ETHER_MIN_LEN)
		put_fill(f, 0x5a, (uint16_t)(RTE_ETHER_MIN_LEN - f->len));
	check_frame(what, f, EXPECT_ANY);
}

static void
test_l2(void)
{
	static const uint16_t types[] = {
		RTE_ETHER_TYPE_ARP, RTE_ETHER_TYPE_RARP, RTE_ETHER_TYPE_LLDP,
		RTE_ETHER_TYPE_1588, RTE_ETHER_TYPE_SLOW, 0x0000, 0x0040,
		0x05dc, 0x88b5, 0x1234, 0xffff,
	};
	struct frame f;
	unsigned int i;

	for (i = 0; i < RTE_DIM(types); i++) {
		eth(&f, types[i]);
		put_fill(&f, (uint8_t)i, 28);
		check_frame("other EtherType", &f, L2);
	}
	/* ARP request for 10.0.0.2. */
	eth(&f, RTE_ETHER_TYPE_ARP);
	put_be16(&f, 1);
	put_be16(&f, RTE_ETHER_TYPE_IPV4);
	put_fill(&f, 0, 2);
	put_be16(&f, 1);
	put(&f, &f.b[6], 6);
	put_fill(&f, 10, 4);
	put_fill(&f, 0, 6);
	put_fill(&f, 10, 4);
	check_runts("ARP", &f);
}

static void
test_ipv4(void)
{
	struct frame f;
	uint8_t v;

	eth(&f, RTE_ETHER_TYPE_IPV4);
	ipv4(&f, 5, 0, IPPROTO_TCP);
	tcp(&f, 5);
	check_frame("IPv4 TCP", &f, V4 | RTE_PTYPE_L4_TCP);
	eth(&f, RTE_ETHER_TYPE_IPV4);
	ipv4(&f, 5, RTE_IPV4_HDR_DF_FLAG, IPPROTO_TCP);
	tcp(&f, 15);
	put_fill(&f, 0x77, 100);
	check_frame("IPv4 DF TCP with options", &f, V4 | RTE_PTYPE_L4_TCP);
	eth(&f, RTE_ETHER_TYPE_IPV4);
	ipv4(&f, 5, 0, IPPROTO_UDP);
	udp(&f);
	put_fill(&f, 0x77, 18);
	check_frame("IPv4 UDP", &f, V4 | RTE_PTYPE_L4_UDP);
	eth(&f, RTE_ETHER_TYPE_IPV4);
	ipv4(&f, 5, 0, IPPROTO_ICMP);
	put_fill(&f, 8, 26);
	/* rte_net_get_ptype() names no L4 for ICMP: neither does the PMD. */
	check_frame("IPv4 ICMP", &f, V4);
	eth(&f, RTE_ETHER_TYPE_IPV4);
	ipv4(&f, 5, 0, IPPROTO_SCTP);
	put_fill(&f, 8, 26);
	check_frame("IPv4 SCTP", &f, V4 | RTE_PTYPE_L4_SCTP);
	eth(&f, RTE_ETHER_TYPE_IPV4);
	ipv4(&f, 5, 0, IPPROTO_GRE);
	put_fill(&f, 0, 26);
	check_frame("IPv4 GRE", &f, EXPECT_ANY);
	/* Every TCP data offset, the bad ones (< 5) included. */
	for (v = 0; v < 16; v++) {
		eth(&f, RTE_ETHER_TYPE_IPV4);
		ipv4(&f, 5, 0, IPPROTO_TCP);
		tcp(&f, v);
		check_one("TCP data offset", f.b, f.len, 0,
			  V4 | RTE_PTYPE_L4_TCP);
	}
	/* Options (IHL 6..15) and bad IHL (0..4), TCP and UDP behind. */
	for (v = 0; v < 16; v++) {
		if (v == 5)
			continue;
		eth(&f, RTE_ETHER_TYPE_IPV4);
		ipv4(&f, v, 0, IPPROTO_TCP);
		tcp(&f, 5);
		put_fill(&f, 0, 40);
		check_frame("IPv4 IHL", &f, EXPECT_ANY);
		eth(&f, RTE_ETHER_TYPE_IPV4);
		ipv4(&f, v, 0, IPPROTO_UDP);
		udp(&f);
		put_fill(&f, 0, 40);
		check_one("IPv4 IHL UDP", f.b, f.len, 0,
			  v > 5 ? V4X | RTE_PTYPE_L4_UDP : EXPECT_ANY);
	}
	/* A version other than 4 under the IPv4 EtherType. */
	for (v = 0; v < 16; v++) {
		eth(&f, RTE_ETHER_TYPE_IPV4);
		ipv4(&f, 5, 0, IPPROTO_TCP);
		f.b[RTE_ETHER_HDR_LEN] = (uint8_t)(v << 4 | 5);
		tcp(&f, 5);
		check_one("IP version", f.b, f.len, 0, EXPECT_ANY);
	}
	/* Fragments: first (MF), middle, last, with DF, TCP and UDP. */
	eth(&f, RTE_ETHER_TYPE_IPV4);
	ipv4(&f, 5, RTE_IPV4_HDR_MF_FLAG, IPPROTO_TCP);
	tcp(&f, 5);
	check_frame("IPv4 first fragment", &f, V4 | RTE_PTYPE_L4_FRAG);
	eth(&f, RTE_ETHER_TYPE_IPV4);
	ipv4(&f, 5, RTE_IPV4_HDR_MF_FLAG | 185, IPPROTO_UDP);
	put_fill(&f, 0x66, 40);
	check_frame("IPv4 middle fragment", &f, V4 | RTE_PTYPE_L4_FRAG);
	eth(&f, RTE_ETHER_TYPE_IPV4);
	ipv4(&f, 5, 1, IPPROTO_TCP);
	put_fill(&f, 0x66, 40);
	check_frame("IPv4 last fragment", &f, V4 | RTE_PTYPE_L4_FRAG);
	eth(&f, RTE_ETHER_TYPE_IPV4);
	ipv4(&f, 7, RTE_IPV4_HDR_DF_FLAG | RTE_IPV4_HDR_MF_FLAG, IPPROTO_TCP);
	tcp(&f, 5);
	check_frame("IPv4 fragment with options", &f,
		    V4X | RTE_PTYPE_L4_FRAG);
	eth(&f, RTE_ETHER_TYPE_IPV4);
	ipv4(&f, 5, RTE_IPV4_HDR_DF_FLAG, IPPROTO_UDP);
	udp(&f);
	check_runts("IPv4 UDP runt", &f);
}

static void
test_ipv6(void)
{
	struct frame f;

	eth(&f, RTE_ETHER_TYPE_IPV6);
	ipv6(&f, IPPROTO_TCP);
	tcp(&f, 8);
	check_frame("IPv6 TCP", &f, V6 | RTE_PTYPE_L4_TCP);
	eth(&f, RTE_ETHER_TYPE_IPV6);
	ipv6(&f, IPPROTO_UDP);
	udp(&f);
	check_frame("IPv6 UDP", &f, V6 | RTE_PTYPE_L4_UDP);
	eth(&f, RTE_ETHER_TYPE_IPV6);
	ipv6(&f, IPPROTO_HOPOPTS);
	ipv6_ext(&f, IPPROTO_ROUTING, 0);
	ipv6_ext(&f, IPPROTO_DSTOPTS, 2);
	ipv6_ext(&f, IPPROTO_TCP, 1);
	tcp(&f, 5);
	check_frame("IPv6 hop-by-hop, routing, dest opts, TCP", &f,
		    V6X | RTE_PTYPE_L4_TCP);
	eth(&f, RTE_ETHER_TYPE_IPV6);
	ipv6(&f, IPPROTO_FRAGMENT);
	ipv6_frag(&f, IPPROTO_UDP, 0, 1);
	udp(&f);
	check_frame("IPv6 first fragment", &f, V6X | RTE_PTYPE_L4_FRAG);
	eth(&f, RTE_ETHER_TYPE_IPV6);
	ipv6(&f, IPPROTO_DSTOPTS);
	ipv6_ext(&f, IPPROTO_FRAGMENT, 0);
	ipv6_frag(&f, IPPROTO_TCP, 100, 0);
	put_fill(&f, 0x11, 30);
	check_frame("IPv6 later fragment", &f, V6X | RTE_PTYPE_L4_FRAG);
	eth(&f, RTE_ETHER_TYPE_IPV6);
	ipv6(&f, IPPROTO_HOPOPTS);
	ipv6_ext(&f, IPPROTO_NONE, 0);
	check_frame("IPv6 no next header", &f, EXPECT_ANY);
	eth(&f, RTE_ETHER_TYPE_IPV6);
	ipv6(&f, IPPROTO_AH);
	put_fill(&f, 0, 24);
	check_frame("IPv6 AH", &f, EXPECT_ANY);
	eth(&f, RTE_ETHER_TYPE_IPV6);
	ipv6(&f, IPPROTO_ESP);
	put_fill(&f, 0, 24);
	check_frame("IPv6 ESP", &f, EXPECT_ANY);
	/* An extension header longer than the frame. */
	eth(&f, RTE_ETHER_TYPE_IPV6);
	ipv6(&f, IPPROTO_ROUTING);
	put(&f, (const uint8_t []){ IPPROTO_TCP, 200 }, 2);
	put_fill(&f, 0, 30);
	check_frame("IPv6 extension beyond the frame", &f, EXPECT_ANY);
	eth(&f, RTE_ETHER_TYPE_IPV6);
	ipv6(&f, IPPROTO_ICMPV6);
	put_fill(&f, 0x80, 8);
	check_runts("IPv6 ICMP runt", &f);
}

static void
test_tags(void)
{
	struct frame f;

	eth(&f, RTE_ETHER_TYPE_VLAN);
	vlan(&f, RTE_ETHER_TYPE_IPV4);
	ipv4(&f, 5, 0, IPPROTO_TCP);
	tcp(&f, 5);
	check_frame("VLAN IPv4 TCP", &f,
		    RTE_PTYPE_L2_ETHER_VLAN | RTE_PTYPE_L3_IPV4 |
		    RTE_PTYPE_L4_TCP);
	eth(&f, RTE_ETHER_TYPE_VLAN);
	vlan(&f, RTE_ETHER_TYPE_IPV6);
	ipv6(&f, IPPROTO_UDP);
	udp(&f);
	check_frame("VLAN IPv6 UDP", &f,
		    RTE_PTYPE_L2_ETHER_VLAN | RTE_PTYPE_L3_IPV6 |
		    RTE_PTYPE_L4_UDP);
	eth(&f, RTE_ETHER_TYPE_QINQ);
	vlan(&f, RTE_ETHER_TYPE_VLAN);
	vlan(&f, RTE_ETHER_TYPE_IPV4);
	ipv4(&f, 6, 0, IPPROTO_UDP);
	udp(&f);
	check_frame("QinQ IPv4 with options UDP", &f,
		    RTE_PTYPE_L2_ETHER_QINQ | RTE_PTYPE_L3_IPV4_EXT |
		    RTE_PTYPE_L4_UDP);
	eth(&f, RTE_ETHER_TYPE_VLAN);
	vlan(&f, RTE_ETHER_TYPE_VLAN);
	vlan(&f, RTE_ETHER_TYPE_IPV4);
	ipv4(&f, 5, 0, IPPROTO_TCP);
	tcp(&f, 5);
	check_frame("VLAN in VLAN", &f, EXPECT_ANY);
	eth(&f, RTE_ETHER_TYPE_VLAN);
	vlan(&f, RTE_ETHER_TYPE_ARP);
	put_fill(&f, 0, 28);
	check_frame("VLAN ARP", &f, RTE_PTYPE_L2_ETHER_VLAN);
	eth(&f, RTE_ETHER_TYPE_QINQ);
	vlan(&f, 0x1234);
	put_fill(&f, 0, 28);
	check_frame("QinQ, unknown inner type", &f, EXPECT_ANY);
	/* MPLS: two labels then IPv4, one bottom label then IPv6. */
	eth(&f, RTE_ETHER_TYPE_MPLS);
	put_be16(&f, 0x0001);
	put_be16(&f, 0x00ff);
	put_be16(&f, 0x0002);
	put_be16(&f, 0x01ff);
	ipv4(&f, 5, 0, IPPROTO_TCP);
	tcp(&f, 5);
	check_frame("MPLS", &f, EXPECT_ANY);
	eth(&f, RTE_ETHER_TYPE_MPLSM);
	put_be16(&f, 0x0003);
	put_be16(&f, 0x01ff);
	ipv6(&f, IPPROTO_UDP);
	udp(&f);
	check_frame("MPLS multicast", &f, EXPECT_ANY);
}

/* xorshift64*: the same frames from a seed on any libc. */
static uint64_t rng_state;

static uint32_t
rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

static uint32_t
rnd_below(uint32_t n)
{
	return rnd() % n;
}

static uint8_t
rnd_of(const uint8_t *v, unsigned int n)
{
	return v[rnd_below(n)];
}

/* Headers that are mostly well formed, some field now and then wrong. */
static void
random_l4(struct frame *f, uint8_t proto)
{
	if (proto == IPPROTO_TCP)
		tcp(f, rnd_below(4) != 0 ? 5 + rnd_below(3) : rnd_below(16));
	else if (proto == IPPROTO_UDP)
		udp(f);
}

static void
random_ipv4(struct frame *f)
{
	static const uint8_t protos[] = {
		IPPROTO_TCP, IPPROTO_TCP, IPPROTO_UDP, IPPROTO_UDP,
		IPPROTO_ICMP, IPPROTO_SCTP, IPPROTO_GRE, IPPROTO_IPIP, 255,
	};
	static const uint16_t frags[] = {
		0, 0, 0, RTE_IPV4_HDR_DF_FLAG, RTE_IPV4_HDR_DF_FLAG,
		RTE_IPV4_HDR_MF_FLAG, 1, RTE_IPV4_HDR_MF_FLAG | 0x1fff,
	};
	uint8_t proto = rnd_of(protos, RTE_DIM(protos));
	uint8_t ihl = rnd_below(3) != 0 ? 5 : (uint8_t)rnd_below(16);

	ipv4(f, ihl, frags[rnd_below(RTE_DIM(frags))], proto);
	random_l4(f, proto);
}

static void
random_ipv6(struct frame *f)
{
	static const uint8_t nexts[] = {
		IPPROTO_TCP, IPPROTO_UDP, IPPROTO_HOPOPTS, IPPROTO_ROUTING,
		IPPROTO_DSTOPTS, IPPROTO_FRAGMENT, IPPROTO_AH, IPPROTO_ESP,
		IPPROTO_NONE, IPPROTO_ICMPV6,
	};
	uint8_t next = rnd_of(nexts, RTE_DIM(nexts));
	unsigned int i;

	ipv6(f, next);
	for (i = 0; i < 4; i++) {
		uint8_t after = rnd_of(nexts, RTE_DIM(nexts));

		if (next == IPPROTO_FRAGMENT)
			ipv6_frag(f, after, (uint16_t)rnd_below(4),
				  (int)rnd_below(2));
		else if (next == IPPROTO_HOPOPTS || next == IPPROTO_ROUTING ||
			 next == IPPROTO_DSTOPTS || next == IPPROTO_AH)
			ipv6_ext(f, after, (uint8_t)rnd_below(3));
		else
			break;
		next = after;
	}
	random_l4(f, next);
}

static void
random_frame(struct frame *f)
{
	static const uint16_t types[] = {
		RTE_ETHER_TYPE_IPV4, RTE_ETHER_TYPE_IPV4, RTE_ETHER_TYPE_IPV4,
		RTE_ETHER_TYPE_IPV6, RTE_ETHER_TYPE_VLAN, RTE_ETHER_TYPE_QINQ,
		RTE_ETHER_TYPE_MPLS, RTE_ETHER_TYPE_MPLSM, RTE_ETHER_TYPE_ARP,
		RTE_ETHER_TYPE_1588, 0x0000, 0xffff,
	};
	uint16_t type = types[rnd_below(RTE_DIM(types))];
	unsigned int tags = 0, i, flips;

	eth(f, type);
	while ((type == RTE_ETHER_TYPE_VLAN || type == RTE_ETHER_TYPE_QINQ) &&
	       tags++ < 3) {
		type = types[rnd_below(RTE_DIM(types))];
		vlan(f, type);
	}
	if (type == RTE_ETHER_TYPE_MPLS || type == RTE_ETHER_TYPE_MPLSM) {
		put_be16(f, (uint16_t)rnd());
		put_be16(f, (uint16_t)rnd());
		type = rnd_below(2) != 0 ? RTE_ETHER_TYPE_IPV4 :
					   RTE_ETHER_TYPE_IPV6;
	}
	if (type == RTE_ETHER_TYPE_IPV4)
		random_ipv4(f);
	else if (type == RTE_ETHER_TYPE_IPV6)
		random_ipv6(f);
	for (i = rnd_below(80); i > 0; i--)
		put_fill(f, (uint8_t)rnd(), 1);
	/* Now and then a byte or two of garbage anywhere, or a cut. */
	flips = rnd_below(8) == 0 ? 1 + rnd_below(2) : 0;
	for (i = 0; i < flips && f->len > 0; i++)
		f->b[rnd_below(f->len)] = (uint8_t)rnd();
	if (rnd_below(4) == 0)
		f->len = (uint16_t)rnd_below(f->len + 1u);
}

static void
test_random(uint64_t seed)
{
	struct frame f;
	uint16_t split;
	uint32_t i;
	char what[64];

	rng_state = seed != 0 ? seed : 1;
	for (i = 0; i < RANDOM_FRAMES; i++) {
		random_frame(&f);
		split = rnd_below(4) == 0 && f.len > 1 ?
			(uint16_t)(1 + rnd_below(f.len - 1u)) : 0;
		snprintf(what, sizeof(what), "random frame %" PRIu32, i);
		check_one(what, f.b, f.len, split, EXPECT_ANY);
	}
}

int
main(int argc, char **argv)
{
	char prefix[64];
	char *eal[] = { argv[0], "--no-huge", "-m", "64", "--no-pci",
			"-l", "0", "--log-level", "lib.*:error",
			prefix };
	const char *env = getenv("XNB_PTYPE_SEED");
	uint64_t seed = 0x5eedc0de2026ull;

	(void)argc;
	if (env != NULL)
		seed = strtoull(env, NULL, 0);
	snprintf(prefix, sizeof(prefix), "--file-prefix=xnbptype%d",
		 getpid());
	if (rte_eal_init(RTE_DIM(eal), eal) < 0)
		rte_exit(EXIT_FAILURE, "EAL init failed\n");
	pool = rte_pktmbuf_pool_create("ptype", NB_MBUFS, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	if (pool == NULL)
		rte_exit(EXIT_FAILURE, "mempool\n");

	test_l2();
	test_ipv4();
	test_ipv6();
	test_tags();
	printf("hand-made frames: %" PRIu64 " checked\n", frames);
	printf("seed %#" PRIx64 " (XNB_PTYPE_SEED=%#" PRIx64 " replays it)\n",
	       seed, seed);
	test_random(seed);

	/* The fast path must have answered for each kind it handles, or
	 * this test did not test it. */
	CHECK(fast_l2 > 0 && fast_udp > 0 && fast_tcp > 0,
	      "fast path: %" PRIu64 " L2, %" PRIu64 " UDP, %" PRIu64 " TCP",
	      fast_l2, fast_udp, fast_tcp);
	printf("%" PRIu64 " frames, fast path: %" PRIu64 " L2, %" PRIu64
	       " UDP, %" PRIu64 " TCP\n", frames, fast_l2, fast_udp,
	       fast_tcp);
	CHECK(rte_mempool_full(pool), "mbufs leaked: %u/%u",
	      rte_mempool_avail_count(pool), NB_MBUFS);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	if (failures != 0) {
		fprintf(stderr, "%d checks failed\n", failures);
		return EXIT_FAILURE;
	}
	printf("ok: packet types as rte_net_get_ptype()\n");
	return EXIT_SUCCESS;
}
