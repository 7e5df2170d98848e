/* SPDX-License-Identifier: BSD-3-Clause */
/* Xenstore path and number syntax, as C xenstored checks it. */
#ifndef XS_PATH_H
#define XS_PATH_H

#include <stdbool.h>
#include <stdint.h>

/* "/local/domain/<domid>": the base of a domain's relative paths. */
#define XS_DOMAIN_PATH_FMT "/local/domain/%u"

/*
 * Absolute form of a request path: paths not starting with '/' or '@' are
 * relative to the connection's domain path. malloc()ed, NULL on ENOMEM.
 */
char *xs_path_canonical(const char *path, uint16_t domid);
/*
 * A valid node name: absolute, only [A-Za-z0-9/_@-], no "//", no trailing
 * '/' except the root, at most XENSTORE_ABS_PATH_MAX bytes; for
 * unprivileged callers the part below /local/domain/<id>/ is also limited
 * to XENSTORE_REL_PATH_MAX.
 */
bool xs_path_valid(const char *path, bool priv);
/* Parent of a valid path other than "/", malloc()ed ("/" for top level). */
char *xs_path_parent(const char *path);
/* child is parent or lies below it. */
bool xs_path_is_child(const char *child, const char *parent);
/* Strict decimal number in [0, max] (no sign, no spaces). 0 or -EINVAL. */
int xs_parse_uint(const char *s, unsigned long max, unsigned long *out);

#endif /* XS_PATH_H */
