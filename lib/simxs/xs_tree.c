/* SPDX-License-Identifier: BSD-3-Clause */
/* The xenstore node tree (see xs_tree.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xs_tree.h"

static struct xs_node *
node_alloc(const char *name, size_t len)
{
	struct xs_node *node;

	node = calloc(1, sizeof(*node));
	if (node == NULL)
		return NULL;
	node->name = strndup(name, len);
	if (node->name == NULL) {
		free(node);
		return NULL;
	}
	return node;
}

struct xs_node *
xs_tree_new_root(uint64_t gen)
{
	static const struct xs_perm dom0_only = { .id = 0, .perms = XS_P_NONE };
	struct xs_node *root;

	root = node_alloc("", 0);
	if (root == NULL)
		return NULL;
	if (xs_tree_set_perms(root, &dom0_only, 1) < 0) {
		xs_tree_free(root);
		return NULL;
	}
	root->gen = gen;
	return root;
}

void
xs_tree_free(struct xs_node *node)
{
	unsigned int i;

	if (node == NULL)
		return;
	for (i = 0; i < node->nchild; i++)
		xs_tree_free(node->child[i]);
	free(node->child);
	free(node->name);
	free(node->data);
	free(node->perm);
	free(node);
}

static struct xs_node *
copy_node(const struct xs_node *src, struct xs_node *parent)
{
	struct xs_node *dst;
	unsigned int i;

	dst = node_alloc(src->name, strlen(src->name));
	if (dst == NULL)
		return NULL;
	dst->parent = parent;
	dst->gen = src->gen;
	if (xs_tree_set_data(dst, src->data, src->len) < 0 ||
	    xs_tree_set_perms(dst, src->perm, src->nperm) < 0)
		goto free_dst;
	if (src->nchild > 0) {
		dst->child = calloc(src->nchild, sizeof(*dst->child));
		if (dst->child == NULL)
			goto free_dst;
		dst->cchild = src->nchild;
	}
	for (i = 0; i < src->nchild; i++) {
		dst->child[i] = copy_node(src->child[i], dst);
		if (dst->child[i] == NULL)
			goto free_dst;
		dst->nchild++;
	}
	return dst;

free_dst:
	xs_tree_free(dst);
	return NULL;
}

struct xs_node *
xs_tree_copy(const struct xs_node *root)
{
	return copy_node(root, NULL);
}

struct xs_node *
xs_tree_child(const struct xs_node *parent, const char *name, size_t len)
{
	unsigned int i;

	for (i = 0; i < parent->nchild; i++) {
		const char *cn = parent->child[i]->name;

		if (strncmp(cn, name, len) == 0 && cn[len] == '\0')
			return parent->child[i];
	}
	return NULL;
}

struct xs_node *
xs_tree_lookup(struct xs_node *root, const char *path)
{
	struct xs_node *node = root;
	const char *p = path;

	while (node != NULL && *p != '\0') {
		size_t len;

		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		len = strcspn(p, "/");
		node = xs_tree_child(node, p, len);
		p += len;
	}
	return node;
}

struct xs_node *
xs_tree_add_child(struct xs_node *parent, const char *name, size_t len,
		  uint64_t gen)
{
	struct xs_node *node;

	if (parent->nchild == parent->cchild) {
		unsigned int ncap = parent->cchild ? parent->cchild * 2 : 4;
		struct xs_node **nc;

		nc = realloc(parent->child, ncap * sizeof(*nc));
		if (nc == NULL)
			return NULL;
		parent->child = nc;
		parent->cchild = ncap;
	}
	node = node_alloc(name, len);
	if (node == NULL)
		return NULL;
	if (xs_tree_set_perms(node, parent->perm, parent->nperm) < 0) {
		xs_tree_free(node);
		return NULL;
	}
	node->parent = parent;
	node->gen = gen;
	parent->child[parent->nchild++] = node;
	parent->gen = gen;
	return node;
}

void
xs_tree_unlink(struct xs_node *node)
{
	struct xs_node *parent = node->parent;
	unsigned int i;

	if (parent == NULL)
		return;
	for (i = 0; i < parent->nchild; i++) {
		if (parent->child[i] != node)
			continue;
		memmove(&parent->child[i], &parent->child[i + 1],
			(parent->nchild - i - 1) * sizeof(parent->child[0]));
		parent->nchild--;
		break;
	}
	node->parent = NULL;
}

int
xs_tree_set_data(struct xs_node *node, const void *data, unsigned int len)
{
	char *copy = NULL;

	if (len > 0) {
		copy = malloc(len);
		if (copy == NULL)
			return -ENOMEM;
		memcpy(copy, data, len);
	}
	free(node->data);
	node->data = copy;
	node->len = len;
	return 0;
}

int
xs_tree_set_perms(struct xs_node *node, const struct xs_perm *perm,
		  unsigned int nperm)
{
	struct xs_perm *copy;

	copy = malloc(nperm * sizeof(*copy));
	if (copy == NULL)
		return -ENOMEM;
	memcpy(copy, perm, nperm * sizeof(*copy));
	free(node->perm);
	node->perm = copy;
	node->nperm = nperm;
	return 0;
}

unsigned int
xs_tree_children_len(const struct xs_node *node)
{
	unsigned int i, len = 0;

	for (i = 0; i < node->nchild; i++)
		len += strlen(node->child[i]->name) + 1;
	return len;
}

void
xs_tree_children(const struct xs_node *node, char *buf)
{
	unsigned int i;

	for (i = 0; i < node->nchild; i++) {
		size_t n = strlen(node->child[i]->name) + 1;

		memcpy(buf, node->child[i]->name, n);
		buf += n;
	}
}
