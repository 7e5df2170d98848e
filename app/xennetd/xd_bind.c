/* SPDX-License-Identifier: BSD-3-Clause */
/* Binding vifs to physical port queues: rte_flow steering or switch demux. */
#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_flow.h>

#include "xd_bind.h"
#include "xd_log.h"
#include "xd_port.h"
#include "xd_worker.h"

/* The rule for the guest's frames on nic: Ethernet destination (and the
 * vif's VLAN, tagged on the wire) to queue. Validated first; NULL when the
 * PMD refuses, with the reason in err. */
static struct rte_flow *
flow_create(uint16_t nic, const struct xd_port *v, uint16_t queue,
	    struct rte_flow_error *err)
{
	struct rte_flow_attr attr = { .ingress = 1 };
	struct rte_flow_item_eth eth = { .hdr.dst_addr = v->mac };
	struct rte_flow_item_eth eth_mask = {
		.hdr.dst_addr.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff,
					     0xff },
	};
	struct rte_flow_item_vlan vlan = {
		.hdr.vlan_tci = rte_cpu_to_be_16(v->vlan),
	};
	struct rte_flow_item_vlan vlan_mask = {
		.hdr.vlan_tci = RTE_BE16(RTE_VLAN_ID_MASK),
	};
	struct rte_flow_item pattern[] = {
		{ .type = RTE_FLOW_ITEM_TYPE_ETH, .spec = &eth,
		  .mask = &eth_mask },
		{ .type = v->vlan != 0 ? RTE_FLOW_ITEM_TYPE_VLAN :
			  RTE_FLOW_ITEM_TYPE_END,
		  .spec = &vlan, .mask = &vlan_mask },
		{ .type = RTE_FLOW_ITEM_TYPE_END },
	};
	struct rte_flow_action_queue q = { .index = queue };
	struct rte_flow_action actions[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &q },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};

	if (v->vlan == 0) {
		pattern[1].spec = NULL;
		pattern[1].mask = NULL;
	}
	memset(err, 0, sizeof(*err));
	if (rte_flow_validate(nic, &attr, pattern, actions, err) != 0)
		return NULL;
	return rte_flow_create(nic, &attr, pattern, actions, err);
}

int
xd_bind(uint16_t vif, uint16_t nic, uint16_t queue)
{
	struct rte_flow_error err;
	struct xd_port *v, *n;

	if (vif >= RTE_MAX_ETHPORTS || nic >= RTE_MAX_ETHPORTS)
		return -EINVAL;
	v = &xd_ports[vif];
	n = &xd_ports[nic];
	if (v->kind != XD_PORT_VIF || n->kind != XD_PORT_NIC ||
	    queue >= n->nb_rxq || !v->has_mac)
		return -EINVAL;
	if (v->bind_ref != 0)
		return -EALREADY;
	if (n->rxq[queue].owner != 0)
		return -EBUSY;
	v->flow = flow_create(nic, v, queue, &err);
	v->bind_flow = v->flow != NULL;
	if (!v->bind_flow && !n->flow_refused) {
		XD_LOG(NOTICE, "%s: no rte_flow steering by MAC (%s): the "
		       "switch demuxes the frames of vifs bound to its queues",
		       n->name, err.message != NULL ? err.message :
		       strerror(rte_errno));
		n->flow_refused = true;
	}
	v->bind_queue = queue;
	n->rxq[queue].owner = (uint16_t)(vif + 1);
	if (v->bind_flow)
		__atomic_store_n(&n->rxq[queue].direct, (uint16_t)(vif + 1),
				 __ATOMIC_RELEASE);
	__atomic_store_n(&v->bind_ref, (uint16_t)(nic + 1), __ATOMIC_RELEASE);
	XD_LOG(INFO, "%s: bound to %s queue %u (%s)", v->name, n->name, queue,
	       v->bind_flow ? "flow" : "sw");
	return 0;
}

int
xd_bind_any(uint16_t vif, uint16_t nic)
{
	const struct xd_port *n = &xd_ports[nic];
	uint16_t q;

	if (nic >= RTE_MAX_ETHPORTS || n->kind != XD_PORT_NIC)
		return -EINVAL;
	for (q = 0; q < n->nb_rxq; q++)
		if (n->rxq[q].owner == 0)
			return xd_bind(vif, nic, q);
	return -ENOSPC;
}

int
xd_unbind(uint16_t vif)
{
	struct rte_flow_error err;
	struct xd_port *v, *n;
	uint16_t nic;

	if (vif >= RTE_MAX_ETHPORTS || xd_ports[vif].kind != XD_PORT_VIF ||
	    xd_ports[vif].bind_ref == 0)
		return -ENOENT;
	v = &xd_ports[vif];
	nic = (uint16_t)(v->bind_ref - 1);
	n = &xd_ports[nic];
	__atomic_store_n(&v->bind_ref, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&n->rxq[v->bind_queue].direct, 0, __ATOMIC_RELEASE);
	n->rxq[v->bind_queue].owner = 0;
	/* No lcore hands frames over by the old binding any more. */
	xd_workers_sync();
	if (v->flow != NULL && rte_flow_destroy(nic, v->flow, &err) != 0)
		XD_LOG(WARNING, "%s: removing its rte_flow rule on %s: %s",
		       v->name, n->name, err.message != NULL ? err.message :
		       "failed");
	v->flow = NULL;
	v->bind_flow = false;
	XD_LOG(INFO, "%s: unbound from %s queue %u", v->name, n->name,
	       v->bind_queue);
	return 0;
}

void
xd_unbind_port(uint16_t port)
{
	const struct xd_port *p = &xd_ports[port];
	uint16_t q;

	if (p->kind == XD_PORT_VIF) {
		xd_unbind(port);
		return;
	}
	for (q = 0; q < p->nb_rxq && q < XD_MAX_QUEUES; q++)
		if (p->rxq[q].owner != 0)
			xd_unbind((uint16_t)(p->rxq[q].owner - 1));
}

const char *
xd_bind_mode(uint16_t vif)
{
	const struct xd_port *v = &xd_ports[vif];

	if (v->kind != XD_PORT_VIF || v->bind_ref == 0)
		return NULL;
	return v->bind_flow ? "flow" : "sw";
}
