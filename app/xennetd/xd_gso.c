/* SPDX-License-Identifier: BSD-3-Clause */
/* TCP/IPv4 segmentation of TSO frames with librte_gso. */
#include <errno.h>

#include <rte_ethdev.h>
#include <rte_gso.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "xd_gso.h"

#define XD_GSO_OL (RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM | \
		   RTE_MBUF_F_TX_TCP_CKSUM)

/* What a segment (or a frame that needs no cutting) asks of the egress:
 * both checksums, over the headers the segmentation left. */
static void
seg_finish(struct rte_mbuf *s, const struct rte_mbuf *m)
{
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;

	s->l2_len = m->l2_len;
	s->l3_len = m->l3_len;
	s->l4_len = m->l4_len;
	s->tso_segsz = 0;
	s->ol_flags = (m->ol_flags & ~(RTE_MBUF_F_TX_OFFLOAD_MASK |
				       RTE_MBUF_F_RX_LRO)) | XD_GSO_OL;
	ip = rte_pktmbuf_mtod_offset(s, struct rte_ipv4_hdr *, s->l2_len);
	th = rte_pktmbuf_mtod_offset(s, struct rte_tcp_hdr *,
				     s->l2_len + s->l3_len);
	ip->hdr_checksum = 0;
	th->cksum = rte_ipv4_phdr_cksum(ip, s->ol_flags);
}

int
xd_gso_segment(struct rte_mbuf *m, struct rte_mempool *mp,
	       struct rte_mbuf **out, uint16_t max)
{
	uint32_t hdr = (uint32_t)m->l2_len + m->l3_len + m->l4_len;
	struct rte_gso_ctx ctx = {
		.direct_pool = mp,
		.indirect_pool = mp,
		.gso_types = RTE_ETH_TX_OFFLOAD_TCP_TSO,
	};
	const struct rte_ipv4_hdr *ip;
	uint32_t payload, nseg;
	int n, i;

	if ((m->ol_flags & (RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_IPV4)) !=
	    (RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_IPV4) ||
	    (m->ol_flags & RTE_MBUF_F_TX_TUNNEL_MASK))
		return -ENOTSUP;
	if (m->l3_len < sizeof(*ip) ||
	    m->l4_len < sizeof(struct rte_tcp_hdr) || hdr > m->data_len ||
	    hdr >= m->pkt_len || m->tso_segsz == 0)
		return -EINVAL;
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *,
				     m->l2_len);
	if (ip->next_proto_id != IPPROTO_TCP ||
	    rte_ipv4_hdr_len(ip) != m->l3_len)
		return -EINVAL;
	payload = m->pkt_len - hdr;
	nseg = (payload + m->tso_segsz - 1) / m->tso_segsz;
	if (nseg > max)
		return -E2BIG;
	if (nseg == 1) {
		seg_finish(m, m);
		out[0] = m;
		return 1;
	}
	/* gso_size is the whole segment, headers included. */
	if (hdr + m->tso_segsz > UINT16_MAX)
		return -EINVAL;
	ctx.gso_size = (uint16_t)(hdr + m->tso_segsz);
	n = rte_gso_segment(m, &ctx, out, max);
	if (n < 0)
		return n;
	if (n == 0)
		return -EINVAL;
	for (i = 0; i < n; i++)
		seg_finish(out[i], m);
	/* The segments hold references to m's data (unless m itself came
	 * back, uncut). */
	if (out[0] != m)
		rte_pktmbuf_free(m);
	return n;
}
