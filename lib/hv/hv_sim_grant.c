/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hv_sim grant operations: map, unmap and copy with Xen's checks and
 * GNTST_* results, against guests' memory and grant tables shared by the
 * broker (see hv_sim.h for the domain cache and pin counts).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <rte_pause.h>

#include "hv_sim.h"

/* Attempts at updating an entry the guest keeps changing, as Xen. */
#define PIN_RETRIES 4

static struct hv_sim *
sim(struct xnb_hv *hv)
{
	return hv->priv;
}

/*
 * The entry lock is shared with the other backends and the broker. A
 * backend killed while holding it leaves it set until the broker, which
 * sees the death at once, takes it over; unless the domain died too, as
 * the broker forgets a dead domain's tables. So give up once the domain
 * is dead: its pins no longer matter. Returns false then.
 */
static bool
pin_lock(struct hv_sim_dom *d, struct xnb_sim_active *a)
{
	uint32_t free_val;

	for (;;) {
		free_val = 0;
		if (__atomic_compare_exchange_n(&a->lock, &free_val,
						d->lock_id, false,
						__ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return true;
		while (__atomic_load_n(&a->lock, __ATOMIC_RELAXED) != 0) {
			if (__atomic_load_n(d->gen_slot, __ATOMIC_ACQUIRE) !=
			    d->gen)
				return false;
			rte_pause();
		}
	}
}

static void
pin_unlock(struct xnb_sim_active *a)
{
	__atomic_store_n(&a->lock, 0, __ATOMIC_RELEASE);
}

/*
 * Set GTF_reading (and GTF_writing) on a grant entry the guest may be
 * changing under us, as Xen's _set_status_v1: the first pin also checks
 * that the entry grants access to us; writing needs a writable grant.
 * Both refusals are GNTST_general_error, exactly as Xen reports them (a
 * backend tested here must not come to rely on a code Xen never returns).
 */
static int16_t
set_status(struct xnb_sim_grant_entry *e, bool writable, bool first,
	   xnb_domid_t self)
{
	union xnb_sim_grant_hdr h, n;
	int i;

	h = xnb_sim_grant_load(e);
	for (i = 0; ; i++) {
		if (first && ((h.s.flags & XNB_SIM_GTF_TYPE_MASK) !=
			      XNB_SIM_GTF_PERMIT_ACCESS || h.s.domid != self))
			return XNB_GNTST_GENERAL_ERROR;
		if (writable && (h.s.flags & XNB_SIM_GTF_READONLY))
			return XNB_GNTST_GENERAL_ERROR;
		n = h;
		n.s.flags |= XNB_SIM_GTF_READING |
			     (writable ? XNB_SIM_GTF_WRITING : 0);
		if (xnb_sim_grant_cas(e, &h, n))
			return XNB_GNTST_OKAY;
		if (i == PIN_RETRIES)
			return XNB_GNTST_GENERAL_ERROR;
	}
}

/* Pin ref of d for reading or writing; *frame is the granted page. */
static int16_t
grant_pin(struct hv_sim_dom *d, xnb_gref_t ref, bool writable,
	  xnb_domid_t self, uint32_t *frame)
{
	struct xnb_sim_grant_entry *e;
	struct xnb_sim_active *a;
	struct xnb_sim_own *o;
	uint32_t f;
	int16_t st;

	if (ref >= d->ngrants)
		return XNB_GNTST_BAD_GNTREF;
	a = &d->active[ref];
	o = &d->own[ref];
	e = &d->gnttab[ref];
	if (!pin_lock(d, a))
		return XNB_GNTST_BAD_DOMAIN;
	if (a->n == 0 || (writable && a->nw == 0)) {
		st = set_status(e, writable, a->n == 0, self);
		if (st != XNB_GNTST_OKAY)
			goto unlock;
		if (a->n == 0) {
			/* Read the frame once; the guest may rewrite it. */
			f = __atomic_load_n(&e->frame, __ATOMIC_RELAXED);
			if (f >= d->npages) {
				xnb_sim_grant_clear_flags(e,
					XNB_SIM_GTF_READING |
					XNB_SIM_GTF_WRITING);
				st = XNB_GNTST_BAD_PAGE;
				goto unlock;
			}
			a->frame = f;
		}
	}
	/* Should we die in here, the broker recounts from the own counts. */
	o->n++;
	a->n++;
	if (writable) {
		o->nw++;
		a->nw++;
	}
	*frame = a->frame;
	st = XNB_GNTST_OKAY;
unlock:
	pin_unlock(a);
	return st;
}

static void
grant_unpin(struct hv_sim_dom *d, xnb_gref_t ref, bool writable)
{
	struct xnb_sim_active *a = &d->active[ref];
	struct xnb_sim_own *o = &d->own[ref];
	uint16_t clear = 0;

	if (!pin_lock(d, a))
		return;
	o->n--;
	if (--a->n == 0)
		clear |= XNB_SIM_GTF_READING;
	if (writable) {
		o->nw--;
		if (--a->nw == 0)
			clear |= XNB_SIM_GTF_WRITING;
	}
	if (clear != 0)
		xnb_sim_grant_clear_flags(&d->gnttab[ref], clear);
	pin_unlock(a);
}

static unsigned int
region_bucket(const void *addr)
{
	return ((uintptr_t)addr >> XNB_PAGE_SHIFT) % HV_SIM_REGION_BUCKETS;
}

/* Per-ref outcome of pinning a map_grants batch. */
struct map_pin {
	uint32_t frame;
	int16_t status;
};

static void
unpin_pinned(struct hv_sim_dom *d, const xnb_gref_t *refs,
	     const struct map_pin *pins, uint32_t count, bool writable)
{
	uint32_t i;

	for (i = 0; i < count; i++)
		if (pins[i].status == XNB_GNTST_OKAY)
			grant_unpin(d, refs[i], writable);
}

/* Pin every ref and map them into one fresh region of the window.
 * Returns the region's address or NULL + errno, with every pin undone. */
static uint8_t *
map_pinned(struct hv_sim *s, struct hv_sim_dom *d, const xnb_gref_t *refs,
	   struct map_pin *pins, uint32_t count, bool writable,
	   xnb_domid_t self)
{
	int prot = PROT_READ | (writable ? PROT_WRITE : 0);
	bool failed = false;
	uint32_t i, run;
	uint8_t *base;
	void *p;
	int err;

	/* Like a batched GNTTABOP_map_grant_ref: try every ref, report each,
	 * then undo the successes if any failed. */
	for (i = 0; i < count; i++) {
		pins[i].status = grant_pin(d, refs[i], writable, self,
					   &pins[i].frame);
		if (pins[i].status != XNB_GNTST_OKAY)
			failed = true;
	}
	if (failed) {
		err = EFAULT;
		goto unpin;
	}
	base = hv_sim_win_alloc(s, count);
	if (base == NULL) {
		/* Xen's maptrack table is full. */
		unpin_pinned(d, refs, pins, count, writable);
		for (i = 0; i < count; i++)
			pins[i].status = XNB_GNTST_NO_DEVICE_SPACE;
		errno = ENOMEM;
		return NULL;
	}
	/* One mmap per run of consecutive guest frames. */
	for (i = 0; i < count; i += run) {
		for (run = 1; i + run < count &&
		     pins[i + run].frame == pins[i].frame + run; run++)
			;
		p = mmap(base + (size_t)i * XNB_PAGE_SIZE,
			 (size_t)run * XNB_PAGE_SIZE, prot,
			 MAP_SHARED | MAP_FIXED, d->mem_fd,
			 (off_t)pins[i].frame * XNB_PAGE_SIZE);
		if (p == MAP_FAILED) {
			err = errno;
			hv_sim_win_free(s, base, count);
			goto fail_all;
		}
	}
	return base;

fail_all:
	unpin_pinned(d, refs, pins, count, writable);
	for (i = 0; i < count; i++)
		pins[i].status = XNB_GNTST_GENERAL_ERROR;
	errno = err;
	return NULL;
unpin:
	unpin_pinned(d, refs, pins, count, writable);
	errno = err;
	return NULL;
}

void *
hv_sim_map_grants(struct xnb_hv *hv, xnb_domid_t domid,
		  const xnb_gref_t *refs, uint32_t count, bool writable,
		  int16_t *status)
{
	struct hv_sim *s = sim(hv);
	struct hv_sim_region *r;
	struct hv_sim_dom *d;
	struct map_pin *pins;
	unsigned int b;
	uint32_t i;
	int err;

	if (count == 0 || count > XNB_SIM_MAX_GRANTS) {
		errno = EINVAL;
		return NULL;
	}
	d = hv_sim_dom_get(s, domid);
	if (d == NULL) {
		for (i = 0; status != NULL && i < count; i++)
			status[i] = XNB_GNTST_BAD_DOMAIN;
		errno = ESRCH;
		return NULL;
	}
	r = malloc(sizeof(*r) + sizeof(r->refs[0]) * count);
	pins = malloc(sizeof(*pins) * count);
	if (r == NULL || pins == NULL) {
		err = ENOMEM;
		for (i = 0; status != NULL && i < count; i++)
			status[i] = XNB_GNTST_GENERAL_ERROR;
		goto free_region;
	}
	r->addr = map_pinned(s, d, refs, pins, count, writable, hv->domid);
	err = errno;
	for (i = 0; status != NULL && i < count; i++)
		status[i] = pins[i].status;
	if (r->addr == NULL)
		goto free_region;
	free(pins);
	memcpy(r->refs, refs, sizeof(r->refs[0]) * count);
	r->count = count;
	r->writable = writable;
	r->dom = d;
	__atomic_fetch_add(&d->regions, 1, __ATOMIC_SEQ_CST);
	b = region_bucket(r->addr);
	pthread_mutex_lock(&s->lock);
	r->next = s->regions[b];
	s->regions[b] = r;
	pthread_mutex_unlock(&s->lock);
	hv_sim_dom_put(s, d);
	return r->addr;

free_region:
	free(pins);
	free(r);
	hv_sim_dom_put(s, d);
	errno = err;
	return NULL;
}

/* Take the region at addr out of the table; NULL if there is none. */
static struct hv_sim_region *
region_take(struct hv_sim *s, void *addr, uint32_t count)
{
	struct hv_sim_region **pp, *r;

	pthread_mutex_lock(&s->lock);
	for (pp = &s->regions[region_bucket(addr)]; (r = *pp) != NULL;
	     pp = &r->next)
		if (r->addr == addr && r->count == count) {
			*pp = r->next;
			break;
		}
	pthread_mutex_unlock(&s->lock);
	return r;
}

/* Unmap, then unpin (the guest may reuse the page only once we cannot
 * touch it); s->lock not held. */
static void
region_release(struct hv_sim *s, struct hv_sim_region *r)
{
	struct hv_sim_dom *d = r->dom;
	uint32_t i;

	if (hv_sim_win_free(s, r->addr, r->count) < 0) {
		/* Only if the kernel is out of memory: the pages stay
		 * reachable, so they stay pinned (the guest cannot reuse
		 * them) and the domain's memory stays mapped. */
		free(r);
		return;
	}
	for (i = 0; i < r->count; i++)
		grant_unpin(d, r->refs[i], r->writable);
	__atomic_fetch_sub(&d->regions, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&s->doms[d->domid], __ATOMIC_SEQ_CST) != d) {
		pthread_mutex_lock(&s->lock);
		hv_sim_dom_reap(s);
		pthread_mutex_unlock(&s->lock);
	}
	free(r);
}

int
hv_sim_unmap_grants(struct xnb_hv *hv, void *addr, uint32_t count)
{
	struct hv_sim *s = sim(hv);
	struct hv_sim_region *r;

	r = region_take(s, addr, count);
	if (r == NULL)
		return -EINVAL;
	region_release(s, r);
	return 0;
}

/* A domain held across consecutive copy ops naming the same domid. */
struct copy_dom {
	struct hv_sim_dom *d;
	xnb_domid_t domid;
};

static struct hv_sim_dom *
copy_hv_sim_dom_get(struct hv_sim *s, struct copy_dom *c, xnb_domid_t domid)
{
	if (c->d != NULL && c->domid == domid)
		return c->d;
	if (c->d != NULL)
		hv_sim_dom_put(s, c->d);
	c->d = hv_sim_dom_get(s, domid);
	c->domid = domid;
	return c->d;
}

/*
 * One side of a copy op: a pinned grant's page or a local pointer. Xen
 * takes a local frame only if the caller owns it: a page mapped from a
 * foreign domain is GNTST_bad_page (get_paged_frame), per op. A copy
 * between guests must name both grants, never a mapping of one of them.
 */
static int16_t
copy_side(struct hv_sim *s, struct copy_dom *c, union xnb_gcopy_ptr *ptr,
	  bool gref, bool writable, uint16_t len, xnb_domid_t self,
	  uint8_t **p)
{
	struct hv_sim_dom *d;
	uint32_t frame;
	int16_t st;

	if (!gref) {
		if (hv_sim_win_overlaps(s, ptr->virt, len))
			return XNB_GNTST_BAD_PAGE;
		*p = ptr->virt;
		return XNB_GNTST_OKAY;
	}
	d = c->d;
	st = grant_pin(d, ptr->foreign.ref, writable, self, &frame);
	if (st != XNB_GNTST_OKAY)
		return st;
	*p = d->mem + (size_t)frame * XNB_PAGE_SIZE;
	return XNB_GNTST_OKAY;
}

/* One GNTTABOP_copy op, checks in Xen's order: domains, source grant,
 * destination grant, then page bounds. */
static int16_t
copy_one(struct hv_sim *s, struct xnb_gcopy *op, struct copy_dom *cs,
	 struct copy_dom *cd, xnb_domid_t self)
{
	bool sg = op->flags & XNB_GCOPY_SOURCE_GREF;
	bool dg = op->flags & XNB_GCOPY_DEST_GREF;
	uint8_t *src, *dst;
	int16_t st;

	if (sg && copy_hv_sim_dom_get(s, cs, op->source.foreign.domid) == NULL)
		return XNB_GNTST_BAD_DOMAIN;
	if (dg && copy_hv_sim_dom_get(s, cd, op->dest.foreign.domid) == NULL)
		return XNB_GNTST_BAD_DOMAIN;
	st = copy_side(s, cs, &op->source, sg, false, op->len, self, &src);
	if (st != XNB_GNTST_OKAY)
		return st;
	st = copy_side(s, cd, &op->dest, dg, true, op->len, self, &dst);
	if (st != XNB_GNTST_OKAY)
		goto unpin_src;
	if ((sg && op->source.foreign.offset + op->len > XNB_PAGE_SIZE) ||
	    (dg && op->dest.foreign.offset + op->len > XNB_PAGE_SIZE)) {
		st = XNB_GNTST_BAD_COPY_ARG;
		goto unpin_dst;
	}
	memmove(dst + (dg ? op->dest.foreign.offset : 0),
		src + (sg ? op->source.foreign.offset : 0), op->len);
unpin_dst:
	if (dg)
		grant_unpin(cd->d, op->dest.foreign.ref, true);
unpin_src:
	if (sg)
		grant_unpin(cs->d, op->source.foreign.ref, false);
	return st;
}

int
hv_sim_copy_grants(struct xnb_hv *hv, struct xnb_gcopy *ops, uint32_t count)
{
	struct copy_dom cs = { .d = NULL }, cd = { .d = NULL };
	struct hv_sim *s = sim(hv);
	uint32_t i;

	for (i = 0; i < count; i++)
		ops[i].status = copy_one(s, &ops[i], &cs, &cd, hv->domid);
	if (cs.d != NULL)
		hv_sim_dom_put(s, cs.d);
	if (cd.d != NULL)
		hv_sim_dom_put(s, cd.d);
	return 0;
}

void
hv_sim_grant_fini(struct hv_sim *s)
{
	struct hv_sim_region *r;
	struct hv_sim_dom *d;
	unsigned int i;

	for (i = 0; i < HV_SIM_REGION_BUCKETS; i++)
		while ((r = s->regions[i]) != NULL) {
			s->regions[i] = r->next;
			region_release(s, r);
		}
	pthread_mutex_lock(&s->lock);
	for (i = 0; i < XNB_SIM_DOMID_MAX; i++)
		hv_sim_dom_retire(s, (uint16_t)i);
	while ((d = s->shells) != NULL) {
		s->shells = d->next_retired;
		free(d);
	}
	pthread_mutex_unlock(&s->lock);
}
