/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Watch events of a transaction commit, as the C xenstored sends them
 * (finalize_transaction walks the nodes the transaction accessed): one
 * event per changed node however often the transaction changed it, in the
 * order the transaction first touched the nodes, after the whole commit.
 * On Xen 4.17 libxl's remove transaction (online=0, then state=5, after
 * reading state) thus shows "state" before "online", and a directory
 * removed and made again in one transaction fires once.
 */
#include <stdlib.h>
#include <string.h>

#include "xs_log.h"
#include "xs_server_int.h"

static uint32_t
path_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

/* The slot holding path, or the empty slot where it would go. */
static unsigned int *
find_slot(const struct xs_txn_fires *f, const char *path)
{
	unsigned int i = path_hash(path) & (f->nslot - 1);

	while (f->slot[i] != 0 && strcmp(f->v[f->slot[i] - 1].path, path) != 0)
		i = (i + 1) & (f->nslot - 1);
	return &f->slot[i];
}

static int
grow(struct xs_txn_fires *f)
{
	unsigned int cap = f->cap != 0 ? f->cap * 2 : 16, i;
	struct xs_txn_fire *v;
	unsigned int *slot;

	v = realloc(f->v, cap * sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	f->v = v;
	slot = calloc(cap * 2, sizeof(*slot));
	if (slot == NULL)
		return -ENOMEM;
	free(f->slot);
	f->slot = slot;
	f->nslot = cap * 2;
	f->cap = cap;
	for (i = 0; i < f->n; i++)
		*find_slot(f, f->v[i].path) = i + 1;
	return 0;
}

static struct xs_perm *
perms_dup(const struct xs_perm *p, unsigned int n)
{
	struct xs_perm *c;

	if (p == NULL || n == 0)
		return NULL;
	c = malloc(n * sizeof(*c));
	if (c != NULL)
		memcpy(c, p, n * sizeof(*c));
	return c;
}

void
xs_txn_defer(struct xs_txn_fires *f, const char *path,
	     const struct xs_node *node, bool exact,
	     const struct xs_perm *old, unsigned int nold)
{
	struct xs_txn_fire *e;
	unsigned int *slot;

	if (f->n == f->cap && grow(f) < 0) {
		f->failed = true;
		return;
	}
	slot = find_slot(f, path);
	if (*slot != 0) {
		e = &f->v[*slot - 1];
		/* Any change of the node itself reaches its ancestors'
		 * watches too. */
		e->exact = e->exact && exact;
	} else {
		e = &f->v[f->n];
		memset(e, 0, sizeof(*e));
		e->path = strdup(path);
		if (e->path == NULL) {
			f->failed = true;
			return;
		}
		e->exact = exact;
		*slot = ++f->n;
	}
	free(e->node);
	free(e->parent);
	e->node = NULL;
	e->parent = NULL;
	if (node != NULL) {
		e->node = perms_dup(node->perm, node->nperm);
		e->nnode = node->nperm;
		if (node->parent != NULL) {
			e->parent = perms_dup(node->parent->perm,
					      node->parent->nperm);
			e->nparent = node->parent->nperm;
		}
	}
	/* The permissions before the first SET_PERMS are the old ones. */
	if (old != NULL && e->old == NULL) {
		e->old = perms_dup(old, nold);
		e->nold = nold;
	}
}

static void
fire_one(struct xnb_xs_server *srv, struct xs_txn_fire *e)
{
	struct xs_fire_perms p = {
		.node = e->node, .nnode = e->nnode,
		.parent = e->parent, .nparent = e->nparent,
		.old = e->old, .nold = e->nold,
	};

	if (e->fired)
		return;
	e->fired = true;
	xs_fire_perms(srv, e->path, e->exact, &p);
}

void
xs_txn_fire_all(struct xnb_xs_server *srv, struct xs_txn_fires *f,
		const struct xs_txn_access *order, unsigned int n)
{
	unsigned int i, *slot;

	if (f->failed)
		XS_LOG("transaction commit: out of memory, some watch events "
		       "lost");
	for (i = 0; f->n != 0 && i < n; i++) {
		slot = find_slot(f, order[i].path);
		if (*slot != 0)
			fire_one(srv, &f->v[*slot - 1]);
	}
	for (i = 0; i < f->n; i++) {
		fire_one(srv, &f->v[i]);
		free(f->v[i].path);
		free(f->v[i].node);
		free(f->v[i].parent);
		free(f->v[i].old);
	}
	free(f->v);
	free(f->slot);
	memset(f, 0, sizeof(*f));
}
