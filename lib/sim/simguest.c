/* SPDX-License-Identifier: BSD-3-Clause */
/* The guest side of the simulated hypervisor (see xnb_simguest.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "xnb_sim_evtchn.h"
#include "xnb_sim_gnttab.h"
#include "xnb_sim_msg.h"
#include "xnb_sim_paths.h"
#include "xnb_simguest.h"

struct xnb_simguest {
	uint16_t domid;
	unsigned int npages;
	unsigned int ngrants;
	uint8_t *mem;
	size_t mem_len;
	struct xnb_sim_grant_entry *gnttab;
	size_t gnttab_len;
	int sock; /* broker connection: closing it kills the domain */
	/* Serialises grant allocation and broker calls. */
	pthread_mutex_t lock;
	uint32_t *free_refs; /* stack of unused grant refs */
	unsigned int nfree;
	bool *ref_used;
	struct xnb_sim_evset *ev;
	char xs_path[PATH_MAX];
};

/*
 * A memfd the backend can map without fearing SIGBUS: sealed against
 * shrinking (the broker refuses unsealed ones), so a guest cannot truncate
 * memory under a backend's mapping.
 */
static int
sealed_memfd(const char *name, size_t len)
{
	int fd;

	fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)len) < 0 ||
	    fcntl(fd, F_ADD_SEALS,
		  F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	return fd;
}

static void *
map_fd(int fd, size_t len)
{
	void *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* Create memory and grant table, map them and register with the broker. */
static int
guest_register(struct xnb_simguest *g, const char *simdir)
{
	struct xnb_sim_req req = { .type = XNB_SIM_GUEST_REGISTER };
	struct xnb_sim_rep rep;
	int fds[2];
	int ret;

	fds[0] = sealed_memfd("xnb-simguest-mem", g->mem_len);
	if (fds[0] < 0)
		return fds[0];
	fds[1] = sealed_memfd("xnb-simguest-gnttab", g->gnttab_len);
	if (fds[1] < 0) {
		ret = fds[1];
		goto close_mem;
	}
	g->mem = map_fd(fds[0], g->mem_len);
	if (g->mem == NULL) {
		ret = -errno;
		goto close_gnttab;
	}
	g->gnttab = map_fd(fds[1], g->gnttab_len);
	if (g->gnttab == NULL) {
		ret = -errno;
		goto unmap_mem;
	}
	g->sock = xnb_sim_connect(simdir);
	if (g->sock < 0) {
		ret = g->sock;
		goto unmap_gnttab;
	}
	req.u.guest_register.domid = g->domid;
	req.u.guest_register.npages = g->npages;
	req.u.guest_register.ngrants = g->ngrants;
	ret = xnb_sim_rpc(g->sock, &req, fds, 2, &rep, NULL, 0);
	if (ret < 0)
		goto close_sock;
	close(fds[1]);
	close(fds[0]);
	return 0;

close_sock:
	close(g->sock);
unmap_gnttab:
	munmap(g->gnttab, g->gnttab_len);
unmap_mem:
	munmap(g->mem, g->mem_len);
close_gnttab:
	close(fds[1]);
close_mem:
	close(fds[0]);
	return ret;
}

struct xnb_simguest *
xnb_simguest_open(const char *simdir, uint16_t domid, unsigned int npages,
		  unsigned int ngrants)
{
	struct xnb_simguest *g;
	unsigned int i;
	int len, ret;

	if (simdir == NULL)
		simdir = getenv(XNB_SIM_DIR_ENV);
	if (simdir == NULL || domid == 0 || domid >= XNB_SIM_DOMID_MAX ||
	    npages == 0 || npages > XNB_SIM_MAX_PAGES ||
	    ngrants <= XNB_SIM_GNTTAB_RESERVED ||
	    ngrants > XNB_SIM_MAX_GRANTS) {
		errno = EINVAL;
		return NULL;
	}
	g = calloc(1, sizeof(*g));
	if (g == NULL)
		return NULL;
	g->domid = domid;
	g->npages = npages;
	g->ngrants = ngrants;
	g->mem_len = (size_t)npages * XNB_SIM_PAGE_SIZE;
	g->gnttab_len = xnb_sim_gnttab_bytes(ngrants);
	len = snprintf(g->xs_path, sizeof(g->xs_path),
		       "%s/" XNB_SIM_XS_DOM_SOCKET_FMT, simdir,
		       (unsigned int)domid);
	if (len < 0 || (size_t)len >= sizeof(g->xs_path)) {
		ret = -ENAMETOOLONG;
		goto free_guest;
	}
	g->free_refs = malloc(sizeof(*g->free_refs) * ngrants);
	g->ref_used = calloc(ngrants, sizeof(*g->ref_used));
	if (g->free_refs == NULL || g->ref_used == NULL) {
		ret = -ENOMEM;
		goto free_refs;
	}
	/* Lowest refs on top of the stack, so they are handed out first. */
	for (i = ngrants; i > XNB_SIM_GNTTAB_RESERVED; i--)
		g->free_refs[g->nfree++] = i - 1;
	g->ev = xnb_sim_evset_create();
	if (g->ev == NULL) {
		ret = -errno;
		goto free_refs;
	}
	ret = guest_register(g, simdir);
	if (ret < 0)
		goto destroy_ev;
	pthread_mutex_init(&g->lock, NULL);
	return g;

destroy_ev:
	xnb_sim_evset_destroy(g->ev);
free_refs:
	free(g->ref_used);
	free(g->free_refs);
free_guest:
	free(g);
	errno = -ret;
	return NULL;
}

void
xnb_simguest_close(struct xnb_simguest *g)
{
	if (g == NULL)
		return;
	xnb_sim_evset_destroy(g->ev);
	close(g->sock);
	munmap(g->gnttab, g->gnttab_len);
	munmap(g->mem, g->mem_len);
	pthread_mutex_destroy(&g->lock);
	free(g->ref_used);
	free(g->free_refs);
	free(g);
}

uint16_t
xnb_simguest_domid(const struct xnb_simguest *g)
{
	return g->domid;
}

unsigned int
xnb_simguest_npages(const struct xnb_simguest *g)
{
	return g->npages;
}

void *
xnb_simguest_page(struct xnb_simguest *g, unsigned int pfn)
{
	if (pfn >= g->npages)
		return NULL;
	return g->mem + (size_t)pfn * XNB_SIM_PAGE_SIZE;
}

int
xnb_simguest_grant(struct xnb_simguest *g, uint16_t to, unsigned int pfn,
		   bool readonly)
{
	union xnb_sim_grant_hdr h;
	struct xnb_sim_grant_entry *e;
	uint32_t ref;

	if (pfn >= g->npages)
		return -EINVAL;
	pthread_mutex_lock(&g->lock);
	if (g->nfree == 0) {
		pthread_mutex_unlock(&g->lock);
		return -ENOSPC;
	}
	ref = g->free_refs[--g->nfree];
	g->ref_used[ref] = true;
	pthread_mutex_unlock(&g->lock);

	/* As Linux: frame and domid first, then flags make it valid. */
	e = &g->gnttab[ref];
	e->frame = pfn;
	h.s.domid = to;
	h.s.flags = XNB_SIM_GTF_PERMIT_ACCESS |
		    (readonly ? XNB_SIM_GTF_READONLY : 0);
	__atomic_store_n(xnb_sim_grant_word(e), h.word, __ATOMIC_RELEASE);
	return (int)ref;
}

int
xnb_simguest_end_grant(struct xnb_simguest *g, uint32_t gref)
{
	struct xnb_sim_grant_entry *e;
	union xnb_sim_grant_hdr h, n;
	int ret = 0;

	pthread_mutex_lock(&g->lock);
	if (gref >= g->ngrants || !g->ref_used[gref]) {
		ret = -EINVAL;
		goto unlock;
	}
	e = &g->gnttab[gref];
	h = xnb_sim_grant_load(e);
	do {
		if (h.s.flags & (XNB_SIM_GTF_READING | XNB_SIM_GTF_WRITING)) {
			ret = -EBUSY;
			goto unlock;
		}
		n = h;
		n.s.flags = 0;
	} while (!xnb_sim_grant_cas(e, &h, n));
	g->ref_used[gref] = false;
	g->free_refs[g->nfree++] = gref;
unlock:
	pthread_mutex_unlock(&g->lock);
	return ret;
}

bool
xnb_simguest_grant_in_use(const struct xnb_simguest *g, uint32_t gref)
{
	union xnb_sim_grant_hdr h;

	if (gref >= g->ngrants)
		return false;
	h = xnb_sim_grant_load(&g->gnttab[gref]);
	return (h.s.flags & (XNB_SIM_GTF_READING | XNB_SIM_GTF_WRITING)) != 0;
}

int
xnb_simguest_grant_raw(struct xnb_simguest *g, uint32_t gref, uint16_t flags,
		       uint16_t domid, uint32_t frame)
{
	union xnb_sim_grant_hdr h;
	struct xnb_sim_grant_entry *e;

	if (gref >= g->ngrants)
		return -EINVAL;
	e = &g->gnttab[gref];
	__atomic_store_n(&e->frame, frame, __ATOMIC_RELAXED);
	h.s.flags = flags;
	h.s.domid = domid;
	__atomic_store_n(xnb_sim_grant_word(e), h.word, __ATOMIC_RELEASE);
	return 0;
}

int
xnb_simguest_evtchn_alloc_unbound(struct xnb_simguest *g, uint16_t remote)
{
	struct xnb_sim_req req = { .type = XNB_SIM_EVTCHN_ALLOC_UNBOUND };
	struct xnb_sim_rep rep;
	int ret, sock;

	req.u.evtchn_alloc_unbound.remote_domid = remote;
	pthread_mutex_lock(&g->lock);
	ret = xnb_sim_rpc(g->sock, &req, NULL, 0, &rep, &sock, 1);
	if (ret == 0) {
		ret = xnb_sim_evset_add(g->ev, rep.u.evtchn.port, sock);
		if (ret == 0)
			ret = (int)rep.u.evtchn.port;
	}
	pthread_mutex_unlock(&g->lock);
	return ret;
}

int
xnb_simguest_evtchn_close(struct xnb_simguest *g, uint32_t port)
{
	struct xnb_sim_req req = { .type = XNB_SIM_EVTCHN_CLOSE };
	struct xnb_sim_rep rep;
	int ret;

	pthread_mutex_lock(&g->lock);
	if (!xnb_sim_evset_has(g->ev, port)) {
		ret = -EINVAL;
		goto unlock;
	}
	req.u.evtchn_close.port = port;
	ret = xnb_sim_rpc(g->sock, &req, NULL, 0, &rep, NULL, 0);
	xnb_sim_evset_remove(g->ev, port);
unlock:
	pthread_mutex_unlock(&g->lock);
	return ret;
}

int
xnb_simguest_evtchn_notify(struct xnb_simguest *g, uint32_t port)
{
	return xnb_sim_evset_notify(g->ev, port);
}

int
xnb_simguest_evtchn_fd(struct xnb_simguest *g)
{
	return xnb_sim_evset_fd(g->ev);
}

int
xnb_simguest_evtchn_pending(struct xnb_simguest *g)
{
	return xnb_sim_evset_pending(g->ev);
}

int
xnb_simguest_evtchn_unmask(struct xnb_simguest *g, uint32_t port)
{
	return xnb_sim_evset_unmask(g->ev, port);
}

const char *
xnb_simguest_xs_path(const struct xnb_simguest *g)
{
	return g->xs_path;
}
