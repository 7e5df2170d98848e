/* SPDX-License-Identifier: BSD-3-Clause */
/* Spreading Rx queues over the worker lcores and publishing the result. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "xd_log.h"
#include "xd_plan.h"
#include "xd_worker.h"

static struct xd_plan_q plan_q[XD_PLAN_MAX_QUEUES];
static unsigned int plan_nq;

static int
least_loaded(const unsigned int *load, const int *wsock, unsigned int nw,
	     int socket)
{
	int best = -1, best_local = -1;
	unsigned int i;

	for (i = 0; i < nw; i++) {
		if (best < 0 || load[i] < load[best])
			best = (int)i;
		if (socket >= 0 && wsock[i] == socket &&
		    (best_local < 0 || load[i] < load[best_local]))
			best_local = (int)i;
	}
	return best_local >= 0 ? best_local : best;
}

unsigned int
xd_plan_assign(struct xd_plan_q *q, unsigned int nq, const int *wsock,
	       unsigned int nw)
{
	unsigned int load[RTE_MAX_LCORE] = { 0 };
	unsigned int i, moved = 0, hi, lo, w;
	int pick;

	if (nw == 0)
		return 0;
	for (i = 0; i < nq; i++)
		if (q[i].worker >= 0 && (unsigned int)q[i].worker < nw)
			load[q[i].worker]++;
		else
			q[i].worker = -1;
	for (i = 0; i < nq; i++) {
		if (q[i].worker >= 0)
			continue;
		q[i].worker = least_loaded(load, wsock, nw, q[i].socket);
		load[q[i].worker]++;
	}
	/* Even out: move one queue from the busiest to the idlest worker
	 * until they differ by at most one. */
	for (;;) {
		hi = lo = 0;
		for (w = 1; w < nw; w++) {
			if (load[w] > load[hi])
				hi = w;
			if (load[w] < load[lo])
				lo = w;
		}
		if (load[hi] <= load[lo] + 1)
			break;
		pick = -1;
		for (i = 0; i < nq; i++) {
			if (q[i].worker != (int)hi)
				continue;
			pick = (int)i;
			/* Prefer a queue at home on the target's socket. */
			if (q[i].socket < 0 || q[i].socket == wsock[lo])
				break;
		}
		q[pick].worker = (int)lo;
		load[hi]--;
		load[lo]++;
		if (q[pick].prev >= 0 && q[pick].prev != (int)lo)
			moved++;
	}
	return moved;
}

int
xd_plan_homes(const struct xd_plan_q *q, unsigned int nq, const int *wsock,
	      unsigned int nw, int socket, uint16_t n, int *home)
{
	struct xd_plan_q *t;
	uint16_t i;

	if (nw == 0) {
		for (i = 0; i < n; i++)
			home[i] = socket;
		return 0;
	}
	t = malloc((nq + n) * sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	memcpy(t, q, nq * sizeof(*t));
	for (i = 0; i < n; i++)
		t[nq + i] = (struct xd_plan_q){
			.socket = socket, .worker = -1, .prev = -1,
		};
	xd_plan_assign(t, nq + n, wsock, nw);
	for (i = 0; i < n; i++)
		home[i] = wsock[t[nq + i].worker];
	free(t);
	return 0;
}

static unsigned int
worker_sockets(int *wsock)
{
	unsigned int w;

	for (w = 0; w < xd_nb_workers; w++)
		wsock[w] = xd_workers[w]->socket;
	return xd_nb_workers;
}

int
xd_plan_port_homes(int socket, uint16_t n, int *home)
{
	int wsock[RTE_MAX_LCORE];
	unsigned int nw = worker_sockets(wsock);

	return xd_plan_homes(plan_q, plan_nq, wsock, nw, socket, n, home);
}

/* Give every worker its queues; skip_moved leaves out queues whose
 * worker changed since the last publication. */
static int
publish(bool skip_moved)
{
	struct xd_wplan *old[RTE_MAX_LCORE] = { NULL };
	unsigned int w, i, n;
	int ret;

	for (w = 0; w < xd_nb_workers; w++) {
		struct xd_wplan *p;

		for (i = 0, n = 0; i < plan_nq; i++)
			n += plan_q[i].worker == (int)w;
		p = rte_zmalloc("xd_wplan", sizeof(*p) + n * sizeof(p->q[0]),
				0);
		if (p == NULL) {
			ret = -ENOMEM;
			goto fail;
		}
		for (i = 0; i < plan_nq; i++) {
			if (plan_q[i].worker != (int)w)
				continue;
			if (skip_moved && plan_q[i].prev >= 0 &&
			    plan_q[i].prev != (int)w)
				continue;
			p->q[p->n].port = plan_q[i].port;
			p->q[p->n].qid = plan_q[i].qid;
			p->n++;
		}
		old[w] = xd_worker_set_plan(xd_workers[w], p);
	}
	ret = xd_workers_sync();
	for (w = 0; w < xd_nb_workers; w++)
		xd_wplan_free(old[w]);
	return ret;

fail:
	/* Workers already switched keep their new plan: it is consistent
	 * (queues only dropped or added, never doubled). */
	xd_workers_sync();
	for (i = 0; i < w; i++)
		xd_wplan_free(old[i]);
	return ret;
}

static int
replan(void)
{
	int wsock[RTE_MAX_LCORE];
	unsigned int nw = worker_sockets(wsock), i, moved;
	int ret;

	moved = xd_plan_assign(plan_q, plan_nq, wsock, nw);
	if (moved > 0) {
		ret = publish(true);
		if (ret < 0)
			return ret;
	}
	ret = publish(false);
	if (ret < 0)
		return ret;
	for (i = 0; i < plan_nq; i++)
		plan_q[i].prev = plan_q[i].worker;
	return 0;
}

int
xd_plan_add_port(uint16_t port)
{
	const struct xd_port *p = &xd_ports[port];
	uint16_t q;

	if (plan_nq + p->nb_rxq > XD_PLAN_MAX_QUEUES)
		return -ENOSPC;
	for (q = 0; q < p->nb_rxq; q++)
		plan_q[plan_nq++] = (struct xd_plan_q){
			.port = port, .qid = q, .socket = p->rxq[q].socket,
			.worker = -1, .prev = -1,
		};
	return replan();
}

int
xd_plan_remove_port(uint16_t port)
{
	unsigned int i, n = 0;

	for (i = 0; i < plan_nq; i++)
		if (plan_q[i].port != port)
			plan_q[n++] = plan_q[i];
	plan_nq = n;
	return replan();
}

unsigned int
xd_plan_get(struct xd_plan_q *out, unsigned int max)
{
	memcpy(out, plan_q, RTE_MIN(max, plan_nq) * sizeof(*out));
	return plan_nq;
}

void
xd_plan_reset(void)
{
	plan_nq = 0;
}
