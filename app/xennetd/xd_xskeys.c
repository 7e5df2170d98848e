/* SPDX-License-Identifier: BSD-3-Clause */
/* Strict parsing of toolstack-written xenstore values and watch paths. */
#include <errno.h>
#include <string.h>

#include "xd_config.h"
#include "xd_xskeys.h"

int
xd_xs_parse_vlan(const char *s, uint16_t *vlan)
{
	const char *p = s;
	uint64_t v = 0;
	size_t nd;
	bool pvid = false, untagged = false;

	nd = strspn(p, "0123456789");
	if (nd == 0 || nd > 4 || p[0] == '0')
		return -EINVAL;
	while (nd-- > 0)
		v = v * 10 + (uint64_t)(*p++ - '0');
	for (; *p != '\0'; p++) {
		if (*p == 'p' && !pvid)
			pvid = true;
		else if (*p == 'u' && !untagged)
			untagged = true;
		else if (*p == '/' || *p == '-')
			return -ENOTSUP;
		else
			return -EINVAL;
	}
	if (v < 1 || v > 4094)
		return -EINVAL;
	*vlan = (uint16_t)v;
	return 0;
}

/* One path component as a decimal in [0, max]; *end after it. */
static int
component(const char *s, uint64_t max, const char **end, uint64_t *out)
{
	char buf[8];
	size_t n = strcspn(s, "/");

	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (xd_parse_u64(buf, 0, max, out) < 0 || (n > 1 && buf[0] == '0'))
		return -EINVAL;
	*end = s + n;
	return 0;
}

int
xd_xs_parse_vif_path(const char *path, const char *base, uint16_t *domid,
		     uint32_t *devid)
{
	size_t n = strlen(base);
	const char *p;
	uint64_t v;

	if (strncmp(path, base, n) != 0)
		return -EINVAL;
	p = path + n;
	if (*p == '\0')
		return 0;
	if (*p++ != '/' || component(p, XD_DOMID_LIMIT - 1, &p, &v) < 0)
		return -EINVAL;
	*domid = (uint16_t)v;
	if (*p == '\0')
		return 1;
	if (*p++ != '/' || component(p, XD_DEVID_MAX, &p, &v) < 0)
		return -EINVAL;
	*devid = (uint32_t)v;
	if (*p != '\0' && *p != '/')
		return -EINVAL;
	return 2;
}

int
xd_xs_parse_state(const char *s)
{
	uint64_t v;

	if (xd_parse_u64(s, 0, 8, &v) < 0 || strlen(s) != 1)
		return -EINVAL;
	return (int)v;
}
