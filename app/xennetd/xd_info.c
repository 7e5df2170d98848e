/* SPDX-License-Identifier: BSD-3-Clause */
/* Gathering counters of ports and worker lcores. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xd_info.h"
#include "xd_plan.h"
#include "xd_portctl.h"
#include "xd_worker.h"

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

int
xd_info_port(uint16_t port, struct xd_port_counters *c)
{
	const struct xd_port *p;
	uint16_t q;

	if (port >= RTE_MAX_ETHPORTS || xd_ports[port].kind == XD_PORT_NONE)
		return -ENOENT;
	p = &xd_ports[port];
	memset(c, 0, sizeof(*c));
	for (q = 0; q < p->nb_rxq; q++) {
		const struct xd_rxq_stats *s = &p->rxq[q].st;

		c->in.pkts += LOAD(s->pkts);
		c->in.bytes += LOAD(s->bytes);
		c->in.spoofed += LOAD(s->spoofed);
		c->in.vlan += LOAD(s->vlan);
		c->in.runt += LOAD(s->runt);
		c->in.throttled += LOAD(s->throttled);
	}
	xd_port_tx_counters(port, &c->out, &c->out_drop);
	return rte_eth_stats_get(port, &c->eth);
}

void
xd_info_lcore(unsigned int idx, struct xd_lcore_info *li)
{
	const struct xd_worker *w = xd_workers[idx];
	const struct xd_worker_stats *s = &w->st;
	struct xd_plan_q q[XD_PLAN_MAX_QUEUES];
	unsigned int n, i;

	memset(li, 0, sizeof(*li));
	li->lcore = w->lcore_id;
	li->socket = w->socket;
	li->busy = LOAD(s->busy_cycles);
	li->idle = LOAD(s->idle_cycles);
	li->sleep = LOAD(s->sleep_cycles);
	li->rounds = LOAD(s->rounds);
	li->sleeps = LOAD(s->sleeps);
	li->wakeups = LOAD(s->wakeups_event);
	li->flood = LOAD(s->flood);
	li->copy_fail = LOAD(s->copy_fail);
	li->offload_drop = LOAD(s->offload_drop);
	li->no_dest = LOAD(s->no_dest);
	li->gso = LOAD(s->gso);
	li->gso_segs = LOAD(s->gso_segs);
	n = RTE_MIN(xd_plan_get(q, RTE_DIM(q)), (unsigned int)RTE_DIM(q));
	for (i = 0; i < n; i++)
		li->nb_queues += q[i].worker == (int)idx;
}

double
xd_info_pct(uint64_t part, uint64_t total)
{
	if (total == 0)
		return 0.0;
	return (double)(uint64_t)((double)part * 1000.0 / (double)total +
				  0.5) / 10.0;
}

void
xd_info_mac(const struct rte_ether_addr *mac, char *buf, unsigned int len)
{
	const uint8_t *b = mac->addr_bytes;

	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2],
		 b[3], b[4], b[5]);
}
