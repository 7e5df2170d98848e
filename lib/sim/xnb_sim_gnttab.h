/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The simulated grant table: Xen's grant_entry_v1 layout and GTF_* values
 * (xen/include/public/grant_table.h), in memory shared by the guest and the
 * backend. The flags and domid halves are updated together with a 32-bit
 * compare-and-swap, as Xen does, so a guest changing an entry and the
 * "hypervisor" pinning it never lose each other's update.
 */
#ifndef XNB_SIM_GNTTAB_H
#define XNB_SIM_GNTTAB_H

#include <stdbool.h>
#include <stdint.h>

#define XNB_SIM_GTF_PERMIT_ACCESS 0x1u
#define XNB_SIM_GTF_TYPE_MASK 0x3u
#define XNB_SIM_GTF_READONLY (1u << 2)
#define XNB_SIM_GTF_READING (1u << 3)
#define XNB_SIM_GTF_WRITING (1u << 4)
/* Entries 0..7 are the toolstack's (console, xenstore), as on Xen. */
#define XNB_SIM_GNTTAB_RESERVED 8u

struct xnb_sim_grant_entry {
	uint16_t flags;
	uint16_t domid;
	uint32_t frame;
};

/* The flags/domid pair as one word. */
union xnb_sim_grant_hdr {
	struct {
		uint16_t flags;
		uint16_t domid;
	} s;
	uint32_t word;
};

static inline uint32_t *
xnb_sim_grant_word(struct xnb_sim_grant_entry *e)
{
	return (uint32_t *)(void *)e;
}

static inline union xnb_sim_grant_hdr
xnb_sim_grant_load(struct xnb_sim_grant_entry *e)
{
	union xnb_sim_grant_hdr h;

	h.word = __atomic_load_n(xnb_sim_grant_word(e), __ATOMIC_ACQUIRE);
	return h;
}

/* Replace *old by new if unchanged; on failure *old is the current value. */
static inline bool
xnb_sim_grant_cas(struct xnb_sim_grant_entry *e, union xnb_sim_grant_hdr *old,
		  union xnb_sim_grant_hdr new)
{
	return __atomic_compare_exchange_n(xnb_sim_grant_word(e), &old->word,
					   new.word, false, __ATOMIC_ACQ_REL,
					   __ATOMIC_ACQUIRE);
}

/* Clear flag bits (GTF_reading/GTF_writing), leaving the rest alone. */
static inline void
xnb_sim_grant_clear_flags(struct xnb_sim_grant_entry *e, uint16_t flags)
{
	union xnb_sim_grant_hdr mask = { .s = { .flags = flags } };

	__atomic_fetch_and(xnb_sim_grant_word(e), ~mask.word, __ATOMIC_RELEASE);
}

#endif /* XNB_SIM_GNTTAB_H */
