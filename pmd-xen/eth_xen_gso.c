/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_xen software GSO: without RTE_ETH_RX_OFFLOAD_TCP_LRO the port must
 * not deliver coalesced TCP, so a guest's GSO frame (TCP over IPv4 or
 * IPv6, marked by eth_xen_rx_finish() with RX_LRO + TX_TCP_SEG) is cut
 * here into MSS-sized frames, each a fresh copy with its own IP length,
 * IPv4 id, TCP sequence number and flags, and checksums finished as for a
 * csum_blank frame (computed, or left to Tx offload when the application
 * enabled Rx checksum offload). (DPDK 22.11's librte_gso has no TCP/IPv6.)
 *
 * Segments are made lazily from a per-queue pending queue, so a burst
 * never returns more than nb_pkts mbufs and at most one pull of guest
 * frames (XNB_TX_BURST_MAX) waits there.
 */
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_tcp.h>

#include "eth_xen.h"

/* Segments of m, 0 if it cannot be segmented here. */
static uint32_t
eth_xen_gso_nb_segs(const struct rte_mbuf *m)
{
	uint32_t hdrs = m->l2_len + m->l3_len + m->l4_len;
	uint32_t mss = m->tso_segsz;
	uint32_t nseg;

	/* eth_xen_rx_finish() set TX_TCP_SEG only for a TCP/IP frame with
	 * its headers in the first mbuf and a non-zero MSS. */
	if (!(m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) || m->pkt_len <= hdrs)
		return 0;
	nseg = (m->pkt_len - hdrs + mss - 1) / mss;
	return nseg <= ETH_XEN_SW_GSO_MAX_SEGS ? nseg : 0;
}

/* A copy of m's headers and of len payload bytes from off. */
static struct rte_mbuf *
eth_xen_gso_copy(struct eth_xen_rxq *rxq, const struct rte_mbuf *m,
		 uint32_t hdrs, uint32_t off, uint32_t len)
{
	struct rte_mbuf *s, *tail, *n;
	uint32_t chunk, done = 0;
	const void *src;
	char *dst;

	s = rte_pktmbuf_alloc(rxq->mp);
	if (s == NULL)
		return NULL;
	/* hdrs <= m->data_len <= buf_size: the headers fit one mbuf. */
	rte_memcpy(rte_pktmbuf_mtod(s, void *), rte_pktmbuf_mtod(m, void *),
		   hdrs);
	s->data_len = hdrs;
	tail = s;
	while (done < len) {
		if (tail->data_len == rxq->buf_size) {
			n = rte_pktmbuf_alloc(rxq->mp);
			if (n == NULL) {
				rte_pktmbuf_free(s);
				return NULL;
			}
			tail->next = n;
			s->nb_segs++;
			tail = n;
		}
		chunk = RTE_MIN(len - done,
				(uint32_t)(rxq->buf_size - tail->data_len));
		dst = rte_pktmbuf_mtod_offset(tail, char *, tail->data_len);
		src = rte_pktmbuf_read(m, off + done, chunk, dst);
		if (src != dst)
			rte_memcpy(dst, src, chunk);
		tail->data_len += chunk;
		done += chunk;
	}
	s->pkt_len = hdrs + len;
	return s;
}

/* Headers and metadata of segment k (of nseg) of m. */
static void
eth_xen_gso_fix(struct eth_xen_rxq *rxq, const struct rte_mbuf *m,
		struct rte_mbuf *s, uint32_t k, uint32_t nseg)
{
	bool ip4 = RTE_ETH_IS_IPV4_HDR(m->packet_type);
	struct rte_tcp_hdr *th;
	struct rte_ipv4_hdr *ip;
	struct rte_ipv6_hdr *ip6;
	uint64_t ol;

	s->port = m->port;
	s->packet_type = m->packet_type;
	s->l2_len = m->l2_len;
	s->l3_len = m->l3_len;
	s->l4_len = m->l4_len;
	s->hash.rss = m->hash.rss;
	ol = m->ol_flags & (RTE_MBUF_F_RX_RSS_HASH |
			    RTE_MBUF_F_RX_IP_CKSUM_MASK);

	th = rte_pktmbuf_mtod_offset(s, struct rte_tcp_hdr *,
				     m->l2_len + m->l3_len);
	th->sent_seq = rte_cpu_to_be_32(rte_be_to_cpu_32(th->sent_seq) +
					k * m->tso_segsz);
	if (k != 0)
		th->tcp_flags &= ~RTE_TCP_CWR_FLAG;
	if (k != nseg - 1)
		th->tcp_flags &= ~(RTE_TCP_FIN_FLAG | RTE_TCP_PSH_FLAG);
	if (ip4) {
		ip = rte_pktmbuf_mtod_offset(s, struct rte_ipv4_hdr *,
					     m->l2_len);
		ip->total_length = rte_cpu_to_be_16(s->pkt_len - m->l2_len);
		ip->packet_id = rte_cpu_to_be_16(
				rte_be_to_cpu_16(ip->packet_id) + k);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		th->cksum = rte_ipv4_phdr_cksum(ip, 0);
	} else {
		ip6 = rte_pktmbuf_mtod_offset(s, struct rte_ipv6_hdr *,
					      m->l2_len);
		ip6->payload_len = rte_cpu_to_be_16(s->pkt_len - m->l2_len -
						    sizeof(*ip6));
		th->cksum = rte_ipv6_phdr_cksum(ip6, 0);
	}
	if (rxq->sw_cksum) {
		eth_xen_rx_sw_cksum(s, offsetof(struct rte_tcp_hdr, cksum));
		ol |= RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	} else {
		/* Blank, the pseudo-header sum (with the length) in the
		 * field: DPDK's non-TSO checksum offload convention. */
		ol |= RTE_MBUF_F_RX_L4_CKSUM_NONE | RTE_MBUF_F_TX_TCP_CKSUM |
		      (ip4 ? RTE_MBUF_F_TX_IPV4 : RTE_MBUF_F_TX_IPV6);
	}
	s->ol_flags = ol;
}

static void
eth_xen_pend_pop(struct eth_xen_rxq *rxq)
{
	rxq->pend_seg = 0;
	rxq->pend_head++;
	if (--rxq->pend_n == 0)
		rxq->pend_head = 0;
}

/*
 * Segments of the first pending frame m, from pend_seg on, into out[0..n).
 * Returns how many; the frame is done when pend_seg reaches nseg.
 */
static uint16_t
eth_xen_gso_emit(struct eth_xen_rxq *rxq, const struct rte_mbuf *m,
		 uint32_t nseg, struct rte_mbuf **out, uint16_t n)
{
	uint32_t hdrs = m->l2_len + m->l3_len + m->l4_len;
	uint32_t mss = m->tso_segsz;
	uint32_t off, len;
	struct rte_mbuf *s;
	uint16_t i;

	for (i = 0; i < n && rxq->pend_seg < nseg; i++) {
		off = hdrs + rxq->pend_seg * mss;
		len = RTE_MIN(mss, m->pkt_len - off);
		s = eth_xen_gso_copy(rxq, m, hdrs, off, len);
		if (unlikely(s == NULL)) {
			/* Retried by the next burst. */
			rxq->internals->dev->data->rx_mbuf_alloc_failed++;
			break;
		}
		eth_xen_gso_fix(rxq, m, s, rxq->pend_seg, nseg);
		out[i] = s;
		rxq->pend_seg++;
	}
	rxq->sw_gso_segs += i;
	return i;
}

uint16_t
eth_xen_rx_pend_drain(struct eth_xen_rxq *rxq, struct rte_mbuf **pkts,
		      uint16_t n)
{
	struct rte_mbuf *m;
	uint16_t nb = 0;
	uint32_t nseg;

	while (rxq->pend_n != 0 && nb < n) {
		m = rxq->pend[rxq->pend_head];
		if (!(m->ol_flags & RTE_MBUF_F_RX_LRO)) {
			pkts[nb++] = m;
			eth_xen_pend_pop(rxq);
			continue;
		}
		nseg = eth_xen_gso_nb_segs(m);
		if (unlikely(nseg == 0)) {
			/* A GSO extra on a frame that is not TCP/IP, or
			 * an absurd MSS. */
			rxq->sw_gso_drop++;
			rte_pktmbuf_free(m);
			eth_xen_pend_pop(rxq);
			continue;
		}
		nb += eth_xen_gso_emit(rxq, m, nseg, &pkts[nb], n - nb);
		if (rxq->pend_seg < nseg)
			break; /* out of room or of mbufs */
		rxq->sw_gso_pkts++;
		rte_pktmbuf_free(m);
		eth_xen_pend_pop(rxq);
	}
	return nb;
}

uint16_t
eth_xen_rx_sw_gso(struct eth_xen_rxq *rxq, struct rte_mbuf **pkts,
		  uint16_t got, uint16_t room)
{
	uint16_t j;

	for (j = 0; j < got; j++)
		if (pkts[j]->ol_flags & RTE_MBUF_F_RX_LRO)
			break;
	if (likely(j == got))
		return got;
	/* From the first GSO frame on, everything goes through the pending
	 * queue to keep the guest's order. */
	memcpy(rxq->pend, &pkts[j], (got - j) * sizeof(*pkts));
	rxq->pend_head = 0;
	rxq->pend_n = got - j;
	rxq->pend_seg = 0;
	return j + eth_xen_rx_pend_drain(rxq, &pkts[j], room - j);
}

void
eth_xen_rx_pend_free(struct eth_xen_rxq *rxq)
{
	rte_pktmbuf_free_bulk(&rxq->pend[rxq->pend_head], rxq->pend_n);
	rxq->pend_head = 0;
	rxq->pend_n = 0;
	rxq->pend_seg = 0;
}
