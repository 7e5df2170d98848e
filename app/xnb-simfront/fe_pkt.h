/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test frames of the simulated frontend: building them into guest pages and
 * verifying them on receipt. Pure functions, no hypervisor.
 *
 * A plain frame is Ethernet (ethertype FE_PKT_ETHERTYPE) + test header +
 * payload. A TCP frame is Ethernet + IPv4 + TCP (to port FE_PKT_TCP_PORT) +
 * test header + payload, built with a partial TCP checksum (the pseudo-header
 * sum, as a guest stack leaves it for NETTXF_csum_blank). The payload is a
 * position-dependent pattern seeded by the sequence number; the header
 * carries its Adler-32.
 */
#ifndef FE_PKT_H
#define FE_PKT_H

#include <stdbool.h>
#include <stdint.h>

#define FE_PKT_MAGIC 0x584e4246u /* "XNBF" */
#define FE_PKT_ETHERTYPE 0x88b5 /* IEEE 802 local experimental */
#define FE_PKT_TCP_PORT 9 /* discard */
#define FE_PKT_ETH_HLEN 14
#define FE_PKT_IP_HLEN 20
#define FE_PKT_TCP_HLEN 20
#define FE_PKT_HDR_LEN 24
#define FE_PKT_MIN_PLAIN (FE_PKT_ETH_HLEN + FE_PKT_HDR_LEN)
#define FE_PKT_L4_OFF (FE_PKT_ETH_HLEN + FE_PKT_IP_HLEN)
#define FE_PKT_MIN_TCP (FE_PKT_L4_OFF + FE_PKT_TCP_HLEN + FE_PKT_HDR_LEN)
#define FE_PKT_MAX_LEN 65535u
/* TCP MSS for a 1500 byte MTU: the gso_size of the frames we send. */
#define FE_PKT_MSS 1448u

/* What to build. */
struct fe_pkt_spec {
	uint8_t dst[6];
	uint8_t src[6];
	uint16_t domid;
	uint16_t queue;
	uint64_t seq;
	uint32_t len; /* whole frame, without FCS */
	bool tcp;
};

/* One piece of a frame in memory. */
struct fe_seg {
	uint8_t *base;
	uint32_t len;
};

/*
 * Write the frame described by spec across segs (in order); the segment
 * lengths must add up to spec->len and segs[0] must hold all headers.
 * Returns 0 or -EINVAL.
 */
int fe_pkt_build(const struct fe_pkt_spec *spec, const struct fe_seg *segs,
		 unsigned int nsegs);

/* How a received frame failed verification. */
enum fe_pkt_verdict {
	FE_PKT_OK = 0,
	FE_PKT_BAD_LEN, /* too short for its headers or length mismatch */
	FE_PKT_BAD_TYPE, /* not one of our frames */
	FE_PKT_BAD_DST, /* not for our MAC, not broadcast/multicast */
	FE_PKT_BAD_IP, /* IPv4 header wrong */
	FE_PKT_BAD_CSUM, /* L4 checksum (or its partial layout) wrong */
	FE_PKT_BAD_GSO, /* GSO info inconsistent with the frame */
	FE_PKT_BAD_HDR, /* test header magic */
	FE_PKT_BAD_PAYLOAD, /* payload checksum */
	FE_PKT_VERDICT_MAX,
};

/* Per-frame receive metadata from the Rx responses (NETRXF_*, extra). */
struct fe_pkt_rx_meta {
	bool csum_blank;
	bool data_validated;
	uint8_t gso_type; /* XEN_NETIF_GSO_TYPE_*, NONE without a GSO extra */
	uint16_t gso_size;
};

/* What a good frame said about itself. */
struct fe_pkt_info {
	uint16_t domid;
	uint16_t queue;
	uint64_t seq;
	bool tcp;
};

/*
 * Verify a received frame. With csum_blank the TCP checksum is completed in
 * place (as the guest stack would) after checking the partial layout.
 */
enum fe_pkt_verdict fe_pkt_verify(uint8_t *frame, uint32_t len,
				  const uint8_t own_mac[6],
				  const struct fe_pkt_rx_meta *meta,
				  struct fe_pkt_info *info);

const char *fe_pkt_verdict_name(enum fe_pkt_verdict v);

/*
 * Renumber a built frame in place: write seq into its test header only.
 * The payload stays valid when seq % FE_PKT_SEED_PERIOD equals the built
 * frame's (the payload seed repeats with that period).
 */
#define FE_PKT_SEED_PERIOD 256u
void fe_pkt_set_seq(uint8_t *frame, bool tcp, uint64_t seq);

/* Internet checksum helpers (RFC 1071), byte-order independent. */
uint32_t fe_csum_add(uint32_t sum, const uint8_t *p, uint32_t len);
uint16_t fe_csum_fold(uint32_t sum);

/* Parse "aa:bb:cc:dd:ee:ff"; 0 or -EINVAL. */
int fe_mac_parse(const char *s, uint8_t mac[6]);

#endif /* FE_PKT_H */
