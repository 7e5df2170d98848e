/* SPDX-License-Identifier: BSD-3-Clause */
/* Xenstore path and number syntax (see xs_path.h). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xen/io/xs_wire.h>

#include "xs_path.h"

#define VALID_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
	"0123456789-/_@"

char *
xs_path_canonical(const char *path, uint16_t domid)
{
	char *abs;

	if (path[0] == '/' || path[0] == '@')
		return strdup(path);
	if (asprintf(&abs, XS_DOMAIN_PATH_FMT "/%s", domid, path) < 0)
		return NULL;
	return abs;
}

/* Length of the part of path below /local/domain/<id>/, or of all of it. */
static size_t
relative_len(const char *path)
{
	const char *q = "/local/domain/";
	const char *p = path;

	while (*q != '\0' && *p == *q) {
		p++;
		q++;
	}
	if (*q != '\0' || *p < '0' || *p > '9')
		return strlen(path);
	p += strspn(p, "0123456789");
	if (*p != '/')
		return strlen(path);
	return strlen(p + 1);
}

bool
xs_path_valid(const char *path, bool priv)
{
	size_t len = strlen(path);

	if (path[0] != '/')
		return false;
	if (len > 1 && path[len - 1] == '/')
		return false;
	if (strstr(path, "//") != NULL)
		return false;
	if (len > XENSTORE_ABS_PATH_MAX)
		return false;
	if (!priv && relative_len(path) > XENSTORE_REL_PATH_MAX)
		return false;
	return strspn(path, VALID_CHARS) == len;
}

char *
xs_path_parent(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL || slash == path)
		return strdup("/");
	return strndup(path, slash - path);
}

bool
xs_path_is_child(const char *child, const char *parent)
{
	size_t plen = strlen(parent);

	if (strcmp(parent, "/") == 0)
		return child[0] == '/';
	if (strncmp(child, parent, plen) != 0)
		return false;
	return child[plen] == '\0' || child[plen] == '/';
}

int
xs_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (*s == '\0')
		return -EINVAL;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return -EINVAL;
	}
	*out = v;
	return 0;
}
