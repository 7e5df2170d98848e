/* SPDX-License-Identifier: BSD-3-Clause */
/* Logging for the net_xen PMD: DPDK log type "pmd.net.xen.driver". */
#ifndef ETH_XEN_LOG_H
#define ETH_XEN_LOG_H

#include <inttypes.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_log.h>

extern int eth_xen_logtype;

#define ETH_XEN_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, eth_xen_logtype, "net_xen: " fmt "\n", \
		##__VA_ARGS__)

/* Rate-limited: at most one line per second per call site (datapath and
 * anything a guest can trigger). */
#define ETH_XEN_LOG_RL(level, fmt, ...) do { \
	static uint64_t eth_xen_rl_next_; \
	static uint64_t eth_xen_rl_skipped_; \
	uint64_t eth_xen_rl_now_ = rte_get_timer_cycles(); \
	if (eth_xen_rl_now_ >= eth_xen_rl_next_) { \
		ETH_XEN_LOG(level, fmt " (%" PRIu64 " similar suppressed)", \
			    ##__VA_ARGS__, eth_xen_rl_skipped_); \
		eth_xen_rl_skipped_ = 0; \
		eth_xen_rl_next_ = eth_xen_rl_now_ + rte_get_timer_hz(); \
	} else { \
		eth_xen_rl_skipped_++; \
	} \
} while (0)

#endif /* ETH_XEN_LOG_H */
