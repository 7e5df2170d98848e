/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Request plumbing of the simulated xenstored: the wire-type table (which
 * types are privileged, which ignore the transaction id, which modify the
 * store), transaction lookup, error replies in xsd_errors' spelling.
 */
#include <errno.h>
#include <string.h>

#include "xs_server_int.h"

#define XS_F_PRIV 0x1 /* privileged connections only */
#define XS_F_NOTID 0x2 /* transaction id ignored */
#define XS_F_MODIFY 0x4 /* changes the store: logged in transactions */

struct xs_wire_fn {
	int (*fn)(struct xs_req *req);
	unsigned int flags;
};

static const struct xs_wire_fn wire_fns[XS_TYPE_COUNT] = {
	[XS_CONTROL] = { xs_op_control, XS_F_PRIV },
	[XS_DIRECTORY] = { xs_op_directory, 0 },
	[XS_READ] = { xs_op_read, 0 },
	[XS_GET_PERMS] = { xs_op_get_perms, 0 },
	[XS_WATCH] = { xs_op_watch, XS_F_NOTID },
	[XS_UNWATCH] = { xs_op_unwatch, XS_F_NOTID },
	[XS_TRANSACTION_START] = { xs_op_transaction_start, 0 },
	[XS_TRANSACTION_END] = { xs_op_transaction_end, 0 },
	[XS_INTRODUCE] = { xs_op_introduce, XS_F_PRIV },
	[XS_RELEASE] = { xs_op_release, XS_F_PRIV },
	[XS_GET_DOMAIN_PATH] = { xs_op_get_domain_path, 0 },
	[XS_WRITE] = { xs_op_write, XS_F_MODIFY },
	[XS_MKDIR] = { xs_op_mkdir, XS_F_MODIFY },
	[XS_RM] = { xs_op_rm, XS_F_MODIFY },
	[XS_SET_PERMS] = { xs_op_set_perms, XS_F_MODIFY },
	[XS_IS_DOMAIN_INTRODUCED] = { xs_op_is_domain_introduced, XS_F_PRIV },
	[XS_RESET_WATCHES] = { xs_op_reset_watches, 0 },
	[XS_DIRECTORY_PART] = { xs_op_directory_part, 0 },
};

static void
send_error(struct xs_req *req, int err)
{
	unsigned int i, found = 0;

	if (req->replay)
		return;
	/* Anything xsd_errors cannot spell goes out as EINVAL (entry 0),
	 * as xenstored does. */
	for (i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
		if (xsd_errors[i].errnum == err)
			found = i;
	xs_conn_send(req->conn, XS_ERROR, req->req_id, req->tx_id,
		     xsd_errors[found].errstring,
		     strlen(xsd_errors[found].errstring) + 1);
}

void
xs_dispatch(struct xs_conn *conn)
{
	struct xs_req req = {
		.srv = conn->srv,
		.conn = conn,
		.domid = conn->domid,
		.priv = conn->priv,
		.type = conn->hdr.type,
		.req_id = conn->hdr.req_id,
		.tx_id = conn->hdr.tx_id,
		.payload = conn->in,
		.len = conn->hdr.len,
	};
	const struct xs_wire_fn *w;
	bool logged;
	int ret;

	if (req.type >= XS_TYPE_COUNT || wire_fns[req.type].fn == NULL) {
		ret = -ENOSYS;
		goto error;
	}
	w = &wire_fns[req.type];
	if ((w->flags & XS_F_PRIV) && !conn->priv) {
		ret = -EACCES;
		goto error;
	}
	if (!(w->flags & XS_F_NOTID) && req.tx_id != 0) {
		req.txn = xs_txn_find(conn, req.tx_id);
		if (req.txn == NULL) {
			ret = -ENOENT;
			goto error;
		}
	}
	req.root = req.txn != NULL ? req.txn->root : conn->srv->root;
	logged = req.txn != NULL && (w->flags & XS_F_MODIFY);
	if (logged) {
		ret = xs_txn_reserve(req.txn);
		if (ret < 0)
			goto error;
	}
	ret = w->fn(&req);
	if (ret < 0)
		goto error;
	if (logged)
		xs_txn_log(req.txn, &req);
	return;

error:
	send_error(&req, -ret);
}

int
xs_replay(struct xs_req *req)
{
	return wire_fns[req->type].fn(req);
}

void
xs_req_reply(struct xs_req *req, const void *data, uint32_t len)
{
	if (req->replay)
		return;
	if (len > XENSTORE_PAYLOAD_MAX) {
		send_error(req, E2BIG);
		return;
	}
	xs_conn_send(req->conn, req->type, req->req_id, req->tx_id, data,
		     len);
}

void
xs_req_ack(struct xs_req *req)
{
	xs_req_reply(req, "OK", sizeof("OK"));
}

const char *
xs_req_onearg(const struct xs_req *req)
{
	if (req->len == 0 ||
	    memchr(req->payload, '\0', req->len) != req->payload + req->len - 1)
		return NULL;
	return req->payload;
}

unsigned int
xs_req_strings(const struct xs_req *req, const char **vec, unsigned int n)
{
	unsigned int off = 0, i = 0;

	while (off < req->len) {
		const char *nul = memchr(req->payload + off, '\0',
					 req->len - off);

		if (nul == NULL)
			break;
		if (i < n)
			vec[i] = req->payload + off;
		i++;
		off = (unsigned int)(nul - req->payload) + 1;
	}
	return i;
}

uint64_t
xs_next_gen(struct xnb_xs_server *srv)
{
	return ++srv->gen;
}
