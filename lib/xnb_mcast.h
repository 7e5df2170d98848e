/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A vif's multicast filter: the addresses the guest asked for with
 * XEN_NETIF_EXTRA_TYPE_MCAST_{ADD,DEL}. Bounded; updated by the guest Tx
 * lcores, read lock-free (seqlock) by the guest Rx lcores.
 */
#ifndef XNB_MCAST_H
#define XNB_MCAST_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_seqlock.h>

#include "xnb_ring.h"

/* Same bound as Linux netback (XEN_NETBK_MCAST_MAX). */
#define XNB_MCAST_MAX 64

struct xnb_mcast {
	rte_seqlock_t lock;
	uint32_t count;
	uint8_t addr[XNB_MCAST_MAX][XNB_ETH_ALEN];
};

void xnb_mcast_init(struct xnb_mcast *m);
/* 0, -ENOSPC when full (adding a present address is a no-op). */
int xnb_mcast_add(struct xnb_mcast *m, const uint8_t *addr);
/* 0, -ENOENT when absent. */
int xnb_mcast_del(struct xnb_mcast *m, const uint8_t *addr);
bool xnb_mcast_match(const struct xnb_mcast *m, const uint8_t *addr);
void xnb_mcast_clear(struct xnb_mcast *m);

#endif /* XNB_MCAST_H */
