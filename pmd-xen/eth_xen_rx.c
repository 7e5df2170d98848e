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
 *
 * Packet type and l2/l3/l4 lengths: eth_xen_ptype.h. An application that
 * turned packet types off (rte_eth_dev_set_ptypes(RTE_PTYPE_UNKNOWN))
 * gets them only on frames whose offload flags need the lengths.
 *
 * Zero-copy (copy_threshold): libxnb maps the large fragments and
 * eth_xen_rx_prepare_zc() builds the chain: copied runs in ordinary mbufs,
 * each mapped fragment one external-buffer segment (eth_xen_zc.c). GSO
 * frames that will be segmented here are copied: segmenting copies them
 * anyway.
 */
#include <errno.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_net.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "eth_xen.h"
#include "eth_xen_log.h"
#include "eth_xen_ptype.h"
#include "eth_xen_zc.h"
#include "xnb_queue.h"

/* Mbufs taken from the pool at a time: about what a burst uses, so the
 * mempool's per-lcore cache, refilled by the frees of the burst before,
 * serves them (taking much more at once flushes that cache to the pool's
 * ring and refills it, back and forth). */
#define ETH_XEN_RX_REFILL 32u

static int
eth_xen_rx_refill(struct eth_xen_rxq *rxq, unsigned int need)
{
	unsigned int room = ETH_XEN_RX_CACHE - rxq->nb_cache;

	room = RTE_MIN(room, RTE_MAX(need, ETH_XEN_RX_REFILL));

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

/* The head of a frame: length, port and the marks read back by
 * eth_xen_rx_finish() once the data is in. */
static void
eth_xen_rx_mark(struct eth_xen_rxq *rxq, struct rte_mbuf *head,
		const struct xnb_tx_pkt *pkt, unsigned int nseg)
{
	uint64_t ol = 0;

	head->nb_segs = nseg;
	head->pkt_len = pkt->len;
	head->port = rxq->internals->dev->data->port_id;
	/* A frame without offload marks keeps the reset mbuf's flags. */
	if (likely(pkt->flags == 0 &&
		   pkt->gso_type == XEN_NETIF_GSO_TYPE_NONE))
		return;
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
}

/* eth_xen_rx_prepare() of a frame that needs a refill or several mbufs. */
static __rte_noinline int
eth_xen_rx_prepare_chain(struct eth_xen_rxq *rxq,
			 const struct xnb_tx_pkt *pkt, struct xnb_seg *segs,
			 unsigned int max_segs, void **cookie)
{
	struct rte_mbuf *head, *m, *prev = NULL;
	uint32_t left = pkt->len;
	unsigned int nseg, i;

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
	eth_xen_rx_mark(rxq, head, pkt, nseg);
	*cookie = head;
	return nseg;
}

static int
eth_xen_rx_prepare(void *arg, const struct xnb_tx_pkt *pkt,
		   struct xnb_seg *segs, unsigned int max_segs, void **cookie)
{
	struct eth_xen_rxq *rxq = arg;
	struct rte_mbuf *head;

	/* The common frame: one mbuf (the cache holds freshly reset ones). */
	if (unlikely(pkt->len > rxq->buf_size || rxq->nb_cache == 0))
		return eth_xen_rx_prepare_chain(rxq, pkt, segs, max_segs,
						cookie);
	head = rxq->cache[--rxq->nb_cache];
	head->data_len = pkt->len;
	segs[0].addr = rte_pktmbuf_mtod(head, void *);
	segs[0].len = pkt->len;
	eth_xen_rx_mark(rxq, head, pkt, 1);
	*cookie = head;
	return 1;
}

static void
eth_xen_rx_discard(void *arg __rte_unused, void *cookie)
{
	rte_pktmbuf_free(cookie);
}

/* Take n mbufs from the queue's cache (refilled as needed). */
static int
eth_xen_rx_take(struct eth_xen_rxq *rxq, struct rte_mbuf **m, unsigned int n)
{
	if (unlikely(rxq->nb_cache < n) && eth_xen_rx_refill(rxq, n) < 0) {
		rxq->internals->dev->data->rx_mbuf_alloc_failed++;
		return -ENOBUFS;
	}
	rxq->nb_cache -= n;
	memcpy(m, &rxq->cache[rxq->nb_cache], n * sizeof(*m));
	return 0;
}

static int
eth_xen_rx_prepare_zc(void *arg, const struct xnb_tx_pkt *pkt,
		      struct xnb_tx_zc_frame *zf, struct xnb_seg *segs,
		      unsigned int max_segs, void **cookie)
{
	struct eth_xen_rxq *rxq = arg;
	struct rte_mbuf *mb[XNB_TX_MAX_SEGS + XNB_TX_LEGACY_SLOTS];
	rte_iova_t iova[XNB_TX_LEGACY_SLOTS];
	unsigned int nseg = 0, ncopy = 0, k = 0, i;
	uint32_t run = 0, len;

	/* This queue segments GSO frames by copying them: copy them in
	 * the first place (libxnb does when every queue of the port does). */
	if (rxq->sw_gso && pkt->gso_type != XEN_NETIF_GSO_TYPE_NONE)
		return -ENOTSUP;
	eth_xen_zc_iova(zf, iova);
	/* Count: each run of copied fragments in whole mbufs, each mapped
	 * fragment one mbuf. */
	for (i = 0; i <= zf->nr_frags; i++) {
		if (i < zf->nr_frags && zf->frags[i].page == NULL) {
			run += zf->frags[i].len;
			continue;
		}
		ncopy += (run + rxq->buf_size - 1) / rxq->buf_size;
		run = 0;
		if (i < zf->nr_frags)
			nseg++;
	}
	nseg += ncopy;
	if (unlikely(ncopy > max_segs || nseg > RTE_DIM(mb)))
		return -ENOTSUP;
	if (eth_xen_rx_take(rxq, mb, nseg) < 0)
		return -ENOBUFS;

	eth_xen_zc_frame_init(zf);
	for (i = 0, ncopy = 0; i <= zf->nr_frags; i++) {
		if (i < zf->nr_frags && zf->frags[i].page == NULL) {
			run += zf->frags[i].len;
			continue;
		}
		while (run > 0) {
			len = RTE_MIN(run, (uint32_t)rxq->buf_size);
			mb[k]->data_len = len;
			segs[ncopy].addr = rte_pktmbuf_mtod(mb[k], void *);
			segs[ncopy].len = len;
			ncopy++;
			run -= len;
			k++;
		}
		if (i < zf->nr_frags)
			eth_xen_zc_attach(zf, i, mb[k++], iova[i]);
	}
	for (i = 1; i < nseg; i++)
		mb[i - 1]->next = mb[i];
	eth_xen_rx_mark(rxq, mb[0], pkt, nseg);
	*cookie = mb[0];
	return ncopy;
}

static const struct xnb_tx_ops eth_xen_guest_tx_ops = {
	.prepare = eth_xen_rx_prepare,
	.discard = eth_xen_rx_discard,
	.prepare_zc = eth_xen_rx_prepare_zc,
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

/*
 * Now that the frame is in: packet type, header lengths, offload flags.
 * parse: the application wants packet types or IPv4 checksums; without,
 * only frames with offload marks are parsed (their offload flags need the
 * lengths), the others keep the reset mbuf's unknown type.
 */
static void
eth_xen_rx_finish(struct eth_xen_rxq *rxq, struct rte_mbuf *m, bool parse)
{
	struct rte_net_hdr_lens hl;
	uint64_t ol = m->ol_flags;
	uint64_t tx = 0;
	uint32_t ptype, csum_off, hdrs;
	bool ip4, ip6;

	if (!parse && (ol & RTE_MBUF_F_RX_L4_CKSUM_MASK) !=
		      RTE_MBUF_F_RX_L4_CKSUM_NONE && !(ol & RTE_MBUF_F_RX_LRO))
		return;
	ptype = eth_xen_ptype(m, &hl);
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
	uint64_t lro;
	bool parse;

	/* Read once a burst: dev_ptypes_set may change it meanwhile. */
	parse = !__atomic_load_n(&rxq->internals->no_ptype, __ATOMIC_RELAXED) ||
		rxq->ip_cksum;
	while (total < nb_pkts) {
		want = RTE_MIN(nb_pkts - total, XNB_TX_BURST_MAX);
		got = xnb_txq_recv(gtx, &eth_xen_guest_tx_ops, rxq,
				   (void **)&pkts[total], want);
		lro = 0;
		for (i = 0; i < got; i++) {
			eth_xen_rx_finish(rxq, pkts[total + i], parse);
			lro |= pkts[total + i]->ol_flags;
		}
		/* Only GSO frames (RX_LRO) need the software segmenter. */
		total += rxq->sw_gso && (lro & RTE_MBUF_F_RX_LRO) ?
			 eth_xen_rx_sw_gso(rxq, &pkts[total], got,
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
