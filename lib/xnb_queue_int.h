/* SPDX-License-Identifier: BSD-3-Clause */
/* Library-internal side of a queue: what xnb_vif does with it. */
#ifndef XNB_QUEUE_INT_H
#define XNB_QUEUE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "xnb_hv.h"
#include "xnb_queue.h"

struct xnb_mcast;

struct xnb_queue_conf {
	struct xnb_hv *hv;
	uint16_t qid;
	uint32_t backlog;
	struct xnb_mcast *mcast;
	void (*fatal)(void *arg, uint16_t qid);
	void *fatal_arg;
};

/* A queue with its own event-channel handle, closed gate. NULL + errno. */
struct xnb_queue *xnb_queue_create(const struct xnb_queue_conf *conf);
void xnb_queue_destroy(struct xnb_queue *q);

/* Bind the guest's ports (tx == rx for a single channel). Returns 0 or
 * -errno (nothing stays bound). */
int xnb_queue_bind(struct xnb_queue *q, xnb_domid_t domid,
		   xnb_evtchn_port_t remote_tx, xnb_evtchn_port_t remote_rx);
void xnb_queue_unbind(struct xnb_queue *q);
/* Local ports, for attaching the rings. */
xnb_evtchn_port_t xnb_queue_port(const struct xnb_queue *q, enum xnb_dir d);
struct xnb_hv_evtchn *xnb_queue_evtchn(struct xnb_queue *q);

/* Let the datapath in. */
void xnb_queue_open(struct xnb_queue *q);
/* Keep the datapath out and wait until both directions have left. */
void xnb_queue_close(struct xnb_queue *q);

#endif /* XNB_QUEUE_INT_H */
