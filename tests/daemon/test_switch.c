/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The L2 switch's datapath and its MAC table, without ports: frames go in
 * through xd_switch_input() and are checked in the worker's per-port
 * batches (fewer than a burst, so nothing is transmitted). Learning,
 * aging, flooding, multicast, VLANs, anti-spoofing, offload fix-ups,
 * TCP segmentation for ports that cannot take TSO, vifs bound to a NIC
 * queue.
 *
 * Ports: 0 vif A (VLAN 0), 1 vif B (VLAN 0), 2 vif C (VLAN 10), 3 NIC.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "td_check.h"
#include "xd_fdb.h"
#include "xd_switch.h"

#define NB_MBUFS 1024
#define HZ_SEC rte_get_tsc_hz()

static struct rte_mempool *pool;
static struct xd_worker *w;
static const struct rte_ether_addr mac_a = {{ 0x00, 0x16, 0x3e, 0, 0, 1 }};
static const struct rte_ether_addr mac_b = {{ 0x00, 0x16, 0x3e, 0, 0, 2 }};
static const struct rte_ether_addr mac_c = {{ 0x00, 0x16, 0x3e, 0, 0, 3 }};
static const struct rte_ether_addr mac_d = {{ 0x02, 0, 0, 0, 0, 4 }};
static const struct rte_ether_addr mac_x = {{ 0x02, 0, 0, 0, 0, 9 }};
static const struct rte_ether_addr bcast = {{ 0xff, 0xff, 0xff, 0xff, 0xff,
					      0xff }};
static const struct rte_ether_addr mcast = {{ 0x01, 0x00, 0x5e, 0, 0, 1 }};

static struct rte_mbuf *
frame(const struct rte_ether_addr *dst, const struct rte_ether_addr *src,
      int vlan, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	struct rte_ether_hdr *eh;
	uint8_t *p;

	if (m == NULL)
		abort();
	p = (uint8_t *)rte_pktmbuf_append(m, len);
	memset(p, 0xab, len);
	if (len < sizeof(*eh))
		return m;
	eh = (struct rte_ether_hdr *)p;
	rte_ether_addr_copy(dst, &eh->dst_addr);
	rte_ether_addr_copy(src, &eh->src_addr);
	if (vlan >= 0) {
		struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eh + 1);

		eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
		vh->vlan_tci = rte_cpu_to_be_16((uint16_t)vlan);
		vh->eth_proto = rte_cpu_to_be_16(0x88b5);
	} else {
		eh->ether_type = rte_cpu_to_be_16(0x88b5);
	}
	return m;
}

static void
in(uint16_t port, struct rte_mbuf *m)
{
	xd_switch_input(w, 0xf, port, 0, &m, 1);
}

static void
in_mask(uint64_t mask, uint16_t port, struct rte_mbuf *m)
{
	xd_switch_input(w, mask, port, 0, &m, 1);
}

static unsigned int
queued(uint16_t port)
{
	return w->tx[port].n;
}

/* Free every queued frame and clear the counters of the round. */
static void
reset(void)
{
	uint16_t p;

	for (p = 0; p < RTE_MAX_ETHPORTS; p++) {
		rte_pktmbuf_free_bulk(w->tx[p].pkts, w->tx[p].n);
		w->tx[p].n = 0;
	}
	w->tx_dirty = 0;
	for (p = 0; p < 4; p++)
		memset(&xd_ports[p].rxq[0].st, 0, sizeof(xd_ports[p].rxq[0].st));
	memset(&w->st, 0, sizeof(w->st));
}

static uint16_t
ether_type(const struct rte_mbuf *m)
{
	return rte_be_to_cpu_16(rte_pktmbuf_mtod(m,
			const struct rte_ether_hdr *)->ether_type);
}

static void
setup_ports(void)
{
	static const struct rte_ether_addr *const macs[3] = {
		&mac_a, &mac_b, &mac_c,
	};
	uint16_t p;

	for (p = 0; p < 4; p++) {
		memset(&xd_ports[p], 0, sizeof(xd_ports[p]));
		xd_ports[p].kind = p < 3 ? XD_PORT_VIF : XD_PORT_NIC;
		snprintf(xd_ports[p].name, sizeof(xd_ports[p].name), "p%u", p);
		xd_ports[p].nb_rxq = 1;
		xd_ports[p].nb_txq = 1;
		xd_ports[p].link_up = true;
		xd_ports[p].tx_offloads = RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
		if (p < 3) {
			xd_ports[p].mac = *macs[p];
			xd_ports[p].has_mac = true;
		}
	}
	xd_ports[2].vlan = 10;
	xd_ports[3].trusted = true;
}

static void
test_spoofing(void)
{
	reset();
	/* vif 0 sending as B */
	in(0, frame(&bcast, &mac_b, -1, 60));
	TD_EQ(xd_ports[0].rxq[0].st.spoofed, 1);
	TD_EQ(queued(1) + queued(2) + queued(3), 0);
	/* a multicast source, even from a trusted NIC */
	in(3, frame(&bcast, &mcast, -1, 60));
	TD_EQ(xd_ports[3].rxq[0].st.spoofed, 1);
	/* runt */
	in(0, frame(&bcast, &mac_a, -1, 10));
	TD_EQ(xd_ports[0].rxq[0].st.runt, 1);
	/* a tagged frame from an access vif */
	in(0, frame(&bcast, &mac_a, 5, 60));
	TD_EQ(xd_ports[0].rxq[0].st.vlan, 1);
	TD_EQ(queued(1) + queued(2) + queued(3), 0);
	TD_EQ(xd_ports[0].rxq[0].st.pkts, 3);
	/* a vif without a known MAC sends nothing untrusted */
	xd_ports[1].has_mac = false;
	in(1, frame(&bcast, &mac_b, -1, 60));
	TD_EQ(xd_ports[1].rxq[0].st.spoofed, 1);
	xd_ports[1].has_mac = true;
	/* trusted: any source */
	xd_ports[0].trusted = true;
	in(0, frame(&bcast, &mac_x, -1, 60));
	TD_EQ(queued(1), 1);
	xd_ports[0].trusted = false;
	xd_fdb_flush(w->fdb, true);
	xd_fdb_reclaim(w->fdb);
	reset();
}

static void
test_flood_learn(void)
{
	struct rte_mbuf *m;

	reset();
	/* Broadcast from A: B and the NIC, not C (VLAN 10), not A. */
	in(0, frame(&bcast, &mac_a, -1, 60));
	TD_EQ(queued(0), 0);
	TD_EQ(queued(1), 1);
	TD_EQ(queued(2), 0);
	TD_EQ(queued(3), 1);
	TD_CHECK(w->tx[1].pkts[0] != w->tx[3].pkts[0]);
	TD_EQ(ether_type(w->tx[3].pkts[0]), 0x88b5);
	TD_EQ(w->st.flood, 1);
	/* A was learned: unicast to it goes to port 0 only. */
	in(1, frame(&mac_a, &mac_b, -1, 60));
	TD_EQ(queued(0), 1);
	TD_EQ(queued(3), 1);
	/* Unknown unicast floods. */
	in(1, frame(&mac_x, &mac_b, -1, 60));
	TD_EQ(queued(0), 2);
	TD_EQ(queued(3), 2);
	TD_EQ(queued(1), 1);
	/* Multicast floods too (the net_xen port filters per guest). */
	in(0, frame(&mcast, &mac_a, -1, 60));
	TD_EQ(queued(1), 2);
	TD_EQ(queued(3), 3);
	/* A station behind the NIC, then unicast from B to it. */
	in(3, frame(&mac_b, &mac_d, -1, 60));
	TD_EQ(queued(1), 3);
	in(1, frame(&mac_d, &mac_b, -1, 60));
	TD_EQ(queued(3), 4);
	TD_EQ(queued(0), 2);
	/* To the port it came from: dropped. */
	in(3, frame(&mac_d, &mac_x, -1, 60));
	TD_EQ(w->st.no_dest, 1);
	TD_EQ(queued(3), 4);
	/* Link down: not flooded to. */
	xd_ports[1].link_up = false;
	in(0, frame(&bcast, &mac_a, -1, 60));
	TD_EQ(queued(1), 3);
	TD_EQ(queued(3), 5);
	xd_ports[1].link_up = true;
	/* A learned port no longer in the switch: flooded instead. */
	in_mask(0xd, 3, frame(&mac_b, &mac_d, -1, 60));
	TD_EQ(queued(0), 3);
	TD_EQ(queued(1), 3);
	/* Mbufs: everything queued is accounted for. */
	m = w->tx[0].pkts[0];
	TD_EQ(rte_mbuf_refcnt_read(m), 1);
	xd_fdb_flush(w->fdb, true);
	xd_fdb_reclaim(w->fdb);
	reset();
	TD_EQ(rte_mempool_avail_count(pool), NB_MBUFS);
}

static void
test_vlan(void)
{
	const struct rte_ether_hdr *eh;
	const struct rte_vlan_hdr *vh;
	struct rte_mbuf *m;

	reset();
	/* Tagged VLAN 10 from the NIC: to C, untagged; not to A, B. */
	in(3, frame(&bcast, &mac_d, 10, 64));
	TD_EQ(queued(2), 1);
	TD_EQ(queued(0) + queued(1), 0);
	m = w->tx[2].pkts[0];
	TD_EQ(ether_type(m), 0x88b5);
	TD_EQ(m->pkt_len, 60);
	/* C's broadcast: to the NIC tagged 10; not to A, B. */
	in(2, frame(&bcast, &mac_c, -1, 60));
	TD_EQ(queued(3), 1);
	TD_EQ(queued(0) + queued(1), 0);
	m = w->tx[3].pkts[0];
	eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	vh = (const struct rte_vlan_hdr *)(eh + 1);
	TD_EQ(rte_be_to_cpu_16(eh->ether_type), RTE_ETHER_TYPE_VLAN);
	TD_EQ(rte_be_to_cpu_16(vh->vlan_tci) & 0xfff, 10);
	TD_EQ(rte_be_to_cpu_16(vh->eth_proto), 0x88b5);
	TD_EQ(m->pkt_len, 64);
	/* The same MAC in two VLANs is two entries: D in VLAN 0 is
	 * unknown, so unicast floods in VLAN 0. */
	in(0, frame(&mac_d, &mac_a, -1, 60));
	TD_EQ(queued(1), 1);
	TD_EQ(queued(3), 2);
	/* D in VLAN 10 is known (learned above): C's unicast goes to the
	 * NIC only, tagged. */
	in(2, frame(&mac_d, &mac_c, -1, 60));
	TD_EQ(queued(3), 3);
	TD_EQ(queued(1), 1);
	/* A frame tagged 0 (priority tag) from the NIC counts as VLAN 0. */
	in(3, frame(&bcast, &mac_d, 0, 64));
	TD_EQ(queued(0), 1);
	TD_EQ(queued(1), 2);
	TD_EQ(queued(2), 1);
	/* A truncated tag is a runt. */
	in(3, frame(&bcast, &mac_d, 10, 16));
	TD_EQ(xd_ports[3].rxq[0].st.runt, 1);
	xd_fdb_flush(w->fdb, true);
	xd_fdb_reclaim(w->fdb);
	reset();
}

static void
test_fdb(void)
{
	struct xd_fdb_entry e[8];
	struct xd_fdb_key k, ka, kb;
	const struct xd_fdb_key *kp[2];
	uint64_t now = 1000 * HZ_SEC;
	uint16_t ports[2];

	xd_fdb_key_set(&ka, &mac_a, 0);
	xd_fdb_key_set(&kb, &mac_b, 0);
	TD_EQ(xd_fdb_add_static(w->fdb, &ka, 0), 0);
	TD_EQ(xd_fdb_learn(w->fdb, &kb, 1, now), 0);
	/* A static entry does not move. */
	TD_EQ(xd_fdb_learn(w->fdb, &ka, 3, now), -EPERM);
	TD_EQ(xd_fdb_add_static(w->fdb, &ka, 2), -EEXIST);
	/* A learned one does. */
	TD_EQ(xd_fdb_learn(w->fdb, &kb, 3, now), 0);
	kp[0] = &ka;
	kp[1] = &kb;
	xd_fdb_lookup_bulk(w->fdb, kp, 2, ports);
	TD_EQ(ports[0], 0);
	TD_EQ(ports[1], 3);
	TD_EQ(xd_fdb_count(w->fdb), 2);
	TD_EQ(xd_fdb_list(w->fdb, now + HZ_SEC, e, 8), 2);
	/* Aging: learned entries older than the limit go, static stay. */
	TD_EQ(xd_fdb_age(w->fdb, now + 10 * HZ_SEC, 20 * HZ_SEC), 0);
	TD_EQ(xd_fdb_age(w->fdb, now + 30 * HZ_SEC, 20 * HZ_SEC), 1);
	xd_fdb_reclaim(w->fdb);
	xd_fdb_lookup_bulk(w->fdb, kp, 2, ports);
	TD_EQ(ports[0], 0);
	TD_EQ(ports[1], XD_FDB_NO_PORT);
	/* Seen again: kept alive. */
	TD_EQ(xd_fdb_learn(w->fdb, &kb, 1, now), 0);
	TD_EQ(xd_fdb_learn(w->fdb, &kb, 1, now + 25 * HZ_SEC), 0);
	TD_EQ(xd_fdb_age(w->fdb, now + 30 * HZ_SEC, 20 * HZ_SEC), 0);
	/* Flush of learned entries keeps the static ones. */
	TD_EQ(xd_fdb_flush(w->fdb, false), 1);
	xd_fdb_reclaim(w->fdb);
	TD_EQ(xd_fdb_count(w->fdb), 1);
	/* Purging a port takes its static entries too. */
	xd_fdb_key_set(&k, &mac_x, 7);
	TD_EQ(xd_fdb_learn(w->fdb, &k, 0, now), 0);
	TD_EQ(xd_fdb_purge_port(w->fdb, 0), 2);
	xd_fdb_reclaim(w->fdb);
	TD_EQ(xd_fdb_count(w->fdb), 0);
}

static void
test_table_full(void)
{
	struct xd_fdb *small = xd_fdb_create("td_fdb_small", 8, SOCKET_ID_ANY);
	struct rte_ether_addr mac = mac_x;
	struct xd_fdb_key k;
	unsigned int i, ok = 0;

	TD_CHECK(small != NULL);
	if (small == NULL)
		return;
	for (i = 0; i < 200; i++) {
		mac.addr_bytes[5] = (uint8_t)i;
		mac.addr_bytes[4] = (uint8_t)(i >> 8);
		xd_fdb_key_set(&k, &mac, 0);
		ok += xd_fdb_learn(small, &k, 1, 1) == 0;
	}
	/* Bounded: the rest is counted, never a crash. */
	TD_CHECK(ok < 200);
	TD_EQ(xd_fdb_learn_fail(small), 200 - ok);
	xd_fdb_free(small);
}

/* A TCP/IPv4 frame with a blank checksum, as a guest sends it. */
static struct rte_mbuf *
tcp_frame(void)
{
	struct rte_mbuf *m = frame(&mac_b, &mac_a, -1, 14 + 20 + 20 + 40);
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m,
					struct rte_ipv4_hdr *, 14);
	struct rte_tcp_hdr *tcp = (struct rte_tcp_hdr *)(ip + 1);

	rte_pktmbuf_mtod(m, struct rte_ether_hdr *)->ether_type =
		rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16(80);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_TCP;
	ip->src_addr = rte_cpu_to_be_32(0x0a000001);
	ip->dst_addr = rte_cpu_to_be_32(0x0a000002);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	memset(tcp, 0, sizeof(*tcp));
	tcp->data_off = 5 << 4;
	m->l2_len = 14;
	m->l3_len = 20;
	m->l4_len = 20;
	m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM;
	tcp->cksum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
	return m;
}

static void
test_offloads(void)
{
	struct rte_ipv4_hdr *ip;
	struct rte_mbuf *m;

	reset();
	{
		struct xd_fdb_key kb;

		xd_fdb_key_set(&kb, &mac_b, 0);
		TD_EQ(xd_fdb_add_static(w->fdb, &kb, 1), 0);
	}
	/* Port 1 has no checksum offload: the switch finishes it. */
	in(0, tcp_frame());
	TD_EQ(queued(1), 1);
	m = w->tx[1].pkts[0];
	TD_EQ(m->ol_flags & RTE_MBUF_F_TX_L4_MASK, 0);
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
	TD_EQ(rte_ipv4_udptcp_cksum_verify(ip, ip + 1), 0);
	/* With the offload, the frame goes as it is. */
	xd_ports[1].tx_offloads |= RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
	in(0, tcp_frame());
	TD_EQ(queued(1), 2);
	TD_EQ(w->tx[1].pkts[1]->ol_flags & RTE_MBUF_F_TX_L4_MASK,
	      RTE_MBUF_F_TX_TCP_CKSUM);
	xd_ports[1].tx_offloads = RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	xd_fdb_flush(w->fdb, true);
	xd_fdb_reclaim(w->fdb);
	reset();
	TD_EQ(rte_mempool_avail_count(pool), NB_MBUFS);
}

#define TSO_PAYLOAD 4000
#define TSO_MSS 1000
#define TSO_HDRS (14 + 20 + 20)

/* A guest's GSO frame as the PMD hands it over with LRO: TCP/IPv4,
 * TSO_PAYLOAD bytes (i % 251) over three mbufs, seq 1000, PSH|FIN|ACK. */
static struct rte_mbuf *
tso_frame(void)
{
	static const unsigned int chunk[] = { 1000, 1500, 1500 };
	struct rte_mbuf *m = tcp_frame(), *t;
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *tcp;
	unsigned int i, c, off = 0;
	uint8_t *p;

	rte_pktmbuf_trim(m, m->pkt_len - TSO_HDRS);
	for (c = 0; c < RTE_DIM(chunk); c++) {
		t = c == 0 ? m : rte_pktmbuf_alloc(pool);
		p = t == NULL ? NULL :
		    (uint8_t *)rte_pktmbuf_append(t, chunk[c]);
		if (p == NULL)
			abort();
		for (i = 0; i < chunk[c]; i++)
			p[i] = (uint8_t)((off + i) % 251);
		off += chunk[c];
		if (c > 0)
			TD_EQ(rte_pktmbuf_chain(m, t), 0);
	}
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, 14);
	tcp = (struct rte_tcp_hdr *)(ip + 1);
	ip->total_length = rte_cpu_to_be_16(20 + 20 + TSO_PAYLOAD);
	ip->packet_id = rte_cpu_to_be_16(7);
	ip->hdr_checksum = 0;
	tcp->sent_seq = rte_cpu_to_be_32(1000);
	tcp->tcp_flags = RTE_TCP_PSH_FLAG | RTE_TCP_FIN_FLAG |
			 RTE_TCP_ACK_FLAG;
	m->ol_flags = RTE_MBUF_F_RX_LRO | RTE_MBUF_F_TX_IPV4 |
		      RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_TCP_SEG;
	m->tso_segsz = TSO_MSS;
	tcp->cksum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
	return m;
}

/* Segment i of tso_frame(), as it leaves for a port without offloads. */
static void
check_segment(struct rte_mbuf *m, unsigned int i)
{
	struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m,
					struct rte_ipv4_hdr *, 14);
	struct rte_tcp_hdr *tcp = (struct rte_tcp_hdr *)(ip + 1);
	uint8_t b;
	unsigned int k;

	TD_EQ(m->pkt_len, TSO_HDRS + TSO_MSS);
	TD_EQ(m->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK, RTE_MBUF_F_TX_IPV4);
	TD_EQ(rte_be_to_cpu_16(ip->total_length), 20 + 20 + TSO_MSS);
	TD_EQ(rte_ipv4_cksum(ip), 0); /* a valid sum verifies to 0 */
	TD_EQ(rte_ipv4_udptcp_cksum_mbuf_verify(m, ip, 14 + 20), 0);
	TD_EQ(rte_be_to_cpu_32(tcp->sent_seq), 1000 + i * TSO_MSS);
	TD_EQ(tcp->tcp_flags, i + 1 < TSO_PAYLOAD / TSO_MSS ?
	      RTE_TCP_ACK_FLAG : RTE_TCP_PSH_FLAG | RTE_TCP_FIN_FLAG |
	      RTE_TCP_ACK_FLAG);
	for (k = 0; k < TSO_MSS; k += 97) {
		const uint8_t *v = rte_pktmbuf_read(m, TSO_HDRS + k, 1, &b);

		TD_CHECK(v != NULL && *v == (i * TSO_MSS + k) % 251);
	}
}

static void
test_tso(void)
{
	struct xd_fdb_key kb;
	struct rte_ipv6_hdr *ip6;
	struct rte_mbuf *m;
	unsigned int i;

	reset();
	xd_fdb_key_set(&kb, &mac_b, 0);
	TD_EQ(xd_fdb_add_static(w->fdb, &kb, 1), 0);
	/* A port that takes TSO gets the frame whole. */
	xd_ports[1].tso = true;
	in(0, tso_frame());
	TD_EQ(queued(1), 1);
	TD_CHECK(w->tx[1].pkts[0]->ol_flags & RTE_MBUF_F_TX_TCP_SEG);
	TD_EQ(w->tx[1].pkts[0]->pkt_len, TSO_HDRS + TSO_PAYLOAD);
	TD_EQ(w->st.gso, 0);
	reset();
	/* One that does not (its guest did not negotiate GSO, or a NIC
	 * without TSO): MSS-sized frames, checksums finished. */
	xd_ports[1].tso = false;
	in(0, tso_frame());
	TD_EQ(queued(1), TSO_PAYLOAD / TSO_MSS);
	TD_EQ(w->st.gso, 1);
	TD_EQ(w->st.gso_segs, TSO_PAYLOAD / TSO_MSS);
	TD_EQ(w->st.offload_drop, 0);
	for (i = 0; i < queued(1); i++)
		check_segment(w->tx[1].pkts[i], i);
	reset();
	/* Flooded: each port gets its own copy, segmented or not. */
	xd_ports[3].tso = true;
	m = tso_frame();
	rte_ether_addr_copy(&bcast, &rte_pktmbuf_mtod(m,
			    struct rte_ether_hdr *)->dst_addr);
	in(0, m);
	TD_EQ(queued(1), TSO_PAYLOAD / TSO_MSS);
	TD_EQ(queued(3), 1);
	TD_EQ(w->st.gso, 1);
	for (i = 0; i < queued(1); i++)
		check_segment(w->tx[1].pkts[i], i);
	xd_ports[3].tso = false;
	reset();
	/* TCP/IPv6: cannot be segmented here: dropped, counted. */
	m = tso_frame();
	m->ol_flags = RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_TCP_SEG;
	m->l3_len = sizeof(*ip6);
	in(0, m);
	TD_EQ(queued(1), 0);
	TD_EQ(w->st.offload_drop, 1);
	/* A hostile MSS (too many segments) or header lengths: dropped. */
	m = tso_frame();
	m->tso_segsz = 8;
	in(0, m);
	m = tso_frame();
	m->l4_len = 2;
	in(0, m);
	m = tso_frame();
	m->l3_len = 60;
	in(0, m);
	TD_EQ(queued(1), 0);
	TD_EQ(w->st.offload_drop, 4);
	TD_EQ(w->st.gso, 0);
	/* A TSO frame no larger than one MSS goes as one frame. */
	m = tso_frame();
	m->tso_segsz = TSO_PAYLOAD;
	in(0, m);
	TD_EQ(queued(1), 1);
	TD_EQ(w->tx[1].pkts[0]->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK,
	      RTE_MBUF_F_TX_IPV4);
	TD_EQ(rte_ipv4_udptcp_cksum_mbuf_verify(w->tx[1].pkts[0],
		rte_pktmbuf_mtod_offset(w->tx[1].pkts[0], void *, 14), 34), 0);
	xd_fdb_flush(w->fdb, true);
	xd_fdb_reclaim(w->fdb);
	reset();
	TD_EQ(rte_mempool_avail_count(pool), NB_MBUFS);
}

/* A vif bound to the NIC's queue 0 (xd_bind.h). */
static void
test_bound(void)
{
	reset();
	xd_fdb_flush(w->fdb, true);
	xd_fdb_reclaim(w->fdb);
	/* Vif A bound to the NIC: unicast (even to a vif) and broadcast
	 * all go there, nowhere else. */
	xd_ports[0].bind_ref = 3 + 1;
	in(0, frame(&mac_b, &mac_a, -1, 60));
	in(0, frame(&bcast, &mac_a, -1, 60));
	TD_EQ(queued(3), 2);
	TD_EQ(queued(1) + queued(2), 0);
	TD_EQ(w->st.flood, 0);
	/* Still checked first: a spoofed frame goes nowhere. */
	in(0, frame(&bcast, &mac_b, -1, 60));
	TD_EQ(queued(3), 2);
	TD_EQ(xd_ports[0].rxq[0].st.spoofed, 1);
	/* The NIC gone from the switch: switched as before. */
	in_mask(0x7, 0, frame(&bcast, &mac_a, -1, 60));
	TD_EQ(queued(1), 1);
	TD_EQ(queued(3), 2);
	xd_ports[0].bind_ref = 0;
	xd_fdb_flush(w->fdb, true);
	xd_fdb_reclaim(w->fdb);
	reset();
	/* The NIC's queue 0 steered to vif B (flow mode): B's frames go
	 * straight to it though the MAC table does not know B. */
	xd_ports[3].rxq[0].direct = 1 + 1;
	in(3, frame(&mac_b, &mac_x, -1, 60));
	TD_EQ(queued(1), 1);
	TD_EQ(queued(0) + queued(2), 0);
	TD_EQ(w->st.flood, 0);
	/* Another MAC, or B's MAC in another VLAN: the switch (flooded,
	 * unknown). */
	in(3, frame(&mac_a, &mac_x, -1, 60));
	in(3, frame(&mac_b, &mac_x, 10, 60));
	TD_EQ(w->st.flood, 2);
	TD_EQ(queued(1), 2);
	TD_EQ(queued(0), 1);
	TD_EQ(queued(2), 1);
	/* Vif B gone from the switch: not handed to it. */
	in_mask(0xd, 3, frame(&mac_b, &mac_x, -1, 60));
	TD_EQ(queued(1), 2);
	TD_EQ(queued(0), 2);
	xd_ports[3].rxq[0].direct = 0;
	xd_fdb_flush(w->fdb, true);
	xd_fdb_reclaim(w->fdb);
	reset();
	TD_EQ(rte_mempool_avail_count(pool), NB_MBUFS);
}

static void
test_burst_batches(void)
{
	struct rte_mbuf *pkts[8];
	unsigned int i;

	reset();
	/* A burst from A to B, B, NIC-known, ...: one bulk lookup, frames
	 * land in their destination batches in order. */
	{
		struct xd_fdb_key k;

		xd_fdb_key_set(&k, &mac_b, 0);
		xd_fdb_add_static(w->fdb, &k, 1);
		xd_fdb_key_set(&k, &mac_d, 0);
		xd_fdb_learn(w->fdb, &k, 3, rte_get_tsc_cycles());
	}
	for (i = 0; i < 8; i++) {
		pkts[i] = frame(i % 2 ? &mac_d : &mac_b, &mac_a, -1, 60);
		*rte_pktmbuf_mtod_offset(pkts[i], uint8_t *, 20) = (uint8_t)i;
	}
	xd_switch_input(w, 0xf, 0, 0, pkts, 8);
	TD_EQ(queued(1), 4);
	TD_EQ(queued(3), 4);
	for (i = 0; i < 4; i++) {
		TD_EQ(*rte_pktmbuf_mtod_offset(w->tx[1].pkts[i], uint8_t *,
					       20), 2 * i);
		TD_EQ(*rte_pktmbuf_mtod_offset(w->tx[3].pkts[i], uint8_t *,
					       20), 2 * i + 1);
	}
	TD_EQ(xd_ports[0].rxq[0].st.pkts, 8);
	TD_EQ(xd_ports[0].rxq[0].st.bytes, 480);
	xd_fdb_flush(w->fdb, true);
	xd_fdb_reclaim(w->fdb);
	reset();
}

int
main(int argc, char **argv)
{
	char prefix[64];
	char *eal[] = {
		argv[0], "--no-huge", "-m", "64", "--no-pci", "-l", "0",
		"--no-shconf", "--log-level", "lib.eal:error", prefix, NULL,
	};

	(void)argc;
	snprintf(prefix, sizeof(prefix), "--file-prefix=xdtsw%d",
		 (int)getpid());
	if (rte_eal_init(RTE_DIM(eal) - 1, eal) < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	pool = rte_pktmbuf_pool_create("td_pool", NB_MBUFS, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	w = calloc(1, sizeof(*w));
	TD_CHECK(pool != NULL && w != NULL);
	if (pool == NULL || w == NULL)
		return 1;
	w->fdb = xd_fdb_create("td_fdb", 1024, SOCKET_ID_ANY);
	w->pool = pool;
	w->now = rte_get_tsc_cycles();
	TD_CHECK(w->fdb != NULL);
	setup_ports();
	test_spoofing();
	test_flood_learn();
	test_vlan();
	test_fdb();
	test_table_full();
	test_offloads();
	test_tso();
	test_bound();
	test_burst_batches();
	xd_fdb_free(w->fdb);
	free(w);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	TD_DONE();
}
