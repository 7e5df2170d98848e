/* SPDX-License-Identifier: BSD-3-Clause */
/* Toolstack stand-in: parsing vif arguments as xl and libxl do. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "simxl_int.h"

/* "00:16:3e:01:02:03", any case; formatted back in lower case. */
int
simxl_parse_mac(const char *s, char *out)
{
	unsigned int i;

	if (strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < 17; i++) {
		if (i % 3 == 2 ? s[i] != ':' : !isxdigit((unsigned char)s[i]))
			return -EINVAL;
		out[i] = (char)tolower((unsigned char)s[i]);
	}
	out[17] = '\0';
	return 0;
}

int
simxl_random_mac(char *out)
{
	uint8_t r[3];

	if (getrandom(r, sizeof(r), 0) != sizeof(r))
		return -errno;
	/* Xen's OUI, as libxl. */
	snprintf(out, 18, "00:16:3e:%02x:%02x:%02x", r[0] & 0x7f, r[1], r[2]);
	return 0;
}

/* Decimal digits then *end; 0 < value <= UINT32_MAX. */
static int
parse_count(const char *s, const char **end, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = s;

	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > UINT32_MAX)
			return -EINVAL;
	}
	if (p == s || v == 0)
		return -EINVAL;
	*end = p;
	*out = v;
	return 0;
}

/*
 * xl's vif rate syntax, RATE[@INTERVAL]: RATE is N{,K,M,G}{B,b}/s (b =
 * bits), INTERVAL is N{s,ms,us} (plain N: seconds), default 50ms. Written
 * as libxl does: "<bytes per interval>,<interval usecs>".
 */
int
simxl_parse_rate(const char *s, char *out, size_t len)
{
	uint64_t rate, interval = 50000, mult = 1;
	const char *p;

	if (parse_count(s, &p, &rate) < 0)
		return -EINVAL;
	if (*p == 'G' || *p == 'M' || *p == 'K') {
		mult = *p == 'G' ? 1000000000u : *p == 'M' ? 1000000u : 1000u;
		p++;
	}
	rate *= mult;
	if (*p == 'b')
		rate /= 8;
	else if (*p != 'B')
		return -EINVAL;
	p++;
	if (strncmp(p, "/s", 2) != 0)
		return -EINVAL;
	p += 2;
	if (*p == '@') {
		if (parse_count(p + 1, &p, &interval) < 0)
			return -EINVAL;
		if (strcmp(p, "ms") == 0)
			interval *= 1000;
		else if (strcmp(p, "s") == 0 || *p == '\0')
			interval *= 1000000;
		else if (strcmp(p, "us") != 0)
			return -EINVAL;
		if (interval > UINT32_MAX)
			return -EINVAL;
	} else if (*p != '\0') {
		return -EINVAL;
	}
	snprintf(out, len, "%" PRIu64 ",%" PRIu64, rate * interval / 1000000,
		 interval);
	return 0;
}
