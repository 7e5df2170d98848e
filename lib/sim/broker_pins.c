/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The broker's side of grant pins (xnb_sim_pins.h): it makes each guest
 * domain's active table and each backend's own table of it, and undoes the
 * pins of a backend whose connection closed, as Xen's gntdev release does
 * for a process that exits. Backends are trusted no more than needed to
 * keep the broker safe: the tables are sealed against shrinking, and odd
 * counts or lock values in them cannot make the broker fault or wait
 * forever on a backend that is gone.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "broker_priv.h"

static void *
map_shared(int fd, size_t len)
{
	void *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* A zeroed shared table of len bytes that nobody can shrink: returns its
 * fd (or -errno), mapped at *p. */
static int
table_create(const char *name, size_t len, void **p)
{
	int fd, ret;

	fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)len) < 0 ||
	    fcntl(fd, F_ADD_SEALS,
		  F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
		goto close_fd;
	*p = map_shared(fd, len);
	if (*p == NULL)
		goto close_fd;
	return fd;

close_fd:
	ret = -errno;
	close(fd);
	return ret;
}

/* The guest's grant table and the active table of d, on first use. */
static int
dom_tables_init(struct bdom *d)
{
	void *p;
	int fd;

	if (d->active != NULL)
		return 0;
	if (d->gnttab == NULL) {
		d->gnttab = map_shared(d->gnttab_fd,
				       xnb_sim_gnttab_bytes(d->ngrants));
		if (d->gnttab == NULL)
			return -errno;
	}
	fd = table_create("xnb-simhv-active", xnb_sim_active_bytes(d->ngrants),
			  &p);
	if (fd < 0)
		return fd;
	d->active_fd = fd;
	d->active = p;
	return 0;
}

int
xnb_sim_broker_pins_get(struct bdom *d, struct bconn *c, int *active_fd,
			int *own_fd)
{
	struct bpins *p;
	void *own;
	int ret;

	ret = dom_tables_init(d);
	if (ret < 0)
		return ret;
	TAILQ_FOREACH(p, &d->pins, next)
		if (p->conn == c)
			goto found;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	p->fd = table_create("xnb-simhv-own", xnb_sim_own_bytes(d->ngrants),
			     &own);
	if (p->fd < 0) {
		ret = p->fd;
		free(p);
		return ret;
	}
	p->own = own;
	p->conn = c;
	TAILQ_INSERT_TAIL(&d->pins, p, next);
found:
	*active_fd = d->active_fd;
	*own_fd = p->fd;
	return 0;
}

static void
pins_destroy(struct bdom *d, struct bpins *p)
{
	munmap(p->own, xnb_sim_own_bytes(d->ngrants));
	close(p->fd);
	free(p);
}

void
xnb_sim_broker_pins_free(struct bdom *d)
{
	struct bpins *p;

	while ((p = TAILQ_FIRST(&d->pins)) != NULL) {
		TAILQ_REMOVE(&d->pins, p, next);
		pins_destroy(d, p);
	}
	if (d->active != NULL) {
		munmap(d->active, xnb_sim_active_bytes(d->ngrants));
		close(d->active_fd);
		d->active = NULL;
		d->active_fd = -1;
	}
	if (d->gnttab != NULL) {
		munmap(d->gnttab, xnb_sim_gnttab_bytes(d->ngrants));
		d->gnttab = NULL;
	}
}

/* Has the backend with lock value id gone away (or never existed)? Its
 * connection may have hung up without the broker having served that yet:
 * two backends killed together must not wait for each other. */
static bool
holder_gone(struct xnb_sim_broker *b, uint32_t id, uint32_t dying)
{
	struct pollfd pfd = { .events = POLLRDHUP };

	if (id == dying || id > XNB_SIM_BACKEND_ID_MAX ||
	    b->backends[id] == NULL)
		return true;
	pfd.fd = b->backends[id]->fd;
	return poll(&pfd, 1, 0) == 1 &&
	       (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

/* Take entry a's lock for the broker, taking it over from a backend that
 * is gone. A live holder keeps it for the few instructions of one pin or
 * unpin (one stopped in there, by a debugger say, stalls us meanwhile). */
static void
entry_lock(struct xnb_sim_broker *b, struct xnb_sim_active *a,
	   uint32_t dying)
{
	uint32_t h;

	for (;;) {
		h = __atomic_load_n(&a->lock, __ATOMIC_ACQUIRE);
		if ((h == 0 || holder_gone(b, h, dying)) &&
		    __atomic_compare_exchange_n(&a->lock, &h,
						XNB_SIM_PIN_LOCK_BROKER, false,
						__ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return;
		sched_yield();
	}
}

static uint32_t
clamp32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* Entry ref of d without p's pins: the sum of the other backends' own
 * counts, and the flags of what is now unpinned cleared (entry locked). */
static void
entry_recount(struct bdom *d, struct bpins *p, uint32_t ref)
{
	struct xnb_sim_active *a = &d->active[ref];
	uint64_t n = 0, nw = 0;
	uint16_t clear = 0;
	struct bpins *q;

	TAILQ_FOREACH(q, &d->pins, next) {
		if (q == p)
			continue;
		n += __atomic_load_n(&q->own[ref].n, __ATOMIC_RELAXED);
		nw += __atomic_load_n(&q->own[ref].nw, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&a->n, clamp32(n), __ATOMIC_RELAXED);
	__atomic_store_n(&a->nw, clamp32(nw), __ATOMIC_RELAXED);
	if (n == 0)
		clear |= XNB_SIM_GTF_READING;
	if (nw == 0)
		clear |= XNB_SIM_GTF_WRITING;
	if (clear != 0)
		xnb_sim_grant_clear_flags(&d->gnttab[ref], clear);
}

/* Undo every pin p's backend holds on d. */
static void
dom_unpin(struct xnb_sim_broker *b, struct bdom *d, struct bpins *p)
{
	uint32_t id = p->conn->id;
	struct xnb_sim_active *a;
	uint32_t ref;

	for (ref = 0; ref < d->ngrants; ref++) {
		a = &d->active[ref];
		if (__atomic_load_n(&p->own[ref].n, __ATOMIC_RELAXED) == 0 &&
		    __atomic_load_n(&p->own[ref].nw, __ATOMIC_RELAXED) == 0 &&
		    __atomic_load_n(&a->lock, __ATOMIC_RELAXED) != id)
			continue;
		entry_lock(b, a, id);
		entry_recount(d, p, ref);
		__atomic_store_n(&a->lock, 0, __ATOMIC_RELEASE);
	}
}

void
xnb_sim_broker_pins_release(struct xnb_sim_broker *b, struct bconn *c)
{
	struct bpins *p;
	struct bdom *d;
	uint32_t i;

	for (i = 0; i < XNB_SIM_DOMID_MAX; i++) {
		d = b->doms[i];
		if (d == NULL)
			continue;
		TAILQ_FOREACH(p, &d->pins, next)
			if (p->conn == c)
				break;
		if (p == NULL)
			continue;
		dom_unpin(b, d, p);
		TAILQ_REMOVE(&d->pins, p, next);
		pins_destroy(d, p);
	}
}
