/* SPDX-License-Identifier: BSD-3-Clause */
/* Probing, configuring, starting and removing the switch's ports. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <rte_bus.h>
#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>

#include "rte_pmd_xen.h"
#include "xd_bind.h"
#include "xd_config.h"
#include "xd_fdb.h"
#include "xd_log.h"
#include "xd_plan.h"
#include "xd_pool.h"
#include "xd_portctl.h"
#include "xd_worker.h"

#define XD_NB_RXD 1024
#define XD_NB_TXD 1024

/* Offloads the switch can use when a port has them. */
#define XD_TX_OFFLOADS (RTE_ETH_TX_OFFLOAD_MULTI_SEGS | \
			RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | \
			RTE_ETH_TX_OFFLOAD_TCP_CKSUM | \
			RTE_ETH_TX_OFFLOAD_UDP_CKSUM | \
			RTE_ETH_TX_OFFLOAD_TCP_TSO)
/* From a guest: keep blank checksums blank (the egress port or the next
 * guest finishes them); take frames of any size. */
#define XD_VIF_RX_OFFLOADS (RTE_ETH_RX_OFFLOAD_TCP_CKSUM | \
			    RTE_ETH_RX_OFFLOAD_UDP_CKSUM | \
			    RTE_ETH_RX_OFFLOAD_SCATTER)

struct xd_port xd_ports[RTE_MAX_ETHPORTS];
uint64_t xd_active_ports;

static enum xd_tso_mode xd_tso;
static char xd_bind_port[XD_NAME_LEN];
static struct xd_fdb *xd_fdb;
static int xd_event_fd = -1;

static int
ethdev_event(uint16_t port, enum rte_eth_event_type type, void *arg,
	     void *ret_param)
{
	uint64_t one = 1;

	RTE_SET_USED(arg);
	RTE_SET_USED(ret_param);
	if (port >= RTE_MAX_ETHPORTS)
		return 0;
	__atomic_fetch_or(&xd_ports[port].events,
			  type == RTE_ETH_EVENT_INTR_RMV ? XD_PORT_EV_RMV :
			  XD_PORT_EV_LSC, __ATOMIC_RELEASE);
	if (write(xd_event_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		XD_LOG_RL(ERR, "signalling ethdev event: %s", strerror(errno));
	return 0;
}

int
xd_portctl_init(struct xd_fdb *fdb)
{
	int ret;

	xd_fdb = fdb;
	xd_event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (xd_event_fd < 0)
		return -errno;
	ret = rte_eth_dev_callback_register(RTE_ETH_ALL, RTE_ETH_EVENT_INTR_LSC,
					    ethdev_event, NULL);
	if (ret == 0)
		ret = rte_eth_dev_callback_register(RTE_ETH_ALL,
						    RTE_ETH_EVENT_INTR_RMV,
						    ethdev_event, NULL);
	if (ret < 0) {
		xd_portctl_fini();
		return ret;
	}
	return 0;
}

void
xd_portctl_set_tso(enum xd_tso_mode mode)
{
	xd_tso = mode;
}

void
xd_portctl_set_bind_port(const char *name)
{
	snprintf(xd_bind_port, sizeof(xd_bind_port), "%s", name);
}

/* The [vif] bind_port rule for a new vif. */
static void
bind_default(uint16_t port)
{
	int nic, ret;

	if (xd_bind_port[0] == '\0')
		return;
	nic = xd_port_find(xd_bind_port);
	ret = nic < 0 || xd_ports[nic].kind != XD_PORT_NIC ? -ENODEV :
	      xd_bind_any(port, (uint16_t)nic);
	if (ret < 0)
		XD_LOG(NOTICE, "%s: not bound to %s: %s", xd_ports[port].name,
		       xd_bind_port, ret == -ENOSPC ? "every Rx queue has "
		       "its vif" : ret == -ENODEV ? "no such port" :
		       strerror(-ret));
}

/* Whether a new vif takes guest GSO frames whole. auto: unless a physical
 * port lacks TSO, since the switch cannot segment TCP/IPv6 for it. */
static bool
vif_lro(void)
{
	uint16_t port;

	if (xd_tso != XD_TSO_AUTO)
		return xd_tso == XD_TSO_YES;
	for (port = 0; port < RTE_MAX_ETHPORTS; port++)
		if (xd_ports[port].kind == XD_PORT_NIC &&
		    !(xd_ports[port].tx_offloads & RTE_ETH_TX_OFFLOAD_TCP_TSO))
			return false;
	return true;
}

/* Whether the port takes TSO frames now: a vif only while its guest has
 * negotiated GSO (the PMD reports TSO then). */
static void
refresh_tso(uint16_t port, struct xd_port *p)
{
	struct rte_eth_dev_info info;
	bool tso = (p->tx_offloads & RTE_ETH_TX_OFFLOAD_TCP_TSO) != 0;

	if (tso && p->kind == XD_PORT_VIF) {
		tso = p->link_up && rte_eth_dev_info_get(port, &info) == 0 &&
		      (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_TCP_TSO);
	}
	__atomic_store_n(&p->tso, tso, __ATOMIC_RELAXED);
}

void
xd_portctl_fini(void)
{
	rte_eth_dev_callback_unregister(RTE_ETH_ALL, RTE_ETH_EVENT_INTR_LSC,
					ethdev_event, NULL);
	rte_eth_dev_callback_unregister(RTE_ETH_ALL, RTE_ETH_EVENT_INTR_RMV,
					ethdev_event, NULL);
	if (xd_event_fd >= 0)
		close(xd_event_fd);
	xd_event_fd = -1;
}

int
xd_portctl_event_fd(void)
{
	return xd_event_fd;
}

/* An Rx queue on socket (-1: any), with mbufs from there. */
static int
rxq_setup(uint16_t port, uint16_t q, uint16_t nb_rxd, int socket)
{
	struct rte_mempool *mp = xd_pool_get(socket);

	if (mp == NULL)
		return -ENOMEM;
	return rte_eth_rx_queue_setup(port, q, nb_rxd, socket < 0 ?
				      (unsigned int)SOCKET_ID_ANY :
				      (unsigned int)socket, NULL, mp);
}

/* Configure queues and start; with_intr asks for Rx queue interrupts. */
static int
port_start(uint16_t port, struct xd_port *p, bool vif, uint16_t nb_rxq,
	   bool with_intr)
{
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	int home[XD_MAX_QUEUES];
	uint16_t nb_rxd = XD_NB_RXD, nb_txd = XD_NB_TXD, q;
	int ret;

	ret = rte_eth_dev_info_get(port, &info);
	if (ret < 0)
		return ret;
	memset(&conf, 0, sizeof(conf));
	p->nb_rxq = RTE_MAX(RTE_MIN(RTE_MIN(nb_rxq, info.max_rx_queues),
				    (uint16_t)XD_MAX_QUEUES), (uint16_t)1);
	/* A Tx queue per worker; at least as many as Rx queues, as some
	 * PMDs (net_tap) want queue pairs. */
	p->nb_txq = RTE_MAX(RTE_MIN(RTE_MIN(RTE_MAX((uint16_t)xd_nb_workers,
						    p->nb_rxq),
					    info.max_tx_queues),
				    (uint16_t)XD_MAX_QUEUES), (uint16_t)1);
	p->txq_shared = p->nb_txq < xd_nb_workers;
	p->tx_offloads = info.tx_offload_capa & XD_TX_OFFLOADS;
	/* DPDK 22.11's net_tap refuses (tx error) every TSO frame whose MSS
	 * plus all headers exceeds the MTU, i.e. full-sized segments: seen on
	 * real Xen as guest TCP through a tap collapsing to ~1 Mbit/s. Treat
	 * it as a port without TSO, so frames are cut before it. */
	if (strcmp(info.driver_name, "net_tap") == 0)
		p->tx_offloads &= ~RTE_ETH_TX_OFFLOAD_TCP_TSO;
	conf.txmode.offloads = p->tx_offloads;
	conf.rxmode.offloads = info.rx_offload_capa &
			       (vif ? XD_VIF_RX_OFFLOADS :
				RTE_ETH_RX_OFFLOAD_SCATTER);
	if (p->lro && (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_TCP_LRO)) {
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_TCP_LRO;
		conf.rxmode.max_lro_pkt_size = info.max_lro_pkt_size;
	} else {
		p->lro = false;
	}
	if (!vif && p->nb_rxq > 1) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = info.flow_type_rss_offloads &
						   RTE_ETH_RSS_IP;
	}
	if (info.dev_flags != NULL) {
		conf.intr_conf.lsc = !!(*info.dev_flags & RTE_ETH_DEV_INTR_LSC);
		conf.intr_conf.rmv = !!(*info.dev_flags & RTE_ETH_DEV_INTR_RMV);
	}
	conf.intr_conf.rxq = with_intr;
	ret = rte_eth_dev_configure(port, p->nb_rxq, p->nb_txq, &conf);
	if (ret < 0)
		return ret;
	ret = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nb_rxd, &nb_txd);
	if (ret < 0)
		return ret;
	/* Each queue's mbufs come from where the lcore that will poll it
	 * sits. */
	ret = xd_plan_port_homes(p->socket, p->nb_rxq, home);
	if (ret < 0)
		return ret;
	for (q = 0; q < p->nb_rxq; q++) {
		p->rxq[q].socket = home[q];
		ret = rxq_setup(port, q, nb_rxd, home[q]);
		if (ret < 0)
			return ret;
	}
	for (q = 0; q < p->nb_txq; q++) {
		ret = rte_eth_tx_queue_setup(port, q, nb_txd,
					     p->socket < 0 ? (unsigned int)SOCKET_ID_ANY :
					     (unsigned int)p->socket, NULL);
		if (ret < 0)
			return ret;
	}
	ret = rte_eth_dev_start(port);
	if (ret < 0)
		return ret;
	p->rx_intr = with_intr;
	for (q = 0; q < p->nb_rxq && p->rx_intr; q++)
		p->rx_intr = rte_eth_dev_rx_intr_ctl_q_get_fd(port, q) >= 0;
	return 0;
}

static int
port_setup(uint16_t port, struct xd_port *p, bool vif, uint16_t nb_rxq)
{
	struct rte_eth_link link;
	int ret;

	p->socket = rte_eth_dev_socket_id(port);
	ret = port_start(port, p, vif, nb_rxq, true);
	if (ret < 0) {
		/* Some PMDs take the interrupt request but fail to start
		 * with it: then poll without (bounded sleeps). */
		rte_eth_dev_stop(port);
		ret = port_start(port, p, vif, nb_rxq, false);
	}
	if (ret < 0)
		return ret;
	if (!p->rx_intr)
		XD_LOG(NOTICE, "%s: no Rx interrupts: its lcore sleeps at most "
		       "[poll] sleep_max_ms at a time", p->name);
	if (!vif) {
		ret = rte_eth_promiscuous_enable(port);
		if (ret < 0 && ret != -ENOTSUP)
			XD_LOG(WARNING, "%s: cannot enable promiscuous mode: "
			       "%s", p->name, strerror(-ret));
	}
	if (rte_eth_link_get_nowait(port, &link) == 0)
		p->link_up = link.link_status == RTE_ETH_LINK_UP;
	refresh_tso(port, p);
	return 0;
}

static void
tx_counters(uint16_t port, uint64_t *pkts, uint64_t *drops)
{
	unsigned int i;

	*pkts = 0;
	*drops = 0;
	for (i = 0; i < xd_nb_workers; i++) {
		*pkts += __atomic_load_n(&xd_workers[i]->st.tx_pkts[port],
					 __ATOMIC_RELAXED);
		*drops += __atomic_load_n(&xd_workers[i]->st.tx_drop[port],
					  __ATOMIC_RELAXED);
	}
}

void
xd_port_tx_counters(uint16_t port, uint64_t *pkts, uint64_t *drops)
{
	tx_counters(port, pkts, drops);
	*pkts -= xd_ports[port].tx_base;
	*drops -= xd_ports[port].tx_drop_base;
}

/* Into the switch: counters baselined, active bit, lcore plan. */
static int
activate(uint16_t port)
{
	struct xd_port *p = &xd_ports[port];
	int ret;

	tx_counters(port, &p->tx_base, &p->tx_drop_base);
	p->attached_at = rte_get_tsc_cycles();
	__atomic_fetch_or(&xd_active_ports, 1ull << port, __ATOMIC_RELEASE);
	ret = xd_plan_add_port(port);
	if (ret < 0)
		XD_LOG(ERR, "%s: cannot plan its queues: %s", p->name,
		       strerror(-ret));
	return ret;
}

static void
remove_device(uint16_t port)
{
	struct rte_eth_dev_info info;
	int ret;

	if (rte_eth_dev_info_get(port, &info) < 0 || info.device == NULL) {
		rte_eth_dev_close(port);
		return;
	}
	ret = rte_dev_remove(info.device);
	if (ret < 0) {
		XD_LOG(ERR, "port %u: cannot remove device: %s", port,
		       strerror(-ret));
		rte_eth_dev_close(port);
	}
}

int
xd_vif_attach(const struct xd_vif_params *vp)
{
	char name[RTE_DEV_NAME_MAX_LEN], devargs[RTE_DEV_NAME_MAX_LEN + 320];
	struct xd_fdb_key key;
	struct xd_port *p;
	uint16_t port;
	int ret;

	snprintf(name, sizeof(name), "net_xen%u_%u", vp->domid, vp->devid);
	/* revive=0: the daemon owns re-attach (a removed device loses its
	 * port, a new device gets a new one); a port following the device
	 * too would race the daemon for it. */
	ret = snprintf(devargs, sizeof(devargs),
		       "%s,domid=%u,devid=%u,queues=%u,revive=0,hv=%s%s%s",
		       name, vp->domid, vp->devid, vp->queues, vp->hv,
		       vp->sim_dir != NULL ? ",simdir=" : "",
		       vp->sim_dir != NULL ? vp->sim_dir : "");
	if (ret < 0 || ret >= (int)sizeof(devargs))
		return -ENAMETOOLONG;
	ret = rte_dev_probe(devargs);
	if (ret < 0)
		return ret;
	ret = rte_eth_dev_get_port_by_name(name, &port);
	if (ret < 0 || port >= RTE_MAX_ETHPORTS) {
		XD_LOG(ERR, "%s: probed but no ethdev port", name);
		return -ENODEV;
	}
	p = &xd_ports[port];
	memset(p, 0, sizeof(*p));
	p->kind = XD_PORT_VIF;
	snprintf(p->name, sizeof(p->name), "vif%u.%u", vp->domid, vp->devid);
	p->domid = vp->domid;
	p->devid = vp->devid;
	p->vlan = vp->vlan;
	p->trusted = vp->trusted;
	p->rate = vp->rate;
	p->max_queues = vp->queues;
	p->lro = vif_lro();
	p->has_mac = rte_pmd_xen_get_guest_mac(port, &p->mac) == 0;
	if (!p->has_mac && !p->trusted)
		XD_LOG(WARNING, "%s: no valid \"mac\" from the toolstack: "
		       "every frame of this guest will be dropped as spoofed",
		       p->name);
	ret = port_setup(port, p, true, vp->queues);
	if (ret < 0) {
		XD_LOG(ERR, "%s: cannot start port %u: %s", p->name, port,
		       strerror(-ret));
		goto remove;
	}
	if (p->has_mac) {
		xd_fdb_key_set(&key, &p->mac, p->vlan);
		ret = xd_fdb_add_static(xd_fdb, &key, port);
		if (ret < 0)
			XD_LOG(WARNING, "%s: guest MAC already belongs to "
			       "another vif: not entered in the MAC table",
			       p->name);
	}
	ret = activate(port);
	if (ret < 0) {
		xd_port_detach(port);
		return ret;
	}
	XD_LOG(INFO, "%s: port %u, %u queue(s), vlan %u, guest GSO %s",
	       p->name, port, p->nb_rxq, p->vlan,
	       p->lro ? "whole (LRO)" : "segmented by the PMD");
	bind_default(port);
	return port;

remove:
	rte_eth_dev_stop(port);
	remove_device(port);
	p->kind = XD_PORT_NONE;
	return ret;
}

int
xd_nic_attach(const struct xd_nic_conf *nic)
{
	char name[RTE_DEV_NAME_MAX_LEN];
	struct xd_port *p;
	uint16_t port;
	size_t n;
	int ret;

	/* The ethdev name is the device part of the devargs. */
	n = strcspn(nic->devargs, ",");
	if (n == 0 || n >= sizeof(name))
		return -EINVAL;
	memcpy(name, nic->devargs, n);
	name[n] = '\0';
	if (rte_eth_dev_get_port_by_name(name, &port) != 0) {
		ret = rte_dev_probe(nic->devargs);
		if (ret < 0) {
			XD_LOG(ERR, "[port %s]: cannot probe '%s': %s",
			       nic->name, nic->devargs, strerror(-ret));
			return ret;
		}
		ret = rte_eth_dev_get_port_by_name(name, &port);
		if (ret < 0) {
			XD_LOG(ERR, "[port %s]: '%s' gave no ethdev port named "
			       "%s", nic->name, nic->devargs, name);
			return -ENODEV;
		}
	}
	if (port >= RTE_MAX_ETHPORTS || xd_ports[port].kind != XD_PORT_NONE)
		return -EBUSY;
	p = &xd_ports[port];
	memset(p, 0, sizeof(*p));
	p->kind = XD_PORT_NIC;
	snprintf(p->name, sizeof(p->name), "%s", nic->name);
	p->trusted = true;
	ret = port_setup(port, p, false, nic->queues);
	if (ret < 0) {
		XD_LOG(ERR, "[port %s]: cannot start port %u: %s", nic->name,
		       port, strerror(-ret));
		rte_eth_dev_stop(port);
		remove_device(port);
		p->kind = XD_PORT_NONE;
		return ret;
	}
	ret = activate(port);
	if (ret < 0) {
		xd_port_detach(port);
		return ret;
	}
	XD_LOG(INFO, "%s: port %u (%s), %u Rx queue(s), link %s", p->name,
	       port, name, p->nb_rxq, p->link_up ? "up" : "down");
	return port;
}

int
xd_port_detach(uint16_t port)
{
	struct xd_port *p;
	int ret;

	if (port >= RTE_MAX_ETHPORTS || xd_ports[port].kind == XD_PORT_NONE)
		return -ENOENT;
	p = &xd_ports[port];
	/* Its rte_flow rules go while the port still runs. */
	xd_unbind_port(port);
	__atomic_fetch_and(&xd_active_ports, ~(1ull << port),
			   __ATOMIC_RELEASE);
	/* After this no lcore polls the port or sends to it. */
	ret = xd_plan_remove_port(port);
	if (ret < 0)
		return ret;
	if (xd_fdb_purge_port(xd_fdb, port) > 0 && xd_workers_sync() == 0)
		xd_fdb_reclaim(xd_fdb);
	ret = rte_eth_dev_stop(port);
	if (ret < 0)
		XD_LOG(WARNING, "%s: stop: %s", p->name, strerror(-ret));
	remove_device(port);
	XD_LOG(INFO, "%s: port %u removed", p->name, port);
	p->kind = XD_PORT_NONE;
	__atomic_store_n(&p->events, 0, __ATOMIC_RELAXED);
	return 0;
}

int
xd_port_find_vif(uint16_t domid, uint32_t devid)
{
	uint16_t port, d;
	uint32_t v;

	RTE_ETH_FOREACH_DEV(port) {
		if (rte_pmd_xen_get_vif(port, &d, &v) == 0 && d == domid &&
		    v == devid)
			return port;
	}
	return -ENOENT;
}

int
xd_port_find(const char *name)
{
	uint64_t v;
	uint16_t port;

	if (xd_parse_u64(name, 0, RTE_MAX_ETHPORTS - 1, &v) == 0)
		return xd_ports[v].kind != XD_PORT_NONE ? (int)v : -ENOENT;
	for (port = 0; port < RTE_MAX_ETHPORTS; port++)
		if (xd_ports[port].kind != XD_PORT_NONE &&
		    strcmp(xd_ports[port].name, name) == 0)
			return port;
	return -ENOENT;
}

void
xd_portctl_events(void (*removed)(uint16_t port, void *arg), void *arg)
{
	struct rte_eth_link link;
	uint64_t cnt;
	uint32_t ev;
	uint16_t port;
	bool up;

	if (read(xd_event_fd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
		XD_LOG_RL(ERR, "reading ethdev event fd: %s", strerror(errno));
	for (port = 0; port < RTE_MAX_ETHPORTS; port++) {
		struct xd_port *p = &xd_ports[port];

		ev = __atomic_exchange_n(&p->events, 0, __ATOMIC_ACQ_REL);
		if (ev == 0 || p->kind == XD_PORT_NONE)
			continue;
		if ((ev & XD_PORT_EV_LSC) &&
		    rte_eth_link_get_nowait(port, &link) == 0) {
			up = link.link_status == RTE_ETH_LINK_UP;
			if (up != p->link_up)
				XD_LOG(INFO, "%s: link %s", p->name,
				       up ? "up" : "down");
			__atomic_store_n(&p->link_up, up, __ATOMIC_RELAXED);
			refresh_tso(port, p);
		}
		if (ev & XD_PORT_EV_RMV)
			removed(port, arg);
	}
}

void
xd_portctl_age(uint32_t aging_s)
{
	uint64_t max_age = (uint64_t)aging_s * rte_get_tsc_hz();

	if (xd_fdb_age(xd_fdb, rte_get_tsc_cycles(), max_age) > 0 &&
	    xd_workers_sync() == 0)
		xd_fdb_reclaim(xd_fdb);
}

unsigned int
xd_portctl_flush_fdb(void)
{
	unsigned int n = xd_fdb_flush(xd_fdb, false);

	if (n > 0 && xd_workers_sync() == 0)
		xd_fdb_reclaim(xd_fdb);
	return n;
}
