/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_xen stats and xstats, from libxnb's per-queue counters plus the
 * PMD's own. Directions are the port's: libxnb's guest-Tx counters
 * ("tx_*", netif's view) are this port's Rx ("rx_q<N>_*") and its guest-Rx
 * counters are this port's Tx ("tx_q<N>_*"). <N> is the netif queue.
 *
 * Basic stats: ierrors = guest frames dropped as malformed or unreadable;
 * oerrors = frames dropped on the way into the guest; imissed stays 0:
 * guest frames never get lost for want of mbufs, they wait on the ring
 * (rx_nombuf counts those stalls).
 */
#include <stdio.h>
#include <string.h>

#include "eth_xen.h"
#include "xnb_queue.h"

/* PMD counters with a reset baseline (lcores write, resets subtract). */
struct eth_xen_pmd_stat {
	const char *fmt;
	size_t offset;      /* uint64_t counter in the object */
	size_t base_offset; /* its baseline */
};

static const struct eth_xen_pmd_stat eth_xen_guest_rx_stats[] = {
	{ "tx_q%u_sw_cksum", offsetof(struct eth_xen_guest_rx, sw_cksum_pkts),
	  offsetof(struct eth_xen_guest_rx, sw_cksum_base) },
	{ "tx_q%u_bad_offload", offsetof(struct eth_xen_guest_rx, bad_offload),
	  offsetof(struct eth_xen_guest_rx, bad_offload_base) },
	{ "tx_q%u_full", offsetof(struct eth_xen_guest_rx, full),
	  offsetof(struct eth_xen_guest_rx, full_base) },
};

static const struct eth_xen_pmd_stat eth_xen_rxq_stats[] = {
	{ "rx_q%u_sw_cksum", offsetof(struct eth_xen_rxq, sw_cksum_pkts),
	  offsetof(struct eth_xen_rxq, sw_cksum_base) },
	{ "rx_q%u_sw_gso", offsetof(struct eth_xen_rxq, sw_gso_pkts),
	  offsetof(struct eth_xen_rxq, sw_gso_base) },
	{ "rx_q%u_sw_gso_segs", offsetof(struct eth_xen_rxq, sw_gso_segs),
	  offsetof(struct eth_xen_rxq, sw_gso_segs_base) },
	{ "rx_q%u_sw_gso_drop", offsetof(struct eth_xen_rxq, sw_gso_drop),
	  offsetof(struct eth_xen_rxq, sw_gso_drop_base) },
};

static const struct eth_xen_pmd_stat eth_xen_txq_stats[] = {
	{ "tx_q%u_link_down", offsetof(struct eth_xen_txq, link_down),
	  offsetof(struct eth_xen_txq, link_down_base) },
};

/* Zero-copy guest Tx per netif queue; the in-flight gauges are not reset. */
static const struct {
	const char *fmt;
	size_t offset;
	bool gauge;
} eth_xen_zc_stats[] = {
	{ "rx_q%u_zc_frames", offsetof(struct xnb_tx_zc_stats, frames), false },
	{ "rx_q%u_zc_fallback_bound",
	  offsetof(struct xnb_tx_zc_stats, fallback_bound), false },
	{ "rx_q%u_zc_fallback_copy",
	  offsetof(struct xnb_tx_zc_stats, fallback_caller), false },
	{ "rx_q%u_zc_map_fail", offsetof(struct xnb_tx_zc_stats, map_fail),
	  false },
	{ "rx_q%u_zc_inflight", offsetof(struct xnb_tx_zc_stats, inflight),
	  true },
	{ "rx_q%u_zc_inflight_peak",
	  offsetof(struct xnb_tx_zc_stats, inflight_peak), true },
};

static const struct {
	const char *name;
	size_t offset;
} eth_xen_ctrl_stats[] = {
	{ "ctrl_requests", offsetof(struct xnb_ctrl_stats, requests) },
	{ "ctrl_errors", offsetof(struct xnb_ctrl_stats, errors) },
	{ "ctrl_gcopy_ops", offsetof(struct xnb_ctrl_stats, gcopy_ops) },
	{ "ctrl_gcopy_calls", offsetof(struct xnb_ctrl_stats, gcopy_calls) },
	{ "ctrl_notify", offsetof(struct xnb_ctrl_stats, notify) },
};

#define U64_AT(obj, off) (*(uint64_t *)((char *)(obj) + (off)))

static uint64_t
eth_xen_pmd_stat_read(const void *obj, const struct eth_xen_pmd_stat *s)
{
	const uint64_t *v = (const uint64_t *)((const char *)obj + s->offset);
	const uint64_t *b =
		(const uint64_t *)((const char *)obj + s->base_offset);

	return __atomic_load_n(v, __ATOMIC_RELAXED) - *b;
}

static void
eth_xen_pmd_stat_reset(void *obj, const struct eth_xen_pmd_stat *s)
{
	U64_AT(obj, s->base_offset) =
		__atomic_load_n(&U64_AT(obj, s->offset), __ATOMIC_RELAXED);
}

static uint64_t
eth_xen_rx_errors(const struct xnb_tx_stats *s)
{
	return s->drop_slots + s->drop_frag_size + s->drop_runt +
	       s->drop_grant;
}

static uint64_t
eth_xen_tx_errors(const struct xnb_rx_stats *s)
{
	return s->drop_backlog + s->drop_grant + s->drop_size + s->drop_gso +
	       s->drop_mcast + s->drop_desc;
}

int
eth_xen_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *stats)
{
	struct eth_xen_internals *in = dev->data->dev_private;
	struct xnb_queue_stats s;
	uint16_t qid;

	if (in->vif == NULL)
		return -EIO;
	for (qid = 0; qid < in->max_queues; qid++) {
		xnb_queue_stats_get(xnb_vif_queue(in->vif, qid), &s);
		stats->ipackets += s.tx.packets;
		stats->ibytes += s.tx.bytes;
		stats->ierrors += eth_xen_rx_errors(&s.tx);
		stats->opackets += s.rx.packets;
		stats->obytes += s.rx.bytes;
		stats->oerrors += eth_xen_tx_errors(&s.rx);
		if (qid >= RTE_ETHDEV_QUEUE_STAT_CNTRS)
			continue;
		stats->q_ipackets[qid] = s.tx.packets;
		stats->q_ibytes[qid] = s.tx.bytes;
		stats->q_errors[qid] = eth_xen_rx_errors(&s.tx);
		stats->q_opackets[qid] = s.rx.packets;
		stats->q_obytes[qid] = s.rx.bytes;
	}
	return 0;
}

static void
eth_xen_pmd_stats_reset(struct rte_eth_dev *dev)
{
	struct eth_xen_internals *in = dev->data->dev_private;
	unsigned int i;
	uint16_t qid;

	for (qid = 0; qid < in->max_queues; qid++)
		for (i = 0; i < RTE_DIM(eth_xen_guest_rx_stats); i++)
			eth_xen_pmd_stat_reset(&in->guest_rx[qid],
					       &eth_xen_guest_rx_stats[i]);
	for (qid = 0; qid < dev->data->nb_rx_queues; qid++)
		for (i = 0; i < RTE_DIM(eth_xen_rxq_stats); i++)
			if (dev->data->rx_queues[qid] != NULL)
				eth_xen_pmd_stat_reset(dev->data->rx_queues[qid],
						       &eth_xen_rxq_stats[i]);
	for (qid = 0; qid < dev->data->nb_tx_queues; qid++)
		for (i = 0; i < RTE_DIM(eth_xen_txq_stats); i++)
			if (dev->data->tx_queues[qid] != NULL)
				eth_xen_pmd_stat_reset(dev->data->tx_queues[qid],
						       &eth_xen_txq_stats[i]);
}

int
eth_xen_stats_reset(struct rte_eth_dev *dev)
{
	struct eth_xen_internals *in = dev->data->dev_private;
	uint16_t qid;

	if (in->vif == NULL)
		return -EIO;
	for (qid = 0; qid < in->max_queues; qid++) {
		xnb_queue_stats_reset(xnb_vif_queue(in->vif, qid));
		in->zc_base[qid] = *xnb_txq_zc_stats(
			xnb_queue_txq(xnb_vif_queue(in->vif, qid)));
	}
	eth_xen_pmd_stats_reset(dev);
	eth_xen_ctrl_lock();
	in->ctrl_base = *xnb_ctrl_stats(xnb_vif_ctrl(in->vif));
	eth_xen_ctrl_unlock();
	return 0;
}

int
eth_xen_xstats_reset(struct rte_eth_dev *dev)
{
	return eth_xen_stats_reset(dev);
}

static unsigned int
eth_xen_xstats_count(const struct rte_eth_dev *dev)
{
	const struct eth_xen_internals *in = dev->data->dev_private;

	return in->max_queues * (xnb_queue_nb_stats +
				 RTE_DIM(eth_xen_guest_rx_stats) +
				 RTE_DIM(eth_xen_zc_stats)) +
	       dev->data->nb_rx_queues * RTE_DIM(eth_xen_rxq_stats) +
	       dev->data->nb_tx_queues * RTE_DIM(eth_xen_txq_stats) +
	       RTE_DIM(eth_xen_ctrl_stats);
}

/* libxnb "tx_packets" of queue 3 is this port's "rx_q3_packets". */
static void
eth_xen_lib_stat_name(char *buf, size_t size, uint16_t qid, const char *lib)
{
	const char *dir = strncmp(lib, "tx_", 3) == 0 ? "rx" : "tx";

	snprintf(buf, size, "%s_q%u_%s", dir, qid, lib + 3);
}

int
eth_xen_xstats_get_names(struct rte_eth_dev *dev,
			 struct rte_eth_xstat_name *names, unsigned int size)
{
	struct eth_xen_internals *in = dev->data->dev_private;
	unsigned int n = eth_xen_xstats_count(dev);
	unsigned int i, k = 0;
	uint16_t qid;

	if (names == NULL || size < n)
		return n;
	for (qid = 0; qid < in->max_queues; qid++) {
		for (i = 0; i < xnb_queue_nb_stats; i++)
			eth_xen_lib_stat_name(names[k++].name,
					      RTE_ETH_XSTATS_NAME_SIZE, qid,
					      xnb_queue_stat_names[i].name);
		for (i = 0; i < RTE_DIM(eth_xen_guest_rx_stats); i++)
			snprintf(names[k++].name, RTE_ETH_XSTATS_NAME_SIZE,
				 eth_xen_guest_rx_stats[i].fmt, qid);
		for (i = 0; i < RTE_DIM(eth_xen_zc_stats); i++)
			snprintf(names[k++].name, RTE_ETH_XSTATS_NAME_SIZE,
				 eth_xen_zc_stats[i].fmt, qid);
	}
	for (qid = 0; qid < dev->data->nb_rx_queues; qid++)
		for (i = 0; i < RTE_DIM(eth_xen_rxq_stats); i++)
			snprintf(names[k++].name, RTE_ETH_XSTATS_NAME_SIZE,
				 eth_xen_rxq_stats[i].fmt, qid);
	for (qid = 0; qid < dev->data->nb_tx_queues; qid++)
		for (i = 0; i < RTE_DIM(eth_xen_txq_stats); i++)
			snprintf(names[k++].name, RTE_ETH_XSTATS_NAME_SIZE,
				 eth_xen_txq_stats[i].fmt, qid);
	for (i = 0; i < RTE_DIM(eth_xen_ctrl_stats); i++)
		snprintf(names[k++].name, RTE_ETH_XSTATS_NAME_SIZE, "%s",
			 eth_xen_ctrl_stats[i].name);
	return n;
}

int
eth_xen_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xstats,
		   unsigned int size)
{
	struct eth_xen_internals *in = dev->data->dev_private;
	unsigned int n = eth_xen_xstats_count(dev);
	const struct xnb_tx_zc_stats *zs;
	struct xnb_ctrl_stats cs;
	struct xnb_queue_stats s;
	unsigned int i, k = 0;
	uint16_t qid;
	void *q;

	if (xstats == NULL || size < n)
		return n;
	if (in->vif == NULL)
		return -EIO;
	for (qid = 0; qid < in->max_queues; qid++) {
		xnb_queue_stats_get(xnb_vif_queue(in->vif, qid), &s);
		for (i = 0; i < xnb_queue_nb_stats; i++, k++) {
			xstats[k].id = k;
			xstats[k].value = U64_AT(&s,
				xnb_queue_stat_names[i].offset);
		}
		for (i = 0; i < RTE_DIM(eth_xen_guest_rx_stats); i++, k++) {
			xstats[k].id = k;
			xstats[k].value = eth_xen_pmd_stat_read(
				&in->guest_rx[qid], &eth_xen_guest_rx_stats[i]);
		}
		zs = xnb_txq_zc_stats(xnb_queue_txq(xnb_vif_queue(in->vif,
								  qid)));
		for (i = 0; i < RTE_DIM(eth_xen_zc_stats); i++, k++) {
			xstats[k].id = k;
			xstats[k].value = __atomic_load_n(&U64_AT(zs,
				eth_xen_zc_stats[i].offset), __ATOMIC_RELAXED);
			if (!eth_xen_zc_stats[i].gauge)
				xstats[k].value -= U64_AT(&in->zc_base[qid],
					eth_xen_zc_stats[i].offset);
		}
	}
	for (qid = 0; qid < dev->data->nb_rx_queues; qid++) {
		q = dev->data->rx_queues[qid];
		for (i = 0; i < RTE_DIM(eth_xen_rxq_stats); i++, k++) {
			xstats[k].id = k;
			xstats[k].value = q == NULL ? 0 :
				eth_xen_pmd_stat_read(q, &eth_xen_rxq_stats[i]);
		}
	}
	for (qid = 0; qid < dev->data->nb_tx_queues; qid++) {
		q = dev->data->tx_queues[qid];
		for (i = 0; i < RTE_DIM(eth_xen_txq_stats); i++, k++) {
			xstats[k].id = k;
			xstats[k].value = q == NULL ? 0 :
				eth_xen_pmd_stat_read(q, &eth_xen_txq_stats[i]);
		}
	}
	/* The control ring is served on the control thread. */
	eth_xen_ctrl_lock();
	cs = *xnb_ctrl_stats(xnb_vif_ctrl(in->vif));
	eth_xen_ctrl_unlock();
	for (i = 0; i < RTE_DIM(eth_xen_ctrl_stats); i++, k++) {
		xstats[k].id = k;
		xstats[k].value = U64_AT(&cs, eth_xen_ctrl_stats[i].offset) -
			U64_AT(&in->ctrl_base, eth_xen_ctrl_stats[i].offset);
	}
	return n;
}
