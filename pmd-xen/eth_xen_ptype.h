/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet type and header lengths of a frame a guest sent: what
 * rte_net_get_ptype() reports for L2-L4, with the common frames parsed in
 * line (a function call and rte_pktmbuf_read() per layer cost more than
 * the parse). No ethdev here: tests/pmd/test_ptype.c checks it against
 * rte_net_get_ptype() frame by frame.
 */
#ifndef ETH_XEN_PTYPE_H
#define ETH_XEN_PTYPE_H

#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_mbuf_ptype.h>
#include <rte_net.h>
#include <rte_tcp.h>
#include <rte_udp.h>

/* The layers the PMD reports. */
#define ETH_XEN_PTYPE_LAYERS \
	(RTE_PTYPE_L2_MASK | RTE_PTYPE_L3_MASK | RTE_PTYPE_L4_MASK)

/*
 * The common frames, headers in the first segment: an EtherType
 * rte_net_get_ptype() does not parse (plain L2_ETHER), or untagged IPv4
 * without options, not a fragment, carrying TCP or UDP. Returns the same
 * packet type and lengths as rte_net_get_ptype() (l3_len and l4_len 0
 * where it leaves them unset), or 0 for any other frame.
 */
static inline uint32_t
eth_xen_ptype_fast(const struct rte_mbuf *m, struct rte_net_hdr_lens *hl)
{
	const struct rte_ether_hdr *eh;
	const struct rte_ipv4_hdr *ip;
	const struct rte_tcp_hdr *th;

	if (unlikely(m->data_len < sizeof(*eh)))
		return 0;
	eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	switch (eh->ether_type) {
	case RTE_BE16(RTE_ETHER_TYPE_IPV4):
		break;
	case RTE_BE16(RTE_ETHER_TYPE_IPV6):
	case RTE_BE16(RTE_ETHER_TYPE_VLAN):
	case RTE_BE16(RTE_ETHER_TYPE_QINQ):
	case RTE_BE16(RTE_ETHER_TYPE_MPLS):
	case RTE_BE16(RTE_ETHER_TYPE_MPLSM):
		return 0;
	default:
		hl->l2_len = sizeof(*eh);
		hl->l3_len = 0;
		hl->l4_len = 0;
		return RTE_PTYPE_L2_ETHER;
	}
	if (unlikely(m->data_len < sizeof(*eh) + sizeof(*ip) + sizeof(*th)))
		return 0;
	ip = (const struct rte_ipv4_hdr *)(eh + 1);
	if (ip->version_ihl != RTE_IPV4_VHL_DEF ||
	    (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK |
					    RTE_IPV4_HDR_MF_FLAG)) != 0)
		return 0;
	hl->l2_len = sizeof(*eh);
	hl->l3_len = sizeof(*ip);
	if (ip->next_proto_id == IPPROTO_UDP) {
		hl->l4_len = sizeof(struct rte_udp_hdr);
		return RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV4 |
		       RTE_PTYPE_L4_UDP;
	}
	if (ip->next_proto_id == IPPROTO_TCP) {
		th = (const struct rte_tcp_hdr *)(ip + 1);
		hl->l4_len = (th->data_off & 0xf0) >> 2;
		return RTE_PTYPE_L2_ETHER | RTE_PTYPE_L3_IPV4 |
		       RTE_PTYPE_L4_TCP;
	}
	return 0;
}

/* Packet type (L2-L4) and header lengths of any frame, 0 for those not
 * found. */
static inline uint32_t
eth_xen_ptype(const struct rte_mbuf *m, struct rte_net_hdr_lens *hl)
{
	uint32_t ptype = eth_xen_ptype_fast(m, hl);

	if (likely(ptype != 0))
		return ptype;
	/* It leaves the lengths of layers it does not find unset. */
	memset(hl, 0, sizeof(*hl));
	return rte_net_get_ptype(m, hl, ETH_XEN_PTYPE_LAYERS);
}

#endif /* ETH_XEN_PTYPE_H */
