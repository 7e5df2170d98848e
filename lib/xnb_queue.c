/* SPDX-License-Identifier: BSD-3-Clause */
/* A vif queue: rings, event channels, and the datapath gate. */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>

#include "xnb_queue_int.h"

struct xnb_queue {
	/* Gate: allow is cleared by the control thread; busy[d] is set by
	 * the lcore serving direction d while inside (Dekker-style, seq_cst). */
	uint32_t allow;
	uint32_t busy[2];
	uint16_t qid;
	struct xnb_txq *txq;
	struct xnb_rxq *rxq;
	struct xnb_hv *hv;
	struct xnb_hv_evtchn *ec;
	int nr_ports;              /* 0, 1 (shared) or 2 (split) */
	xnb_evtchn_port_t port[2]; /* local ports by direction */
	struct xnb_queue_stats base; /* snapshot of the last reset */
};

struct xnb_queue *
xnb_queue_create(const struct xnb_queue_conf *conf)
{
	struct xnb_txq_conf tc = {
		.hv = conf->hv, .qid = conf->qid, .mcast = conf->mcast,
		.fatal = conf->fatal, .fatal_arg = conf->fatal_arg,
	};
	struct xnb_rxq_conf rc = {
		.hv = conf->hv, .qid = conf->qid, .backlog = conf->backlog,
		.mcast = conf->mcast, .fatal = conf->fatal,
		.fatal_arg = conf->fatal_arg,
	};
	struct xnb_queue *q;

	q = calloc(1, sizeof(*q));
	if (q == NULL)
		return NULL;
	q->qid = conf->qid;
	q->hv = conf->hv;
	q->txq = xnb_txq_create(&tc);
	if (q->txq == NULL)
		goto free_queue;
	q->rxq = xnb_rxq_create(&rc);
	if (q->rxq == NULL)
		goto free_txq;
	q->ec = conf->hv->ops->evtchn_open(conf->hv);
	if (q->ec == NULL)
		goto free_rxq;
	return q;

free_rxq: /* free() keeps errno (glibc >= 2.33, POSIX 2024) */
	xnb_rxq_destroy(q->rxq);
free_txq:
	xnb_txq_destroy(q->txq);
free_queue:
	free(q);
	return NULL;
}

void
xnb_queue_destroy(struct xnb_queue *q)
{
	if (q == NULL)
		return;
	xnb_queue_unbind(q);
	q->hv->ops->evtchn_close(q->ec);
	xnb_rxq_destroy(q->rxq);
	xnb_txq_destroy(q->txq);
	free(q);
}

int
xnb_queue_bind(struct xnb_queue *q, xnb_domid_t domid,
	       xnb_evtchn_port_t remote_tx, xnb_evtchn_port_t remote_rx)
{
	const struct xnb_hv_ops *ops = q->hv->ops;
	int tx, rx;

	tx = ops->evtchn_bind(q->ec, domid, remote_tx);
	if (tx < 0)
		return tx;
	q->port[XNB_DIR_TX] = tx;
	q->port[XNB_DIR_RX] = tx;
	q->nr_ports = 1;
	if (remote_rx != remote_tx) {
		rx = ops->evtchn_bind(q->ec, domid, remote_rx);
		if (rx < 0) {
			xnb_queue_unbind(q);
			return rx;
		}
		q->port[XNB_DIR_RX] = rx;
		q->nr_ports = 2;
	}
	return 0;
}

void
xnb_queue_unbind(struct xnb_queue *q)
{
	const struct xnb_hv_ops *ops = q->hv->ops;

	if (q->nr_ports == 2)
		ops->evtchn_unbind(q->ec, q->port[XNB_DIR_RX]);
	if (q->nr_ports >= 1)
		ops->evtchn_unbind(q->ec, q->port[XNB_DIR_TX]);
	q->nr_ports = 0;
}

xnb_evtchn_port_t
xnb_queue_port(const struct xnb_queue *q, enum xnb_dir d)
{
	return q->port[d];
}

struct xnb_hv_evtchn *
xnb_queue_evtchn(struct xnb_queue *q)
{
	return q->ec;
}

void
xnb_queue_open(struct xnb_queue *q)
{
	__atomic_store_n(&q->allow, 1, __ATOMIC_SEQ_CST);
}

void
xnb_queue_close(struct xnb_queue *q)
{
	__atomic_store_n(&q->allow, 0, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&q->busy[XNB_DIR_TX], __ATOMIC_SEQ_CST) ||
	       __atomic_load_n(&q->busy[XNB_DIR_RX], __ATOMIC_SEQ_CST))
		sched_yield();
}

bool
xnb_queue_enter(struct xnb_queue *q, enum xnb_dir dir)
{
	if (!__atomic_load_n(&q->allow, __ATOMIC_ACQUIRE))
		return false;
	__atomic_store_n(&q->busy[dir], 1, __ATOMIC_SEQ_CST);
	if (likely(__atomic_load_n(&q->allow, __ATOMIC_SEQ_CST)))
		return true;
	__atomic_store_n(&q->busy[dir], 0, __ATOMIC_RELEASE);
	return false;
}

void
xnb_queue_leave(struct xnb_queue *q, enum xnb_dir dir)
{
	__atomic_store_n(&q->busy[dir], 0, __ATOMIC_RELEASE);
}

struct xnb_txq *
xnb_queue_txq(struct xnb_queue *q)
{
	return q->txq;
}

struct xnb_rxq *
xnb_queue_rxq(struct xnb_queue *q)
{
	return q->rxq;
}

uint16_t
xnb_queue_id(const struct xnb_queue *q)
{
	return q->qid;
}

int
xnb_queue_event_fd(const struct xnb_queue *q)
{
	return q->hv->ops->evtchn_fd(q->ec);
}

unsigned int
xnb_queue_ack_events(struct xnb_queue *q)
{
	const struct xnb_hv_ops *ops = q->hv->ops;
	unsigned int dirs = 0;
	int port;

	while ((port = ops->evtchn_pending(q->ec)) >= 0) {
		if (q->nr_ports > 0 && (xnb_evtchn_port_t)port ==
		    q->port[XNB_DIR_TX])
			dirs |= 1u << XNB_DIR_TX;
		if (q->nr_ports > 0 && (xnb_evtchn_port_t)port ==
		    q->port[XNB_DIR_RX])
			dirs |= 1u << XNB_DIR_RX;
		ops->evtchn_unmask(q->ec, port);
	}
	return dirs;
}

void
xnb_queue_stats_get(const struct xnb_queue *q, struct xnb_queue_stats *out)
{
	const uint64_t *base = (const uint64_t *)&q->base;
	uint64_t *o = (uint64_t *)out;
	unsigned int i;

	out->tx = *xnb_txq_stats(q->txq);
	out->rx = *xnb_rxq_stats(q->rxq);
	for (i = 0; i < sizeof(*out) / sizeof(uint64_t); i++)
		o[i] -= base[i];
}

void
xnb_queue_stats_reset(struct xnb_queue *q)
{
	q->base.tx = *xnb_txq_stats(q->txq);
	q->base.rx = *xnb_rxq_stats(q->rxq);
}
