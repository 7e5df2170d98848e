/* SPDX-License-Identifier: BSD-3-Clause */
/* Names of the per-queue counters, for xstats. */
#include <stddef.h>

#include <rte_common.h>

#include "xnb_stats.h"

#define TX(f) { "tx_" #f, offsetof(struct xnb_queue_stats, tx.f) }
#define RX(f) { "rx_" #f, offsetof(struct xnb_queue_stats, rx.f) }

const struct xnb_stat_name xnb_queue_stat_names[] = {
	TX(packets), TX(bytes), TX(drop_slots), TX(drop_frag_size),
	TX(drop_runt), TX(drop_grant), TX(nobuf), TX(mcast_ok),
	TX(mcast_err), TX(fatal), TX(gcopy_ops), TX(gcopy_calls),
	TX(gmap_ops), TX(gmap_calls), TX(gunmap_ops), TX(gunmap_calls),
	TX(notify),
	RX(packets), RX(bytes), RX(drop_backlog), RX(drop_grant),
	RX(drop_size), RX(drop_gso), RX(drop_mcast), RX(drop_desc),
	RX(ring_full), RX(fatal), RX(gcopy_ops), RX(gcopy_calls),
	RX(notify),
};

const unsigned int xnb_queue_nb_stats = RTE_DIM(xnb_queue_stat_names);

_Static_assert(RTE_DIM(xnb_queue_stat_names) * sizeof(uint64_t) ==
	       sizeof(struct xnb_queue_stats),
	       "every counter of struct xnb_queue_stats must have a name");
