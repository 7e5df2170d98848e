/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which netif queue of a multi-queue guest receives a frame (ethdev Tx),
 * as Linux netback's xenvif_select_queue: the guest's Toeplitz hash and
 * mapping table when its control ring configured one that covers the
 * frame, else a flow hash modulo the number of queues. A flow always
 * lands on the same queue, so the guest sees it in order.
 */
#ifndef ETH_XEN_SPREAD_H
#define ETH_XEN_SPREAD_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "xnb_ctrl.h"

/*
 * The flow hash of m without a guest configuration: the mbuf's RSS hash
 * when RTE_MBUF_F_RX_RSS_HASH is set, else a hash of the IPv4/IPv6
 * addresses, protocol and (unfragmented TCP/UDP/SCTP) ports, or of the
 * Ethernet addresses and type for other frames, read from the first
 * segment (behind up to two VLAN tags). Any bytes give a value.
 */
uint32_t eth_xen_flow_hash(const struct rte_mbuf *m);

/* Queue < nq (nq >= 1) for m; ctrl: the guest's control ring, or NULL. */
uint16_t eth_xen_tx_pick(const struct xnb_ctrl *ctrl,
			 const struct rte_mbuf *m, uint16_t nq);

#endif /* ETH_XEN_SPREAD_H */
