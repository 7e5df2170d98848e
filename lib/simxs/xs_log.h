/* SPDX-License-Identifier: BSD-3-Clause */
/* stderr logging of the simulated xenstored (no DPDK in this library). */
#ifndef XS_LOG_H
#define XS_LOG_H

#include <stdio.h>
#include <time.h>

#define XS_LOG(fmt, ...) \
	fprintf(stderr, "xnb-simxs: " fmt "\n", ##__VA_ARGS__)

/* For anything a guest can trigger: at most one line per second per call
 * site, with a count of what was suppressed. */
#define XS_LOG_RL(fmt, ...) do { \
	static time_t xs_rl_next_; \
	static unsigned long xs_rl_skipped_; \
	struct timespec xs_rl_now_; \
	clock_gettime(CLOCK_MONOTONIC, &xs_rl_now_); \
	if (xs_rl_now_.tv_sec >= xs_rl_next_) { \
		XS_LOG(fmt " (%lu similar suppressed)", ##__VA_ARGS__, \
		       xs_rl_skipped_); \
		xs_rl_skipped_ = 0; \
		xs_rl_next_ = xs_rl_now_.tv_sec + 1; \
	} else { \
		xs_rl_skipped_++; \
	} \
} while (0)

#endif /* XS_LOG_H */
