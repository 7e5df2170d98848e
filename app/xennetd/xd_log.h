/* SPDX-License-Identifier: BSD-3-Clause */
/* Logging of the daemon: DPDK log type "xennetd". */
#ifndef XD_LOG_H
#define XD_LOG_H

#include <inttypes.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_log.h>

extern int xd_logtype;

#define XD_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, xd_logtype, "xennetd: " fmt "\n", \
		##__VA_ARGS__)

/* At most one line per second per call site, for anything a guest or a
 * client can trigger repeatedly. */
#define XD_LOG_RL(level, fmt, ...) do { \
	static uint64_t xd_rl_next_; \
	static uint64_t xd_rl_skipped_; \
	uint64_t xd_rl_now_ = rte_get_timer_cycles(); \
	if (xd_rl_now_ >= xd_rl_next_) { \
		XD_LOG(level, fmt " (%" PRIu64 " similar suppressed)", \
		       ##__VA_ARGS__, xd_rl_skipped_); \
		xd_rl_skipped_ = 0; \
		xd_rl_next_ = xd_rl_now_ + rte_get_timer_hz(); \
	} else { \
		xd_rl_skipped_++; \
	} \
} while (0)

#endif /* XD_LOG_H */
