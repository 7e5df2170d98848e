/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit test of simfront's test-frame format and sequence tracking: frames
 * built across page-like segments verify; every kind of corruption gets its
 * verdict; random garbage never passes and never crashes (ASan/UBSan); the
 * tracker tells loss, reordering and duplicates apart.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fe_pkt.h"
#include "fe_seq.h"

#define PAGE 4096u

static int failures;

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, \
			__LINE__, #cond); \
		failures++; \
	} \
} while (0)

static const uint8_t own[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x02 };
static const uint8_t other[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x01 };
static uint8_t pages[17][PAGE];
static uint8_t frame[FE_PKT_MAX_LEN + 1];

/* Build spec across pages starting at offset off (as Tx slots), then
 * gather it back into frame (as an Rx path would). */
static int
build_linear(const struct fe_pkt_spec *spec, uint32_t off)
{
	struct fe_seg segs[17] = { { NULL, 0 } };
	uint32_t left = spec->len, pos = 0;
	unsigned int n = 0, i;
	int ret;

	while (left > 0) {
		segs[n].base = pages[n] + off;
		segs[n].len = left < PAGE - off ? left : PAGE - off;
		left -= segs[n].len;
		off = 0;
		n++;
	}
	ret = fe_pkt_build(spec, segs, n);
	for (i = 0; ret == 0 && i < n; i++) {
		memcpy(frame + pos, segs[i].base, segs[i].len);
		pos += segs[i].len;
	}
	return ret;
}

static void
make_spec(struct fe_pkt_spec *s, uint32_t len, bool tcp, uint64_t seq)
{
	memcpy(s->dst, own, 6);
	memcpy(s->src, other, 6);
	s->domid = 7;
	s->queue = 3;
	s->seq = seq;
	s->len = len;
	s->tcp = tcp;
}

static void
test_roundtrip(void)
{
	static const uint32_t sizes[] = { 38, 60, 1514, 4096, 9000, 65535 };
	struct fe_pkt_rx_meta meta = { 0 };
	struct fe_pkt_spec s;
	struct fe_pkt_info info;
	unsigned int i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		make_spec(&s, sizes[i], false, 1000 + i);
		CHECK(build_linear(&s, 62) == 0);
		CHECK(fe_pkt_verify(frame, sizes[i], own, &meta, &info) ==
		      FE_PKT_OK);
		CHECK(info.domid == 7 && info.queue == 3 &&
		      info.seq == 1000 + i && !info.tcp);
	}
	/* Broadcast and multicast destinations are ours too. */
	make_spec(&s, 60, false, 5);
	memset(s.dst, 0xff, 6);
	CHECK(build_linear(&s, 0) == 0);
	CHECK(fe_pkt_verify(frame, 60, own, &meta, &info) == FE_PKT_OK);
	/* Sequence numbers above 32 bits survive. */
	make_spec(&s, 100, false, 0x123456789abcull);
	CHECK(build_linear(&s, 0) == 0);
	CHECK(fe_pkt_verify(frame, 100, own, &meta, &info) == FE_PKT_OK);
	CHECK(info.seq == 0x123456789abcull);
}

static void
test_tcp(void)
{
	struct fe_pkt_rx_meta meta = { .csum_blank = true };
	struct fe_pkt_spec s;
	struct fe_pkt_info info;

	make_spec(&s, 65535, true, 42);
	CHECK(build_linear(&s, 10) == 0);
	/* The partial checksum is not a full one. */
	meta.csum_blank = false;
	CHECK(fe_pkt_verify(frame, 65535, own, &meta, &info) ==
	      FE_PKT_BAD_CSUM);
	/* With csum_blank it is completed; then it checks as full. */
	meta.csum_blank = true;
	meta.gso_type = 1;
	meta.gso_size = FE_PKT_MSS;
	CHECK(fe_pkt_verify(frame, 65535, own, &meta, &info) == FE_PKT_OK);
	CHECK(info.tcp && info.seq == 42);
	meta.csum_blank = false;
	CHECK(fe_pkt_verify(frame, 65535, own, &meta, &info) == FE_PKT_OK);
	/* csum_blank on a completed checksum: the partial layout is gone. */
	meta.csum_blank = true;
	CHECK(fe_pkt_verify(frame, 65535, own, &meta, &info) ==
	      FE_PKT_BAD_CSUM);

	make_spec(&s, 1514, true, 43);
	CHECK(build_linear(&s, 0) == 0);
	meta.gso_size = 0;
	CHECK(fe_pkt_verify(frame, 1514, own, &meta, &info) ==
	      FE_PKT_BAD_GSO);
	CHECK(build_linear(&s, 0) == 0);
	meta.gso_size = FE_PKT_MSS;
	meta.gso_type = 2; /* TCPv6 on an IPv4 frame */
	CHECK(fe_pkt_verify(frame, 1514, own, &meta, &info) ==
	      FE_PKT_BAD_GSO);
	CHECK(build_linear(&s, 0) == 0);
	meta.gso_type = 0;
	frame[FE_PKT_ETH_HLEN + 8] ^= 1; /* TTL: IPv4 header checksum */
	CHECK(fe_pkt_verify(frame, 1514, own, &meta, &info) ==
	      FE_PKT_BAD_IP);
	/* Payload damage: with csum_blank only the test header sees it; on
	 * a completed checksum the TCP checksum catches it first. */
	CHECK(build_linear(&s, 0) == 0);
	frame[1000] ^= 0x40;
	CHECK(fe_pkt_verify(frame, 1514, own, &meta, &info) ==
	      FE_PKT_BAD_PAYLOAD);
	CHECK(build_linear(&s, 0) == 0);
	CHECK(fe_pkt_verify(frame, 1514, own, &meta, &info) == FE_PKT_OK);
	frame[1000] ^= 0x40;
	meta.csum_blank = false;
	CHECK(fe_pkt_verify(frame, 1514, own, &meta, &info) ==
	      FE_PKT_BAD_CSUM);
	/* Too short for its own headers. */
	CHECK(fe_pkt_verify(frame, FE_PKT_MIN_TCP - 1, own, &meta, &info) ==
	      FE_PKT_BAD_LEN);
}

static void
test_corruption(void)
{
	struct fe_pkt_rx_meta meta = { 0 };
	struct fe_pkt_spec s;
	struct fe_pkt_info info;
	uint8_t block[256];
	uint32_t len = 9000;

	make_spec(&s, len, false, 7);
	CHECK(build_linear(&s, 0) == 0);
	frame[len - 1] ^= 1;
	CHECK(fe_pkt_verify(frame, len, own, &meta, &info) ==
	      FE_PKT_BAD_PAYLOAD);

	/* Two 256-byte blocks swapped: same bytes, wrong place. */
	CHECK(build_linear(&s, 0) == 0);
	memcpy(block, frame + 1024, 256);
	memcpy(frame + 1024, frame + 4096, 256);
	memcpy(frame + 4096, block, 256);
	CHECK(fe_pkt_verify(frame, len, own, &meta, &info) ==
	      FE_PKT_BAD_PAYLOAD);

	/* The header's payload checksum itself damaged. */
	CHECK(build_linear(&s, 0) == 0);
	frame[FE_PKT_ETH_HLEN + 23] ^= 4;
	CHECK(fe_pkt_verify(frame, len, own, &meta, &info) ==
	      FE_PKT_BAD_PAYLOAD);

	CHECK(build_linear(&s, 0) == 0);
	CHECK(fe_pkt_verify(frame, len - 1, own, &meta, &info) ==
	      FE_PKT_BAD_LEN);
	CHECK(fe_pkt_verify(frame, len, other, &meta, &info) ==
	      FE_PKT_BAD_DST);
	meta.csum_blank = true;
	CHECK(fe_pkt_verify(frame, len, own, &meta, &info) ==
	      FE_PKT_BAD_CSUM);
	meta.csum_blank = false;
	meta.gso_type = 1;
	CHECK(fe_pkt_verify(frame, len, own, &meta, &info) ==
	      FE_PKT_BAD_GSO);
	meta.gso_type = 0;
	frame[FE_PKT_ETH_HLEN] ^= 0x80;
	CHECK(fe_pkt_verify(frame, len, own, &meta, &info) ==
	      FE_PKT_BAD_HDR);
	frame[12] = 0x86;
	frame[13] = 0xdd;
	CHECK(fe_pkt_verify(frame, len, own, &meta, &info) ==
	      FE_PKT_BAD_TYPE);
	CHECK(fe_pkt_verify(frame, 13, own, &meta, &info) == FE_PKT_BAD_LEN);
	CHECK(fe_pkt_verify(frame, 0, own, &meta, &info) == FE_PKT_BAD_LEN);
}

static void
test_build_errors(void)
{
	struct fe_pkt_spec s;
	struct fe_seg segs[2] = {
		{ pages[0], 20 },
		{ pages[1], 80 },
	};

	make_spec(&s, 100, false, 1);
	/* Headers must fit in the first segment. */
	CHECK(fe_pkt_build(&s, segs, 2) == -EINVAL);
	segs[0].len = 40;
	CHECK(fe_pkt_build(&s, segs, 2) == -EINVAL); /* 120 != 100 */
	segs[1].len = 60;
	CHECK(fe_pkt_build(&s, segs, 2) == 0);
	s.len = 37; /* below the plain minimum */
	segs[0].len = 37;
	CHECK(fe_pkt_build(&s, segs, 1) == -EINVAL);
	CHECK(fe_pkt_build(&s, segs, 0) == -EINVAL);
	s.tcp = true;
	s.len = FE_PKT_MIN_TCP - 1;
	segs[0].len = s.len;
	CHECK(fe_pkt_build(&s, segs, 1) == -EINVAL);
}

/* Random frames, some with a plausible prefix: never OK, never a crash. */
static void
test_garbage(void)
{
	struct fe_pkt_rx_meta meta;
	struct fe_pkt_info info;
	unsigned int iter, k;
	uint32_t len, x = 12345;

	for (iter = 0; iter < 20000; iter++) {
		x = x * 1103515245 + 12345;
		len = (x >> 8) % 2000;
		for (k = 0; k < len; k++) {
			x = x * 1103515245 + 12345;
			frame[k] = (uint8_t)(x >> 16);
		}
		if (len >= 14 && (iter & 1)) {
			memcpy(frame, own, 6);
			frame[12] = iter & 2 ? 0x08 : 0x88;
			frame[13] = iter & 2 ? 0x00 : 0xb5;
			if (len > 24)
				frame[14] = 0x45;
		}
		meta.csum_blank = x & 1;
		meta.data_validated = x & 2;
		meta.gso_type = (x >> 2) & 3;
		meta.gso_size = (uint16_t)(x >> 4);
		CHECK(fe_pkt_verify(frame, len, own, &meta, &info) !=
		      FE_PKT_OK);
	}
}

static void
test_mac(void)
{
	uint8_t mac[6];

	CHECK(fe_mac_parse("00:16:3e:Aa:bB:ff", mac) == 0);
	CHECK(mac[0] == 0 && mac[2] == 0x3e && mac[3] == 0xaa &&
	      mac[5] == 0xff);
	CHECK(fe_mac_parse("00:16:3e:aa:bb", mac) == -EINVAL);
	CHECK(fe_mac_parse("00:16:3e:aa:bb:ff:", mac) == -EINVAL);
	CHECK(fe_mac_parse("00-16-3e-aa-bb-ff", mac) == -EINVAL);
	CHECK(fe_mac_parse(" 0:16:3e:aa:bb:ff", mac) == -EINVAL);
	CHECK(fe_mac_parse("0g:16:3e:aa:bb:ff", mac) == -EINVAL);
	CHECK(fe_mac_parse("", mac) == -EINVAL);
}

static void
test_seq(void)
{
	static struct fe_seq_table t;
	struct fe_seq_delta d;
	int64_t lost = 0;
	unsigned int i;

	fe_seq_init(&t);
	fe_seq_track(&t, 1, 0, 0, &d);
	CHECK(d.lost == 0 && d.dup == 0 && d.reordered == 0);
	fe_seq_track(&t, 1, 0, 1, &d);
	CHECK(d.lost == 0);
	fe_seq_track(&t, 1, 0, 5, &d); /* 2, 3, 4 missing */
	CHECK(d.lost == 3);
	fe_seq_track(&t, 1, 0, 3, &d); /* late: fills one gap */
	CHECK(d.lost == -1 && d.reordered == 1 && d.dup == 0);
	fe_seq_track(&t, 1, 0, 3, &d);
	CHECK(d.dup == 1 && d.lost == 0 && d.reordered == 0);
	fe_seq_track(&t, 1, 0, 5, &d);
	CHECK(d.dup == 1);
	/* Another stream (other queue) is independent. */
	fe_seq_track(&t, 1, 1, 0, &d);
	CHECK(d.lost == 0 && d.dup == 0);
	/* Far jump clears the window; very old frames count as dups. */
	fe_seq_track(&t, 1, 0, 5 + 3 * FE_SEQ_WINDOW, &d);
	CHECK(d.lost == 3 * FE_SEQ_WINDOW - 1);
	fe_seq_track(&t, 1, 0, 6, &d);
	CHECK(d.dup == 1);
	fe_seq_track(&t, 1, 0, 6 + 3 * FE_SEQ_WINDOW, &d);
	CHECK(d.lost == 0 && d.dup == 0);
	/* A late frame still inside the window is a reorder. */
	fe_seq_track(&t, 1, 0, 4 + 3 * FE_SEQ_WINDOW, &d);
	CHECK(d.reordered == 1 && d.lost == -1);

	/* Lost total after a shuffled run equals what never came. */
	fe_seq_init(&t);
	for (i = 0; i < 100; i++) {
		if (i % 10 == 3)
			continue;
		fe_seq_track(&t, 2, 0, i % 2 ? i - 1 : i + 1, &d);
		lost += d.lost;
	}
	CHECK(lost == 10);

	/* Table full: further streams are not tracked, not misattributed. */
	fe_seq_init(&t);
	for (i = 0; i < FE_SEQ_MAX_STREAMS; i++) {
		fe_seq_track(&t, (uint16_t)(i + 1), 0, 0, &d);
		CHECK(d.untracked == 0);
	}
	fe_seq_track(&t, 999, 0, 0, &d);
	CHECK(d.untracked == 1 && d.lost == 0 && d.dup == 0);
}

int
main(void)
{
	test_roundtrip();
	test_tcp();
	test_corruption();
	test_build_errors();
	test_garbage();
	test_mac();
	test_seq();
	if (failures != 0) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	printf("fe_pkt/fe_seq: all checks passed\n");
	return 0;
}
