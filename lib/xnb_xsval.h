/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Strict readers of xenstore values written by a (hostile) frontend or by
 * the toolstack: no sign, no spaces, no trailing text, range-checked.
 */
#ifndef XNB_XSVAL_H
#define XNB_XSVAL_H

#include <stdbool.h>
#include <stdint.h>

#include "xnb_hv.h"

/* Parse decimal text s[0 .. len) into *out <= max: 0 or -EINVAL. */
int xnb_parse_uint(const char *s, unsigned int len, uint32_t max,
		   uint32_t *out);
/* Parse "xx:xx:xx:xx:xx:xx" (hex, either case): 0 or -EINVAL. */
int xnb_parse_mac(const char *s, unsigned int len, uint8_t mac[6]);

/* Read path as a number <= max: 0, -ENOENT (absent), -EINVAL (bad). */
int xnb_xs_read_uint(struct xnb_hv *hv, const char *path, uint32_t max,
		     uint32_t *out);
/* Read a 0/1 flag; absent gives def. 0 or -EINVAL. */
int xnb_xs_read_bool(struct xnb_hv *hv, const char *path, bool def,
		     bool *out);
/* printf into path and write value: 0 or -errno. */
int xnb_xs_printf(struct xnb_hv *hv, xnb_xs_txn_t t, const char *path,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif /* XNB_XSVAL_H */
