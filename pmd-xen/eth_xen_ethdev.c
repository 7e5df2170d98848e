/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The net_xen PMD: one ethdev port per guest vif (domid, devid), libxnb
 * underneath. Probe, ethdev ops, link state and the vif's control events.
 *
 * Port MAC: the backend "mac" key is the GUEST's address (the far end of
 * the cable), so the port itself gets mac= if given, else the locally
 * administered fe:58:DD:DD:VV:VV (DD = domid, VV = devid, big-endian),
 * unique per vif. The guest's MAC is available through
 * rte_pmd_xen_get_guest_mac().
 */
#include <errno.h>
#include <string.h>

#include <bus_vdev_driver.h>
#include <ethdev_driver.h>
#include <ethdev_vdev.h>
#include <rte_cycles.h>
#include <rte_kvargs.h>
#include <rte_malloc.h>

#include "eth_xen.h"
#include "eth_xen_log.h"
#include "eth_xen_zc.h"
#include "rte_pmd_xen.h"
#include "xnb_queue.h"

RTE_LOG_REGISTER_SUFFIX(eth_xen_logtype, driver, NOTICE);

static const struct eth_dev_ops eth_xen_ops;

/* ---- vif callbacks and control-thread handlers ---- */

/* libxnb, control thread with the control lock held. */
static void
eth_xen_link_change(void *arg, bool up)
{
	struct eth_xen_internals *in = arg;
	struct rte_eth_link link = {
		.link_speed = RTE_ETH_SPEED_NUM_10G,
		.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
		.link_autoneg = RTE_ETH_LINK_FIXED,
		.link_status = up ? RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN,
	};

	rte_eth_linkstatus_set(in->dev, &link);
	in->lsc_pending = true;
	in->client.event_pending = true;
	ETH_XEN_LOG(INFO, "port %u (vif %u.%u): link %s",
		    in->dev->data->port_id, in->args.domid, in->args.devid,
		    up ? "up" : "down");
}

/* libxnb, datapath lcore: only schedule the disconnect. */
static void
eth_xen_fatal(void *arg, uint16_t qid)
{
	struct eth_xen_internals *in = arg;

	ETH_XEN_LOG_RL(ERR, "vif %u.%u queue %u: guest broke the protocol, "
		       "disconnecting it", in->args.domid, in->args.devid,
		       qid);
	__atomic_store_n(&in->fatal_pending, 1, __ATOMIC_RELEASE);
	eth_xen_ctrl_kick();
}

/* libxnb, control thread with the control lock held: the toolstack wrote
 * another guest MAC (or none) at a (re)probe or connect. */
static void
eth_xen_mac_change(void *arg)
{
	struct eth_xen_internals *in = arg;

	in->has_guest_mac =
		xnb_vif_mac(in->vif, in->guest_mac.addr_bytes) == 0;
}

static const struct xnb_vif_cb eth_xen_vif_cb = {
	.link_change = eth_xen_link_change,
	.fatal = eth_xen_fatal,
	.mac_change = eth_xen_mac_change,
};

/* With revive=1 the port outlives the toolstack's device: a detach leaves
 * it waiting (link down) for an attach of the same vif. Say so, once each
 * way. */
static void
eth_xen_check_removed(struct eth_xen_internals *in)
{
	bool removed = xnb_vif_removed(in->vif);

	if (removed == in->removed)
		return;
	in->removed = removed;
	if (in->closing)
		return;
	ETH_XEN_LOG(NOTICE, "port %u: vif %u.%u %s", in->dev->data->port_id,
		    in->args.domid, in->args.devid, !removed ?
		    "created again by the toolstack" : in->args.revive ?
		    "removed by the toolstack, waiting for it to come back" :
		    "removed by the toolstack (revive=0: for good)");
}

static int
eth_xen_on_watch(void *arg, const char *path, const char *token)
{
	struct eth_xen_internals *in = arg;
	int ret;

	ret = xnb_vif_watch_event(in->vif, path, token);
	if (ret != -ENOENT)
		eth_xen_check_removed(in);
	return ret;
}

static void
eth_xen_on_fd(void *arg)
{
	struct eth_xen_internals *in = arg;

	/* Control ring; a guest overrunning it is disconnected inside. */
	xnb_vif_handle_events(in->vif);
}

static void
eth_xen_on_kick(void *arg)
{
	struct eth_xen_internals *in = arg;

	if (__atomic_exchange_n(&in->fatal_pending, 0, __ATOMIC_ACQ_REL))
		xnb_vif_fatal(in->vif);
}

/* Control thread without the lock: application callbacks. */
static void
eth_xen_on_event(void *arg)
{
	struct eth_xen_internals *in = arg;
	struct rte_eth_dev *dev = in->dev;
	bool lsc;

	eth_xen_ctrl_lock();
	lsc = in->lsc_pending;
	in->lsc_pending = false;
	eth_xen_ctrl_unlock();

	if (lsc && dev->data->dev_conf.intr_conf.lsc)
		rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_INTR_LSC,
					     NULL);
}

/* ---- ethdev ops ---- */

static int
eth_xen_dev_configure(struct rte_eth_dev *dev)
{
	struct eth_xen_internals *in = dev->data->dev_private;
	const struct rte_eth_conf *conf = &dev->data->dev_conf;

	if (conf->rxmode.mq_mode & ~RTE_ETH_MQ_RX_RSS_FLAG) {
		ETH_XEN_LOG(ERR, "port %u: Rx multi-queue mode %d unsupported "
			    "(the guest picks the queue of each frame)",
			    dev->data->port_id, conf->rxmode.mq_mode);
		return -EINVAL;
	}
	if (dev->data->nb_rx_queues < in->max_queues)
		ETH_XEN_LOG(INFO, "port %u: %u Rx queues for up to %u guest "
			    "queues: each Rx queue polls several",
			    dev->data->port_id, dev->data->nb_rx_queues,
			    in->max_queues);
	return 0;
}

/*
 * Zero-copy settings of every netif queue, for the connections to come and
 * the current one (no burst runs while the port is stopped). GSO frames
 * are copied when every Rx queue segments them in software.
 */
static int
eth_xen_zc_setup(struct rte_eth_dev *dev)
{
	struct eth_xen_internals *in = dev->data->dev_private;
	struct xnb_txq_zc_conf conf;
	const struct eth_xen_rxq *rxq;
	uint16_t i;
	int ret = 0;

	eth_xen_zc_conf(&conf, in->zc_copy_max);
	conf.copy_gso = true;
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		rxq = dev->data->rx_queues[i];
		if (rxq != NULL && !rxq->sw_gso)
			conf.copy_gso = false;
	}
	eth_xen_ctrl_lock();
	for (i = 0; i < in->max_queues && ret == 0; i++)
		ret = xnb_txq_zc_enable(xnb_queue_txq(xnb_vif_queue(in->vif,
								    i)),
					&conf);
	eth_xen_ctrl_unlock();
	return ret;
}

static int
eth_xen_dev_start(struct rte_eth_dev *dev)
{
	uint16_t i;
	int ret;

	ret = eth_xen_zc_setup(dev);
	if (ret < 0)
		return ret;

	if (dev->data->dev_conf.intr_conf.rxq) {
		ret = eth_xen_intr_start(dev);
		if (ret < 0)
			return ret;
	}
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		dev->data->rx_queue_state[i] = RTE_ETH_QUEUE_STATE_STARTED;
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		dev->data->tx_queue_state[i] = RTE_ETH_QUEUE_STATE_STARTED;
	return 0;
}

static int
eth_xen_dev_stop(struct rte_eth_dev *dev)
{
	struct eth_xen_internals *in = dev->data->dev_private;
	uint16_t i;

	/* No burst runs now: frames waiting for guest buffers go back. */
	eth_xen_ctrl_lock();
	eth_xen_drain_backlogs(in);
	eth_xen_ctrl_unlock();
	eth_xen_intr_stop(dev);
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		dev->data->rx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		dev->data->tx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
	return 0;
}

static void
eth_xen_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct eth_xen_rxq *rxq = dev->data->rx_queues[qid];

	if (rxq == NULL)
		return;
	rte_pktmbuf_free_bulk(rxq->cache, rxq->nb_cache);
	eth_xen_rx_pend_free(rxq);
	rte_free(rxq);
	dev->data->rx_queues[qid] = NULL;
}

static void
eth_xen_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	rte_free(dev->data->tx_queues[qid]);
	dev->data->tx_queues[qid] = NULL;
}

/*
 * With the control lock held: let a live guest see an orderly disconnect
 * (backend Closing, then Closed once the frontend closed), waiting up to
 * ETH_XEN_CLOSE_TIMEOUT_MS with the lock released so the control thread
 * feeds the frontend's state to the vif. After the bound xnb_vif_destroy()
 * writes Closed anyway.
 */
static void
eth_xen_close_gracefully(struct eth_xen_internals *in)
{
	uint64_t deadline = rte_get_timer_cycles() +
		rte_get_timer_hz() * ETH_XEN_CLOSE_TIMEOUT_MS / 1000;

	in->closing = true;
	if (xnb_vif_close(in->vif) == 0)
		return;
	while (xnb_vif_state(in->vif) != XNB_XB_CLOSED) {
		if (rte_get_timer_cycles() >= deadline) {
			ETH_XEN_LOG(NOTICE, "port %u: vif %u.%u: the guest did "
				    "not close in %u ms",
				    in->dev->data->port_id, in->args.domid,
				    in->args.devid, ETH_XEN_CLOSE_TIMEOUT_MS);
			return;
		}
		eth_xen_ctrl_unlock();
		rte_delay_us_sleep(ETH_XEN_CLOSE_POLL_MS * 1000);
		eth_xen_ctrl_lock();
	}
}

static int
eth_xen_dev_close(struct rte_eth_dev *dev)
{
	struct eth_xen_internals *in = dev->data->dev_private;
	uint16_t i;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY || in->vif == NULL)
		return 0;
	if (dev->data->dev_started) {
		eth_xen_dev_stop(dev);
		dev->data->dev_started = 0;
	}
	eth_xen_ctrl_lock();
	if (xnb_vif_connected(in->vif))
		eth_xen_close_gracefully(in);
	eth_xen_ctrl_client_del(&in->client);
	eth_xen_drain_backlogs(in);
	/* Disconnects (gates first), unmaps, writes Closed. */
	xnb_vif_destroy(in->vif);
	in->vif = NULL;
	eth_xen_ctrl_unlock();
	/* Zero-copy frames still out keep the hypervisor open. */
	eth_xen_zc_ctrl_put();

	for (i = 0; i < dev->data->nb_rx_queues; i++)
		eth_xen_rx_queue_release(dev, i);
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		eth_xen_tx_queue_release(dev, i);
	ETH_XEN_LOG(INFO, "port %u: vif %u.%u closed", dev->data->port_id,
		    in->args.domid, in->args.devid);
	return 0;
}

static int
eth_xen_dev_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	struct eth_xen_internals *in = dev->data->dev_private;
	const struct xnb_vif_features *f;
	bool gso = true;

	info->max_mac_addrs = 1;
	info->max_rx_pktlen = ETH_XEN_MAX_RX_PKTLEN;
	info->max_lro_pkt_size = ETH_XEN_MAX_RX_PKTLEN;
	info->min_mtu = XNB_VIF_MIN_MTU;
	info->max_mtu = XNB_VIF_MAX_MTU;
	info->min_rx_bufsize = ETH_XEN_MIN_RX_BUF_SIZE;
	info->max_rx_queues = in->max_queues;
	info->max_tx_queues = in->max_queues;
	info->speed_capa = RTE_ETH_LINK_SPEED_10G;
	/* Guest Tx features are offered to every guest; which ones it uses
	 * shows per frame. */
	info->rx_offload_capa = RTE_ETH_RX_OFFLOAD_SCATTER |
				RTE_ETH_RX_OFFLOAD_IPV4_CKSUM |
				RTE_ETH_RX_OFFLOAD_TCP_CKSUM |
				RTE_ETH_RX_OFFLOAD_UDP_CKSUM |
				RTE_ETH_RX_OFFLOAD_TCP_LRO |
				RTE_ETH_RX_OFFLOAD_RSS_HASH;
	/* Checksums are finished in software for a guest that does not take
	 * them blank; TSO needs the guest's GSO. While no guest is
	 * connected, report everything a guest may negotiate. */
	eth_xen_ctrl_lock();
	if (in->vif != NULL && xnb_vif_connected(in->vif)) {
		f = xnb_vif_features(in->vif);
		gso = f->gso_tcpv4 || f->gso_tcpv6;
	}
	eth_xen_ctrl_unlock();
	info->tx_offload_capa = RTE_ETH_TX_OFFLOAD_MULTI_SEGS |
				RTE_ETH_TX_OFFLOAD_IPV4_CKSUM |
				RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
				RTE_ETH_TX_OFFLOAD_UDP_CKSUM |
				(gso ? RTE_ETH_TX_OFFLOAD_TCP_TSO : 0);
	info->tx_desc_lim.nb_seg_max = XNB_RX_MAX_SEGS;
	info->tx_desc_lim.nb_mtu_seg_max = XNB_RX_MAX_SEGS;
	return 0;
}

static int
eth_xen_link_update(struct rte_eth_dev *dev, int wait __rte_unused)
{
	struct eth_xen_internals *in = dev->data->dev_private;
	struct rte_eth_link link = {
		.link_speed = RTE_ETH_SPEED_NUM_10G,
		.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
		.link_autoneg = RTE_ETH_LINK_FIXED,
	};

	eth_xen_ctrl_lock();
	link.link_status = in->vif != NULL && xnb_vif_connected(in->vif) ?
			   RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN;
	eth_xen_ctrl_unlock();
	return rte_eth_linkstatus_set(dev, &link);
}

/* Announced to the frontend (backend and frontend "mtu" keys); frames
 * are not cut to it. */
static int
eth_xen_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	struct eth_xen_internals *in = dev->data->dev_private;
	int ret;

	eth_xen_ctrl_lock();
	ret = xnb_vif_set_mtu(in->vif, mtu);
	eth_xen_ctrl_unlock();
	return ret;
}

/* A vif port carries everything its guest sends: always promiscuous. */
static int
eth_xen_promiscuous_enable(struct rte_eth_dev *dev __rte_unused)
{
	return 0;
}

static int
eth_xen_promiscuous_disable(struct rte_eth_dev *dev __rte_unused)
{
	return -ENOTSUP;
}

static int
eth_xen_allmulticast_enable(struct rte_eth_dev *dev __rte_unused)
{
	return 0;
}

static int
eth_xen_allmulticast_disable(struct rte_eth_dev *dev __rte_unused)
{
	return -ENOTSUP;
}

static int
eth_xen_mac_addr_set(struct rte_eth_dev *dev __rte_unused,
		     struct rte_ether_addr *addr __rte_unused)
{
	/* The port address is local to this host; the guest never sees it. */
	return 0;
}

static int
eth_xen_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid,
		       uint16_t nb_desc __rte_unused, unsigned int socket_id,
		       const struct rte_eth_rxconf *conf,
		       struct rte_mempool *mp)
{
	struct eth_xen_internals *in = dev->data->dev_private;
	uint64_t offloads = dev->data->dev_conf.rxmode.offloads |
			    conf->offloads;
	struct eth_xen_rxq *rxq;
	uint32_t room;

	room = rte_pktmbuf_data_room_size(mp);
	if (room < RTE_PKTMBUF_HEADROOM + ETH_XEN_MIN_RX_BUF_SIZE) {
		ETH_XEN_LOG(ERR, "port %u rxq %u: mbufs of %u bytes too small "
			    "(need %u of data room)", dev->data->port_id, qid,
			    room, RTE_PKTMBUF_HEADROOM +
			    ETH_XEN_MIN_RX_BUF_SIZE);
		return -EINVAL;
	}
	rxq = rte_zmalloc_socket("net_xen_rxq", sizeof(*rxq),
				 RTE_CACHE_LINE_SIZE, socket_id);
	if (rxq == NULL)
		return -ENOMEM;
	rxq->internals = in;
	rxq->mp = mp;
	rxq->queue_id = qid;
	rxq->buf_size = RTE_MIN(room - RTE_PKTMBUF_HEADROOM,
				(uint32_t)UINT16_MAX);
	rxq->sw_cksum = !(offloads & (RTE_ETH_RX_OFFLOAD_TCP_CKSUM |
				      RTE_ETH_RX_OFFLOAD_UDP_CKSUM));
	rxq->ip_cksum = (offloads & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM) != 0;
	rxq->sw_gso = !(offloads & RTE_ETH_RX_OFFLOAD_TCP_LRO);
	rxq->intr_epfd = -1;
	rxq->intr_kick = -1;
	dev->data->rx_queues[qid] = rxq;
	return 0;
}

static int
eth_xen_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid,
		       uint16_t nb_desc __rte_unused, unsigned int socket_id,
		       const struct rte_eth_txconf *conf __rte_unused)
{
	struct eth_xen_txq *txq;

	txq = rte_zmalloc_socket("net_xen_txq", sizeof(*txq),
				 RTE_CACHE_LINE_SIZE, socket_id);
	if (txq == NULL)
		return -ENOMEM;
	txq->internals = dev->data->dev_private;
	txq->queue_id = qid;
	dev->data->tx_queues[qid] = txq;
	return 0;
}

static const uint32_t *
eth_xen_supported_ptypes_get(struct rte_eth_dev *dev __rte_unused)
{
	/* What rte_net_get_ptype() reports for L2-L4. */
	static const uint32_t ptypes[] = {
		RTE_PTYPE_L2_ETHER,
		RTE_PTYPE_L2_ETHER_VLAN,
		RTE_PTYPE_L2_ETHER_QINQ,
		RTE_PTYPE_L3_IPV4,
		RTE_PTYPE_L3_IPV4_EXT,
		RTE_PTYPE_L3_IPV6,
		RTE_PTYPE_L3_IPV6_EXT,
		RTE_PTYPE_L4_TCP,
		RTE_PTYPE_L4_UDP,
		RTE_PTYPE_L4_SCTP,
		RTE_PTYPE_L4_FRAG,
		RTE_PTYPE_UNKNOWN,
	};

	return ptypes;
}

/* RTE_PTYPE_UNKNOWN: the application does not read packet types, so the
 * Rx burst parses only frames whose offload flags need the header lengths.
 * Any other mask (checked by ethdev against the list above) gets them all. */
static int
eth_xen_ptypes_set(struct rte_eth_dev *dev, uint32_t ptype_mask)
{
	struct eth_xen_internals *in = dev->data->dev_private;

	__atomic_store_n(&in->no_ptype, ptype_mask == RTE_PTYPE_UNKNOWN,
			 __ATOMIC_RELAXED);
	return 0;
}

static const struct eth_dev_ops eth_xen_ops = {
	.dev_configure = eth_xen_dev_configure,
	.dev_start = eth_xen_dev_start,
	.dev_stop = eth_xen_dev_stop,
	.dev_close = eth_xen_dev_close,
	.dev_infos_get = eth_xen_dev_infos_get,
	.dev_supported_ptypes_get = eth_xen_supported_ptypes_get,
	.dev_ptypes_set = eth_xen_ptypes_set,
	.link_update = eth_xen_link_update,
	.mtu_set = eth_xen_mtu_set,
	.promiscuous_enable = eth_xen_promiscuous_enable,
	.promiscuous_disable = eth_xen_promiscuous_disable,
	.allmulticast_enable = eth_xen_allmulticast_enable,
	.allmulticast_disable = eth_xen_allmulticast_disable,
	.mac_addr_set = eth_xen_mac_addr_set,
	.rx_queue_setup = eth_xen_rx_queue_setup,
	.rx_queue_release = eth_xen_rx_queue_release,
	.tx_queue_setup = eth_xen_tx_queue_setup,
	.tx_queue_release = eth_xen_tx_queue_release,
	.rx_queue_intr_enable = eth_xen_rx_intr_enable,
	.rx_queue_intr_disable = eth_xen_rx_intr_disable,
	.stats_get = eth_xen_stats_get,
	.stats_reset = eth_xen_stats_reset,
	.xstats_get = eth_xen_xstats_get,
	.xstats_get_names = eth_xen_xstats_get_names,
	.xstats_reset = eth_xen_xstats_reset,
};

/* ---- exported API ---- */

static struct eth_xen_internals *
eth_xen_port(uint16_t port_id)
{
	struct rte_eth_dev *dev;

	if (!rte_eth_dev_is_valid_port(port_id))
		return NULL;
	dev = &rte_eth_devices[port_id];
	if (dev->dev_ops != &eth_xen_ops)
		return NULL;
	return dev->data->dev_private;
}

int
rte_pmd_xen_get_guest_mac(uint16_t port_id, struct rte_ether_addr *mac)
{
	struct eth_xen_internals *in = eth_xen_port(port_id);
	int ret = -ENOENT;

	if (in == NULL)
		return -ENOTSUP;
	eth_xen_ctrl_lock();
	if (in->has_guest_mac) {
		rte_ether_addr_copy(&in->guest_mac, mac);
		ret = 0;
	}
	eth_xen_ctrl_unlock();
	return ret;
}

int
rte_pmd_xen_get_vif(uint16_t port_id, uint16_t *domid, uint32_t *devid)
{
	struct eth_xen_internals *in = eth_xen_port(port_id);

	if (in == NULL)
		return -ENOTSUP;
	*domid = in->args.domid;
	*devid = in->args.devid;
	return 0;
}

static void
eth_xen_ring_index(const struct xnb_ring_info *ri,
		   struct rte_pmd_xen_ring_index *ix)
{
	ix->req_prod = ri->req_prod;
	ix->req_event = ri->req_event;
	ix->rsp_prod = ri->rsp_prod;
	ix->rsp_event = ri->rsp_event;
	ix->req_cons = ri->req_cons;
	ix->rsp_prod_pvt = ri->rsp_prod_pvt;
}

int
rte_pmd_xen_ring_state(uint16_t port_id, uint16_t qid,
		       struct rte_pmd_xen_ring_state *st)
{
	struct eth_xen_internals *in = eth_xen_port(port_id);
	struct xnb_ring_info tx, rx;
	struct xnb_queue *q;
	int ret;

	if (in == NULL)
		return -ENOTSUP;
	memset(st, 0, sizeof(*st));
	/* Under the control lock the vif cannot unmap the rings. */
	eth_xen_ctrl_lock();
	if (in->vif == NULL) {
		ret = -ENODEV;
		goto unlock;
	}
	if (qid >= xnb_vif_max_queues(in->vif)) {
		ret = -EINVAL;
		goto unlock;
	}
	q = xnb_vif_queue(in->vif, qid);
	ret = xnb_txq_ring_info(xnb_queue_txq(q), &tx);
	if (xnb_rxq_ring_info(xnb_queue_rxq(q), &rx) < 0)
		ret = -ENOTCONN;
	st->rx_backlog = rx.backlog;
	if (ret == 0) {
		eth_xen_ring_index(&tx, &st->tx);
		eth_xen_ring_index(&rx, &st->rx);
	}
unlock:
	eth_xen_ctrl_unlock();
	return ret;
}

int
rte_pmd_xen_close(uint16_t port_id)
{
	struct eth_xen_internals *in = eth_xen_port(port_id);
	int ret;

	if (in == NULL)
		return -ENOTSUP;
	eth_xen_ctrl_lock();
	if (in->vif == NULL) {
		ret = -ENODEV;
	} else {
		in->closing = true;
		ret = xnb_vif_close(in->vif);
	}
	eth_xen_ctrl_unlock();
	return ret;
}

/* ---- probe / remove ---- */

static void
eth_xen_port_mac(const struct eth_xen_args *args, struct rte_ether_addr *mac)
{
	if (args->has_mac) {
		rte_ether_addr_copy(&args->mac, mac);
		return;
	}
	mac->addr_bytes[0] = 0xfe;
	mac->addr_bytes[1] = 0x58;
	mac->addr_bytes[2] = args->domid >> 8;
	mac->addr_bytes[3] = args->domid & 0xff;
	mac->addr_bytes[4] = args->devid >> 8;
	mac->addr_bytes[5] = args->devid & 0xff;
}

/*
 * Zero-copy only when asked for (copy_threshold=): whether a frame's
 * destination can DMA from a guest page is the application's knowledge,
 * not the PMD's (README.md).
 */
static void
eth_xen_zc_policy(struct eth_xen_internals *in)
{
	in->zc_copy_max = in->args.has_copy_threshold ?
			  in->args.copy_threshold : XNB_PAGE_SIZE;
	if (in->zc_copy_max < XNB_PAGE_SIZE)
		ETH_XEN_LOG(INFO, "vif %u.%u: zero-copy guest Tx for fragments "
			    "over %u bytes", in->args.domid, in->args.devid,
			    in->zc_copy_max);
}

static int
eth_xen_vif_open(struct eth_xen_internals *in)
{
	struct xnb_vif_conf conf = {
		.hv = in->hv,
		.domid = in->args.domid,
		.devid = in->args.devid,
		.max_queues = in->args.queues,
		.backlog = in->args.backlog,
		.cb = &eth_xen_vif_cb,
		.cb_arg = in,
		/* revive=1: the port outlives a detach and serves the vif
		 * when the toolstack attaches it again; revive=0: the
		 * application removes the port and probes a new one. */
		.revive = in->args.revive,
	};
	uint16_t i;
	int ret;

	for (i = 0; i < RTE_DIM(in->guest_rx); i++)
		rte_spinlock_init(&in->guest_rx[i].lock);
	eth_xen_ctrl_lock();
	in->vif = xnb_vif_create(&conf);
	if (in->vif == NULL) {
		ret = -errno;
		eth_xen_ctrl_unlock();
		return ret;
	}
	in->max_queues = xnb_vif_max_queues(in->vif);
	eth_xen_zc_policy(in);
	in->backlog = in->args.backlog != 0 ? in->args.backlog :
		      XNB_VIF_DEFAULT_BACKLOG;
	in->has_guest_mac =
		xnb_vif_mac(in->vif, in->guest_mac.addr_bytes) == 0;
	in->client = (struct eth_xen_ctrl_client){
		.on_watch = eth_xen_on_watch,
		.on_fd = eth_xen_on_fd,
		.on_kick = eth_xen_on_kick,
		.on_event = eth_xen_on_event,
		.arg = in,
		.fd = xnb_vif_event_fd(in->vif),
	};
	ret = eth_xen_ctrl_client_add(&in->client);
	if (ret < 0) {
		xnb_vif_destroy(in->vif);
		in->vif = NULL;
	}
	eth_xen_ctrl_unlock();
	return ret;
}

static int
eth_xen_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	struct eth_xen_internals *in;
	struct rte_eth_dev *dev;
	struct eth_xen_args args;
	struct xnb_hv *hv;
	bool sim;
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		ETH_XEN_LOG(ERR, "%s: secondary processes are not supported",
			    name);
		return -ENOTSUP;
	}
	ret = eth_xen_args_parse(name, rte_vdev_device_args(vdev), &args);
	if (ret < 0)
		return ret;
	sim = strcmp(args.hv, "sim") == 0;
	ret = eth_xen_ctrl_get(args.hv, sim ? args.simdir : NULL, &hv);
	if (ret < 0)
		return ret;

	dev = rte_eth_vdev_allocate(vdev, sizeof(*in));
	if (dev == NULL) {
		ret = -ENOMEM;
		goto put_ctrl;
	}
	in = dev->data->dev_private;
	in->dev = dev;
	in->args = args;
	in->hv = hv;
	dev->data->mac_addrs = rte_zmalloc_socket(name,
			sizeof(struct rte_ether_addr), 0,
			rte_socket_id());
	if (dev->data->mac_addrs == NULL) {
		ret = -ENOMEM;
		goto release_port;
	}
	eth_xen_port_mac(&args, dev->data->mac_addrs);
	dev->data->dev_link = (struct rte_eth_link){
		.link_speed = RTE_ETH_SPEED_NUM_10G,
		.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
		.link_autoneg = RTE_ETH_LINK_FIXED,
		.link_status = RTE_ETH_LINK_DOWN,
	};
	dev->data->dev_flags |= RTE_ETH_DEV_INTR_LSC;
	/* The port gets every frame its guest sends, whatever the address. */
	dev->data->promiscuous = 1;
	dev->data->all_multicast = 1;
	dev->dev_ops = &eth_xen_ops;
	dev->rx_pkt_burst = eth_xen_rx_burst;
	dev->tx_pkt_burst = eth_xen_tx_burst;

	ret = eth_xen_vif_open(in);
	if (ret < 0) {
		ETH_XEN_LOG(ERR, "%s: cannot serve vif %u.%u: %s", name,
			    args.domid, args.devid, strerror(-ret));
		goto release_port;
	}
	rte_eth_dev_probing_finish(dev);
	ETH_XEN_LOG(INFO, "%s: port %u serves vif %u.%u at %s (%u queues)",
		    name, dev->data->port_id, args.domid, args.devid,
		    xnb_vif_backend_path(in->vif), in->max_queues);
	return 0;

release_port:
	rte_eth_dev_release_port(dev);
put_ctrl:
	eth_xen_ctrl_put();
	return ret;
}

static int
eth_xen_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *dev;

	dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));
	if (dev == NULL)
		return 0;
	eth_xen_dev_close(dev);
	return rte_eth_dev_release_port(dev);
}

static struct rte_vdev_driver eth_xen_driver = {
	.probe = eth_xen_probe,
	.remove = eth_xen_remove,
};

RTE_PMD_REGISTER_VDEV(net_xen, eth_xen_driver);
RTE_PMD_REGISTER_ALIAS(net_xen, eth_xen);
RTE_PMD_REGISTER_PARAM_STRING(net_xen,
	ETH_XEN_ARG_DOMID "=<1..32751> "
	ETH_XEN_ARG_DEVID "=<0..65535> "
	ETH_XEN_ARG_QUEUES "=<1..16> "
	ETH_XEN_ARG_HV "=xen|sim "
	ETH_XEN_ARG_SIMDIR "=<path> "
	ETH_XEN_ARG_MAC "=<xx:xx:xx:xx:xx:xx> "
	ETH_XEN_ARG_BACKLOG "=<1..65536> "
	ETH_XEN_ARG_REVIVE "=0|1 "
	ETH_XEN_ARG_COPY_THRESHOLD "=<0..4096>");
