/* SPDX-License-Identifier: BSD-3-Clause */
/* Strict parsing of xenstore values (see xnb_xsval.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "xnb_xsval.h"

int
xnb_parse_uint(const char *s, unsigned int len, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	unsigned int i;

	if (len == 0 || len > 10)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
xnb_parse_mac(const char *s, unsigned int len, uint8_t mac[6])
{
	unsigned int i;
	int hi, lo;

	if (len != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		hi = hex_digit(s[3 * i]);
		lo = hex_digit(s[3 * i + 1]);
		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			return -EINVAL;
		mac[i] = hi << 4 | lo;
	}
	return 0;
}

int
xnb_xs_read_uint(struct xnb_hv *hv, const char *path, uint32_t max,
		 uint32_t *out)
{
	unsigned int len = 0;
	char *v;
	int ret;

	v = hv->ops->xs_read(hv, XNB_XS_TXN_NULL, path, &len);
	if (v == NULL)
		return errno != 0 ? -errno : -EIO;
	ret = xnb_parse_uint(v, len, max, out);
	free(v);
	return ret;
}

int
xnb_xs_read_bool(struct xnb_hv *hv, const char *path, bool def, bool *out)
{
	uint32_t v;
	int ret;

	ret = xnb_xs_read_uint(hv, path, 1, &v);
	if (ret == -ENOENT) {
		*out = def;
		return 0;
	}
	if (ret < 0)
		return ret;
	*out = v != 0;
	return 0;
}

int
xnb_xs_printf(struct xnb_hv *hv, xnb_xs_txn_t t, const char *path,
	      const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -EINVAL;
	return hv->ops->xs_write(hv, t, path, buf, n);
}
