/* SPDX-License-Identifier: BSD-3-Clause */
/* Counters gathered for the control socket and telemetry (control side,
 * under xd_ctl_lock). */
#ifndef XD_INFO_H
#define XD_INFO_H

#include <stdint.h>

#include <rte_ethdev.h>

#include "xd_port.h"

struct xd_port_counters {
	struct rte_eth_stats eth;   /* the PMD's */
	struct xd_rxq_stats in;     /* switch ingress, all queues */
	uint64_t out;               /* switch egress, sent */
	uint64_t out_drop;          /* switch egress, refused by the port */
};

/* 0, -ENOENT (not a switch port) or the ethdev error. */
int xd_info_port(uint16_t port, struct xd_port_counters *c);

struct xd_lcore_info {
	unsigned int lcore;
	int socket;
	uint64_t busy, idle, sleep; /* cycles */
	uint64_t rounds, sleeps, wakeups;
	uint64_t flood, copy_fail, offload_drop, no_dest;
	uint64_t gso, gso_segs;     /* TSO frames segmented, segments */
	unsigned int nb_queues;     /* in its plan */
};

/* Worker idx (0..xd_nb_workers-1). */
void xd_info_lcore(unsigned int idx, struct xd_lcore_info *li);
/* Share of total in percent, one decimal. */
double xd_info_pct(uint64_t part, uint64_t total);

/* "aa:bb:cc:dd:ee:ff" */
void xd_info_mac(const struct rte_ether_addr *mac, char *buf,
		 unsigned int len);

#endif /* XD_INFO_H */
