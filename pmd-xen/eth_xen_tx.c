/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_xen ethdev Tx = guest Rx: mbufs are described to libxnb, which
 * grant-copies them into the buffers the guest posted.
 *
 * Offloads, port -> guest: RTE_MBUF_F_TX_TCP_SEG becomes a GSO extra (the
 * guest must have negotiated it, else libxnb drops and counts);
 * RTE_MBUF_F_TX_{TCP,UDP}_CKSUM become NETRXF_csum_blank when the guest
 * accepts blank checksums for that IP version, else are computed here;
 * RTE_MBUF_F_TX_IP_CKSUM is computed here. A guest with a control ring that
 * enabled Toeplitz hashing gets each frame's hash (computed here from the
 * headers in the first segment) as a hash extra.
 *
 * A multi-queue guest gets each frame on the netif queue its flow selects
 * (eth_xen_spread.h), whichever ethdev Tx queue sent it.
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
#include "eth_xen_spread.h"
#include "eth_xen_zc.h"
#include "xnb_queue.h"

/* Frames of a multi-queue burst placed per lock round. */
#define ETH_XEN_TX_SPREAD_BATCH 64

static bool
eth_xen_mbuf_writable(const struct rte_mbuf *m)
{
	return RTE_MBUF_DIRECT(m) && rte_mbuf_refcnt_read(m) == 1;
}

/*
 * Turn the Tx offload requests of m into what the guest gets. Edits the
 * headers in place (checksums, TSO lengths); every edit gives the same
 * result when a backlogged frame is described again. Kept out of line so
 * describe stays a small leaf for plain frames.
 */
static __rte_noinline int
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

/* The Toeplitz hash the guest configured, from the headers in the first
 * segment (none when hashing is off or no enabled type matches). */
static __rte_noinline void
eth_xen_tx_hash(const struct eth_xen_guest_rx *grx, const struct rte_mbuf *m,
		struct xnb_rx_pkt *pkt)
{
	uint32_t hash;
	uint8_t type;

	if (xnb_ctrl_hash(grx->ctrl, rte_pktmbuf_mtod(m, const void *),
			  m->data_len, &hash, &type) < 0)
		return;
	pkt->flags |= XNB_RX_F_HASH;
	pkt->hash = hash;
	pkt->hash_type = type;
}

/*
 * The segments of a chained or external-buffer mbuf (empty ones skipped).
 * A segment whose data is a guest page mapped for zero-copy guest Tx is
 * described by its grant: Xen refuses to copy from a local address that is
 * itself a foreign mapping, so the copy goes grant to grant. Out of line,
 * as the offload and hash paths, to keep describe a small leaf.
 */
static __rte_noinline int
eth_xen_tx_segs(struct rte_mbuf *m, struct xnb_rx_pkt *pkt)
{
	struct rte_mbuf *seg;
	uint32_t len = 0;
	uint16_t n = 0;

	for (seg = m; seg != NULL; seg = seg->next) {
		struct xnb_rx_seg *s = &pkt->segs[n];

		if (seg->data_len == 0)
			continue;
		if (n == XNB_RX_MAX_SEGS)
			return -E2BIG;
		s->addr = rte_pktmbuf_mtod(seg, void *);
		s->len = seg->data_len;
		s->flags = 0;
		if (RTE_MBUF_HAS_EXTBUF(seg) &&
		    eth_xen_zc_grant_of(seg, &s->domid, &s->gref, &s->offset))
			s->flags = XNB_RX_SEG_GREF;
		len += seg->data_len;
		n++;
	}
	pkt->nr_segs = n;
	pkt->len = len;
	return 0;
}

static int
eth_xen_tx_describe(void *arg, void *cookie, struct xnb_rx_pkt *pkt)
{
	struct eth_xen_guest_rx *grx = arg;
	struct rte_mbuf *m = cookie;
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
	if (likely(m->next == NULL && !RTE_MBUF_HAS_EXTBUF(m))) {
		pkt->segs[0].addr = rte_pktmbuf_mtod(m, void *);
		pkt->segs[0].len = m->data_len;
		pkt->segs[0].flags = 0;
		pkt->nr_segs = 1;
		pkt->len = m->data_len;
	} else {
		ret = eth_xen_tx_segs(m, pkt);
		if (ret < 0)
			return ret;
	}
	if (unlikely(grx->ctrl != NULL))
		eth_xen_tx_hash(grx, m, pkt);
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
 * Inside netif queue qid's gate for guest Rx (ring lock held): refresh
 * what describe needs, push what waits in the backlog when flush is set,
 * and return how many more frames the queue takes now.
 *
 * libxnb's backlog is this port's Tx ring: frames the guest has no room
 * for yet wait there, and it is only drained from a burst (nothing runs in
 * the background). So it is never overfilled: once full, the burst takes
 * what fits and the application keeps the rest (as with a full NIC ring),
 * instead of libxnb dropping frames the application believes sent.
 */
static __rte_always_inline uint32_t
eth_xen_guest_rx_room(struct eth_xen_internals *in,
		      struct eth_xen_guest_rx *grx, struct xnb_rxq *rxq,
		      bool flush)
{
	uint32_t queued;

	grx->feat = xnb_vif_features(in->vif);
	grx->ctrl = grx->feat->ctrl_ring ? xnb_vif_ctrl(in->vif) : NULL;
	queued = xnb_rxq_backlog(rxq);
	if (queued != 0 && flush) {
		xnb_rxq_xmit(rxq, &eth_xen_guest_rx_ops, grx, NULL, 0);
		queued = xnb_rxq_backlog(rxq);
	}
	return in->backlog - RTE_MIN(queued, in->backlog);
}

/*
 * Give frames (or none, to flush the backlog) to netif queue qid, with
 * its ring lock held. Returns how many were taken, or -ENOTCONN.
 */
static int
eth_xen_guest_xmit(struct eth_xen_internals *in, uint16_t qid,
		   struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct xnb_queue *q = xnb_vif_queue(in->vif, qid);
	struct eth_xen_guest_rx *grx = &in->guest_rx[qid];
	struct xnb_rxq *rxq;
	uint16_t n;

	if (!xnb_queue_enter(q, XNB_DIR_RX))
		return -ENOTCONN;
	rxq = xnb_queue_rxq(q);
	n = RTE_MIN((uint32_t)nb_pkts,
		    eth_xen_guest_rx_room(in, grx, rxq, nb_pkts != 0));
	if (n != 0 || nb_pkts == 0)
		xnb_rxq_xmit(rxq, &eth_xen_guest_rx_ops, grx, (void **)pkts, n);
	if (n < nb_pkts)
		grx->full += nb_pkts - n;
	xnb_queue_leave(q, XNB_DIR_RX);
	return n;
}

/* Frames the guest had no room for wait in libxnb's backlog until the next
 * xmit call; the Rx poll flushes them so they do not wait for traffic. */
void
eth_xen_tx_flush_backlog(struct eth_xen_internals *in, uint16_t qid)
{
	struct xnb_queue *q = xnb_vif_queue(in->vif, qid);

	if (!rte_spinlock_trylock(&in->guest_rx[qid].lock))
		return;
	if (xnb_rxq_backlog(xnb_queue_rxq(q)) != 0)
		eth_xen_guest_xmit(in, qid, NULL, 0);
	rte_spinlock_unlock(&in->guest_rx[qid].lock);
}

/*
 * One batch of a multi-queue burst: each frame goes to the netif queue
 * eth_xen_tx_pick() chooses, so every ethdev Tx queue reaches every netif
 * queue. The ring locks of the queues involved are taken in ascending
 * order (every burst does so: no deadlock), the longest prefix of pkts
 * whose frames all fit their queues is taken, each queue gets its frames
 * in their order, and the locks are released. Returns how many were
 * taken; *stop is the queue of the first frame refused (if any), and
 * *gone whether it refused because it is not connected.
 */
static uint16_t
eth_xen_tx_spread_batch(struct eth_xen_internals *in,
			const struct xnb_ctrl *ctrl, struct rte_mbuf **pkts,
			uint16_t nb_pkts, uint16_t nq, uint16_t *stop,
			bool *gone)
{
	struct rte_mbuf *sorted[ETH_XEN_TX_SPREAD_BATCH];
	struct xnb_queue *qs[ETH_XEN_MAX_QUEUES];
	struct xnb_rxq *rxqs[ETH_XEN_MAX_QUEUES];
	uint32_t room[ETH_XEN_MAX_QUEUES];
	uint16_t cnt[ETH_XEN_MAX_QUEUES] = { 0 };
	uint16_t pos[ETH_XEN_MAX_QUEUES];
	uint8_t qids[ETH_XEN_TX_SPREAD_BATCH];
	uint32_t used = 0, entered = 0, m;
	uint16_t i, n, qid, at;

	for (i = 0; i < nb_pkts; i++) {
		qids[i] = (uint8_t)eth_xen_tx_pick(ctrl, pkts[i], nq);
		used |= UINT32_C(1) << qids[i];
	}
	for (m = used; m != 0; m &= m - 1) {
		qid = (uint16_t)rte_bsf32(m);
		qs[qid] = xnb_vif_queue(in->vif, qid);
		room[qid] = 0;
		rte_spinlock_lock(&in->guest_rx[qid].lock);
		if (!xnb_queue_enter(qs[qid], XNB_DIR_RX))
			continue;
		entered |= UINT32_C(1) << qid;
		rxqs[qid] = xnb_queue_rxq(qs[qid]);
		room[qid] = eth_xen_guest_rx_room(in, &in->guest_rx[qid],
						  rxqs[qid], true);
	}
	for (n = 0; n < nb_pkts; n++) {
		qid = qids[n];
		if (room[qid] == cnt[qid])
			break;
		cnt[qid]++;
	}
	if (n < nb_pkts) {
		*stop = qids[n];
		*gone = !(entered & (UINT32_C(1) << qids[n]));
	}
	/* Group the prefix by queue, in order within each. */
	for (at = 0, m = used; m != 0; m &= m - 1) {
		qid = (uint16_t)rte_bsf32(m);
		pos[qid] = at;
		at += cnt[qid];
	}
	for (i = 0; i < n; i++)
		sorted[pos[qids[i]]++] = pkts[i];
	for (m = used; m != 0; m &= m - 1) {
		qid = (uint16_t)rte_bsf32(m);
		if (cnt[qid] != 0)
			xnb_rxq_xmit(rxqs[qid], &eth_xen_guest_rx_ops,
				     &in->guest_rx[qid],
				     (void **)&sorted[pos[qid] - cnt[qid]],
				     cnt[qid]);
		if (entered & (UINT32_C(1) << qid))
			xnb_queue_leave(qs[qid], XNB_DIR_RX);
		rte_spinlock_unlock(&in->guest_rx[qid].lock);
	}
	return n;
}

/* Multi-queue burst, in batches: frames refused after the prefix count
 * as link_down when their queue is gone, else as full on that queue. Out
 * of line, to keep the single-queue burst small. */
static __rte_noinline uint16_t
eth_xen_tx_spread(struct eth_xen_txq *txq, struct rte_mbuf **pkts,
		  uint16_t nb_pkts, uint16_t nq)
{
	struct eth_xen_internals *in = txq->internals;
	const struct xnb_ctrl *ctrl = NULL;
	uint16_t done = 0, n, batch, stop = 0;
	bool gone = false;

	if (xnb_vif_features(in->vif)->ctrl_ring)
		ctrl = xnb_vif_ctrl(in->vif);
	while (done < nb_pkts) {
		batch = RTE_MIN(nb_pkts - done, ETH_XEN_TX_SPREAD_BATCH);
		n = eth_xen_tx_spread_batch(in, ctrl, pkts + done, batch, nq,
					    &stop, &gone);
		done += n;
		if (n < batch)
			break;
	}
	if (done == nb_pkts)
		return done;
	if (gone)
		txq->link_down += nb_pkts - done;
	else
		in->guest_rx[stop].full += nb_pkts - done;
	return done;
}

uint16_t
eth_xen_tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct eth_xen_txq *txq = queue;
	struct eth_xen_internals *in = txq->internals;
	uint16_t nq = xnb_vif_num_queues(in->vif);
	int ret;

	if (unlikely(nq == 0)) {
		txq->link_down += nb_pkts;
		return 0;
	}
	/* A multi-queue guest gets each flow on the queue it hashes to; a
	 * single-queue one everything on queue 0, whose ring lock
	 * serialises the ethdev Tx queues. */
	if (unlikely(nq > 1))
		return eth_xen_tx_spread(txq, pkts, nb_pkts,
					 RTE_MIN(nq, in->max_queues));
	rte_spinlock_lock(&in->guest_rx[0].lock);
	ret = eth_xen_guest_xmit(in, 0, pkts, nb_pkts);
	rte_spinlock_unlock(&in->guest_rx[0].lock);
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
