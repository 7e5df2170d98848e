/* SPDX-License-Identifier: BSD-3-Clause */
/* Netback-style transmit credit and the parsers of its rate syntaxes. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "xd_ratelim.h"

void
xd_ratelim_init(struct xd_ratelim *rl, uint64_t packed, uint64_t now,
		uint64_t hz)
{
	uint64_t bytes = xd_ratelim_bytes(packed);
	uint64_t usec = xd_ratelim_usec(packed);

	memset(rl, 0, sizeof(*rl));
	if (packed == 0)
		return;
	rl->credit = bytes;
	/* usec < 2^24 and hz < 2^40 in practice: no overflow. */
	rl->interval = RTE_MAX(usec * hz / 1000000, (uint64_t)1);
	rl->max_burst = RTE_MAX(bytes, (uint64_t)XD_RATELIM_MIN_BURST);
	rl->remaining = (int64_t)bytes;
	rl->last = now;
}

static void
refill(struct xd_ratelim *rl, uint64_t now)
{
	uint64_t k, need;

	if (now - rl->last < rl->interval)
		return;
	k = (now - rl->last) / rl->interval;
	rl->last += k * rl->interval;
	/* Intervals that take the credit from remaining (<= max_burst) to
	 * the cap; computed so that nothing overflows for large k. */
	need = ((uint64_t)((int64_t)rl->max_burst - rl->remaining) +
		rl->credit - 1) / rl->credit;
	if (k >= need)
		rl->remaining = (int64_t)rl->max_burst;
	else
		rl->remaining += (int64_t)(k * rl->credit);
}

uint16_t
xd_ratelim_budget(struct xd_ratelim *rl, uint64_t now, uint16_t max)
{
	uint64_t frames;

	if (rl->credit == 0)
		return max;
	refill(rl, now);
	if (rl->remaining <= 0)
		return 0;
	/* Round up: a little credit still lets one frame through, as
	 * netback lets the frame that crosses the limit go. */
	frames = ((uint64_t)rl->remaining + XD_RATELIM_FRAME - 1) /
		 XD_RATELIM_FRAME;
	return (uint16_t)RTE_MIN(frames, (uint64_t)max);
}

uint64_t
xd_ratelim_wait(const struct xd_ratelim *rl, uint64_t now)
{
	if (rl->credit == 0 || rl->remaining > 0)
		return 0;
	if (now - rl->last >= rl->interval)
		return 0;
	return rl->last + rl->interval - now;
}

/* N{,K,M,G}{B,b}/s: bytes per second. */
static int
parse_bps(const char *s, const char **end, uint64_t *out)
{
	uint64_t v, mult = 1;
	char *p;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &p, 10);
	if (errno != 0)
		return -ERANGE;
	switch (*p) {
	case 'G':
		mult = 1000000000;
		p++;
		break;
	case 'M':
		mult = 1000000;
		p++;
		break;
	case 'K':
		mult = 1000;
		p++;
		break;
	}
	if (v > UINT64_MAX / mult)
		return -ERANGE;
	v *= mult;
	if (*p == 'b')
		v /= 8;
	else if (*p != 'B')
		return -EINVAL;
	if (p[1] != '/' || p[2] != 's')
		return -EINVAL;
	*end = p + 3;
	*out = v;
	return 0;
}

/* N{s,ms,us}: microseconds. */
static int
parse_interval(const char *s, uint64_t *out)
{
	uint64_t v, mult;
	char *p;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &p, 10);
	if (errno != 0)
		return -ERANGE;
	if (strcmp(p, "s") == 0)
		mult = 1000000;
	else if (strcmp(p, "ms") == 0)
		mult = 1000;
	else if (strcmp(p, "us") == 0)
		mult = 1;
	else
		return -EINVAL;
	if (v > XD_RATELIM_MAX_USEC / mult)
		return -ERANGE;
	*out = v * mult;
	return 0;
}

static int
check_pack(uint64_t bytes, uint64_t usec, uint64_t *packed)
{
	if (usec == 0 || usec > XD_RATELIM_MAX_USEC ||
	    bytes > XD_RATELIM_MAX_BYTES)
		return -ERANGE;
	*packed = xd_ratelim_pack(bytes, usec);
	return 0;
}

int
xd_ratelim_parse(const char *s, uint64_t *packed)
{
	uint64_t bytes, usec = 50000, bps;
	const char *p;
	char *end;
	int ret;

	if (strcmp(s, "0") == 0 || strcmp(s, "unlimited") == 0) {
		*packed = 0;
		return 0;
	}
	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	if (strchr(s, ',') != NULL) {
		/* netback: "%lu,%lu" */
		errno = 0;
		bytes = strtoull(s, &end, 10);
		if (errno != 0 || *end != ',' ||
		    !isdigit((unsigned char)end[1]))
			return errno != 0 ? -ERANGE : -EINVAL;
		p = end + 1;
		usec = strtoull(p, &end, 10);
		if (errno != 0 || *end != '\0')
			return errno != 0 ? -ERANGE : -EINVAL;
		if (bytes == 0)
			return -ERANGE;
		return check_pack(bytes, usec, packed);
	}
	ret = parse_bps(s, &p, &bps);
	if (ret < 0)
		return ret;
	if (*p == '@') {
		ret = parse_interval(p + 1, &usec);
		if (ret < 0)
			return ret;
	} else if (*p != '\0') {
		return -EINVAL;
	}
	if (usec == 0)
		return -ERANGE;
	/* As libxl: bytes per interval, rounded down; at least one byte. */
	if (bps > UINT64_MAX / usec)
		return -ERANGE;
	bytes = bps * usec / 1000000;
	if (bytes == 0)
		return -ERANGE;
	return check_pack(bytes, usec, packed);
}

void
xd_ratelim_format(uint64_t packed, char *buf, unsigned int len)
{
	if (packed == 0)
		snprintf(buf, len, "unlimited");
	else
		snprintf(buf, len, "%" PRIu64 ",%" PRIu64,
			 xd_ratelim_bytes(packed), xd_ratelim_usec(packed));
}
