/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Grant pin counts (Xen's "active entries") in memory the broker hands out,
 * so that the simulated hypervisor, not only the backend process, knows
 * every pin and can undo those of a backend that goes away, as Xen does
 * when a process's gntdev file is closed (on exit or kill -9).
 *
 * Per guest domain one active table, shared by the broker and every
 * backend that uses the domain: per grant ref a lock (0, or the id of the
 * backend holding it), the pins of all backends together (n: mappings and
 * copies in progress, nw: the writable ones) and the frame read at the
 * first pin. Per (backend connection, domain) one own table: that
 * backend's share of n and nw, per ref. The guest never sees either.
 *
 * Rules: an entry's n, nw, frame and every backend's own counts of that
 * ref change only under the entry's lock. GTF_reading is set by the pin
 * that takes n from 0 and cleared by the unpin that takes it back to 0;
 * GTF_writing likewise with nw.
 *
 * When a backend's connection closes, the broker, for each ref that
 * backend pins or holds locked: takes the lock (taking it over from a
 * backend that no longer exists), recomputes n and nw as the sum of the
 * other backends' own counts and clears the flags of what is now 0. The
 * sum is right whatever instruction the dead backend stopped at.
 */
#ifndef XNB_SIM_PINS_H
#define XNB_SIM_PINS_H

#include <stdint.h>

#include "xnb_sim_proto.h"

/* Backend ids, given by the broker at XNB_SIM_BACKEND_HELLO: 1 .. max. */
#define XNB_SIM_BACKEND_ID_MAX 1024u
/* Lock value while the broker itself holds an entry. */
#define XNB_SIM_PIN_LOCK_BROKER UINT32_MAX

struct xnb_sim_active {
	uint32_t lock;
	uint32_t n;
	uint32_t nw;
	uint32_t frame;
};

struct xnb_sim_own {
	uint32_t n;
	uint32_t nw;
};

static inline uint64_t
xnb_sim_pages_bytes(uint64_t b)
{
	return (b + XNB_SIM_PAGE_SIZE - 1) & ~(uint64_t)(XNB_SIM_PAGE_SIZE - 1);
}

static inline uint64_t
xnb_sim_active_bytes(uint32_t ngrants)
{
	return xnb_sim_pages_bytes((uint64_t)ngrants *
				   sizeof(struct xnb_sim_active));
}

static inline uint64_t
xnb_sim_own_bytes(uint32_t ngrants)
{
	return xnb_sim_pages_bytes((uint64_t)ngrants *
				   sizeof(struct xnb_sim_own));
}

#endif /* XNB_SIM_PINS_H */
