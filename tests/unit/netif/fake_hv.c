/* SPDX-License-Identifier: BSD-3-Clause */
/* In-process fake of the hypervisor seam (see fake_hv.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "fake_hv.h"
#include "xnb_vif.h"

struct xnb_hv_evtchn {
	struct fake_hv *f;
	int fd;
	uint32_t pending[FAKE_NR_PORTS];
	unsigned int nr_pending;
};

static struct fake_hv *
fh(struct xnb_hv *hv)
{
	return hv->priv;
}

/* A grant the backend may use as asked, or the GNTST_* error Xen gives. */
static int
check_grant(struct fake_hv *f, xnb_domid_t domid, xnb_gref_t ref,
	    bool write)
{
	const struct fake_grant *g;

	if (domid != FAKE_DOMID)
		return XNB_GNTST_BAD_DOMAIN;
	if (ref >= FAKE_NR_GRANTS)
		return XNB_GNTST_BAD_GNTREF;
	g = &f->grants[ref];
	if (!g->valid || g->grantee != f->hv.domid ||
	    (write && g->readonly))
		return XNB_GNTST_GENERAL_ERROR;
	return XNB_GNTST_OKAY;
}

static void *
fake_map_grants(struct xnb_hv *hv, xnb_domid_t domid, const xnb_gref_t *refs,
		uint32_t count, bool writable, int16_t *status)
{
	struct fake_hv *f = fh(hv);
	int st;

	f->map_calls++;
	/* One page per call is all the fake can place contiguously. */
	if (count != 1) {
		errno = EINVAL;
		return NULL;
	}
	st = check_grant(f, domid, refs[0], writable);
	if (status != NULL)
		status[0] = st;
	if (st != XNB_GNTST_OKAY) {
		errno = EINVAL;
		return NULL;
	}
	f->grants[refs[0]].maps++;
	f->mapped++;
	return f->pages[f->grants[refs[0]].page];
}

static int
fake_unmap_grants(struct xnb_hv *hv, void *addr, uint32_t count)
{
	struct fake_hv *f = fh(hv);
	uint32_t i;

	f->unmap_calls++;
	for (i = 0; i < FAKE_NR_GRANTS; i++)
		if (f->grants[i].maps > 0 &&
		    f->pages[f->grants[i].page] == addr) {
			f->grants[i].maps--;
			f->mapped -= count;
			return 0;
		}
	return -EINVAL;
}

static uint8_t *
gcopy_side(struct fake_hv *f, const union xnb_gcopy_ptr *p, bool foreign,
	   bool write, uint16_t len, int16_t *st)
{
	int s;

	if (!foreign)
		return p->virt;
	s = check_grant(f, p->foreign.domid, p->foreign.ref, write);
	if (s == XNB_GNTST_OKAY &&
	    (uint32_t)p->foreign.offset + len > XNB_PAGE_SIZE)
		s = XNB_GNTST_BAD_COPY_ARG;
	if (s != XNB_GNTST_OKAY) {
		*st = s;
		return NULL;
	}
	return f->pages[f->grants[p->foreign.ref].page] + p->foreign.offset;
}

static int
fake_copy_grants(struct xnb_hv *hv, struct xnb_gcopy *ops, uint32_t count)
{
	struct fake_hv *f = fh(hv);
	uint32_t i;

	f->copy_calls++;
	if (f->copy_call_ret != 0)
		return f->copy_call_ret;
	for (i = 0; i < count; i++) {
		struct xnb_gcopy *op = &ops[i];
		uint8_t *src, *dst;

		f->copy_ops++;
		op->status = XNB_GNTST_OKAY;
		src = gcopy_side(f, &op->source,
				 op->flags & XNB_GCOPY_SOURCE_GREF, false,
				 op->len, &op->status);
		dst = gcopy_side(f, &op->dest, op->flags & XNB_GCOPY_DEST_GREF,
				 true, op->len, &op->status);
		if (src != NULL && dst != NULL)
			memmove(dst, src, op->len);
	}
	return 0;
}

static struct xnb_hv_evtchn *
fake_evtchn_open(struct xnb_hv *hv)
{
	struct xnb_hv_evtchn *ec = calloc(1, sizeof(*ec));

	if (ec == NULL)
		return NULL;
	ec->f = fh(hv);
	ec->fd = eventfd(0, EFD_NONBLOCK);
	ec->f->handles++;
	return ec;
}

static void
fake_evtchn_close(struct xnb_hv_evtchn *ec)
{
	close(ec->fd);
	ec->f->handles--;
	free(ec);
}

static int
fake_evtchn_fd(struct xnb_hv_evtchn *ec)
{
	return ec->fd;
}

static int
fake_evtchn_bind(struct xnb_hv_evtchn *ec, xnb_domid_t domid,
		 xnb_evtchn_port_t remote)
{
	struct fake_hv *f = ec->f;
	uint32_t port;

	/* The guest allocated its ports below 100; others are unbound. */
	if (domid != FAKE_DOMID || remote == 0 || remote >= 100)
		return -EINVAL;
	if (f->next_port >= FAKE_NR_PORTS)
		return -ENOSPC;
	port = f->next_port++;
	f->remote[port] = remote;
	f->owner[port] = ec;
	f->bound++;
	return port;
}

static int
fake_evtchn_unbind(struct xnb_hv_evtchn *ec, xnb_evtchn_port_t port)
{
	struct fake_hv *f = ec->f;

	if (port >= FAKE_NR_PORTS || f->remote[port] < 0 ||
	    f->owner[port] != ec)
		return -EINVAL;
	f->remote[port] = -1;
	f->owner[port] = NULL;
	f->bound--;
	return 0;
}

static int
fake_evtchn_notify(struct xnb_hv_evtchn *ec, xnb_evtchn_port_t port)
{
	if (port >= FAKE_NR_PORTS || ec->f->remote[port] < 0)
		return -EINVAL;
	ec->f->notify[port]++;
	return 0;
}

static int
fake_evtchn_pending(struct xnb_hv_evtchn *ec)
{
	uint64_t v;

	if (ec->nr_pending == 0)
		return -EAGAIN;
	if (read(ec->fd, &v, sizeof(v)) < 0)
		v = 0;
	return ec->pending[--ec->nr_pending];
}

static int
fake_evtchn_unmask(struct xnb_hv_evtchn *ec, xnb_evtchn_port_t port)
{
	return port < FAKE_NR_PORTS && ec->f->owner[port] == ec ? 0 : -EINVAL;
}

static struct fake_node *
find_node(const struct fake_hv *f, const char *path)
{
	unsigned int i;

	for (i = 0; i < f->nr_nodes; i++)
		if (strcmp(f->nodes[i].path, path) == 0)
			return (struct fake_node *)&f->nodes[i];
	return NULL;
}

static void
queue_event(struct fake_hv *f, const char *path, const char *token)
{
	struct fake_watch *e;

	if (f->ev_tail - f->ev_head == FAKE_MAX_EVENTS)
		abort(); /* a test that never pumps */
	e = &f->events[f->ev_tail++ % FAKE_MAX_EVENTS];
	e->path = strdup(path);
	e->token = strdup(token);
}

/* A change at path fires every watch on it or on a parent. */
static void
fire(struct fake_hv *f, const char *path)
{
	unsigned int i;
	size_t n;

	for (i = 0; i < f->nr_watches; i++) {
		n = strlen(f->watches[i].path);
		if (strncmp(path, f->watches[i].path, n) == 0 &&
		    (path[n] == '\0' || path[n] == '/'))
			queue_event(f, path, f->watches[i].token);
	}
}

static int
node_write(struct fake_hv *f, const char *path, const void *data,
	   unsigned int len)
{
	struct fake_node *n = find_node(f, path);

	if (n == NULL) {
		if (f->nr_nodes == FAKE_MAX_NODES)
			return -ENOSPC;
		n = &f->nodes[f->nr_nodes++];
		n->path = strdup(path);
		n->val = NULL;
	}
	free(n->val);
	n->val = malloc(len + 1);
	memcpy(n->val, data, len);
	n->val[len] = '\0';
	n->len = len;
	fire(f, path);
	return 0;
}

static void *
fake_xs_read(struct xnb_hv *hv, xnb_xs_txn_t t, const char *path,
	     unsigned int *len)
{
	struct fake_node *n = find_node(fh(hv), path);
	char *v;

	(void)t;
	if (n == NULL) {
		errno = ENOENT;
		return NULL;
	}
	v = malloc(n->len + 1);
	memcpy(v, n->val, n->len + 1);
	*len = n->len;
	return v;
}

static int
fake_xs_write(struct xnb_hv *hv, xnb_xs_txn_t t, const char *path,
	      const void *data, unsigned int len)
{
	(void)t;
	return node_write(fh(hv), path, data, len);
}

static int
fake_xs_mkdir(struct xnb_hv *hv, xnb_xs_txn_t t, const char *path)
{
	(void)t;
	return node_write(fh(hv), path, "", 0);
}

static int
op_xs_rm(struct xnb_hv *hv, xnb_xs_txn_t t, const char *path)
{
	(void)t;
	fake_xs_rm(fh(hv), path);
	return 0;
}

static int
fake_xs_watch(struct xnb_hv *hv, const char *path, const char *token)
{
	struct fake_hv *f = fh(hv);

	if (f->nr_watches == FAKE_MAX_WATCHES)
		return -ENOSPC;
	f->watches[f->nr_watches].path = strdup(path);
	f->watches[f->nr_watches].token = strdup(token);
	f->nr_watches++;
	queue_event(f, path, token); /* xenstored fires a new watch once */
	return 0;
}

static int
fake_xs_unwatch(struct xnb_hv *hv, const char *path, const char *token)
{
	struct fake_hv *f = fh(hv);
	unsigned int i;

	for (i = 0; i < f->nr_watches; i++)
		if (strcmp(f->watches[i].path, path) == 0 &&
		    strcmp(f->watches[i].token, token) == 0) {
			free(f->watches[i].path);
			free(f->watches[i].token);
			f->watches[i] = f->watches[--f->nr_watches];
			return 0;
		}
	return -ENOENT;
}

static char **
fake_xs_read_watch(struct xnb_hv *hv, unsigned int *num)
{
	struct fake_hv *f = fh(hv);
	struct fake_watch *e;
	size_t lp, lt;
	char **v;

	if (f->ev_head == f->ev_tail) {
		errno = EAGAIN;
		return NULL;
	}
	e = &f->events[f->ev_head++ % FAKE_MAX_EVENTS];
	lp = strlen(e->path) + 1;
	lt = strlen(e->token) + 1;
	v = malloc(2 * sizeof(char *) + lp + lt);
	v[0] = (char *)(v + 2);
	v[1] = v[0] + lp;
	memcpy(v[0], e->path, lp);
	memcpy(v[1], e->token, lt);
	free(e->path);
	free(e->token);
	*num = 2;
	return v;
}

static xnb_xs_txn_t
fake_xs_transaction_start(struct xnb_hv *hv)
{
	(void)hv;
	return 1;
}

static int
fake_xs_transaction_end(struct xnb_hv *hv, xnb_xs_txn_t t, bool abort)
{
	struct fake_hv *f = fh(hv);
	void (*hook)(struct fake_hv *f) = f->txn_hook;

	(void)t;
	if (!abort && hook != NULL) {
		f->txn_hook = NULL;
		hook(f);
	}
	if (!abort && f->txn_eagain > 0) {
		f->txn_eagain--;
		return -EAGAIN;
	}
	return 0;
}

static char *
fake_xs_domain_path(struct xnb_hv *hv, xnb_domid_t domid)
{
	char *p;

	(void)hv;
	if (asprintf(&p, "/local/domain/%u", domid) < 0)
		return NULL;
	return p;
}

static const struct xnb_hv_ops fake_ops = {
	.name = "fake",
	.map_grants = fake_map_grants,
	.unmap_grants = fake_unmap_grants,
	.copy_grants = fake_copy_grants,
	.evtchn_open = fake_evtchn_open,
	.evtchn_close = fake_evtchn_close,
	.evtchn_fd = fake_evtchn_fd,
	.evtchn_bind = fake_evtchn_bind,
	.evtchn_unbind = fake_evtchn_unbind,
	.evtchn_notify = fake_evtchn_notify,
	.evtchn_pending = fake_evtchn_pending,
	.evtchn_unmask = fake_evtchn_unmask,
	.xs_read = fake_xs_read,
	.xs_write = fake_xs_write,
	.xs_mkdir = fake_xs_mkdir,
	.xs_rm = op_xs_rm,
	.xs_watch = fake_xs_watch,
	.xs_unwatch = fake_xs_unwatch,
	.xs_read_watch = fake_xs_read_watch,
	.xs_transaction_start = fake_xs_transaction_start,
	.xs_transaction_end = fake_xs_transaction_end,
	.xs_domain_path = fake_xs_domain_path,
};

struct fake_hv *
fake_hv_new(void)
{
	struct fake_hv *f = calloc(1, sizeof(*f));
	unsigned int i;

	f->pages = calloc(FAKE_NR_PAGES, XNB_PAGE_SIZE);
	f->hv.ops = &fake_ops;
	f->hv.domid = FAKE_BACKEND_DOMID;
	f->hv.priv = f;
	f->next_gref = 8; /* low refs are reserved, as in Xen */
	f->next_port = 1;
	for (i = 0; i < FAKE_NR_PORTS; i++)
		f->remote[i] = -1;
	return f;
}

void
fake_hv_free(struct fake_hv *f)
{
	unsigned int i;

	for (i = 0; i < f->nr_nodes; i++) {
		free(f->nodes[i].path);
		free(f->nodes[i].val);
	}
	for (i = 0; i < f->nr_watches; i++) {
		free(f->watches[i].path);
		free(f->watches[i].token);
	}
	for (; f->ev_head != f->ev_tail; f->ev_head++) {
		free(f->events[f->ev_head % FAKE_MAX_EVENTS].path);
		free(f->events[f->ev_head % FAKE_MAX_EVENTS].token);
	}
	free(f->pages);
	free(f);
}

void *
fake_page(struct fake_hv *f, uint32_t page)
{
	return f->pages[page];
}

uint32_t
fake_grant_to(struct fake_hv *f, uint32_t page, bool readonly,
	      xnb_domid_t grantee)
{
	uint32_t ref = f->next_gref++;

	f->grants[ref].valid = true;
	f->grants[ref].readonly = readonly;
	f->grants[ref].grantee = grantee;
	f->grants[ref].page = page;
	return ref;
}

uint32_t
fake_grant(struct fake_hv *f, uint32_t page, bool readonly)
{
	return fake_grant_to(f, page, readonly, FAKE_BACKEND_DOMID);
}

void
fake_revoke(struct fake_hv *f, uint32_t gref)
{
	f->grants[gref].valid = false;
}

unsigned int
fake_notified(const struct fake_hv *f, uint32_t local_port)
{
	return local_port < FAKE_NR_PORTS ? f->notify[local_port] : 0;
}

int
fake_local_port(const struct fake_hv *f, uint32_t remote_port)
{
	unsigned int i;

	for (i = 0; i < FAKE_NR_PORTS; i++)
		if (f->remote[i] == (int)remote_port)
			return i;
	return -1;
}

void
fake_kick(struct fake_hv *f, uint32_t remote_port)
{
	int port = fake_local_port(f, remote_port);
	struct xnb_hv_evtchn *ec;
	uint64_t one = 1;

	if (port < 0)
		return;
	ec = f->owner[port];
	ec->pending[ec->nr_pending++] = port;
	if (write(ec->fd, &one, sizeof(one)) < 0)
		abort();
}

void
fake_xs_set(struct fake_hv *f, const char *path, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	node_write(f, path, buf, n);
}

void
fake_xs_rm(struct fake_hv *f, const char *path)
{
	size_t n = strlen(path);
	unsigned int i = 0;

	while (i < f->nr_nodes) {
		char *p = f->nodes[i].path;

		if (strncmp(p, path, n) == 0 && (p[n] == '\0' || p[n] == '/')) {
			fire(f, p);
			free(p);
			free(f->nodes[i].val);
			f->nodes[i] = f->nodes[--f->nr_nodes];
		} else {
			i++;
		}
	}
}

const char *
fake_xs_get(const struct fake_hv *f, const char *path)
{
	const struct fake_node *n = find_node(f, path);

	return n != NULL ? n->val : NULL;
}

int
fake_xs_pump(struct fake_hv *f, struct xnb_vif *vif)
{
	unsigned int num;
	char **ev;
	int n = 0;

	while ((ev = fake_xs_read_watch(&f->hv, &num)) != NULL) {
		xnb_vif_watch_event(vif, ev[0], ev[1]);
		free(ev);
		n++;
	}
	return n;
}
