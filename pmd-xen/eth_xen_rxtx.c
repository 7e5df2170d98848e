/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_xen datapath: the mbuf side of libxnb's guest Tx (ethdev Rx) and
 * guest Rx (ethdev Tx). libxnb does the ring and grant work; here mbufs
 * are allocated, described and offload flags translated.
 *
 * Offloads, guest -> port (Rx burst):
 *  - NETTXF_data_validated: RTE_MBUF_F_RX_L4_CKSUM_GOOD.
 *  - NETTXF_csum_blank: with Rx checksum offload enabled, the checksum is
 *    left blank: RTE_MBUF_F_RX_L4_CKSUM_NONE plus RTE_MBUF_F_TX_*_CKSUM
 *    (and l2/l3/l4 lengths) so a forward to any port finishes it; without,
 *    the PMD computes it (RTE_MBUF_F_RX_L4_CKSUM_GOOD).
 *  - GSO, with RTE_ETH_RX_OFFLOAD_TCP_LRO enabled: RTE_MBUF_F_RX_LRO with
 *    tso_segsz, plus RTE_MBUF_F_TX_TCP_SEG and the DPDK TSO pseudo-header,
 *    so the frame can be forwarded as TSO. Without LRO the frame is
 *    segmented in software (eth_xen_gso.c).
 * Offloads, port -> guest (Tx burst): RTE_MBUF_F_TX_TCP_SEG becomes a GSO
 * extra (the guest must have negotiated it, else libxnb drops and counts);
 * RTE_MBUF_F_TX_{TCP,UDP}_CKSUM become NETRXF_csum_blank when the guest
 * accepts blank checksums for that IP version, else are computed here;
 * RTE_MBUF_F_TX_IP_CKSUM is computed here.
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

/* ---- guest Tx -> ethdev Rx ---- */

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

/* ---- ethdev Tx -> guest Rx ---- */

static bool
eth_xen_mbuf_writable(const struct rte_mbuf *m)
{
	return RTE_MBUF_DIRECT(m) && rte_mbuf_refcnt_read(m) == 1;
}

/*
 * Turn the Tx offload requests of m into what the guest gets. Edits the
 * headers in place (checksums, TSO lengths); every edit gives the same
 * result when a backlogged frame is described again.
 */
static int
eth_xen_tx_offload(struct eth_xen_guest_rx *grx, struct rte_mbuf *m,
		   struct xnb_rx_pkt *pkt)
{
	const struct xnb_vif_features *feat = grx->feat;
	uint64_t ol = m->ol_flags;
	uint64_t l4 = ol & RTE_MBUF_F_TX_L4_MASK;
	bool ip4 = (ol & RTE_MBUF_F_TX_IPV4) != 0;
	struct rte_ipv4_hdr *ip = NULL;
	struct rte_ipv6_hdr *ip6 = NULL;
	uint16_t *field = NULL;
	uint32_t l4_off, l4_len;

	l4_off = m->l2_len + m->l3_len;
	l4_len = RTE_MAX((uint32_t)m->l4_len,
			 (uint32_t)sizeof(struct rte_udp_hdr));
	if (unlikely(m->l2_len == 0 || m->l3_len == 0 ||
		     l4_off + l4_len > m->data_len ||
		     !eth_xen_mbuf_writable(m) ||
		     !(ol & (RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IPV6)))) {
		grx->bad_offload++;
		return -EINVAL;
	}
	if (ip4)
		ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
					     m->l2_len);
	else
		ip6 = rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *,
					      m->l2_len);
	if (ol & RTE_MBUF_F_TX_TCP_SEG) {
		/* The guest stack wants real IP lengths and the Linux
		 * pseudo-header sum (with the length) in the field. */
		struct rte_tcp_hdr *th = rte_pktmbuf_mtod_offset(m,
				struct rte_tcp_hdr *, l4_off);

		if (ip4) {
			ip->total_length = rte_cpu_to_be_16(m->pkt_len -
							    m->l2_len);
			ip->hdr_checksum = 0;
			ip->hdr_checksum = rte_ipv4_cksum(ip);
			th->cksum = rte_ipv4_phdr_cksum(ip, 0);
			pkt->gso_type = XEN_NETIF_GSO_TYPE_TCPV4;
		} else {
			ip6->payload_len = rte_cpu_to_be_16(m->pkt_len -
							    l4_off);
			th->cksum = rte_ipv6_phdr_cksum(ip6, 0);
			pkt->gso_type = XEN_NETIF_GSO_TYPE_TCPV6;
		}
		pkt->gso_size = m->tso_segsz;
		pkt->flags |= XNB_RX_F_CSUM_BLANK;
		return 0;
	}
	if (ip4 && (ol & RTE_MBUF_F_TX_IP_CKSUM)) {
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		m->ol_flags &= ~RTE_MBUF_F_TX_IP_CKSUM;
	}
	if (l4 == RTE_MBUF_F_TX_TCP_CKSUM)
		field = rte_pktmbuf_mtod_offset(m, uint16_t *,
				l4_off + offsetof(struct rte_tcp_hdr, cksum));
	else if (l4 == RTE_MBUF_F_TX_UDP_CKSUM)
		field = rte_pktmbuf_mtod_offset(m, uint16_t *,
				l4_off + offsetof(struct rte_udp_hdr,
						  dgram_cksum));
	else if (l4 != 0) {
		grx->bad_offload++; /* SCTP: not offered */
		return -ENOTSUP;
	}
	if (field == NULL)
		return 0;
	if (ip4 ? feat->csum_ipv4 : feat->csum_ipv6) {
		pkt->flags |= XNB_RX_F_CSUM_BLANK;
		return 0;
	}
	*field = 0;
	if (ip4)
		*field = rte_ipv4_udptcp_cksum_mbuf(m, ip, l4_off);
	else
		*field = rte_ipv6_udptcp_cksum_mbuf(m, ip6, l4_off);
	m->ol_flags &= ~RTE_MBUF_F_TX_L4_MASK;
	grx->sw_cksum_pkts++;
	return 0;
}

static int
eth_xen_tx_describe(void *arg, void *cookie, struct xnb_rx_pkt *pkt)
{
	struct eth_xen_guest_rx *grx = arg;
	struct rte_mbuf *m = cookie, *seg;
	uint32_t len = 0;
	uint16_t n = 0;
	int ret;

	pkt->flags = 0;
	pkt->gso_type = XEN_NETIF_GSO_TYPE_NONE;
	pkt->gso_size = 0;
	if (m->ol_flags & (RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK |
			   RTE_MBUF_F_TX_TCP_SEG)) {
		ret = eth_xen_tx_offload(grx, m, pkt);
		if (ret < 0)
			return ret;
	}
	for (seg = m; seg != NULL; seg = seg->next) {
		if (seg->data_len == 0)
			continue;
		if (n == XNB_RX_MAX_SEGS)
			return -E2BIG;
		pkt->segs[n].addr = rte_pktmbuf_mtod(seg, void *);
		pkt->segs[n].len = seg->data_len;
		len += seg->data_len;
		n++;
	}
	pkt->nr_segs = n;
	pkt->len = len;
	return 0;
}

static void
eth_xen_tx_release(void *arg __rte_unused, void **cookies, unsigned int n)
{
	rte_pktmbuf_free_bulk((struct rte_mbuf **)cookies, n);
}

static const struct xnb_rx_ops eth_xen_guest_rx_ops = {
	.describe = eth_xen_tx_describe,
	.release = eth_xen_tx_release,
};

/*
 * Give frames (or none, to flush the backlog) to netif queue qid, with
 * its ring lock held. Returns how many were taken, or -ENOTCONN.
 *
 * libxnb's backlog is this port's Tx ring: frames the guest has no room
 * for yet wait there, and it is only drained from a burst (nothing runs in
 * the background). So it is never overfilled: once full, the burst takes
 * what fits and the application keeps the rest (as with a full NIC ring),
 * instead of libxnb dropping frames the application believes sent.
 */
static int
eth_xen_guest_xmit(struct eth_xen_internals *in, uint16_t qid,
		   struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct xnb_queue *q = xnb_vif_queue(in->vif, qid);
	struct eth_xen_guest_rx *grx = &in->guest_rx[qid];
	struct xnb_rxq *rxq;
	uint32_t queued;
	uint16_t n;

	if (!xnb_queue_enter(q, XNB_DIR_RX))
		return -ENOTCONN;
	rxq = xnb_queue_rxq(q);
	grx->feat = xnb_vif_features(in->vif);
	queued = xnb_rxq_backlog(rxq);
	if (queued != 0 && nb_pkts != 0) {
		xnb_rxq_xmit(rxq, &eth_xen_guest_rx_ops, grx, NULL, 0);
		queued = xnb_rxq_backlog(rxq);
	}
	n = RTE_MIN((uint32_t)nb_pkts, in->backlog - RTE_MIN(queued,
							       in->backlog));
	if (n != 0 || nb_pkts == 0)
		xnb_rxq_xmit(rxq, &eth_xen_guest_rx_ops, grx, (void **)pkts, n);
	if (n < nb_pkts)
		grx->full += nb_pkts - n;
	xnb_queue_leave(q, XNB_DIR_RX);
	return n;
}

/* Frames the guest had no room for wait in libxnb's backlog until the next
 * xmit call; flush them from the Rx poll so they do not wait for traffic. */
static void
eth_xen_flush_backlog(struct eth_xen_internals *in, uint16_t qid)
{
	struct xnb_queue *q = xnb_vif_queue(in->vif, qid);

	if (!rte_spinlock_trylock(&in->guest_rx[qid].lock))
		return;
	if (xnb_rxq_backlog(xnb_queue_rxq(q)) != 0)
		eth_xen_guest_xmit(in, qid, NULL, 0);
	rte_spinlock_unlock(&in->guest_rx[qid].lock);
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
		eth_xen_flush_backlog(in, qid);
	}
	return total;
}

uint16_t
eth_xen_tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct eth_xen_txq *txq = queue;
	struct eth_xen_internals *in = txq->internals;
	uint16_t nq = xnb_vif_num_queues(in->vif);
	uint16_t qid;
	int ret;

	if (unlikely(nq == 0)) {
		txq->link_down += nb_pkts;
		return 0;
	}
	/* Several ethdev Tx queues may share a netif queue when the guest
	 * chose fewer queues: the ring lock serialises them. */
	qid = txq->queue_id < nq ? txq->queue_id : txq->queue_id % nq;
	rte_spinlock_lock(&in->guest_rx[qid].lock);
	ret = eth_xen_guest_xmit(in, qid, pkts, nb_pkts);
	rte_spinlock_unlock(&in->guest_rx[qid].lock);
	if (unlikely(ret < 0)) {
		txq->link_down += nb_pkts;
		return 0;
	}
	return ret;
}

void
eth_xen_drain_backlogs(struct eth_xen_internals *in)
{
	uint16_t qid;

	for (qid = 0; qid < in->max_queues; qid++) {
		rte_spinlock_lock(&in->guest_rx[qid].lock);
		xnb_rxq_drain(xnb_queue_rxq(xnb_vif_queue(in->vif, qid)),
			      &eth_xen_guest_rx_ops, &in->guest_rx[qid]);
		rte_spinlock_unlock(&in->guest_rx[qid].lock);
	}
}
