/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hv_sim internals: the backend's view of the simulated hypervisor.
 *
 * Guest domains are fetched from the broker on first use (their memory
 * and grant-table memfds, mapped whole) and cached in a table indexed by
 * domid that datapath lcores read without locks. A cached domain is valid
 * while the broker's shared generation table still holds its generation;
 * a dead or replaced one is retired and its mappings are released once no
 * operation uses it (users, counted Dekker-style against the table slot)
 * and no grant mapping of it remains (regions). Its few bytes of
 * bookkeeping stay until close, as a lock-free reader may still look.
 * Deaths are learnt as a backend on Xen learns them, from xenstore: each
 * connection watches @releaseDomain itself (HV_SIM_REL_TOKEN, hidden from
 * the owner's xs_read_watch) and sweeps its cache on the event, so that
 * a dead guest's memory goes as soon as the owner reads its watch events.
 *
 * Grant "active entries" (Xen's pin counts) live in tables the broker
 * hands out with the domain (lib/sim/xnb_sim_pins.h): one per domain
 * shared by every backend, each entry with its own tiny lock, so that
 * GTF_reading/GTF_writing are set by the first user and cleared by the
 * last, across any mix of mappings and copies from any thread of any
 * backend process; and this connection's own share of them, from which
 * the broker undoes our pins if we die.
 */
#ifndef XNB_HV_SIM_H
#define XNB_HV_SIM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hv_xs.h"
#include "xnb_hv.h"
#include "sim/xnb_sim_gnttab.h"
#include "sim/xnb_sim_pins.h"
#include "sim/xnb_sim_proto.h"

#define HV_SIM_REGION_BUCKETS 256u
/* Token of the connection's own @releaseDomain watch. */
#define HV_SIM_REL_TOKEN "xnb-hv-sim:released"

/* Pages the foreign-mapping window holds (hv_sim_win.c): 4 GiB of address
 * space, more than Xen's default maptrack limit for dom0 allows. */
#define HV_SIM_WIN_PAGES (1u << 20)

struct hv_sim_dom {
	uint16_t domid;
	uint32_t gen;
	uint32_t npages;
	uint32_t ngrants;
	int mem_fd;
	uint8_t *mem;
	struct xnb_sim_grant_entry *gnttab;
	size_t gnttab_len;
	struct xnb_sim_active *active;	/* shared pin counts */
	struct xnb_sim_own *own;	/* our share of them */
	uint32_t lock_id;	/* our backend id: the entry lock value */
	const uint32_t *gen_slot;	/* our domid's slot of the domain table */
	uint32_t users;		/* operations in flight (atomic) */
	uint32_t regions;	/* live map_grants regions (atomic) */
	struct hv_sim_dom *next_retired;
};

/* One map_grants result. */
struct hv_sim_region {
	struct hv_sim_region *next;
	uint8_t *addr;
	uint32_t count;
	bool writable;
	struct hv_sim_dom *dom;
	xnb_gref_t refs[];
};

struct hv_sim {
	struct xnb_hv_xs xs; /* first: the shared xenstore ops use it */
	int sock;	/* broker connection */
	uint32_t id;	/* backend id the broker gave us */
	/* Broker calls, domain fetch/retire, the region table. */
	pthread_mutex_t lock;
	const uint32_t *domtab;
	struct hv_sim_dom *retired;	/* unpublished, mappings still held */
	struct hv_sim_dom *shells;	/* released, freed at close */
	struct hv_sim_region *regions[HV_SIM_REGION_BUCKETS];
	uint8_t *win;	/* every map_grants region lies in here */
	uint64_t *win_used;	/* one bit per window page; s->lock */
	struct hv_sim_dom *doms[XNB_SIM_DOMID_MAX];
};

/* Domain cache (hv_sim_dom.c). */
/* A reference on live domain domid, fetched on first use; NULL when
 * there is none (GNTST_bad_domain). Lock-free in the common case. */
struct hv_sim_dom *hv_sim_dom_get(struct hv_sim *s, xnb_domid_t domid);
/* Drop the reference; the last user of a retired domain releases it. */
void hv_sim_dom_put(struct hv_sim *s, struct hv_sim_dom *d);
/* Unpublish domid's cached domain; s->lock held. */
void hv_sim_dom_retire(struct hv_sim *s, uint16_t domid);
/* Retire every cached domain that died or was replaced; s->lock held. */
void hv_sim_dom_sweep(struct hv_sim *s);
/* Release retired domains nothing uses any more; s->lock held. */
void hv_sim_dom_reap(struct hv_sim *s);

/* The foreign-mapping window (hv_sim_win.c). */
int hv_sim_win_init(struct hv_sim *s);
void hv_sim_win_fini(struct hv_sim *s);
/* npages free pages of the window, reserved PROT_NONE, for a region; NULL
 * when the window is full. Takes s->lock. */
uint8_t *hv_sim_win_alloc(struct hv_sim *s, uint32_t npages);
/* Give a region's pages back (their mappings are replaced by a PROT_NONE
 * reservation). Takes s->lock. 0 or -errno. */
int hv_sim_win_free(struct hv_sim *s, uint8_t *addr, uint32_t npages);

/* Does [p, p + len) touch the window, i.e. a page we mapped from a
 * foreign domain rather than one of our own? */
static inline bool
hv_sim_win_overlaps(const struct hv_sim *s, const void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p, w = (uintptr_t)s->win;

	return a < w + (uintptr_t)HV_SIM_WIN_PAGES * XNB_PAGE_SIZE &&
	       a + len > w;
}

/* Grant ops (hv_sim_grant.c). */
void *hv_sim_map_grants(struct xnb_hv *hv, xnb_domid_t domid,
			const xnb_gref_t *refs, uint32_t count, bool writable,
			int16_t *status);
int hv_sim_unmap_grants(struct xnb_hv *hv, void *addr, uint32_t count);
int hv_sim_copy_grants(struct xnb_hv *hv, struct xnb_gcopy *ops,
		       uint32_t count);
/* Drop every region and domain (close). */
void hv_sim_grant_fini(struct hv_sim *s);

#endif /* XNB_HV_SIM_H */
