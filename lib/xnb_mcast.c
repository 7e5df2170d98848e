/* SPDX-License-Identifier: BSD-3-Clause */
/* The per-vif multicast filter (see xnb_mcast.h). */
#include <errno.h>
#include <string.h>

#include "xnb_mcast.h"

void
xnb_mcast_init(struct xnb_mcast *m)
{
	rte_seqlock_init(&m->lock);
	m->count = 0;
}

static int
find(const struct xnb_mcast *m, uint32_t count, const uint8_t *addr)
{
	uint32_t i;

	for (i = 0; i < count; i++)
		if (memcmp(m->addr[i], addr, XNB_ETH_ALEN) == 0)
			return i;
	return -1;
}

int
xnb_mcast_add(struct xnb_mcast *m, const uint8_t *addr)
{
	int ret = 0;

	rte_seqlock_write_lock(&m->lock);
	if (find(m, m->count, addr) < 0) {
		if (m->count == XNB_MCAST_MAX)
			ret = -ENOSPC;
		else
			memcpy(m->addr[m->count++], addr, XNB_ETH_ALEN);
	}
	rte_seqlock_write_unlock(&m->lock);
	return ret;
}

int
xnb_mcast_del(struct xnb_mcast *m, const uint8_t *addr)
{
	int i;

	rte_seqlock_write_lock(&m->lock);
	i = find(m, m->count, addr);
	if (i >= 0) {
		m->count--;
		memcpy(m->addr[i], m->addr[m->count], XNB_ETH_ALEN);
	}
	rte_seqlock_write_unlock(&m->lock);
	return i >= 0 ? 0 : -ENOENT;
}

bool
xnb_mcast_match(const struct xnb_mcast *m, const uint8_t *addr)
{
	uint32_t sn, count;
	bool hit;

	do {
		sn = rte_seqlock_read_begin(&m->lock);
		count = RTE_MIN(m->count, (uint32_t)XNB_MCAST_MAX);
		hit = find(m, count, addr) >= 0;
	} while (rte_seqlock_read_retry(&m->lock, sn));
	return hit;
}

void
xnb_mcast_clear(struct xnb_mcast *m)
{
	rte_seqlock_write_lock(&m->lock);
	m->count = 0;
	rte_seqlock_write_unlock(&m->lock);
}
