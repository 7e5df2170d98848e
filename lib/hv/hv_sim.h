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
#include <stdint.h>

#include "hv_xs.h"
#include "xnb_hv.h"
#include "sim/xnb_sim_gnttab.h"
#include "sim/xnb_sim_pins.h"
#include "sim/xnb_sim_proto.h"

#define HV_SIM_REGION_BUCKETS 256u

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
	struct hv_sim_dom *doms[XNB_SIM_DOMID_MAX];
};

/* Domain cache (hv_sim_dom.c). */
/* A reference on live domain domid, fetched on first use; NULL when
 * there is none (GNTST_bad_domain). Lock-free in the common case. */
struct hv_sim_dom *hv_sim_dom_get(struct hv_sim *s, xnb_domid_t domid);
void hv_sim_dom_put(struct hv_sim_dom *d);
/* Unpublish domid's cached domain; s->lock held. */
void hv_sim_dom_retire(struct hv_sim *s, uint16_t domid);
/* Release retired domains nothing uses any more; s->lock held. */
void hv_sim_dom_reap(struct hv_sim *s);

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
