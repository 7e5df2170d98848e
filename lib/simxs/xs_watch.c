/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Watches of the simulated xenstored: WATCH (with xenstored's immediate
 * first event), UNWATCH, RESET_WATCHES, the special @introduceDomain and
 * @releaseDomain paths, and delivery of change events to every
 * connection allowed to see them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xs_path.h"
#include "xs_perms.h"
#include "xs_server_int.h"

static const char *const special_names[] = {
	XS_SPECIAL_INTRODUCE,
	XS_SPECIAL_RELEASE,
};

int
xs_specials_init(struct xnb_xs_server *srv)
{
	unsigned int i;

	for (i = 0; i < sizeof(special_names) / sizeof(special_names[0]); i++) {
		struct xs_special *sp = &srv->special[i];

		sp->name = special_names[i];
		/* Owned by dom0, nobody else may see them unless granted. */
		sp->perm = calloc(1, sizeof(*sp->perm));
		if (sp->perm == NULL)
			return -ENOMEM;
		sp->nperm = 1;
	}
	return 0;
}

void
xs_specials_free(struct xnb_xs_server *srv)
{
	unsigned int i;

	for (i = 0; i < sizeof(special_names) / sizeof(special_names[0]); i++) {
		free(srv->special[i].perm);
		srv->special[i].perm = NULL;
	}
}

struct xs_special *
xs_special_find(struct xnb_xs_server *srv, const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(special_names) / sizeof(special_names[0]); i++)
		if (strcmp(srv->special[i].name, name) == 0)
			return &srv->special[i];
	return NULL;
}

static void
send_event(struct xs_conn *conn, const struct xs_watch *w, const char *path)
{
	char buf[XENSTORE_PAYLOAD_MAX];
	const char *ev = path + w->strip;
	size_t plen = strlen(ev) + 1, tlen = strlen(w->token) + 1;

	/* As xenstored: an event that cannot be sent whole is not sent. */
	if (plen + tlen > sizeof(buf))
		return;
	memcpy(buf, ev, plen);
	memcpy(buf + plen, w->token, tlen);
	xs_conn_send(conn, XS_WATCH_EVENT, 0, 0, buf, (uint32_t)(plen + tlen));
}

static bool
can_read(const struct xs_conn *conn, const struct xs_perm *perm,
	 unsigned int nperm)
{
	return xs_perm_for(perm, nperm, conn->domid, conn->priv) & XS_P_READ;
}

/* xenstored's watch_permitted: the node, its old permissions or its
 * parent must be readable by the watcher. */
static bool
watch_permitted(const struct xs_conn *conn, const struct xs_special *sp,
		const struct xs_fire_perms *p)
{
	if (sp != NULL)
		return can_read(conn, sp->perm, sp->nperm);
	if (p->old != NULL && can_read(conn, p->old, p->nold))
		return true;
	if (p->node == NULL)
		return false;
	if (can_read(conn, p->node, p->nnode))
		return true;
	return p->parent != NULL && can_read(conn, p->parent, p->nparent);
}

void
xs_fire(struct xnb_xs_server *srv, const char *path,
	const struct xs_node *node, bool exact, const struct xs_perm *old,
	unsigned int nold)
{
	struct xs_fire_perms p = { .old = old, .nold = nold };

	if (node != NULL) {
		p.node = node->perm;
		p.nnode = node->nperm;
		if (node->parent != NULL) {
			p.parent = node->parent->perm;
			p.nparent = node->parent->nperm;
		}
	}
	xs_fire_perms(srv, path, exact, &p);
}

void
xs_fire_perms(struct xnb_xs_server *srv, const char *path, bool exact,
	      const struct xs_fire_perms *perms)
{
	struct xs_special *sp = NULL;
	struct xs_conn *conn;
	struct xs_watch *w;

	if (path[0] == '@') {
		sp = xs_special_find(srv, path);
		if (sp == NULL)
			return;
	}
	TAILQ_FOREACH(conn, &srv->conns, next) {
		int permitted = -1;

		TAILQ_FOREACH(w, &conn->watches, next) {
			bool match = exact ? strcmp(path, w->path) == 0 :
				xs_path_is_child(path, w->path);

			if (conn->doomed)
				break;
			if (!match)
				continue;
			if (permitted < 0)
				permitted = watch_permitted(conn, sp, perms);
			if (!permitted)
				break;
			send_event(conn, w, path);
		}
	}
}

static void
watch_free(struct xs_watch *w)
{
	free(w->path);
	free(w->token);
	free(w);
}

int
xs_op_watch(struct xs_req *req)
{
	struct xs_conn *conn = req->conn;
	struct xs_domain *dom = NULL;
	const char *vec[2];
	struct xs_watch *w;
	size_t strip = 0;
	char *path;

	if (xs_req_strings(req, vec, 2) != 2)
		return -EINVAL;
	if (vec[0][0] == '@') {
		if (strlen(vec[0]) > XENSTORE_REL_PATH_MAX)
			return -EINVAL;
		path = strdup(vec[0]);
		if (path == NULL)
			return -ENOMEM;
	} else {
		path = xs_path_canonical(vec[0], req->domid);
		if (path == NULL)
			return -ENOMEM;
		if (!xs_path_valid(path, req->priv)) {
			free(path);
			return -EINVAL;
		}
		if (vec[0][0] != '/')
			strip = strlen(path) - strlen(vec[0]);
	}
	TAILQ_FOREACH(w, &conn->watches, next) {
		if (strcmp(w->path, path) == 0 &&
		    strcmp(w->token, vec[1]) == 0) {
			free(path);
			return -EEXIST;
		}
	}
	if (!req->priv) {
		dom = xs_domain_get(req->srv, req->domid, true);
		if (dom == NULL) {
			free(path);
			return -ENOMEM;
		}
	}
	if ((dom != NULL && dom->watches >= XS_QUOTA_WATCHES) ||
	    conn->nwatch >= XS_PRIV_MAX_WATCHES) {
		free(path);
		return -E2BIG;
	}
	w = calloc(1, sizeof(*w));
	if (w == NULL) {
		free(path);
		return -ENOMEM;
	}
	w->path = path;
	w->strip = strip;
	w->token = strdup(vec[1]);
	if (w->token == NULL) {
		watch_free(w);
		return -ENOMEM;
	}
	TAILQ_INSERT_TAIL(&conn->watches, w, next);
	conn->nwatch++;
	if (dom != NULL)
		dom->watches++;
	xs_req_ack(req);
	/* xenstored fires every new watch once, right after the reply. */
	send_event(conn, w, w->path);
	return 0;
}

static void
watch_remove(struct xs_conn *conn, struct xs_watch *w)
{
	struct xs_domain *dom;

	TAILQ_REMOVE(&conn->watches, w, next);
	watch_free(w);
	conn->nwatch--;
	if (!conn->priv) {
		dom = xs_domain_get(conn->srv, conn->domid, false);
		if (dom != NULL && dom->watches > 0)
			dom->watches--;
	}
}

int
xs_op_unwatch(struct xs_req *req)
{
	struct xs_conn *conn = req->conn;
	const char *vec[2];
	struct xs_watch *w;
	char *path;

	if (xs_req_strings(req, vec, 2) != 2)
		return -EINVAL;
	path = xs_path_canonical(vec[0], req->domid);
	if (path == NULL)
		return -ENOMEM;
	TAILQ_FOREACH(w, &conn->watches, next) {
		if (strcmp(w->path, path) == 0 &&
		    strcmp(w->token, vec[1]) == 0)
			break;
	}
	free(path);
	if (w == NULL)
		return -ENOENT;
	watch_remove(conn, w);
	xs_req_ack(req);
	return 0;
}

int
xs_op_reset_watches(struct xs_req *req)
{
	xs_watches_free(req->conn);
	xs_txns_free(req->conn);
	xs_req_ack(req);
	return 0;
}

void
xs_watches_free(struct xs_conn *conn)
{
	struct xs_watch *w;

	while ((w = TAILQ_FIRST(&conn->watches)) != NULL)
		watch_remove(conn, w);
}
