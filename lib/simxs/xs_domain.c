/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Domains of the simulated xenstored: INTRODUCE (a socket per guest),
 * RELEASE, IS_DOMAIN_INTRODUCED, GET_DOMAIN_PATH, a minimal CONTROL, and
 * the per-domain accounting behind the quotas.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_log.h"
#include "xs_path.h"
#include "xs_server_int.h"

/* Domain ids a toolstack may introduce: 1 .. DOMID_FIRST_RESERVED - 1. */
#define XS_DOMID_MAX 0x7fefu

struct xs_domain *
xs_domain_get(struct xnb_xs_server *srv, uint16_t domid, bool create)
{
	struct xs_domain *d;

	TAILQ_FOREACH(d, &srv->domains, next)
		if (d->domid == domid)
			return d;
	if (!create)
		return NULL;
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return NULL;
	d->domid = domid;
	TAILQ_INSERT_TAIL(&srv->domains, d, next);
	return d;
}

void
xs_domains_free(struct xnb_xs_server *srv)
{
	struct xs_domain *d;

	while ((d = TAILQ_FIRST(&srv->domains)) != NULL) {
		TAILQ_REMOVE(&srv->domains, d, next);
		free(d);
	}
}

void
xs_domain_acct(struct xs_req *req, uint16_t owner, long delta)
{
	struct xs_domain *d;

	if (owner == 0)
		return;
	/* Inside a transaction only the requester's own count matters
	 * (for its quota); the live counts change on commit. */
	if (req->txn != NULL) {
		if (owner == req->domid)
			req->txn->node_delta += delta;
		return;
	}
	d = xs_domain_get(req->srv, owner, delta > 0);
	if (d == NULL)
		return;
	if (delta < 0 && d->nodes < (unsigned long)-delta)
		d->nodes = 0;
	else
		d->nodes += delta;
}

long
xs_domain_nodes(struct xs_req *req)
{
	struct xs_domain *d = xs_domain_get(req->srv, req->domid, false);
	long n = d != NULL ? (long)d->nodes : 0;

	if (req->txn != NULL)
		n += req->txn->node_delta;
	return n;
}

static int
parse_domid(const char *s, unsigned long max, uint16_t *domid)
{
	unsigned long v;

	if (s == NULL || xs_parse_uint(s, max, &v) < 0)
		return -EINVAL;
	*domid = (uint16_t)v;
	return 0;
}

int
xs_op_introduce(struct xs_req *req)
{
	unsigned long mfn, port;
	const char *vec[3];
	struct xs_domain *d;
	uint16_t domid;
	int ret;

	if (xs_req_strings(req, vec, 3) < 3 ||
	    parse_domid(vec[0], XS_DOMID_MAX, &domid) < 0 || domid == 0 ||
	    xs_parse_uint(vec[1], UINT64_MAX, &mfn) < 0 ||
	    xs_parse_uint(vec[2], UINT32_MAX, &port) < 0 || port == 0)
		return -EINVAL;
	d = xs_domain_get(req->srv, domid, true);
	if (d == NULL)
		return -ENOMEM;
	/* Introducing again is accepted, as xenstored does. */
	if (!d->introduced) {
		ret = xs_listener_open(req->srv, domid, false, &d->lst);
		if (ret < 0)
			return ret;
		d->introduced = true;
		xs_fire(req->srv, XS_SPECIAL_INTRODUCE, NULL, false, NULL, 0);
	}
	xs_req_ack(req);
	return 0;
}

void
xs_domain_release(struct xnb_xs_server *srv, uint16_t domid)
{
	struct xs_domain *d = xs_domain_get(srv, domid, false);
	struct xs_conn *conn;

	if (domid == 0)
		return;
	if (d != NULL && d->introduced) {
		d->introduced = false;
		if (d->lst != NULL) {
			xs_listener_close(srv, d->lst);
			d->lst = NULL;
		}
		TAILQ_FOREACH(conn, &srv->conns, next) {
			if (conn->priv || conn->domid != domid)
				continue;
			xs_watches_free(conn);
			xs_txns_free(conn);
			xs_conn_doom(conn);
		}
	}
	xs_fire(srv, XS_SPECIAL_RELEASE, NULL, false, NULL, 0);
}

int
xs_op_release(struct xs_req *req)
{
	struct xs_domain *d;
	uint16_t domid;

	if (parse_domid(xs_req_onearg(req), XS_DOMID_MAX, &domid) < 0 ||
	    domid == 0)
		return -EINVAL;
	d = xs_domain_get(req->srv, domid, false);
	if (d == NULL || !d->introduced)
		return -ENOENT;
	xs_domain_release(req->srv, domid);
	xs_req_ack(req);
	return 0;
}

int
xs_op_is_domain_introduced(struct xs_req *req)
{
	struct xs_domain *d;
	uint16_t domid;
	bool yes;

	if (parse_domid(xs_req_onearg(req), UINT16_MAX, &domid) < 0)
		return -EINVAL;
	d = xs_domain_get(req->srv, domid, false);
	yes = domid == 0 || (d != NULL && d->introduced);
	xs_req_reply(req, yes ? "T" : "F", 2);
	return 0;
}

int
xs_op_get_domain_path(struct xs_req *req)
{
	uint16_t domid;
	char path[32];
	int len;

	if (parse_domid(xs_req_onearg(req), UINT16_MAX, &domid) < 0)
		return -EINVAL;
	len = snprintf(path, sizeof(path), XS_DOMAIN_PATH_FMT, domid);
	xs_req_reply(req, path, (uint32_t)len + 1);
	return 0;
}

int
xs_op_control(struct xs_req *req)
{
	static const char help[] = "check\nhelp\nprint <string>\n";
	const char *vec[2];
	unsigned int n;

	n = xs_req_strings(req, vec, 2);
	if (n < 1)
		return -EINVAL;
	if (strcmp(vec[0], "check") == 0) {
		xs_req_ack(req);
	} else if (strcmp(vec[0], "help") == 0) {
		xs_req_reply(req, help, sizeof(help));
	} else if (strcmp(vec[0], "print") == 0 && n >= 2) {
		XS_LOG("control: %s", vec[1]);
		xs_req_ack(req);
	} else {
		return -EINVAL;
	}
	return 0;
}
