/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A vif's transmit rate limit, as Linux netback applies the "rate" key:
 * credit_bytes every credit_usec, the unused credit capped at
 * max(credit_bytes, 128 KiB). The backend simply stops taking the guest's
 * Tx requests while the credit is spent, so the guest is back-pressured
 * through its own ring instead of losing frames.
 *
 * One instance per polled queue, owned by the lcore polling it; time is
 * passed in (TSC cycles) so the arithmetic is testable.
 */
#ifndef XD_RATELIM_H
#define XD_RATELIM_H

#include <stdbool.h>
#include <stdint.h>

/* Netback's minimum burst. */
#define XD_RATELIM_MIN_BURST (128u * 1024u)
/* Frames assumed per budget unit when converting credit to a burst. */
#define XD_RATELIM_FRAME 1514u
/* Bounds of a rate: credit and interval as libxl can express them. */
#define XD_RATELIM_MAX_BYTES ((1ull << 40) - 1)
#define XD_RATELIM_MAX_USEC ((1ull << 24) - 1)

struct xd_ratelim {
	uint64_t credit;      /* bytes per interval; 0: unlimited */
	uint64_t interval;    /* cycles */
	uint64_t max_burst;   /* cap of the unused credit */
	int64_t remaining;    /* may go negative by the last burst */
	uint64_t last;        /* start of the current interval */
};

/* A rate as one word (for atomic publication): bytes << 24 | usec; 0 is
 * unlimited. */
static inline uint64_t
xd_ratelim_pack(uint64_t bytes, uint64_t usec)
{
	return bytes == 0 ? 0 : bytes << 24 | usec;
}

static inline uint64_t
xd_ratelim_bytes(uint64_t packed)
{
	return packed >> 24;
}

static inline uint64_t
xd_ratelim_usec(uint64_t packed)
{
	return packed & XD_RATELIM_MAX_USEC;
}

/* Start with a full interval of credit. packed 0: unlimited. */
void xd_ratelim_init(struct xd_ratelim *rl, uint64_t packed, uint64_t now,
		     uint64_t hz);

/*
 * How many frames may be taken now (at most max): 0 while the credit is
 * spent. Refills first.
 */
uint16_t xd_ratelim_budget(struct xd_ratelim *rl, uint64_t now, uint16_t max);

static inline void
xd_ratelim_consume(struct xd_ratelim *rl, uint64_t bytes)
{
	if (rl->credit != 0)
		rl->remaining -= (int64_t)bytes;
}

/* Cycles from now until the next refill (0 when unlimited or credit is
 * left). */
uint64_t xd_ratelim_wait(const struct xd_ratelim *rl, uint64_t now);

/*
 * Parse a rate. Accepted: netback's "BYTES,USEC" (the xenstore "rate"
 * key), xl's "N{,K,M,G}{B,b}/s[@N{s,ms,us}]" (default interval 50 ms),
 * and "0" or "unlimited". Returns 0 with *packed set, or -EINVAL/-ERANGE.
 */
int xd_ratelim_parse(const char *s, uint64_t *packed);

/* "BYTES,USEC" or "unlimited" into buf. */
void xd_ratelim_format(uint64_t packed, char *buf, unsigned int len);

#endif /* XD_RATELIM_H */
