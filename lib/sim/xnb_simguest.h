/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The guest side of the simulated hypervisor: what a PV guest kernel would
 * get from Xen. A simulated guest is a process that owns its memory (a
 * memfd of npages pages) and its grant table (Xen's grant_entry_v1 layout,
 * in shared memory the hypervisor reads), registers both with the broker
 * (xnb-simhv), and allocates event channels the backend binds to.
 *
 * Grant semantics are Xen's v1 semantics: granting writes domid/frame then
 * flags; ending access fails with -EBUSY while the backend has the grant
 * mapped or a copy is in progress (GTF_reading/GTF_writing set).
 */
#ifndef XNB_SIMGUEST_H
#define XNB_SIMGUEST_H

#include <stdbool.h>
#include <stdint.h>

struct xnb_simguest;

/*
 * Register domain domid with the simulator in simdir (NULL: $XNB_SIM_DIR).
 * The domain must have been created by the toolstack stand-in first
 * (introduced to xenstore). Returns NULL + errno: ESRCH when it was not
 * (or died since), EEXIST when another guest has it.
 * ngrants counts every entry of the table, including the 8 that Xen
 * reserves for the toolstack (refs 0-7 are never handed out): it must be
 * above 8 and at most 32768; npages at most 1 << 20.
 */
struct xnb_simguest *xnb_simguest_open(const char *simdir, uint16_t domid,
				       unsigned int npages,
				       unsigned int ngrants);
/* Unregister: the simulator treats this like the domain dying. */
void xnb_simguest_close(struct xnb_simguest *g);

uint16_t xnb_simguest_domid(const struct xnb_simguest *g);
unsigned int xnb_simguest_npages(const struct xnb_simguest *g);
/* Guest "physical" page pfn (0 <= pfn < npages), in this process. */
void *xnb_simguest_page(struct xnb_simguest *g, unsigned int pfn);

/* Grant access to page pfn to domain to; returns gref (> 0) or -errno. */
int xnb_simguest_grant(struct xnb_simguest *g, uint16_t to, unsigned int pfn,
		       bool readonly);
/* Revoke; -EBUSY while mapped or being copied (the grant stays valid). */
int xnb_simguest_end_grant(struct xnb_simguest *g, uint32_t gref);
/* True while the backend has the grant mapped or is copying. */
bool xnb_simguest_grant_in_use(const struct xnb_simguest *g, uint32_t gref);
/*
 * Misbehaving guests: write grant entry gref (any ref, allocated or not)
 * verbatim: flags (Xen's GTF_* values), domid, frame (even beyond npages).
 * The flags word is written last, as a guest would. 0 or -EINVAL (gref out
 * of the table).
 */
int xnb_simguest_grant_raw(struct xnb_simguest *g, uint32_t gref,
			   uint16_t flags, uint16_t domid, uint32_t frame);

/* Event channels (guest ends). Ports are this domain's port numbers. */
int xnb_simguest_evtchn_alloc_unbound(struct xnb_simguest *g, uint16_t remote);
int xnb_simguest_evtchn_close(struct xnb_simguest *g, uint32_t port);
int xnb_simguest_evtchn_notify(struct xnb_simguest *g, uint32_t port);
/* One pollable fd for all of this guest's ports. */
int xnb_simguest_evtchn_fd(struct xnb_simguest *g);
/* Next pending port (masked until unmasked) or -EAGAIN. */
int xnb_simguest_evtchn_pending(struct xnb_simguest *g);
int xnb_simguest_evtchn_unmask(struct xnb_simguest *g, uint32_t port);

/* XENSTORED_PATH value for this domain's own (unprivileged) xenstore
 * connection: the socket the xenstore server made when it was introduced. */
const char *xnb_simguest_xs_path(const struct xnb_simguest *g);

#endif /* XNB_SIMGUEST_H */
