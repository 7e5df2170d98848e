/* SPDX-License-Identifier: BSD-3-Clause */
/* Guest Rx queue selection for multi-queue guests (see eth_xen_spread.h). */
#include <stdbool.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_jhash.h>

#include "eth_xen_spread.h"

/* Any constant: the hash only has to be stable within this process. */
#define ETH_XEN_FLOW_SEED 0x9e3779b9u

/* Header words are hashed as they lie in memory: no byte swap needed. */
static uint32_t
eth_xen_word(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint16_t
eth_xen_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static bool
eth_xen_has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_SCTP;
}

uint32_t
eth_xen_flow_hash(const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = m->data_len, off = RTE_ETHER_HDR_LEN, ports = 0;
	uint32_t a, b, l4;
	unsigned int tags;
	uint16_t type;
	uint8_t proto;

	if (m->ol_flags & RTE_MBUF_F_RX_RSS_HASH)
		return m->hash.rss;
	if (len < RTE_ETHER_HDR_LEN)
		return 0;
	type = eth_xen_be16(p + 12);
	for (tags = 0; tags < 2 && len >= off + 4 &&
	     (type == RTE_ETHER_TYPE_VLAN || type == RTE_ETHER_TYPE_QINQ);
	     tags++) {
		type = eth_xen_be16(p + off + 2);
		off += 4;
	}
	if (type == RTE_ETHER_TYPE_IPV4 && len >= off + 20 &&
	    (p[off] >> 4) == 4) {
		const struct rte_ipv4_hdr *ip = (const void *)(p + off);

		proto = ip->next_proto_id;
		l4 = off + rte_ipv4_hdr_len(ip);
		/* Fragments carry no ports (only the first has them): all
		 * of a datagram goes by its addresses. */
		if (eth_xen_has_ports(proto) && rte_ipv4_hdr_len(ip) >= 20 &&
		    (rte_be_to_cpu_16(ip->fragment_offset) &
		     (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) == 0 &&
		    len >= l4 + 4)
			ports = eth_xen_word(p + l4);
		return rte_jhash_3words(ip->src_addr, ip->dst_addr, ports,
					ETH_XEN_FLOW_SEED ^ proto);
	}
	if (type == RTE_ETHER_TYPE_IPV6 && len >= off + 40 &&
	    (p[off] >> 4) == 6) {
		const uint8_t *src = p + off + 8, *dst = p + off + 24;

		/* Extension headers are not walked: such flows go by their
		 * addresses and first next header. */
		proto = p[off + 6];
		if (eth_xen_has_ports(proto) && len >= off + 40 + 4)
			ports = eth_xen_word(p + off + 40);
		a = eth_xen_word(src) ^ eth_xen_word(src + 4) ^
		    eth_xen_word(src + 8) ^ eth_xen_word(src + 12);
		b = eth_xen_word(dst) ^ eth_xen_word(dst + 4) ^
		    eth_xen_word(dst + 8) ^ eth_xen_word(dst + 12);
		return rte_jhash_3words(a, b, ports, ETH_XEN_FLOW_SEED ^ proto);
	}
	/* Anything else: the Ethernet addresses and type. */
	return rte_jhash_3words(eth_xen_word(p), eth_xen_word(p + 4),
				eth_xen_word(p + 8), ETH_XEN_FLOW_SEED ^ type);
}

uint16_t
eth_xen_tx_pick(const struct xnb_ctrl *ctrl, const struct rte_mbuf *m,
		uint16_t nq)
{
	uint32_t hash;
	uint16_t q;
	uint8_t type;

	if (ctrl != NULL &&
	    xnb_ctrl_hash(ctrl, rte_pktmbuf_mtod(m, const void *),
			  m->data_len, &hash, &type) == 0) {
		/* The mapping was validated against the queues of the
		 * connection that set it; nq is this burst's view. */
		q = xnb_ctrl_queue(ctrl, hash);
		return q < nq ? q : q % nq;
	}
	return eth_xen_flow_hash(m) % nq;
}
