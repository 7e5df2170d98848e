/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hv_sim's cache of guest domains (see hv_sim.h): fetched from the broker
 * on first use, looked up without locks, retired when the broker's shared
 * generation table says the domain died or was replaced: at once when
 * xenstore reports a death (hv_sim_dom_sweep), else at the next lookup.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hv_sim.h"
#include "sim/xnb_sim_msg.h"

/* Attempts at finding a stable cached domain before giving up. */
#define DOM_GET_RETRIES 4

/*
 * Release a retired domain's mappings; s->lock held. The small struct
 * itself stays until close: a reader may still hold a pointer it loaded
 * before the domain was retired, and finds out only by looking at it.
 */
static void
dom_release(struct hv_sim *s, struct hv_sim_dom *d)
{
	munmap(d->mem, (size_t)d->npages * XNB_PAGE_SIZE);
	munmap(d->gnttab, d->gnttab_len);
	munmap(d->active, xnb_sim_active_bytes(d->ngrants));
	munmap(d->own, xnb_sim_own_bytes(d->ngrants));
	close(d->mem_fd);
	d->mem = NULL;
	d->gnttab = NULL;
	d->active = NULL;
	d->own = NULL;
	d->next_retired = s->shells;
	s->shells = d;
}

/* Release the retired domains nothing uses any more; s->lock held. */
void
hv_sim_dom_reap(struct hv_sim *s)
{
	struct hv_sim_dom **pp = &s->retired;
	struct hv_sim_dom *d;

	while ((d = *pp) != NULL) {
		if (__atomic_load_n(&d->users, __ATOMIC_SEQ_CST) == 0 &&
		    __atomic_load_n(&d->regions, __ATOMIC_SEQ_CST) == 0) {
			*pp = d->next_retired;
			dom_release(s, d);
		} else {
			pp = &d->next_retired;
		}
	}
}

/* Unpublish the cached domain of domid (if any); s->lock held. */
void
hv_sim_dom_retire(struct hv_sim *s, uint16_t domid)
{
	struct hv_sim_dom *d = s->doms[domid];

	if (d == NULL)
		return;
	__atomic_store_n(&s->doms[domid], NULL, __ATOMIC_SEQ_CST);
	d->next_retired = s->retired;
	s->retired = d;
	hv_sim_dom_reap(s);
}

/* Retire every cached domain the broker no longer has; s->lock held. */
void
hv_sim_dom_sweep(struct hv_sim *s)
{
	struct hv_sim_dom *d;
	uint32_t domid;

	for (domid = 0; domid < XNB_SIM_DOMID_MAX; domid++) {
		d = s->doms[domid];
		if (d != NULL &&
		    __atomic_load_n(d->gen_slot, __ATOMIC_ACQUIRE) != d->gen)
			hv_sim_dom_retire(s, (uint16_t)domid);
	}
}

static void *
map_whole(int fd, size_t len)
{
	void *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* The fds of a DOMAIN_GET reply, in order. */
enum { FD_MEM, FD_GNTTAB, FD_ACTIVE, FD_OWN, FD_COUNT };

/* The broker checked these; a short file would fault us later. */
static int
check_sizes(const struct hv_sim_dom *d, const int *fds)
{
	const uint64_t len[FD_COUNT] = {
		[FD_MEM] = (uint64_t)d->npages * XNB_PAGE_SIZE,
		[FD_GNTTAB] = d->gnttab_len,
		[FD_ACTIVE] = xnb_sim_active_bytes(d->ngrants),
		[FD_OWN] = xnb_sim_own_bytes(d->ngrants),
	};
	struct stat st;
	int i;

	for (i = 0; i < FD_COUNT; i++)
		if (fstat(fds[i], &st) < 0 || (uint64_t)st.st_size < len[i])
			return -EPROTO;
	return 0;
}

/* Map what the broker sent: memory, grant table, pin tables. */
static int
dom_map(struct hv_sim_dom *d, const int *fds)
{
	int ret;

	d->mem = map_whole(fds[FD_MEM], (size_t)d->npages * XNB_PAGE_SIZE);
	if (d->mem == NULL)
		return -errno;
	d->gnttab = map_whole(fds[FD_GNTTAB], d->gnttab_len);
	if (d->gnttab == NULL) {
		ret = -errno;
		goto unmap_mem;
	}
	d->active = map_whole(fds[FD_ACTIVE],
			      xnb_sim_active_bytes(d->ngrants));
	if (d->active == NULL) {
		ret = -errno;
		goto unmap_gnttab;
	}
	d->own = map_whole(fds[FD_OWN], xnb_sim_own_bytes(d->ngrants));
	if (d->own == NULL) {
		ret = -errno;
		goto unmap_active;
	}
	return 0;

unmap_active:
	munmap(d->active, xnb_sim_active_bytes(d->ngrants));
unmap_gnttab:
	munmap(d->gnttab, d->gnttab_len);
unmap_mem:
	munmap(d->mem, (size_t)d->npages * XNB_PAGE_SIZE);
	return ret;
}

/* Ask the broker for domain domid and publish it; s->lock held. */
static int
dom_fetch(struct hv_sim *s, uint16_t domid)
{
	struct xnb_sim_req req = { .type = XNB_SIM_DOMAIN_GET };
	struct xnb_sim_rep rep;
	struct hv_sim_dom *d;
	int fds[FD_COUNT];
	int i, ret;

	req.u.domain_get.domid = domid;
	ret = xnb_sim_rpc(s->sock, &req, NULL, 0, &rep, fds, FD_COUNT);
	if (ret < 0)
		return ret;
	d = calloc(1, sizeof(*d));
	if (d == NULL) {
		ret = -ENOMEM;
		goto close_fds;
	}
	d->domid = domid;
	d->lock_id = s->id;
	d->gen_slot = &s->domtab[domid];
	d->gen = rep.u.domain_get.gen;
	d->npages = rep.u.domain_get.npages;
	d->ngrants = rep.u.domain_get.ngrants;
	d->gnttab_len = xnb_sim_gnttab_bytes(d->ngrants);
	ret = check_sizes(d, fds);
	if (ret == 0)
		ret = dom_map(d, fds);
	if (ret < 0) {
		free(d);
		goto close_fds;
	}
	for (i = FD_GNTTAB; i < FD_COUNT; i++)
		close(fds[i]);
	d->mem_fd = fds[FD_MEM];
	hv_sim_dom_retire(s, domid);
	__atomic_store_n(&s->doms[domid], d, __ATOMIC_SEQ_CST);
	return 0;

close_fds:
	for (i = 0; i < FD_COUNT; i++)
		close(fds[i]);
	return ret;
}

/*
 * Take a reference on the live domain domid, fetching it on first use.
 * Lock-free unless the domain is new, dead or replaced. NULL when there is
 * no such live domain (GNTST_bad_domain).
 */
struct hv_sim_dom *
hv_sim_dom_get(struct hv_sim *s, xnb_domid_t domid)
{
	struct hv_sim_dom *d;
	uint32_t gen;
	int i;

	if (domid >= XNB_SIM_DOMID_MAX)
		return NULL;
	for (i = 0; i < DOM_GET_RETRIES; i++) {
		gen = __atomic_load_n(&s->domtab[domid], __ATOMIC_ACQUIRE);
		d = __atomic_load_n(&s->doms[domid], __ATOMIC_ACQUIRE);
		if (gen == 0 || d == NULL || d->gen != gen) {
			if (gen == 0 && d == NULL)
				return NULL;
			pthread_mutex_lock(&s->lock);
			if (gen == 0)
				hv_sim_dom_retire(s, domid);
			else if (s->doms[domid] == d)
				dom_fetch(s, domid);
			pthread_mutex_unlock(&s->lock);
			continue;
		}
		__atomic_fetch_add(&d->users, 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&s->doms[domid], __ATOMIC_SEQ_CST) == d)
			return d;
		hv_sim_dom_put(s, d);
	}
	return NULL;
}

/*
 * The last user of a domain retired meanwhile releases it: the retirer
 * unpublishes, then reads users; we drop users, then read the slot (both
 * sequentially consistent), so at least one of the two sees the other.
 */
void
hv_sim_dom_put(struct hv_sim *s, struct hv_sim_dom *d)
{
	if (__atomic_sub_fetch(&d->users, 1, __ATOMIC_SEQ_CST) != 0 ||
	    __atomic_load_n(&s->doms[d->domid], __ATOMIC_SEQ_CST) == d)
		return;
	pthread_mutex_lock(&s->lock);
	hv_sim_dom_reap(s);
	pthread_mutex_unlock(&s->lock);
}
