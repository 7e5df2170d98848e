/* SPDX-License-Identifier: BSD-3-Clause */
/* Xenstore permission lists (see xs_perms.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "xs_path.h"
#include "xs_perms.h"

int
xs_perms_parse(const char *strings, unsigned int num, struct xs_perm *out)
{
	const char *p = strings;
	unsigned int i;

	for (i = 0; i < num; i++) {
		unsigned long id;

		switch (p[0]) {
		case 'n':
			out[i].perms = XS_P_NONE;
			break;
		case 'r':
			out[i].perms = XS_P_READ;
			break;
		case 'w':
			out[i].perms = XS_P_WRITE;
			break;
		case 'b':
			out[i].perms = XS_P_READ | XS_P_WRITE;
			break;
		default:
			return -EINVAL;
		}
		if (xs_parse_uint(p + 1, UINT16_MAX, &id) < 0)
			return -EINVAL;
		out[i].id = (uint16_t)id;
		p += strlen(p) + 1;
	}
	return 0;
}

unsigned int
xs_perm_format(const struct xs_perm *perm, char *buf)
{
	static const char letter[] = { 'n', 'r', 'w', 'b' };

	return (unsigned int)snprintf(buf, XS_PERM_STRLEN, "%c%u",
		letter[perm->perms & (XS_P_READ | XS_P_WRITE)], perm->id) + 1;
}

uint8_t
xs_perm_for(const struct xs_perm *perm, unsigned int nperm, uint16_t domid,
	    bool priv)
{
	const uint8_t all = XS_P_READ | XS_P_WRITE | XS_P_OWNER;
	unsigned int i;

	if (priv || perm[0].id == domid)
		return all;
	for (i = 1; i < nperm; i++)
		if (perm[i].id == domid)
			return perm[i].perms & all;
	return perm[0].perms & all;
}
