/* SPDX-License-Identifier: BSD-3-Clause */
/* Xenstore permission lists: wire syntax and access decisions. */
#ifndef XS_PERMS_H
#define XS_PERMS_H

#include <stdbool.h>
#include <stdint.h>

#include "xs_tree.h"

/* Longest perm string incl. NUL: one letter, a domid, NUL. */
#define XS_PERM_STRLEN 8

/*
 * Parse num NUL-terminated perm strings ("n0", "r5", "w7", "b3") that start
 * at strings. 0 or -EINVAL on anything else (domids are 0..65535).
 */
int xs_perms_parse(const char *strings, unsigned int num, struct xs_perm *out);
/* Format one permission; returns the length including the NUL. */
unsigned int xs_perm_format(const struct xs_perm *perm, char *buf);
/*
 * Access of domain domid to a node with these permissions, exactly as
 * xenstored's perm_for_conn: privileged callers and the owner get
 * everything, else the first entry naming domid, else entry 0.
 */
uint8_t xs_perm_for(const struct xs_perm *perm, unsigned int nperm,
		    uint16_t domid, bool priv);

#endif /* XS_PERMS_H */
