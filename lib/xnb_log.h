/* SPDX-License-Identifier: BSD-3-Clause */
/* Logging for libxnb: DPDK log type "pmd.net.xen.lib". */
#ifndef XNB_LOG_H
#define XNB_LOG_H

#include <inttypes.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_log.h>

extern int xnb_logtype;

#define XNB_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, xnb_logtype, "xnb: " fmt "\n", ##__VA_ARGS__)

/*
 * Rate-limited log for anything a guest can trigger: at most one line per
 * second per call site, with a count of what was suppressed.
 */
#define XNB_LOG_RL(level, fmt, ...) do { \
	static uint64_t xnb_rl_next_; \
	static uint64_t xnb_rl_skipped_; \
	uint64_t xnb_rl_now_ = rte_get_timer_cycles(); \
	if (xnb_rl_now_ >= xnb_rl_next_) { \
		XNB_LOG(level, fmt " (%" PRIu64 " similar suppressed)", \
			##__VA_ARGS__, xnb_rl_skipped_); \
		xnb_rl_skipped_ = 0; \
		xnb_rl_next_ = xnb_rl_now_ + rte_get_timer_hz(); \
	} else { \
		xnb_rl_skipped_++; \
	} \
} while (0)

#endif /* XNB_LOG_H */
