/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The xenstore node tree: a plain in-memory data structure, no policy.
 * Paths handed to these functions are canonical absolute paths (checked by
 * xs_path_valid); permission checks, quotas and watches live above.
 */
#ifndef XS_TREE_H
#define XS_TREE_H

#include <stdbool.h>
#include <stdint.h>

/* Permission bits, numerically those of xenstore_lib.h XS_PERM_*. */
#define XS_P_NONE 0x0
#define XS_P_READ 0x1
#define XS_P_WRITE 0x2
#define XS_P_OWNER 0x8

struct xs_perm {
	uint16_t id;
	uint8_t perms;
};

struct xs_node {
	char *name; /* last path component, "" for the root */
	struct xs_node *parent;
	struct xs_node **child; /* in creation order, as xenstored lists them */
	unsigned int nchild;
	unsigned int cchild;
	char *data;
	unsigned int len;
	struct xs_perm *perm; /* [0] = owner and everyone else's access */
	unsigned int nperm;
	uint64_t gen; /* generation of the last change to data/perms/children */
};

/* A new root node owned by dom0 with no access for others. */
struct xs_node *xs_tree_new_root(uint64_t gen);
/* Free node and its whole subtree (does not unlink it from its parent). */
void xs_tree_free(struct xs_node *node);
/* Deep copy of a whole tree (for transaction snapshots). NULL on ENOMEM. */
struct xs_node *xs_tree_copy(const struct xs_node *root);

/* Node at path, or NULL. */
struct xs_node *xs_tree_lookup(struct xs_node *root, const char *path);
/* Child of parent named name (len bytes), or NULL. */
struct xs_node *xs_tree_child(const struct xs_node *parent, const char *name,
			      size_t len);
/* New empty child of parent, inheriting parent's permissions. NULL on
 * ENOMEM. */
struct xs_node *xs_tree_add_child(struct xs_node *parent, const char *name,
				  size_t len, uint64_t gen);
/* Remove node from its parent's child list (the node is not freed). */
void xs_tree_unlink(struct xs_node *node);

/* Replace the node's value. 0 or -ENOMEM. */
int xs_tree_set_data(struct xs_node *node, const void *data, unsigned int len);
/* Replace the node's permissions. 0 or -ENOMEM. */
int xs_tree_set_perms(struct xs_node *node, const struct xs_perm *perm,
		      unsigned int nperm);

/* Bytes of the NUL-separated child name list (as XS_DIRECTORY sends). */
unsigned int xs_tree_children_len(const struct xs_node *node);
/* Write the child name list into buf (children_len bytes). */
void xs_tree_children(const struct xs_node *node, char *buf);

#endif /* XS_TREE_H */
