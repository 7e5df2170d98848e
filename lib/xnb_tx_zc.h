/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Zero-copy state of one guest Tx connection (library-internal, used by
 * xnb_tx.c): the frames whose pages are mapped, the ring of frames the
 * caller released, and the bound on ring slots they hold.
 *
 * Lifetime: refcounted by the queue (one reference while attached) and by
 * each frame in flight, so it outlives a detach while the application
 * still holds frames. Threads: map/hold/drain run on the queue's lcore
 * (inside its gate); release on any thread; create/orphan on the control
 * thread with the gate closed.
 */
#ifndef XNB_TX_ZC_H
#define XNB_TX_ZC_H

#include <stdbool.h>
#include <stdint.h>

#include "xnb_ring.h"
#include "xnb_tx.h"

/* Where a frame's data lives in guest memory. */
struct tx_frag {
	xnb_gref_t gref;
	uint16_t offset;
	uint16_t size;
};

struct xnb_txzc;

/* NULL + errno. Calls conf->hold. */
struct xnb_txzc *xnb_txzc_create(struct xnb_hv *hv, xnb_domid_t domid,
				 const struct xnb_txq_zc_conf *conf);

/*
 * Map the fragments of a frame (frags[1..]) longer than copy_max in one
 * call, for a frame that takes nr_slots ring slots. Returns 1 with *out
 * set; 0 when the frame is to be copied (nothing to map, or the in-flight
 * bound is reached: counted); -EIO when the map failed (counted; the
 * caller drops the frame).
 */
int xnb_txzc_map(struct xnb_txzc *zc, const struct tx_frag *frags,
		 uint16_t nr_frags, uint32_t copy_max, uint32_t nr_slots,
		 struct xnb_tx_stats *st, struct xnb_tx_zc_stats *zst,
		 struct xnb_tx_zc_frame **out);
/* Undo xnb_txzc_map() for a frame the caller did not take. */
void xnb_txzc_unmap(struct xnb_txzc *zc, struct xnb_tx_zc_frame *zf,
		    struct xnb_tx_stats *st, struct xnb_tx_zc_stats *zst);
/* The caller took zf: keep its staged responses rsp[0..n) (final
 * statuses) for when it is released. */
void xnb_txzc_hold(struct xnb_tx_zc_frame *zf,
		   const struct netif_tx_response *rsp, uint32_t n);
/*
 * Unmap every released frame (one call each) and append its responses to
 * rsp; returns how many responses were appended (at most
 * XNB_TXZC_MAX_SLOTS).
 */
uint32_t xnb_txzc_drain(struct xnb_txzc *zc, struct netif_tx_response *rsp,
			struct xnb_tx_stats *st, struct xnb_tx_zc_stats *zst);
/* Frames are in flight (queue lcore). */
bool xnb_txzc_busy(const struct xnb_txzc *zc);

/*
 * The queue lets go (detach, destroy): frames released so far are
 * unmapped here (counted in st), the others when released, and none is
 * answered. Drops the queue's reference.
 */
void xnb_txzc_orphan(struct xnb_txzc *zc, struct xnb_tx_stats *st,
		     struct xnb_tx_zc_stats *zst);

#endif /* XNB_TX_ZC_H */
