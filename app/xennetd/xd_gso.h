/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP segmentation in the switch, for a TSO frame (a guest's GSO frame
 * taken whole with LRO) that goes to a port which cannot take it: a NIC
 * without RTE_ETH_TX_OFFLOAD_TCP_TSO, or a vif whose guest did not
 * negotiate GSO. TCP/IPv4 only: librte_gso of DPDK 22.11 has no TCP/IPv6
 * (config/xennetd.conf, [switch] tso, says what that means).
 */
#ifndef XD_GSO_H
#define XD_GSO_H

#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

/* Bound on the segments of one frame (64 KiB at an MSS of 536 gives 123). */
#define XD_GSO_MAX_SEGS 128

/*
 * Segment m (RTE_MBUF_F_TX_TCP_SEG with l2_len, l3_len, l4_len and
 * tso_segsz set) into at most max frames of mbufs from mp. Each segment
 * asks for its checksums (RTE_MBUF_F_TX_IP_CKSUM, RTE_MBUF_F_TX_TCP_CKSUM
 * with the pseudo-header in place), which the egress finishes. Returns
 * the number of segments in out (m is consumed), or -errno with m left as
 * it was: -ENOTSUP (not TCP/IPv4), -EINVAL (bad lengths), -E2BIG (more
 * than max segments), -ENOMEM.
 */
int xd_gso_segment(struct rte_mbuf *m, struct rte_mempool *mp,
		   struct rte_mbuf **out, uint16_t max);

#endif /* XD_GSO_H */
