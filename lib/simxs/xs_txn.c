/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transactions of the simulated xenstored. A transaction works on a
 * private snapshot of the tree, remembers the generation of every path it
 * touched (first access) and logs its modifying requests. Commit fails with
 * EAGAIN if any touched path changed on the live tree since; otherwise the
 * logged requests are replayed on the live tree, and then the watches fire
 * once per changed node, in first-access order (xs_fires.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_log.h"
#include "xs_server_int.h"

/* Paths one transaction may touch: bounds its memory. */
#define XS_TXN_MAX_ACCESS 16384

/* Unlink from the connection and give the quota back. */
static void
txn_remove(struct xs_conn *conn, struct xs_txn *txn)
{
	struct xs_domain *dom;

	TAILQ_REMOVE(&conn->txns, txn, next);
	conn->ntxn--;
	if (!conn->priv) {
		dom = xs_domain_get(conn->srv, conn->domid, false);
		if (dom != NULL && dom->txns > 0)
			dom->txns--;
	}
}

static void
txn_free(struct xs_txn *txn)
{
	unsigned int i;

	xs_tree_free(txn->root);
	for (i = 0; i < txn->nacc; i++)
		free(txn->acc[i].path);
	free(txn->acc);
	for (i = 0; i < txn->nop; i++)
		free(txn->op[i].payload);
	free(txn->op);
	free(txn);
}

struct xs_txn *
xs_txn_find(struct xs_conn *conn, uint32_t id)
{
	struct xs_txn *txn;

	TAILQ_FOREACH(txn, &conn->txns, next)
		if (txn->id == id)
			return txn;
	return NULL;
}

void
xs_txn_note(struct xs_txn *txn, const char *path, uint64_t gen)
{
	struct xs_txn_access *acc;
	unsigned int i;

	for (i = 0; i < txn->nacc; i++)
		if (strcmp(txn->acc[i].path, path) == 0)
			return;
	if (txn->nacc >= XS_TXN_MAX_ACCESS) {
		txn->failed = true;
		return;
	}
	if (txn->nacc == txn->cacc) {
		unsigned int ncap = txn->cacc ? txn->cacc * 2 : 16;

		acc = realloc(txn->acc, ncap * sizeof(*acc));
		if (acc == NULL) {
			txn->failed = true;
			return;
		}
		txn->acc = acc;
		txn->cacc = ncap;
	}
	acc = &txn->acc[txn->nacc];
	acc->path = strdup(path);
	if (acc->path == NULL) {
		txn->failed = true;
		return;
	}
	acc->gen = gen;
	txn->nacc++;
}

int
xs_txn_reserve(struct xs_txn *txn)
{
	struct xs_txn_op *op;
	unsigned int ncap;

	if (txn->nop >= XS_TXN_MAX_OPS)
		return -ENOSPC;
	if (txn->nop < txn->cop)
		return 0;
	ncap = txn->cop ? txn->cop * 2 : 16;
	op = realloc(txn->op, ncap * sizeof(*op));
	if (op == NULL)
		return -ENOMEM;
	txn->op = op;
	txn->cop = ncap;
	return 0;
}

void
xs_txn_log(struct xs_txn *txn, const struct xs_req *req)
{
	struct xs_txn_op *op = &txn->op[txn->nop];

	op->payload = malloc(req->len + 1);
	if (op->payload == NULL) {
		txn->failed = true;
		return;
	}
	memcpy(op->payload, req->payload, req->len);
	op->payload[req->len] = '\0';
	op->type = req->type;
	op->len = req->len;
	txn->nop++;
}

int
xs_op_transaction_start(struct xs_req *req)
{
	struct xs_conn *conn = req->conn;
	struct xs_domain *dom = NULL;
	struct xs_txn *txn;
	char id[16];

	if (req->txn != NULL)
		return -EBUSY;
	if (!req->priv) {
		dom = xs_domain_get(req->srv, req->domid, true);
		if (dom == NULL)
			return -ENOMEM;
		if (dom->txns >= XS_QUOTA_TXNS)
			return -ENOSPC;
	} else if (conn->ntxn >= XS_PRIV_MAX_TXNS) {
		return -ENOSPC;
	}
	txn = calloc(1, sizeof(*txn));
	if (txn == NULL)
		return -ENOMEM;
	txn->root = xs_tree_copy(req->srv->root);
	if (txn->root == NULL) {
		free(txn);
		return -ENOMEM;
	}
	while (conn->next_txid == 0 || xs_txn_find(conn, conn->next_txid))
		conn->next_txid++;
	txn->id = conn->next_txid++;
	TAILQ_INSERT_TAIL(&conn->txns, txn, next);
	conn->ntxn++;
	if (dom != NULL)
		dom->txns++;
	snprintf(id, sizeof(id), "%u", txn->id);
	xs_req_reply(req, id, strlen(id) + 1);
	return 0;
}

static int
txn_commit(struct xs_req *req, struct xs_txn *txn)
{
	struct xnb_xs_server *srv = req->srv;
	struct xs_txn_fires fires = { .v = NULL };
	unsigned int i;
	int ret = 0;

	if (txn->failed)
		return -ENOMEM;
	for (i = 0; i < txn->nacc; i++) {
		struct xs_node *node = xs_tree_lookup(srv->root,
						      txn->acc[i].path);

		if ((node != NULL ? node->gen : 0) != txn->acc[i].gen)
			return -EAGAIN;
	}
	for (i = 0; i < txn->nop; i++) {
		struct xs_req r = {
			.srv = srv,
			.conn = req->conn,
			.root = srv->root,
			.domid = req->domid,
			.priv = req->priv,
			.replay = true,
			.defer = &fires,
			.type = txn->op[i].type,
			.payload = txn->op[i].payload,
			.len = txn->op[i].len,
		};

		/* Nothing the transaction saw has changed, so this cannot
		 * fail short of memory. */
		ret = xs_replay(&r);
		if (ret < 0) {
			XS_LOG("transaction %u of domain %u: commit step %u "
			       "failed: %s", txn->id, req->domid, i,
			       strerror(-ret));
			break;
		}
	}
	/* What was applied is announced, even after a failed step. */
	xs_txn_fire_all(srv, &fires, txn->acc, txn->nacc);
	return ret;
}

int
xs_op_transaction_end(struct xs_req *req)
{
	const char *arg = xs_req_onearg(req);
	struct xs_txn *txn = req->txn;
	int ret = 0;

	if (arg == NULL || (strcmp(arg, "T") != 0 && strcmp(arg, "F") != 0))
		return -EINVAL;
	if (txn == NULL)
		return -ENOENT;
	txn_remove(req->conn, txn);
	req->txn = NULL;
	if (arg[0] == 'T')
		ret = txn_commit(req, txn);
	txn_free(txn);
	if (ret < 0)
		return ret;
	xs_req_ack(req);
	return 0;
}

void
xs_txns_free(struct xs_conn *conn)
{
	struct xs_txn *txn;

	while ((txn = TAILQ_FIRST(&conn->txns)) != NULL) {
		txn_remove(conn, txn);
		txn_free(txn);
	}
}
