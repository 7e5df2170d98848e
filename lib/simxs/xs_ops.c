/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Node requests of the simulated xenstored: READ, WRITE, MKDIR, RM,
 * DIRECTORY(_PART), GET_PERMS, SET_PERMS, with C xenstored's permission,
 * error and quota semantics.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_path.h"
#include "xs_perms.h"
#include "xs_server_int.h"

/* xenstored's per-node record header, counted in the node size quota. */
#define XS_NODE_HDR_SIZE 24
#define XS_NODE_PERM_SIZE 8

struct xs_node *
xs_req_lookup(struct xs_req *req, const char *path)
{
	struct xs_node *node = xs_tree_lookup(req->root, path);

	if (req->txn != NULL)
		xs_txn_note(req->txn, path, node != NULL ? node->gen : 0);
	return node;
}

static uint8_t
perm_of(const struct xs_req *req, const struct xs_node *node)
{
	return xs_perm_for(node->perm, node->nperm, req->domid, req->priv);
}

static bool
quota_applies(const struct xs_req *req)
{
	return !req->priv && !req->replay;
}

static unsigned int
node_size(unsigned int nperm, unsigned int len, unsigned int childlen)
{
	return XS_NODE_HDR_SIZE + nperm * XS_NODE_PERM_SIZE + len + childlen;
}

/* Watches fire on the live tree only; transactions fire on commit, once
 * every request of it is replayed. */
static void
fire(struct xs_req *req, const char *path, const struct xs_node *node,
     bool exact, const struct xs_perm *old, unsigned int nold)
{
	if (req->txn != NULL)
		return;
	if (req->defer != NULL)
		xs_txn_defer(req->defer, path, node, exact, old, nold);
	else
		xs_fire(req->srv, path, node, exact, old, nold);
}

/* Canonical, valid path of a request argument (malloc()ed) or NULL and
 * *err. */
static char *
req_path(const struct xs_req *req, const char *arg, int *err)
{
	char *path;

	if (arg == NULL) {
		*err = -EINVAL;
		return NULL;
	}
	path = xs_path_canonical(arg, req->domid);
	if (path == NULL) {
		*err = -ENOMEM;
		return NULL;
	}
	if (!xs_path_valid(path, req->priv)) {
		free(path);
		*err = -EINVAL;
		return NULL;
	}
	return path;
}

/*
 * As xenstored: a caller that may not access the nearest existing ancestor
 * learns nothing about the node (EACCES rather than ENOENT).
 */
static int
errno_from_parents(struct xs_req *req, const char *path, int err,
		   uint8_t need)
{
	struct xs_node *node = NULL;
	char *p, *parent;

	p = strdup(path);
	if (p == NULL)
		return -ENOMEM;
	while (strcmp(p, "/") != 0) {
		parent = xs_path_parent(p);
		free(p);
		p = parent;
		if (p == NULL)
			return -ENOMEM;
		node = xs_req_lookup(req, p);
		if (node != NULL)
			break;
	}
	free(p);
	if (node != NULL && (perm_of(req, node) & need))
		return err;
	return -EACCES;
}

static struct xs_node *
get_node(struct xs_req *req, const char *path, uint8_t need, int *err)
{
	struct xs_node *node = xs_req_lookup(req, path);
	int e = -ENOENT;

	if (node != NULL) {
		if ((perm_of(req, node) & need) == need)
			return node;
		e = -EACCES;
	}
	*err = errno_from_parents(req, path, e, need);
	return NULL;
}

static void
acct_subtree(struct xs_req *req, const struct xs_node *node, long delta)
{
	unsigned int i;

	xs_domain_acct(req, node->perm[0].id, delta);
	for (i = 0; i < node->nchild; i++)
		acct_subtree(req, node->child[i], delta);
}

static unsigned int
count_components(const char *p)
{
	unsigned int n = 0;

	while (*p != '\0') {
		p += strspn(p, "/");
		if (*p == '\0')
			break;
		n++;
		p += strcspn(p, "/");
	}
	return n;
}

/* Create the missing node at path and its missing parents, as
 * xenstored's create_node: new nodes inherit their parent's permissions
 * and unprivileged creators own them. */
static int
create_node(struct xs_req *req, const char *path, const void *data,
	    unsigned int len, struct xs_node **out)
{
	struct xs_node *node = req->root, *child, *first = NULL;
	const char *p = path;
	uint64_t gen;
	size_t clen;

	for (;;) {
		p += strspn(p, "/");
		if (*p == '\0')
			return -EEXIST;
		clen = strcspn(p, "/");
		child = xs_tree_child(node, p, clen);
		if (child == NULL)
			break;
		node = child;
		p += clen;
	}
	if (quota_applies(req)) {
		if (xs_domain_nodes(req) + count_components(p) > XS_QUOTA_NODES)
			return -ENOSPC;
		if (node_size(node->nperm, node->len,
			      xs_tree_children_len(node) + clen + 1) >=
		    XS_QUOTA_NODE_SIZE ||
		    node_size(node->nperm, len, 0) >= XS_QUOTA_NODE_SIZE)
			return -ENOSPC;
	}
	gen = xs_next_gen(req->srv);
	while (*p != '\0') {
		p += strspn(p, "/");
		clen = strcspn(p, "/");
		child = xs_tree_add_child(node, p, clen, gen);
		if (child == NULL)
			goto undo;
		if (!req->priv)
			child->perm[0].id = req->domid;
		if (first == NULL)
			first = child;
		xs_domain_acct(req, child->perm[0].id, 1);
		node = child;
		p += clen;
	}
	if (xs_tree_set_data(node, data, len) < 0)
		goto undo;
	*out = node;
	return 0;

undo:
	if (first != NULL) {
		acct_subtree(req, first, -1);
		xs_tree_unlink(first);
		xs_tree_free(first);
	}
	return -ENOMEM;
}

int
xs_op_read(struct xs_req *req)
{
	struct xs_node *node;
	char *path;
	int err = 0;

	path = req_path(req, xs_req_onearg(req), &err);
	if (path == NULL)
		return err;
	node = get_node(req, path, XS_P_READ, &err);
	if (node != NULL)
		xs_req_reply(req, node->data, node->len);
	free(path);
	return err;
}

int
xs_op_write(struct xs_req *req)
{
	const char *vec[1];
	struct xs_node *node;
	unsigned int off, dlen;
	char *path;
	int err = 0;

	if (xs_req_strings(req, vec, 1) < 1)
		return -EINVAL;
	off = strlen(vec[0]) + 1;
	dlen = req->len - off;
	path = req_path(req, vec[0], &err);
	if (path == NULL)
		return err;
	node = get_node(req, path, XS_P_WRITE, &err);
	if (node == NULL) {
		if (err != -ENOENT)
			goto out;
		err = create_node(req, path, req->payload + off, dlen, &node);
		if (err < 0)
			goto out;
	} else {
		if (quota_applies(req) &&
		    node_size(node->nperm, dlen, xs_tree_children_len(node)) >=
		    XS_QUOTA_NODE_SIZE) {
			err = -ENOSPC;
			goto out;
		}
		err = xs_tree_set_data(node, req->payload + off, dlen);
		if (err < 0)
			goto out;
		node->gen = xs_next_gen(req->srv);
	}
	fire(req, path, node, false, NULL, 0);
	xs_req_ack(req);
out:
	free(path);
	return err;
}

int
xs_op_mkdir(struct xs_req *req)
{
	struct xs_node *node;
	char *path;
	int err = 0;

	path = req_path(req, xs_req_onearg(req), &err);
	if (path == NULL)
		return err;
	node = get_node(req, path, XS_P_WRITE, &err);
	if (node == NULL) {
		if (err != -ENOENT)
			goto out;
		err = create_node(req, path, NULL, 0, &node);
		if (err < 0)
			goto out;
		fire(req, path, node, false, NULL, 0);
	}
	err = 0;
	xs_req_ack(req);
out:
	free(path);
	return err;
}

/*
 * Everything below a node being removed, deepest first: a transaction
 * records each (so a change under it conflicts), and watches set exactly
 * on a removed descendant fire. path holds node's path; room for any
 * valid path.
 */
static void
rm_descendants(struct xs_req *req, const struct xs_node *node, char *path,
	       size_t len)
{
	unsigned int i;

	for (i = 0; i < node->nchild; i++) {
		const struct xs_node *child = node->child[i];
		size_t clen = strlen(child->name);

		if (len + 1 + clen > XENSTORE_ABS_PATH_MAX)
			continue;
		path[len] = '/';
		memcpy(path + len + 1, child->name, clen + 1);
		rm_descendants(req, child, path, len + 1 + clen);
		if (req->txn != NULL)
			xs_txn_note(req->txn, path, child->gen);
		fire(req, path, child, true, NULL, 0);
		path[len] = '\0';
	}
}

int
xs_op_rm(struct xs_req *req)
{
	struct xs_node *node, *parent;
	char *path, *pname, *buf;
	int err = 0;

	path = req_path(req, xs_req_onearg(req), &err);
	if (path == NULL)
		return err;
	if (strcmp(path, "/") == 0) {
		free(path);
		return -EINVAL;
	}
	node = get_node(req, path, XS_P_WRITE, &err);
	/* Looked up (so a transaction records it) before it changes. */
	pname = xs_path_parent(path);
	parent = pname != NULL ? xs_req_lookup(req, pname) : NULL;
	free(pname);
	if (node == NULL) {
		/* Already gone is fine if the parent exists. */
		if (err == -ENOENT && parent != NULL) {
			err = 0;
			xs_req_ack(req);
		}
		goto out;
	}
	if (parent == NULL) {
		err = -ENOMEM;
		goto out;
	}
	buf = malloc(XENSTORE_ABS_PATH_MAX + 1);
	if (buf == NULL) {
		err = -ENOMEM;
		goto out;
	}
	strcpy(buf, path);
	fire(req, path, node, false, NULL, 0);
	rm_descendants(req, node, buf, strlen(buf));
	free(buf);
	acct_subtree(req, node, -1);
	xs_tree_unlink(node);
	xs_tree_free(node);
	parent->gen = xs_next_gen(req->srv);
	xs_req_ack(req);
out:
	free(path);
	return err;
}

int
xs_op_directory(struct xs_req *req)
{
	struct xs_node *node;
	unsigned int clen;
	char *path, *buf;
	int err = 0;

	path = req_path(req, xs_req_onearg(req), &err);
	if (path == NULL)
		return err;
	node = get_node(req, path, XS_P_READ, &err);
	if (node == NULL)
		goto out;
	clen = xs_tree_children_len(node);
	buf = malloc(clen + 1);
	if (buf == NULL) {
		err = -ENOMEM;
		goto out;
	}
	xs_tree_children(node, buf);
	xs_req_reply(req, buf, clen);
	free(buf);
out:
	free(path);
	return err;
}

/*
 * As xenstored: "<generation>\0" then the child names from byte offset
 * off of the list; the last chunk ends with an empty name.
 */
int
xs_op_directory_part(struct xs_req *req)
{
	unsigned int clen, len = 0, maxlen, genlen;
	unsigned long off;
	const char *vec[2];
	struct xs_node *node;
	char gen[24], *path, *list = NULL, *data = NULL, *child;
	int err = 0;

	if (xs_req_strings(req, vec, 2) != 2 ||
	    xs_parse_uint(vec[1], UINT32_MAX, &off) < 0)
		return -EINVAL;
	path = req_path(req, vec[0], &err);
	if (path == NULL)
		return err;
	node = get_node(req, path, XS_P_READ, &err);
	if (node == NULL)
		goto out;
	genlen = (unsigned int)snprintf(gen, sizeof(gen), "%" PRIu64,
					node->gen) + 1;
	clen = xs_tree_children_len(node);
	list = malloc(clen + 1);
	data = malloc(XENSTORE_PAYLOAD_MAX + 1);
	if (list == NULL || data == NULL) {
		err = -ENOMEM;
		goto out;
	}
	xs_tree_children(node, list);
	memcpy(data, gen, genlen);
	if (off >= clen) {
		data[genlen] = '\0';
		xs_req_reply(req, data, genlen + 1);
		goto out;
	}
	maxlen = XENSTORE_PAYLOAD_MAX - genlen - 1;
	child = list + off;
	while (len + strlen(child) < maxlen) {
		len += strlen(child) + 1;
		child += strlen(child) + 1;
		if (off + len == clen)
			break;
	}
	memcpy(data + genlen, list + off, len);
	if (off + len == clen)
		data[genlen + len++] = '\0';
	xs_req_reply(req, data, genlen + len);
out:
	free(data);
	free(list);
	free(path);
	return err;
}

static int
reply_perms(struct xs_req *req, const struct xs_perm *perm,
	    unsigned int nperm)
{
	unsigned int i, len = 0;
	char *buf;

	buf = malloc((size_t)nperm * XS_PERM_STRLEN);
	if (buf == NULL)
		return -ENOMEM;
	for (i = 0; i < nperm; i++)
		len += xs_perm_format(&perm[i], buf + len);
	xs_req_reply(req, buf, len);
	free(buf);
	return 0;
}

int
xs_op_get_perms(struct xs_req *req)
{
	const char *arg = xs_req_onearg(req);
	struct xs_special *sp;
	struct xs_node *node;
	char *path;
	int err = 0;

	if (arg != NULL && arg[0] == '@') {
		sp = xs_special_find(req->srv, arg);
		if (sp == NULL)
			return -ENOENT;
		if (!(xs_perm_for(sp->perm, sp->nperm, req->domid, req->priv) &
		      XS_P_READ))
			return -EACCES;
		return reply_perms(req, sp->perm, sp->nperm);
	}
	path = req_path(req, arg, &err);
	if (path == NULL)
		return err;
	node = get_node(req, path, XS_P_READ, &err);
	if (node != NULL)
		err = reply_perms(req, node->perm, node->nperm);
	free(path);
	return err;
}

static int
set_special_perms(struct xs_req *req, struct xs_special *sp,
		  struct xs_perm *perm, unsigned int nperm)
{
	const uint8_t need = XS_P_WRITE | XS_P_OWNER;

	if ((xs_perm_for(sp->perm, sp->nperm, req->domid, req->priv) & need) !=
	    need) {
		free(perm);
		return -EACCES;
	}
	free(sp->perm);
	sp->perm = perm;
	sp->nperm = nperm;
	xs_req_ack(req);
	return 0;
}

int
xs_op_set_perms(struct xs_req *req)
{
	struct xs_perm *perm, *old = NULL;
	struct xs_special *sp;
	struct xs_node *node;
	unsigned int n, nold;
	char *path = NULL;
	int err = 0;

	n = xs_req_strings(req, NULL, 0);
	if (n < 2 || req->payload[req->len - 1] != '\0')
		return -EINVAL;
	n--;
	if (quota_applies(req) && n > XS_QUOTA_PERMS)
		return -ENOSPC;
	perm = malloc(n * sizeof(*perm));
	if (perm == NULL)
		return -ENOMEM;
	if (xs_perms_parse(req->payload + strlen(req->payload) + 1, n,
			   perm) < 0) {
		err = -EINVAL;
		goto out;
	}
	if (req->payload[0] == '@') {
		sp = xs_special_find(req->srv, req->payload);
		if (sp == NULL) {
			err = -ENOENT;
			goto out;
		}
		return set_special_perms(req, sp, perm, n);
	}
	path = req_path(req, req->payload, &err);
	if (path == NULL)
		goto out;
	node = get_node(req, path, XS_P_WRITE | XS_P_OWNER, &err);
	if (node == NULL)
		goto out;
	/* Unprivileged domains may not give their nodes away. */
	if (!req->priv && perm[0].id != node->perm[0].id) {
		err = -EPERM;
		goto out;
	}
	old = node->perm;
	nold = node->nperm;
	node->perm = NULL;
	if (xs_tree_set_perms(node, perm, n) < 0) {
		node->perm = old;
		err = -ENOMEM;
		goto out;
	}
	xs_domain_acct(req, old[0].id, -1);
	xs_domain_acct(req, perm[0].id, 1);
	node->gen = xs_next_gen(req->srv);
	fire(req, path, node, false, old, nold);
	free(old);
	xs_req_ack(req);
out:
	free(path);
	free(perm);
	return err;
}

int
xs_tree_init(struct xnb_xs_server *srv)
{
	static const struct {
		const char *path;
		const char *value;
	} init[] = {
		{ "/local/domain/0/domid", "0" },
		{ "/local/domain/0/name", "Domain-0" },
		{ "/tool/xenstored", NULL },
		{ "/vm", NULL },
	};
	struct xs_req req = {
		.srv = srv, .priv = true, .replay = true,
	};
	struct xs_node *node;
	unsigned int i;
	int ret;

	srv->root = xs_tree_new_root(xs_next_gen(srv));
	if (srv->root == NULL)
		return -ENOMEM;
	req.root = srv->root;
	for (i = 0; i < sizeof(init) / sizeof(init[0]); i++) {
		const char *v = init[i].value;

		ret = create_node(&req, init[i].path, v,
				  v != NULL ? strlen(v) : 0, &node);
		if (ret < 0)
			return ret;
	}
	return 0;
}
