/* SPDX-License-Identifier: BSD-3-Clause */
/* The L2 learning switch, datapath: classify, learn, look up, batch. */
#include <rte_branch_prediction.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "xd_fdb.h"
#include "xd_gso.h"
#include "xd_switch.h"

/* VLAN of a frame inside the switch: 0 untagged, else the 802.1Q VID. */
#define XD_VLAN_INVALID UINT16_MAX

static void
tx_flush_port(struct xd_worker *w, uint16_t port)
{
	struct xd_txbuf *b = &w->tx[port];
	const struct xd_port *p = &xd_ports[port];
	uint16_t txq = (uint16_t)(w->idx % p->nb_txq);
	uint16_t sent;

	if (b->n == 0)
		return;
	if (p->txq_shared)
		rte_spinlock_lock(&xd_ports[port].txq_lock[txq].lock);
	sent = rte_eth_tx_burst(port, txq, b->pkts, b->n);
	if (p->txq_shared)
		rte_spinlock_unlock(&xd_ports[port].txq_lock[txq].lock);
	w->st.tx_pkts[port] += sent;
	if (unlikely(sent < b->n)) {
		w->st.tx_drop[port] += b->n - sent;
		rte_pktmbuf_free_bulk(&b->pkts[sent], b->n - sent);
	}
	b->n = 0;
}

void
xd_switch_flush(struct xd_worker *w)
{
	uint64_t dirty = w->tx_dirty;

	while (dirty != 0) {
		uint16_t port = (uint16_t)__builtin_ctzll(dirty);

		dirty &= dirty - 1;
		tx_flush_port(w, port);
	}
	w->tx_dirty = 0;
}

/* Finish in software the checksums the destination cannot do. 0, or -1:
 * the frame cannot leave through this port. */
static int
fix_offloads(struct rte_mbuf *m, uint64_t capa)
{
	uint64_t ol = m->ol_flags, l4 = ol & RTE_MBUF_F_TX_L4_MASK;
	uint32_t hdrs = m->l2_len + m->l3_len;
	void *l3;
	uint16_t *ck;

	if (ol & RTE_MBUF_F_TX_TCP_SEG)
		return 0; /* only ports that take TSO get such frames */
	if ((l4 == RTE_MBUF_F_TX_TCP_CKSUM &&
	     !(capa & RTE_ETH_TX_OFFLOAD_TCP_CKSUM)) ||
	    (l4 == RTE_MBUF_F_TX_UDP_CKSUM &&
	     !(capa & RTE_ETH_TX_OFFLOAD_UDP_CKSUM))) {
		uint32_t off = l4 == RTE_MBUF_F_TX_TCP_CKSUM ?
			offsetof(struct rte_tcp_hdr, cksum) :
			offsetof(struct rte_udp_hdr, dgram_cksum);

		if (m->data_len < hdrs + off + 2)
			return -1;
		l3 = rte_pktmbuf_mtod_offset(m, void *, m->l2_len);
		ck = rte_pktmbuf_mtod_offset(m, uint16_t *, hdrs + off);
		*ck = 0;
		if (ol & RTE_MBUF_F_TX_IPV4)
			*ck = rte_ipv4_udptcp_cksum_mbuf(m, l3, hdrs);
		else if (ol & RTE_MBUF_F_TX_IPV6)
			*ck = rte_ipv6_udptcp_cksum_mbuf(m, l3, hdrs);
		else
			return -1;
		m->ol_flags &= ~RTE_MBUF_F_TX_L4_MASK;
	}
	if ((ol & RTE_MBUF_F_TX_IP_CKSUM) &&
	    !(capa & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM)) {
		struct rte_ipv4_hdr *ip;

		if (m->data_len < m->l2_len + sizeof(*ip))
			return -1;
		ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
					     m->l2_len);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		m->ol_flags &= ~RTE_MBUF_F_TX_IP_CKSUM;
	}
	return 0;
}

/* Queue one frame m for port dst in VLAN vlan; consumes m. */
static void
enqueue_one(struct xd_worker *w, uint16_t dst, struct rte_mbuf *m,
	    uint16_t vlan)
{
	const struct xd_port *p = &xd_ports[dst];
	struct xd_txbuf *b = &w->tx[dst];

	if (p->kind == XD_PORT_NIC && vlan != 0) {
		m->vlan_tci = vlan;
		if (unlikely(rte_vlan_insert(&m) != 0)) {
			w->st.tx_drop[dst]++;
			rte_pktmbuf_free(m);
			return;
		}
		m->l2_len += sizeof(struct rte_vlan_hdr);
	}
	if (unlikely(m->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK) &&
	    unlikely(fix_offloads(m, p->tx_offloads) < 0)) {
		w->st.offload_drop++;
		rte_pktmbuf_free(m);
		return;
	}
	b->pkts[b->n++] = m;
	w->tx_dirty |= 1ull << dst;
	if (b->n == XD_BURST)
		tx_flush_port(w, dst);
}

/* Queue m for port dst in VLAN vlan, cut into MSS-sized frames when it is
 * a TSO frame the port cannot take now; consumes m. */
static void
enqueue(struct xd_worker *w, uint16_t dst, struct rte_mbuf *m, uint16_t vlan)
{
	struct rte_mbuf *segs[XD_GSO_MAX_SEGS];
	int n, i;

	if (likely(!(m->ol_flags & RTE_MBUF_F_TX_TCP_SEG)) ||
	    __atomic_load_n(&xd_ports[dst].tso, __ATOMIC_RELAXED)) {
		enqueue_one(w, dst, m, vlan);
		return;
	}
	n = xd_gso_segment(m, w->pool, segs, RTE_DIM(segs));
	if (unlikely(n < 0)) {
		w->st.offload_drop++;
		rte_pktmbuf_free(m);
		return;
	}
	w->st.gso++;
	w->st.gso_segs += n;
	for (i = 0; i < n; i++)
		enqueue_one(w, dst, segs[i], vlan);
}

static bool
port_carries(const struct xd_port *p, uint16_t vlan)
{
	return p->kind == XD_PORT_NIC || p->vlan == vlan;
}

/* Every other port with the link up in the frame's VLAN gets it. */
static void
flood(struct xd_worker *w, uint64_t mask, uint16_t src, struct rte_mbuf *m,
      uint16_t vlan)
{
	uint16_t dsts[RTE_MAX_ETHPORTS], n = 0, i;
	struct rte_mbuf *c;

	mask &= ~(1ull << src);
	while (mask != 0) {
		uint16_t port = (uint16_t)__builtin_ctzll(mask);
		const struct xd_port *p = &xd_ports[port];

		mask &= mask - 1;
		if (__atomic_load_n(&p->link_up, __ATOMIC_RELAXED) &&
		    port_carries(p, vlan))
			dsts[n++] = port;
	}
	if (n == 0) {
		rte_pktmbuf_free(m);
		return;
	}
	w->st.flood++;
	/* Each destination owns its frame: the ports may write to it
	 * (VLAN tag, checksums). */
	for (i = 0; i + 1 < n; i++) {
		c = rte_pktmbuf_copy(m, w->pool, 0, UINT32_MAX);
		if (unlikely(c == NULL)) {
			w->st.copy_fail++;
			continue;
		}
		enqueue(w, dsts[i], c, vlan);
	}
	enqueue(w, dsts[n - 1], m, vlan);
}

static bool
is_vlan_type(uint16_t be_type)
{
	return be_type == RTE_BE16(RTE_ETHER_TYPE_VLAN) ||
	       be_type == RTE_BE16(RTE_ETHER_TYPE_QINQ);
}

/* The frame's VLAN, or XD_VLAN_INVALID when it must be dropped. */
static uint16_t
classify(const struct xd_port *p, struct xd_rxq *rq, bool trusted,
	 struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eh;
	uint16_t vlan;

	if (unlikely(m->data_len < sizeof(*eh))) {
		rq->st.runt++;
		return XD_VLAN_INVALID;
	}
	eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (unlikely(rte_is_multicast_ether_addr(&eh->src_addr))) {
		rq->st.spoofed++;
		return XD_VLAN_INVALID;
	}
	if (p->kind == XD_PORT_VIF) {
		if (unlikely(!trusted &&
			     (!p->has_mac || !rte_is_same_ether_addr(
					&eh->src_addr, &p->mac)))) {
			rq->st.spoofed++;
			return XD_VLAN_INVALID;
		}
		if (unlikely(!trusted && is_vlan_type(eh->ether_type))) {
			rq->st.vlan++;
			return XD_VLAN_INVALID;
		}
		return p->vlan;
	}
	if (eh->ether_type != RTE_BE16(RTE_ETHER_TYPE_VLAN))
		return 0;
	if (unlikely(m->data_len < sizeof(*eh) + sizeof(struct rte_vlan_hdr) ||
		     rte_vlan_strip(m) != 0)) {
		rq->st.runt++;
		return XD_VLAN_INVALID;
	}
	vlan = m->vlan_tci & RTE_VLAN_ID_MASK;
	if (m->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK)
		m->l2_len -= sizeof(struct rte_vlan_hdr);
	return vlan;
}

void
xd_switch_input(struct xd_worker *w, uint64_t mask, uint16_t port,
		uint16_t qid, struct rte_mbuf **pkts, uint16_t n)
{
	const struct xd_port *p = &xd_ports[port];
	struct xd_rxq *rq = &xd_ports[port].rxq[qid];
	bool trusted = __atomic_load_n(&p->trusted, __ATOMIC_RELAXED);
	struct xd_fdb_key keys[XD_BURST], src, last_src;
	const struct xd_fdb_key *kp[XD_BURST];
	uint16_t vlan[XD_BURST], dst[XD_BURST];
	struct rte_mbuf *uc[XD_BURST];
	uint16_t i, nuc = 0, bound, direct;
	bool have_last = false;

	/* A bound vif: every frame to its physical port (xd_bind.h). */
	bound = __atomic_load_n(&p->bind_ref, __ATOMIC_ACQUIRE);
	if (bound != 0 && !xd_port_active(mask, bound - 1))
		bound = 0;
	/* A queue steered to a vif: its frames for that vif go straight. */
	direct = __atomic_load_n(&rq->direct, __ATOMIC_ACQUIRE);
	if (direct != 0 && !xd_port_active(mask, direct - 1))
		direct = 0;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const struct rte_ether_hdr *eh;
		uint16_t v;

		rq->st.pkts++;
		rq->st.bytes += m->pkt_len;
		v = classify(p, rq, trusted, m);
		if (unlikely(v == XD_VLAN_INVALID)) {
			rte_pktmbuf_free(m);
			continue;
		}
		if (bound != 0) {
			enqueue(w, bound - 1, m, v);
			continue;
		}
		eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
		/* A burst usually comes from one source: learn it once. */
		xd_fdb_key_set(&src, &eh->src_addr, v);
		if (!have_last || memcmp(&src, &last_src, sizeof(src)) != 0) {
			xd_fdb_learn(w->fdb, &src, port, w->now);
			last_src = src;
			have_last = true;
		}
		if (rte_is_multicast_ether_addr(&eh->dst_addr)) {
			flood(w, mask, port, m, v);
			continue;
		}
		if (direct != 0 && v == xd_ports[direct - 1].vlan &&
		    rte_is_same_ether_addr(&eh->dst_addr,
					   &xd_ports[direct - 1].mac)) {
			enqueue(w, direct - 1, m, v);
			continue;
		}
		xd_fdb_key_set(&keys[nuc], &eh->dst_addr, v);
		kp[nuc] = &keys[nuc];
		vlan[nuc] = v;
		uc[nuc++] = m;
	}
	xd_fdb_lookup_bulk(w->fdb, kp, nuc, dst);
	for (i = 0; i < nuc; i++) {
		if (dst[i] == XD_FDB_NO_PORT || !xd_port_active(mask, dst[i])) {
			flood(w, mask, port, uc[i], vlan[i]);
		} else if (unlikely(dst[i] == port)) {
			w->st.no_dest++;
			rte_pktmbuf_free(uc[i]);
		} else {
			enqueue(w, dst[i], uc[i], vlan[i]);
		}
	}
}

uint16_t
xd_switch_poll(struct xd_worker *w, uint64_t mask, uint16_t port,
	       uint16_t qid, uint64_t *wait)
{
	struct xd_port *p = &xd_ports[port];
	struct xd_rxq *rq = &p->rxq[qid];
	uint64_t rate = __atomic_load_n(&p->rate, __ATOMIC_RELAXED);
	struct rte_mbuf *pkts[XD_BURST];
	uint16_t budget = XD_BURST, n, i;
	uint64_t bytes = 0, rl_wait;

	if (unlikely(rate != rq->rl_cfg)) {
		xd_ratelim_init(&rq->rl, rate, w->now, rte_get_tsc_hz());
		rq->rl_cfg = rate;
	}
	if (rate != 0) {
		budget = xd_ratelim_budget(&rq->rl, w->now, XD_BURST);
		if (budget == 0) {
			rq->st.throttled++;
			rl_wait = xd_ratelim_wait(&rq->rl, w->now);
			if (rl_wait < *wait)
				*wait = rl_wait;
			return 0;
		}
	}
	n = rte_eth_rx_burst(port, qid, pkts, budget);
	if (n == 0)
		return 0;
	if (rate != 0) {
		for (i = 0; i < n; i++)
			bytes += pkts[i]->pkt_len;
		xd_ratelim_consume(&rq->rl, bytes);
	}
	xd_switch_input(w, mask, port, qid, pkts, n);
	return n;
}
