/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The L2 learning switch, datapath side (VALE-like): a burst from one
 * port is classified in one pass, its destinations looked up in one bulk
 * FDB lookup, and frames are queued per destination port and sent in
 * batches.
 *
 * Policy per frame from port S:
 *  - shorter than an Ethernet header: dropped (runt);
 *  - S a vif, not trusted: the source MAC must be the guest's (else
 *    dropped, spoofed) and the frame must be untagged (else dropped,
 *    vlan); its VLAN is the vif's "vlan" key (0: none);
 *  - S a physical port: an 802.1Q tag gives the VLAN (stripped inside the
 *    switch), untagged is VLAN 0;
 *  - a multicast source is never valid (spoofed); otherwise the source is
 *    learned for (MAC, VLAN);
 *  - broadcast, multicast and unknown unicast are flooded to every other
 *    port with the link up in the same VLAN (physical ports carry every
 *    VLAN, tagged); multicast reaches a vif whose guest asked for
 *    multicast control only for the groups it subscribed (the net_xen
 *    port filters, counted there as rx_drop_mcast);
 *  - known unicast goes to its port; to the port it came from: dropped;
 *  - a vif bound to a physical port queue (xd_bind.h) sends everything
 *    there, no lookup; on a queue rte_flow steers to a vif, frames for
 *    that vif's MAC and VLAN go straight to it.
 * Frames leaving through a physical port get their VLAN tag back;
 * checksum offloads a destination lacks are finished in software; a TSO
 * frame for a port that cannot take it now (xd_port.tso) is segmented
 * (TCP/IPv4, counted gso/gso_segs) or, when that fails (TCP/IPv6, bad
 * headers, no mbufs), dropped (offload_drop).
 */
#ifndef XD_SWITCH_H
#define XD_SWITCH_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "xd_worker.h"

/*
 * Poll Rx queue qid of port within its rate limit and switch what came.
 * Returns frames taken; *wait is lowered to the cycles until a throttled
 * queue gets credit again.
 */
uint16_t xd_switch_poll(struct xd_worker *w, uint64_t mask, uint16_t port,
			uint16_t qid, uint64_t *wait);

/* Switch n (<= XD_BURST) frames that came in on Rx queue qid of port. */
void xd_switch_input(struct xd_worker *w, uint64_t mask, uint16_t port,
		     uint16_t qid, struct rte_mbuf **pkts, uint16_t n);

/* Send every queued frame (frames a port refuses are freed, counted). */
void xd_switch_flush(struct xd_worker *w);

#endif /* XD_SWITCH_H */
