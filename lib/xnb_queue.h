/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One netif queue of a vif: its guest Tx ring, guest Rx ring, event
 * channel handle and the gate that makes teardown safe while lcores poll.
 *
 * A queue object lives as long as its vif (across guest reconnects), so a
 * PMD keeps the pointer; the rings behind it come and go. ethdev queue i
 * is netif queue i.
 *
 * Gate protocol (as the vhost PMD's allow_queuing/while_queuing): the
 * datapath brackets every use of the txq (rxq) with xnb_queue_enter() /
 * xnb_queue_leave() for XNB_DIR_TX (XNB_DIR_RX). enter() returns false when
 * the queue is not connected; the caller must then not touch the txq/rxq.
 * The control thread closes the gate and waits until both directions have
 * left before it unmaps anything.
 */
#ifndef XNB_QUEUE_H
#define XNB_QUEUE_H

#include <stdbool.h>
#include <stdint.h>

#include "xnb_rx.h"
#include "xnb_stats.h"
#include "xnb_tx.h"

struct xnb_queue;

enum xnb_dir {
	XNB_DIR_TX = 0, /* guest transmit: ethdev Rx burst */
	XNB_DIR_RX = 1, /* guest receive: ethdev Tx burst */
};

/* Enter the queue for direction dir; false: not connected, stay out. */
bool xnb_queue_enter(struct xnb_queue *q, enum xnb_dir dir);
/* Leave after a successful xnb_queue_enter(). */
void xnb_queue_leave(struct xnb_queue *q, enum xnb_dir dir);

/* Valid between enter and leave (and for the queue's whole life as a
 * handle for xnb_rxq_drain() when the PMD releases its queue). */
struct xnb_txq *xnb_queue_txq(struct xnb_queue *q);
struct xnb_rxq *xnb_queue_rxq(struct xnb_queue *q);

uint16_t xnb_queue_id(const struct xnb_queue *q);

/*
 * The queue's event-channel fd: readable when the guest notified. Stable
 * for the vif's life (the channels are re-bound on reconnect). Poll it
 * with epoll to sleep instead of spinning.
 */
int xnb_queue_event_fd(const struct xnb_queue *q);
/*
 * Consume pending notifications and unmask the ports. Returns a bit mask
 * of (1 << XNB_DIR_TX) and (1 << XNB_DIR_RX) for the directions kicked
 * (both when the guest uses one channel). Call between enter and leave of
 * either direction, from the one thread that waits on the fd.
 */
unsigned int xnb_queue_ack_events(struct xnb_queue *q);

/* Counters since the last reset. */
void xnb_queue_stats_get(const struct xnb_queue *q,
			 struct xnb_queue_stats *out);
/* Reset without racing the lcores: later reads subtract a snapshot. */
void xnb_queue_stats_reset(struct xnb_queue *q);

#endif /* XNB_QUEUE_H */
