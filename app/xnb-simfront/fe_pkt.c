/* SPDX-License-Identifier: BSD-3-Clause */
/* Test frames: build into segments, verify on receipt. */
#include <errno.h>
#include <string.h>

#include "fe_pkt.h"

#define ETHERTYPE_IPV4 0x0800
#define IPPROTO_TCP_NUM 6
#define GSO_TYPE_TCPV4 1 /* XEN_NETIF_GSO_TYPE_TCPV4 */
#define TCP_CSUM_OFF 16
#define ADLER_MOD 65521u
#define ADLER_NMAX 5552u

/* Source/destination addresses of TCP frames (RFC 2544 benchmark range). */
#define FE_PKT_IP_SRC_NET 0xc6120000u /* 198.18.0.0, low 16 bits = domid */
#define FE_PKT_IP_DST 0xc6130001u /* 198.19.0.1 */

struct adler {
	uint32_t a;
	uint32_t b;
};

/*
 * The payload is a fixed base pattern XOR a per-packet seed byte, so
 * building and checking it are word-speed loops, and the Adler-32 of each
 * (seed, length) is computed once: a few recent lengths are cached.
 */
#define CSUM_CACHE_LENS 4

struct csum_cache {
	uint32_t plen[CSUM_CACHE_LENS];
	uint8_t valid[CSUM_CACHE_LENS][32]; /* bit per seed */
	uint32_t csum[CSUM_CACHE_LENS][256];
	unsigned int next; /* slot to replace */
};

static uint8_t base_pattern[FE_PKT_MAX_LEN];
static bool base_ready;
static struct csum_cache cache;

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

uint32_t
fe_csum_add(uint32_t sum, const uint8_t *p, uint32_t len)
{
	uint64_t s = sum;
	uint32_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += get16(p + i);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 32)
		s = (s & 0xffffffff) + (s >> 32);
	return (uint32_t)s;
}

uint16_t
fe_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Odd multiplier: a bijection on seq % FE_PKT_SEED_PERIOD. */
static uint8_t
payload_seed(uint64_t seq, uint16_t domid)
{
	return (uint8_t)(seq * 0x9d + domid);
}

/* Byte pos of the base pattern changes with the 256-byte block, so
 * misplaced pages or blocks do not go unnoticed. */
static const uint8_t *
base(void)
{
	uint32_t pos;

	if (!base_ready) {
		for (pos = 0; pos < FE_PKT_MAX_LEN; pos++)
			base_pattern[pos] = (uint8_t)(pos ^ (pos >> 8));
		base_ready = true;
	}
	return base_pattern;
}

static void
adler_update(struct adler *ad, const uint8_t *p, uint32_t len)
{
	while (len > 0) {
		uint32_t n = len < ADLER_NMAX ? len : ADLER_NMAX;

		len -= n;
		while (n-- > 0) {
			ad->a += *p++;
			ad->b += ad->a;
		}
		ad->a %= ADLER_MOD;
		ad->b %= ADLER_MOD;
	}
}

static uint32_t
adler_final(const struct adler *ad)
{
	return ad->b << 16 | ad->a;
}

/* Adler-32 of the payload of plen bytes with this seed. */
static uint32_t
payload_csum(uint8_t seed, uint32_t plen)
{
	static uint8_t buf[FE_PKT_MAX_LEN];
	const uint8_t *b = base();
	struct adler ad = { 1, 0 };
	unsigned int i;
	uint32_t k;

	for (i = 0; i < CSUM_CACHE_LENS; i++)
		if (cache.plen[i] == plen)
			break;
	if (i == CSUM_CACHE_LENS) {
		i = cache.next;
		cache.next = (cache.next + 1) % CSUM_CACHE_LENS;
		cache.plen[i] = plen;
		memset(cache.valid[i], 0, sizeof(cache.valid[i]));
	}
	if (!(cache.valid[i][seed / 8] & (1u << (seed % 8)))) {
		for (k = 0; k < plen; k++)
			buf[k] = b[k] ^ seed;
		adler_update(&ad, buf, plen);
		cache.csum[i][seed] = adler_final(&ad);
		cache.valid[i][seed / 8] |= (uint8_t)(1u << (seed % 8));
	}
	return cache.csum[i][seed];
}

static uint32_t
ip_src(uint16_t domid)
{
	return FE_PKT_IP_SRC_NET | domid;
}

static uint32_t
pseudo_sum(const uint8_t *ip, uint32_t l4_len)
{
	uint8_t ph[12];

	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = IPPROTO_TCP_NUM;
	put16(ph + 10, (uint16_t)l4_len);
	return fe_csum_add(0, ph, sizeof(ph));
}

static void
build_tcp_headers(const struct fe_pkt_spec *spec, uint8_t *f)
{
	uint8_t *ip = f + FE_PKT_ETH_HLEN;
	uint8_t *tcp = f + FE_PKT_L4_OFF;
	uint32_t l4_len = spec->len - FE_PKT_L4_OFF;

	memset(ip, 0, FE_PKT_IP_HLEN + FE_PKT_TCP_HLEN);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(spec->len - FE_PKT_ETH_HLEN));
	put16(ip + 4, (uint16_t)spec->seq);
	put16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = IPPROTO_TCP_NUM;
	put32(ip + 12, ip_src(spec->domid));
	put32(ip + 16, FE_PKT_IP_DST);
	put16(ip + 10, (uint16_t)~fe_csum_fold(fe_csum_add(0, ip,
							    FE_PKT_IP_HLEN)));

	put16(tcp, (uint16_t)(32768 + spec->queue));
	put16(tcp + 2, FE_PKT_TCP_PORT);
	put32(tcp + 4, (uint32_t)spec->seq);
	tcp[12] = 5 << 4;
	tcp[13] = 0x18; /* PSH|ACK */
	put16(tcp + 14, 0xffff);
	/* Partial checksum: the pseudo-header sum, not complemented. */
	put16(tcp + TCP_CSUM_OFF, fe_csum_fold(pseudo_sum(ip, l4_len)));
}

int
fe_pkt_build(const struct fe_pkt_spec *spec, const struct fe_seg *segs,
	     unsigned int nsegs)
{
	uint32_t hdr_off = spec->tcp ? FE_PKT_L4_OFF + FE_PKT_TCP_HLEN :
				       FE_PKT_ETH_HLEN;
	uint32_t total = 0, pos = 0, skip;
	uint8_t seed = payload_seed(spec->seq, spec->domid);
	const uint8_t *b = base();
	uint8_t *f, *h;
	unsigned int i;

	for (i = 0; i < nsegs; i++)
		total += segs[i].len;
	if (nsegs == 0 || total != spec->len || spec->len > FE_PKT_MAX_LEN ||
	    spec->len < hdr_off + FE_PKT_HDR_LEN ||
	    segs[0].len < hdr_off + FE_PKT_HDR_LEN)
		return -EINVAL;

	f = segs[0].base;
	memcpy(f, spec->dst, 6);
	memcpy(f + 6, spec->src, 6);
	put16(f + 12, spec->tcp ? ETHERTYPE_IPV4 : FE_PKT_ETHERTYPE);
	if (spec->tcp)
		build_tcp_headers(spec, f);

	skip = hdr_off + FE_PKT_HDR_LEN;
	for (i = 0; i < nsegs; i++) {
		uint8_t *p = segs[i].base + skip;
		uint32_t n = segs[i].len - skip, k;

		for (k = 0; k < n; k++)
			p[k] = b[pos + k] ^ seed;
		pos += n;
		skip = 0;
	}

	h = f + hdr_off;
	put32(h, FE_PKT_MAGIC);
	put16(h + 4, spec->domid);
	put16(h + 6, spec->queue);
	put32(h + 8, (uint32_t)(spec->seq >> 32));
	put32(h + 12, (uint32_t)spec->seq);
	put32(h + 16, spec->len);
	put32(h + 20, payload_csum(seed, pos));
	return 0;
}

void
fe_pkt_set_seq(uint8_t *frame, bool tcp, uint64_t seq)
{
	uint8_t *h = frame + (tcp ? FE_PKT_L4_OFF + FE_PKT_TCP_HLEN :
				    FE_PKT_ETH_HLEN);

	put32(h + 8, (uint32_t)(seq >> 32));
	put32(h + 12, (uint32_t)seq);
}

static enum fe_pkt_verdict
verify_tcp(uint8_t *f, uint32_t len, const struct fe_pkt_rx_meta *meta)
{
	uint8_t *ip = f + FE_PKT_ETH_HLEN;
	uint8_t *tcp = f + FE_PKT_L4_OFF;
	uint32_t l4_len, psum;

	if (len < FE_PKT_MIN_TCP)
		return FE_PKT_BAD_LEN;
	if (ip[0] != 0x45 ||
	    fe_csum_fold(fe_csum_add(0, ip, FE_PKT_IP_HLEN)) != 0xffff)
		return FE_PKT_BAD_IP;
	if (get16(ip + 2) != len - FE_PKT_ETH_HLEN)
		return FE_PKT_BAD_LEN;
	if (ip[9] != IPPROTO_TCP_NUM || get16(tcp + 2) != FE_PKT_TCP_PORT ||
	    tcp[12] != 5 << 4)
		return FE_PKT_BAD_TYPE;

	l4_len = len - FE_PKT_L4_OFF;
	psum = pseudo_sum(ip, l4_len);
	if (meta->csum_blank) {
		/* The field must hold the pseudo-header sum; finish it. */
		if (get16(tcp + TCP_CSUM_OFF) != fe_csum_fold(psum))
			return FE_PKT_BAD_CSUM;
		put16(tcp + TCP_CSUM_OFF,
		      (uint16_t)~fe_csum_fold(fe_csum_add(0, tcp, l4_len)));
	}
	if (fe_csum_fold(fe_csum_add(psum, tcp, l4_len)) != 0xffff)
		return FE_PKT_BAD_CSUM;
	if (meta->gso_type != 0 &&
	    (meta->gso_type != GSO_TYPE_TCPV4 || meta->gso_size == 0))
		return FE_PKT_BAD_GSO;
	return FE_PKT_OK;
}

enum fe_pkt_verdict
fe_pkt_verify(uint8_t *frame, uint32_t len, const uint8_t own_mac[6],
	      const struct fe_pkt_rx_meta *meta, struct fe_pkt_info *info)
{
	const uint8_t *b = base();
	uint32_t hdr_off, plen, k;
	enum fe_pkt_verdict v;
	uint8_t seed, diff = 0;
	uint8_t *h;
	uint16_t type;
	bool tcp;

	if (len < FE_PKT_ETH_HLEN)
		return FE_PKT_BAD_LEN;
	if (!(frame[0] & 1) && memcmp(frame, own_mac, 6) != 0)
		return FE_PKT_BAD_DST;
	type = get16(frame + 12);
	if (type == FE_PKT_ETHERTYPE) {
		tcp = false;
		hdr_off = FE_PKT_ETH_HLEN;
		if (len < FE_PKT_MIN_PLAIN)
			return FE_PKT_BAD_LEN;
		if (meta->csum_blank)
			return FE_PKT_BAD_CSUM;
		if (meta->gso_type != 0)
			return FE_PKT_BAD_GSO;
	} else if (type == ETHERTYPE_IPV4) {
		tcp = true;
		hdr_off = FE_PKT_L4_OFF + FE_PKT_TCP_HLEN;
		v = verify_tcp(frame, len, meta);
		if (v != FE_PKT_OK)
			return v;
	} else {
		return FE_PKT_BAD_TYPE;
	}

	h = frame + hdr_off;
	if (get32(h) != FE_PKT_MAGIC)
		return FE_PKT_BAD_HDR;
	if (get32(h + 16) != len)
		return FE_PKT_BAD_LEN;
	info->domid = get16(h + 4);
	info->queue = get16(h + 6);
	info->seq = (uint64_t)get32(h + 8) << 32 | get32(h + 12);
	info->tcp = tcp;

	/* The bytes are exactly the pattern, and the header's checksum is
	 * the Adler-32 of those bytes. */
	seed = payload_seed(info->seq, info->domid);
	plen = len - hdr_off - FE_PKT_HDR_LEN;
	h += FE_PKT_HDR_LEN;
	for (k = 0; k < plen; k++)
		diff |= h[k] ^ b[k] ^ seed;
	if (diff != 0 ||
	    get32(frame + hdr_off + 20) != payload_csum(seed, plen))
		return FE_PKT_BAD_PAYLOAD;
	return FE_PKT_OK;
}

const char *
fe_pkt_verdict_name(enum fe_pkt_verdict v)
{
	static const char *const names[FE_PKT_VERDICT_MAX] = {
		[FE_PKT_OK] = "ok",
		[FE_PKT_BAD_LEN] = "bad_len",
		[FE_PKT_BAD_TYPE] = "bad_type",
		[FE_PKT_BAD_DST] = "bad_dst",
		[FE_PKT_BAD_IP] = "bad_ip",
		[FE_PKT_BAD_CSUM] = "bad_csum",
		[FE_PKT_BAD_GSO] = "bad_gso",
		[FE_PKT_BAD_HDR] = "bad_hdr",
		[FE_PKT_BAD_PAYLOAD] = "bad_payload",
	};

	if ((unsigned int)v >= FE_PKT_VERDICT_MAX)
		return "unknown";
	return names[v];
}

static int
hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
fe_mac_parse(const char *s, uint8_t mac[6])
{
	int i, hi, lo;

	if (strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		hi = hex_nibble(s[i * 3]);
		lo = hex_nibble(s[i * 3 + 1]);
		if (hi < 0 || lo < 0 || (i < 5 && s[i * 3 + 2] != ':'))
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}
