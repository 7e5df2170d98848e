/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_xen ethdev Rx = guest Tx: libxnb takes the guest's Tx requests and
 * grant-copies them into mbufs allocated and described here.
 *
 * Offloads, guest -> port:
 *  - NETTXF_data_validated: RTE_MBUF_F_RX_L4_CKSUM_GOOD.
 *  - NETTXF_csum_blank: with Rx checksum offload enabled, the checksum is
 *    left blank: RTE_MBUF_F_RX_L4_CKSUM_NONE plus RTE_MBUF_F_TX_*_CKSUM
 *    (and l2/l3/l4 lengths) so a forward to any port finishes it; without,
 *    the PMD computes it (RTE_MBUF_F_RX_L4_CKSUM_GOOD).
 *  - GSO, with RTE_ETH_RX_OFFLOAD_TCP_LRO enabled: RTE_MBUF_F_RX_LRO with
 *    tso_segsz, plus RTE_MBUF_F_TX_TCP_SEG and the DPDK TSO pseudo-header,
 *    so the frame can be forwarded as TSO. Without LRO the frame is
 *    segmented in software (eth_xen_gso.c).
 */
#include <errno.h>

#include <rte_branch_prediction.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_net.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "eth_xen.h"
#include "eth_xen_log.h"
#include "xnb_queue.h"


static int
eth_xen_rx_refill(struct eth_xen_rxq *rxq, unsigned int need)
{
	unsigned int room = ETH_XEN_RX_CACHE - rxq->nb_cache;

	if (rte_pktmbuf_alloc_bulk(rxq->mp, &rxq->cache[rxq->nb_cache],
				   room) == 0) {
		rxq->nb_cache += room;
		return 0;
	}
	/* Pool low: take just what this frame needs. */
	need -= rxq->nb_cache;
	if (rte_pktmbuf_alloc_bulk(rxq->mp, &rxq->cache[rxq->nb_cache],
				   need) == 0) {
		rxq->nb_cache += need;
		return 0;
	}
	return -ENOBUFS;
}

static int
eth_xen_rx_prepare(void *arg, const struct xnb_tx_pkt *pkt,
		   struct xnb_seg *segs, unsigned int max_segs, void **cookie)
{
	struct eth_xen_rxq *rxq = arg;
	struct rte_mbuf *head, *m, *prev = NULL;
	uint32_t left = pkt->len;
	unsigned int nseg, i;
	uint64_t ol = 0;

	nseg = (pkt->len + rxq->buf_size - 1) / rxq->buf_size;
	if (unlikely(nseg > max_segs || nseg == 0)) {
		/* Cannot happen: queue setup bounds buf_size. */
		ETH_XEN_LOG_RL(ERR, "rx q%u: frame of %u bytes needs %u mbufs",
			       rxq->queue_id, pkt->len, nseg);
		return -ENOBUFS;
	}
	if (unlikely(rxq->nb_cache < nseg) &&
	    eth_xen_rx_refill(rxq, nseg) < 0) {
		rxq->internals->dev->data->rx_mbuf_alloc_failed++;
		return -ENOBUFS;
	}
	head = rxq->cache[--rxq->nb_cache];
	for (i = 0, m = head; i < nseg; i++) {
		if (i > 0) {
			m = rxq->cache[--rxq->nb_cache];
			prev->next = m;
		}
		m->data_len = RTE_MIN(left, (uint32_t)rxq->buf_size);
		left -= m->data_len;
		segs[i].addr = rte_pktmbuf_mtod(m, void *);
		segs[i].len = m->data_len;
		prev = m;
	}
	head->nb_segs = nseg;
	head->pkt_len = pkt->len;
	head->port = rxq->internals->dev->data->port_id;

	/* Marks read back by eth_xen_rx_finish() once the data is in. */
	if (pkt->flags & XNB_TX_F_CSUM_BLANK)
		ol |= RTE_MBUF_F_RX_L4_CKSUM_NONE;
	else if (pkt->flags & XNB_TX_F_DATA_VALIDATED)
		ol |= RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	if (pkt->gso_type != XEN_NETIF_GSO_TYPE_NONE) {
		ol |= RTE_MBUF_F_RX_LRO;
		head->tso_segsz = pkt->gso_size;
	}
	if (pkt->flags & XNB_TX_F_HASH) {
		ol |= RTE_MBUF_F_RX_RSS_HASH;
		head->hash.rss = pkt->hash;
	}
	head->ol_flags = ol;
	*cookie = head;
	return nseg;
}

static void
eth_xen_rx_discard(void *arg __rte_unused, void *cookie)
{
	rte_pktmbuf_free(cookie);
}

static const struct xnb_tx_ops eth_xen_guest_tx_ops = {
	.prepare = eth_xen_rx_prepare,
	.discard = eth_xen_rx_discard,
};

/* Offset of the L4 checksum field, 0 when not TCP/UDP. */
static uint32_t
eth_xen_l4_csum_off(uint32_t ptype)
{
	switch (ptype & RTE_PTYPE_L4_MASK) {
	case RTE_PTYPE_L4_TCP:
		return offsetof(struct rte_tcp_hdr, cksum);
	case RTE_PTYPE_L4_UDP:
		return offsetof(struct rte_udp_hdr, dgram_cksum);
	default:
		return 0;
	}
}

void
eth_xen_rx_sw_cksum(struct rte_mbuf *m, uint32_t csum_off)
{
	uint16_t l4_off = m->l2_len + m->l3_len;
	uint16_t *field;
	void *l3;

	l3 = rte_pktmbuf_mtod_offset(m, void *, m->l2_len);
	field = rte_pktmbuf_mtod_offset(m, uint16_t *, l4_off + csum_off);
	*field = 0;
	if (RTE_ETH_IS_IPV4_HDR(m->packet_type))
		*field = rte_ipv4_udptcp_cksum_mbuf(m, l3, l4_off);
	else
		*field = rte_ipv6_udptcp_cksum_mbuf(m, l3, l4_off);
}

/* Now that the frame is in: packet type, header lengths, offload flags. */
static void
eth_xen_rx_finish(struct eth_xen_rxq *rxq, struct rte_mbuf *m)
{
	struct rte_net_hdr_lens hl;
	uint64_t ol = m->ol_flags;
	uint64_t tx = 0;
	uint32_t ptype, csum_off, hdrs;
	bool ip4, ip6;

	ptype = rte_net_get_ptype(m, &hl, RTE_PTYPE_L2_MASK |
				  RTE_PTYPE_L3_MASK | RTE_PTYPE_L4_MASK);
	m->packet_type = ptype;
	m->l2_len = hl.l2_len;
	m->l3_len = hl.l3_len;
	m->l4_len = hl.l4_len;
	/* Guests never offload the IPv4 header checksum: check it here. */
	if (rxq->ip_cksum && RTE_ETH_IS_IPV4_HDR(ptype) &&
	    hl.l2_len + hl.l3_len <= m->data_len) {
		const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m,
				const struct rte_ipv4_hdr *, hl.l2_len);

		m->ol_flags |= rte_raw_cksum(ip, hl.l3_len) == 0xffff ?
			       RTE_MBUF_F_RX_IP_CKSUM_GOOD :
			       RTE_MBUF_F_RX_IP_CKSUM_BAD;
		ol = m->ol_flags;
	}
	if (likely((ol & RTE_MBUF_F_RX_L4_CKSUM_MASK) !=
		   RTE_MBUF_F_RX_L4_CKSUM_NONE && !(ol & RTE_MBUF_F_RX_LRO)))
		return;

	ip4 = RTE_ETH_IS_IPV4_HDR(ptype);
	ip6 = RTE_ETH_IS_IPV6_HDR(ptype);
	csum_off = eth_xen_l4_csum_off(ptype);
	hdrs = hl.l2_len + hl.l3_len + hl.l4_len;
	/* A guest lying about its frame (not IP, not TCP/UDP, headers
	 * beyond the first mbuf) keeps only the Rx flags. */
	if (!(ip4 || ip6) || csum_off == 0 || hdrs > m->data_len)
		return;
	tx = ip4 ? RTE_MBUF_F_TX_IPV4 : RTE_MBUF_F_TX_IPV6;
	if (ol & RTE_MBUF_F_RX_LRO) {
		if ((ptype & RTE_PTYPE_L4_MASK) != RTE_PTYPE_L4_TCP ||
		    m->tso_segsz == 0)
			return;
		tx |= RTE_MBUF_F_TX_TCP_SEG;
		if (ip4)
			tx |= RTE_MBUF_F_TX_IP_CKSUM;
		/* Linux puts the pseudo-header sum with the length in the
		 * field; DPDK TSO wants it without. */
		m->ol_flags = ol | tx;
		rte_net_intel_cksum_flags_prepare(m, tx);
		return;
	}
	if (rxq->sw_cksum) {
		eth_xen_rx_sw_cksum(m, csum_off);
		rxq->sw_cksum_pkts++;
		m->ol_flags = (ol & ~RTE_MBUF_F_RX_L4_CKSUM_MASK) |
			      RTE_MBUF_F_RX_L4_CKSUM_GOOD;
		return;
	}
	/* The field already holds the pseudo-header sum (same convention
	 * for Linux CHECKSUM_PARTIAL and DPDK non-TSO offload). */
	tx |= (ptype & RTE_PTYPE_L4_MASK) == RTE_PTYPE_L4_TCP ?
	      RTE_MBUF_F_TX_TCP_CKSUM : RTE_MBUF_F_TX_UDP_CKSUM;
	m->ol_flags = ol | tx;
}

/* Receive from one netif queue, inside its gate. */
static uint16_t
eth_xen_rx_queue(struct eth_xen_rxq *rxq, struct xnb_queue *q,
		 struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct xnb_txq *gtx = xnb_queue_txq(q);
	uint16_t total = 0, want, got, i;

	while (total < nb_pkts) {
		want = RTE_MIN(nb_pkts - total, XNB_TX_BURST_MAX);
		got = xnb_txq_recv(gtx, &eth_xen_guest_tx_ops, rxq,
				   (void **)&pkts[total], want);
		for (i = 0; i < got; i++)
			eth_xen_rx_finish(rxq, pkts[total + i]);
		total += rxq->sw_gso ? eth_xen_rx_sw_gso(rxq, &pkts[total], got,
							 nb_pkts - total) : got;
		if (got < want || rxq->pend_n != 0)
			break;
	}
	return total;
}

uint16_t
eth_xen_rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct eth_xen_rxq *rxq = queue;
	struct eth_xen_internals *in = rxq->internals;
	uint16_t nq = xnb_vif_num_queues(in->vif);
	uint16_t stride = in->dev->data->nb_rx_queues;
	uint16_t total = 0, qid;
	struct xnb_queue *q;

	if (unlikely(rxq->pend_n != 0))
		total = eth_xen_rx_pend_drain(rxq, pkts, nb_pkts);

	/* ethdev Rx queue i serves netif queues i, i + nb_rx_queues, ...:
	 * every guest queue is polled even if the guest chose more queues
	 * than the application configured. */
	for (qid = rxq->queue_id; qid < nq; qid += stride) {
		q = xnb_vif_queue(in->vif, qid);
		if (total < nb_pkts && rxq->pend_n == 0 &&
		    xnb_queue_enter(q, XNB_DIR_TX)) {
			total += eth_xen_rx_queue(rxq, q, &pkts[total],
						  nb_pkts - total);
			xnb_queue_leave(q, XNB_DIR_TX);
		}
		eth_xen_tx_flush_backlog(in, qid);
	}
	return total;
}
